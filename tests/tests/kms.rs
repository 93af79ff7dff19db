//! The archive's customer-managed KMS key, with IAM strict: the key policy
//! and the writer's KMS grant from `infra/policies/` let the shipper encrypt
//! only through S3 into the archive prefix; nobody uses the key directly, not
//! even account B's key administrator. (Gap `kms-encryption-context`: the
//! key policy's encryption-context conditions are dropped on the emulator.)

use anyhow::{Context, Result};
use aws_sdk_s3::types::{
    ObjectCannedAcl, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
};
use logferry::ObjectRef;
use logferry_tests::policy::{key_policy_for_emulator, render};
use logferry_tests::probe::{outcome, Outcome, Probe};
use logferry_tests::world::{PREFIX, REGION};
use logferry_tests::{gaps, init_tracing, shared_endpoint, IamMode, Mode, World};
use serde_json::json;

#[tokio::test]
async fn archive_key_is_usable_only_through_s3() -> Result<()> {
    init_tracing();
    let world = World::create(shared_endpoint(IamMode::Strict).await).await?;
    let archive_arn = format!("arn:aws:s3:::{}", world.archive_bucket);
    let key_policy = render(
        "archive-kms-key-policy.json.tpl",
        &json!({
            "key_admin_principal_arn": world.admin_b.arn,
            "writer_principal_arns": [world.shipper.arn],
            "s3_via_service": format!("s3.{REGION}.amazonaws.com"),
            "archive_bucket_arn": archive_arn,
            "archive_prefix": PREFIX,
        }),
    )?;
    let kms_b = aws_sdk_kms::Client::new(&world.admin_b.sdk);
    let key_arn = kms_b
        .create_key()
        .policy(key_policy_for_emulator(key_policy).to_string())
        .bypass_policy_lockout_safety_check(false)
        .send()
        .await?
        .key_metadata
        .and_then(|m| m.arn)
        .context("CreateKey returned no ARN")?;
    world
        .admin_b
        .s3()
        .put_bucket_encryption()
        .bucket(&world.archive_bucket)
        .server_side_encryption_configuration(
            ServerSideEncryptionConfiguration::builder()
                .rules(
                    ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(
                            ServerSideEncryptionByDefault::builder()
                                .sse_algorithm(ServerSideEncryption::AwsKms)
                                .kms_master_key_id(&key_arn)
                                .build()?,
                        )
                        .bucket_key_enabled(true)
                        .build(),
                )
                .build()?,
        )
        .send()
        .await?;
    let encrypt = render(
        "archive-kms-encrypt.json.tpl",
        &json!({"archive_kms_key_arns": [key_arn], "archive_bucket_arn": archive_arn, "archive_prefix": PREFIX}),
    )?;
    world.grant_shipper("archive-kms", encrypt).await?;
    world
        .put_source("kms/app.log", b"encrypted in B\n".to_vec())
        .await?;

    let kms_shipper = aws_sdk_kms::Client::new(&world.shipper.sdk);
    let s3 = world.shipper.s3();
    let shipper = world.shipper(world.config(Mode::Direct)).await?;
    use Outcome::{Allowed, Denied};
    let probes: Vec<Probe> = vec![
        (
            "shipper: ship (CopyObject) into the KMS-encrypted archive",
            Outcome::AllowedOnAwsOnly(gaps::COPY_DEFAULT_KMS_KEY),
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
                        .bucket(&world.archive_bucket)
                        .key(format!("{PREFIX}/direct.log"))
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
