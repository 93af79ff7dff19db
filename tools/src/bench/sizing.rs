//! `make bench`, part 5: sizing the compactor. Partitions of busy days'
//! access logs, compacted by the scheduled Lambda's own handler with every
//! S3 request held [`LATENCY`] by the fault proxy (S3 answers in 10-30 ms,
//! the emulator in about 1), one partition at a time and then
//! `LOGFERRY_COMPACT_CONCURRENCY`'s default at once: partitions per minute,
//! the figure the README's sizing rests on.

use std::time::{Duration, Instant};

use anyhow::{ensure, Result};
use logferry::compact::Schedule;
use logferry::metrics::Emitter;
use logferry_tests::bench::row;
use logferry_tests::faults::{Fault, FaultProxy, Which};
use logferry_tests::world::{ACCOUNT_A, PREFIX, REGION};
use serde_json::json;

use super::Bench;

/// What one S3 request costs in time here, as on AWS.
const LATENCY: Duration = Duration::from_millis(20);

/// Every request compaction makes.
const OPERATIONS: [&str; 8] = [
    "ListObjectsV2",
    "GetObject",
    "CreateMultipartUpload",
    "UploadPart",
    "CompleteMultipartUpload",
    "AbortMultipartUpload",
    "PutObject",
    "DeleteObject",
];

impl Bench<'_> {
    pub async fn compactor_sizing(&mut self, partitions: usize, objects: usize) -> Result<()> {
        // A day of its own: part 4's is yesterday.
        let day = chrono::Utc::now().date_naive() - chrono::Duration::days(3);
        let mut bytes = 0;
        for p in 0..partitions {
            let prefix = format!(
                "{PREFIX}/{ACCOUNT_A}/{REGION}/sized-{p:02}/{}/",
                day.format("%Y/%m/%d")
            );
            bytes += self.archive_day(day, objects, &prefix).await?;
        }
        let proxy = FaultProxy::start(&self.world.endpoint).await?;
        for operation in OPERATIONS {
            proxy.inject(operation, Which::Every(1), Fault::Delay(LATENCY));
        }
        let compactor = self.world.compactor(Some(&proxy.url)).await?;
        // The run the day after, at noon: that day alone is settled and due.
        let noon = (day + chrono::Duration::days(1))
            .and_hms_opt(12, 0, 0)
            .expect("noon")
            .and_utc();
        for width in [1, Schedule::DEFAULT_CONCURRENCY] {
            self.remove_outputs(day).await?;
            let schedule = Schedule {
                compact_settle_hours: 6,
                compact_lookback_days: 1,
                compact_concurrency: width,
            };
            let started = Instant::now();
            let ran = compactor::handle(noon, &compactor, schedule, &Emitter::memory(), "bench")
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let seconds = started.elapsed().as_secs_f64();
            ensure!(ran["written"] == partitions, "the compactor did {ran}");
            let tool = format!(
                "logferry compactor handler, {width} partition(s) at once, {} ms per request",
                LATENCY.as_millis()
            );
            let mut measured = row(
                "compactor-sizing",
                &tool,
                partitions * objects,
                bytes,
                seconds,
            );
            measured["partitions_per_minute"] = json!(partitions as f64 * 60.0 / seconds);
            measured["priced"] = json!(false);
            self.rows.push(measured);
        }
        Ok(())
    }

    /// Delete the compacted outputs of `day`'s sized partitions, so the
    /// next run writes them all again.
    async fn remove_outputs(&self, day: chrono::NaiveDate) -> Result<()> {
        let s3 = self.world.admin_b.s3();
        let day = day.format("/%Y/%m/%d/").to_string();
        for key in self.world.archive_keys().await? {
            let ours =
                key.starts_with(logferry::compact::DEFAULT_QUERY_PREFIX) && key.contains("/sized-");
            if ours && key.contains(&day) {
                s3.delete_object()
                    .bucket(&self.world.archive_bucket)
                    .key(&key)
                    .send()
                    .await?;
            }
        }
        Ok(())
    }
}
