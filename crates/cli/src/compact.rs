//! `logferry compact`: one partition's day of archived logs into one
//! verified gzip object under the query prefix (see `logferry::compact`).
//! Runs in account B, with the compactor's own role.

use anyhow::Result;
use clap::Args;
use logferry::compact::{Compactor, Partition};
use logferry::ShipperConfig;

#[derive(Args)]
pub struct CompactArgs {
    /// The day to compact, as 2026-11-22 (UTC, as the archive's partitions are).
    #[arg(long)]
    day: String,
    /// The audited bucket's account id (the partition's `{account}`).
    #[arg(long)]
    account: String,
    /// The audited bucket's region (`{region}`).
    #[arg(long)]
    region: String,
    /// The audited bucket's name (`{bucket}`).
    #[arg(long)]
    bucket: String,
    /// Where the compacted copies go, in the archive bucket (default `logferry-query`).
    #[arg(long, env = "LOGFERRY_QUERY_PREFIX", default_value = "logferry-query")]
    query_prefix: String,
    /// Print what was written as JSON (the manifest) instead of one line.
    #[arg(long)]
    json: bool,
}

pub async fn run(
    args: CompactArgs,
    config: &ShipperConfig,
    sdk: &aws_config::SdkConfig,
) -> Result<std::process::ExitCode> {
    let partition = Partition::new(&args.account, &args.region, &args.bucket, &args.day)
        .map_err(anyhow::Error::msg)?;
    let s3 = aws_sdk_s3::Client::from_conf(logferry::clients::s3_config(sdk).build());
    let compactor = Compactor::new(
        s3,
        config.dest_bucket.clone(),
        &config.key_template,
        &args.query_prefix,
        config.part_size,
    )?;
    let compacted = compactor.compact(&partition).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&compacted)?);
    } else {
        println!(
            "compacted {} objects ({} bytes) into s3://{}/{} ({} bytes); manifest {}; replaced {}",
            compacted.sources.len(),
            compacted.uncompressed_bytes,
            config.dest_bucket,
            compacted.output_key,
            compacted.compressed_bytes,
            compacted.manifest_key,
            compacted.removed.len()
        );
    }
    Ok(std::process::ExitCode::SUCCESS)
}
