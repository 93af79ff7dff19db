//! Accounts A (source), B (archive) and C (outsider), created on the emulator
//! with the policy files from `infra/policies/`.

use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use aws_credential_types::Credentials;
use aws_sdk_s3::types::{
    BucketCannedAcl, NotificationConfiguration, ObjectOwnership, OwnershipControls,
    OwnershipControlsRule, PublicAccessBlockConfiguration, QueueConfiguration,
};
use serde_json::{json, Value};

use crate::emulator::{Endpoint, IamMode};
use crate::policy::{archive_bucket_policy, for_emulator, render, trust_for_strict_emulator};
use crate::ForwardedHttps;

pub const ACCOUNT_A: &str = "111111111111";
pub const ACCOUNT_B: &str = "222222222222";
pub const ACCOUNT_C: &str = "333333333333";
pub const REGION: &str = "us-east-1";
pub const PREFIX: &str = "logferry/access-logs";
pub const EXTERNAL_ID: &str = "logferry-test-external-id";

pub use crate::account::{admin, sdk_config, unique, Account};

/// Which way the shipper is let into account B.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Direct,
    AssumeRole,
}

/// One isolated scenario: its own buckets, queue, shipper identity and writer role.
#[derive(Debug)]
pub struct World {
    pub endpoint: String,
    pub admin_a: Account,
    pub admin_b: Account,
    pub outsider: Account,
    /// The shipper's identity in account A (an IAM user: gap `role-principal`).
    pub shipper: Account,
    pub source_bucket: String,
    pub archive_bucket: String,
    pub queue_url: String,
    pub queue_arn: String,
    pub writer_role_arn: String,
}

