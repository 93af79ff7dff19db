//! Reconcile from S3 Inventory reports instead of listings, on either side
//! (`--source-inventory`, `--archive-inventory`): a report costs one GET
//! per data file where a listing costs one request per 1,000 keys, and the
//! source's report can be delivered straight to a bucket in B ("The
//! destination bucket ... can be in a different AWS account", S3 User
//! Guide, Configuring Amazon S3 Inventory), so B needs no list on A at all.
//!
//! A report's rows come in no documented order, so each side is sorted on
//! disk first ([`super::sorted`]); the archive side is then a merge join of
//! the expected archive keys with the report's keys.

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use super::merge::{fate, Fate, Source};
use super::sorted::{Sorted, Sorter};
use crate::ship::inventory::{self, Row, Window};

/// Rows waiting between a data file's reader and the sorter.
const WAITING: usize = 1024;

/// A source object with the archive key it should have, on its day.
#[derive(Debug, Serialize, Deserialize)]
pub struct Expected {
    pub dest: String,
    pub day: NaiveDate,
    pub source: Source,
}

/// Every row of the report at `uri` that lists `bucket`, to `each`; the
/// report must have the `fields` named.
async fn each_row(
    s3: &aws_sdk_s3::Client,
    uri: &str,
    bucket: &str,
    fields: &[&str],
    mut each: impl FnMut(Row) -> Result<()>,
) -> Result<()> {
    let manifest = inventory::manifest(s3, uri).await?;
    if manifest.source_bucket != bucket {
        bail!(
            "{uri} is the inventory of bucket {}, not of {bucket}; give that bucket's report",
            manifest.source_bucket
        );
    }
    for field in fields {
        if !manifest.schema.iter().any(|f| f == field) {
            bail!("{uri}: the report has no {field} field, which reconcile compares; add it to the inventory's optional fields");
        }
    }
    for file in &manifest.files {
        let (sender, mut rows) = mpsc::channel(WAITING);
        let reading = inventory::rows(s3.clone(), &manifest, file, Window::default(), sender);
        let sorting = async {
            while let Some(row) = rows.recv().await {
                each(row?)?;
            }
            anyhow::Ok(())
        };
        let ((), sorted) = tokio::join!(reading, sorting);
        sorted?;
    }
    Ok(())
}

/// A's objects under `s3://bucket/prefix` in its inventory report, in key order.
pub async fn source_objects(
    s3: &aws_sdk_s3::Client,
    uri: &str,
    bucket: &str,
    prefix: &str,
) -> Result<Sorted<String, Source>> {
    let mut sorter = Sorter::new(|s: &Source| s.key.clone());
    each_row(s3, uri, bucket, &["Size", "LastModifiedDate"], |row| {
        if row.bucket != bucket || !row.key.starts_with(prefix) {
            return Ok(());
        }
        sorter.push(Source {
            size: row.size.context("a row without a Size")?,
            last_modified: row
                .last_modified
                .context("a row without a LastModifiedDate")?,
            etag: row.etag,
            key: row.key,
        })
    })
    .await?;
    sorter.sorted()
}

/// The archive's keys (and sizes) under `prefix` in its inventory report,
/// in key order.
pub async fn archive_keys(
    s3: &aws_sdk_s3::Client,
    uri: &str,
    bucket: &str,
    prefix: &str,
) -> Result<Join> {
    let mut sorter = Sorter::new(|k: &(String, i64)| k.0.clone());
    each_row(s3, uri, bucket, &["Size"], |row| {
        if row.bucket != bucket || !row.key.starts_with(prefix) {
            return Ok(());
        }
        sorter.push((row.key, row.size.context("a row without a Size")?))
    })
    .await?;
    Ok(Join {
        keys: sorter.sorted()?,
        current: None,
    })
}

/// The archive's keys in order, met by expected keys in order.
pub struct Join {
    keys: Sorted<String, (String, i64)>,
    current: Option<(String, i64)>,
}

impl Join {
    /// The fate of `dest`; expected keys must come in key order.
    pub fn fate(&mut self, dest: String) -> Result<Fate> {
        loop {
            match &self.current {
                Some((key, size)) if *key == dest => return Ok(fate(dest, Some(*size))),
                Some((key, _)) if *key > dest => return Ok(fate(dest, None)),
                _ => {}
            }
            match self.keys.next().transpose()? {
                Some(next) => self.current = Some(next),
                None => {
                    self.current = None;
                    return Ok(fate(dest, None));
                }
            }
        }
    }
}
