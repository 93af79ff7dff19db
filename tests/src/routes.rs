//! The other ways an "object created" reaches the shipper's queue: S3 → SNS →
//! SQS, and S3 → EventBridge → SQS. [`World::builder`] wires S3 → SQS unless a route is chosen;
//! these re-route the same source bucket.

use anyhow::{Context, Result};
use aws_sdk_s3::types::{EventBridgeConfiguration, NotificationConfiguration, TopicConfiguration};
use serde_json::json;

use crate::world::{unique, World};

impl World {
    /// S3 publishes to an SNS topic; the queue subscribes (not raw delivery,
    /// so each message body is an SNS `Notification` wrapping the S3 event).
    pub async fn route_via_sns(&self) -> Result<()> {
        let sns = aws_sdk_sns::Client::new(&self.admin_a.sdk);
        let topic_arn = sns
            .create_topic()
            .name(unique("logs-created"))
            .send()
            .await?
            .topic_arn
            .context("CreateTopic returned no ARN")?;
        let topic_policy = json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sns:Publish",
            "Resource": topic_arn, "Condition": {"ArnLike": {"aws:SourceArn": format!("arn:aws:s3:::{}", self.source_bucket)}}
        }]});
        sns.set_topic_attributes()
            .topic_arn(&topic_arn)
            .attribute_name("Policy")
            .attribute_value(topic_policy.to_string())
            .send()
            .await?;
        self.allow_queue_sender("sns.amazonaws.com", &topic_arn)
            .await?;
        sns.subscribe()
            .topic_arn(&topic_arn)
            .protocol("sqs")
            .endpoint(&self.queue_arn)
            .send()
            .await?;
        self.admin_a
            .s3()
            .put_bucket_notification_configuration()
            .bucket(&self.source_bucket)
            .notification_configuration(
                NotificationConfiguration::builder()
                    .topic_configurations(
                        TopicConfiguration::builder()
                            .topic_arn(&topic_arn)
                            .events(aws_sdk_s3::types::Event::from("s3:ObjectCreated:*"))
                            .build()?,
                    )
                    .build(),
            )
            .send()
            .await?;
        Ok(())
    }

    /// S3 sends every event to EventBridge; a rule forwards this bucket's
    /// "Object Created" events to the queue.
    pub async fn route_via_eventbridge(&self) -> Result<()> {
        self.admin_a
            .s3()
            .put_bucket_notification_configuration()
            .bucket(&self.source_bucket)
            .notification_configuration(
                NotificationConfiguration::builder()
                    .event_bridge_configuration(EventBridgeConfiguration::builder().build())
                    .build(),
            )
            .send()
            .await?;
        let events = aws_sdk_eventbridge::Client::new(&self.admin_a.sdk);
        let rule = unique("logs-created");
        let pattern = json!({
            "source": ["aws.s3"],
            "detail-type": ["Object Created"],
            "detail": {"bucket": {"name": [self.source_bucket]}}
        });
        let rule_arn = events
            .put_rule()
            .name(&rule)
            .event_pattern(pattern.to_string())
            .send()
            .await?
            .rule_arn
            .context("PutRule returned no ARN")?;
        self.allow_queue_sender("events.amazonaws.com", &rule_arn)
            .await?;
        events
            .put_targets()
            .rule(&rule)
            .targets(
                aws_sdk_eventbridge::types::Target::builder()
                    .id("shipper-queue")
                    .arn(&self.queue_arn)
                    .build()?,
            )
            .send()
            .await?;
        Ok(())
    }

    /// The queue policy a service needs to deliver into the shipper's queue.
    async fn allow_queue_sender(&self, service: &str, source_arn: &str) -> Result<()> {
        let policy = json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": service}, "Action": "sqs:SendMessage",
            "Resource": self.queue_arn, "Condition": {"ArnEquals": {"aws:SourceArn": source_arn}}
        }]});
        self.admin_a
            .sqs()
            .set_queue_attributes()
            .queue_url(&self.queue_url)
            .attributes(
                aws_sdk_sqs::types::QueueAttributeName::Policy,
                policy.to_string(),
            )
            .send()
            .await?;
        Ok(())
    }
}
