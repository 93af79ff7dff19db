//! The compaction Lambda's handler, apart from `main` so the emulator tests
//! drive the very function Lambda runs. On each scheduled invocation it
//! compacts every partition of the last `lookback_days` settled days:
//! a day is settled `settle_hours` after it ended, because S3 server access
//! logs arrive hours late (AWS delivers them on a best-effort basis).
//! Re-running a day is cheap when nothing arrived since (the partition is
//! left alone), and picks up late logs when something did.
//!
//! The invocation's deadline bounds the run: no partition starts with less
//! than [`START_MARGIN`] left, and one still being written when the stop
//! time comes is aborted (its multipart upload too) and fails the run, so
//! the schedule's alarm sees a partition too large for one invocation.

use std::time::SystemTime;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use lambda_runtime::Error;
use logferry::compact::{Compaction, Compactor, DEFAULT_QUERY_PREFIX};
use logferry::{Deadline, ShipError};
use serde_json::{json, Value};

/// Time kept back from the invocation's deadline to abort an upload and answer.
pub const ANSWER_MARGIN: std::time::Duration = std::time::Duration::from_secs(10);
/// No partition is started with less time than this left before the stop.
pub const START_MARGIN: std::time::Duration = std::time::Duration::from_secs(60);

/// Where the compacted copies go: `LOGFERRY_QUERY_PREFIX`, or the default
/// (`infra/layout/query-prefix.txt`).
pub fn query_prefix(lookup: impl Fn(&str) -> Option<String>) -> String {
    lookup("LOGFERRY_QUERY_PREFIX").unwrap_or_else(|| DEFAULT_QUERY_PREFIX.to_string())
}

/// `compactor`, stopping [`ANSWER_MARGIN`] before the invocation's deadline
/// (epoch milliseconds; 0 means none).
pub fn for_invocation(compactor: &Compactor, deadline_ms: u64, now: SystemTime) -> Compactor {
    match logferry::deadline::invocation_stop(deadline_ms, now, ANSWER_MARGIN) {
        Some(at) => compactor.until(Deadline::at(at)),
        None => compactor.clone(),
    }
}

/// When a day counts as settled, and how far back to look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub settle_hours: u32,
    pub lookback_days: u32,
}

impl Schedule {
    /// `LOGFERRY_COMPACT_SETTLE_HOURS` (default 6) and
    /// `LOGFERRY_COMPACT_LOOKBACK_DAYS` (default 3), or one line naming the fix.
    pub fn from_env(lookup: impl Fn(&str) -> Option<String>) -> Result<Schedule, String> {
        let number = |name: &str, default: u32, max: u32| match lookup(name) {
            None => Ok(default),
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| format!("{name} `{v}` must be a whole number from 1 to {max}")),
        };
        Ok(Schedule {
            settle_hours: number("LOGFERRY_COMPACT_SETTLE_HOURS", 6, 168)?,
            lookback_days: number("LOGFERRY_COMPACT_LOOKBACK_DAYS", 3, 31)?,
        })
    }

    /// The most recent `lookback_days` days that ended at least
    /// `settle_hours` before `now`, oldest first.
    pub fn days(&self, now: DateTime<Utc>) -> Vec<NaiveDate> {
        let settled = now - Duration::hours(i64::from(self.settle_hours));
        // The last day that ended by `settled`.
        let last = settled.date_naive() - Duration::days(1);
        (0..i64::from(self.lookback_days))
            .rev()
            .map(|back| last - Duration::days(back))
            .collect()
    }
}

/// Compact every partition of each settled day; fails (so the schedule's
/// retries and alarms see it) when any partition failed or was cut off by
/// the deadline. A failed partition loses nothing: its sources stay, and the
/// next run tries again. Partitions not started for lack of time are
/// `deferred` to the next run.
pub async fn handle(
    now: DateTime<Utc>,
    compactor: &Compactor,
    schedule: Schedule,
) -> Result<Value, Error> {
    let (mut written, mut unchanged, mut deferred, mut failed) = (0, 0, 0, Vec::new());
    for partition in compactor.partitions(&schedule.days(now)).await? {
        let day = partition.day;
        if compactor.deadline().within(START_MARGIN) {
            deferred += 1;
            continue;
        }
        match compactor.compact(&partition).await {
            Ok(Compaction::Written(c)) => {
                tracing::info!(output = %c.output_key, sources = c.sources.len(), replaced = c.removed.len(), "compacted");
                written += 1;
            }
            Ok(Compaction::Unchanged(_)) => unchanged += 1,
            Err(e @ ShipError::Deadline { .. }) => {
                tracing::error!(error = %e, day = %day, bucket = %partition.bucket, "partition cut off by the invocation's deadline; compact it with `logferry compact --day {day}`, which has no time limit, or raise the function's timeout");
                failed.push(format!(
                    "{} {day}: cut off by the deadline",
                    partition.bucket
                ));
            }
            Err(e) => {
                tracing::error!(error = %e, day = %day, bucket = %partition.bucket, "partition not compacted; it is tried again on the next run");
                failed.push(format!("{} {day}: {e}", partition.bucket));
            }
        }
    }
    if deferred > 0 {
        tracing::warn!(
            deferred,
            "partitions left for the next run: too little time left in this one"
        );
    }
    if !failed.is_empty() {
        return Err(format!(
            "{} partition(s) not compacted: {}",
            failed.len(),
            failed.join("; ")
        )
        .into());
    }
    Ok(json!({"written": written, "unchanged": unchanged, "deferred": deferred}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_day_is_compacted_once_it_has_settled() {
        let schedule = Schedule {
            settle_hours: 6,
            lookback_days: 2,
        };
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        // 05:00 on the 23rd: the 22nd ended 5 hours ago, not yet settled.
        let early = Utc.with_ymd_and_hms(2026, 11, 23, 5, 0, 0).unwrap();
        assert_eq!(schedule.days(early), vec![day(20), day(21)]);
        // 06:00: now it has.
        let settled = Utc.with_ymd_and_hms(2026, 11, 23, 6, 0, 0).unwrap();
        assert_eq!(schedule.days(settled), vec![day(21), day(22)]);
    }

    #[test]
    fn schedule_settings_are_checked() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            Schedule::from_env(env(&[])).unwrap(),
            Schedule {
                settle_hours: 6,
                lookback_days: 3
            }
        );
        let err = Schedule::from_env(env(&[("LOGFERRY_COMPACT_LOOKBACK_DAYS", "0")])).unwrap_err();
        assert!(err.contains("LOGFERRY_COMPACT_LOOKBACK_DAYS `0`"), "{err}");
    }
}
