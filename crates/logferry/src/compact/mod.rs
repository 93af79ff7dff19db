//! Compaction, a stage of its own beside the copy path: one day's archived
//! logs of one partition (account, region, bucket, day) → one gzip object
//! under the query prefix, in the same partition layout, with a manifest
//! Athena ignores (`_manifest-…json`). The byte-exact originals stay where
//! they are.
//!
//! partition → sources (listed in key order) → read each, checked against
//! the full-object checksum S3 stored when logferry shipped it → its text
//! as Athena reads it ([`text`]: `.gz` decompressed, a last line ended) → gzip
//! (fixed header: no name, no time) → multipart upload → manifest → older
//! outputs of the partition removed, so no line is in two query objects.
//!
//! The output's name is a digest of the sources' keys and ETags, so the same
//! sources give the same key and the same bytes: a re-run, or two runs at
//! once, overwrite with identical content. Memory stays at about one part.

use chrono::NaiveDate;
use futures::StreamExt;
use sha2::{Digest as _, Sha256};

mod gzip;
mod io;
mod report;
mod settings;
mod text;

#[cfg(test)]
mod tests;

pub use gzip::Stream;
pub use report::{CompactError, Compacted, Compaction, Partition, Source};
pub use settings::{CompactConfig, CompactSettings, Schedule};

use gzip::Gzip;
use text::Text;

use crate::archive::KeyTemplate;
use crate::deadline::Deadline;
use crate::error::{ShipError, Side};
use crate::s3::checksum::{Algorithm, Checksum};
use crate::s3::classify::Attempt;
use crate::s3::upload::{Target, Upload};
use crate::s3::MIB;

/// Parts of the compacted output: what S3 needs (5 MiB and more) with
/// room for one part being read while one is sent.
pub const OUTPUT_PART_SIZE: u64 = 8 * MIB;

/// Where compacted copies go in the archive bucket unless told otherwise:
/// `infra/layout/query-prefix.txt`, which Terraform reads too.
pub const DEFAULT_QUERY_PREFIX: &str = include_str!("../../../../infra/layout/query-prefix.txt");

/// Compacts partitions of one archive bucket; reads `archive_prefix` and
/// writes `query_prefix` only.
#[derive(Debug, Clone)]
pub struct Compactor {
    s3: aws_sdk_s3::Client,
    bucket: String,
    archive: KeyTemplate,
    query: KeyTemplate,
    part_size: u64,
    deadline: Deadline,
}

impl Compactor {
    /// The compactor of the archive `config` describes: its bucket, the
    /// archive's key layout, and the same layout under the query prefix.
    pub fn new(s3: aws_sdk_s3::Client, config: &CompactConfig) -> Self {
        Compactor {
            s3,
            bucket: config.archive_bucket.clone(),
            archive: config.archive.clone(),
            query: config.query.clone(),
            part_size: OUTPUT_PART_SIZE,
            deadline: Deadline::none(),
        }
    }

    /// The same compactor writing parts of `part_size` bytes (at least
    /// S3's 5 MiB; the tests use it to see several).
    pub fn with_part_size(self, part_size: u64) -> Self {
        Compactor {
            part_size: part_size.max(crate::s3::MIN_PART_SIZE),
            ..self
        }
    }

    /// This compactor, stopping at `deadline`: an output cut off by it is
    /// aborted and the compaction fails as [`ShipError::Deadline`]; its
    /// sources stay, so the next run does it again.
    pub fn until(&self, deadline: Deadline) -> Compactor {
        Compactor {
            deadline,
            ..self.clone()
        }
    }

    /// When this compactor stops.
    pub fn deadline(&self) -> &Deadline {
        &self.deadline
    }

    /// Compact `partition`, unless its current output was made from exactly
    /// the sources there are now.
    pub async fn compact(&self, partition: &Partition) -> Result<Compaction, CompactError> {
        let from = self.day_prefix(&self.archive, partition)?;
        let into = self.day_prefix(&self.query, partition)?;
        let listed = io::list(&self.s3, &self.bucket, &from, self.attempt(&from)).await?;
        if listed.is_empty() {
            return Err(CompactError::Empty {
                bucket: self.bucket.clone(),
                prefix: from,
            });
        }
        let name = output_name(&listed);
        let output_key = format!("{into}part-{name}.gz");
        let manifest_key = format!("{into}_manifest-{name}.json");
        let present = io::list(&self.s3, &self.bucket, &into, self.attempt(&into)).await?;
        let has = |key: &str| present.iter().any(|o| o.key == key);
        if has(&output_key) && has(&manifest_key) {
            return Ok(Compaction::Unchanged(output_key));
        }
        let (sources, stream) = self.upload(&output_key, listed).await?;
        let mut compacted = Compacted {
            partition: partition.clone(),
            output_key,
            manifest_key,
            sources,
            uncompressed_bytes: stream.uncompressed_bytes,
            uncompressed_crc32c: Checksum::crc32c(stream.uncompressed_crc32c).value,
            compressed_bytes: stream.compressed_bytes,
            removed: Vec::new(),
        };
        io::put_manifest(
            &self.s3,
            &self.bucket,
            &compacted,
            self.attempt(&compacted.manifest_key),
        )
        .await?;
        compacted.removed =
            io::remove_others(&self.s3, &self.bucket, present, &name, self.attempt(&into)).await?;
        Ok(Compaction::Written(compacted))
    }

