//! `make bench`, part 7 (issue 17): a backfill at scale. The release
//! `logferry ship` streams a prefix of small objects, 10,000 and then
//! 100,000 of them: objects/s, the time to the first landed copy (its first
//! `--json` line) and peak RSS, which must not grow with the count. Then
//! `logferry reconcile` checks the 100,000 against the archive (seconds,
//! peak RSS), and the shipper's S3 Batch Operations task handler ships
//! tasks one per invocation, as S3 sends them, for its cost per task.
//! Run it alone with `BENCH_ONLY=backfill`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context as _, Result};
use futures::StreamExt;
use lambda_runtime::{Context, LambdaEvent};
use logferry_tests::bench::{self, row};
use logferry_tests::world::{ACCOUNT_A, PREFIX, REGION};
use logferry_tests::Mode;
use serde_json::{json, Value};

use super::{release_binary, Bench};

/// The prefix of the objects, in folders of [`FOLDER`]:
/// `backfill/0/000000.log` … `backfill/0/009999.log`, `backfill/1/…`.
const KEYS: &str = "backfill";
const FOLDER: usize = 10_000;

/// What one measured `logferry` run did.
struct Measured {
    seconds: f64,
    first_line_seconds: Option<f64>,
    lines: u64,
    last_line: String,
    peak_rss_mib: f64,
}

impl Measured {
    /// The bench row of this run: its seconds and peak RSS.
    fn row(&self, case: &str, tool: &str, objects: usize) -> Value {
        let mut measured = row(case, tool, objects, 0, self.seconds);
        measured["peak_rss_mib"] = json!(self.peak_rss_mib);
        measured
    }
}

