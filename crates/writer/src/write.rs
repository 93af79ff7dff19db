//! Writing account B: server-side copies (direct mode) and streamed uploads
//! (assume-role mode). Every request that creates an object carries
//! `x-amz-acl: bucket-owner-full-control` and asks S3 for a full-object
//! checksum: a streamed upload a CRC32C the shipper computes while reading, a
//! server-side copy the algorithm the source already stores.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    ChecksumAlgorithm, ChecksumType, CompletedMultipartUpload, CompletedPart, MetadataDirective,
    ObjectCannedAcl,
};
use bytes::Bytes;
use futures::stream::{FuturesUnordered, StreamExt};

use crate::checksum::{Algorithm, Checksum, ChecksumFields};
use crate::classify::Attempt;
use crate::error::{ShipError, Side};
use crate::plan::{copy_source, ShipPlan};
use crate::source;

/// What S3 said it stored, and what we know the bytes should be.
#[derive(Debug, Clone)]
pub struct Written {
    /// The source's checksum: computed by the shipper, or stored by S3 in account A.
    pub expected: Checksum,
    /// The same algorithm's checksum of the new object, as account B's S3 reported it.
    pub returned: Option<String>,
    /// Bytes the shipper read from the source (streamed modes) or the source size (copies).
    pub bytes: u64,
}

/// The attempt context for calls against account B.
pub(crate) fn archive_attempt<'a>(
    base: Attempt<'a>,
    plan: &'a ShipPlan,
    operation: &'static str,
) -> Attempt<'a> {
    Attempt {
        side: Side::Archive,
        operation,
        bucket: &plan.dest_bucket,
        key: &plan.dest_key.0,
        ..base
    }
}

/// Direct mode, one request: S3 copies the bytes inside its own network.
pub(crate) async fn copy(
    archive: &aws_sdk_s3::Client,
    plan: &ShipPlan,
    expected: Checksum,
    base: Attempt<'_>,
) -> Result<Written, ShipError> {
    let out = archive
        .copy_object()
        .bucket(&plan.dest_bucket)
        .key(&plan.dest_key.0)
        .copy_source(copy_source(&plan.source))
        .copy_source_if_match(&plan.source.etag)
        .acl(ObjectCannedAcl::BucketOwnerFullControl)
        .metadata_directive(MetadataDirective::Replace)
        .set_metadata(Some(plan.metadata.clone()))
        .set_content_type(plan.source.content_type.clone())
        .set_content_encoding(plan.source.content_encoding.clone())
        .checksum_algorithm(expected.algorithm.sdk())
        .send()
        .await
        .map_err(|e| archive_attempt(base, plan, "CopyObject").classify(e))?;
    let returned = out.copy_object_result().and_then(|r| {
        expected.algorithm.pick(ChecksumFields {
            crc32: r.checksum_crc32(),
            crc32c: r.checksum_crc32_c(),
            crc64nvme: r.checksum_crc64_nvme(),
        })
    });
    Ok(Written {
        returned: returned.map(str::to_string),
        expected,
        bytes: plan.source.size,
    })
}

/// Direct mode, above the single-copy limit: `UploadPartCopy` byte ranges.
pub(crate) async fn multipart_copy(
    archive: &aws_sdk_s3::Client,
    plan: &ShipPlan,
    part_size: u64,
    part_concurrency: usize,
    expected: Checksum,
    base: Attempt<'_>,
) -> Result<Written, ShipError> {
    let upload_id = create_multipart(archive, plan, expected.algorithm, base).await?;
    let result = async {
        let ranges = part_ranges(plan.source.size, part_size);
        let attempt = archive_attempt(base, plan, "UploadPartCopy");
        let mut parts: Vec<CompletedPart> = futures::stream::iter(ranges)
            .map(|(number, first, last)| {
                let upload_id = &upload_id;
                async move {
                    let out = archive
                        .upload_part_copy()
                        .bucket(&plan.dest_bucket)
                        .key(&plan.dest_key.0)
                        .upload_id(upload_id)
                        .part_number(number)
                        .copy_source(copy_source(&plan.source))
                        .copy_source_if_match(&plan.source.etag)
                        .copy_source_range(format!("bytes={first}-{last}"))
                        .send()
                        .await
                        .map_err(|e| attempt.classify(e))?;
                    let result = out.copy_part_result();
                    let part_checksum = result.map(|r| ChecksumFields {
                        crc32: r.checksum_crc32(),
                        crc32c: r.checksum_crc32_c(),
                        crc64nvme: r.checksum_crc64_nvme(),
                    });
                    Ok::<_, ShipError>(completed_part(
                        number,
                        result.and_then(|r| r.e_tag()),
                        part_checksum.unwrap_or_default(),
                    ))
                }
            })
            .buffer_unordered(part_concurrency)
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect::<Result<_, _>>()?;
        parts.sort_by_key(|p| p.part_number());
        complete_multipart(archive, plan, &upload_id, parts, expected, base).await
    }
    .await;
    finish_or_abort(archive, plan, &upload_id, result).await
}

