//! The builder's optional pieces: the archive's customer-managed key and
//! the queue's dead-letter queue.

use anyhow::{Context, Result};
use aws_sdk_s3::types::{
    ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration,
    ServerSideEncryptionRule,
};
use aws_sdk_sqs::types::QueueAttributeName;
use serde_json::json;

use super::{World, PREFIX, REGION};
use crate::policy::{account_roots, key_policy_for_emulator, render};

/// Account A: a dead-letter queue for the shipper's queue; its URL.
pub(super) async fn dead_letter_queue(world: &World, receives: u32, tag: &str) -> Result<String> {
    let sqs = world.admin_a.sqs();
    let (url, arn) = world
        .admin_a
        .create_queue(&format!("dlq-{tag}"), &[])
        .await?;
    let redrive = json!({"deadLetterTargetArn": arn, "maxReceiveCount": receives.to_string()});
    sqs.set_queue_attributes()
        .queue_url(&world.queue_url)
        .attributes(QueueAttributeName::RedrivePolicy, redrive.to_string())
        .send()
        .await?;
    Ok(url)
}

impl World {
    /// Account B: a customer-managed key under the shipped key policy as the
    /// archive's default encryption, and the shipper's grant to use it
    /// through S3; the key's ARN.
    pub(super) async fn encrypt_archive(&self) -> Result<String> {
        let archive_arn = format!("arn:aws:s3:::{}", self.archive_bucket);
        let key_policy = render(
            "archive-kms-key-policy.json.tpl",
            &json!({
                "key_admin_principal_arns": [self.admin_b.arn],
                "account_root_arn": format!("arn:aws:iam::{}:root", self.admin_b.id),
                "writer_account_arns": account_roots(&[&self.shipper.arn]),
                "writer_principal_arns": [self.shipper.arn],
                "s3_via_service": format!("s3.{REGION}.amazonaws.com"),
                "archive_bucket_arn": archive_arn,
                "archive_prefix": PREFIX,
            }),
        )?;
        let key_arn = aws_sdk_kms::Client::new(&self.admin_b.sdk)
            .create_key()
            .policy(key_policy_for_emulator(key_policy).to_string())
            .bypass_policy_lockout_safety_check(false)
            .send()
            .await?
            .key_metadata
            .and_then(|m| m.arn)
            .context("CreateKey returned no ARN")?;
        let by_default = ServerSideEncryptionByDefault::builder()
            .sse_algorithm(ServerSideEncryption::AwsKms)
            .kms_master_key_id(&key_arn)
            .build()?;
        let rule = ServerSideEncryptionRule::builder()
            .apply_server_side_encryption_by_default(by_default)
            .bucket_key_enabled(true)
            .build();
        self.admin_b
            .s3()
            .put_bucket_encryption()
            .bucket(&self.archive_bucket)
            .server_side_encryption_configuration(
                ServerSideEncryptionConfiguration::builder()
                    .rules(rule)
                    .build()?,
            )
            .send()
            .await?;
        let encrypt = render(
            "archive-kms-encrypt.json.tpl",
            &json!({"archive_kms_key_arns": [key_arn], "archive_bucket_arn": archive_arn, "archive_prefix": PREFIX}),
        )?;
        self.grant_shipper("archive-kms", encrypt).await?;
        Ok(key_arn)
    }
}
