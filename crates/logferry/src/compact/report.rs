//! What compaction works on and reports: partitions, the manifest's
//! contents, and what went wrong.

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::ShipError;

/// Why a partition was not compacted.
#[derive(Debug, thiserror::Error)]
pub enum CompactError {
    /// Nothing was archived under the partition's prefix that day.
    #[error("nothing to compact: no objects under s3://{bucket}/{prefix}")]
    Empty { bucket: String, prefix: String },
    /// Partitions are found by listing whole key segments, which only the
    /// default layout has.
    #[error("finding partitions needs the default key layout; name one with --account, --region and --bucket")]
    CustomLayout,
    /// A partition named wrongly (its day).
    #[error("{0}")]
    Partition(String),
    /// A partition the archive's layout cannot hold, or a layout compaction cannot work on.
    #[error(transparent)]
    Layout(#[from] crate::archive::KeyError),
    /// Reading, writing or checking in S3, as the shipper's transfers fail
    /// (deadline included).
    #[error(transparent)]
    Transfer(#[from] ShipError),
}

/// One partition of the archive: the logs of one audited bucket on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Partition {
    pub account: String,
    pub region: String,
    pub bucket: String,
    pub day: NaiveDate,
}

/// One archived object that went into an output, as the manifest lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub key: String,
    pub etag: String,
    pub version_id: Option<String>,
    pub size: u64,
    /// `ALGORITHM:base64`: the full-object checksum S3 stored for it, which
    /// its bytes were checked against while being compacted.
    pub checksum: String,
    /// Where its bytes start in the uncompressed output.
    pub offset: u64,
    /// Its key ends in `.gz`: the output holds its lines decompressed, as
    /// Athena reads them from the archive.
    pub gunzipped: bool,
    /// Its last line had no line end, and the output adds one after it, so
    /// that it is not joined onto the next source's first line.
    pub line_end_added: bool,
}

/// What a compaction wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Compacted {
    pub partition: Partition,
    pub output_key: String,
    pub manifest_key: String,
    pub sources: Vec<Source>,
    pub uncompressed_bytes: u64,
    /// CRC32C of the uncompressed output (the sources, concatenated).
    pub uncompressed_crc32c: String,
    pub compressed_bytes: u64,
    /// Earlier outputs of the partition that this one replaces.
    pub removed: Vec<String>,
}

/// What a compaction did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Compaction {
    Written(Compacted),
    /// The output made from exactly these sources is already there.
    Unchanged(String),
}

impl Partition {
    /// `2026-11-22`, or one line saying what a day looks like.
    pub fn day(day: &str) -> Result<NaiveDate, CompactError> {
        NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| {
            CompactError::Partition(format!("day `{day}` is not a date like 2026-11-22"))
        })
    }

    /// `--day 2026-11-22` with the audited bucket's account, region and name.
    pub fn new(account: &str, region: &str, bucket: &str, day: &str) -> Result<Self, CompactError> {
        let day = Partition::day(day)?;
        Ok(Partition {
            account: account.to_string(),
            region: region.to_string(),
            bucket: bucket.to_string(),
            day,
        })
    }
}
