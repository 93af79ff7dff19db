//! `logferry worker`: an SQS poller for ECS. A message is deleted only when
//! all its objects are verified in B (or skipped); failed messages are left
//! for redelivery and, after the queue's maxReceiveCount, its DLQ. While a
//! message is being shipped its visibility timeout is extended, and SIGTERM
//! stops receiving, lets in-flight work finish, and exits 0.

use std::time::Duration;

use aws_sdk_sqs::types::Message;
use clap::Args;
use logferry::{parse_text, Shipper};
use tokio::sync::watch;
use tracing::Instrument;

#[derive(Args)]
pub struct WorkerArgs {
    /// The queue receiving the S3 (or SNS / EventBridge) notifications.
    #[arg(long, env = "LOGFERRY_QUEUE_URL")]
    pub queue_url: String,
    /// Seconds a received message stays invisible; extended while it is being shipped.
    #[arg(long, env = "LOGFERRY_VISIBILITY_TIMEOUT", default_value_t = 120)]
    pub visibility_timeout: i32,
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

/// Poll until `stop` turns true; a batch already received is always finished.
pub async fn run(
    args: &WorkerArgs,
    shipper: &Shipper,
    sqs: &aws_sdk_sqs::Client,
    mut stop: watch::Receiver<bool>,
) {
    while !*stop.borrow() {
        let received = tokio::select! {
            r = sqs.receive_message().queue_url(&args.queue_url).max_number_of_messages(10)
                .wait_time_seconds(20).visibility_timeout(args.visibility_timeout).send() => r,
            _ = stop.changed() => break,
        };
        let messages = match received {
            Ok(out) => out.messages.unwrap_or_default(),
            Err(e) => {
                tracing::error!(error = %aws_sdk_sqs::error::DisplayErrorContext(&e), "ReceiveMessage failed; retrying in 5 s");
                tokio::time::sleep(Duration::from_secs(5)).await;
                continue;
            }
        };
        // In-flight work always finishes: the stop signal is only checked between batches.
        futures::future::join_all(messages.into_iter().map(|m| handle(args, shipper, sqs, m)))
            .await;
    }
}

async fn handle(args: &WorkerArgs, shipper: &Shipper, sqs: &aws_sdk_sqs::Client, message: Message) {
    let span =
        tracing::info_span!("message", message_id = %message.message_id().unwrap_or_default());
    ship_message(args, shipper, sqs, message)
        .instrument(span)
        .await
}

async fn ship_message(
    args: &WorkerArgs,
    shipper: &Shipper,
    sqs: &aws_sdk_sqs::Client,
    message: Message,
) {
    let receipt = message.receipt_handle().unwrap_or_default().to_string();
    let parsed = match parse_text(message.body().unwrap_or_default()) {
        Ok(parsed) => parsed,
        Err(e) => {
            tracing::error!(error = %e, "not a shippable event; left for the DLQ");
            return;
        }
    };
    let heartbeat = keep_invisible(
        sqs.clone(),
        args.queue_url.clone(),
        receipt.clone(),
        args.visibility_timeout,
    );
    let results = shipper.ship_many(parsed.objects).await;
    heartbeat.abort();
    if results
        .iter()
        .all(|(_, r)| r.as_ref().map_or_else(|e| e.is_skip(), |_| true))
    {
        if let Err(e) = sqs
            .delete_message()
            .queue_url(&args.queue_url)
            .receipt_handle(&receipt)
            .send()
            .await
        {
            tracing::error!(error = %aws_sdk_sqs::error::DisplayErrorContext(&e), "DeleteMessage failed; the message will be shipped again (idempotent)");
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
                tracing::warn!(error = %aws_sdk_sqs::error::DisplayErrorContext(&e), "could not extend visibility");
            }
        }
    })
}
