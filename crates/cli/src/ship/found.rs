//! What `logferry ship` is asked to ship, found while it ships: each named
//! object, each listed prefix page by page, each line of a `--from-file`
//! list. A task finds them and hands them over a channel of [`WAITING`], so
//! the first copy starts with the first page and memory does not grow with
//! the number of objects: nothing holds the whole listing.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use std::collections::BTreeSet;

use anyhow::{bail, Context, Result};
use logferry::s3::unanswered::{Unanswered, ANSWER_WITHIN};
use logferry::ObjectRef;
use tokio::io::AsyncBufReadExt;
use tokio::sync::mpsc;

use super::checkpoint::Cursor;
use super::inventory::{self, Window};

/// Objects found and not yet started.
const WAITING: usize = 1000;

/// Where the URIs come from.
#[derive(Debug, Clone)]
pub enum Input {
    /// `s3://` URIs from the command line, checked before anything starts.
    Uris(Vec<String>),
    /// One `s3://` URI a line, read as it goes; `-` is standard input.
    File(PathBuf),
    /// The objects of an S3 Inventory report (its `manifest.json`), last
    /// modified within the window.
    Inventory(String, Window),
}

/// One object to ship, at its place in the input. `named`: the caller
/// named it, so it must exist.
#[derive(Debug)]
pub struct Found {
    pub object: ObjectRef,
    pub named: bool,
    pub at: Cursor,
}

/// Where an earlier run stopped: everything up to `through` is settled,
/// and `done` after it verified; neither is found again.
#[derive(Debug, Default, Clone)]
pub struct Resume {
    pub through: Option<Cursor>,
    pub done: BTreeSet<Cursor>,
}

impl Resume {
    fn settled(&self, at: &Cursor) -> bool {
        self.through.as_ref().is_some_and(|t| at <= t) || self.done.contains(at)
    }

    /// Whether entry `entry` was wholly settled before.
    fn passed(&self, entry: u64) -> bool {
        self.through.as_ref().is_some_and(|t| entry < t.entry)
    }

    /// Where to start listing entry `entry`.
    fn start_after(&self, entry: u64) -> Option<String> {
        self.through
            .as_ref()
            .filter(|t| t.entry == entry && !t.key.is_empty())
            .map(|t| t.key.clone())
    }
}

/// What `input` is, in a checkpoint: a resumed run must be given the same.
pub fn describe(input: &Input) -> String {
    match input {
        Input::Uris(uris) => uris.join(" "),
        Input::File(path) => format!("--from-file {}", path.display()),
        Input::Inventory(manifest, window) => format!(
            "--inventory {manifest} --since {:?} --until {:?}",
            window.since, window.until
        ),
    }
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

/// Line `number` of a file of URIs (`name`): its bucket and key, or
/// `None` for a blank line or a `#` comment.
pub fn uri_line(line: &str, name: &str, number: u64) -> Result<Option<(String, String)>> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let uri = parse_uri(line).with_context(|| format!("{name}, line {number}"))?;
    Ok(Some(uri))
}

/// Start finding. The receiver yields objects in order and ends with the
/// input, or with the one error that stopped it (a listing refused, a
/// line that is no URI); `listed` counts what was found.
pub fn start(
    source: aws_sdk_s3::Client,
    input: Input,
    resume: Resume,
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
        Input::Inventory(manifest, window) => Parsed::Inventory(manifest, window),
    };
    let (found, receiver) = mpsc::channel(WAITING);
    tokio::spawn(async move {
        let finder = Finder {
            source,
            found,
            listed,
            resume,
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
    Inventory(String, Window),
}

struct Finder {
    source: aws_sdk_s3::Client,
    found: mpsc::Sender<Result<Found>>,
    listed: Arc<AtomicU64>,
    resume: Resume,
}

impl Finder {
    async fn run(&self, input: Parsed) -> Result<()> {
        match input {
            Parsed::Uris(uris) => {
                for (entry, (uri, bucket, key)) in (1..).zip(uris) {
                    match self.uri(entry, &uri, bucket, key).await {
                        Ok(()) => {}
                        Err(Listing::Gone) => return Ok(()),
                        Err(Listing::Failed(e)) => return Err(e),
                    }
                }
            }
            Parsed::File(path) => self.file(&path).await?,
            Parsed::Inventory(manifest, window) => self.inventory(&manifest, window).await?,
        }
        Ok(())
    }

    /// Each data file of the report is an entry, each row a key under it.
    async fn inventory(&self, uri: &str, window: Window) -> Result<()> {
        let manifest = inventory::manifest(&self.source, uri).await?;
        for (entry, file) in (1..).zip(&manifest.files) {
            if self.resume.passed(entry) {
                continue;
            }
            let (sender, mut rows) = mpsc::channel(WAITING);
            let reading = inventory::rows(self.source.clone(), &manifest, file, window, sender);
            let sending = async {
                while let Some(row) = rows.recv().await {
                    let row = row?;
                    let at = Cursor {
                        entry,
                        key: format!("{:012}", row.number),
                    };
                    match self
                        .send(ObjectRef::new(row.bucket, row.key), false, at)
                        .await
                    {
                        Ok(()) => {}
                        Err(Listing::Gone) => return Ok(false),
                        Err(Listing::Failed(e)) => return Err(e),
                    }
                }
                Ok(true)
            };
            let ((), more) = tokio::join!(reading, sending);
            if !more? {
                return Ok(());
            }
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
            let Some((bucket, key)) = uri_line(&line, &name, number)? else {
                continue;
            };
            match self.uri(number, line.trim(), bucket, key).await {
                Ok(()) => {}
                Err(Listing::Gone) => return Ok(()),
                Err(Listing::Failed(e)) => return Err(e),
            }
        }
        Ok(())
    }

    /// One URI, the input's `entry`-th: the object it names, or
    /// everything under its prefix, but what an earlier run settled.
    async fn uri(&self, entry: u64, uri: &str, bucket: String, key: String) -> Result<(), Listing> {
        if self.resume.passed(entry) {
            return Ok(());
        }
        if !key.is_empty() && !key.ends_with('/') {
            let at = Cursor {
                entry,
                key: String::new(),
            };
            return self.send(ObjectRef::new(bucket, key), true, at).await;
        }
        let mut pages = self
            .source
            .list_objects_v2()
            .bucket(&bucket)
            .prefix(&key)
            .set_start_after(self.resume.start_after(entry))
            .into_paginator()
            .send();
        loop {
            let page = match tokio::time::timeout(ANSWER_WITHIN, pages.next()).await {
                Ok(Some(page)) => page,
                Ok(None) => break,
                Err(_) => {
                    return Err(Listing::Failed(anyhow::anyhow!(
                        "listing {uri}: {Unanswered}"
                    )))
                }
            };
            let page = page.map_err(|e| {
                Listing::Failed(anyhow::anyhow!(
                    "listing {uri} failed ({}); listing needs s3:ListBucket on arn:aws:s3:::{bucket} (infra/policies/source-list.json.tpl)",
                    logferry::error::one_line(&e)
                ))
            })?;
            for key in page.contents().iter().filter_map(|o| o.key()) {
                let at = Cursor {
                    entry,
                    key: key.to_string(),
                };
                self.send(ObjectRef::new(&bucket, key), false, at).await?;
            }
        }
        Ok(())
    }

    async fn send(&self, object: ObjectRef, named: bool, at: Cursor) -> Result<(), Listing> {
        if self.resume.settled(&at) {
            return Ok(());
        }
        self.listed.fetch_add(1, Ordering::Relaxed);
        self.found
            .send(Ok(Found { object, named, at }))
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
