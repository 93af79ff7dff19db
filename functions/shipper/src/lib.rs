//! The logferry Lambda handler, kept apart from `main` so the emulator tests
//! drive the very function Lambda runs.
//!
//! - SQS batches (S3 → SQS, S3 → SNS → SQS, EventBridge → SQS) answer with an
//!   `SqsBatchResponse` naming only the failed message ids; with
//!   `ReportBatchItemFailures` on the mapping, the rest are deleted and the
//!   failed ones come back until the queue's redrive policy moves them to the DLQ.
//! - A direct S3 or EventBridge invocation fails as a whole if any object
//!   failed, so Lambda's own retries and on-failure destination take over.
//!
//! - An S3 Batch Operations task answers per task ([`batch`]).
//!
//! Either way, one EMF document (more when over 100 objects landed) reports
//! the invocation: objects by fate, bytes and lag (`logferry::metrics`).

pub mod batch;
pub mod runtime;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use lambda_runtime::{Diagnostic, LambdaEvent};
use logferry::metrics::{Emitter, ShipMetrics};
use logferry::ship::messages::{log_gone, log_skips};
use logferry::{parse_event, ship_messages, Deadline, Message, Outcome, Shipper, Tally};
use serde_json::Value;
use std::time::{Duration, SystemTime};
use tokio::time::Instant;

/// Time kept back from the invocation's deadline to abort uploads and answer.
const ANSWER_MARGIN: Duration = Duration::from_secs(3);

/// Why an invocation failed, as Lambda reports it: an `errorType` that
/// names the failure (`logferry.ObjectsFailed` …), not a Rust type, and one
/// line.
pub struct Failure {
    pub kind: &'static str,
    pub message: String,
}

