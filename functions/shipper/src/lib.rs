//! The logferry Lambda handler, kept apart from `main` so the emulator tests
//! drive the very function Lambda runs.
//!
//! - SQS batches (S3 → SQS, S3 → SNS → SQS, EventBridge → SQS) answer with an
//!   `SqsBatchResponse` naming only the failed message ids; with
//!   `ReportBatchItemFailures` on the mapping, the rest are deleted and the
//!   failed ones come back until the queue's redrive policy moves them to the DLQ.
//! - A direct S3 or EventBridge invocation fails as a whole if any object
//!   failed, so Lambda's own retries and on-failure destination take over.

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use lambda_runtime::{Error, LambdaEvent};
use logferry::{parse_event, parse_text, ObjectRef, ShipError, Shipper, Skip};
use serde_json::Value;
use tracing::Instrument;

/// What one invocation did, for a direct (non-SQS) event.
#[derive(Debug, Default, serde::Serialize, PartialEq, Eq)]
pub struct Summary {
    pub shipped: usize,
    pub skipped: usize,
}

/// The Lambda entry point: dispatch on the envelope.
pub async fn handle(event: LambdaEvent<Value>, shipper: &Shipper) -> Result<Value, Error> {
    let payload = event.payload;
    if is_sqs(&payload) {
        let sqs: SqsEvent =
            serde_json::from_value(payload).map_err(|e| format!("malformed SQS event: {e}"))?;
        return Ok(serde_json::to_value(handle_sqs(sqs, shipper).await)?);
    }
    let parsed = parse_event(&payload)?;
    log_skips(&parsed.skipped);
    let results = shipper.ship_many(parsed.objects).await;
    let mut summary = Summary {
        skipped: parsed.skipped.len(),
        ..Summary::default()
    };
    let mut failures = Vec::new();
    for (object, result) in results {
        match result {
            Ok(_) => summary.shipped += 1,
            Err(e) if e.is_skip() => summary.skipped += 1,
            Err(e) => failures.push(format!("s3://{}/{}: {e}", object.bucket, object.key)),
        }
    }
    if !failures.is_empty() {
        return Err(format!(
            "{} object(s) failed: {}",
            failures.len(),
            failures.join("; ")
        )
        .into());
    }
    Ok(serde_json::to_value(summary)?)
}

fn is_sqs(payload: &Value) -> bool {
    payload
        .pointer("/Records/0/eventSource")
        .and_then(Value::as_str)
        == Some("aws:sqs")
}

/// Ship every object of every message, at most `concurrency` objects at once,
/// and report the messages that must come back.
pub async fn handle_sqs(event: SqsEvent, shipper: &Shipper) -> SqsBatchResponse {
    let mut objects: Vec<(usize, ObjectRef)> = Vec::new();
    let mut failed: Vec<bool> = vec![false; event.records.len()];
    let ids: Vec<String> = event
        .records
        .iter()
        .map(|m| m.message_id.clone().unwrap_or_default())
        .collect();
    for (index, message) in event.records.iter().enumerate() {
        let span = tracing::info_span!("message", message_id = %ids[index]);
        let _enter = span.enter();
        match parse_text(message.body.as_deref().unwrap_or_default()) {
            Ok(parsed) => {
                log_skips(&parsed.skipped);
                objects.extend(parsed.objects.into_iter().map(|o| (index, o)));
            }
            Err(e) => {
                // Unparseable is permanent, but it is still reported so the
                // message reaches the DLQ instead of vanishing.
                tracing::error!(error = %e, "message is not a shippable event");
                failed[index] = true;
            }
        }
    }
    let (indexes, refs): (Vec<usize>, Vec<ObjectRef>) = objects.into_iter().unzip();
    let results = shipper
        .ship_many(refs)
        .instrument(tracing::info_span!("batch", messages = ids.len()))
        .await;
    for (index, (_, result)) in indexes.into_iter().zip(results) {
        if let Err(e) = result {
            failed[index] |= !ShipError::is_skip(&e);
        }
    }
    let mut response = SqsBatchResponse::default();
    response.batch_item_failures = ids
        .into_iter()
        .zip(failed)
        .filter(|(id, failed)| *failed && !id.is_empty())
        .map(|(id, _)| {
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = id;
            failure
        })
        .collect();
    response
}

fn log_skips(skipped: &[Skip]) {
    for skip in skipped {
        match skip {
            Skip::TestEvent => tracing::info!("s3:TestEvent acknowledged"),
            Skip::NotObjectCreated(name) => {
                tracing::info!(event_name = %name, "not an ObjectCreated event; skipped")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use lambda_runtime::Context;
    use logferry::{Clients, RawConfig};
    use serde_json::json;

    /// A shipper whose every HeadObject answers `status`.
    fn shipper_with_head_status(status: u16, body: &'static str) -> Shipper {
        let head = mock!(aws_sdk_s3::Client::head_object).then_http_response(move || {
            HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::from(body))
        });
        let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&head]);
        let config = RawConfig {
            dest_bucket: Some("archive-b".into()),
            ..Default::default()
        }
        .validate()
        .unwrap();
        let clients = Clients {
            source: client.clone(),
            archive: client,
        };
        Shipper::new(config, clients, "111122223333".into(), "eu-west-1".into())
    }

    fn s3_event(key: &str) -> Value {
        json!({"Records": [{
            "eventSource": "aws:s3", "awsRegion": "eu-west-1", "eventTime": "2026-11-21T00:00:00Z",
            "eventName": "ObjectCreated:Put",
            "s3": {"bucket": {"name": "acme-logs"}, "object": {"key": key, "size": 3}}
        }]})
    }

    async fn invoke(shipper: &Shipper, payload: Value) -> Result<Value, Error> {
        handle(LambdaEvent::new(payload, Context::default()), shipper).await
    }

    #[tokio::test]
    async fn a_direct_invocation_skips_a_deleted_source() {
        let shipper = shipper_with_head_status(404, "");
        let out = invoke(&shipper, s3_event("gone.log")).await.unwrap();
        assert_eq!(out, json!({"shipped": 0, "skipped": 1}));
    }

    #[tokio::test]
    async fn a_direct_invocation_fails_when_an_object_fails() {
        let denied = "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>";
        let shipper = shipper_with_head_status(403, denied);
        let err = invoke(&shipper, s3_event("secret.log"))
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("1 object(s) failed"), "{err}");
        assert!(err.contains("shipper-source-read.json.tpl"), "{err}");
    }

    #[tokio::test]
    async fn the_test_event_is_acknowledged() {
        let shipper = shipper_with_head_status(500, "");
        let payload =
            json!({"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": "acme-logs"});
        assert_eq!(
            invoke(&shipper, payload).await.unwrap(),
            json!({"shipped": 0, "skipped": 1})
        );
    }

    #[tokio::test]
    async fn an_sqs_batch_reports_only_failed_message_ids() {
        let shipper = shipper_with_head_status(404, "");
        let record = |id: &str, body: String| {
            json!({"messageId": id, "receiptHandle": "r", "body": body, "attributes": {}, "messageAttributes": {},
                   "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:eu-west-1:111122223333:q", "awsRegion": "eu-west-1"})
        };
        let payload = json!({"Records": [
            record("deleted-source", s3_event("gone.log").to_string()),
            record("not-an-event", "{\"hello\": 1}".to_string()),
        ]});
        let out = invoke(&shipper, payload).await.unwrap();
        assert_eq!(
            out,
            json!({"batchItemFailures": [{"itemIdentifier": "not-an-event"}]})
        );
    }
}
