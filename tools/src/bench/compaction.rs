//! `make bench`, part 4: compaction. One busy day of access logs in the
//! archive (thousands of 1-8 KiB objects, stored as the shipper stores them,
//! with a full-object CRC32C), compacted by the release `logferry compact`
//! (seconds, objects/s, MB/s, peak RSS). Then what a full-day query reads
//! before and after: the objects, the bytes and the time to GET them all
//! at the bench's concurrency, and the embedded engine's time for the five
//! saved queries over each. Both must give identical answers.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{ensure, Context as _, Result};
use aws_sdk_s3::types::ChecksumAlgorithm;
use futures::StreamExt;
use logferry_tests::access_logs;
use logferry_tests::bench::row;
use logferry_tests::world::{ACCOUNT_A, PREFIX, REGION};
use serde_json::{json, Value};

use super::{release_binary, run, Bench, CONCURRENCY};

/// The audited bucket of the day and its region, as the table that
/// `tests/athena/plan.sh` renders projects them.
const AUDITED: &str = "acme-prod-data";
const AUDITED_REGION: &str = "eu-west-1";
const OWNER: &str = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be";

impl Bench<'_> {
    pub async fn compaction(&mut self, count: usize, work: &Path) -> Result<()> {
        // Yesterday: inside the saved queries' window of recent days.
        let day = chrono::Utc::now().date_naive() - chrono::Duration::days(1);
        let layout = |prefix: &str| {
            format!(
                "{prefix}/{ACCOUNT_A}/{REGION}/{AUDITED}/{}/",
                day.format("%Y/%m/%d")
            )
        };
        let (raw, compacted) = (
            layout(PREFIX),
            layout(logferry::compact::DEFAULT_QUERY_PREFIX),
        );
        let bytes = self.archive_day(day, count, &raw).await?;

        let keys = self.world.admin_b.keys().await?;
        let mut compact = Command::new(release_binary("logferry")?);
        compact
            .args(["compact", "--day", &day.to_string(), "--account", ACCOUNT_A])
            .args(["--region", REGION, "--bucket", AUDITED])
            .env("AWS_ACCESS_KEY_ID", keys.access_key_id())
            .env("AWS_SECRET_ACCESS_KEY", keys.secret_access_key())
            .env("AWS_ENDPOINT_URL", &self.world.endpoint)
            .env("AWS_REGION", REGION)
            .env("LOGFERRY_ARCHIVE_BUCKET", &self.world.archive_bucket)
            .env("LOGFERRY_ARCHIVE_PREFIX", PREFIX);
        let (seconds, rss) = run(&mut compact)?;
        let tool = "logferry compact (release binary, one partition)";
        let mut compaction = row("compaction", tool, count, bytes, seconds);
        compaction["peak_rss_mib"] = json!(rss);
        compaction["priced"] = json!(false);
        self.rows.push(compaction);

        let case = "full-day-read";
        let (gz_files, gz_row) = self
            .read_day(case, "logferry query prefix (compacted)", &compacted, work)
            .await?;
        let (raw_files, raw_row) = self
            .read_day(case, "archive prefix (as shipped)", &raw, work)
            .await?;
        self.rows.extend([gz_row, raw_row]);

        let case = "full-day-query";
        let engine = Engine {
            python: logferry_tests::catalog::athena_python().await?,
            plan: logferry_tests::script_output("tests/athena/plan.sh")?,
            repo: &self.repo,
        };
        let (gz_seconds, gz_answers) = engine.run(&gz_files, day, work)?;
        let (raw_seconds, raw_answers) = engine.run(&raw_files, day, work)?;
        ensure!(
            gz_answers["rows_loaded"].as_u64().unwrap_or_default() > 0,
            "the saved queries saw no rows: {gz_answers}"
        );
        ensure!(
            gz_answers["queries"] == raw_answers["queries"]
                && gz_answers["rows_loaded"] == raw_answers["rows_loaded"],
            "the saved queries answer differently over the compacted day: {} and {}",
            keep(work, "answers-compacted.json", &gz_answers)?,
            keep(work, "answers-raw.json", &raw_answers)?
        );
        for (tool, files, seconds) in [
            (
                "logferry query prefix: 5 saved queries, embedded engine",
                &gz_files,
                gz_seconds,
            ),
            (
                "archive prefix: 5 saved queries, embedded engine",
                &raw_files,
                raw_seconds,
            ),
        ] {
            let mut measured = row(case, tool, files.len(), bytes, seconds);
            measured["priced"] = json!(false);
            self.rows.push(measured);
        }
        Ok(())
    }

    /// `count` access logs of `day`, put under `prefix` as the shipper
    /// stores them; their total size.
    pub(super) async fn archive_day(
        &self,
        day: chrono::NaiveDate,
        count: usize,
        prefix: &str,
    ) -> Result<u64> {
        let world = self.world;
        let s3 = world.admin_b.s3();
        let objects = access_logs::busy_day(day, count);
        let put: Vec<Result<u64>> = futures::stream::iter(&objects)
            .map(|o| {
                let s3 = &s3;
                async move {
                    let body = o.body(AUDITED, OWNER).into_bytes();
                    let size = body.len() as u64;
                    s3.put_object()
                        .bucket(&world.archive_bucket)
                        .key(format!("{prefix}{}", o.key))
                        .checksum_algorithm(ChecksumAlgorithm::Crc32C)
                        .body(body.into())
                        .send()
                        .await?;
                    Ok(size)
                }
            })
            .buffer_unordered(16)
            .collect()
            .await;
        put.into_iter().sum()
    }

    /// GET every object of the day under `prefix` that a query reads (not
    /// the `_manifest` Athena skips), `CONCURRENCY` at a time, into a
    /// directory of its own; the local files and a row.
    async fn read_day(
        &self,
        case: &str,
        tool: &str,
        prefix: &str,
        work: &Path,
    ) -> Result<(Vec<PathBuf>, Value)> {
        let world = self.world;
        let s3 = world.admin_b.s3();
        let dir = work.join(format!("read-{}", self.rows.len()));
        std::fs::create_dir_all(&dir)?;
        let started = Instant::now();
        let mut pages = s3
            .list_objects_v2()
            .bucket(&world.archive_bucket)
            .prefix(prefix)
            .into_paginator()
            .send();
        let mut keys = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page?;
            let names = page.contents().iter().filter_map(|o| o.key());
            keys.extend(names.map(str::to_string));
        }
        keys.retain(|k| !k.rsplit('/').next().unwrap_or_default().starts_with('_'));
        let fetched: Vec<Result<(PathBuf, u64)>> = futures::stream::iter(keys.iter().enumerate())
            .map(|(i, key)| {
                let (s3, dir) = (&s3, &dir);
                async move {
                    let body = s3
                        .get_object()
                        .bucket(&world.archive_bucket)
                        .key(key)
                        .send()
                        .await?
                        .body
                        .collect()
                        .await?
                        .into_bytes();
                    let name = key.rsplit('/').next().unwrap_or_default();
                    let path = dir.join(format!("{i:06}-{name}"));
                    std::fs::write(&path, &body)?;
                    Ok((path, body.len() as u64))
                }
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        let seconds = started.elapsed().as_secs_f64();
        let fetched = fetched.into_iter().collect::<Result<Vec<_>>>()?;
        let bytes = fetched.iter().map(|(_, b)| b).sum();
        ensure!(!fetched.is_empty(), "nothing under {prefix}");
        let files = fetched.into_iter().map(|(p, _)| p).collect();
        let mut measured = row(case, tool, keys.len(), bytes, seconds);
        measured["priced"] = json!(false);
        Ok((files, measured))
    }
}

