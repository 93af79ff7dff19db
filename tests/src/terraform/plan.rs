//! A second `terraform plan` right after `apply`: what it would change, and
//! whether that is only an emulator's named drift.

use anyhow::{bail, Context, Result};
use serde_json::Value;

use super::{tail, Root};

/// Drift a plan may show right after apply on an emulator: the resource (a
/// type, or the end of an address), the one attribute, and the gap's name.
pub type Drift = (&'static str, &'static str, &'static str);

impl Root {
    /// A fresh `terraform plan -detailed-exitcode`: every resource it would
    /// change, with the top-level attributes that differ.
    pub async fn plan_changes(&self) -> Result<Vec<Change>> {
        let out = self
            .terraform(&[
                "plan",
                "-detailed-exitcode",
                "-input=false",
                "-no-color",
                "-out=replan.tfplan",
            ])
            .await?;
        match out.status.code() {
            Some(0) => return Ok(Vec::new()),
            // What changes, for whoever reads a failure.
            Some(2) => eprintln!(
                "infra/examples/{}: plan after apply:\n{}",
                self.name,
                tail(&out, 60)
            ),
            _ => bail!(
                "`terraform plan` in infra/examples/{} failed:\n{}",
                self.name,
                tail(&out, 40)
            ),
        }
        let plan: Value = serde_json::from_str(
            &self
                .run(&["show", "-json", "-no-color", "replan.tfplan"])
                .await?,
        )?;
        Ok(changes(&plan))
    }

    /// A plan right after apply changes nothing but `drift`, each change of
    /// which is reported with its gap.
    pub async fn plan_is_clean(&self, drift: &[Drift]) -> Result<()> {
        for change in self.plan_changes().await? {
            let known = drift.iter().find(|(resource, attribute, _)| {
                let of_type = change.address.rsplit('.').nth(1) == Some(*resource);
                (of_type || change.address.ends_with(resource)) && change.attributes == [*attribute]
            });
            let (_, attribute, gap) = known.with_context(|| format!(
                "infra/examples/{}: a plan right after apply wants to change {} ({:?}: {:?}); only an emulator's named drift is expected",
                self.name, change.address, change.actions, change.attributes))?;
            eprintln!(
                "plan after apply: {}.{attribute} differs (gap {gap})",
                change.address
            );
        }
        Ok(())
    }
}

/// A resource a plan would change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub address: String,
    pub actions: Vec<String>,
    /// Top-level attributes whose planned value differs from the state.
    pub attributes: Vec<String>,
}

fn changes(plan: &Value) -> Vec<Change> {
    let empty = Vec::new();
    plan["resource_changes"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .filter_map(|rc| {
            let actions: Vec<String> = rc["change"]["actions"]
                .as_array()?
                .iter()
                .filter_map(|a| a.as_str().map(str::to_string))
                .collect();
            if actions.iter().all(|a| a == "no-op" || a == "read") {
                return None;
            }
            let (before, after) = (&rc["change"]["before"], &rc["change"]["after"]);
            let mut attributes: Vec<String> = after
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(k, v)| before.get(k.as_str()) != Some(v))
                .map(|(k, _)| k.clone())
                .collect();
            attributes.sort();
            Some(Change {
                address: rc["address"].as_str()?.to_string(),
                actions,
                attributes,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changed_attributes_are_reported() {
        let plan = serde_json::json!({"resource_changes": [
            {"address": "a.same", "change": {"actions": ["no-op"], "before": {"x": 1}, "after": {"x": 1}}},
            {"address": "a.drift", "change": {"actions": ["update"],
                "before": {"x": 1, "scaling_config": []}, "after": {"x": 1, "scaling_config": [{"maximum_concurrency": 2}]}}}
        ]});
        assert_eq!(
            changes(&plan),
            vec![Change {
                address: "a.drift".into(),
                actions: vec!["update".into()],
                attributes: vec!["scaling_config".into()],
            }]
        );
    }
}
