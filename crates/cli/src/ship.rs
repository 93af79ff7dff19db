//! `logferry ship`: named objects and listed prefixes, with a JSON summary.

use std::collections::HashSet;
use std::future::Future;
use std::io::IsTerminal;
use std::time::Duration;

use anyhow::{bail, Result};
use clap::Args;
use futures::StreamExt;
use logferry::metrics::{Emitter, ShipMetrics};
use logferry::{Deadline, ObjectRef, ShipError, Shipper};
use serde::Serialize;
use tokio::time::Instant;

#[derive(Args)]
pub struct ShipArgs {
    /// s3://bucket/key for one object, s3://bucket/prefix/ (or s3://bucket) for everything under it.
    #[arg(required = true)]
    uris: Vec<String>,
    /// Print a JSON summary on stdout instead of one line per object.
    #[arg(long)]
    json: bool,
    /// Also print the run's metrics on stdout, as CloudWatch EMF lines (service `logferry-ship`).
    #[arg(long)]
    emf: bool,
}

/// What a `ship` run did, as `--json` prints it.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub shipped: Vec<logferry::Shipped>,
    /// Sources that no longer exist.
    pub skipped: Vec<String>,
    pub failed: Vec<Failure>,
    /// A SIGTERM (or Ctrl-C) stopped the run: what was not started, or was
    /// cut short and aborted, is in `failed` as retryable.
    pub interrupted: bool,
    /// Every object's fate, counted for `--emf`.
    #[serde(skip)]
    pub metrics: ShipMetrics,
}

/// After a stop signal, in-flight objects get this long to finish before
/// they are aborted; nothing new starts (see `logferry::ship`'s start margin).
const STOP_GRACE: Duration = Duration::from_secs(4);

#[derive(Debug, Serialize)]
pub struct Failure {
    pub source: String,
    pub error: String,
    pub retryable: bool,
}

/// Split `s3://bucket/rest` into bucket and key (or prefix).
pub fn parse_uri(uri: &str) -> Result<(String, String)> {
    let Some(rest) = uri.strip_prefix("s3://") else {
        bail!("`{uri}` is not an s3:// URI; write s3://bucket/key or s3://bucket/prefix/");
    };
    let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        bail!("`{uri}` names no bucket; write s3://bucket/key");
    }
    if !logferry::archive::names::is_bucket_name(bucket) {
        bail!("`{uri}`: `{bucket}` is not a valid S3 bucket name (3-63 lower-case letters, digits, `.` and `-`)");
    }
    if key.split('/').any(|s| s == "." || s == "..") {
        bail!("`{uri}` has a `.` or `..` path segment, which HTTP clients may normalise away; name the object without it");
    }
    Ok((bucket.to_string(), key.to_string()))
}

async fn expand(source: &aws_sdk_s3::Client, uris: &[String]) -> Result<Vec<ObjectRef>> {
    let mut objects = Vec::new();
    for uri in uris {
        let (bucket, key) = parse_uri(uri)?;
        if !key.is_empty() && !key.ends_with('/') {
            objects.push(ObjectRef::new(bucket, key));
            continue;
        }
        let mut pages = source
            .list_objects_v2()
            .bucket(&bucket)
            .prefix(&key)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| {
                anyhow::anyhow!(
                    "listing {uri} failed ({}); listing needs s3:ListBucket on arn:aws:s3:::{bucket} (infra/policies/source-list.json.tpl)",
                    logferry::error::one_line(&e)
                )
            })?;
            objects.extend(
                page.contents()
                    .iter()
                    .filter_map(|o| o.key())
                    .map(|k| ObjectRef::new(&bucket, k)),
            );
        }
    }
    Ok(objects)
}