/// Write `value` where a failed run leaves it (outside `work`, which is
/// removed); the path, for the error.
fn keep(work: &Path, name: &str, value: &Value) -> Result<String> {
    let dir = std::env::temp_dir().join("logferry-bench-failed");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!(
        "{}-{name}",
        work.file_name().unwrap_or_default().to_string_lossy()
    ));
    std::fs::write(&path, serde_json::to_vec_pretty(value)?)?;
    Ok(path.display().to_string())
}

/// The embedded query engine with the saved queries as Terraform renders them.
struct Engine<'a> {
    python: PathBuf,
    plan: PathBuf,
    repo: &'a Path,
}

impl Engine<'_> {
    /// The saved queries over `files`, all in `day`'s partition: the wall
    /// seconds of the run and its answers.
    fn run(&self, files: &[PathBuf], day: chrono::NaiveDate, work: &Path) -> Result<(f64, Value)> {
        let partition = json!({"account": ACCOUNT_A, "region": AUDITED_REGION,
            "source_bucket": AUDITED, "dt": day.format("%Y/%m/%d").to_string()});
        let objects: Vec<Value> = files
            .iter()
            .map(|path| json!({"path": path, "partition": partition}))
            .collect();
        let objects_json = work.join("engine-objects.json");
        std::fs::write(&objects_json, serde_json::to_vec(&objects)?)?;
        let started = Instant::now();
        let out = Command::new(&self.python)
            .arg(self.repo.join("tests/athena/saved_queries.py"))
            .arg("--plan")
            .arg(&self.plan)
            .arg("--objects")
            .arg(&objects_json)
            .arg("--regex-java")
            .arg(self.repo.join("infra/checks/AthenaRegexTest.java"))
            .output()
            .context("running tests/athena/saved_queries.py")?;
        let seconds = started.elapsed().as_secs_f64();
        ensure!(
            out.status.success(),
            "the saved queries failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok((seconds, serde_json::from_slice(&out.stdout)?))
    }
}
