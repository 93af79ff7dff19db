use super::*;
use crate::ShipSettings;
use aws_sdk_s3::operation::get_object::GetObjectOutput;
use aws_sdk_s3::operation::head_object::HeadObjectOutput;
use aws_sdk_s3::operation::put_object::PutObjectOutput;
use aws_sdk_s3::primitives::{ByteStream, DateTime};
use aws_sdk_s3::types::{ChecksumAlgorithm, ChecksumType, ObjectCannedAcl};
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;

const ETAG: &str = "\"5eb63bbbe01eeed093cb22bb8f5acdc3\"";
/// CRC32C of `hello world`.
const CRC32C: &str = "yZRlqg==";
const DEST: &str = "logs/111122223333/eu-west-1/acme-logs/2025/11/21/access/2025-11-21.log";

fn direct_shipper(client: aws_sdk_s3::Client) -> Shipper {
    test_shipper(
        client,
        ShipSettings {
            dest_bucket: Some("archive-b".into()),
            dest_prefix: Some("logs".into()),
            ..Default::default()
        },
    )
}

fn head(checksum_crc32: Option<&str>) -> HeadObjectOutput {
    HeadObjectOutput::builder()
        .content_length(11)
        .e_tag(ETAG)
        .last_modified(DateTime::from_secs(1_763_700_000))
        .set_checksum_crc32(checksum_crc32.map(str::to_string))
        .set_checksum_type(checksum_crc32.map(|_| ChecksumType::FullObject))
        .build()
}

/// What the archive answers a HeadObject of a copy that recorded `etag`.
fn archived(etag: &str, crc32c: &str) -> HeadObjectOutput {
    HeadObjectOutput::builder()
        .content_length(11)
        .e_tag("\"archived\"")
        .checksum_crc32_c(crc32c)
        .checksum_type(ChecksumType::FullObject)
        .metadata("logferry-source-etag", etag)
        .build()
}

fn hello() -> GetObjectOutput {
    GetObjectOutput::builder()
        .body(ByteStream::from_static(b"hello world"))
        .build()
}

/// S3's answer to a conditional write whose key is taken.
fn taken_response() -> HttpResponse {
    let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>If-None-Match</Condition></Error>";
    HttpResponse::new(StatusCode::try_from(412).unwrap(), SdkBody::from(body))
}

fn object() -> ObjectRef {
    ObjectRef::new("acme-logs", "access/2025-11-21.log")
}

#[tokio::test]
async fn every_write_is_conditional_with_the_acl_and_a_crc32c_of_the_bytes_read() {
    let head = mock!(aws_sdk_s3::Client::head_object).then_output(|| head(Some("DUoRhQ==")));
    let get = mock!(aws_sdk_s3::Client::get_object)
        .match_requests(|r| r.if_match() == Some(ETAG))
        .then_output(hello);
    let put = mock!(aws_sdk_s3::Client::put_object)
        .match_requests(|r| {
            r.if_none_match() == Some("*")
                && r.acl() == Some(&ObjectCannedAcl::BucketOwnerFullControl)
                && r.checksum_algorithm() == Some(&ChecksumAlgorithm::Crc32C)
                && r.key() == Some(DEST)
        })
        .then_output(|| PutObjectOutput::builder().checksum_crc32_c(CRC32C).build());
    let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&head, &get, &put]);
    let shipped = direct_shipper(client).ship_object(&object()).await.unwrap();
    assert_eq!(shipped.checksum, format!("CRC32C:{CRC32C}"));
    assert_eq!(shipped.method, Method::Put);
    assert_eq!(shipped.landing, Landing::New);
    assert_eq!((get.num_calls(), put.num_calls()), (1, 1));
}

#[tokio::test]
async fn a_write_whose_checksum_differs_is_not_shipped() {
    let head = mock!(aws_sdk_s3::Client::head_object).then_output(|| head(None));
    let get = mock!(aws_sdk_s3::Client::get_object).then_output(hello);
    let put = mock!(aws_sdk_s3::Client::put_object).then_output(|| {
        PutObjectOutput::builder()
            .checksum_crc32_c("AAAAAA==")
            .build()
    });
    let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&head, &get, &put]);
    let err = direct_shipper(client)
        .ship_object(&object())
        .await
        .unwrap_err();
    assert!(matches!(err, ShipError::VerifyMismatch { .. }), "{err}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_redelivery_of_the_same_object_writes_nothing_and_counts_as_shipped() {
    let source = mock!(aws_sdk_s3::Client::head_object)
        .match_requests(|r| r.bucket() == Some("acme-logs"))
        .then_output(|| head(None));
    let copy = mock!(aws_sdk_s3::Client::head_object)
        .match_requests(|r| r.bucket() == Some("archive-b") && r.key() == Some(DEST))
        .then_output(|| archived(ETAG.trim_matches('"'), CRC32C));
    let get = mock!(aws_sdk_s3::Client::get_object).then_output(hello);
    let put = mock!(aws_sdk_s3::Client::put_object).then_http_response(taken_response);
    let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&source, &copy, &get, &put]);
    let shipped = direct_shipper(client).ship_object(&object()).await.unwrap();
    assert_eq!(shipped.landing, Landing::AlreadyArchived);
    assert_eq!(shipped.dest_key, DEST);
    assert_eq!(shipped.checksum, format!("CRC32C:{CRC32C}"));
    assert_eq!(put.num_calls(), 1, "nothing is written after the refusal");
}

