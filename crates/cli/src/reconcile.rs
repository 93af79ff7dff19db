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

mod merge;

use std::io::Write;
use std::path::PathBuf;

use anyhow::{anyhow, bail, Context, Result};
use chrono::NaiveDate;
use clap::Args;
use logferry::s3::unanswered::{Unanswered, ANSWER_WITHIN};
use logferry::ShipperConfig;
use serde_json::json;

pub use merge::Days;
use merge::{days_of, Archive, Day, Fate, Source};

/// What to compare: A's objects under `source`, on `days`.
#[derive(Debug, Clone)]
pub struct Check {
    pub source: String,
    pub days: Days,
    /// The source bucket's region, for the archive's `{region}`.
    pub region: String,
    /// Also compare the recorded source ETag (a HeadObject per object).
    pub etags: bool,
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
    /// Print one JSON line per finding, then one with the summary.
    #[arg(long)]
    json: bool,
}

/// What a reconcile found, in counts.
#[derive(Debug, Default, serde::Serialize)]
pub struct Report {
    pub source: u64,
    pub archived: u64,
    pub missing: u64,
    pub size_differs: u64,
    pub etag_differs: u64,
    pub days: std::collections::BTreeMap<NaiveDate, Day>,
}

impl Report {
    pub fn complete(&self) -> bool {
        self.missing == 0 && self.size_differs == 0 && self.etag_differs == 0
    }
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
    mut finding: impl FnMut(serde_json::Value, Option<&str>),
) -> Result<Report> {
    let (days, region) = (args.days, args.region.clone());
    let account = config.source_account.clone().context(
        "reconcile needs account A's id: set LOGFERRY_SOURCE_ACCOUNT (it runs in account B)",
    )?;
    let (bucket, prefix) = crate::ship::parse_uri(&args.source)?;
    let mut archive = Archive::new(
        s3.clone(),
        config.dest_bucket.clone(),
        config.key_template.clone(),
        account,
        region,
    );
    let mut report = Report {
        days: days_of(days),
        ..Report::default()
    };
    let mut pages = s3
        .list_objects_v2()
        .bucket(&bucket)
        .prefix(&prefix)
        .into_paginator()
        .send();
    loop {
        let page = match tokio::time::timeout(ANSWER_WITHIN, pages.next()).await {
            Ok(Some(page)) => page,
            Ok(None) => break,
            Err(_) => bail!("listing {}: {Unanswered}", args.source),
        };
        let page = page.map_err(|e| anyhow!("listing {} failed ({}); reconcile needs s3:ListBucket on it, granted to its role by the log bucket's policy (infra/policies/source-bucket-reconcile-list.json.tpl)", args.source, logferry::error::one_line(&e)))?;
        for object in page.contents() {
            let (Some(key), Some(modified)) = (object.key(), object.last_modified()) else {
                continue;
            };
            let source = Source {
                key: key.to_string(),
                size: object.size().unwrap_or(0),
                etag: object.e_tag().map(|e| e.trim_matches('"').to_string()),
                last_modified: chrono::DateTime::from_timestamp(modified.secs(), 0)
                    .unwrap_or_default(),
            };
            let (day, fate) = archive.find(&bucket, &source, days).await?;
            check(
                s3,
                config,
                args,
                &bucket,
                &source,
                day,
                fate,
                &mut report,
                &mut finding,
            )
            .await?;
        }
    }
    Ok(report)
}

/// Count one source object's fate, and report it if it is a problem.
#[allow(clippy::too_many_arguments)]
async fn check(
    s3: &aws_sdk_s3::Client,
    config: &ShipperConfig,
    args: &Check,
    bucket: &str,
    source: &Source,
    day: NaiveDate,
    fate: Fate,
    report: &mut Report,
    finding: &mut impl FnMut(serde_json::Value, Option<&str>),
) -> Result<()> {
    let uri = format!("s3://{bucket}/{}", source.key);
    let archive = &config.dest_bucket;
    let counts = match fate {
        Fate::OutOfRange => return Ok(()),
        _ => report.days.get_mut(&day).expect("a day of the range"),
    };
    counts.source += 1;
    report.source += 1;
    let dest = match fate {
        Fate::Missing { dest } => {
            report.missing += 1;
            let text = format!("missing {uri} (expected s3://{archive}/{dest})");
            finding(
                json!({"missing": uri, "expected": dest, "text": text}),
                Some(&uri),
            );
            return Ok(());
        }
        Fate::Archived { dest, size } if size != source.size => {
            report.size_differs += 1;
            let text = format!(
                "size differs {uri}: {} bytes, archived s3://{archive}/{dest}: {size} bytes",
                source.size
            );
            finding(
                json!({"size_differs": uri, "archived": dest, "text": text}),
                None,
            );
            dest
        }
        Fate::Archived { dest, .. } => dest,
        Fate::OutOfRange => unreachable!("returned above"),
    };
    counts.archived += 1;
    report.archived += 1;
    if args.etags {
        let head = s3.head_object().bucket(archive).key(&dest).send().await.map_err(|e| {
            anyhow!("reading s3://{archive}/{dest} failed ({}); --etags needs s3:GetObject on the archive", logferry::error::one_line(&e))
        })?;
        let recorded = head
            .metadata()
            .and_then(|m| m.get("logferry-source-etag"))
            .map(|e| e.trim_matches('"').to_string());
        if let (Some(recorded), Some(etag)) = (recorded, &source.etag) {
            if recorded != *etag {
                report.etag_differs += 1;
                let text = format!("etag differs {uri}: {etag} now, {recorded} when archived (the source changed since; see _conflicts/)");
                finding(
                    json!({"etag_differs": uri, "archived": dest, "text": text}),
                    None,
                );
            }
        }
    }
    Ok(())
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