impl Failure {
    pub(crate) fn new(kind: &'static str, message: impl Into<String>) -> Self {
        Failure {
            kind,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// One line, as the runtime logs a handler's error (`{:?}`): the
/// `errorType` and the message, not a struct dump.
impl std::fmt::Debug for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "logferry.{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for Failure {}

impl From<Failure> for Diagnostic {
    fn from(failure: Failure) -> Self {
        Diagnostic {
            error_type: format!("logferry.{}", failure.kind),
            error_message: failure.message,
        }
    }
}

/// The Lambda entry point: dispatch on the envelope, and report the
/// invocation to `emitter` under the function's name, whatever its end.
/// Work stops [`ANSWER_MARGIN`] before the invocation's deadline, so
/// unfinished objects are reported failed (and come back) rather than cut
/// off by a timeout.
pub async fn handle(
    event: LambdaEvent<Value>,
    shipper: &Shipper,
    emitter: &Emitter,
) -> Result<Value, Failure> {
    let service = match event.context.env_config.function_name.as_str() {
        "" => "logferry-shipper".to_string(),
        name => name.to_string(),
    };
    let mut metrics = ShipMetrics::default();
    let answer = ship_event(event, shipper, &mut metrics).await;
    let auth = shipper.config().auth.name();
    emitter.emit(metrics.documents(&service, auth, chrono::Utc::now()));
    answer
}

async fn ship_event(
    event: LambdaEvent<Value>,
    shipper: &Shipper,
    metrics: &mut ShipMetrics,
) -> Result<Value, Failure> {
    let stopping;
    let shipper = match stop_at(event.context.deadline, SystemTime::now()) {
        Some(deadline) => {
            stopping = shipper.with_deadline(Deadline::at(deadline));
            &stopping
        }
        None => shipper,
    };
    let payload = event.payload;
    if batch::is_batch(&payload) {
        return batch::handle(payload, shipper, metrics).await;
    }
    if is_sqs(&payload) {
        let sqs: SqsEvent = serde_json::from_value(payload)
            .map_err(|e| Failure::new("MalformedEvent", format!("malformed SQS event: {e}")))?;
        let response = handle_sqs(sqs, shipper, metrics).await;
        return serde_json::to_value(response).map_err(|e| Failure::new("Internal", e.to_string()));
    }
    let parsed =
        parse_event(&payload).map_err(|e| Failure::new("UnsupportedEvent", e.to_string()))?;
    log_skips(&parsed.skipped);
    metrics.skip(parsed.skipped.len());
    let mut tally = Tally {
        skipped: parsed.skipped.len(),
        ..Tally::default()
    };
    let mut failures = Vec::new();
    let mut gone = Vec::new();
    for (object, result) in shipper.ship_many(parsed.objects).await {
        metrics.record(&result);
        let outcome = Outcome::of(&result);
        tally.add(outcome);
        match (outcome, &result) {
            (Outcome::Failed, Err(e)) => {
                failures.push(format!("s3://{}/{}: {e}", object.bucket, object.key))
            }
            (Outcome::Skipped, _) => gone.push(object),
            _ => {}
        }
    }
    log_gone(&event.context.request_id, &gone);
    if !failures.is_empty() {
        let message = format!(
            "{} object(s) failed: {}",
            failures.len(),
            failures.join("; ")
        );
        return Err(Failure::new("ObjectsFailed", message));
    }
    Ok(serde_json::json!({"shipped": tally.shipped, "skipped": tally.skipped}))
}

/// When to stop, from the context's deadline in epoch milliseconds (0, as in
/// a test's default context, means none).
pub fn stop_at(deadline_ms: u64, now: SystemTime) -> Option<Instant> {
    logferry::deadline::invocation_stop(deadline_ms, now, ANSWER_MARGIN)
}

fn is_sqs(payload: &Value) -> bool {
    payload
        .pointer("/Records/0/eventSource")
        .and_then(Value::as_str)
        == Some("aws:sqs")
}

/// Ship every object of every message, at most `concurrency` objects at once,
/// and report the messages that must come back.
pub async fn handle_sqs(
    event: SqsEvent,
    shipper: &Shipper,
    metrics: &mut ShipMetrics,
) -> SqsBatchResponse {
    let messages: Vec<Message> = event
        .records
        .into_iter()
        .map(|m| Message {
            id: m.message_id.unwrap_or_default(),
            body: m.body.unwrap_or_default(),
        })
        .collect();
    let mut response = SqsBatchResponse::default();
    response.batch_item_failures = ship_messages(shipper, &messages, metrics)
        .await
        .into_iter()
        .filter(|report| !report.done() && !report.id.is_empty())
        .map(|report| {
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = report.id;
            failure
        })
        .collect();
    response
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use lambda_runtime::Context;
    use logferry::{Clients, ShipSettings};
    use serde_json::json;
    use std::time::UNIX_EPOCH;

    /// A HeadObject rule that always answers `status`.
    fn head_status(status: u16, body: &'static str) -> aws_smithy_mocks::Rule {
        mock!(aws_sdk_s3::Client::head_object).then_http_response(move || {
            HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::from(body))
        })
    }

    /// A shipper whose every HeadObject answers `status`.
    pub(crate) fn shipper_with_head_status(status: u16, body: &'static str) -> Shipper {
        shipper_with(&head_status(status, body))
    }

    fn shipper_with(head: &aws_smithy_mocks::Rule) -> Shipper {
        let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [head]);
        let config = ShipSettings {
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

    pub(crate) async fn invoke(shipper: &Shipper, payload: Value) -> Result<Value, Failure> {
        invoke_reported(shipper, payload).await.0
    }

    /// The answer, and the one EMF document the invocation was reported in.
    async fn invoke_reported(shipper: &Shipper, payload: Value) -> (Result<Value, Failure>, Value) {
        let emitter = Emitter::memory();
        let out = handle(
            LambdaEvent::new(payload, Context::default()),
            shipper,
            &emitter,
        )
        .await;
        let documents = emitter.documents();
        assert_eq!(documents.len(), 1, "{documents:?}");
        logferry::metrics::check(&documents[0]).unwrap();
        (out, documents[0].clone())
    }

    #[tokio::test]
    async fn a_direct_invocation_skips_a_deleted_source() {
        let shipper = shipper_with_head_status(404, "");
        let (out, emf) = invoke_reported(&shipper, s3_event("gone.log")).await;
        assert_eq!(out.unwrap(), json!({"shipped": 0, "skipped": 1}));
        assert_eq!(emf["ObjectsSkipped"], 1);
        assert_eq!(emf["ObjectsShipped"], 0);
        assert_eq!(emf["Service"], "logferry-shipper");
        assert_eq!(emf["AuthMode"], "direct");
    }

    #[tokio::test]
    async fn a_direct_invocation_fails_when_an_object_fails() {
        let denied = "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>";
        let shipper = shipper_with_head_status(403, denied);
        let (out, emf) = invoke_reported(&shipper, s3_event("secret.log")).await;
        let failure = out.unwrap_err();
        let err = failure.to_string();
        assert!(err.contains("1 object(s) failed"), "{err}");
        let diagnostic = Diagnostic::from(failure);
        assert_eq!(diagnostic.error_type, "logferry.ObjectsFailed");
        // A failed invocation is reported too, in its class.
        assert_eq!(emf["ObjectsAccessDenied"], 1);
        assert_eq!(emf["ObjectsFailedPermanent"], 0);
        assert!(err.contains("shipper-source-read.json.tpl"), "{err}");
    }

    /// An event the shipper does not take (here a DynamoDB stream record)
    /// fails with an errorType that says so, not a Rust type name.
    #[tokio::test]
    async fn an_unsupported_event_names_its_error_type_and_one_line() {
        let shipper = shipper_with_head_status(500, "");
        let payload = json!({"Records": [{"eventSource": "aws:dynamodb", "eventName": "INSERT"}]});
        let failure = invoke(&shipper, payload).await.unwrap_err();
        // What the runtime logs of it (`{:?}`) is the same one line.
        let logged = format!("{failure:?}");
        assert!(logged.starts_with("logferry.UnsupportedEvent: ") && !logged.contains('\n'));
        let diagnostic = Diagnostic::from(failure);
        assert_eq!(diagnostic.error_type, "logferry.UnsupportedEvent");
        assert!(!diagnostic.error_message.is_empty() && !diagnostic.error_message.contains('\n'));
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

    fn sqs_record(id: &str, body: String) -> Value {
        json!({"messageId": id, "receiptHandle": "r", "body": body, "attributes": {}, "messageAttributes": {},
               "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:eu-west-1:111122223333:q", "awsRegion": "eu-west-1"})
    }

    #[tokio::test]
    async fn near_the_deadline_records_are_not_started_and_come_back() {
        let head = head_status(500, "");
        let shipper = shipper_with(&head);
        let mut context = Context::default();
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        context.deadline = (now + Duration::from_secs(4)).as_millis() as u64;
        let payload = json!({"Records": [sqs_record("late", s3_event("late.log").to_string())]});
        let emitter = Emitter::memory();
        let out = handle(LambdaEvent::new(payload, context), &shipper, &emitter)
            .await
            .unwrap();
        assert_eq!(emitter.documents()[0]["ObjectsFailedRetryable"], 1);
        assert_eq!(
            out,
            json!({"batchItemFailures": [{"itemIdentifier": "late"}]})
        );
        assert_eq!(
            head.num_calls(),
            0,
            "an object was started after the deadline"
        );
    }

    #[test]
    fn the_stop_time_keeps_a_margin_before_the_deadline() {
        let now = SystemTime::now();
        let ms = |d: Duration| (now + d).duration_since(UNIX_EPOCH).unwrap().as_millis() as u64;
        assert_eq!(stop_at(0, now), None, "no deadline in a default context");
        let stop = stop_at(ms(Duration::from_secs(60)), now).unwrap();
        let left = stop - Instant::now();
        assert!(
            left <= Duration::from_secs(57) && left > Duration::from_secs(30),
            "{left:?}"
        );
        let passed = stop_at(ms(Duration::from_secs(1)), now).unwrap();
        assert!(
            passed <= Instant::now(),
            "a deadline inside the margin stops at once"
        );
    }
}
