//! `logferry reconcile`: does the archive hold every log A produced? For a
//! day or a range of days it lists A's log bucket, maps each object through
//! the key layout to its archive key, and checks the archive for it
//! ([`merge`]): missing objects, and archived objects whose size (or, with
//! `--etags`, source ETag) differs, one line each. It exits 1 when anything
//! is missing or differs; `--missing-out` writes the missing objects as
//! `s3://` URIs for `logferry ship --from-file`.
//!
//! It runs in account B as the reconcile role (`infra/modules/reconciler`):
//! list on the archive, and list on A's log prefix granted by A's bucket.
//! Either side can be an S3 Inventory report instead of a listing
//! ([`inventories`]).

mod findings;
mod inventories;
mod merge;
mod sorted;
mod sources;

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use clap::Args;
use logferry::ShipperConfig;
use serde_json::json;

use findings::Judge;
pub use findings::Report;
use inventories::Expected;
pub use merge::Days;
use merge::{days_of, Archive};
use sorted::Sorter;
use sources::Sources;

/// What to compare: A's objects under `source`, on `days`.
#[derive(Debug, Clone)]
pub struct Check {
    pub source: String,
    pub days: Days,
    /// The source bucket's region, for the archive's `{region}`.
    pub region: String,
    /// Also compare the recorded source ETag (a HeadObject per object).
    pub etags: bool,
    /// A's side from this inventory report's manifest.json, not a listing.
    pub source_inventory: Option<String>,
    /// The archive's side from this inventory report's manifest.json.
    pub archive_inventory: Option<String>,
}

#[derive(Args)]
pub struct ReconcileArgs {
    /// A's log objects: s3://log-bucket/prefix/ (listed whole; a narrower prefix lists less).
    #[arg(long, value_name = "URI")]
    source: String,
    /// The day to check (2026-11-30): the archive partitions of that day.
    #[arg(long, conflicts_with_all = ["from", "to"], required_unless_present = "from")]
    day: Option<NaiveDate>,
    /// The first day of a range (with --to).
    #[arg(long, requires = "to")]
    from: Option<NaiveDate>,
    /// The last day of a range, included.
    #[arg(long, requires = "from")]
    to: Option<NaiveDate>,
    /// Region of A's log bucket, for the archive's {region} (default: the SDK's region).
    #[arg(long, value_name = "REGION")]
    source_region: Option<String>,
    /// Write the missing objects' s3:// URIs to FILE, for `logferry ship --from-file FILE`.
    #[arg(long, value_name = "FILE")]
    missing_out: Option<PathBuf>,
    /// Also compare each archived object's recorded source ETag (a HeadObject each; needs s3:GetObject on the archive).
    #[arg(long)]
    etags: bool,
    /// A's side from an S3 Inventory report of the log bucket (its manifest.json), instead of listing it.
    #[arg(long, value_name = "URI")]
    source_inventory: Option<String>,
    /// The archive's side from an S3 Inventory report of the archive (its manifest.json), instead of listing it.
    #[arg(long, value_name = "URI")]
    archive_inventory: Option<String>,
    /// Print one JSON line per finding, then one with the summary.
    #[arg(long)]
    json: bool,
}

