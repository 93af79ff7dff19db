//! Accounts A (source), B (archive) and C (outsider), created on the emulator
//! with the policy files from `infra/policies/`, and what a test does with
//! them: put sources, run the shipper or the Lambda handler, read the archive.
//! A new scenario starts from [`World::builder`] (see `world/build.rs`).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use lambda_runtime::{Context, LambdaEvent};
use serde_json::{json, Value};

use crate::policy::for_emulator;
use crate::ForwardedHttps;

mod archive;
mod build;
mod compactor;
mod options;
mod process;
pub use build::{ArchivePolicy, Builder, Route};

pub const ACCOUNT_A: &str = "111111111111";
pub const ACCOUNT_B: &str = "222222222222";
pub const ACCOUNT_C: &str = "333333333333";
/// A second source account: the organization's other tenant of the archive.
pub const ACCOUNT_A2: &str = "444444444444";
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
    /// The second source account, fenced into its own partition.
    pub neighbour: Neighbour,
    /// The archive's customer-managed key, when built with [`Builder::kms`].
    pub kms_key_arn: Option<String>,
    /// The queue's dead-letter queue, when built with [`Builder::dead_letter_after`].
    pub dlq_url: Option<String>,
}

/// Account A2: another source account writing into the same archive, with
/// its own shipper identity and its own writer role in B.
#[derive(Debug)]
pub struct Neighbour {
    pub admin: Account,
    pub shipper: Account,
    pub writer_role_arn: String,
}

impl World {
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

    /// `count` small objects under `prefix/` in the source bucket
    /// (`prefix/000000.log` …), 32 puts at a time.
    pub async fn put_many(&self, prefix: &str, count: usize) -> Result<()> {
        use futures::StreamExt;
        let s3 = self.admin_a.s3();
        let puts = futures::stream::iter(0..count).map(|i| {
            let (s3, bucket) = (s3.clone(), self.source_bucket.clone());
            async move {
                let body = format!("line {i}\n").into_bytes();
                let key = format!("{prefix}/{i:06}.log");
                s3.put_object()
                    .bucket(bucket)
                    .key(key)
                    .body(body.into())
                    .send()
                    .await
            }
        });
        let mut puts = std::pin::pin!(puts.buffer_unordered(32));
        while let Some(put) = puts.next().await {
            put?;
        }
        Ok(())
    }