impl World {
    /// Build both accounts on `endpoint`. On a strict emulator the writer
    /// role's trust policy loses its external-id condition (gap
    /// `external-id-in-strict`); on a soft one it is applied as written.
    pub async fn create(endpoint: &Endpoint) -> Result<World> {
        let url = endpoint.url.as_str();
        let tag = unique("w");
        let admin_a = admin(url, ACCOUNT_A, &format!("admin-{tag}")).await?;
        let admin_b = admin(url, ACCOUNT_B, &format!("admin-{tag}")).await?;
        let outsider = admin(url, ACCOUNT_C, &format!("admin-{tag}")).await?;
        let source_bucket = format!("src-{tag}");
        let archive_bucket = format!("archive-{tag}");
        let source_arn = format!("arn:aws:s3:::{source_bucket}");
        let archive_arn = format!("arn:aws:s3:::{archive_bucket}");

        // Account A: the shipper identity.
        let shipper_name = format!("shipper-{tag}");
        let iam_a = admin_a.iam();
        let user = iam_a.create_user().user_name(&shipper_name).send().await?;
        let shipper_arn = user
            .user()
            .map(|u| u.arn().to_string())
            .context("CreateUser returned no user")?;
        let key = iam_a
            .create_access_key()
            .user_name(&shipper_name)
            .send()
            .await?;
        let key = key
            .access_key()
            .context("CreateAccessKey returned no key")?;
        let shipper = Account {
            id: ACCOUNT_A,
            arn: shipper_arn.clone(),
            sdk: sdk_config(
                url,
                Credentials::new(
                    key.access_key_id(),
                    key.secret_access_key(),
                    None,
                    None,
                    "shipper",
                ),
            )
            .await,
        };

        // Account A: the source bucket and its notification queue.
        let s3_a = admin_a.s3();
        s3_a.create_bucket().bucket(&source_bucket).send().await?;
        let sqs_a = admin_a.sqs();
        let queue_url = sqs_a
            .create_queue()
            .queue_name(format!("q-{tag}"))
            .attributes(
                aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout,
                "30",
            )
            .send()
            .await?
            .queue_url
            .context("CreateQueue returned no url")?;
        let queue_arn = sqs_a
            .get_queue_attributes()
            .queue_url(&queue_url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
            .send()
            .await?
            .attributes
            .and_then(|mut a| a.remove(&aws_sdk_sqs::types::QueueAttributeName::QueueArn))
            .context("queue has no ARN")?;
        s3_a.put_bucket_notification_configuration()
            .bucket(&source_bucket)
            .notification_configuration(
                NotificationConfiguration::builder()
                    .queue_configurations(
                        QueueConfiguration::builder()
                            .queue_arn(&queue_arn)
                            .events(aws_sdk_s3::types::Event::from("s3:ObjectCreated:*"))
                            .build()?,
                    )
                    .build(),
            )
            .send()
            .await?;

        // Account B: the archive bucket, owned by B whatever the writer.
        let s3_b = admin_b.s3();
        s3_b.create_bucket()
            .bucket(&archive_bucket)
            .acl(BucketCannedAcl::Private)
            .send()
            .await?;
        s3_b.put_bucket_ownership_controls()
            .bucket(&archive_bucket)
            .ownership_controls(
                OwnershipControls::builder()
                    .rules(
                        OwnershipControlsRule::builder()
                            .object_ownership(ObjectOwnership::BucketOwnerEnforced)
                            .build()?,
                    )
                    .build()?,
            )
            .send()
            .await?;
        s3_b.put_public_access_block()
            .bucket(&archive_bucket)
            .public_access_block_configuration(
                PublicAccessBlockConfiguration::builder()
                    .block_public_acls(true)
                    .ignore_public_acls(true)
                    .block_public_policy(true)
                    .restrict_public_buckets(true)
                    .build(),
            )
            .send()
            .await?;
        let bucket_policy = archive_bucket_policy(&archive_arn, PREFIX, &[&shipper_arn])?;
        s3_b.put_bucket_policy()
            .bucket(&archive_bucket)
            .policy(for_emulator(bucket_policy).to_string())
            .send()
            .await?;

        // Account B: the writer role for assume-role mode.
        let trust = render(
            "writer-role-trust.json.tpl",
            &json!({"shipper_principal_arns": [shipper_arn], "external_id": EXTERNAL_ID}),
        )?;
        let trust = match endpoint.mode {
            IamMode::Strict => trust_for_strict_emulator(trust),
            IamMode::Soft => trust,
        };
        let role_name = format!("writer-{tag}");
        let iam_b = admin_b.iam();
        let role = iam_b
            .create_role()
            .role_name(&role_name)
            .assume_role_policy_document(trust.to_string())
            .send()
            .await?;
        let writer_role_arn = role
            .role()
            .map(|r| r.arn().to_string())
            .context("CreateRole returned no role")?;
        let writer_policy = render(
            "writer-role-permissions.json.tpl",
            &json!({"archive_bucket_arn": archive_arn, "archive_prefix": PREFIX}),
        )?;
        iam_b
            .put_role_policy()
            .role_name(&role_name)
            .policy_name("archive-write")
            .policy_document(for_emulator(writer_policy).to_string())
            .send()
            .await?;

        // Account A: the shipper's identity policies, per the infra's choice of mode.
        let identity = [
            (
                "source-read",
                render(
                    "shipper-source-read.json.tpl",
                    &json!({"source_object_arns": [format!("{source_arn}/*")]}),
                )?,
            ),
            (
                "queue-consume",
                render(
                    "shipper-queue-consume.json.tpl",
                    &json!({"queue_arn": queue_arn}),
                )?,
            ),
            (
                "archive-write",
                render(
                    "archive-write.json.tpl",
                    &json!({"archive_bucket_arn": archive_arn, "archive_prefix": PREFIX}),
                )?,
            ),
            (
                "assume-writer",
                render(
                    "shipper-assume-writer.json.tpl",
                    &json!({"writer_role_arn": writer_role_arn}),
                )?,
            ),
        ];
        for (name, document) in identity {
            iam_a
                .put_user_policy()
                .user_name(&shipper_name)
                .policy_name(name)
                .policy_document(for_emulator(document).to_string())
                .send()
                .await?;
        }

        Ok(World {
            endpoint: url.to_string(),
            admin_a,
            admin_b,
            outsider,
            shipper,
            source_bucket,
            archive_bucket,
            queue_url,
            queue_arn,
            writer_role_arn,
        })
    }

    /// Put an object into the source bucket, as the logging service would.
    pub async fn put_source(&self, key: &str, body: impl Into<Vec<u8>>) -> Result<()> {
        self.admin_a
            .s3()
            .put_object()
            .bucket(&self.source_bucket)
            .key(key)
            .body(aws_sdk_s3::primitives::ByteStream::from(body.into()))
            .send()
            .await?;
        Ok(())
    }

    /// Attach one more identity policy to the shipper (expanded for the emulator).
    pub async fn grant_shipper(&self, name: &str, document: Value) -> Result<()> {
        let user = self.shipper.arn.rsplit('/').next().unwrap_or_default();
        self.admin_a
            .iam()
            .put_user_policy()
            .user_name(user)
            .policy_name(name)
            .policy_document(for_emulator(document).to_string())
            .send()
            .await?;
        Ok(())
    }

    /// Every key in the archive bucket, as account B sees it.
    pub async fn archive_keys(&self) -> Result<Vec<String>> {
        let out = self
            .admin_b
            .s3()
            .list_objects_v2()
            .bucket(&self.archive_bucket)
            .send()
            .await?;
        Ok(out
            .contents()
            .iter()
            .filter_map(|o| o.key().map(str::to_string))
            .collect())
    }

    /// Bodies of the messages visible on the shipper's queue now (waits up to 1 s).
    pub async fn peek_queue(&self) -> Result<Vec<String>> {
        let out = self
            .admin_a
            .sqs()
            .receive_message()
            .queue_url(&self.queue_url)
            .wait_time_seconds(1)
            .send()
            .await?;
        Ok(out
            .messages
            .unwrap_or_default()
            .into_iter()
            .filter_map(|m| m.body)
            .collect())
    }

    /// The writer configuration a deployment in `mode` would have.
    pub fn config(&self, mode: Mode) -> logferry::RawConfig {
        let mut raw = logferry::RawConfig {
            dest_bucket: Some(self.archive_bucket.clone()),
            dest_prefix: Some(PREFIX.to_string()),
            source_account: Some(ACCOUNT_A.to_string()),
            ..Default::default()
        };
        if mode == Mode::AssumeRole {
            raw.auth_mode = Some("assume-role".into());
            raw.role_arn = Some(self.writer_role_arn.clone());
            raw.external_id = Some(EXTERNAL_ID.into());
        }
        raw
    }

    /// The writer as the Lambda builds it, running with the shipper's credentials.
    pub async fn shipper(&self, raw: logferry::RawConfig) -> Result<logferry::Shipper> {
        self.shipper_counting(raw, crate::InFlight::default()).await
    }

    /// [`World::shipper`], with its S3 requests counted by `in_flight`.
    pub async fn shipper_counting(
        &self,
        raw: logferry::RawConfig,
        in_flight: crate::InFlight,
    ) -> Result<logferry::Shipper> {
        let config = raw
            .validate()
            .map_err(|e| anyhow::anyhow!(logferry::config::join_errors(e)))?;
        Ok(logferry::Shipper::connect(config, &self.shipper.sdk, |b| {
            b.interceptor(ForwardedHttps).interceptor(in_flight.clone())
        })
        .await?)
    }

    /// Wait for the emulator's notifications and hand them over as Lambda's
    /// SQS event source mapping would: an `SqsEvent` JSON payload.
    pub async fn receive_sqs_event(&self, expected: usize) -> Result<Value> {
        let sqs = self.shipper.sqs();
        let mut records = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while records.len() < expected {
            if Instant::now() > deadline {
                bail!(
                    "only {} of {expected} notifications arrived on {}",
                    records.len(),
                    self.queue_url
                );
            }
            let out = sqs
                .receive_message()
                .queue_url(&self.queue_url)
                .max_number_of_messages(10)
                .wait_time_seconds(1)
                .send()
                .await?;
            for message in out.messages.unwrap_or_default() {
                records.push(json!({
                    "messageId": message.message_id,
                    "receiptHandle": message.receipt_handle,
                    "body": message.body,
                    "attributes": {},
                    "messageAttributes": {},
                    "md5OfBody": message.md5_of_body,
                    "eventSource": "aws:sqs",
                    "eventSourceARN": self.queue_arn,
                    "awsRegion": REGION,
                }));
            }
        }
        Ok(json!({ "Records": records }))
    }
}