pub async fn run(
    args: ReconcileArgs,
    config: &ShipperConfig,
    sdk: &aws_config::SdkConfig,
) -> Result<std::process::ExitCode> {
    let s3 = aws_sdk_s3::Client::from_conf(logferry::s3::clients::s3_config(sdk).build());
    let region = args
        .source_region
        .clone()
        .or_else(|| sdk.region().map(|r| r.to_string()))
        .context("no region for the source bucket; give --source-region or set AWS_REGION")?;
    let mut missing_out = match &args.missing_out {
        Some(path) => Some(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot write --missing-out {}", path.display()))?,
        )),
        None => None,
    };
    let days = match (args.day, args.from, args.to) {
        (Some(day), _, _) => Days {
            first: day,
            last: day,
        },
        (None, Some(first), Some(last)) if first <= last => Days { first, last },
        _ => bail!(
            "--from {:?} is after --to {:?}; give the first day first",
            args.from,
            args.to
        ),
    };
    let json = args.json;
    let check = Check {
        source: args.source.clone(),
        days,
        region,
        etags: args.etags,
        source_inventory: args.source_inventory.clone(),
        archive_inventory: args.archive_inventory.clone(),
    };
    let report = reconcile(&s3, config, &check, |line, uri| {
        if let (Some(out), Some(uri)) = (missing_out.as_mut(), uri) {
            let _ = writeln!(out, "{uri}");
        }
        match json {
            true => println!("{line}"),
            false => println!("{}", line["text"].as_str().unwrap_or_default()),
        }
    })
    .await?;
    if let Some(out) = missing_out.as_mut() {
        out.flush().context("writing --missing-out")?;
    }
    print_report(&report, config, json);
    Ok(match report.complete() {
        true => std::process::ExitCode::SUCCESS,
        false => std::process::ExitCode::FAILURE,
    })
}

/// Compare A's objects of the days asked with the archive; `finding`
/// hears of each problem (a JSON line with a `text`, and the URI to ship
/// again when it is missing).
pub async fn reconcile(
    s3: &aws_sdk_s3::Client,
    config: &ShipperConfig,
    args: &Check,
    finding: impl FnMut(serde_json::Value, Option<&str>),
) -> Result<Report> {
    let account = config.source_account.clone().context(
        "reconcile needs account A's id: set LOGFERRY_SOURCE_ACCOUNT (it runs in account B)",
    )?;
    let (bucket, prefix) = crate::ship::parse_uri(&args.source)?;
    let mut archive = Archive::new(
        s3.clone(),
        config.dest_bucket.clone(),
        config.key_template.clone(),
        account,
        args.region.clone(),
    );
    let mut sources = match &args.source_inventory {
        Some(uri) => Sources::Report(inventories::source_objects(s3, uri, &bucket, &prefix).await?),
        None => Sources::listing(s3, &args.source, &bucket, &prefix),
    };
    let mut judge = Judge {
        s3,
        config,
        etags: args.etags,
        bucket: &bucket,
        report: Report {
            days: days_of(args.days),
            ..Report::default()
        },
        finding,
    };
    let Some(report) = &args.archive_inventory else {
        while let Some(source) = sources.next().await? {
            let (day, fate) = archive.find(&bucket, &source, args.days).await?;
            judge.check(&source, day, fate).await?;
        }
        return Ok(judge.report);
    };
    // Every expected archive key, sorted, met by the report's keys, sorted.
    let mut expected = Sorter::new(|e: &Expected| e.dest.clone());
    while let Some(source) = sources.next().await? {
        if let (day, Some(dest)) = archive.expected(&bucket, &source, args.days)? {
            expected.push(Expected { dest, day, source })?;
        }
    }
    let prefix = config.key_template.prefix();
    let mut archived = inventories::archive_keys(s3, report, &config.dest_bucket, prefix).await?;
    for one in expected.sorted()? {
        let Expected { dest, day, source } = one?;
        let fate = archived.fate(dest)?;
        judge.check(&source, day, fate).await?;
    }
    Ok(judge.report)
}

fn print_report(report: &Report, config: &ShipperConfig, json: bool) {
    for (day, counts) in &report.days {
        if counts.source > 0 && counts.archived == 0 {
            eprintln!("{day}: the archive holds none of its {} objects (no partition under s3://{}/{}/); ship the day, or check LOGFERRY_DEST_PREFIX and LOGFERRY_SOURCE_ACCOUNT", counts.source, config.dest_bucket, config.key_template.prefix());
        }
    }
    if report.source == 0 {
        eprintln!("no source objects on these days; check --source and the days");
    }
    if json {
        println!("{}", json!({ "summary": report }));
        return;
    }
    println!(
        "{} source objects, {} archived: {} missing, {} differ in size, {} differ in source ETag{}",
        report.source,
        report.archived,
        report.missing,
        report.size_differs,
        report.etag_differs,
        if report.complete() { " (complete)" } else { "" }
    );
}