/// Part numbers and inclusive byte ranges covering `size` bytes.
fn part_ranges(size: u64, part_size: u64) -> Vec<(i32, u64, u64)> {
    (0..size.div_ceil(part_size))
        .map(|i| {
            let last = ((i + 1) * part_size).min(size) - 1;
            (i as i32 + 1, i * part_size, last)
        })
        .collect()
}

/// Assume-role mode, small objects: one `PutObject` from one buffered part.
pub(crate) async fn put(
    source_client: &aws_sdk_s3::Client,
    archive: &aws_sdk_s3::Client,
    plan: &ShipPlan,
    base: Attempt<'_>,
) -> Result<Written, ShipError> {
    let mut reader = source::open(source_client, &plan.source, base).await?;
    let body = reader.next_part(plan.source.size as usize + 1).await?;
    let expected = Checksum::crc32c(crc32c::crc32c(&body));
    let out = archive
        .put_object()
        .bucket(&plan.dest_bucket)
        .key(&plan.dest_key.0)
        .acl(ObjectCannedAcl::BucketOwnerFullControl)
        .set_metadata(Some(plan.metadata.clone()))
        .set_content_type(plan.source.content_type.clone())
        .set_content_encoding(plan.source.content_encoding.clone())
        .checksum_algorithm(ChecksumAlgorithm::Crc32C)
        .content_length(body.len() as i64)
        .body(ByteStream::from(body))
        .send()
        .await
        .map_err(|e| archive_attempt(base, plan, "PutObject").classify(e))?;
    Ok(Written {
        expected,
        returned: out.checksum_crc32_c().map(str::to_string),
        bytes: reader.read,
    })
}

/// Assume-role mode, large objects: parts read one at a time from the source
/// and uploaded with at most `part_concurrency` in flight, so memory stays at
/// `part_size * (part_concurrency + 1)` whatever the object's size.
pub(crate) async fn multipart_put(
    source_client: &aws_sdk_s3::Client,
    archive: &aws_sdk_s3::Client,
    plan: &ShipPlan,
    part_size: u64,
    part_concurrency: usize,
    base: Attempt<'_>,
) -> Result<Written, ShipError> {
    let upload_id = create_multipart(archive, plan, Algorithm::Crc32C, base).await?;
    let result = async {
        let mut reader = source::open(source_client, &plan.source, base).await?;
        let attempt = archive_attempt(base, plan, "UploadPart");
        let mut in_flight = FuturesUnordered::new();
        let mut parts = Vec::new();
        let mut whole_crc = 0u32;
        for number in 1.. {
            let body = reader.next_part(part_size as usize).await?;
            if body.is_empty() {
                break;
            }
            whole_crc = crc32c::crc32c_append(whole_crc, &body);
            while in_flight.len() >= part_concurrency {
                if let Some(part) = in_flight.next().await {
                    parts.push(part?);
                }
            }
            let last = (body.len() as u64) < part_size;
            in_flight.push(upload_part(
                archive, plan, &upload_id, number, body, attempt,
            ));
            if last {
                break;
            }
        }
        while let Some(part) = in_flight.next().await {
            parts.push(part?);
        }
        parts.sort_by_key(|p: &CompletedPart| p.part_number());
        let mut written = complete_multipart(
            archive,
            plan,
            &upload_id,
            parts,
            Checksum::crc32c(whole_crc),
            base,
        )
        .await?;
        written.bytes = reader.read;
        Ok(written)
    }
    .await;
    finish_or_abort(archive, plan, &upload_id, result).await
}

