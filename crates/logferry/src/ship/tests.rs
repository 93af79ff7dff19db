use super::*;
use crate::ShipSettings;
use aws_sdk_s3::operation::copy_object::CopyObjectOutput;
use aws_sdk_s3::operation::get_object::GetObjectOutput;
use aws_sdk_s3::operation::head_object::HeadObjectOutput;
use aws_sdk_s3::primitives::{ByteStream, DateTime};
use aws_sdk_s3::types::{ChecksumAlgorithm, ChecksumType, CopyObjectResult, ObjectCannedAcl};
use aws_smithy_mocks::{mock, mock_client, RuleMode};

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
        .e_tag("\"5eb63bbbe01eeed093cb22bb8f5acdc3\"")
        .last_modified(DateTime::from_secs(1_763_700_000))
        .set_checksum_crc32(checksum_crc32.map(str::to_string))
        .set_checksum_type(checksum_crc32.map(|_| ChecksumType::FullObject))
        .build()
}

fn copied(crc32: Option<&str>, crc32c: Option<&str>) -> CopyObjectOutput {
    CopyObjectOutput::builder()
        .copy_object_result(
            CopyObjectResult::builder()
                .set_checksum_crc32(crc32.map(str::to_string))
                .set_checksum_crc32_c(crc32c.map(str::to_string))
                .build(),
        )
        .build()
}

fn object() -> ObjectRef {
    ObjectRef::new("acme-logs", "access/2025-11-21.log")
}

#[tokio::test]
async fn a_copy_is_checked_against_the_stored_checksum_without_reading_the_source() {
    let head = mock!(aws_sdk_s3::Client::head_object).then_output(|| head(Some("DUoRhQ==")));
    let copy = mock!(aws_sdk_s3::Client::copy_object)
        .match_requests(|r| {
            r.checksum_algorithm() == Some(&ChecksumAlgorithm::Crc32)
                && r.acl() == Some(&ObjectCannedAcl::BucketOwnerFullControl)
                && r.copy_source_if_match() == Some("\"5eb63bbbe01eeed093cb22bb8f5acdc3\"")
                && r.key()
                    == Some(
                        "logs/111122223333/eu-west-1/acme-logs/2025/11/21/access/2025-11-21.log",
                    )
        })
        .then_output(|| copied(Some("DUoRhQ=="), None));
    // No GetObject rule: reading the source would fail the test.
    let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&head, &copy]);
    let shipped = direct_shipper(client).ship_object(&object()).await.unwrap();
    assert_eq!(shipped.checksum, "CRC32:DUoRhQ==");
    assert_eq!(shipped.method, Method::Copy);
    assert_eq!(copy.num_calls(), 1);
}

#[tokio::test]
async fn a_copy_whose_checksum_differs_is_not_shipped() {
    let head = mock!(aws_sdk_s3::Client::head_object).then_output(|| head(Some("DUoRhQ==")));
    let copy =
        mock!(aws_sdk_s3::Client::copy_object).then_output(|| copied(Some("AAAAAA=="), None));
    let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&head, &copy]);
    let err = direct_shipper(client)
        .ship_object(&object())
        .await
        .unwrap_err();
    assert!(matches!(err, ShipError::VerifyMismatch { .. }), "{err}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_source_without_a_stored_checksum_is_read_once_for_a_crc32c() {
    let head = mock!(aws_sdk_s3::Client::head_object).then_output(|| head(None));
    let get = mock!(aws_sdk_s3::Client::get_object)
        .match_requests(|r| r.if_match() == Some("\"5eb63bbbe01eeed093cb22bb8f5acdc3\""))
        .then_output(|| {
            GetObjectOutput::builder()
                .body(ByteStream::from_static(b"hello world"))
                .build()
        });
    let copy = mock!(aws_sdk_s3::Client::copy_object)
        .match_requests(|r| r.checksum_algorithm() == Some(&ChecksumAlgorithm::Crc32C))
        .then_output(|| copied(None, Some("yZRlqg==")));
    let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&head, &get, &copy]);
    let shipped = direct_shipper(client).ship_object(&object()).await.unwrap();
    assert_eq!(shipped.checksum, "CRC32C:yZRlqg==");
    assert_eq!(get.num_calls(), 1);
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
    let copy =
        mock!(aws_sdk_s3::Client::copy_object).then_output(|| copied(Some("DUoRhQ=="), None));
    let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&head, &copy]);
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
    assert_eq!(copy.num_calls(), 0, "a foreign log was written");
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
    assert_eq!(copy.num_calls(), 1);
}

#[tokio::test]
async fn an_event_from_another_account_is_refused() {
    // EventBridge events name the account the bucket belongs to.
    let head = mock!(aws_sdk_s3::Client::head_object).then_output(|| head(Some("DUoRhQ==")));
    let copy =
        mock!(aws_sdk_s3::Client::copy_object).then_output(|| copied(Some("DUoRhQ=="), None));
    let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&head, &copy]);
    let mut foreign = object();
    foreign.account = Some("999988887777".into());
    let err = direct_shipper(client)
        .ship_object(&foreign)
        .await
        .unwrap_err();
    assert!(matches!(err, ShipError::ForeignAccount { .. }), "{err}");
    assert_eq!(copy.num_calls(), 0);
}
