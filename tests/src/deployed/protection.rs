//! The archive's protections as Terraform deployed them, read back from the
//! emulator (issue 18): the default Object Lock retention, every shipped
//! copy locked until its date, the bucket policy's no-overwrite and admin
//! guards naming the break-glass role, and the EventBridge rules on
//! CloudTrail that alarm on a change, each notifying the archive's topic.
//! (The deployed world runs on soft IAM, so what the guards deny is proven
//! on strict IAM in `tests/tests/evidence.rs`, with the same templates.)

use std::collections::BTreeMap;

use anyhow::{ensure, Context, Result};
use serde_json::Value;

use crate::account::Account;

/// `from_b` is the archive root's outputs; `archived`, keys of shipped copies.
pub async fn check(
    admin_b: &Account,
    from_b: &BTreeMap<String, Value>,
    bucket: &str,
    archived: &[&str],
) -> Result<()> {
    let output = |name: &str| from_b.get(name).cloned().unwrap_or_default();
    let s3 = admin_b.s3();
    let lock = &output("archive_object_lock");
    let mode = lock["mode"]
        .as_str()
        .context("output archive_object_lock")?;
    let days = lock["days"].as_i64().context("archive_object_lock.days")?;
    let config = s3
        .get_object_lock_configuration()
        .bucket(bucket)
        .send()
        .await?;
    let retention = config
        .object_lock_configuration()
        .and_then(|c| c.rule())
        .and_then(|r| r.default_retention())
        .context("the archive has no default retention")?;
    ensure!(
        retention.mode().map(|m| m.as_str()) == Some(mode)
            && i64::from(retention.days().unwrap_or_default()) == days,
        "default retention {retention:?}, Terraform says {mode} for {days} days"
    );
    for key in archived {
        let head = s3.head_object().bucket(bucket).key(*key).send().await?;
        ensure!(
            head.object_lock_mode().map(|m| m.as_str()) == Some(mode)
                && head.object_lock_retain_until_date().is_some(),
            "{key} is not locked ({:?})",
            head.object_lock_mode()
        );
    }

    let policy: Value = serde_json::from_str(
        s3.get_bucket_policy()
            .bucket(bucket)
            .send()
            .await?
            .policy()
            .context("no bucket policy")?,
    )?;
    let break_glass = output("archive_break_glass_role_arn");
    let break_glass = break_glass
        .as_str()
        .context("output archive_break_glass_role_arn")?;
    let statement = |sid: &str| {
        policy["Statement"]
            .as_array()
            .and_then(|all| all.iter().find(|s| s["Sid"] == sid))
            .cloned()
            .with_context(|| format!("the archive's bucket policy has no {sid}"))
    };
    statement("DenyWritesThatCouldReplaceAnObject")?;
    for sid in [
        "DenyProtectionChangesButBreakGlass",
        "DenyVersionDestructionButBreakGlass",
    ] {
        let exempt = statement(sid)?["Condition"]["ArnNotLike"]["aws:PrincipalArn"].to_string();
        ensure!(
            exempt.contains(break_glass),
            "{sid} does not exempt the break-glass role {break_glass}: {exempt}"
        );
    }

    let topic = output("archive_alarm_topic_arn");
    let topic = topic.as_str().context("output archive_alarm_topic_arn")?;
    let rules = output("archive_protection_rule_names");
    let rules = rules
        .as_object()
        .context("output archive_protection_rule_names")?;
    ensure!(
        rules.contains_key("bucket") && rules.contains_key("key"),
        "protection rules {rules:?}: one for the bucket and one for the key"
    );
    let events = aws_sdk_eventbridge::Client::new(&admin_b.sdk);
    for (watches, name) in rules {
        let name = name.as_str().context("a rule name")?;
        let rule = events.describe_rule().name(name).send().await?;
        let pattern: Value = serde_json::from_str(rule.event_pattern().unwrap_or("{}"))?;
        ensure!(
            pattern["detail-type"]
                .to_string()
                .contains("AWS API Call via CloudTrail"),
            "rule {name} ({watches}) does not match CloudTrail API calls: {pattern}"
        );
        let targets = events.list_targets_by_rule().rule(name).send().await?;
        ensure!(
            targets.targets().iter().any(|t| t.arn() == topic),
            "rule {name} ({watches}) does not notify {topic}"
        );
    }
    Ok(())
}
