//! `logferry worker`: an SQS poller for ECS. A message is deleted only when
//! all its objects are verified in B (or skipped); failed messages are left
//! for redelivery and, after the queue's maxReceiveCount, its DLQ. While a
//! message is being shipped its visibility timeout is extended, and SIGTERM
//! stops receiving, lets in-flight work finish, and exits 0. Each received
//! batch is reported as one EMF document (`logferry::metrics`).

use std::time::Duration;

use aws_sdk_sqs::types::Message;
use clap::Args;
use logferry::error::one_line;
use logferry::metrics::{Emitter, ShipMetrics};
use logferry::{ship_messages, Shipper};
use tokio::sync::watch;
use tracing::Instrument;

#[derive(Args)]
pub struct WorkerArgs {
    /// The queue receiving the S3 (or SNS / EventBridge) notifications.
    #[arg(long, env = "LOGFERRY_QUEUE_URL")]
    pub queue_url: String,
    /// Seconds a received message stays invisible, 0-43200 (SQS's range); extended while it is being shipped.
    #[arg(long, env = "LOGFERRY_VISIBILITY_TIMEOUT", default_value_t = 120, value_parser = visibility_timeout)]
    pub visibility_timeout: i32,
    /// The `Service` dimension of the worker's metrics: one EMF document on stdout per received batch.
    #[arg(
        long,
        env = "LOGFERRY_METRICS_SERVICE",
        default_value = "logferry-worker"
    )]
    pub metrics_service: String,
}

/// Stop on SIGTERM (what ECS sends) or Ctrl-C.
pub fn stop_on_signals() -> watch::Receiver<bool> {
    let (stop_tx, stop) = watch::channel(false);
    tokio::spawn(async move {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler");
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        tracing::info!("stopping: no new messages, finishing in-flight work");
        let _ = stop_tx.send(true);
    });
    stop
}

/// SQS's visibility timeouts, 0-43200 seconds, through the settings' one number parser.
fn visibility_timeout(value: &str) -> Result<i32, String> {
    logferry::settings::whole(0, 43_200)(value)
        .map(|seconds| i32::try_from(seconds).expect("43200 fits an i32"))
        .map_err(|_| "is outside SQS's 0-43200 seconds; set it to a few times the time one message takes (default 120)".into())
}

/// Fail fast on a queue that does not exist or cannot be read.
pub async fn check(args: &WorkerArgs, sqs: &aws_sdk_sqs::Client) -> anyhow::Result<()> {
    sqs.get_queue_attributes()
        .queue_url(&args.queue_url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot read queue {} ({}); set LOGFERRY_QUEUE_URL to the shipper queue's URL, and allow sqs:GetQueueAttributes (infra/policies/shipper-queue-consume.json.tpl)",
                args.queue_url,
                one_line(&e)
            )
        })?;
    Ok(())
}

/// Poll until `stop` turns true; a batch already received is always finished.
/// A failing ReceiveMessage is retried with exponential back-off (1 s to
/// 64 s), one log line per step.
pub async fn run(
    args: &WorkerArgs,
    shipper: &Shipper,
    sqs: &aws_sdk_sqs::Client,
    mut stop: watch::Receiver<bool>,
    emitter: &Emitter,
) {
    let mut backoff = Duration::from_secs(1);
    while !*stop.borrow() {
        let received = tokio::select! {
            r = sqs.receive_message().queue_url(&args.queue_url).max_number_of_messages(10)
                .wait_time_seconds(20).visibility_timeout(args.visibility_timeout).send() => r,
            _ = stop.changed() => break,
        };
        let messages = match received {
            Ok(out) => {
                backoff = Duration::from_secs(1);
                out.messages.unwrap_or_default()
            }
            Err(e) => {
                tracing::error!(error = %one_line(&e), retry_in_s = backoff.as_secs(), "ReceiveMessage failed");
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = stop.changed() => break,
                }
                backoff = (backoff * 2).min(Duration::from_secs(64));
                continue;
            }
        };
        if !messages.is_empty() {
            // In-flight work always finishes: the stop signal is only checked between batches.
            ship_batch(args, shipper, sqs, messages, emitter).await;
        }
    }
}

/// Ship a received batch as one: at most `concurrency` objects at once
/// across all its messages; delete the messages whose objects all landed.
async fn ship_batch(
    args: &WorkerArgs,
    shipper: &Shipper,
    sqs: &aws_sdk_sqs::Client,
    messages: Vec<Message>,
    emitter: &Emitter,
) {
    let receipts: Vec<String> = messages
        .iter()
        .map(|m| m.receipt_handle().unwrap_or_default().to_string())
        .collect();
    let heartbeats: Vec<_> = receipts
        .iter()
        .map(|r| {
            keep_invisible(
                sqs.clone(),
                args.queue_url.clone(),
                r.clone(),
                args.visibility_timeout,
            )
        })
        .collect();
    let batch: Vec<logferry::Message> = messages
        .iter()
        .map(|m| logferry::Message {
            id: m.message_id().unwrap_or_default().to_string(),
            body: m.body().unwrap_or_default().to_string(),
        })
        .collect();
    let mut metrics = ShipMetrics::default();
    let reports = ship_messages(shipper, &batch, &mut metrics)
        .instrument(tracing::info_span!("batch", messages = batch.len()))
        .await;
    let auth = shipper.config().auth.name();
    emitter.emit(metrics.documents(&args.metrics_service, auth, chrono::Utc::now()));
    heartbeats.iter().for_each(|h| h.abort());
    for (report, receipt) in reports.iter().zip(&receipts) {
        if !report.done() {
            tracing::warn!(message_id = %report.id, failed = report.objects.failed, "left on the queue for another try (then the DLQ)");
            continue;
        }
        if let Err(e) = sqs
            .delete_message()
            .queue_url(&args.queue_url)
            .receipt_handle(receipt)
            .send()
            .await
        {
            tracing::error!(message_id = %report.id, error = %one_line(&e), "DeleteMessage failed; the message will be shipped again (idempotent)");
        }
    }
}

/// Extend the message's visibility at half the timeout until aborted.
pub fn keep_invisible(
    sqs: aws_sdk_sqs::Client,
    queue_url: String,
    receipt: String,
    timeout: i32,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let every = Duration::from_secs((timeout.max(2) / 2) as u64);
        loop {
            tokio::time::sleep(every).await;
            let extended = sqs
                .change_message_visibility()
                .queue_url(&queue_url)
                .receipt_handle(&receipt)
                .visibility_timeout(timeout)
                .send()
                .await;
            if let Err(e) = extended {
                tracing::warn!(error = %one_line(&e), "could not extend visibility");
            }
        }
    })
}