impl Bench<'_> {
    pub async fn backfill(&mut self, objects: usize, tasks: usize) -> Result<()> {
        let world = self.world;
        let started = Instant::now();
        for folder in 0..objects.div_ceil(FOLDER) {
            let count = FOLDER.min(objects - folder * FOLDER);
            world.put_many(&format!("{KEYS}/{folder}"), count).await?;
        }
        eprintln!(
            "backfill: {objects} objects put in {:.0} s",
            started.elapsed().as_secs_f64()
        );
        let small = objects.min(FOLDER);
        let runs = [(format!("{KEYS}/0/"), small), (format!("{KEYS}/"), objects)];
        for (prefix, count) in runs {
            let dest = format!("{PREFIX}/backfill-{count}");
            let uri = format!("s3://{}/{prefix}", world.source_bucket);
            let mut ship = self.logferry(&dest).await?;
            ship.args(["ship", "--json", &uri]);
            let run = measure(&mut ship)?;
            // A line per object, then the summary's.
            ensure!(
                run.lines == count as u64 + 1,
                "{uri}: {} lines for {count} objects",
                run.lines
            );
            let mut measured = run.row(
                &format!("backfill-{count}"),
                "logferry ship of a prefix (release binary, default concurrency 32)",
                count,
            );
            measured["first_copy_seconds"] = json!(run.first_line_seconds);
            self.rows.push(measured);
        }
        self.reconcile_all(objects).await?;
        self.batch_tasks(tasks).await
    }

    /// `logferry reconcile` of every object against the 100,000 run's copies.
    async fn reconcile_all(&mut self, objects: usize) -> Result<()> {
        let today = chrono::Utc::now().date_naive();
        let (from, to) = (today - chrono::Days::new(1), today + chrono::Days::new(1));
        let dest = format!("{PREFIX}/backfill-{objects}");
        let mut reconcile = self.logferry(&dest).await?;
        reconcile.args([
            "reconcile",
            "--json",
            "--source",
            &format!("s3://{}/{KEYS}/", self.world.source_bucket),
            "--from",
            &from.to_string(),
            "--to",
            &to.to_string(),
        ]);
        let run = measure(&mut reconcile)?;
        let summary: Value = serde_json::from_str(&run.last_line).context("reconcile's summary")?;
        let (source, archived) = (
            &summary["summary"]["source"],
            &summary["summary"]["archived"],
        );
        ensure!(
            *source == json!(objects) && *archived == json!(objects),
            "reconcile compared {source} source objects, {archived} archived, of {objects}"
        );
        self.rows.push(run.row(
            &format!("reconcile-{objects}"),
            "logferry reconcile, both sides listed (release binary)",
            objects,
        ));
        Ok(())
    }

    /// The shipper's handler given one Batch Operations task per
    /// invocation (schema 2.0), eight invocations at once.
    async fn batch_tasks(&mut self, tasks: usize) -> Result<()> {
        let world = self.world;
        let mut raw = world.config(Mode::Direct);
        raw.dest_prefix = Some(format!("{PREFIX}/backfill-batch"));
        let shipper = world.shipper(raw).await?;
        let started = Instant::now();
        let answers: Vec<Result<Value>> = futures::stream::iter(0..tasks)
            .map(|i| {
                let shipper = &shipper;
                async move {
                    let event = json!({
                        "invocationSchemaVersion": "2.0",
                        "invocationId": format!("bench-{i}"),
                        "job": {"id": "bench", "userArguments": {}},
                        "tasks": [{"taskId": format!("t{i}"), "s3Bucket": world.source_bucket,
                                   "s3Key": format!("{KEYS}/{}/{:06}.log", i / FOLDER, i % FOLDER), "s3VersionId": null}],
                    });
                    shipper::handle(
                        LambdaEvent::new(event, Context::default()),
                        shipper,
                        &logferry::metrics::Emitter::memory(),
                    )
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))
                }
            })
            .buffer_unordered(8)
            .collect()
            .await;
        let seconds = started.elapsed().as_secs_f64();
        for answer in answers {
            let answer = answer?;
            let code = &answer["results"][0]["resultCode"];
            ensure!(code == "Succeeded", "a task did not succeed: {answer}");
        }
        self.rows.push(row(
            "batch-operations-tasks",
            "logferry shipper handler, one Batch Operations task per invocation, 8 at once",
            tasks,
            0,
            seconds,
        ));
        Ok(())
    }

    /// The release `logferry`, in direct mode, writing under `dest`.
    async fn logferry(&self, dest: &str) -> Result<Command> {
        let world = self.world;
        let keys = world.shipper.keys().await?;
        let mut command = Command::new(release_binary("logferry")?);
        command
            .env("AWS_ACCESS_KEY_ID", keys.access_key_id())
            .env("AWS_SECRET_ACCESS_KEY", keys.secret_access_key())
            .env("AWS_ENDPOINT_URL", &world.endpoint)
            .env("AWS_REGION", REGION)
            .env("LOGFERRY_DEST_BUCKET", &world.archive_bucket)
            .env("LOGFERRY_DEST_PREFIX", dest)
            .env("LOGFERRY_SOURCE_ACCOUNT", ACCOUNT_A);
        Ok(command)
    }
}

/// Run `command` to its end: wall seconds, when its first stdout line came,
/// how many lines, its last, and peak RSS.
fn measure(command: &mut Command) -> Result<Measured> {
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting logferry")?;
    let stdout = child.stdout.take().context("no stdout")?;
    let (first, first_at) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let (mut count, mut last) = (0u64, String::new());
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if count == 0 {
                let _ = first.send(started.elapsed());
            }
            count += 1;
            last = line;
        }
        (count, last)
    });
    let (status, peak_rss_mib) = bench::wait_with_peak_rss(&mut child)?;
    let seconds = started.elapsed().as_secs_f64();
    let (count, last_line) = reader
        .join()
        .map_err(|_| anyhow::anyhow!("stdout reader failed"))?;
    if !status.success() {
        bail!("{command:?} failed: {status}");
    }
    Ok(Measured {
        seconds,
        first_line_seconds: first_at.try_recv().ok().map(|d: Duration| d.as_secs_f64()),
        lines: count,
        last_line,
        peak_rss_mib,
    })
}
