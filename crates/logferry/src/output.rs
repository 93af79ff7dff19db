//! A job's own outputs into the archive: what a Glue or Python job made
//! (the Python package's `Writer`), not an object of account A, so a stage
//! of its own beside the copy path. Each output lands like a shipped copy:
//!
//! - under the key layout, with the writer's name in `{bucket}`, account
//!   A's id and region, the day it was written, and its own name as `{key}`,
//!   so Athena's partitions find it beside the shipped logs;
//! - with `bucket-owner-full-control`, and only if the key is free
//!   (`If-None-Match: *`): the archive never replaces an object;
//! - verified: a CRC32C computed while it streams is sent with it, S3
//!   rejects a body that does not match, and the checksum S3 stored is
//!   compared with it.
//!
//! Memory stays flat whatever the size. An output up to one part is one
//! buffered `PutObject`. A larger one is, in assume-role mode, a multipart
//! upload read one part at a time (aborted on any failure); in direct mode
//! one `PutObject` streamed a chunk at a time with a trailing checksum,
//! because `UploadPart` carries no ACL and B's bucket policy refuses writes
//! from account A without it (README, "Large objects and the ACL
//! condition"), up to S3's 5 GiB for one request.

use aws_sdk_s3::operation::put_object::builders::PutObjectFluentBuilder;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ChecksumAlgorithm, ObjectCannedAcl};
use bytes::{Bytes, BytesMut};
use chrono::{DateTime, Utc};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::mpsc;

use crate::archive::origin::LogOrigin;
use crate::error::{ShipError, Side};
use crate::s3::body::{Chunks, CHUNK, CHUNKS_IN_FLIGHT};
use crate::s3::checksum::{crc32c, crc32c_append, Algorithm, Checksum};
use crate::s3::classify::Attempt;
use crate::s3::upload::{Target, Upload};
use crate::{AuthMode, DestinationKey, Shipper};

/// Writes a job's outputs into the archive as `name` (the `{bucket}` of
/// their keys), with a shipper's settings and clients.
#[derive(Debug, Clone)]
pub struct Outputs {
    shipper: Shipper,
    writer: String,
}

/// One output, verified in the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub bucket: String,
    pub key: String,
    pub size: u64,
    /// The full-object CRC32C S3 stored, base64 as S3 gives it.
    pub crc32c: String,
}

impl Outputs {
    /// Outputs named `writer` in their keys (a job's name, say): it must be
    /// one segment a bucket name could be, as `{bucket}` always is.
    pub fn new(shipper: Shipper, writer: &str) -> Result<Self, ShipError> {
        if !crate::archive::names::is_bucket_name(writer) {
            return Err(ShipError::Invalid(format!(
                "writer name `{writer}` is not usable as the {{bucket}} of archive keys; use 3-63 lowercase letters, digits, `-` and `.`, such as the job's name"
            )));
        }
        Ok(Outputs {
            shipper,
            writer: writer.to_string(),
        })
    }

    /// The archive key of the output `name` written at `at`.
    pub fn key(&self, name: &str, at: DateTime<Utc>) -> Result<DestinationKey, ShipError> {
        let origin = LogOrigin {
            account: self.shipper.source_account(),
            region: self.shipper.region(),
            bucket: &self.writer,
            time: at,
            name,
        };
        self.shipper
            .config()
            .key_template
            .render(&origin)
            .map_err(|e| ShipError::Invalid(format!("output `{name}`: {e}")))
    }

    /// Write `body`, of exactly `size` bytes, as the output `name`, verified.
    pub async fn write(
        &self,
        name: &str,
        mut body: impl AsyncRead + Unpin + Send + 'static,
        size: u64,
    ) -> Result<Written, ShipError> {
        let key = self.key(name, Utc::now())?;
        let config = self.shipper.config();
        let attempt = Attempt {
            side: Side::Archive,
            operation: "PutObject",
            bucket: &config.dest_bucket,
            key: &key.0,
            auth: Some(&config.auth),
            archive_prefix: config.key_template.prefix(),
        };
        let (expected, returned) = if size <= config.part_size {
            let whole = read_part(&mut body, size as usize + 1, name).await?;
            if whole.len() as u64 != size {
                return Err(changed(name, size, whole.len() as u64));
            }
            let expected = Checksum::crc32c(crc32c(&whole));
            (expected, self.put(&key.0, whole, attempt).await?)
        } else if matches!(config.auth, AuthMode::Direct) {
            self.put_streamed(&key.0, body, size, attempt, name).await?
        } else {
            self.multipart(&key.0, body, size, attempt, name).await?
        };
        match returned {
            Some(stored) if expected.matches(&stored) => Ok(Written {
                bucket: config.dest_bucket.clone(),
                key: key.0,
                size,
                crc32c: stored,
            }),
            stored => Err(ShipError::VerifyMismatch {
                bucket: config.dest_bucket.clone(),
                key: key.0,
                detail: format!("S3 stored CRC32C {stored:?}, the writer sent {expected}"),
            }),
        }
    }