/// Ship every object the URIs name (listing prefixes); `progress` hears of
/// each one as it finishes. When `stop` resolves, nothing new starts,
/// in-flight objects get [`STOP_GRACE`] to finish or are aborted, and the
/// summary says what did not land.
pub async fn ship_uris(
    shipper: &Shipper,
    source: &aws_sdk_s3::Client,
    uris: &[String],
    stop: impl Future<Output = ()>,
    progress: impl Fn(usize, usize, &str),
) -> Result<Summary> {
    let mut stop = std::pin::pin!(stop);
    let mut summary = Summary::default();
    let objects = tokio::select! {
        objects = expand(source, uris) => objects?,
        () = &mut stop => {
            summary.interrupted = true;
            summary.failed = uris.iter().map(|uri| not_listed(uri)).collect();
            return Ok(summary);
        }
    };
    // An object the caller named must exist; one found by listing may vanish.
    let named: HashSet<&str> = uris.iter().map(String::as_str).collect();
    let total = objects.len();
    let (set_deadline, deadline) = Deadline::later();
    let shipper = shipper.with_deadline(deadline);
    let mut results = std::pin::pin!(shipper.ship_stream(objects).enumerate());
    loop {
        let (done, (object, result)) = tokio::select! {
            next = results.next() => match next {
                Some(next) => next,
                None => break,
            },
            () = &mut stop, if !summary.interrupted => {
                summary.interrupted = true;
                tracing::warn!("stopping: nothing new starts; in-flight objects finish within {STOP_GRACE:?} or are aborted");
                set_deadline.at(Instant::now() + STOP_GRACE);
                continue;
            }
        };
        let name = format!("s3://{}/{}", object.bucket, object.key);
        progress(done + 1, total, &name);
        summary.add(&name, named.contains(name.as_str()), result);
    }
    Ok(summary)
}

fn not_listed(uri: &str) -> Failure {
    Failure {
        source: uri.to_string(),
        error: format!("{uri} was not listed before the run was stopped; ship it again"),
        retryable: true,
    }
}

impl Summary {
    fn add(&mut self, name: &str, named: bool, result: Result<logferry::Shipped, ShipError>) {
        let source = name.to_string();
        // What the caller named must exist: a failure, not a skip.
        let missing = matches!(&result, Err(e) if e.is_skip() && named);
        match missing {
            true => self.metrics.permanent += 1,
            false => self.metrics.record(&result),
        }
        match result {
            Ok(shipped) => self.shipped.push(shipped),
            Err(_) if missing => self.failed.push(Failure {
                error: format!("{name} does not exist (or its bucket does not); check the URI"),
                source,
                retryable: false,
            }),
            Err(e) if e.is_skip() => self.skipped.push(source),
            Err(e) => self.failed.push(Failure {
                source,
                retryable: e.is_retryable(),
                error: e.to_string(),
            }),
        }
    }
}

pub async fn run(
    args: ShipArgs,
    shipper: &Shipper,
    source: &aws_sdk_s3::Client,
) -> Result<std::process::ExitCode> {
    let terminal = std::io::stderr().is_terminal() && !args.json;
    let mut signalled = crate::worker::stop_on_signals();
    let stop = async move {
        let _ = signalled.wait_for(|stop| *stop).await;
    };
    let summary = ship_uris(shipper, source, &args.uris, stop, |done, total, name| {
        if terminal {
            eprint!("\r[{done}/{total}] {name}\x1b[K");
        }
    })
    .await?;
    if terminal {
        eprintln!();
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        for s in &summary.shipped {
            println!(
                "shipped s3://{}/{} -> s3://{}/{} ({} bytes)",
                s.source_bucket, s.source_key, s.dest_bucket, s.dest_key, s.size
            );
        }
        for s in &summary.skipped {
            println!("skipped {s}: no longer exists");
        }
        for f in &summary.failed {
            eprintln!("failed {}: {}", f.source, f.error);
        }
        println!(
            "{} shipped, {} failed, {} skipped{}",
            summary.shipped.len(),
            summary.failed.len(),
            summary.skipped.len(),
            if summary.interrupted {
                " (stopped by a signal)"
            } else {
                ""
            }
        );
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_split_into_bucket_and_key() {
        assert_eq!(
            parse_uri("s3://acme-logs/k/x.log").unwrap(),
            ("acme-logs".into(), "k/x.log".into())
        );
        assert_eq!(
            parse_uri("s3://acme-logs").unwrap(),
            ("acme-logs".into(), "".into())
        );
        assert!(parse_uri("b/k")
            .unwrap_err()
            .to_string()
            .contains("s3://bucket/key"));
        assert!(parse_uri("s3:///k").is_err());
        for bad in [
            "s3://Bad_Bucket/k",
            "s3://b/k",
            "s3://bucket/a/./k",
            "s3://bucket/a/../k",
        ] {
            let err = parse_uri(bad).unwrap_err().to_string();
            assert!(!err.contains('\n'), "{err}");
        }
    }
}
