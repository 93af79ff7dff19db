//! Compaction's settings, its own family: the archive it reads and writes
//! in account B, and, for the scheduled Lambda, which days to compact.
//! Nothing of shipping's: no destination, no way into B (compaction runs
//! in B with its own role).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use clap::Args;

use crate::archive::key::{KeyTemplate, DEFAULT_TEMPLATE};
use crate::archive::names::is_bucket_name;
use crate::s3::Timeouts;
use crate::settings::{layout_error, whole, ClientSettings, SettingError};

use super::DEFAULT_QUERY_PREFIX;

/// Where compaction reads and writes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct CompactSettings {
    /// The archive bucket in account B, read and written by compaction.
    #[arg(long, env = "LOGFERRY_ARCHIVE_BUCKET")]
    pub archive_bucket: Option<String>,
    /// The prefix the shippers write under (default `logferry`).
    #[arg(long, env = "LOGFERRY_ARCHIVE_PREFIX")]
    pub archive_prefix: Option<String>,
    /// The archive's key template (default: infra/layout/archive-key-template.txt).
    #[arg(long, env = "LOGFERRY_KEY_TEMPLATE")]
    pub key_template: Option<String>,
    /// Where the compacted copies go, in the archive bucket (default `logferry-query`, from infra/layout/query-prefix.txt).
    #[arg(long, env = "LOGFERRY_QUERY_PREFIX")]
    pub query_prefix: Option<String>,
    #[command(flatten)]
    pub client: ClientSettings,
}

/// The checked settings a [`super::Compactor`] is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompactConfig {
    pub archive_bucket: String,
    /// The archive's layout, under the archive prefix.
    pub archive: KeyTemplate,
    /// The same layout under the query prefix.
    pub query: KeyTemplate,
    pub timeouts: Timeouts,
}

impl CompactSettings {
    /// Check the settings together, or every problem, one line each.
    pub fn validate(self) -> Result<CompactConfig, Vec<SettingError>> {
        let mut errors = Vec::new();
        let bucket = self.archive_bucket.unwrap_or_default();
        if bucket.is_empty() {
            errors.push(SettingError::new(
                "LOGFERRY_ARCHIVE_BUCKET",
                "LOGFERRY_ARCHIVE_BUCKET is not set; set it to the archive bucket's name in account B",
            ));
        } else if !is_bucket_name(&bucket) {
            errors.push(SettingError::new(
                "LOGFERRY_ARCHIVE_BUCKET",
                format!("LOGFERRY_ARCHIVE_BUCKET `{bucket}` is not a valid S3 bucket name; set it to the archive bucket's name in account B (not an ARN or s3:// URI)"),
            ));
        }
        let prefix = self.archive_prefix.unwrap_or_else(|| "logferry".into());
        let template = self.key_template.unwrap_or_else(|| DEFAULT_TEMPLATE.into());
        let query_prefix = self
            .query_prefix
            .unwrap_or_else(|| DEFAULT_QUERY_PREFIX.into());
        let archive = KeyTemplate::parse(&template, &prefix)
            .map_err(|e| errors.push(layout_error(e, "LOGFERRY_ARCHIVE_PREFIX")))
            .ok();
        let query = archive.as_ref().and_then(|a| {
            a.with_prefix(&query_prefix)
                .map_err(|e| errors.push(layout_error(e, "LOGFERRY_QUERY_PREFIX")))
                .ok()
        });
        if let (Some(archive), Some(query)) = (&archive, &query) {
            if archive.prefix() == query.prefix() {
                errors.push(SettingError::new(
                    "LOGFERRY_QUERY_PREFIX",
                    "LOGFERRY_QUERY_PREFIX is the archive prefix; set it apart from LOGFERRY_ARCHIVE_PREFIX, or the compacted copies mix with the originals",
                ));
            }
        }
        match (archive, query) {
            (Some(archive), Some(query)) if errors.is_empty() => Ok(CompactConfig {
                archive_bucket: bucket,
                archive,
                query,
                timeouts: self.client.timeouts(),
            }),
            _ => Err(errors),
        }
    }
}

impl CompactConfig {
    /// Read through `lookup` and checked: every problem, one line each.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Vec<SettingError>> {
        crate::settings::from_lookup::<CompactSettings>(lookup)?.validate()
    }
}

/// When a day counts as settled, and how far back to look: the scheduled
/// compaction's own settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Args)]
pub struct Schedule {
    /// Hours after a day ends before it is compacted, 1-168 (default 6).
    #[arg(long, env = "LOGFERRY_COMPACT_SETTLE_HOURS", value_parser = whole(1, 168), default_value_t = 6)]
    pub compact_settle_hours: u64,
    /// Settled days compacted on each run, 1-31 (default 3).
    #[arg(long, env = "LOGFERRY_COMPACT_LOOKBACK_DAYS", value_parser = whole(1, 31), default_value_t = 3)]
    pub compact_lookback_days: u64,
    /// Partitions compacted at once, 1-16 (default 4).
    #[arg(long, env = "LOGFERRY_COMPACT_CONCURRENCY", value_parser = whole(1, 16), default_value_t = Schedule::DEFAULT_CONCURRENCY)]
    pub compact_concurrency: u64,
}

impl Schedule {
    /// Partitions compacted at once unless told otherwise.
    pub const DEFAULT_CONCURRENCY: u64 = 4;

    /// The most recent `compact_lookback_days` days that ended at least
    /// `compact_settle_hours` before `now`, oldest first.
    pub fn days(&self, now: DateTime<Utc>) -> Vec<NaiveDate> {
        let hours = i64::try_from(self.compact_settle_hours).unwrap_or(i64::MAX);
        let settled = now - Duration::hours(hours);
        // The last day that ended by `settled`.
        let last = settled.date_naive() - Duration::days(1);
        (0..i64::try_from(self.compact_lookback_days).unwrap_or(0))
            .rev()
            .map(|back| last - Duration::days(back))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_day_is_compacted_once_it_has_settled() {
        let schedule = Schedule {
            compact_settle_hours: 6,
            compact_lookback_days: 2,
            compact_concurrency: 1,
        };
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        // 05:00 on the 23rd: the 22nd ended 5 hours ago, not yet settled.
        let early = Utc.with_ymd_and_hms(2026, 11, 23, 5, 0, 0).unwrap();
        assert_eq!(schedule.days(early), vec![day(20), day(21)]);
        // 06:00: now it has.
        let settled = Utc.with_ymd_and_hms(2026, 11, 23, 6, 0, 0).unwrap();
        assert_eq!(schedule.days(settled), vec![day(21), day(22)]);
    }
}
