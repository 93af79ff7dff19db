//! `make bench`, part 6: the CLI at real S3's latency, where a request
//! takes 10-30 ms, not the emulator's 1 ms. Every request goes through the
//! fault proxy, which holds it [`HELD`]; `logferry ship` runs over the same
//! objects at several concurrencies, and `aws s3 cp --recursive` at its
//! default (10 requests at once). Its rows justify the CLI's default
//! concurrency (README, "Performance").

use std::time::{Duration, Instant};

use anyhow::{ensure, Result};
use futures::StreamExt;
use logferry_tests::bench::{self, row};
use logferry_tests::faults::{Fault, FaultProxy, Which};
use logferry_tests::world::PREFIX;
use logferry_tests::Mode;
use serde_json::json;

use super::{log_body, Bench, KIB};

/// What each request is held for.
const HELD: Duration = Duration::from_millis(20);
/// The operations the proxy holds: everything the two tools send.
const OPERATIONS: [&str; 5] = [
    "HeadObject",
    "GetObject",
    "PutObject",
    "CopyObject",
    "ListObjects",
];
/// The concurrencies measured.
pub const CONCURRENCIES: [usize; 4] = [8, 16, 32, 64];

impl Bench<'_> {
    pub async fn latency(&mut self, objects: usize) -> Result<()> {
        let world = self.world;
        let keys: Vec<(String, usize)> = (0..objects)
            .map(|i| (format!("latency/{i:05}.log"), KIB + (i * 7919) % (15 * KIB)))
            .collect();
        let put: Vec<Result<()>> = futures::stream::iter(keys.iter().enumerate())
            .map(|(i, (key, size))| async move { world.put_source(key, log_body(i, *size)).await })
            .buffer_unordered(16)
            .collect()
            .await;
        put.into_iter().collect::<Result<Vec<()>>>()?;
        let bytes: u64 = keys.iter().map(|(_, s)| *s as u64).sum();
        let case = format!("latency-{}ms", HELD.as_millis());
        let uris = vec![format!("s3://{}/latency/", world.source_bucket)];
        for concurrency in CONCURRENCIES {
            let proxy = held_proxy(&world.endpoint).await?;
            let mut raw = world.config(Mode::Direct);
            raw.concurrency = Some(concurrency as u64);
            raw.dest_prefix = Some(format!("{PREFIX}/latency-{concurrency}"));
            let shipper = world.shipper_through(&proxy.url, raw).await?;
            let source = shipper.clients().source.clone();
            let started = Instant::now();
            let summary = logferry_cli::ship::ship_uris(
                &shipper,
                &source,
                &uris,
                std::future::pending(),
                |_| {},
            )
            .await?;
            let seconds = started.elapsed().as_secs_f64();
            ensure!(
                summary.failed.is_empty() && summary.shipped == objects as u64,
                "{summary:?}"
            );
            let tool = format!("logferry ship, concurrency {concurrency}");
            self.rows.push(row(&case, &tool, objects, bytes, seconds));
        }
        let proxy = held_proxy(&world.endpoint).await?;
        let mut args = self.peer_args("awscli-cp", &format!("{PREFIX}/latency-cli"));
        for pair in args.chunks_mut(2) {
            match pair[0].as_str() {
                "--endpoint" => pair[1] = proxy.url.clone(),
                "--concurrency" => pair[1] = "10".into(),
                _ => {}
            }
        }
        args.extend(["--prefix".to_string(), "latency/".to_string()]);
        let mut measured = bench::peer(&self.python, &self.repo, &self.peer_env, &args)?;
        measured["case"] = json!(case);
        measured["tool"] = json!("aws s3 cp --recursive (awscli v1, its default 10 requests)");
        self.rows.push(measured);
        Ok(())
    }
}

/// A proxy holding every request [`HELD`] (a rule picks a target once, so
/// each run gets its own proxy).
async fn held_proxy(endpoint: &str) -> Result<FaultProxy> {
    let proxy = FaultProxy::start(endpoint).await?;
    for operation in OPERATIONS {
        proxy.inject(operation, Which::Every(1), Fault::Delay(HELD));
    }
    Ok(proxy)
}
