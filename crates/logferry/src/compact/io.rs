//! The S3 side of compaction: list a partition's sources, read one while
//! checking it against its stored checksum, write the manifest, and remove
//! the outputs a new one replaces.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ChecksumMode, ObjectCannedAcl};
use bytes::Bytes;
use crc_fast::Digest;

use super::report::Compacted;
use crate::error::{ShipError, Side};
use crate::s3::checksum::{Checksum, ChecksumFields};
use crate::s3::classify::Attempt;

/// One archived object of a partition, as listed.
#[derive(Debug, Clone)]
pub struct Listed {
    pub key: String,
    pub etag: String,
    pub version_id: Option<String>,
    pub size: u64,
}

/// Every object under `prefix`, in key order (as S3 lists them).
pub(crate) async fn list(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    prefix: &str,
    attempt: Attempt<'_>,
) -> Result<Vec<Listed>, ShipError> {
    let (mut listed, _) = walk(s3, bucket, prefix, None, attempt).await?;
    listed.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(listed)
}

/// The next key segments below `prefix` (its "folders").
pub(crate) async fn children(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    prefix: &str,
    attempt: Attempt<'_>,
) -> Result<Vec<String>, ShipError> {
    let (_, folders) = walk(s3, bucket, prefix, Some("/"), attempt).await?;
    Ok(folders
        .iter()
        .filter_map(|p| Some(p.strip_prefix(prefix)?.trim_end_matches('/').to_string()))
        .collect())
}

/// All pages of a listing: the objects, and the common prefixes when
/// `delimiter` groups keys.
async fn walk(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    prefix: &str,
    delimiter: Option<&str>,
    attempt: Attempt<'_>,
) -> Result<(Vec<Listed>, Vec<String>), ShipError> {
    let attempt = Attempt {
        operation: "ListObjectsV2",
        ..attempt
    };
    let mut pages = s3
        .list_objects_v2()
        .bucket(bucket)
        .prefix(prefix)
        .set_delimiter(delimiter.map(str::to_string))
        .into_paginator()
        .send();
    let (mut listed, mut folders) = (Vec::new(), Vec::new());
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| attempt.classify(e))?;
        listed.extend(page.contents().iter().filter_map(|o| {
            Some(Listed {
                key: o.key()?.to_string(),
                etag: o.e_tag()?.to_string(),
                version_id: None,
                size: o.size().unwrap_or(0) as u64,
            })
        }));
        folders.extend(
            page.common_prefixes()
                .iter()
                .filter_map(|p| p.prefix().map(str::to_string)),
        );
    }
    Ok((listed, folders))
}

/// Whether anything is stored under `prefix`.
pub(crate) async fn any(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    prefix: &str,
    attempt: Attempt<'_>,
) -> Result<bool, ShipError> {
    let attempt = Attempt {
        operation: "ListObjectsV2",
        ..attempt
    };
    let out = s3
        .list_objects_v2()
        .bucket(bucket)
        .prefix(prefix)
        .max_keys(1)
        .send()
        .await
        .map_err(|e| attempt.classify(e))?;
    Ok(!out.contents().is_empty())
}

/// How many sources are fetched ahead of the one being compressed. A
/// partition is thousands of objects of a few KiB; one GET at a time would
/// spend the run waiting on S3's first byte.
pub(crate) const READ_AHEAD: usize = 8;

/// Sources up to this size are read whole while fetched ahead; larger ones
/// are opened ahead and streamed in their turn. Read-ahead holds at most
/// `READ_AHEAD` × this many bytes.
pub(crate) const READ_WHOLE: u64 = 1024 * 1024;

/// A source being read, with the digest of its stored checksum's algorithm.
pub(crate) struct Reader {
    body: ByteStream,
    /// The body, when it was read whole ahead of its turn (already digested).
    ahead: Option<std::collections::VecDeque<Bytes>>,
    stored: Checksum,
    digest: Digest,
    key: String,
    bucket: String,
}

