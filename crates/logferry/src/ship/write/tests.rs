use crate::ShipSettings;
use crate::{ObjectRef, ShipError, Shipper};
use aws_sdk_s3::operation::abort_multipart_upload::AbortMultipartUploadOutput;
use aws_sdk_s3::operation::complete_multipart_upload::CompleteMultipartUploadOutput;
use aws_sdk_s3::operation::create_multipart_upload::CreateMultipartUploadOutput;
use aws_sdk_s3::operation::head_object::HeadObjectOutput;
use aws_sdk_s3::operation::list_multipart_uploads::ListMultipartUploadsOutput;
use aws_sdk_s3::operation::upload_part_copy::UploadPartCopyOutput;
use aws_sdk_s3::primitives::DateTime;
use aws_sdk_s3::types::{ChecksumType, CopyPartResult};
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};

const MIB: i64 = 1024 * 1024;
const KEY: &str = "logs/111122223333/eu-west-1/acme-logs/2025/11/21/big.log";

fn part_copy_shipper(rules: &[&Rule]) -> Shipper {
    let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, rules);
    crate::ship::test_shipper(
        client,
        ShipSettings {
            dest_bucket: Some("archive-b".into()),
            dest_prefix: Some("logs".into()),
            copy_part_threshold_mib: Some(5),
            part_size_mib: Some(5),
            ..Default::default()
        },
    )
}

/// The archive's answer to the check before a large write: no such key.
fn absent() -> Rule {
    mock!(aws_sdk_s3::Client::head_object)
        .match_requests(|r| r.bucket() == Some("archive-b"))
        .then_http_response(|| {
            aws_smithy_runtime_api::client::orchestrator::HttpResponse::new(
                aws_smithy_runtime_api::http::StatusCode::try_from(404).unwrap(),
                aws_smithy_types::body::SdkBody::empty(),
            )
        })
}

fn head() -> Rule {
    mock!(aws_sdk_s3::Client::head_object)
        .match_requests(|r| r.bucket() == Some("acme-logs"))
        .then_output(|| {
            HeadObjectOutput::builder()
                .content_length(6 * MIB)
                .e_tag("\"etag\"")
                .last_modified(DateTime::from_secs(1_763_700_000))
                .checksum_crc32("DUoRhQ==")
                .checksum_type(ChecksumType::FullObject)
                .build()
        })
}

fn part_copied() -> Rule {
    mock!(aws_sdk_s3::Client::upload_part_copy).then_output(|| {
        UploadPartCopyOutput::builder()
            .copy_part_result(CopyPartResult::builder().e_tag("\"p\"").build())
            .build()
    })
}

fn completed() -> Rule {
    mock!(aws_sdk_s3::Client::complete_multipart_upload).then_output(|| {
        CompleteMultipartUploadOutput::builder()
            .checksum_crc32("DUoRhQ==")
            .build()
    })
}

#[tokio::test]
async fn a_lost_create_answer_is_retried_without_listing_the_archives_uploads() {
    // The first CreateMultipartUpload may have made an upload on S3, but its
    // answer never arrived; the second made "ours". Listing uploads is
    // bucket-wide (every tenant's keys in flight), so writers never do: the
    // archive's lifecycle rule removes what the lost answer left.
    let create = mock!(aws_sdk_s3::Client::create_multipart_upload)
        .sequence()
        .http_status(500, None)
        .output(|| {
            CreateMultipartUploadOutput::builder()
                .upload_id("ours")
                .build()
        })
        .build();
    let part = part_copied();
    let complete = completed();
    let list = mock!(aws_sdk_s3::Client::list_multipart_uploads)
        .then_output(|| ListMultipartUploadsOutput::builder().build());
    let abort = mock!(aws_sdk_s3::Client::abort_multipart_upload)
        .then_output(|| AbortMultipartUploadOutput::builder().build());
    let head = head();
    let absent = absent();
    let shipper = part_copy_shipper(&[&head, &absent, &create, &part, &complete, &list, &abort]);
    let shipped = shipper
        .ship_object(&ObjectRef::new("acme-logs", "big.log"))
        .await
        .unwrap();
    assert_eq!(shipped.dest_key, KEY);
    assert_eq!(create.num_calls(), 2);
    assert_eq!(list.num_calls(), 0, "a writer listed the archive's uploads");
    assert_eq!(abort.num_calls(), 0, "the completed upload was aborted");
}

#[tokio::test]
async fn a_complete_whose_upload_is_gone_ships_the_object_again() {
    // The first CompleteMultipartUpload landed but its answer was lost;
    // the SDK's retry then finds no upload. The object is shipped again.
    let create = mock!(aws_sdk_s3::Client::create_multipart_upload).then_output(|| {
        CreateMultipartUploadOutput::builder()
            .upload_id("u")
            .build()
    });
    let part = part_copied();
    let no_such_upload = "<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>";
    let complete = mock!(aws_sdk_s3::Client::complete_multipart_upload)
        .sequence()
        .http_status(404, Some(no_such_upload.to_string()))
        .output(|| {
            CompleteMultipartUploadOutput::builder()
                .checksum_crc32("DUoRhQ==")
                .build()
        })
        .build();
    let abort = mock!(aws_sdk_s3::Client::abort_multipart_upload)
        .then_output(|| AbortMultipartUploadOutput::builder().build());
    let head = head();
    let absent = absent();
    let shipper = part_copy_shipper(&[&head, &absent, &create, &part, &complete, &abort]);
    let result = shipper
        .ship_object(&ObjectRef::new("acme-logs", "big.log"))
        .await;
    assert!(
        result.is_ok(),
        "{:?}",
        result.map_err(|e: ShipError| e.to_string())
    );
    assert_eq!(complete.num_calls(), 2);
    assert_eq!(
        create.num_calls(),
        2,
        "the object was shipped again from the start"
    );
}
