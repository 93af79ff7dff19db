//! `logferry redrive` on the emulator, which implements SQS's message move
//! tasks, run as the redrive role Terraform makes: a session of a role under
//! `infra/policies/redrive.json.tpl` (trusted as `redrive-trust.json.tpl`
//! says), with IAM enforced. A dry run moves nothing; a redrive moves every
//! message back to the queue it came from; bad input is one line.

use anyhow::{Context, Result};
use logferry_cli::redrive::{redrive, RedriveArgs, Redriven};
use logferry_tests::account::sdk_config;
use logferry_tests::policy::{render, trust_for_strict_emulator};
use logferry_tests::probe::{outcome, Outcome};
use logferry_tests::world::REGION;
use logferry_tests::{eventually, World};
use serde_json::json;

fn event(key: &str, bucket: &str) -> String {
    json!({"Records": [{"eventSource": "aws:s3", "awsRegion": REGION, "eventTime": "2026-12-01T00:00:00Z",
        "eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": bucket}, "object": {"key": key, "size": 1}}}]})
    .to_string()
}

/// An SQS client of a session of the redrive role, made as Terraform makes
/// it: trusted by the operator (account A's admin here), allowed only what
/// the policy says on the DLQ and the shipper's queue.
async fn operator(world: &World, dlq_url: &str) -> Result<aws_sdk_sqs::Client> {
    let dlq_arn = world
        .admin_a
        .sqs()
        .get_queue_attributes()
        .queue_url(dlq_url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await?
        .attributes
        .and_then(|a| {
            a.get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn)
                .cloned()
        })
        .context("the DLQ's ARN")?;
    let trust = render(
        "redrive-trust.json.tpl",
        &json!({"redrive_principal_arns": [world.admin_a.arn]}),
    )?;
    let permissions = render(
        "redrive.json.tpl",
        &json!({"dlq_arn": dlq_arn, "redrive_destination_arns": [world.queue_arn]}),
    )?;
    let name = logferry_tests::account::unique("redrive");
    let role = world
        .admin_a
        .create_role(
            &name,
            &trust_for_strict_emulator(trust),
            "redrive",
            permissions,
        )
        .await?;
    let credentials = world.admin_a.assume(&role, "operator", "redrive").await?;
    Ok(aws_sdk_sqs::Client::new(
        &sdk_config(&world.endpoint, credentials).await,
    ))
}

fn args(dlq: &str) -> RedriveArgs {
    RedriveArgs {
        dlq: dlq.to_string(),
        to: None,
        dry_run: false,
        rate: None,
    }
}

/// A redrive, then a dry run (in that order because of gap
/// [`logferry_tests::gaps::MOVE_TASK_SKIPS_RECEIVED`]).
#[tokio::test]
async fn a_redrive_moves_every_message_back_and_a_dry_run_moves_none() -> Result<()> {
    let world = World::builder().dead_letter_after(1).build().await?;
    let dlq = world.dlq_url.clone().context("a DLQ")?;
    let park = |keys: std::ops::Range<usize>| {
        let (admin, dlq, bucket) = (
            world.admin_a.sqs(),
            dlq.clone(),
            world.source_bucket.clone(),
        );
        async move {
            for i in keys {
                let body = event(&format!("redrive/{i}.log"), &bucket);
                admin
                    .send_message()
                    .queue_url(&dlq)
                    .message_body(body)
                    .send()
                    .await?;
            }
            anyhow::Ok(())
        }
    };
    park(0..3).await?;
    let sqs = operator(&world, &dlq).await?;

    let moved = redrive(&args(&dlq), &sqs, |_| {}).await?;
    assert_eq!(moved, Redriven::Moved { moved: 3, of: 3 });
    eventually(
        "the three messages are back on the shipper's queue",
        || async {
            Ok(world.queue_depth(&world.queue_url).await? == 3
                && world.queue_depth(&dlq).await? == 0)
        },
    )
    .await?;

    park(3..5).await?;
    let counted = redrive(
        &RedriveArgs {
            dry_run: true,
            ..args(&dlq)
        },
        &sqs,
        |_| {},
    )
    .await?;
    let Redriven::Counted { messages, sample } = counted else {
        panic!("a dry run moved: {counted:?}");
    };
    assert_eq!(messages, 2);
    assert!(!sample.is_empty());
    for line in &sample {
        assert!(
            line.starts_with(&format!("s3://{}/redrive/", world.source_bucket)),
            "{line}"
        );
    }
    assert_eq!(
        world.queue_depth(&dlq).await?,
        2,
        "a dry run moved messages"
    );
    assert_eq!(world.queue_depth(&world.queue_url).await?, 3);

    // The role may do nothing else: not read the shipper's queue, not
    // write to the DLQ.
    let denied = |o: Outcome| assert_eq!(o, Outcome::Denied);
    denied(outcome(
        sqs.receive_message()
            .queue_url(&world.queue_url)
            .send()
            .await,
    ));
    denied(outcome(
        sqs.send_message()
            .queue_url(&dlq)
            .message_body("x")
            .send()
            .await,
    ));
    Ok(())
}

#[tokio::test]
async fn bad_input_is_one_line_that_names_the_fix() -> Result<()> {
    let world = World::builder().dead_letter_after(1).build().await?;
    let dlq = world.dlq_url.clone().context("a DLQ")?;
    let admin = world.admin_a.sqs();
    let one_line = |err: anyhow::Error, says: &str| {
        let err = format!("{err:#}");
        assert!(err.contains(says), "{err}");
        assert!(!err.contains('\n'), "{err}");
    };

    let missing = format!("{}/{}/no-such-queue", world.endpoint, world.admin_a.id);
    one_line(
        redrive(&args(&missing), &admin, |_| {}).await.unwrap_err(),
        "check --dlq",
    );
    one_line(
        redrive(&args(&world.queue_url), &admin, |_| {})
            .await
            .unwrap_err(),
        "is not a dead-letter queue",
    );
    let to_nowhere = RedriveArgs {
        to: Some(missing.clone()),
        ..args(&dlq)
    };
    admin
        .send_message()
        .queue_url(&dlq)
        .message_body(event("a.log", "b"))
        .send()
        .await?;
    one_line(
        redrive(&to_nowhere, &admin, |_| {}).await.unwrap_err(),
        "check --to",
    );

    // A move already running (slowly: one message a second) is named, with
    // how to stop it, and not started twice.
    for i in 0..5 {
        admin
            .send_message()
            .queue_url(&dlq)
            .message_body(event(&format!("{i}.log"), "b"))
            .send()
            .await?;
    }
    let dlq_arn = format!(
        "arn:aws:sqs:{REGION}:{}:{}",
        world.admin_a.id,
        dlq.rsplit('/').next().unwrap_or_default()
    );
    admin
        .start_message_move_task()
        .source_arn(&dlq_arn)
        .max_number_of_messages_per_second(1)
        .send()
        .await?;
    let err = redrive(&args(&dlq), &admin, |_| {}).await.unwrap_err();
    let text = format!("{err:#}");
    one_line(err, "already running");
    assert!(text.contains("cancel-message-move-task"), "{text}");
    let tasks = admin
        .list_message_move_tasks()
        .source_arn(&dlq_arn)
        .send()
        .await?;
    if let Some(handle) = tasks.results().first().and_then(|t| t.task_handle()) {
        admin
            .cancel_message_move_task()
            .task_handle(handle)
            .send()
            .await?;
    }
    Ok(())
}
