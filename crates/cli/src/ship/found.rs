//! What `logferry ship` is asked to ship, found while it ships: each named
//! object, each listed prefix page by page, each line of a `--from-file`
//! list. A task finds them and hands them over a channel of [`WAITING`], so
//! the first copy starts with the first page and memory does not grow with
//! the number of objects: nothing holds the whole listing.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use logferry::ObjectRef;
use tokio::io::AsyncBufReadExt;
use tokio::sync::mpsc;

/// Objects found and not yet started.
const WAITING: usize = 1000;

/// Where the URIs come from.
#[derive(Debug, Clone)]
pub enum Input {
    /// `s3://` URIs from the command line, checked before anything starts.
    Uris(Vec<String>),
    /// One `s3://` URI a line, read as it goes; `-` is standard input.
    File(PathBuf),
}

/// One object to ship. `named`: the caller named it, so it must exist.
#[derive(Debug)]
pub struct Found {
    pub object: ObjectRef,
    pub named: bool,
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

/// Start finding. The receiver yields objects in order and ends with the
/// input, or with the one error that stopped it (a listing refused, a
/// line that is no URI); `listed` counts what was found.
pub fn start(
    source: aws_sdk_s3::Client,
    input: Input,
    listed: Arc<AtomicU64>,
) -> Result<mpsc::Receiver<Result<Found>>> {
    // Command-line URIs are checked before anything starts, once.
    let input = match input {
        Input::Uris(uris) => Parsed::Uris(
            uris.into_iter()
                .map(|uri| parse_uri(&uri).map(|(bucket, key)| (uri, bucket, key)))
                .collect::<Result<_>>()?,
        ),
        Input::File(path) => Parsed::File(path),
    };
    let (found, receiver) = mpsc::channel(WAITING);
    tokio::spawn(async move {
        let finder = Finder {
            source,
            found,
            listed,
        };
        if let Err(e) = finder.run(input).await {
            let _ = finder.found.send(Err(e)).await;
        }
    });
    Ok(receiver)
}

/// [`Input`], its URIs split into (URI, bucket, key).
enum Parsed {
    Uris(Vec<(String, String, String)>),
    File(PathBuf),
}

struct Finder {
    source: aws_sdk_s3::Client,
    found: mpsc::Sender<Result<Found>>,
    listed: Arc<AtomicU64>,
}

impl Finder {
    async fn run(&self, input: Parsed) -> Result<()> {
        match input {
            Parsed::Uris(uris) => {
                for (uri, bucket, key) in uris {
                    match self.uri(&uri, bucket, key).await {
                        Ok(()) => {}
                        Err(Listing::Gone) => return Ok(()),
                        Err(Listing::Failed(e)) => return Err(e),
                    }
                }
            }
            Parsed::File(path) => self.file(&path).await?,
        }
        Ok(())
    }

    async fn file(&self, path: &PathBuf) -> Result<()> {
        let name = path.display().to_string();
        let reader: Box<dyn tokio::io::AsyncRead + Unpin + Send> = if name == "-" {
            Box::new(tokio::io::stdin())
        } else {
            Box::new(
                tokio::fs::File::open(path)
                    .await
                    .with_context(|| format!("cannot read --from-file {name}; give a file of s3:// URIs, one a line, or - for standard input"))?,
            )
        };
        let mut lines = tokio::io::BufReader::new(reader).lines();
        let mut number = 0;
        while let Some(line) = lines
            .next_line()
            .await
            .with_context(|| format!("reading --from-file {name}"))?
        {
            number += 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (bucket, key) =
                parse_uri(line).with_context(|| format!("{name}, line {number}"))?;
            match self.uri(line, bucket, key).await {
                Ok(()) => {}
                Err(Listing::Gone) => return Ok(()),
                Err(Listing::Failed(e)) => return Err(e),
            }
        }
        Ok(())
    }

    /// One URI: the object it names, or everything under its prefix.
    async fn uri(&self, uri: &str, bucket: String, key: String) -> Result<(), Listing> {
        if !key.is_empty() && !key.ends_with('/') {
            return self.send(ObjectRef::new(bucket, key), true).await;
        }
        let mut pages = self
            .source
            .list_objects_v2()
            .bucket(&bucket)
            .prefix(&key)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| {
                Listing::Failed(anyhow::anyhow!(
                    "listing {uri} failed ({}); listing needs s3:ListBucket on arn:aws:s3:::{bucket} (infra/policies/source-list.json.tpl)",
                    logferry::error::one_line(&e)
                ))
            })?;
            for key in page.contents().iter().filter_map(|o| o.key()) {
                self.send(ObjectRef::new(&bucket, key), false).await?;
            }
        }
        Ok(())
    }

    async fn send(&self, object: ObjectRef, named: bool) -> Result<(), Listing> {
        self.listed.fetch_add(1, Ordering::Relaxed);
        self.found
            .send(Ok(Found { object, named }))
            .await
            .map_err(|_| Listing::Gone)
    }
}

/// Why finding stopped early: the run stopped wanting more, or it failed.
enum Listing {
    Gone,
    Failed(anyhow::Error),
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
