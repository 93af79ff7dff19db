//! One multipart upload in account B, from `CreateMultipartUpload` to
//! `CompleteMultipartUpload` or `AbortMultipartUpload`.
//!
//! Any failure after create, the invocation's deadline included, aborts the
//! upload it knows. Debris can only come from an answer that was lost: a
//! `CreateMultipartUpload` whose response is cut off may still have made an
//! upload whose id never arrives. Writers may not list the archive's uploads
//! (`s3:ListBucketMultipartUploads` is bucket-wide: it would show every
//! tenant's keys in flight), so such an upload is left to the archive's
//! abort-incomplete-multipart-upload lifecycle rule, and said so in a log
//! line. `create` makes its own attempts rather than the SDK's, so that
//! line is written whenever an attempt could have reached S3.

use super::unanswered::answered;
use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_s3::config::retry::RetryConfig;
use aws_sdk_s3::error::SdkError;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    ChecksumAlgorithm, ChecksumType, CompletedMultipartUpload, CompletedPart, ObjectCannedAcl,
};

use crate::error::{one_line, ShipError};
use crate::s3::checksum::{Algorithm, Checksum, ChecksumFields};
use crate::s3::classify::Attempt;

/// Attempts at `CreateMultipartUpload`, made by us rather than by the SDK.
const CREATE_ATTEMPTS: u32 = 3;

/// Where an upload goes, and what the whole object carries.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'a> {
    pub bucket: &'a str,
    pub key: &'a str,
    pub metadata: Option<&'a HashMap<String, String>>,
    pub content_type: Option<&'a str>,
    pub content_encoding: Option<&'a str>,
    /// Complete only if the key is free (`If-None-Match: *`): every write
    /// of an original into the archive. Only the compactor's outputs,
    /// derived copies outside the archive prefix, may replace an object.
    pub only_if_absent: bool,
}

impl<'a> Target<'a> {
    pub fn new(bucket: &'a str, key: &'a str) -> Self {
        Target {
            bucket,
            key,
            metadata: None,
            content_type: None,
            content_encoding: None,
            only_if_absent: true,
        }
    }

    /// The same target, completed whether or not the key exists.
    pub fn replacing(self) -> Self {
        Target {
            only_if_absent: false,
            ..self
        }
    }

    pub fn with_content_type(self, content_type: &'a str) -> Self {
        Target {
            content_type: Some(content_type),
            ..self
        }
    }
}

pub(crate) struct Upload<'a> {
    archive: &'a aws_sdk_s3::Client,
    target: Target<'a>,
    pub id: String,
}

impl<'a> Upload<'a> {
    /// `CreateMultipartUpload` with the ACL and metadata for the whole
    /// object; `attempt` describes the target for error messages.
    pub async fn create(
        archive: &'a aws_sdk_s3::Client,
        target: Target<'a>,
        algorithm: Algorithm,
        attempt: Attempt<'_>,
    ) -> Result<Upload<'a>, ShipError> {
        let attempt = Attempt {
            operation: "CreateMultipartUpload",
            ..attempt
        };
        let mut strays_possible = false;
        for tries in 1..=CREATE_ATTEMPTS {
            let err = match create_once(archive, &target, algorithm).await {
                Ok(Some(id)) => {
                    if strays_possible {
                        left_to_lifecycle(&target);
                    }
                    return Ok(Upload {
                        archive,
                        target,
                        id,
                    });
                }
                Ok(None) => ShipError::Invalid(format!(
                    "CreateMultipartUpload for {} returned no upload id",
                    target.key
                )),
                Err(e) => {
                    strays_possible |= !matches!(e, SdkError::ConstructionFailure(_));
                    attempt.classify(e)
                }
            };
            if !err.is_retryable() || tries == CREATE_ATTEMPTS {
                if strays_possible {
                    left_to_lifecycle(&target);
                }
                return Err(err);
            }
            tokio::time::sleep(Duration::from_millis(200 << tries)).await;
        }
        unreachable!("the last attempt returns")
    }

    /// One part, checked against the CRC32C S3 computed for it.
    pub async fn part(
        &self,
        number: i32,
        body: bytes::Bytes,
        attempt: Attempt<'_>,
    ) -> Result<CompletedPart, ShipError> {
        let attempt = Attempt {
            operation: "UploadPart",
            ..attempt
        };
        let part = Checksum::crc32c(crate::s3::checksum::crc32c(&body));
        let out = self
            .archive
            .upload_part()
            .bucket(self.target.bucket)
            .key(self.target.key)
            .upload_id(&self.id)
            .part_number(number)
            .checksum_algorithm(ChecksumAlgorithm::Crc32C)
            .content_length(body.len() as i64)
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(|e| attempt.classify(e))?;
        if !out.checksum_crc32_c().is_some_and(|c| part.matches(c)) {
            return Err(ShipError::VerifyMismatch {
                bucket: self.target.bucket.to_string(),
                key: self.target.key.to_string(),
                detail: format!(
                    "part {number}: S3 stored CRC32C {:?}, the writer sent {part}",
                    out.checksum_crc32_c()
                ),
            });
        }
        Ok(completed_part(number, out.e_tag(), part.fields()))
    }

    /// Complete with the expected full-object checksum, which makes S3
    /// itself reject a mismatch, and, unless the target is
    /// [`Target::replacing`], only if the key is free (`If-None-Match: *`;
    /// [`ShipError::Exists`] otherwise, and [`Upload::finish`] aborts the
    /// upload); the checksum S3 answered with.
    pub async fn complete(
        &self,
        parts: Vec<CompletedPart>,
        expected: &Checksum,
        attempt: Attempt<'_>,
    ) -> Result<Option<String>, ShipError> {
        let attempt = Attempt {
            operation: "CompleteMultipartUpload",
            ..attempt
        };
        let fields = expected.fields();
        let out = self
            .archive
            .complete_multipart_upload()
            .bucket(self.target.bucket)
            .key(self.target.key)
            .upload_id(&self.id)
            .set_if_none_match(self.target.only_if_absent.then(|| "*".to_string()))
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .set_parts(Some(parts))
                    .build(),
            )
            .set_checksum_crc32(fields.crc32.map(str::to_string))
            .set_checksum_crc32_c(fields.crc32c.map(str::to_string))
            .set_checksum_crc64_nvme(fields.crc64nvme.map(str::to_string))
            .checksum_type(ChecksumType::FullObject)
            .send()
            .await
            .map_err(|e| attempt.classify(e))?;
        let returned = expected.algorithm.pick(ChecksumFields {
            crc32: out.checksum_crc32(),
            crc32c: out.checksum_crc32_c(),
            crc64nvme: out.checksum_crc64_nvme(),
        });
        Ok(returned.map(str::to_string))
    }

    /// Abort on any failure, so no orphaned parts bill account B.
    pub async fn finish<T>(self, result: Result<T, ShipError>) -> Result<T, ShipError> {
        if result.is_err() {
            abort(self.archive, &self.target, &self.id).await;
        }
        result
    }
}

