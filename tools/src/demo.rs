//! `make demo`: the main job end to end on the local emulator, once per auth
//! mode. Account A gets a few S3 server access log files; the emulator's
//! notifications go through SQS into the real Lambda handler; the demo then
//! shows what landed in account B and who owns it, and compacts the day for
//! queries with the compactor's own role in B.

use anyhow::{Context, Result};
use aws_sdk_s3::primitives::ByteStream;
use lambda_runtime::LambdaEvent;
use logferry::compact::{Compaction, Partition};
use logferry_tests::{Endpoint, IamMode, Mode, World};

const LOG_FILES: &[(&str, &str)] = &[
    (
        "s3-access/111111111111/us-east-1/acme-web/2026/11/21/2026-11-21-10-15-02-7C5E3A1B2D4F6A8C",
        "REST.GET.OBJECT index.html 200",
    ),
    (
        "s3-access/111111111111/us-east-1/acme-web/2026/11/21/2026-11-21-10-16-44-0A9B8C7D6E5F4A3B",
        "REST.PUT.OBJECT uploads/report q3.pdf 200",
    ),
    (
        "s3-access/111111111111/us-east-1/acme-web/2026/11/21/2026-11-21-10-17-09-1F2E3D4C5B6A7988",
        "REST.DELETE.OBJECT tmp/old.csv 403 AccessDenied",
    ),
];

fn log_line(operation: &str, i: usize) -> String {
    let mut parts = operation.splitn(3, ' ');
    let (op, key, rest) = (
        parts.next().unwrap_or("-"),
        parts.next().unwrap_or("-"),
        parts.next().unwrap_or("200"),
    );
    let (status, error) = rest.split_once(' ').unwrap_or((rest, "-"));
    format!(
        "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be acme-web [21/Nov/2026:10:15:{:02} +0000] 192.0.2.{} \
         arn:aws:iam::111111111111:user/alice 3E57427F3EXAMPLE{i:02} {op} {key} \"GET /acme-web/{key} HTTP/1.1\" {status} {error} 2662992 3462992 70 10 \"-\" \
         \"aws-cli/2.15.0\" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 TLS_AES_128_GCM_SHA256 \
         AuthHeader acme-web.s3.us-east-1.amazonaws.com TLSv1.3 - - us-east-1\n",
        i % 60,
        10 + i % 200
    )
}

#[tokio::main]
async fn main() -> Result<()> {
    logferry_tests::init_tracing();
    let endpoint = Endpoint::start(IamMode::Strict).await?;
    println!("emulator: {} (IAM strict)\n", endpoint.url);
    for mode in [Mode::Direct, Mode::AssumeRole] {
        run(&endpoint, mode)
            .await
            .with_context(|| format!("{mode:?} mode"))?;
    }
    Ok(())
}

async fn run(endpoint: &Endpoint, mode: Mode) -> Result<()> {
    let world = World::builder().on(endpoint).build().await?;
    println!("== {mode:?} mode ==");
    println!(
        "account A {}: source bucket s3://{}, shipper identity {}",
        world.admin_a.id, world.source_bucket, world.shipper.arn
    );
    println!(
        "account B {}: archive bucket s3://{} (BucketOwnerEnforced, Object Lock GOVERNANCE, no overwrites; policy from infra/policies/)",
        world.admin_b.id, world.archive_bucket
    );
    if mode == Mode::AssumeRole {
        println!(
            "writer role {} (external id required)",
            world.writer_role_arn
        );
    }
    for (key, op) in LOG_FILES {
        let body: String = (0..40).map(|i| log_line(op, i)).collect();
        world
            .admin_a
            .s3()
            .put_object()
            .bucket(&world.source_bucket)
            .key(*key)
            .body(ByteStream::from(body.into_bytes()))
            .send()
            .await?;
    }
    let event = world.receive_sqs_event(LOG_FILES.len()).await?;
    let shipper = world.shipper(world.config(mode)).await?;
    let response = shipper::handle(
        LambdaEvent::new(event, lambda_runtime::Context::default()),
        &shipper,
        // As Lambda does: the invocation's metrics, one EMF line on stdout.
        &logferry::metrics::Emitter::stdout(),
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("handler response: {response}");
    show_archive(&world).await?;
    compact(&world).await?;
    println!();
    Ok(())
}

/// Each copy in B: its size, its owner (B) and the source its metadata names.
async fn show_archive(world: &World) -> Result<()> {
    let s3_b = world.admin_b.s3();
    let listed = s3_b
        .list_objects_v2()
        .bucket(&world.archive_bucket)
        .send()
        .await?;
    for object in listed.contents() {
        let key = object.key().unwrap_or_default();
        let head = s3_b
            .head_object()
            .bucket(&world.archive_bucket)
            .key(key)
            .send()
            .await?;
        let owner = s3_b
            .get_object_acl()
            .bucket(&world.archive_bucket)
            .key(key)
            .send()
            .await?;
        println!("  s3://{}/{key}", world.archive_bucket);
        println!(
            "      {} bytes, owner {}, from s3://{}/{}",
            object.size().unwrap_or_default(),
            owner.owner().and_then(|o| o.id()).unwrap_or("?"),
            head.metadata()
                .and_then(|m| m.get("logferry-source-bucket"))
                .map(String::as_str)
                .unwrap_or("?"),
            head.metadata()
                .and_then(|m| m.get("logferry-source-key"))
                .map(String::as_str)
                .unwrap_or("?"),
        );
    }
    Ok(())
}

/// The day's partition, compacted by B's compactor role; then again, which
/// finds nothing to do.
async fn compact(world: &World) -> Result<()> {
    let partition = Partition::new("111111111111", "us-east-1", "acme-web", "2026-11-21")?;
    let compactor = world.compactor(None).await?;
    match compactor.compact(&partition).await? {
        Compaction::Written(c) => {
            println!(
                "compacted {} logs ({} bytes, each checked against its stored checksum) into",
                c.sources.len(),
                c.uncompressed_bytes
            );
            println!(
                "  s3://{}/{} ({} bytes gzip)",
                world.archive_bucket, c.output_key, c.compressed_bytes
            );
            println!(
                "  s3://{}/{} (manifest)",
                world.archive_bucket, c.manifest_key
            );
        }
        Compaction::Unchanged(key) => println!("already compacted: {key}"),
    }
    if let Compaction::Unchanged(_) = compactor.compact(&partition).await? {
        println!("compacted again: unchanged, the output is made of exactly these logs");
    }
    Ok(())
}
