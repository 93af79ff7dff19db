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
