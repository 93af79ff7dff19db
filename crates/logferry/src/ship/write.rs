//! Writing account B: streamed uploads, and server-side part copies for
//! large objects in direct mode. Every request that creates an object
//! carries `x-amz-acl: bucket-owner-full-control` and asks S3 for a
//! full-object checksum (a streamed upload a CRC32C the shipper computes
//! while reading, a part copy the algorithm the source already stores), and
//! every request that completes one is conditional (`If-None-Match: *`): a
//! key the archive already holds is never replaced, and S3 answers 412
//! ([`ShipError::Exists`]) instead.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ChecksumAlgorithm, CompletedPart, ObjectCannedAcl};
use futures::stream::{FuturesUnordered, StreamExt};

use crate::deadline::Deadline;
use crate::error::{ShipError, Side};
use crate::s3::checksum::{Algorithm, Checksum, ChecksumFields};

mod stream;
use crate::s3::classify::Attempt;
use crate::s3::clients::Clients;
use crate::s3::upload::{completed_part, Upload};
use crate::ship::plan::{Expected, Method, ShipPlan};
use crate::ship::source;

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

/// Write by the planned method. A single request cut short by the
/// deadline leaves nothing behind in account B; multipart writes watch
/// the deadline themselves, to abort their upload.
pub(crate) async fn execute(
    clients: &Clients,
    plan: &ShipPlan,
    parts: usize,
    read: Attempt<'_>,
    deadline: &Deadline,
) -> Result<Written, ShipError> {
    let (source, archive) = (&clients.source, &clients.archive);
    let (bucket, key) = (&plan.source.bucket, &plan.source.key);
    let cut_short = "request cut short";
    match plan.method {
        Method::MultipartCopy { part_size } => {
            let expected = source_checksum(source, plan, read).await?;
            multipart_copy(archive, plan, part_size, parts, expected, read, deadline).await
        }
        Method::Put => {
            let put = put(source, archive, plan, read);
            deadline.run(bucket, key, cut_short, put).await
        }
        Method::StreamPut => {
            let put = stream::put(source, archive, plan, read);
            deadline.run(bucket, key, cut_short, put).await
        }
        Method::MultipartPut { part_size } => {
            multipart_put(source, archive, plan, part_size, parts, read, deadline).await
        }
    }
}

/// What a server-side copy is checked against, as the plan decided: the
/// checksum S3 stores for the source, or a CRC32C of one read of it.
async fn source_checksum(
    source_client: &aws_sdk_s3::Client,
    plan: &ShipPlan,
    read: Attempt<'_>,
) -> Result<Checksum, ShipError> {
    match &plan.expected {
        Expected::Stored(stored) => Ok(stored.clone()),
        Expected::ReadFirst | Expected::WhileStreaming => {
            source::crc32c_of(source_client, &plan.source, read).await
        }
    }
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

/// A `PutObject` of the planned object, every header but the body's:
/// conditional on the key being free, with the ACL, the source's metadata
/// and content headers, and a CRC32C for S3 to check.
fn new_object(
    archive: &aws_sdk_s3::Client,
    plan: &ShipPlan,
) -> aws_sdk_s3::operation::put_object::builders::PutObjectFluentBuilder {
    archive
        .put_object()
        .bucket(&plan.dest_bucket)
        .key(&plan.dest_key.0)
        .if_none_match("*")
        .acl(ObjectCannedAcl::BucketOwnerFullControl)
        .set_metadata(Some(plan.metadata.clone()))
        .set_content_type(plan.source.content_type.clone())
        .set_content_encoding(plan.source.content_encoding.clone())
        .checksum_algorithm(ChecksumAlgorithm::Crc32C)
}

/// Objects up to one part: one `PutObject` from one buffered part.
pub(crate) async fn put(
    source_client: &aws_sdk_s3::Client,
    archive: &aws_sdk_s3::Client,
    plan: &ShipPlan,
    base: Attempt<'_>,
) -> Result<Written, ShipError> {
    let mut reader = source::open(source_client, &plan.source, base).await?;
    let body = reader.next_part(plan.source.size as usize + 1).await?;
    let expected = Checksum::crc32c(crate::s3::checksum::crc32c(&body));
    let out = new_object(archive, plan)
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

/// Direct mode, above the single-copy limit: `UploadPartCopy` byte ranges.
pub(crate) async fn multipart_copy(
    archive: &aws_sdk_s3::Client,
    plan: &ShipPlan,
    part_size: u64,
    part_concurrency: usize,
    expected: Checksum,
    base: Attempt<'_>,
    deadline: &Deadline,
) -> Result<Written, ShipError> {
    let attempt = archive_attempt(base, plan, "");
    let upload = Upload::create(archive, plan.target(), expected.algorithm, attempt).await?;
    let work = async {
        let parts =
            copy_parts(archive, plan, &upload.id, part_size, part_concurrency, base).await?;
        let returned = upload.complete(parts, &expected, attempt).await?;
        Ok(Written {
            returned,
            expected,
            bytes: plan.source.size,
        })
    };
    let source = &plan.source;
    let stage = "multipart upload aborted";
    let result = deadline.run(&source.bucket, &source.key, stage, work).await;
    upload.finish(result).await
}

/// `UploadPartCopy` of every byte range, at most `part_concurrency` at once;
/// the parts in order.
async fn copy_parts(
    archive: &aws_sdk_s3::Client,
    plan: &ShipPlan,
    upload_id: &str,
    part_size: u64,
    part_concurrency: usize,
    base: Attempt<'_>,
) -> Result<Vec<CompletedPart>, ShipError> {
    let attempt = archive_attempt(base, plan, "UploadPartCopy");
    let mut parts: Vec<CompletedPart> =
        futures::stream::iter(part_ranges(plan.source.size, part_size))
            .map(|(number, first, last)| async move {
                let out = archive
                    .upload_part_copy()
                    .bucket(&plan.dest_bucket)
                    .key(&plan.dest_key.0)
                    .upload_id(upload_id)
                    .part_number(number)
                    .copy_source(&plan.copy_source)
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
                let etag = result.and_then(|r| r.e_tag());
                Ok::<_, ShipError>(completed_part(
                    number,
                    etag,
                    part_checksum.unwrap_or_default(),
                ))
            })
            .buffer_unordered(part_concurrency)
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect::<Result<_, _>>()?;
    parts.sort_by_key(|p| p.part_number());
    Ok(parts)
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
    deadline: &Deadline,
) -> Result<Written, ShipError> {
    let attempt = archive_attempt(base, plan, "");
    let upload = Upload::create(archive, plan.target(), Algorithm::Crc32C, attempt).await?;
    let work = async {
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
            whole_crc = crate::s3::checksum::crc32c_append(whole_crc, &body);
            while in_flight.len() >= part_concurrency {
                if let Some(part) = in_flight.next().await {
                    parts.push(part?);
                }
            }
            let last = (body.len() as u64) < part_size;
            in_flight.push(upload.part(number, body, attempt));
            if last {
                break;
            }
        }
        while let Some(part) = in_flight.next().await {
            parts.push(part?);
        }
        parts.sort_by_key(|p: &CompletedPart| p.part_number());
        let expected = Checksum::crc32c(whole_crc);
        let returned = upload.complete(parts, &expected, attempt).await?;
        let bytes = reader.read;
        Ok(Written {
            returned,
            expected,
            bytes,
        })
    };
    let source = &plan.source;
    let stage = "multipart upload aborted";
    let result = deadline.run(&source.bucket, &source.key, stage, work).await;
    upload.finish(result).await
}

/// The multipart paths against S3's failures, through the whole shipper.
#[cfg(test)]
mod tests;
