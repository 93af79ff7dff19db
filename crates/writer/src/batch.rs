//! Queue messages in, one verdict per message out: the step every queue
//! consumer (Lambda's SQS batches, the ECS worker) shares. The objects of
//! all messages are shipped together, so at most `concurrency` objects are
//! in flight however many messages arrived, and a message may be deleted only
//! when every object in it landed or was skipped.

use tracing::Instrument;

use crate::error::ShipError;
use crate::event::{parse_text, ObjectRef, Skip};
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
/// report per message.
pub async fn ship_messages(shipper: &Shipper, messages: &[Message]) -> Vec<MessageReport> {
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
    for (index, (_, result)) in owners.into_iter().zip(results) {
        reports[index].objects.add(Outcome::of(&result));
    }
    reports
}

/// S3's test event and non-ObjectCreated events are acknowledged, with one line each.
pub fn log_skips(skipped: &[Skip]) {
    for skip in skipped {
        match skip {
            Skip::TestEvent => tracing::info!("s3:TestEvent acknowledged"),
            Skip::NotObjectCreated(name) => {
                tracing::info!(event_name = %name, "not an ObjectCreated event; skipped")
            }
        }
    }
}
