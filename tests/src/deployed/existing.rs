//! A source account as a team has it before adopting logferry: an audited
//! bucket logging into a log bucket with S3's partitioned keys, and, where
//! the team already consumes the log bucket's events, a notification
//! configuration of its own. Made before any `terraform apply`, and read
//! again after it, to prove logferry changed nothing it was not asked to.

use anyhow::{ensure, Result};
use aws_sdk_s3::types::{
    BucketLocationConstraint, BucketLoggingStatus, CreateBucketConfiguration,
    EventBridgeConfiguration, LoggingEnabled, NotificationConfiguration, PartitionDateSource,
    PartitionedPrefix, QueueConfiguration, TargetObjectKeyFormat,
};

use crate::access_logs::LogObject;
use crate::account::Account;

/// The audited bucket owner's canonical id, as its access logs name it.
const BUCKET_OWNER: &str = "7d1e3c2b5a4f6e8d9c0b1a2f3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d";

/// Where the audited bucket's access logs go below the log bucket.
pub const LOG_PREFIX: &str = "s3-access";

/// One source account's existing buckets.
#[derive(Debug, Clone)]
pub struct ExistingBuckets {
    pub audited: String,
    pub log_bucket: String,
    /// The team's own consumer of the log bucket's events (a SIEM queue),
    /// when it has one; it keeps working after logferry attaches.
    pub team_queue_arn: Option<String>,
}

/// What S3 says of a bucket's configuration, compared before and after apply.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketState {
    pub queue_arns: Vec<String>,
    pub eventbridge: bool,
    pub logging_target: Option<String>,
    pub has_lifecycle: bool,
    pub has_policy: bool,
}

impl ExistingBuckets {
    /// Create the buckets and the logging. With `team_consumer`, the log
    /// bucket also notifies a queue of the team's, and the team has turned
    /// on EventBridge delivery next to it, as infra/README.md says
    /// (`put-bucket-notification-configuration` keeping the existing
    /// configuration); without it, the bucket has no notification
    /// configuration and Terraform is asked to turn EventBridge on.
    pub async fn create(
        admin: &Account,
        audited: &str,
        log_bucket: &str,
        team_consumer: bool,
    ) -> Result<ExistingBuckets> {
        let s3 = admin.s3();
        let region = admin
            .sdk
            .region()
            .map(|r| r.to_string())
            .unwrap_or_default();
        for bucket in [audited, log_bucket] {
            s3.create_bucket()
                .bucket(bucket)
                .create_bucket_configuration(
                    CreateBucketConfiguration::builder()
                        .location_constraint(BucketLocationConstraint::from(region.as_str()))
                        .build(),
                )
                .send()
                .await?;
        }
        let partitioned = TargetObjectKeyFormat::builder()
            .partitioned_prefix(
                PartitionedPrefix::builder()
                    .partition_date_source(PartitionDateSource::EventTime)
                    .build(),
            )
            .build();
        s3.put_bucket_logging()
            .bucket(audited)
            .bucket_logging_status(
                BucketLoggingStatus::builder()
                    .logging_enabled(
                        LoggingEnabled::builder()
                            .target_bucket(log_bucket)
                            .target_prefix(format!("{LOG_PREFIX}/"))
                            .target_object_key_format(partitioned)
                            .build()?,
                    )
                    .build(),
            )
            .send()
            .await?;
        let team_queue_arn = match team_consumer {
            true => Some(team_queue(admin, log_bucket).await?),
            false => None,
        };
        Ok(ExistingBuckets {
            audited: audited.to_string(),
            log_bucket: log_bucket.to_string(),
            team_queue_arn,
        })
    }

    /// Put `logs` in the log bucket as S3 delivers access logs (the audited
    /// bucket's owner as S3 names it in each record).
    pub async fn deliver(&self, admin: &Account, logs: &[LogObject]) -> Result<()> {
        for o in logs {
            let body = o.body(&self.audited, BUCKET_OWNER).into_bytes();
            admin
                .s3()
                .put_object()
                .bucket(&self.log_bucket)
                .key(&o.key)
                .body(body.into())
                .send()
                .await?;
        }
        Ok(())
    }

    /// The log bucket's state, and the audited bucket's logging target.
    pub async fn state(&self, admin: &Account) -> Result<(BucketState, BucketState)> {
        Ok((
            state(admin, &self.audited).await?,
            state(admin, &self.log_bucket).await?,
        ))
    }
}

/// The team's queue, notified of every object created in `bucket`, with
/// EventBridge delivery on beside it; its ARN.
async fn team_queue(admin: &Account, bucket: &str) -> Result<String> {
    let (_, arn) = admin.create_queue(&format!("{bucket}-siem"), &[]).await?;
    let notify = QueueConfiguration::builder()
        .id("team-siem")
        .queue_arn(&arn)
        .events(aws_sdk_s3::types::Event::from("s3:ObjectCreated:*"))
        .build()?;
    admin
        .s3()
        .put_bucket_notification_configuration()
        .bucket(bucket)
        .notification_configuration(
            NotificationConfiguration::builder()
                .queue_configurations(notify)
                .event_bridge_configuration(EventBridgeConfiguration::builder().build())
                .build(),
        )
        .send()
        .await?;
    Ok(arn)
}

async fn state(admin: &Account, bucket: &str) -> Result<BucketState> {
    let s3 = admin.s3();
    let notification = s3
        .get_bucket_notification_configuration()
        .bucket(bucket)
        .send()
        .await?;
    let logging = s3.get_bucket_logging().bucket(bucket).send().await?;
    Ok(BucketState {
        queue_arns: notification
            .queue_configurations()
            .iter()
            .map(|q| q.queue_arn().to_string())
            .collect(),
        eventbridge: notification.event_bridge_configuration().is_some(),
        logging_target: logging
            .logging_enabled()
            .map(|l| format!("{}/{}", l.target_bucket(), l.target_prefix())),
        has_lifecycle: s3
            .get_bucket_lifecycle_configuration()
            .bucket(bucket)
            .send()
            .await
            .is_ok(),
        has_policy: s3.get_bucket_policy().bucket(bucket).send().await.is_ok(),
    })
}

/// After apply: the audited bucket exactly as before; the log bucket as
/// before, except EventBridge delivery where Terraform was asked for it.
pub fn unchanged_but_asked(
    name: &str,
    before: &(BucketState, BucketState),
    after: &(BucketState, BucketState),
    eventbridge_asked: bool,
) -> Result<()> {
    ensure!(
        before.0 == after.0,
        "{name}: the audited bucket changed: {:?} → {:?}",
        before.0,
        after.0
    );
    let mut expected = before.1.clone();
    expected.eventbridge |= eventbridge_asked;
    ensure!(
        after.1 == expected,
        "{name}: the log bucket is {:?}, expected {expected:?}",
        after.1
    );
    ensure!(
        after.1.eventbridge,
        "{name}: no EventBridge delivery, the shipper would never hear of a log"
    );
    Ok(())
}
