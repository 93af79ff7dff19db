//! Queue messages in, one verdict per message out: the step every queue
//! consumer (Lambda's SQS batches, the ECS worker) shares. The objects of
//! all messages are shipped together, so at most `concurrency` objects are
//! in flight however many messages arrived, and a message may be deleted only
//! when every object in it landed or was skipped.

use tracing::Instrument;

use crate::error::ShipError;
use crate::metrics::ShipMetrics;
use crate::ship::event::{parse_text, ObjectRef, Skip};
use crate::ship::{Shipped, Shipper};

/// How one object ended, for counting and reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Shipped,
    /// Gone before it could be read: nothing to ship, nothing to retry.
    Skipped,
    Failed,
}

impl Outcome {
    pub fn of(result: &Result<Shipped, ShipError>) -> Outcome {
        match result {
            Ok(_) => Outcome::Shipped,
            Err(e) if e.is_skip() => Outcome::Skipped,
            Err(_) => Outcome::Failed,
        }
    }
}

/// Shipped / skipped / failed counts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    pub shipped: usize,
    pub skipped: usize,
    pub failed: usize,
}

impl Tally {
    pub fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Shipped => self.shipped += 1,
            Outcome::Skipped => self.skipped += 1,
            Outcome::Failed => self.failed += 1,
        }
    }
}

/// One queue message as the consumer received it.
#[derive(Debug, Clone)]
pub struct Message {
    pub id: String,
    pub body: String,
}

/// What became of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageReport {
    pub id: String,
    pub objects: Tally,
    /// Not an event logferry understands; it must reach the DLQ, not vanish.
    pub unparseable: bool,
}

impl MessageReport {
    /// Delete it: everything in it landed or no longer exists.
    pub fn done(&self) -> bool {
        !self.unparseable && self.objects.failed == 0
    }
}

/// Ship every object of every message, at most `concurrency` at once, and
/// report per message; every object's fate is counted into `metrics`.
pub async fn ship_messages(
    shipper: &Shipper,
    messages: &[Message],
    metrics: &mut ShipMetrics,
) -> Vec<MessageReport> {
    let mut reports: Vec<MessageReport> = messages
        .iter()
        .map(|m| MessageReport {
            id: m.id.clone(),
            objects: Tally::default(),
            unparseable: false,
        })
        .collect();
    let mut owners = Vec::new();
    let mut objects: Vec<ObjectRef> = Vec::new();
    for (index, message) in messages.iter().enumerate() {
        let span = tracing::info_span!("message", message_id = %message.id);
        let _enter = span.enter();
        match parse_text(&message.body) {
            Ok(parsed) => {
                log_skips(&parsed.skipped);
                metrics.skip(parsed.skipped.len());
                owners.extend(std::iter::repeat_n(index, parsed.objects.len()));
                objects.extend(parsed.objects);
            }
            Err(e) => {
                tracing::error!(error = %e, "not a shippable event; reported failed so it reaches the DLQ");
                reports[index].unparseable = true;
            }
        }
    }
    let results = shipper
        .ship_many(objects)
        .instrument(tracing::info_span!("batch", messages = messages.len()))
        .await;
    let mut gone: Vec<Vec<ObjectRef>> = vec![Vec::new(); messages.len()];
    for (index, (object, result)) in owners.into_iter().zip(results) {
        metrics.record(&result);
        let outcome = Outcome::of(&result);
        reports[index].objects.add(outcome);
        if outcome == Outcome::Skipped {
            gone[index].push(object);
        }
    }
    for (message, gone) in messages.iter().zip(gone) {
        log_gone(&message.id, &gone);
    }
    reports
}

/// One line per message for all its sources that no longer exist.
pub fn log_gone(message_id: &str, gone: &[ObjectRef]) {
    let Some(first) = gone.first() else { return };
    tracing::warn!(
        message_id,
        skipped = gone.len(),
        first = %format!("s3://{}/{}", first.bucket, first.key),
        "{} source object(s) no longer exist; skipped",
        gone.len()
    );
}

/// S3's test event and non-ObjectCreated events are acknowledged: one line
/// per kind, with how many there were.
pub fn log_skips(skipped: &[Skip]) {
    let mut kinds: Vec<(&Skip, usize)> = Vec::new();
    for skip in skipped {
        match kinds.iter_mut().find(|(kind, _)| *kind == skip) {
            Some((_, count)) => *count += 1,
            None => kinds.push((skip, 1)),
        }
    }
    for (skip, count) in kinds {
        match skip {
            Skip::TestEvent => tracing::info!(count, "s3:TestEvent acknowledged"),
            Skip::NotObjectCreated(name) => {
                tracing::info!(event_name = %name, count, "not an ObjectCreated event; skipped")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ShipSettings;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use std::sync::{Arc, Mutex};

    /// Log lines written while the test runs.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn a_message_of_many_gone_objects_logs_one_line() {
        let head = mock!(aws_sdk_s3::Client::head_object).then_http_response(|| {
            HttpResponse::new(StatusCode::try_from(404).unwrap(), SdkBody::empty())
        });
        let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&head]);
        let shipper = crate::ship::test_shipper(
            client,
            ShipSettings {
                dest_bucket: Some("archive-b".into()),
                ..Default::default()
            },
        );
        let records: Vec<_> = (0..50)
            .map(|i| serde_json::json!({"eventSource": "aws:s3", "awsRegion": "eu-west-1", "eventTime": "2026-11-21T00:00:00Z",
                "eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "acme-logs"}, "object": {"key": format!("gone/{i}.log"), "size": 3}}}))
            .chain((0..5).map(|_| serde_json::json!({"eventSource": "aws:s3", "awsRegion": "eu-west-1", "eventTime": "2026-11-21T00:00:00Z", "eventName": "ObjectRemoved:Delete",
                "s3": {"bucket": {"name": "acme-logs"}, "object": {"key": "x"}}})))
            .collect();
        let message = Message {
            id: "m-1".into(),
            body: serde_json::json!({ "Records": records }).to_string(),
        };
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let reports = ship_messages(&shipper, &[message], &mut ShipMetrics::default()).await;
        assert!(reports[0].done(), "{reports:?}");
        assert_eq!(reports[0].objects.skipped, 50);
        let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        let gone: Vec<_> = logs
            .lines()
            .filter(|l| l.contains("no longer exist"))
            .collect();
        assert_eq!(gone.len(), 1, "{logs}");
        assert!(gone[0].contains("skipped=50"), "{}", gone[0]);
        let removed: Vec<_> = logs
            .lines()
            .filter(|l| l.contains("not an ObjectCreated"))
            .collect();
        assert_eq!(removed.len(), 1, "{logs}");
        assert!(removed[0].contains("count=5"), "{}", removed[0]);
    }
}