/// A part for `CompleteMultipartUpload`, with whichever checksum S3 gave it.
pub(crate) fn completed_part(
    number: i32,
    etag: Option<&str>,
    checksum: ChecksumFields<'_>,
) -> CompletedPart {
    CompletedPart::builder()
        .part_number(number)
        .set_e_tag(etag.map(str::to_string))
        .set_checksum_crc32(checksum.crc32.map(str::to_string))
        .set_checksum_crc32_c(checksum.crc32c.map(str::to_string))
        .set_checksum_crc64_nvme(checksum.crc64nvme.map(str::to_string))
        .build()
}

/// One `CreateMultipartUpload` request, without the SDK's own retries.
async fn create_once(
    archive: &aws_sdk_s3::Client,
    target: &Target<'_>,
    algorithm: Algorithm,
) -> Result<
    Option<String>,
    SdkError<aws_sdk_s3::operation::create_multipart_upload::CreateMultipartUploadError>,
> {
    let request = archive
        .create_multipart_upload()
        .bucket(target.bucket)
        .key(target.key)
        .acl(ObjectCannedAcl::BucketOwnerFullControl)
        .set_metadata(target.metadata.cloned())
        .set_content_type(target.content_type.map(str::to_string))
        .set_content_encoding(target.content_encoding.map(str::to_string))
        .checksum_algorithm(algorithm.sdk())
        .checksum_type(ChecksumType::FullObject)
        .customize()
        .config_override(
            aws_sdk_s3::config::Builder::default().retry_config(RetryConfig::disabled()),
        )
        .send();
    let out = answered(request).await?;
    Ok(out.upload_id().map(str::to_string))
}

async fn abort(archive: &aws_sdk_s3::Client, target: &Target<'_>, upload_id: &str) {
    let request = archive
        .abort_multipart_upload()
        .bucket(target.bucket)
        .key(target.key)
        .upload_id(upload_id)
        .send();
    let aborted = answered(request).await;
    if let Err(e) = aborted {
        tracing::warn!(
            upload_id,
            error = %one_line(&e),
            "could not abort multipart upload; the bucket's abort-incomplete-multipart lifecycle rule will remove it"
        );
    }
}

/// A create attempt whose answer was lost may have started an upload we
/// cannot name; writers may not list uploads, so say who removes it.
fn left_to_lifecycle(target: &Target<'_>) {
    tracing::warn!(
        bucket = target.bucket,
        key = target.key,
        "a CreateMultipartUpload answer was lost; an upload it may have started is removed by the archive's abort-incomplete-multipart-upload lifecycle rule"
    );
}