    /// Every partition of each of `days` that has archived objects, day by
    /// day. The accounts, regions and buckets are listed once for all days.
    /// Needs the default layout, where they are whole key segments.
    pub async fn partitions(&self, days: &[NaiveDate]) -> Result<Vec<Partition>, CompactError> {
        if !self.archive.is_default_layout() {
            return Err(CompactError::CustomLayout);
        }
        let children = |prefix: String| async move {
            io::children(&self.s3, &self.bucket, &prefix, self.attempt(&prefix)).await
        };
        let root = format!("{}/", self.archive.prefix());
        let mut audited = Vec::new();
        for account in children(root.clone()).await? {
            for region in children(format!("{root}{account}/")).await? {
                for bucket in children(format!("{root}{account}/{region}/")).await? {
                    audited.push((account.clone(), region.clone(), bucket));
                }
            }
        }
        let mut found = Vec::new();
        for &day in days {
            for (account, region, bucket) in &audited {
                let partition = Partition {
                    account: account.clone(),
                    region: region.clone(),
                    bucket: bucket.clone(),
                    day,
                };
                let prefix = self.day_prefix(&self.archive, &partition)?;
                if io::any(&self.s3, &self.bucket, &prefix, self.attempt(&prefix)).await? {
                    found.push(partition);
                }
            }
        }
        Ok(found)
    }

    /// The gzip output, written in parts and completed with its CRC32C, or
    /// aborted.
    async fn upload(
        &self,
        key: &str,
        listed: Vec<io::Listed>,
    ) -> Result<(Vec<Source>, Stream), ShipError> {
        // A derived copy: a run racing this one, or one rebuilding a deleted
        // output, writes the same name with the same lines, so it may
        // replace (the archive's Object Lock keeps every version anyway).
        let target = Target::new(&self.bucket, key)
            .with_content_type("application/gzip")
            .replacing();
        let upload = Upload::create(&self.s3, target, Algorithm::Crc32C, self.attempt(key)).await?;
        let written = self.write(&upload, listed);
        let done = match self
            .deadline
            .run(&self.bucket, key, "compact", written)
            .await
        {
            Ok((sources, stream, parts)) => {
                let expected = Checksum::crc32c(stream.compressed_crc32c);
                let completed = upload.complete(parts, &expected, self.attempt(key)).await;
                completed.map(|_| (sources, stream))
            }
            Err(e) => Err(e),
        };
        upload.finish(done).await
    }

    /// Read every source in key order (a few fetched ahead), check it, and
    /// stream it through gzip into the upload's parts.
    async fn write(
        &self,
        upload: &Upload<'_>,
        listed: Vec<io::Listed>,
    ) -> Result<(Vec<Source>, Stream, Vec<aws_sdk_s3::types::CompletedPart>), ShipError> {
        let mut gzip = Gzip::new(self.part_size);
        let mut parts = Vec::new();
        let mut sources = Vec::with_capacity(listed.len());
        let mut fetched = futures::stream::iter(listed)
            .map(|object| async move {
                let attempt = self.attempt(&object.key);
                let reader = io::fetch(&self.s3, &self.bucket, &object, attempt);
                (reader.await, object)
            })
            .buffered(io::READ_AHEAD);
        while let Some((reader, object)) = fetched.next().await {
            let offset = gzip.uncompressed;
            let mut reader = reader?;
            let mut text = Text::for_key(&object.key);
            let unreadable = |e: std::io::Error| self.unreadable(&object.key, &e);
            while let Some(chunk) = reader.next_chunk().await? {
                gzip.write(&text.feed(&chunk).map_err(unreadable)?);
                if let Some(part) = gzip.full_part() {
                    let number = parts.len() as i32 + 1;
                    parts.push(
                        upload
                            .part(number, part.into(), self.attempt(&object.key))
                            .await?,
                    );
                }
            }
            let checksum = reader.verify()?;
            let (rest, shape) = text.finish().map_err(unreadable)?;
            gzip.write(&rest);
            sources.push(Source {
                key: object.key,
                etag: object.etag,
                version_id: object.version_id,
                size: object.size,
                checksum: checksum.to_string(),
                offset,
                gunzipped: shape.gunzipped,
                line_end_added: shape.line_end_added,
            });
        }
        let (last, stream) = gzip.finish();
        let number = parts.len() as i32 + 1;
        parts.push(upload.part(number, last.into(), self.attempt("")).await?);
        Ok((sources, stream, parts))
    }

    /// A `.gz` source that does not decompress: compacting it would put
    /// bytes in the output that Athena never reads from the archive.
    fn unreadable(&self, key: &str, e: &std::io::Error) -> ShipError {
        ShipError::Invalid(format!(
            "s3://{}/{key} ends in .gz but does not decompress ({e}); Athena cannot read it either: remove or rename it, then compact again",
            self.bucket
        ))
    }

    /// The keys of `partition`'s day under `template`, up to `{key}`.
    fn day_prefix(
        &self,
        template: &KeyTemplate,
        partition: &Partition,
    ) -> Result<String, CompactError> {
        template
            .day_prefix(
                &partition.account,
                &partition.region,
                &partition.bucket,
                partition.day,
            )
            .map_err(CompactError::Layout)
    }

    fn attempt<'a>(&'a self, key: &'a str) -> Attempt<'a> {
        Attempt {
            side: Side::Archive,
            operation: "compact",
            bucket: &self.bucket,
            key,
            auth: None,
            archive_prefix: self.query.prefix(),
        }
    }
}

/// A digest of the sources' keys and ETags: the same set, the same name.
fn output_name(listed: &[io::Listed]) -> String {
    let mut digest = Sha256::new();
    for object in listed {
        digest.update(object.key.as_bytes());
        digest.update([0]);
        digest.update(object.etag.as_bytes());
        digest.update([b'\n']);
    }
    digest
        .finalize()
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect()
}
