//! Athena partition projection, as a Glue table declares it: which partition
//! an S3 object falls in, if any. Used to prove that every object logferry
//! ships is seen by the table Terraform created.
//!
//! Athena builds partition locations from `storage.location.template`,
//! replacing each `${column}` with values projection generates: an `enum`
//! column's listed values, a `date` column's days from the range start to
//! `NOW` in its format ("Partition projection", Athena user guide). An object
//! is read when it lies below one such location, and no segment below it
//! starts with `_` or `.` (Athena treats those as hidden).

use std::collections::BTreeMap;

use anyhow::{bail, Context, Result};
use chrono::{NaiveDate, Utc};

/// One projected column.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    Enum(Vec<String>),
    /// A `yyyy/MM/dd` style format and the first day of the range.
    Date {
        format: String,
        start: NaiveDate,
    },
}

/// The projection of one table.
#[derive(Debug, Clone)]
pub struct Projection {
    template: String,
    columns: BTreeMap<String, Column>,
}

impl Projection {
    /// From the table's parameters (`GetTable` → `Table.Parameters`).
    pub fn from_parameters(parameters: &BTreeMap<String, String>) -> Result<Projection> {
        let get = |k: &str| {
            parameters
                .get(k)
                .cloned()
                .with_context(|| format!("table parameter {k} is missing"))
        };
        if get("projection.enabled")? != "true" {
            bail!("projection.enabled is not true");
        }
        let template = get("storage.location.template")?;
        let mut columns = BTreeMap::new();
        for name in variables(&template) {
            let column = match get(&format!("projection.{name}.type"))?.as_str() {
                "enum" => Column::Enum(
                    get(&format!("projection.{name}.values"))?
                        .split(',')
                        .map(|v| v.trim().to_string())
                        .collect(),
                ),
                "date" => {
                    let format = get(&format!("projection.{name}.format"))?;
                    let range = get(&format!("projection.{name}.range"))?;
                    let start = range.split(',').next().unwrap_or_default().trim();
                    let start = NaiveDate::parse_from_str(start, &strftime(&format))
                        .with_context(|| format!("range start `{start}` is not in {format}"))?;
                    if !range.trim_end().ends_with("NOW") {
                        bail!("projection.{name}.range `{range}` does not end at NOW");
                    }
                    Column::Date { format, start }
                }
                other => bail!("projection type `{other}` of {name} is not modelled here"),
            };
            columns.insert(name, column);
        }
        Ok(Projection { template, columns })
    }

    /// The partition values of `s3://bucket/key`, or why Athena would not read it.
    pub fn partition_of(&self, uri: &str) -> Result<BTreeMap<String, String>, String> {
        let mut rest = uri;
        let mut values = BTreeMap::new();
        let mut template = self.template.as_str();
        while !template.is_empty() {
            if let Some(after) = template.strip_prefix("${") {
                let end = after.find('}').ok_or("unclosed ${ in template")?;
                let name = &after[..end];
                template = &after[end + 1..];
                let value = match &self.columns[name] {
                    Column::Enum(allowed) => {
                        let value = rest.split('/').next().unwrap_or_default();
                        if !allowed.iter().any(|a| a == value) {
                            return Err(format!(
                                "{uri}: {name} `{value}` is not one of the projected values {allowed:?}"
                            ));
                        }
                        value
                    }
                    Column::Date { format, start } => {
                        let segments = format.matches('/').count() + 1;
                        let value: String =
                            rest.split('/').take(segments).collect::<Vec<_>>().join("/");
                        // Projection generates each day in exactly this format.
                        let day = NaiveDate::parse_from_str(&value, &strftime(format))
                            .ok()
                            .filter(|d| d.format(&strftime(format)).to_string() == value)
                            .ok_or_else(|| {
                                format!("{uri}: {name} `{value}` is not a {format} date")
                            })?;
                        if day < *start || day > Utc::now().date_naive() {
                            return Err(format!(
                                "{uri}: {name} {value} is outside the projected range {start}..NOW"
                            ));
                        }
                        &rest[..value.len()]
                    }
                };
                values.insert(name.to_string(), value.to_string());
                rest = &rest[value.len()..];
            } else {
                let literal = &template[..template.find("${").unwrap_or(template.len())];
                rest = rest.strip_prefix(literal).ok_or_else(|| {
                    format!("{uri} is not below `{literal}` of {}", self.template)
                })?;
                template = &template[literal.len()..];
            }
        }
        if !self.template.ends_with('/') {
            return Err(format!("template {} does not end in /", self.template));
        }
        if let Some(hidden) = rest.split('/').find(|s| s.starts_with(['_', '.'])) {
            return Err(format!(
                "{uri}: `{hidden}` below the partition starts with `_` or `.`; Athena treats it as hidden"
            ));
        }
        Ok(values)
    }
}

/// `${name}` variables of a location template, in order.
fn variables(template: &str) -> Vec<String> {
    template
        .split("${")
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

/// Athena's date formats are Java's (`yyyy/MM/dd`); chrono wants strftime.
fn strftime(java: &str) -> String {
    java.replace("yyyy", "%Y")
        .replace("MM", "%m")
        .replace("dd", "%d")
        .replace("HH", "%H")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn projection() -> Projection {
        let p: BTreeMap<String, String> = [
            ("projection.enabled", "true"),
            ("projection.account.type", "enum"),
            ("projection.account.values", "111111111111"),
            ("projection.source_bucket.type", "enum"),
            ("projection.source_bucket.values", "acme-web,acme-data"),
            ("projection.dt.type", "date"),
            ("projection.dt.format", "yyyy/MM/dd"),
            ("projection.dt.range", "2024/01/01,NOW"),
            (
                "storage.location.template",
                "s3://archive/p/${account}/${source_bucket}/${dt}/",
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        Projection::from_parameters(&p).unwrap()
    }

    #[test]
    fn objects_map_to_projected_partitions() {
        let values = projection()
            .partition_of("s3://archive/p/111111111111/acme-data/2026/01/02/x/y.log")
            .unwrap();
        assert_eq!(values["dt"], "2026/01/02");
        assert_eq!(values["source_bucket"], "acme-data");
    }

    #[test]
    fn objects_outside_every_partition_are_reported() {
        for uri in [
            "s3://archive/q/111111111111/acme-data/2026/01/02/x.log",
            "s3://archive/p/222222222222/acme-data/2026/01/02/x.log",
            "s3://archive/p/111111111111/acme-logs/2026/01/02/x.log",
            "s3://archive/p/111111111111/acme-data/2023/12/31/x.log",
            "s3://archive/p/111111111111/acme-data/2026/1/2/x.log",
            "s3://archive/p/111111111111/acme-data/2999/01/01/x.log",
            "s3://archive/p/111111111111/acme-data/2026/01/02/_tmp/x.log",
            "s3://archive/p/111111111111/acme-data/2026/01/02/.x",
        ] {
            assert!(projection().partition_of(uri).is_err(), "{uri}");
        }
    }
}
