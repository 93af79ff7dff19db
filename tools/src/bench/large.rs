//! `make bench`, parts 2 and 3: one large object across accounts, the
//! Lambda's cold start, and the report.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::Result;
use aws_sdk_s3::primitives::ByteStream;
use logferry_tests::bench::{self, row};
use logferry_tests::world::{ACCOUNT_A, EXTERNAL_ID, PREFIX, REGION};
use serde_json::{json, Value};

use super::{log_body, release_binary, run, sqs_event, Bench, MIB};

impl Bench<'_> {
    /// The large object in assume-role mode: the release `logferry ship`
    /// against the emulator's bare GET and PUT and the CLI pipe.
    pub async fn large(&mut self, mib: usize) -> Result<()> {
        let case = format!("large-{mib}mib-assume-role");
        let world = self.world;
        let key = format!("large/{mib}mib.log");
        let body = log_body(7, mib * MIB);
        let bytes = body.len() as u64;
        world.put_source(&key, body.clone()).await?;

        let keys = world.shipper.keys().await?;
        let mut ship = Command::new(release_binary("logferry")?);
        ship.args(["ship", &format!("s3://{}/{key}", world.source_bucket)])
            .env("AWS_ACCESS_KEY_ID", keys.access_key_id())
            .env("AWS_SECRET_ACCESS_KEY", keys.secret_access_key())
            .env("AWS_ENDPOINT_URL", &world.endpoint)
            .env("AWS_REGION", REGION)
            .env("LOGFERRY_DEST_BUCKET", &world.archive_bucket)
            .env("LOGFERRY_DEST_PREFIX", PREFIX)
            .env("LOGFERRY_SOURCE_ACCOUNT", ACCOUNT_A)
            .env("LOGFERRY_ROLE_ARN", &world.writer_role_arn)
            .env("LOGFERRY_EXTERNAL_ID", EXTERNAL_ID);
        let (seconds, rss) = run(&mut ship)?;
        let mut ours = row(
            &case,
            "logferry ship (release binary, default parts)",
            1,
            bytes,
            seconds,
        );
        ours["peak_rss_mib"] = json!(rss);
        self.rows.push(ours);

        // The emulator's own speed: one GET drained, one PUT from memory.
        let s3 = world.admin_b.s3();
        let started = Instant::now();
        let mut got = world
            .admin_a
            .s3()
            .get_object()
            .bucket(&world.source_bucket)
            .key(&key)
            .send()
            .await?
            .body;
        while let Some(chunk) = got.next().await {
            chunk?;
        }
        let get_s = started.elapsed().as_secs_f64();
        let started = Instant::now();
        s3.put_object()
            .bucket(&world.archive_bucket)
            .key(format!("{PREFIX}/bare/{key}"))
            .body(ByteStream::from(body))
            .send()
            .await?;
        let put_s = started.elapsed().as_secs_f64();
        let bare = "emulator ceiling: the slower of one bare GET and one bare PUT";
        self.rows.push(row(&case, bare, 1, bytes, get_s.max(put_s)));

        let mut args = self.peer_args("stream-cli", &format!("{PREFIX}/peer-pipe"));
        args.extend(
            [
                "--key",
                &key,
                "--role-arn",
                &world.writer_role_arn,
                "--external-id",
                EXTERNAL_ID,
            ]
            .map(String::from),
        );
        let mut pipe = bench::peer(&self.python, &self.repo, &self.peer_env, &args)?;
        pipe["case"] = json!(case);
        pipe["tool"] = json!("aws s3 cp - | aws s3 cp - (awscli v1)");
        self.rows.push(pipe);
        Ok(())
    }

    /// The Lambda's `bootstrap` (release build for this machine) and a
    /// Python/boto3 handler, each started fresh under a local Runtime API
    /// and handed one SQS batch of 10 objects.
    pub async fn cold_start(&mut self, keys: &[(String, usize)], work: &Path) -> Result<()> {
        let world = self.world;
        let objects: Vec<_> = keys
            .iter()
            .map(|(k, _)| logferry::ObjectRef::new(&world.source_bucket, k))
            .collect();
        let event = work.join("cold-start-event.json");
        std::fs::write(&event, sqs_event(&objects).to_string())?;
        let creds = world.shipper.keys().await?;
        let env = [
            format!("AWS_ACCESS_KEY_ID={}", creds.access_key_id()),
            format!("AWS_SECRET_ACCESS_KEY={}", creds.secret_access_key()),
            format!("AWS_ENDPOINT_URL={}", world.endpoint),
            format!("LOGFERRY_DEST_BUCKET={}", world.archive_bucket),
            format!("LOGFERRY_DEST_PREFIX={PREFIX}"),
            format!("LOGFERRY_SOURCE_ACCOUNT={ACCOUNT_A}"),
        ];
        let bootstrap = release_binary("shipper")?;
        let runs: [(&str, Vec<String>); 2] = [
            (
                "logferry Lambda bootstrap (Rust)",
                vec!["--bootstrap".into(), bootstrap.display().to_string()],
            ),
            ("Python 3 + boto3 handler", vec!["--python-handler".into()]),
        ];
        for (tool, how) in runs {
            let mut args = vec!["cold-start".to_string()];
            args.extend(how);
            args.extend([
                "--event-file".to_string(),
                event.display().to_string(),
                "--runs".into(),
                "5".into(),
            ]);
            args.extend(env.iter().flat_map(|e| ["--env".to_string(), e.clone()]));
            let mut measured = bench::peer(&self.python, &self.repo, &self.peer_env, &args)?;
            anyhow::ensure!(
                measured["response"]["batchItemFailures"] == json!([]),
                "{tool} did not ship its batch: {}",
                measured["response"]
            );
            measured["case"] = json!("cold-start");
            measured["tool"] = json!(tool);
            self.rows.push(measured);
        }
        Ok(())
    }

    /// `bench/report.py` over the rows: the Markdown table, and `bench/results.json`.
    pub fn report(&self, work: &Path) -> Result<String> {
        let measurements = work.join("measurements.json");
        std::fs::write(&measurements, Value::Array(self.rows.clone()).to_string())?;
        let revision = Command::new("git")
            .args(["rev-parse", "--short", "HEAD"])
            .current_dir(&self.repo)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        let out = Command::new(&self.python)
            .arg(self.repo.join("bench/report.py"))
            .args(["--measurements", &measurements.display().to_string()])
            .args([
                "--out",
                &std::env::var("BENCH_RESULTS")
                    .map(PathBuf::from)
                    .unwrap_or_else(|_| self.repo.join("bench/results.json"))
                    .display()
                    .to_string(),
            ])
            .args(["--memory-mb", "128", "--python-memory-mb", "512"])
            .args([
                "--version",
                &format!("fakecloud={}", logferry_tests::emulator::FAKECLOUD_VERSION),
            ])
            .args(["--version", &format!("logferry={revision}")])
            .output()?;
        anyhow::ensure!(
            out.status.success(),
            "bench/report.py failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(String::from_utf8(out.stdout)?)
    }
}