#[tokio::test]
async fn changed_content_is_kept_beside_the_archived_copy_never_over_it() {
    let aside = "logs/111122223333/_conflicts/5eb63bbbe01eeed093cb22bb8f5acdc3/eu-west-1/acme-logs/2025/11/21/access/2025-11-21.log";
    let source = mock!(aws_sdk_s3::Client::head_object)
        .match_requests(|r| r.bucket() == Some("acme-logs"))
        .then_output(|| head(None));
    // The archive holds what an earlier, different source recorded.
    let copy = mock!(aws_sdk_s3::Client::head_object)
        .match_requests(|r| r.bucket() == Some("archive-b"))
        .then_output(|| archived("0123456789abcdef0123456789abcdef", "AAAAAA=="));
    let get = mock!(aws_sdk_s3::Client::get_object).then_output(hello);
    let refused = mock!(aws_sdk_s3::Client::put_object)
        .match_requests(|r| r.key() == Some(DEST))
        .then_http_response(taken_response);
    let kept = mock!(aws_sdk_s3::Client::put_object)
        .match_requests(move |r| r.key() == Some(aside) && r.if_none_match() == Some("*"))
        .then_output(|| PutObjectOutput::builder().checksum_crc32_c(CRC32C).build());
    let client = mock_client!(
        aws_sdk_s3,
        RuleMode::MatchAny,
        [&source, &copy, &get, &refused, &kept]
    );
    let shipped = direct_shipper(client).ship_object(&object()).await.unwrap();
    assert_eq!(shipped.landing, Landing::Changed);
    assert_eq!(shipped.dest_key, aside);
    assert_eq!((refused.num_calls(), kept.num_calls()), (1, 1));
}

fn partitioned_log(account: &str) -> ObjectRef {
    ObjectRef::new(
        "acme-logs",
        format!("s3-access/{account}/eu-west-1/acme-web/2025/11/21/2025-11-21-00-00-00-0A1B2C3D4E5F6071"),
    )
}

#[tokio::test]
async fn a_log_of_another_account_is_refused_before_anything_is_written() {
    let head = mock!(aws_sdk_s3::Client::head_object).then_output(|| head(Some("DUoRhQ==")));
    let get = mock!(aws_sdk_s3::Client::get_object).then_output(hello);
    let put = mock!(aws_sdk_s3::Client::put_object)
        .then_output(|| PutObjectOutput::builder().checksum_crc32_c(CRC32C).build());
    let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&head, &get, &put]);
    let shipper = direct_shipper(client);
    let foreign = partitioned_log("999988887777");
    let err = shipper.ship_object(&foreign).await.unwrap_err();
    assert!(matches!(err, ShipError::ForeignAccount { .. }), "{err}");
    assert!(
        !err.is_retryable(),
        "a foreign log must reach the DLQ, not loop"
    );
    let text = err.to_string();
    assert!(
        text.contains(&foreign.key)
            && text.contains("999988887777")
            && text.contains("111122223333"),
        "{text}"
    );
    assert_eq!(put.num_calls(), 0, "a foreign log was written");
    // The shipper's own account's log of the same shape lands in its partition.
    let own = shipper
        .ship_object(&partitioned_log("111122223333"))
        .await
        .unwrap();
    assert!(
        own.dest_key
            .starts_with("logs/111122223333/eu-west-1/acme-web/2025/11/21/"),
        "{}",
        own.dest_key
    );
    assert_eq!(put.num_calls(), 1);
}

#[tokio::test]
async fn an_event_from_another_account_is_refused() {
    // EventBridge events name the account the bucket belongs to.
    let head = mock!(aws_sdk_s3::Client::head_object).then_output(|| head(Some("DUoRhQ==")));
    let put = mock!(aws_sdk_s3::Client::put_object)
        .then_output(|| PutObjectOutput::builder().checksum_crc32_c(CRC32C).build());
    let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&head, &put]);
    let mut foreign = object();
    foreign.account = Some("999988887777".into());
    let err = direct_shipper(client)
        .ship_object(&foreign)
        .await
        .unwrap_err();
    assert!(matches!(err, ShipError::ForeignAccount { .. }), "{err}");
    assert_eq!(put.num_calls(), 0);
}
