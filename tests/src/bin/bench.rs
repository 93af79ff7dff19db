//! `make bench`: logferry's copy paths against a hand-written peer, measured
//! in the same run on the local emulator, printed as ratios. The peer is what
//! one writes without logferry: `GetObject`, collect the body, `PutObject`.
//! Numbers on a shared 2-core machine are noisy; compare ratios, not seconds.

use std::time::Instant;

use anyhow::Result;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ObjectCannedAcl;
use futures::StreamExt;
use logferry::{ObjectRef, Shipper};
use logferry_tests::world::PREFIX;
use logferry_tests::{Endpoint, IamMode, Mode, World};

#[global_allocator]
static HEAP: logferry_tests::heap::Counting = logferry_tests::heap::Counting;

const MIB: usize = 1024 * 1024;

/// Seconds and peak extra heap (MiB) of one run of `work`.
async fn measure<F: std::future::Future<Output = Result<()>>>(work: F) -> Result<(f64, f64)> {
    let baseline = logferry_tests::heap::start();
    let started = Instant::now();
    work.await?;
    let seconds = started.elapsed().as_secs_f64();
    Ok((
        seconds,
        logferry_tests::heap::peak_since(baseline) as f64 / MIB as f64,
    ))
}

/// The peer: buffer the whole object, then one PutObject with the archive credentials.
async fn naive_copy(shipper: &Shipper, world: &World, keys: &[String]) -> Result<()> {
    let clients = shipper.clients();
    futures::stream::iter(keys)
        .map(|key| async move {
            let body = clients
                .source
                .get_object()
                .bucket(&world.source_bucket)
                .key(key)
                .send()
                .await?
                .body
                .collect()
                .await?;
            clients
                .archive
                .put_object()
                .bucket(&world.archive_bucket)
                .key(format!("{PREFIX}/naive/{key}"))
                .acl(ObjectCannedAcl::BucketOwnerFullControl)
                .body(ByteStream::from(body.into_bytes()))
                .send()
                .await?;
            Ok::<_, anyhow::Error>(())
        })
        .buffer_unordered(shipper.config().concurrency)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect()
}

async fn logferry_copy(shipper: &Shipper, world: &World, keys: &[String]) -> Result<()> {
    let objects = keys
        .iter()
        .map(|k| ObjectRef::new(&world.source_bucket, k))
        .collect();
    for (object, result) in shipper.ship_many(objects).await {
        result.map_err(|e| anyhow::anyhow!("{}: {e}", object.key))?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let endpoint = Endpoint::start(IamMode::Strict).await?;
    let world = World::builder().on(&endpoint).build().await?;
    let workloads: [(&str, usize, usize); 2] =
        [("32 x 1 MiB", 32, MIB), ("1 x 96 MiB", 1, 96 * MIB)];
    println!(
        "{:<12} {:<22} {:>9} {:>11} {:>13} {:>14}",
        "workload", "logferry path", "seconds", "peak MiB", "speed vs peer", "memory vs peer"
    );
    for (name, count, size) in workloads {
        let keys: Vec<String> = (0..count)
            .map(|i| format!("bench/{size}/{i}.log"))
            .collect();
        for key in &keys {
            let body: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            world.put_source(key, body).await?;
        }
        for (label, mode) in [
            ("direct (server copy)", Mode::Direct),
            ("assume-role (stream)", Mode::AssumeRole),
        ] {
            let mut raw = world.config(mode);
            raw.part_size_mib = Some("8".into());
            let shipper = world.shipper(raw).await?;
            let (peer_s, peer_mib) = measure(naive_copy(&shipper, &world, &keys)).await?;
            let (ours_s, ours_mib) = measure(logferry_copy(&shipper, &world, &keys)).await?;
            println!(
                "{name:<12} {label:<22} {ours_s:>9.2} {ours_mib:>11.1} {:>12.2}x {:>13.2}x",
                peer_s / ours_s,
                ours_mib / peer_mib
            );
        }
    }
    println!("\nspeed vs peer > 1: logferry is faster; memory vs peer < 1: logferry holds less.");
    println!("Direct mode moves no bytes through the process; the stream holds part size x (part concurrency + 1).");
    Ok(())
}
