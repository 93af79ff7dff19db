//! `logferry redrive`: once the cause of failures is fixed, move what the
//! shipper's dead-letter queue holds back to the queue it came from (or to
//! `--to`), with SQS's own message move task, and follow it to the end.
//!
//! "StartMessageMoveTask … Only standard queues support redrive", and the
//! source must be a dead-letter queue; without a destination, "messages are
//! moved back to the original source queue" (SQS API reference). SQS moves
//! the messages itself, so nothing passes through this process and a killed
//! `redrive` loses nothing: the task goes on, and a second `redrive` says it
//! is running.

use std::time::Duration;

use anyhow::{bail, Result};
use aws_sdk_sqs::types::QueueAttributeName;
use clap::Args;
use logferry::error::one_line;

#[derive(Args)]
pub struct RedriveArgs {
    /// The dead-letter queue's URL (the source account's `dlq_url` output).
    #[arg(long)]
    pub dlq: String,
    /// Move the messages to this queue instead of back to the queue each came from.
    #[arg(long)]
    pub to: Option<String>,
    /// Count the messages and show a few of the objects they name; move nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Messages moved per second, 1-500 (default: as fast as SQS moves them).
    #[arg(long, value_parser = rate)]
    pub rate: Option<i32>,
}

fn rate(value: &str) -> Result<i32, String> {
    logferry::settings::whole(1, 500)(value)
        .map(|n| i32::try_from(n).expect("500 fits an i32"))
        .map_err(|_| {
            "must be a whole number of messages per second from 1 to 500 (SQS's limit)".into()
        })
}

/// What a redrive did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redriven {
    /// `--dry-run`: how many messages there are, and a few of them.
    Counted { messages: i64, sample: Vec<String> },
    /// The move task ended: how many it moved of how many it found.
    Moved { moved: i64, of: i64 },
}

/// How often the move task is looked at while it runs.
const FOLLOW_EVERY: Duration = Duration::from_secs(1);

/// Redrive `args.dlq`; `progress` hears one line per look at a running task.
pub async fn redrive(
    args: &RedriveArgs,
    sqs: &aws_sdk_sqs::Client,
    progress: impl Fn(&str),
) -> Result<Redriven> {
    let (dlq_arn, messages) = queue(sqs, &args.dlq, "--dlq").await?;
    let sources = sqs
        .list_dead_letter_source_queues()
        .queue_url(&args.dlq)
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("listing the queues that use {} as their DLQ failed ({}); allow sqs:ListDeadLetterSourceQueues on it (infra/policies/redrive.json.tpl)", args.dlq, one_line(&e)))?;
    if sources.queue_urls().is_empty() {
        bail!(
            "{} is not a dead-letter queue: no queue's redrive policy names it, and SQS moves messages only out of one; give --dlq the shipper's DLQ (the `dlq_url` output)",
            args.dlq
        );
    }
    if args.dry_run {
        return Ok(Redriven::Counted {
            messages,
            sample: sample(sqs, &args.dlq).await?,
        });
    }
    if let Some(running) = running_task(sqs, &dlq_arn).await? {
        bail!("{running}");
    }
    let destination = match &args.to {
        Some(url) => Some(queue(sqs, url, "--to").await?.0),
        None => None,
    };
    sqs.start_message_move_task()
        .source_arn(&dlq_arn)
        .set_destination_arn(destination)
        .set_max_number_of_messages_per_second(args.rate)
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("starting the move out of {} failed ({}); the role needs sqs:StartMessageMoveTask, ReceiveMessage, DeleteMessage and GetQueueAttributes on the DLQ and SendMessage on the destination (infra/policies/redrive.json.tpl)", args.dlq, one_line(&e)))?;
    follow(sqs, &dlq_arn, progress).await
}

/// A queue's ARN and its visible message count; a missing queue is one line.
async fn queue(sqs: &aws_sdk_sqs::Client, url: &str, flag: &str) -> Result<(String, i64)> {
    let out = sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::QueueArn)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .send()
        .await
        .map_err(|e| {
            anyhow::anyhow!("cannot read the queue {url} ({}); check {flag}: a queue URL such as https://sqs.eu-west-1.amazonaws.com/111122223333/name, in this account and region", one_line(&e))
        })?;
    let attributes = out.attributes.unwrap_or_default();
    let arn = attributes
        .get(&QueueAttributeName::QueueArn)
        .cloned()
        .unwrap_or_default();
    let count = attributes
        .get(&QueueAttributeName::ApproximateNumberOfMessages)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    Ok((arn, count))
}

