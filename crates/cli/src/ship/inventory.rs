//! `ship --inventory`: the objects of an S3 Inventory report, read from its
//! `manifest.json` (`sourceBucket`, `destinationBucket`, `fileFormat`,
//! `fileSchema`, and `files[]` with each data file's `key`, `size` and
//! `MD5checksum`) and its gzip CSV data files.
//!
//! Each data file is read to a temporary file while its MD5 is computed,
//! and refused whole if that differs from the manifest's, before any of
//! its rows is shipped; then its rows stream from disk. S3's documentation
//! of the inventory list: "When using the CSV file format, the key name is
//! URL-encoded and must be decoded before you can use it." The encoding is
//! a form's (a space is `+`, a plus `%2B`), as the Lambda example of S3
//! Batch Operations decodes it (`unquote_plus`).

use std::io::BufReader;
use std::path::PathBuf;

use anyhow::{anyhow, bail, Context, Result};
use chrono::{DateTime, NaiveDate, Utc};
use logferry::ship::event::decode_key;
use md5::{Digest, Md5};
use serde::Deserialize;
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;

/// What the report says it is.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The bucket the report lists.
    pub source_bucket: String,
    /// Where the data files are (the report's destination bucket).
    pub data_bucket: String,
    pub schema: Vec<String>,
    pub files: Vec<DataFile>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DataFile {
    pub key: String,
    pub size: u64,
    #[serde(rename = "MD5checksum")]
    pub md5: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Raw {
    source_bucket: String,
    destination_bucket: String,
    file_format: String,
    file_schema: String,
    files: Vec<DataFile>,
}

/// Only objects last modified in `[since, until)` are shipped.
#[derive(Debug, Clone, Copy, Default)]
pub struct Window {
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// `--since`/`--until`: a day (its midnight, UTC) or an RFC 3339 time.
pub fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(day.and_hms_opt(0, 0, 0).expect("midnight").and_utc());
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("`{text}` is neither a day (2026-11-30) nor an RFC 3339 time (2026-11-30T12:00:00Z)"))
}

/// One object of the report: its bucket, decoded key, and row number, and
/// the size, ETag and last-modified time where the report has those fields.
#[derive(Debug)]
pub struct Row {
    pub bucket: String,
    pub key: String,
    pub number: u64,
    pub size: Option<i64>,
    pub etag: Option<String>,
    pub last_modified: Option<DateTime<Utc>>,
}

/// Read and check `uri`'s manifest.
pub async fn manifest(s3: &aws_sdk_s3::Client, uri: &str) -> Result<Manifest> {
    let (bucket, key) = super::parse_uri(uri)?;
    let out = s3.get_object().bucket(&bucket).key(&key).send().await.map_err(|e| {
        anyhow!("cannot read the inventory manifest {uri} ({}); give the s3:// URI of a report's manifest.json, readable by this identity", logferry::error::one_line(&e))
    })?;
    let bytes = out
        .body
        .collect()
        .await
        .context("reading the manifest")?
        .into_bytes();
    let raw: Raw = serde_json::from_slice(&bytes).map_err(|e| {
        anyhow!("{uri} is not an S3 Inventory manifest ({e}); give the manifest.json of a report")
    })?;
    if raw.file_format != "CSV" {
        bail!("{uri} is a {} report; logferry reads CSV inventory reports: set the inventory's output format to CSV", raw.file_format);
    }
    let data_bucket = raw
        .destination_bucket
        .strip_prefix("arn:aws:s3:::")
        .unwrap_or(&raw.destination_bucket)
        .to_string();
    let schema: Vec<String> = raw
        .file_schema
        .split(',')
        .map(|f| f.trim().to_string())
        .collect();
    for needed in ["Bucket", "Key"] {
        if !schema.iter().any(|f| f == needed) {
            bail!("{uri}: fileSchema has no {needed} field; this is not an object inventory");
        }
    }
    Ok(Manifest {
        source_bucket: raw.source_bucket,
        data_bucket,
        schema,
        files: raw.files,
    })
}

/// Send the rows of `file` that `window` keeps, after checking its MD5.
/// The first error ends the rows, and is sent last.
pub async fn rows(
    s3: aws_sdk_s3::Client,
    manifest: &Manifest,
    file: &DataFile,
    window: Window,
    rows: mpsc::Sender<Result<Row>>,
) {
    let read = async {
        let path = download(&s3, &manifest.data_bucket, file).await?;
        let columns = Columns::of(&manifest.schema, window)?;
        let (name, sender) = (
            format!("s3://{}/{}", manifest.data_bucket, file.key),
            rows.clone(),
        );
        let parsed = tokio::task::spawn_blocking(move || {
            let parsed = parse(&path, &columns, window, &name, &sender);
            let _ = std::fs::remove_file(&path);
            parsed
        });
        parsed.await.context("reading an inventory data file")?
    };
    if let Err(e) = read.await {
        let _ = rows.send(Err(e)).await;
    }
}

