//! `logferry compact`: one day of archived logs into one verified gzip
//! object per partition under the query prefix (see `logferry::compact`).
//! Runs in account B, with the compactor's own role.

use anyhow::{bail, Result};
use clap::Args;
use logferry::compact::{CompactConfig, Compaction, Compactor, Partition};

#[derive(Args)]
pub struct CompactArgs {
    /// The day to compact, as 2026-11-22 (UTC, as the archive's partitions are).
    #[arg(long)]
    day: String,
    /// One partition: the audited bucket's account id (`{account}`). Without
    /// --account, --region and --bucket, every partition of the day.
    #[arg(long)]
    account: Option<String>,
    /// One partition: the audited bucket's region (`{region}`).
    #[arg(long)]
    region: Option<String>,
    /// One partition: the audited bucket's name (`{bucket}`).
    #[arg(long)]
    bucket: Option<String>,
    /// Print what was written as JSON (the manifests) instead of one line each.
    #[arg(long)]
    json: bool,
}

pub async fn run(
    args: CompactArgs,
    config: &CompactConfig,
    sdk: &aws_config::SdkConfig,
) -> Result<std::process::ExitCode> {
    let s3 = aws_sdk_s3::Client::from_conf(logferry::s3::clients::s3_config(sdk).build());
    let compactor = Compactor::new(s3, config);
    let partitions = match (&args.account, &args.region, &args.bucket) {
        (Some(a), Some(r), Some(b)) => {
            vec![Partition::new(a, r, b, &args.day)?]
        }
        (None, None, None) => {
            let day = Partition::day(&args.day)?;
            compactor.partitions(&[day]).await?
        }
        _ => bail!("name a partition with all of --account, --region and --bucket, or none of them for every partition of the day"),
    };
    let mut done = Vec::new();
    for partition in &partitions {
        done.push(compactor.compact(partition).await?);
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&done)?);
        return Ok(std::process::ExitCode::SUCCESS);
    }
    for compaction in &done {
        match compaction {
            Compaction::Written(c) => println!(
                "compacted {} objects ({} bytes) into s3://{}/{} ({} bytes); replaced {}",
                c.sources.len(),
                c.uncompressed_bytes,
                config.archive_bucket,
                c.output_key,
                c.compressed_bytes,
                c.removed.len()
            ),
            Compaction::Unchanged(key) => {
                println!(
                    "unchanged: s3://{}/{key} is made of exactly these sources",
                    config.archive_bucket
                )
            }
        }
    }
    println!("{} partition(s) of {}", done.len(), args.day);
    Ok(std::process::ExitCode::SUCCESS)
}
