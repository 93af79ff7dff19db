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

pub mod runtime;

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use clap::Args;
use futures::StreamExt;
use lambda_runtime::Diagnostic;
use logferry::compact::{
    CompactConfig, CompactError, CompactSettings, Compaction, Compactor, Schedule,
};
use logferry::metrics::{CompactMetrics, Emitter};
use logferry::settings::{self, SettingError};
use logferry::{Deadline, ShipError};
use serde_json::{json, Value};

/// Time kept back from the invocation's deadline to abort an upload and answer.
pub const ANSWER_MARGIN: std::time::Duration = std::time::Duration::from_secs(10);
/// No partition is started with less time than this left before the stop.
pub const START_MARGIN: std::time::Duration = std::time::Duration::from_secs(60);

/// Why a run failed, as Lambda reports it: an `errorType` that names the
/// failure (`logferry.PartitionsFailed`, `logferry.PartitionsNotFound`),
/// not a Rust type, and one line.
pub struct Failure {
    pub kind: &'static str,
    pub message: String,
}

impl Failure {
    fn not_found(e: CompactError) -> Failure {
        Failure {
            kind: "PartitionsNotFound",
            message: format!("finding the partitions to compact failed: {e}"),
        }
    }

    fn failed(partitions: &[String]) -> Failure {
        Failure {
            kind: "PartitionsFailed",
            message: format!(
                "{} partition(s) not compacted: {}",
                partitions.len(),
                partitions.join("; ")
            ),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// One line, as the runtime logs a handler's error (`{:?}`): the
/// `errorType` and the message, not a struct dump.
impl std::fmt::Debug for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "logferry.{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for Failure {}

impl From<Failure> for Diagnostic {
    fn from(failure: Failure) -> Self {
        Diagnostic {
            error_type: format!("logferry.{}", failure.kind),
            error_message: failure.message,
        }
    }
}

/// Everything the function reads from its environment: compaction's
/// settings and its schedule, one family of variables.
#[derive(Debug, Clone, Args)]
pub struct Environment {
    #[command(flatten)]
    pub compact: CompactSettings,
    #[command(flatten)]
    pub schedule: Schedule,
}

impl Environment {
    /// What the function runs with, read from `environment` as strictly as
    /// its start does (an unknown `LOGFERRY_*` variable is an error) and
    /// checked: the compaction's settings and its schedule.
    pub fn read(
        environment: &settings::Environment,
    ) -> Result<(CompactConfig, Schedule), Vec<SettingError>> {
        let read = settings::from_environment::<Environment>(environment)?;
        Ok((read.compact.validate()?, read.schedule))
    }
}

/// `compactor`, stopping [`ANSWER_MARGIN`] before the invocation's deadline
/// (epoch milliseconds; 0 means none).
pub fn for_invocation(compactor: &Compactor, deadline_ms: u64, now: SystemTime) -> Compactor {
    match logferry::deadline::invocation_stop(deadline_ms, now, ANSWER_MARGIN) {
        Some(at) => compactor.until(Deadline::at(at)),
        None => compactor.clone(),
    }
}

/// Compact every partition of each settled day, `compact_concurrency` at
/// once; fails (so the schedule's retries and alarms see it) when any
/// partition failed or was cut off by the deadline. A failed partition
/// loses nothing: its sources stay, and the next run tries again.
/// Partitions not started for lack of time are `deferred` to the next run.
/// The run is reported to `emitter` as one EMF document under `service`,
/// whatever its end.
pub async fn handle(
    now: DateTime<Utc>,
    compactor: &Compactor,
    schedule: Schedule,
    emitter: &Emitter,
    service: &str,
) -> Result<Value, Failure> {
    let mut metrics = CompactMetrics::default();
    let answer = compact_days(now, compactor, schedule, &mut metrics).await;
    emitter.emit(vec![metrics.document(service, Utc::now())]);
    answer
}

async fn compact_days(
    now: DateTime<Utc>,
    compactor: &Compactor,
    schedule: Schedule,
    metrics: &mut CompactMetrics,
) -> Result<Value, Failure> {
    let partitions = compactor
        .partitions(&schedule.days(now))
        .await
        .map_err(Failure::not_found)?;
    let width = usize::try_from(schedule.compact_concurrency).unwrap_or(1);
    let mut runs = futures::stream::iter(partitions)
        .map(|partition| async move {
            if compactor.deadline().within(START_MARGIN) {
                return (partition, None);
            }
            let result = compactor.compact(&partition).await;
            (partition, Some(result))
        })
        .buffer_unordered(width);
    let mut failed = Vec::new();
    while let Some((partition, result)) = runs.next().await {
        let day = partition.day;
        match result {
            None => metrics.deferred += 1,
            Some(Ok(Compaction::Written(c))) => {
                tracing::info!(output = %c.output_key, sources = c.sources.len(), replaced = c.removed.len(), "compacted");
                metrics.written += 1;
                metrics.objects += c.sources.len() as u64;
                metrics.bytes += c.compressed_bytes;
            }
            Some(Ok(Compaction::Unchanged(_))) => metrics.unchanged += 1,
            Some(Err(CompactError::Transfer(e @ ShipError::Deadline { .. }))) => {
                tracing::error!(error = %e, day = %day, bucket = %partition.bucket, "partition cut off by the invocation's deadline; compact it with `logferry compact --day {day}`, which has no time limit, or raise the function's timeout");
                failed.push(format!(
                    "{} {day}: cut off by the deadline",
                    partition.bucket
                ));
            }
            Some(Err(e)) => {
                tracing::error!(error = %e, day = %day, bucket = %partition.bucket, "partition not compacted; it is tried again on the next run");
                failed.push(format!("{} {day}: {e}", partition.bucket));
            }
        }
    }
    if metrics.deferred > 0 {
        tracing::warn!(
            deferred = metrics.deferred,
            "partitions left for the next run: too little time left in this one"
        );
    }
    if !failed.is_empty() {
        return Err(Failure::failed(&failed));
    }
    Ok(
        json!({"written": metrics.written, "unchanged": metrics.unchanged, "deferred": metrics.deferred}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A failed run answers Lambda with an errorType naming the failure and
    /// one line, not a boxed Rust error's type name.
    #[tokio::test]
    async fn a_failed_run_names_its_error_type_and_one_line() {
        let config = CompactSettings {
            archive_bucket: Some("acme-log-archive".into()),
            archive_prefix: Some("logs".into()),
            // Partitions are only found under the default layout.
            key_template: Some("{prefix}/{account}/{yyyy}/{MM}/{dd}/{key}".into()),
            ..CompactSettings::default()
        }
        .validate()
        .expect("valid settings");
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::Config::builder()
                .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
                .region(aws_sdk_s3::config::Region::new("eu-west-1"))
                .build(),
        );
        let compactor = Compactor::new(s3, &config);
        let emitter = Emitter::memory();
        let schedule = Schedule {
            compact_settle_hours: 6,
            compact_lookback_days: 1,
            compact_concurrency: 1,
        };
        let failure = handle(Utc::now(), &compactor, schedule, &emitter, "c")
            .await
            .unwrap_err();
        let diagnostic = Diagnostic::from(failure);
        assert_eq!(diagnostic.error_type, "logferry.PartitionsNotFound");
        assert!(
            diagnostic.error_message.contains("default key layout")
                && !diagnostic.error_message.contains('\n'),
            "{}",
            diagnostic.error_message
        );
        assert_eq!(emitter.documents().len(), 1, "a failed run is reported too");
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
            logferry::settings::from_lookup::<Schedule>(env(&[])).unwrap(),
            Schedule {
                compact_settle_hours: 6,
                compact_lookback_days: 3,
                compact_concurrency: 4,
            }
        );
        let err = logferry::settings::from_lookup::<Schedule>(env(&[(
            "LOGFERRY_COMPACT_LOOKBACK_DAYS",
            "0",
        )]))
        .unwrap_err();
        let err = logferry::settings::join(&err);
        assert!(err.contains("LOGFERRY_COMPACT_LOOKBACK_DAYS `0`"), "{err}");
    }
}
