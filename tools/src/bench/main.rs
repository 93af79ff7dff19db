//! `make bench`: logferry against what people run today, in one run on one
//! emulator (fakecloud, soft IAM, so the peers' plain HTTP is not refused):
//!
//! 1. small objects (1-64 KiB access logs): logferry's CLI path and its
//!    Lambda handler fed SQS batches of 10, the emulator's ceiling (the same
//!    requests per object with nothing else done), `aws s3 cp --recursive`
//!    and the usual Python cross-account writer;
//! 2. one large object in assume-role mode: the release `logferry` binary
//!    (MB/s, peak RSS) against the bare GET and PUT speeds and `aws s3 cp -
//!    | aws s3 cp -`;
//! 3. cold start of the Lambda `bootstrap` under a local Runtime API, against
//!    a Python/boto3 handler doing the same work;
//! 4. compaction of a busy day: the compactor's speed and memory, and what a
//!    full-day query reads and costs before and after (`compaction.rs`);
//! 6. `logferry ship` at 20 ms a request, at several concurrencies, against
//!    `aws s3 cp` at its defaults (`latency.rs`);
//! 7. a backfill of 100,000 objects, its reconcile, and the Batch
//!    Operations task handler's rate (`backfill.rs`).
//!
//! `bench/report.py` prints the table with ratios to logferry and writes
//! `bench/results.json`. Noisy 2-core machines: compare ratios, not seconds.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context as _, Result};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ObjectCannedAcl;
use futures::StreamExt;
use lambda_runtime::{Context, LambdaEvent};
use logferry_tests::bench::{self, row, row_with_latencies, timed};
use logferry_tests::policy::render;
use logferry_tests::world::{ACCOUNT_A, EXTERNAL_ID, PREFIX, REGION};
use logferry_tests::{Endpoint, IamMode, Mode, World};
use serde_json::{json, Value};

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;
/// Objects shipped at once, by every tool.
const CONCURRENCY: usize = 8;
/// The usual Python way makes two boto3 sessions per object (~2 objects/s
/// here), so it ships only this many of the small objects.
const PYTHON_WAY_OBJECTS: usize = 200;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Access-log text of `size` bytes, different for every `seed`.
fn log_body(seed: usize, size: usize) -> Vec<u8> {
    let line = format!(
        "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be acme-app [06/Feb/2026:00:{:02}:{:02} +0000] 192.0.2.{} - 3E57427F3EXAMPLE REST.GET.OBJECT photos/{seed}.jpg \"GET /acme-app/photos/{seed}.jpg HTTP/1.1\" 200 - 113 113 7 - \"-\" \"S3Console/0.4\" -\n",
        seed % 60,
        (seed / 60) % 60,
        seed % 250
    );
    line.bytes().cycle().take(size).collect()
}

struct Bench<'a> {
    world: &'a World,
    repo: PathBuf,
    python: PathBuf,
    peer_env: Vec<(&'static str, String)>,
    rows: Vec<Value>,
}

