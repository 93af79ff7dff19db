//! The `ship` command: its flags, what it prints as objects finish, and
//! its summary and exit code.

use std::path::PathBuf;

use anyhow::Result;
use chrono::{DateTime, Utc};
use clap::Args;
use logferry::metrics::Emitter;
use logferry::ship::Landing;
use logferry::Shipper;
use serde_json::json;

use super::progress::Progress;
use super::{inventory, ship_resumable, Done, Input, Summary, Window};

#[derive(Args)]
pub struct ShipArgs {
    /// s3://bucket/key for one object, s3://bucket/prefix/ (or s3://bucket) for everything under it.
    #[arg(required_unless_present_any = ["from_file", "inventory"], conflicts_with_all = ["from_file", "inventory"])]
    uris: Vec<String>,
    /// Read the s3:// URIs from FILE, one a line (`-`: standard input), as the run goes.
    #[arg(long, value_name = "FILE", conflicts_with = "inventory")]
    from_file: Option<PathBuf>,
    /// Ship the objects of an S3 Inventory report: the s3:// URI of its manifest.json (CSV reports).
    #[arg(long, value_name = "MANIFEST")]
    inventory: Option<String>,
    /// With --inventory: only objects last modified at or after this day (2026-11-30) or time (RFC 3339).
    #[arg(long, requires = "inventory", value_parser = inventory::parse_time)]
    since: Option<DateTime<Utc>>,
    /// With --inventory: only objects last modified before this day or time.
    #[arg(long, requires = "inventory", value_parser = inventory::parse_time)]
    until: Option<DateTime<Utc>>,
    /// Keep what is verified in PATH (a local file, or s3://bucket/key in account A); run again with the same input and PATH to resume a killed run.
    #[arg(long, value_name = "PATH")]
    checkpoint: Option<String>,
    /// Print one JSON line per object as it finishes, then one with the summary.
    #[arg(long)]
    json: bool,
    /// Also print the run's metrics on stdout, as CloudWatch EMF lines (service `logferry-ship`).
    #[arg(long)]
    emf: bool,
}

/// What one finished object prints: a line of text, or of JSON.
fn report(done: &Done<'_>, json: bool) {
    let source = done.source;
    match (done.result, json) {
        (Ok(s), false) => println!(
            "shipped {source} -> s3://{}/{} ({} bytes{})",
            s.dest_bucket,
            s.dest_key,
            s.size,
            match s.landing {
                Landing::New => "",
                Landing::AlreadyArchived => ", already archived",
                Landing::Changed => ", changed since archived: kept beside the archived copy",
            }
        ),
        (Err(e), false) if e.is_skip() && !done.named => {
            println!("skipped {source}: no longer exists")
        }
        (Err(_), false) => {} // failures are listed at the end, on stderr
        (Ok(s), true) => println!("{}", json!({"source": source, "shipped": s})),
        (Err(e), true) => println!(
            "{}",
            json!({"source": source, "error": e.to_string(), "retryable": e.is_retryable(), "skipped": e.is_skip() && !done.named})
        ),
    }
}

/// The end of a run: its failures on stderr, its counts on stdout.
fn print_summary(summary: &Summary, json: bool) {
    for f in &summary.failed {
        eprintln!("failed {}: {}", f.source, f.error);
    }
    if json {
        println!("{}", json!({ "summary": summary }));
    } else {
        println!(
            "{} shipped ({} already archived, {} changed since archived), {} failed, {} skipped{}",
            summary.shipped,
            summary.already_archived,
            summary.changed,
            summary.failed.len(),
            summary.skipped,
            if summary.interrupted {
                " (stopped by a signal)"
            } else {
                ""
            }
        );
    }
}

pub async fn run(
    args: ShipArgs,
    shipper: &Shipper,
    source: &aws_sdk_s3::Client,
) -> Result<std::process::ExitCode> {
    let mut signalled = crate::worker::stop_on_signals();
    let stop = async move {
        let _ = signalled.wait_for(|stop| *stop).await;
    };
    let window = Window {
        since: args.since,
        until: args.until,
    };
    let input = match (args.from_file, args.inventory) {
        (Some(path), _) => Input::File(path),
        (None, Some(manifest)) => Input::Inventory(manifest, window),
        (None, None) => Input::Uris(args.uris),
    };
    let mut progress = Progress::new();
    let checkpoint = args.checkpoint.as_deref();
    let summary = ship_resumable(shipper, source, input, checkpoint, stop, |done| {
        progress.print(|| report(&done, args.json));
        progress.update(&done);
    })
    .await;
    progress.finish();
    let summary = summary?;
    print_summary(&summary, args.json);
    if args.emf {
        let auth = shipper.config().auth.name();
        Emitter::stdout().emit(summary.metrics.documents(
            "logferry-ship",
            auth,
            chrono::Utc::now(),
        ));
    }
    Ok(if summary.failed.is_empty() {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    })
}