async fn upload_part(
    archive: &aws_sdk_s3::Client,
    plan: &ShipPlan,
    upload_id: &str,
    number: i32,
    body: Bytes,
    attempt: Attempt<'_>,
) -> Result<CompletedPart, ShipError> {
    let part = Checksum::crc32c(crc32c::crc32c(&body));
    let out = archive
        .upload_part()
        .bucket(&plan.dest_bucket)
        .key(&plan.dest_key.0)
        .upload_id(upload_id)
        .part_number(number)
        .checksum_algorithm(ChecksumAlgorithm::Crc32C)
        .content_length(body.len() as i64)
        .body(ByteStream::from(body))
        .send()
        .await
        .map_err(|e| attempt.classify(e))?;
    if !out.checksum_crc32_c().is_some_and(|c| part.matches(c)) {
        return Err(ShipError::VerifyMismatch {
            bucket: plan.dest_bucket.clone(),
            key: plan.dest_key.0.clone(),
            detail: format!(
                "part {number}: S3 stored CRC32C {:?}, the shipper read {part}",
                out.checksum_crc32_c()
            ),
        });
    }
    Ok(completed_part(number, out.e_tag(), part.fields()))
}

/// `CreateMultipartUpload` carries the ACL and metadata for the whole object.
async fn create_multipart(
    archive: &aws_sdk_s3::Client,
    plan: &ShipPlan,
    algorithm: Algorithm,
    base: Attempt<'_>,
) -> Result<String, ShipError> {
    let out = archive
        .create_multipart_upload()
        .bucket(&plan.dest_bucket)
        .key(&plan.dest_key.0)
        .acl(ObjectCannedAcl::BucketOwnerFullControl)
        .set_metadata(Some(plan.metadata.clone()))
        .set_content_type(plan.source.content_type.clone())
        .set_content_encoding(plan.source.content_encoding.clone())
        .checksum_algorithm(algorithm.sdk())
        .checksum_type(ChecksumType::FullObject)
        .send()
        .await
        .map_err(|e| archive_attempt(base, plan, "CreateMultipartUpload").classify(e))?;
    out.upload_id().map(str::to_string).ok_or_else(|| {
        ShipError::Invalid(format!(
            "CreateMultipartUpload for {} returned no upload id",
            plan.dest_key
        ))
    })
}

/// Completing with the expected full-object checksum makes S3 itself reject a mismatch.
async fn complete_multipart(
    archive: &aws_sdk_s3::Client,
    plan: &ShipPlan,
    upload_id: &str,
    parts: Vec<CompletedPart>,
    expected: Checksum,
    base: Attempt<'_>,
) -> Result<Written, ShipError> {
    let out = archive
        .complete_multipart_upload()
        .bucket(&plan.dest_bucket)
        .key(&plan.dest_key.0)
        .upload_id(upload_id)
        .multipart_upload(
            CompletedMultipartUpload::builder()
                .set_parts(Some(parts))
                .build(),
        )
        .set_checksum_crc32(expected.fields().crc32.map(str::to_string))
        .set_checksum_crc32_c(expected.fields().crc32c.map(str::to_string))
        .set_checksum_crc64_nvme(expected.fields().crc64nvme.map(str::to_string))
        .checksum_type(ChecksumType::FullObject)
        .send()
        .await
        .map_err(|e| archive_attempt(base, plan, "CompleteMultipartUpload").classify(e))?;
    let returned = expected.algorithm.pick(ChecksumFields {
        crc32: out.checksum_crc32(),
        crc32c: out.checksum_crc32_c(),
        crc64nvme: out.checksum_crc64_nvme(),
    });
    Ok(Written {
        returned: returned.map(str::to_string),
        expected,
        bytes: plan.source.size,
    })
}

/// A part for `CompleteMultipartUpload`, with whichever checksum S3 gave it.
fn completed_part(number: i32, etag: Option<&str>, checksum: ChecksumFields<'_>) -> CompletedPart {
    CompletedPart::builder()
        .part_number(number)
        .set_e_tag(etag.map(str::to_string))
        .set_checksum_crc32(checksum.crc32.map(str::to_string))
        .set_checksum_crc32_c(checksum.crc32c.map(str::to_string))
        .set_checksum_crc64_nvme(checksum.crc64nvme.map(str::to_string))
        .build()
}

/// Any failure after `CreateMultipartUpload` aborts the upload, so no
/// orphaned parts are left to bill account B.
async fn finish_or_abort(
    archive: &aws_sdk_s3::Client,
    plan: &ShipPlan,
    upload_id: &str,
    result: Result<Written, ShipError>,
) -> Result<Written, ShipError> {
    if result.is_err() {
        let abort = archive
            .abort_multipart_upload()
            .bucket(&plan.dest_bucket)
            .key(&plan.dest_key.0)
            .upload_id(upload_id)
            .send()
            .await;
        if let Err(e) = abort {
            tracing::warn!(
                upload_id,
                error = %crate::error::one_line(&e),
                "could not abort multipart upload; the bucket's abort-incomplete-multipart lifecycle rule will remove it"
            );
        }
    }
    result
}