    /// Let the shipper list the source bucket (`source-list.json.tpl`), as
    /// `logferry ship` of a prefix needs.
    pub async fn grant_source_list(&self) -> Result<()> {
        let arn = format!("arn:aws:s3:::{}", self.source_bucket);
        let list = crate::policy::render(
            "source-list.json.tpl",
            &json!({"source_bucket_arns": [arn]}),
        )?;
        self.grant_shipper("source-list", list).await
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
    pub fn config(&self, mode: Mode) -> logferry::ShipSettings {
        let mut raw = logferry::ShipSettings {
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
    pub async fn shipper(&self, raw: logferry::ShipSettings) -> Result<logferry::Shipper> {
        self.shipper_counting(raw, crate::InFlight::default()).await
    }

    /// [`World::shipper`], with its S3 requests counted by `in_flight`.
    pub async fn shipper_counting(
        &self,
        raw: logferry::ShipSettings,
        in_flight: crate::InFlight,
    ) -> Result<logferry::Shipper> {
        let config = raw
            .validate()
            .map_err(|e| anyhow::anyhow!(logferry::settings::join(&e)))?;
        Ok(logferry::Shipper::connect(config, &self.shipper.sdk, |b| {
            b.interceptor(ForwardedHttps).interceptor(in_flight.clone())
        })
        .await?)
    }

    /// [`World::shipper`], with every request (S3 and STS) going through
    /// `proxy` (a [`crate::faults::FaultProxy`]) instead of straight to the emulator.
    pub async fn shipper_through(
        &self,
        proxy: &str,
        raw: logferry::ShipSettings,
    ) -> Result<logferry::Shipper> {
        let config = raw
            .validate()
            .map_err(|e| anyhow::anyhow!(logferry::settings::join(&e)))?;
        let sdk = self.shipper.sdk.to_builder().endpoint_url(proxy).build();
        let sdk = logferry::s3::clients::with_limits(&sdk, config.timeouts);
        Ok(logferry::Shipper::connect(config, &sdk, |b| b.interceptor(ForwardedHttps)).await?)
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
                if self.took_test_event(&message).await? {
                    continue;
                }
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

    /// Whether `message`, received from this world's queue, is the
    /// `s3:TestEvent` S3 sends when a notification is configured (AWS and
    /// LocalStack do, fakecloud does not), raw or in an SNS envelope; if so
    /// it is deleted: the shipper only acknowledges it, it is no object.
    pub(crate) async fn took_test_event(
        &self,
        message: &aws_sdk_sqs::types::Message,
    ) -> Result<bool> {
        if !message.body().is_some_and(|b| b.contains("s3:TestEvent")) {
            return Ok(false);
        }
        if let Some(handle) = message.receipt_handle() {
            self.admin_a
                .sqs()
                .delete_message()
                .queue_url(&self.queue_url)
                .receipt_handle(handle)
                .send()
                .await?;
        }
        Ok(true)
    }

    /// Run the Lambda handler on an SQS payload, with the configuration a
    /// deployment in `mode` would have; the failed message ids.
    pub async fn invoke(&self, mode: Mode, payload: Value) -> Result<Vec<String>> {
        self.invoke_with(self.config(mode), payload).await
    }

    /// [`World::invoke`] with a configuration of the test's own.
    pub async fn invoke_with(
        &self,
        raw: logferry::ShipSettings,
        payload: Value,
    ) -> Result<Vec<String>> {
        Ok(self.invoke_reported(raw, payload).await?.0)
    }

    /// [`World::invoke_with`], and the EMF documents the invocation was
    /// reported in, each checked against the EMF specification.
    pub async fn invoke_reported(
        &self,
        raw: logferry::ShipSettings,
        payload: Value,
    ) -> Result<(Vec<String>, Vec<Value>)> {
        let shipper = self.shipper(raw).await?;
        let emitter = logferry::metrics::Emitter::memory();
        let event = LambdaEvent::new(payload, Context::default());
        let response = shipper::handle(event, &shipper, &emitter)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let documents = emitter.documents();
        for d in &documents {
            logferry::metrics::check(d).map_err(|e| anyhow::anyhow!("not EMF ({e}): {d}"))?;
        }
        let Some(failures) = response["batchItemFailures"].as_array() else {
            bail!("the handler did not answer an SqsBatchResponse: {response}");
        };
        let failed = failures
            .iter()
            .map(|f| f["itemIdentifier"].as_str().unwrap_or_default().to_string())
            .collect();
        Ok((failed, documents))
    }

    /// The archive key the default template gives `key`: partitioned by the
    /// source's Last-Modified date.
    pub async fn expected_key(&self, key: &str) -> Result<String> {
        let head = self
            .admin_a
            .s3()
            .head_object()
            .bucket(&self.source_bucket)
            .key(key)
            .send()
            .await?;
        let Some(modified) = head.last_modified() else {
            bail!("HeadObject of {key} returned no Last-Modified");
        };
        let Some(modified) = chrono::DateTime::from_timestamp(modified.secs(), 0) else {
            bail!("Last-Modified of {key} is out of range");
        };
        Ok(format!(
            "{PREFIX}/{ACCOUNT_A}/{REGION}/{}/{}/{key}",
            self.source_bucket,
            modified.format("%Y/%m/%d")
        ))
    }

    /// The bytes and user metadata of an archived object, as account B reads it.
    pub async fn archived(&self, dest_key: &str) -> Result<(Vec<u8>, HashMap<String, String>)> {
        let out = self
            .admin_b
            .s3()
            .get_object()
            .bucket(&self.archive_bucket)
            .key(dest_key)
            .send()
            .await?;
        let metadata = out.metadata.clone().unwrap_or_default();
        Ok((out.body.collect().await?.to_vec(), metadata))
    }

    /// Messages on `queue_url`, visible or in flight.
    pub async fn queue_depth(&self, queue_url: &str) -> Result<u64> {
        use aws_sdk_sqs::types::QueueAttributeName;
        let out = self
            .admin_a
            .sqs()
            .get_queue_attributes()
            .queue_url(queue_url)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
            .send()
            .await?;
        let attributes = out.attributes.unwrap_or_default();
        let count = |name: &QueueAttributeName| {
            attributes
                .get(name)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        Ok(count(&QueueAttributeName::ApproximateNumberOfMessages)
            + count(&QueueAttributeName::ApproximateNumberOfMessagesNotVisible))
    }

    /// Fails when any multipart upload is left in the archive bucket.
    pub async fn assert_no_uploads_left(&self) -> Result<()> {
        let left = self.uploads_left().await?;
        if !left.is_empty() {
            bail!("multipart uploads left behind: {left:?}");
        }
        Ok(())
    }

    /// The keys of the multipart uploads in flight in the archive bucket, as
    /// account B lists them (writers may not: it would show every tenant's).
    pub async fn uploads_left(&self) -> Result<Vec<String>> {
        let uploads = self
            .admin_b
            .s3()
            .list_multipart_uploads()
            .bucket(&self.archive_bucket)
            .send()
            .await?;
        Ok(uploads
            .uploads()
            .iter()
            .filter_map(|u| u.key().map(str::to_string))
            .collect())
    }
}