#[tokio::main]
async fn main() -> Result<()> {
    logferry_tests::init_tracing();
    let endpoint = Endpoint::spawn(IamMode::Soft).await?;
    let world = World::builder().on(&endpoint).build().await?;
    let list = render(
        "source-list.json.tpl",
        &json!({"source_bucket_arns": [format!("arn:aws:s3:::{}", world.source_bucket)]}),
    )?;
    world.grant_shipper("source-list", list).await?;
    let repo = bench::repo_root();
    let work = std::env::temp_dir().join(format!("logferry-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let credentials = bench::credentials_file(&world, &work).await?;
    let mut bench = Bench {
        world: &world,
        python: bench::bench_python()?,
        peer_env: vec![
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                credentials.display().to_string(),
            ),
            ("AWS_CONFIG_FILE", "/dev/null".to_string()),
        ],
        repo,
        rows: Vec::new(),
    };
    // BENCH_ONLY=compaction (or latency) runs that part alone (with
    // BENCH_RESULTS=<file>, so the full run's bench/results.json stays as it is).
    let only = std::env::var("BENCH_ONLY").ok();
    let alone = only.as_deref();
    if alone == Some("latency") || alone == Some("backfill") {
        match alone {
            Some("latency") => bench.latency(setting("BENCH_LATENCY_OBJECTS", 600)).await?,
            _ => bench.backfill_part().await?,
        }
        let report = bench.report(&work)?;
        std::fs::remove_dir_all(&work)?;
        println!("{report}");
        return Ok(());
    }
    if only.as_deref() != Some("compaction") {
        let keys = bench.small_objects(setting("BENCH_OBJECTS", 2000)).await?;
        bench.small(Mode::Direct, &keys, &work).await?;
        bench.small(Mode::AssumeRole, &keys, &work).await?;
        bench.large(setting("BENCH_LARGE_MIB", 1024)).await?;
        bench.cold_start(&keys[..10], &work).await?;
        bench.latency(setting("BENCH_LATENCY_OBJECTS", 600)).await?;
        bench.backfill_part().await?;
    }
    bench
        .compaction(setting("BENCH_COMPACT_OBJECTS", 5000), &work)
        .await?;
    bench
        .compactor_sizing(
            setting("BENCH_SIZING_PARTITIONS", 8),
            setting("BENCH_SIZING_OBJECTS", 500),
        )
        .await?;
    let report = bench.report(&work)?;
    std::fs::remove_dir_all(&work)?;
    println!("{report}");
    Ok(())
}

impl Bench<'_> {
    async fn backfill_part(&mut self) -> Result<()> {
        let objects = setting("BENCH_BACKFILL_OBJECTS", 100_000);
        self.backfill(objects, setting("BENCH_BATCH_TASKS", 2000).min(objects))
            .await
    }

    async fn small_objects(&self, count: usize) -> Result<Vec<(String, usize)>> {
        let keys: Vec<(String, usize)> = (0..count)
            .map(|i| (format!("small/{i:05}.log"), KIB + (i * 7919) % (63 * KIB)))
            .collect();
        let world = self.world;
        let put: Vec<Result<()>> = futures::stream::iter(keys.iter().enumerate())
            .map(|(i, (key, size))| async move { world.put_source(key, log_body(i, *size)).await })
            .buffer_unordered(16)
            .collect()
            .await;
        put.into_iter().collect::<Result<Vec<()>>>()?;
        Ok(keys)
    }

    async fn small(&mut self, mode: Mode, keys: &[(String, usize)], work: &Path) -> Result<()> {
        let (case, name) = match mode {
            Mode::Direct => ("small-direct", "direct"),
            Mode::AssumeRole => ("small-assume-role", "assume-role"),
        };
        let bytes: u64 = keys.iter().map(|(_, s)| *s as u64).sum();
        let mut raw = self.world.config(mode);
        raw.concurrency = Some(CONCURRENCY as u64);
        let shipper = self.world.shipper(raw).await?;
        let source = &self.world.source_bucket;

        let objects: Vec<_> = keys
            .iter()
            .map(|(k, _)| logferry::ObjectRef::new(source, k))
            .collect();
        let (seconds, latencies) = timed(objects.clone(), CONCURRENCY, |object| {
            let shipper = &shipper;
            async move {
                shipper
                    .ship_object(&object)
                    .await
                    .map(|_| ())
                    .map_err(Into::into)
            }
        })
        .await?;
        let tool = format!("logferry ship ({name})");
        self.rows
            .push(row_with_latencies(case, &tool, bytes, seconds, latencies));

        let started = Instant::now();
        for batch in objects.chunks(10) {
            let response = shipper::handle(
                LambdaEvent::new(sqs_event(batch), Context::default()),
                &shipper,
                &logferry::metrics::Emitter::memory(),
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            anyhow::ensure!(response["batchItemFailures"] == json!([]), "{response}");
        }
        let seconds = started.elapsed().as_secs_f64();
        let tool = format!("logferry Lambda handler ({name}, batches of 10)");
        self.rows
            .push(row(case, &tool, objects.len(), bytes, seconds));

        let (seconds, latencies) = self.ceiling(mode, &shipper, keys).await?;
        let tool = match mode {
            Mode::Direct => "emulator ceiling (HeadObject + CopyObject)",
            Mode::AssumeRole => "emulator ceiling (GetObject + PutObject)",
        };
        self.rows
            .push(row_with_latencies(case, tool, bytes, seconds, latencies));
        self.small_peers(mode, case, keys, work)
    }

    /// The requests logferry's path makes per object, made by a bare SDK
    /// client at the same concurrency, with nothing else done.
    async fn ceiling(
        &self,
        mode: Mode,
        shipper: &logferry::Shipper,
        keys: &[(String, usize)],
    ) -> Result<(f64, Vec<std::time::Duration>)> {
        let (clients, world) = (shipper.clients(), self.world);
        let keys: Vec<String> = keys.iter().map(|(k, _)| k.clone()).collect();
        timed(keys, CONCURRENCY, |key| async move {
            let (src, dst) = (&world.source_bucket, &world.archive_bucket);
            let dest = format!("{PREFIX}/ceiling/{key}");
            if mode == Mode::Direct {
                clients
                    .source
                    .head_object()
                    .bucket(src)
                    .key(&key)
                    .send()
                    .await?;
                clients
                    .archive
                    .copy_object()
                    .bucket(dst)
                    .key(dest)
                    .copy_source(format!("{src}/{key}"))
                    .acl(ObjectCannedAcl::BucketOwnerFullControl)
                    .send()
                    .await?;
            } else {
                let body = clients
                    .source
                    .get_object()
                    .bucket(src)
                    .key(&key)
                    .send()
                    .await?
                    .body
                    .collect()
                    .await?
                    .into_bytes();
                clients
                    .archive
                    .put_object()
                    .bucket(dst)
                    .key(dest)
                    .acl(ObjectCannedAcl::BucketOwnerFullControl)
                    .body(ByteStream::from(body))
                    .send()
                    .await?;
            }
            Ok(())
        })
        .await
    }

    /// A `bench/peers.py` subcommand with what every peer is told: the
    /// endpoint, both buckets, its own prefix in B, the concurrency, and
    /// profile `a` (the shipper) for reading A.
    fn peer_args(&self, subcommand: &str, dest_prefix: &str) -> Vec<String> {
        let world = self.world;
        [
            subcommand,
            "--endpoint",
            &world.endpoint,
            "--source-bucket",
            &world.source_bucket,
            "--dest-bucket",
            &world.archive_bucket,
            "--dest-prefix",
            dest_prefix,
            "--concurrency",
            &CONCURRENCY.to_string(),
            "--source-profile",
            "a",
        ]
        .map(String::from)
        .to_vec()
    }

    fn small_peers(
        &mut self,
        mode: Mode,
        case: &str,
        keys: &[(String, usize)],
        work: &Path,
    ) -> Result<()> {
        let world = self.world;
        if mode == Mode::Direct {
            let mut args = self.peer_args("awscli-cp", &format!("{PREFIX}/peer-cli"));
            args.extend(["--prefix".to_string(), "small/".to_string()]);
            let mut measured = bench::peer(&self.python, &self.repo, &self.peer_env, &args)?;
            measured["case"] = json!(case);
            measured["tool"] = json!("aws s3 cp --recursive (awscli v1)");
            self.rows.push(measured);
            return Ok(());
        }
        let subset = work.join("python-way-keys.txt");
        let lines: Vec<&str> = keys
            .iter()
            .take(PYTHON_WAY_OBJECTS)
            .map(|(k, _)| k.as_str())
            .collect();
        std::fs::write(&subset, lines.join("\n"))?;
        let mut args = self.peer_args("python-way", &format!("{PREFIX}/peer-python"));
        args.extend(
            [
                "--keys-file",
                &subset.display().to_string(),
                "--role-arn",
                &world.writer_role_arn,
                "--external-id",
                EXTERNAL_ID,
            ]
            .map(String::from),
        );
        let measured = bench::peer(&self.python, &self.repo, &self.peer_env, &args)?;
        for case in ["small-direct", "small-assume-role"] {
            let mut copy = measured.clone();
            copy["case"] = json!(case);
            copy["tool"] = json!(format!("python-way: AssumeRole + new boto3 clients per object ({PYTHON_WAY_OBJECTS} objects)"));
            self.rows.push(copy);
        }
        Ok(())
    }
}

/// An SQS event whose messages each carry one S3 notification.
fn sqs_event(objects: &[logferry::ObjectRef]) -> Value {
    let records: Vec<Value> = objects
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let s3 = json!({"Records": [{"eventSource": "aws:s3", "awsRegion": REGION,
                "eventTime": "2026-11-21T00:00:00Z", "eventName": "ObjectCreated:Put",
                "s3": {"bucket": {"name": o.bucket}, "object": {"key": o.key}}}]});
            json!({"messageId": format!("m-{i}"), "receiptHandle": "r", "body": s3.to_string(),
                "attributes": {}, "messageAttributes": {}, "eventSource": "aws:sqs",
                "eventSourceARN": format!("arn:aws:sqs:{REGION}:{ACCOUNT_A}:bench"), "awsRegion": REGION})
        })
        .collect();
    json!({ "Records": records })
}

mod backfill;
mod compaction;
mod large;
mod latency;
mod sizing;

/// Where `make bench` put the release binaries (`logferry`, the Lambda's `shipper`).
fn release_binary(name: &str) -> Result<PathBuf> {
    let dir = std::env::var("BENCH_BIN_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| bench::repo_root().join("target/release"));
    let path = dir.join(name);
    anyhow::ensure!(
        path.exists(),
        "{} is missing; run `make bench`, which builds it",
        path.display()
    );
    Ok(path)
}

fn run(command: &mut Command) -> Result<(f64, f64)> {
    bench::run_measured(command).context("a measured run")
}