    /// A `PutObject` into the archive, every header but the body's.
    fn new_object(&self, key: &str) -> PutObjectFluentBuilder {
        self.shipper
            .clients()
            .archive
            .put_object()
            .bucket(&self.shipper.config().dest_bucket)
            .key(key)
            .if_none_match("*")
            .acl(ObjectCannedAcl::BucketOwnerFullControl)
            .checksum_algorithm(ChecksumAlgorithm::Crc32C)
    }

    async fn put(
        &self,
        key: &str,
        body: Bytes,
        attempt: Attempt<'_>,
    ) -> Result<Option<String>, ShipError> {
        let out = self
            .new_object(key)
            .content_length(body.len() as i64)
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(|e| attempt.classify(e))?;
        Ok(out.checksum_crc32_c().map(str::to_string))
    }

    /// One part at a time, each checked, completed against the whole's CRC32C.
    async fn multipart(
        &self,
        key: &str,
        mut body: impl AsyncRead + Unpin,
        size: u64,
        attempt: Attempt<'_>,
        name: &str,
    ) -> Result<(Checksum, Option<String>), ShipError> {
        let archive = &self.shipper.clients().archive;
        let part_size = self.shipper.config().part_size as usize;
        let target = Target::new(attempt.bucket, key);
        let upload = Upload::create(archive, target, Algorithm::Crc32C, attempt).await?;
        let parts = async {
            let (mut parts, mut crc, mut read) = (Vec::new(), 0u32, 0u64);
            loop {
                let part = read_part(&mut body, part_size, name).await?;
                if part.is_empty() {
                    break;
                }
                crc = crc32c_append(crc, &part);
                read += part.len() as u64;
                let number = parts.len() as i32 + 1;
                parts.push(upload.part(number, part, attempt).await?);
            }
            if read != size {
                return Err(changed(name, size, read));
            }
            let expected = Checksum::crc32c(crc);
            let returned = upload.complete(parts, &expected, attempt).await?;
            Ok((expected, returned))
        }
        .await;
        upload.finish(parts).await
    }
}

impl Outputs {
    /// One `PutObject` of `size` bytes streamed from `body` a chunk at a
    /// time, its CRC32C sent as a trailer and kept to compare.
    async fn put_streamed(
        &self,
        key: &str,
        mut body: impl AsyncRead + Unpin + Send + 'static,
        size: u64,
        attempt: Attempt<'_>,
        name: &str,
    ) -> Result<(Checksum, Option<String>), ShipError> {
        let (chunks, receiver) = mpsc::channel(CHUNKS_IN_FLIGHT);
        let owned = name.to_string();
        let reading = tokio::spawn(async move {
            let (mut crc, mut read) = (0u32, 0u64);
            loop {
                let chunk = match read_part(&mut body, CHUNK, &owned).await {
                    Ok(chunk) => chunk,
                    Err(e) => {
                        let _ = chunks
                            .send(Err(std::io::Error::other("the output could not be read")))
                            .await;
                        return Err(e);
                    }
                };
                if chunk.is_empty() {
                    return Ok((crc, read));
                }
                crc = crc32c_append(crc, &chunk);
                read += chunk.len() as u64;
                if chunks.send(Ok(chunk)).await.is_err() {
                    return Ok((crc, read)); // the request ended first; its error says why
                }
            }
        });
        let sent = self
            .new_object(key)
            .content_length(size as i64)
            .body(ByteStream::from_body_1_x(Chunks::new(receiver, size)))
            .send()
            .await;
        let read = reading.await.unwrap_or_else(|e| {
            Err(ShipError::Invalid(format!(
                "reading output `{name}` stopped: {e}"
            )))
        });
        match (sent, read) {
            (_, Err(e)) => Err(e),
            (_, Ok((_, read))) if read != size => Err(changed(name, size, read)),
            (Err(e), Ok(_)) => Err(attempt.classify(e)),
            (Ok(out), Ok((crc, _))) => Ok((
                Checksum::crc32c(crc),
                out.checksum_crc32_c().map(str::to_string),
            )),
        }
    }
}

/// The output was not the size it was said to be (a file written to while it was read).
fn changed(name: &str, said: u64, read: u64) -> ShipError {
    ShipError::Invalid(format!(
        "output `{name}` was said to be {said} bytes but {read} were read (was it written to meanwhile?); write it again once it is complete"
    ))
}

/// Up to `size` bytes of `body`: fewer only at its end.
async fn read_part(
    body: &mut (impl AsyncRead + Unpin),
    size: usize,
    name: &str,
) -> Result<Bytes, ShipError> {
    let mut part = BytesMut::with_capacity(size);
    while part.len() < size {
        let mut chunk = (&mut *body).take((size - part.len()) as u64);
        let read = chunk
            .read_buf(&mut part)
            .await
            .map_err(|e| ShipError::Invalid(format!("reading output `{name}` failed: {e}")))?;
        if read == 0 {
            break;
        }
    }
    Ok(part.freeze())
}