/// Up to five messages, each as the objects it names, looked at without
/// hiding them (a visibility timeout of 0), so nothing moves or waits.
async fn sample(sqs: &aws_sdk_sqs::Client, url: &str) -> Result<Vec<String>> {
    let out = sqs
        .receive_message()
        .queue_url(url)
        .max_number_of_messages(5)
        .visibility_timeout(0)
        .send()
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "reading a sample of {url} failed ({}); allow sqs:ReceiveMessage on it",
                one_line(&e)
            )
        })?;
    Ok(out
        .messages()
        .iter()
        .map(|m| describe(m.body().unwrap_or_default()))
        .collect())
}

/// A message as an operator wants to see it: the objects it names, or
/// the start of a body that is no event logferry understands.
fn describe(body: &str) -> String {
    match logferry::parse_text(body) {
        Ok(parsed) if !parsed.objects.is_empty() => parsed
            .objects
            .iter()
            .map(|o| format!("s3://{}/{}", o.bucket, o.key))
            .collect::<Vec<_>>()
            .join(" "),
        _ => format!(
            "not an event logferry ships: {}",
            body.chars().take(80).collect::<String>()
        ),
    }
}

/// The move task running out of `dlq_arn`, as one line naming how to wait
/// for it or stop it.
async fn running_task(sqs: &aws_sdk_sqs::Client, dlq_arn: &str) -> Result<Option<String>> {
    let latest = latest_task(sqs, dlq_arn).await?;
    Ok(latest.filter(|t| t.status() == Some("RUNNING")).map(|t| {
        format!(
            "a move out of {dlq_arn} is already running ({} of {} moved); wait for it to finish, or stop it with `aws sqs cancel-message-move-task --task-handle {}`",
            t.approximate_number_of_messages_moved(),
            t.approximate_number_of_messages_to_move().unwrap_or(0),
            t.task_handle().unwrap_or("<handle>")
        )
    }))
}

async fn latest_task(
    sqs: &aws_sdk_sqs::Client,
    dlq_arn: &str,
) -> Result<Option<aws_sdk_sqs::types::ListMessageMoveTasksResultEntry>> {
    let out = sqs
        .list_message_move_tasks()
        .source_arn(dlq_arn)
        .max_results(1)
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("listing the move tasks of {dlq_arn} failed ({}); allow sqs:ListMessageMoveTasks on it", one_line(&e)))?;
    Ok(out.results().first().cloned())
}

/// Look at the newest task until it is no longer running.
async fn follow(
    sqs: &aws_sdk_sqs::Client,
    dlq_arn: &str,
    progress: impl Fn(&str),
) -> Result<Redriven> {
    loop {
        let Some(task) = latest_task(sqs, dlq_arn).await? else {
            bail!("the move task out of {dlq_arn} disappeared; see `aws sqs list-message-move-tasks --source-arn {dlq_arn}`");
        };
        let (moved, of) = (
            task.approximate_number_of_messages_moved(),
            task.approximate_number_of_messages_to_move().unwrap_or(0),
        );
        match task.status().unwrap_or_default() {
            "RUNNING" | "CANCELLING" => {
                progress(&format!("moving: {moved} of {of} messages"));
                tokio::time::sleep(FOLLOW_EVERY).await;
            }
            "COMPLETED" => return Ok(Redriven::Moved { moved, of }),
            status => bail!(
                "the move out of {dlq_arn} ended {status} after {moved} of {of} messages: {}; what was not moved is still on the DLQ, run redrive again",
                task.failure_reason().unwrap_or("no reason given")
            ),
        }
    }
}

/// `logferry redrive`: one line per step on stderr, the result on stdout.
pub async fn run(args: RedriveArgs, sqs: &aws_sdk_sqs::Client) -> Result<std::process::ExitCode> {
    match redrive(&args, sqs, |line| eprintln!("{line}")).await? {
        Redriven::Counted { messages, sample } => {
            println!(
                "{messages} message(s) on {}; nothing moved (dry run)",
                args.dlq
            );
            for line in sample {
                println!("  {line}");
            }
        }
        Redriven::Moved { moved, of } => {
            println!("moved {moved} of {of} message(s) out of {}", args.dlq)
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}