/// Open `object` (this exact version, by ETag) with its stored full-object
/// checksum; a source without one cannot be proven and is refused.
pub(crate) async fn open(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    object: &Listed,
    attempt: Attempt<'_>,
) -> Result<Reader, ShipError> {
    let attempt = Attempt {
        operation: "GetObject",
        ..attempt
    };
    let out = s3
        .get_object()
        .bucket(bucket)
        .key(&object.key)
        .if_match(&object.etag)
        .checksum_mode(ChecksumMode::Enabled)
        .send()
        .await
        .map_err(|e| attempt.classify(e))?;
    let fields = ChecksumFields {
        crc32: out.checksum_crc32(),
        crc32c: out.checksum_crc32_c(),
        crc64nvme: out.checksum_crc64_nvme(),
    };
    let stored = Checksum::stored(out.checksum_type(), fields).ok_or_else(|| {
        ShipError::Invalid(format!(
            "s3://{bucket}/{} has no full-object checksum to prove its bytes by; it was not written by logferry, so the partition is not compacted",
            object.key
        ))
    })?;
    let digest = stored.algorithm.digest();
    Ok(Reader {
        body: out.body,
        ahead: None,
        stored,
        digest,
        key: object.key.clone(),
        bucket: bucket.to_string(),
    })
}

/// [`open`] `object`, and read it whole if it is small: what the
/// read-ahead does for each source.
pub(crate) async fn fetch(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    object: &Listed,
    attempt: Attempt<'_>,
) -> Result<Reader, ShipError> {
    let mut reader = open(s3, bucket, object, attempt).await?;
    if object.size <= READ_WHOLE {
        let mut chunks = std::collections::VecDeque::new();
        while let Some(chunk) = reader.next_chunk().await? {
            chunks.push_back(chunk);
        }
        reader.ahead = Some(chunks);
    }
    Ok(reader)
}

impl Reader {
    pub async fn next_chunk(&mut self) -> Result<Option<Bytes>, ShipError> {
        if let Some(ahead) = &mut self.ahead {
            return Ok(ahead.pop_front());
        }
        match self.body.next().await {
            Some(Ok(chunk)) => {
                self.digest.update(&chunk);
                Ok(Some(chunk))
            }
            Some(Err(e)) => {
                let message = crate::error::chain(&e);
                // With ChecksumMode::Enabled the SDK checks the body against
                // the stored checksum as it streams, before `verify` does.
                if message.contains("checksum mismatch") {
                    return Err(ShipError::VerifyMismatch {
                        bucket: self.bucket.clone(),
                        key: self.key.clone(),
                        detail: format!("{message}; the partition is not compacted"),
                    });
                }
                Err(ShipError::stream_broke(
                    Side::Archive,
                    &self.bucket,
                    &self.key,
                    &e,
                ))
            }
            None => Ok(None),
        }
    }

    /// The stored checksum, once the bytes read match it.
    pub fn verify(self) -> Result<Checksum, ShipError> {
        let read = Checksum::of_digest(self.stored.algorithm, self.digest.finalize());
        if !self.stored.matches(&read.value) {
            return Err(ShipError::VerifyMismatch {
                bucket: self.bucket,
                key: self.key,
                detail: format!(
                    "the bytes read have {read}, S3 stored {}; the partition is not compacted",
                    self.stored
                ),
            });
        }
        Ok(self.stored)
    }
}

/// The manifest beside the output; Athena skips it (its name starts with `_`).
pub(crate) async fn put_manifest(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    compacted: &Compacted,
    attempt: Attempt<'_>,
) -> Result<(), ShipError> {
    let attempt = Attempt {
        operation: "PutObject",
        ..attempt
    };
    let body = serde_json::to_vec_pretty(compacted).expect("a manifest serialises");
    s3.put_object()
        .bucket(bucket)
        .key(&compacted.manifest_key)
        .acl(ObjectCannedAcl::BucketOwnerFullControl)
        .content_type("application/json")
        .checksum_algorithm(aws_sdk_s3::types::ChecksumAlgorithm::Crc32C)
        .body(ByteStream::from(body))
        .send()
        .await
        .map_err(|e| attempt.classify(e))?;
    Ok(())
}

/// Delete the outputs and manifests among `present` (the partition's query
/// prefix, as listed before writing) that are not `name`'s: what the new
/// output replaces. Their lines are all in it.
pub(crate) async fn remove_others(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    present: Vec<Listed>,
    name: &str,
    attempt: Attempt<'_>,
) -> Result<Vec<String>, ShipError> {
    let mut removed = Vec::new();
    for object in present {
        let file = object.key.rsplit('/').next().unwrap_or_default();
        let ours = file == format!("part-{name}.gz") || file == format!("_manifest-{name}.json");
        let output = file.starts_with("part-") || file.starts_with("_manifest-");
        if output && !ours {
            let attempt = Attempt {
                operation: "DeleteObject",
                key: &object.key,
                ..attempt
            };
            s3.delete_object()
                .bucket(bucket)
                .key(&object.key)
                .send()
                .await
                .map_err(|e| attempt.classify(e))?;
            removed.push(object.key);
        }
    }
    Ok(removed)
}
