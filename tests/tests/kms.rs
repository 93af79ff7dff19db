//! The archive's customer-managed KMS key, with IAM strict: the key policy
//! and the writer's KMS grant from `infra/policies/` let the shipper encrypt
//! only through S3 into the archive prefix; nobody uses the key directly, not
//! even account B's key administrator (B's root delegates use to B's IAM
//! policies only through S3, `kms:ViaService`). (Gap `kms-encryption-context`: the
//! key policy's encryption-context conditions are dropped on the emulator.)

use anyhow::{Context, Result};
use aws_sdk_s3::types::ObjectCannedAcl;
use logferry::ObjectRef;
use logferry_tests::probe::{outcome, Outcome, Probe};
use logferry_tests::world::{ACCOUNT_A, PREFIX};
use logferry_tests::{gaps, Mode, World};

#[tokio::test]
async fn archive_key_is_usable_only_through_s3() -> Result<()> {
    if gaps::skips(gaps::LOCALSTACK_IAM) {
        return Ok(());
    }
    let world = World::builder().kms().build().await?;
    let key_arn = world
        .kms_key_arn
        .clone()
        .context("a world built with kms() has a key")?;
    let kms_b = aws_sdk_kms::Client::new(&world.admin_b.sdk);
    world
        .put_source("kms/app.log", b"encrypted in B\n".to_vec())
        .await?;

    let kms_shipper = aws_sdk_kms::Client::new(&world.shipper.sdk);
    let s3 = world.shipper.s3();
    let shipper = world.shipper(world.config(Mode::Direct)).await?;
    use Outcome::{Allowed, Denied};
    let probes: Vec<Probe> = vec![
        (
            "shipper: ship (streamed PutObject) into the KMS-encrypted archive",
            Allowed,
            Box::pin(async {
                match shipper
                    .ship_object(&ObjectRef::new(&world.source_bucket, "kms/app.log"))
                    .await
                {
                    Ok(_) => Allowed,
                    Err(logferry::ShipError::AccessDenied { .. }) => Denied,
                    Err(e) => Outcome::Other(e.to_string()),
                }
            }),
        ),
        (
            "shipper: PutObject with ACL through S3",
            Allowed,
            Box::pin(async {
                outcome(
                    s3.put_object()
                        .if_none_match("*")
                        .bucket(&world.archive_bucket)
                        .key(format!("{PREFIX}/{ACCOUNT_A}/direct.log"))
                        .acl(ObjectCannedAcl::BucketOwnerFullControl)
                        .body(b"x".to_vec().into())
                        .send()
                        .await,
                )
            }),
        ),
        (
            "shipper: GenerateDataKey directly",
            Denied,
            Box::pin(async {
                outcome(
                    kms_shipper
                        .generate_data_key()
                        .key_id(&key_arn)
                        .key_spec(aws_sdk_kms::types::DataKeySpec::Aes256)
                        .send()
                        .await,
                )
            }),
        ),
        (
            "key administrator: GenerateDataKey",
            Denied,
            Box::pin(async {
                outcome(
                    kms_b
                        .generate_data_key()
                        .key_id(&key_arn)
                        .key_spec(aws_sdk_kms::types::DataKeySpec::Aes256)
                        .send()
                        .await,
                )
            }),
        ),
        (
            "key administrator: DescribeKey",
            Allowed,
            Box::pin(async { outcome(kms_b.describe_key().key_id(&key_arn).send().await) }),
        ),
    ];
    logferry_tests::probe::assert_all(probes).await;
    Ok(())
}