/// Copy the data file to a temporary file, checking its MD5 on the way.
async fn download(s3: &aws_sdk_s3::Client, bucket: &str, file: &DataFile) -> Result<PathBuf> {
    let name = format!("s3://{bucket}/{}", file.key);
    let out = s3
        .get_object()
        .bucket(bucket)
        .key(&file.key)
        .send()
        .await
        .map_err(|e| {
            anyhow!(
                "cannot read the inventory data file {name} ({})",
                logferry::error::one_line(&e)
            )
        })?;
    let path = std::env::temp_dir().join(crate::unique_name("logferry-inventory"));
    let mut disk = tokio::fs::File::create(&path)
        .await
        .with_context(|| format!("cannot write {}", path.display()))?;
    let (mut body, mut md5, mut size) = (out.body, Md5::new(), 0u64);
    let copied = async {
        while let Some(chunk) = body
            .try_next()
            .await
            .with_context(|| format!("reading {name}"))?
        {
            md5.update(&chunk);
            size += chunk.len() as u64;
            disk.write_all(&chunk).await?;
        }
        disk.flush().await?;
        anyhow::Ok(())
    };
    if let Err(e) = copied.await {
        let _ = std::fs::remove_file(&path);
        return Err(e);
    }
    if size != file.size {
        let _ = std::fs::remove_file(&path);
        bail!("inventory data file {name} is {size} bytes where its manifest says {}; the report is damaged: use another day's report, nothing of this file was shipped", file.size);
    }
    let read: String = md5.finalize().iter().map(|b| format!("{b:02x}")).collect();
    if !read.eq_ignore_ascii_case(&file.md5) {
        let _ = std::fs::remove_file(&path);
        bail!("inventory data file {name} fails its MD5 (the manifest says {}, the file is {read}); the report is damaged: use another day's report, nothing of this file was shipped", file.md5);
    }
    Ok(path)
}

/// Where the fields logferry reads are in a row.
struct Columns {
    width: usize,
    bucket: usize,
    key: usize,
    size: Option<usize>,
    etag: Option<usize>,
    last_modified: Option<usize>,
    is_latest: Option<usize>,
    is_delete_marker: Option<usize>,
}

impl Columns {
    fn of(schema: &[String], window: Window) -> Result<Columns> {
        let at = |name: &str| schema.iter().position(|f| f == name);
        let columns = Columns {
            width: schema.len(),
            bucket: at("Bucket").context("no Bucket field")?,
            key: at("Key").context("no Key field")?,
            size: at("Size"),
            etag: at("ETag"),
            last_modified: at("LastModifiedDate"),
            is_latest: at("IsLatest"),
            is_delete_marker: at("IsDeleteMarker"),
        };
        if (window.since.is_some() || window.until.is_some()) && columns.last_modified.is_none() {
            bail!("--since/--until need the report's LastModifiedDate field; add Last modified to the inventory's fields, or leave them out");
        }
        Ok(columns)
    }
}

fn parse(
    path: &PathBuf,
    columns: &Columns,
    window: Window,
    name: &str,
    rows: &mpsc::Sender<Result<Row>>,
) -> Result<()> {
    let gz = flate2::read::GzDecoder::new(BufReader::new(std::fs::File::open(path)?));
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(gz);
    for (number, record) in (1..).zip(csv.records()) {
        let record = record.map_err(|e| anyhow!("{name}, row {number}: {e}; the data file is not the gzip CSV its manifest describes"))?;
        if record.len() != columns.width {
            bail!("{name}, row {number}: {} fields where fileSchema names {}; the data file does not match its manifest", record.len(), columns.width);
        }
        let flag = |at: Option<usize>| at.map(|i| &record[i]);
        if flag(columns.is_delete_marker) == Some("true")
            || flag(columns.is_latest) == Some("false")
        {
            continue;
        }
        let mut last_modified = None;
        if let Some(i) = columns.last_modified {
            let modified = DateTime::parse_from_rfc3339(&record[i]).map_err(|_| {
                anyhow!(
                    "{name}, row {number}: LastModifiedDate `{}` is not a time",
                    &record[i]
                )
            })?;
            let modified = modified.with_timezone(&Utc);
            if window.since.is_some_and(|s| modified < s)
                || window.until.is_some_and(|u| modified >= u)
            {
                continue;
            }
            last_modified = Some(modified);
        }
        let size = match columns.size.map(|i| &record[i]) {
            None | Some("") => None,
            Some(text) => Some(text.parse::<i64>().map_err(|_| {
                anyhow!("{name}, row {number}: Size `{text}` is not a number of bytes")
            })?),
        };
        let key =
            decode_key(&record[columns.key]).map_err(|e| anyhow!("{name}, row {number}: {e}"))?;
        let row = Row {
            bucket: record[columns.bucket].to_string(),
            key,
            number,
            size,
            etag: flag(columns.etag)
                .filter(|e| !e.is_empty())
                .map(|e| e.trim_matches('"').to_string()),
            last_modified,
        };
        if rows.blocking_send(Ok(row)).is_err() {
            return Ok(()); // the run stopped wanting more
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_days_or_rfc3339() {
        assert_eq!(
            parse_time("2026-11-30").unwrap().to_rfc3339(),
            "2026-11-30T00:00:00+00:00"
        );
        assert!(parse_time("2026-11-30T12:00:00Z").is_ok());
        assert!(parse_time("yesterday").unwrap_err().contains("RFC 3339"));
    }
}
