//! The deployed world's objects as local files for the embedded query
//! engine, each with the partition the Glue table's projection puts it in,
//! checked against where it belongs.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{ensure, Context, Result};
use serde_json::Value;

use crate::access_logs::LogObject;
use crate::catalog::{LocalObject, Table};

/// Each object's partition under `table`'s projection, which must be the
/// log's own account, audited bucket and day; written locally for the
/// query runner.
pub fn partitions(
    table: &Table,
    bucket: &str,
    copies: &BTreeMap<String, Vec<u8>>,
    objects: &[LogObject],
    region: &str,
    work: &Path,
) -> Result<Vec<LocalObject>> {
    let projection = table.projection()?;
    let mut local = Vec::new();
    for (i, (key, bytes)) in copies.iter().enumerate() {
        let uri = format!("s3://{bucket}/{key}");
        let partition = projection.partition_of(&uri).map_err(anyhow::Error::msg)?;
        let log = objects
            .iter()
            .find(|o| key.ends_with(o.key.rsplit('/').next().unwrap_or_default()))
            .context("copy of no known log")?;
        let expected = [
            ("account", log.account.as_str()),
            ("region", region),
            ("source_bucket", log.bucket.as_str()),
        ];
        for (column, value) in expected {
            ensure!(
                partition.get(column).map(String::as_str) == Some(value),
                "{uri}: partition {partition:?}"
            );
        }
        ensure!(
            partition.get("dt") == Some(&log.day.format("%Y/%m/%d").to_string()),
            "{uri} is not in its day's partition: {partition:?}"
        );
        let path = work.join(format!("{}-{i}.log", table.database));
        std::fs::write(&path, bytes)?;
        local.push(LocalObject { path, partition });
    }
    Ok(local)
}

/// The compacted outputs under `table`'s projection, written locally with
/// their own names (`.gz` means to the query runner what it means to
/// Athena); the manifests are hidden. Each output must sit in the partition
/// of every source its manifest lists.
pub fn compacted_partitions(
    table: &Table,
    bucket: &str,
    written: &BTreeMap<String, Vec<u8>>,
    work: &Path,
) -> Result<Vec<LocalObject>> {
    let projection = table.projection()?;
    let mut local = Vec::new();
    for (i, (key, bytes)) in written.iter().enumerate() {
        let uri = format!("s3://{bucket}/{key}");
        if key.rsplit('/').next().unwrap_or_default().starts_with('_') {
            // A manifest: hidden from Athena, as the projection must know.
            ensure!(
                projection.partition_of(&uri).is_err(),
                "{uri} would be read as rows"
            );
            continue;
        }
        let partition = projection.partition_of(&uri).map_err(anyhow::Error::msg)?;
        if key.ends_with(".gz") {
            let manifest: Value = written
                .values()
                .filter_map(|m| serde_json::from_slice::<Value>(m).ok())
                .find(|m| m["output_key"] == key.as_str())
                .with_context(|| format!("no manifest names {key}"))?;
            for source in manifest["sources"].as_array().into_iter().flatten() {
                let source_key = source["key"].as_str().unwrap_or_default();
                let segments: Vec<&str> = source_key.split('/').collect();
                let day = segments.get(segments.len().saturating_sub(4)..segments.len() - 1);
                ensure!(
                    day.map(|d| d.join("/")).as_ref() == partition.get("dt"),
                    "{uri} holds {source_key}, which is not in its partition {partition:?}"
                );
            }
        }
        let dir = work.join(format!("{}-{}-{i}", table.database, table.name));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(key.rsplit('/').next().unwrap_or_default());
        std::fs::write(&path, bytes)?;
        local.push(LocalObject { path, partition });
    }
    Ok(local)
}
