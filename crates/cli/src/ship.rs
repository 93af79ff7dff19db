//! `logferry ship`: named objects and listed prefixes, with a JSON summary.

use std::io::IsTerminal;

use anyhow::{bail, Result};
use clap::Args;
use futures::StreamExt;
use logferry::{ObjectRef, Shipper};
use serde::Serialize;

#[derive(Args)]
pub struct ShipArgs {
    /// s3://bucket/key for one object, s3://bucket/prefix/ (or s3://bucket) for everything under it.
    #[arg(required = true)]
    uris: Vec<String>,
    /// Print a JSON summary on stdout instead of one line per object.
    #[arg(long)]
    json: bool,
}

/// What a `ship` run did, as `--json` prints it.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub shipped: Vec<logferry::Shipped>,
    /// Sources that no longer exist.
    pub skipped: Vec<String>,
    pub failed: Vec<Failure>,
}

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
    if !logferry::config::is_bucket_name(bucket) {
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
/// each one as it finishes.
pub async fn ship_uris(
    shipper: &Shipper,
    source: &aws_sdk_s3::Client,
    uris: &[String],
    progress: impl Fn(usize, usize, &str),
) -> Result<Summary> {
    let objects = expand(source, uris).await?;
    // An object the caller named must exist; one found by listing may vanish.
    let named: std::collections::HashSet<&str> = uris.iter().map(String::as_str).collect();
    let total = objects.len();
    let mut summary = Summary::default();
    let mut results = std::pin::pin!(shipper.ship_stream(objects).enumerate());
    while let Some((done, (object, result))) = results.next().await {
        let name = format!("s3://{}/{}", object.bucket, object.key);
        progress(done + 1, total, &name);
        match result {
            Ok(shipped) => summary.shipped.push(shipped),
            Err(e) if e.is_skip() && named.contains(name.as_str()) => {
                summary.failed.push(Failure {
                    error: format!("{name} does not exist (or its bucket does not); check the URI"),
                    source: name,
                    retryable: false,
                })
            }
            Err(e) if e.is_skip() => summary.skipped.push(name),
            Err(e) => summary.failed.push(Failure {
                source: name,
                retryable: e.is_retryable(),
                error: e.to_string(),
            }),
        }
    }
    Ok(summary)
}

pub async fn run(
    args: ShipArgs,
    shipper: &Shipper,
    source: &aws_sdk_s3::Client,
) -> Result<std::process::ExitCode> {
    let terminal = std::io::stderr().is_terminal() && !args.json;
    let summary = ship_uris(shipper, source, &args.uris, |done, total, name| {
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
            "{} shipped, {} failed, {} skipped",
            summary.shipped.len(),
            summary.failed.len(),
            summary.skipped.len()
        );
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
