//! S3 Inventory reports built here in the format S3 documents: a
//! `manifest.json` naming gzip CSV data files with their MD5s, each row's
//! fields quoted, keys URL-encoded the way a form encodes them (a space is
//! `+`). Used by `ship --inventory` and `reconcile --*-inventory` tests.

use std::io::Write;

use anyhow::Result;
use aws_sdk_s3::primitives::ByteStream;
use md5::{Digest, Md5};
use serde_json::json;

/// The fields of every report built here, in `fileSchema`'s order.
pub const SCHEMA: &str = "Bucket, Key, Size, LastModifiedDate, ETag, IsLatest, IsDeleteMarker";

/// A key as the CSV report writes it: URL-encoded, a space as `+`.
pub fn encode_key(key: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'*')
        .remove(b'/');
    percent_encoding::utf8_percent_encode(key, KEEP)
        .to_string()
        .replace("%20", "+")
}

/// A data file: the rows as S3 writes them, quoted and gzipped.
pub fn data_file<R: AsRef<[F]>, F: AsRef<str>>(rows: &[R]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for row in rows {
        let quoted: Vec<String> = row
            .as_ref()
            .iter()
            .map(|f| format!("\"{}\"", f.as_ref()))
            .collect();
        writeln!(gz, "{}", quoted.join(",")).expect("writing to memory");
    }
    gz.finish().expect("writing to memory")
}

pub fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Where a report lands: `s3` puts into `bucket`; it lists `source_bucket`.
pub struct Destination<'a> {
    pub s3: &'a aws_sdk_s3::Client,
    pub bucket: &'a str,
    pub source_bucket: &'a str,
}

impl Destination<'_> {
    /// Put the data files and a manifest naming them (with `md5s`, or
    /// their own); the manifest's s3:// URI.
    pub async fn report(
        &self,
        name: &str,
        files: &[Vec<u8>],
        md5s: Option<&[&str]>,
    ) -> Result<String> {
        let base = format!("inventory/{}/daily/{name}", self.source_bucket);
        let mut listed = Vec::new();
        for (i, body) in files.iter().enumerate() {
            let key = format!("{base}/files/{i}.csv.gz");
            self.put(&key, body.clone()).await?;
            let md5 = md5s.map_or_else(|| md5_hex(body), |m| m[i].to_string());
            listed.push(json!({"key": key, "size": body.len(), "MD5checksum": md5}));
        }
        let manifest = json!({
            "sourceBucket": self.source_bucket,
            "destinationBucket": format!("arn:aws:s3:::{}", self.bucket),
            "version": "2016-11-30",
            "creationTimestamp": "1764460800000",
            "fileFormat": "CSV",
            "fileSchema": SCHEMA,
            "files": listed,
        });
        let key = format!("{base}/manifest.json");
        self.put(&key, manifest.to_string().into_bytes()).await?;
        Ok(format!("s3://{}/{key}", self.bucket))
    }

    async fn put(&self, key: &str, body: Vec<u8>) -> Result<()> {
        self.s3
            .put_object()
            .bucket(self.bucket)
            .key(key)
            .body(ByteStream::from(body))
            .send()
            .await?;
        Ok(())
    }
}
