//! The ECS worker and the batch CLI, on the emulator with IAM enforced: the
//! same library calls the `logferry` binary makes, with the shipper's
//! least-privilege identity.

use std::time::{Duration, Instant};

use anyhow::Result;
use logferry_cli::{ship, worker};
use logferry_tests::policy::render;
use logferry_tests::{eventually, Mode, World};
use serde_json::json;
use tokio::sync::watch;

#[tokio::test]
async fn worker_deletes_only_verified_messages_and_stops_cleanly() -> Result<()> {
    let world = World::strict().await?;
    world.put_source("worker/a.log", b"alpha\n").await?;
    world.put_source("worker/b.log", b"beta\n").await?;
    world
        .admin_a
        .sqs()
        .send_message()
        .queue_url(&world.queue_url)
        .message_body("{not an event")
        .send()
        .await?;
    eventually("three messages are queued", || async {
        Ok(world.queue_depth(&world.queue_url).await? == 3)
    })
    .await?;

    let shipper = world.shipper(world.config(Mode::AssumeRole)).await?;
    let args = worker::WorkerArgs {
        queue_url: world.queue_url.clone(),
        visibility_timeout: 4,
        metrics_service: "logferry-worker".into(),
    };
    let sqs = world.shipper.sqs();
    let (stop_tx, stop) = watch::channel(false);
    let emitter = logferry::metrics::Emitter::memory();
    let ((), shipped) = tokio::join!(worker::run(&args, &shipper, &sqs, stop, &emitter), async {
        let shipped = eventually(
            "both objects are in B and their messages deleted",
            || async {
                Ok(world.archive_keys().await?.len() == 2
                    && world.queue_depth(&world.queue_url).await? == 1)
            },
        )
        .await;
        let _ = stop_tx.send(true);
        shipped
    });
    shipped?;

    // The unshippable message was not deleted: it comes back for another try
    // (and, on a queue with a redrive policy, for the DLQ).
    let mut bodies = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while bodies.is_empty() && Instant::now() < deadline {
        bodies = world.peek_queue().await?;
    }
    assert_eq!(bodies, vec!["{not an event".to_string()]);
    assert_eq!(world.archive_keys().await?.len(), 2);

    // Each received batch was reported as EMF under the worker's service:
    // two objects shipped, their bytes, one lag each, nothing failed.
    let emf = emitter.documents();
    assert!(!emf.is_empty());
    let sum = |name: &str| {
        emf.iter()
            .map(|d| d[name].as_u64().unwrap_or(0))
            .sum::<u64>()
    };
    for d in &emf {
        logferry::metrics::check(d).map_err(anyhow::Error::msg)?;
        assert_eq!(
            (&d["Service"], &d["AuthMode"]),
            (&json!("logferry-worker"), &json!("assume-role"))
        );
    }
    assert_eq!(sum("ObjectsShipped"), 2);
    assert_eq!(
        sum("BytesShipped"),
        (b"alpha\n".len() + b"beta\n".len()) as u64
    );
    assert_eq!(
        sum("ObjectsFailedRetryable") + sum("ObjectsFailedPermanent"),
        0
    );
    let lags = emf
        .iter()
        .flat_map(|d| d["LagSeconds"].as_array().cloned().unwrap_or_default());
    assert_eq!(lags.count(), 2);
    Ok(())
}

/// `LOGFERRY_CONCURRENCY` bounds the objects in flight across a whole
/// received batch, not per message: with one object per notification and a
/// concurrency of 1, no two S3 requests are ever in flight together.
#[tokio::test]
async fn the_worker_ships_at_most_concurrency_objects_at_once() -> Result<()> {
    let world = World::strict().await?;
    let keys: Vec<String> = (0..8).map(|i| format!("many/{i}.log")).collect();
    for key in &keys {
        world.put_source(key, key.as_bytes().to_vec()).await?;
    }
    eventually("eight messages are queued", || async {
        Ok(world.queue_depth(&world.queue_url).await? == 8)
    })
    .await?;
    let mut raw = world.config(Mode::Direct);
    raw.concurrency = Some(1);
    let in_flight = logferry_tests::InFlight::default();
    let shipper = world.shipper_counting(raw, in_flight.clone()).await?;
    let args = worker::WorkerArgs {
        queue_url: world.queue_url.clone(),
        visibility_timeout: 30,
        metrics_service: "logferry-worker".into(),
    };
    let sqs = world.shipper.sqs();
    let (stop_tx, stop) = watch::channel(false);
    let emitter = logferry::metrics::Emitter::memory();
    let ((), shipped) = tokio::join!(worker::run(&args, &shipper, &sqs, stop, &emitter), async {
        let shipped = eventually("all eight objects are in B", || async {
            Ok(world.archive_keys().await?.len() == keys.len())
        })
        .await;
        let _ = stop_tx.send(true);
        shipped
    });
    shipped?;
    assert_eq!(in_flight.most(), 1, "S3 requests in flight at once");
    Ok(())
}

#[tokio::test]
async fn worker_settings_sqs_would_refuse_fail_at_start() {
    for timeout in ["-5", "43201"] {
        let read = logferry::settings::from_lookup::<worker::WorkerArgs>(|name| match name {
            "LOGFERRY_QUEUE_URL" => {
                Some("https://sqs.eu-west-1.amazonaws.com/111122223333/q".into())
            }
            "LOGFERRY_VISIBILITY_TIMEOUT" => Some(timeout.into()),
            _ => None,
        });
        let err = logferry::settings::join(&read.err().expect("refused"));
        assert!(err.contains("0-43200") && !err.contains('\n'), "{err}");
    }
}

#[tokio::test]
async fn a_worker_on_a_queue_that_does_not_exist_fails_at_start() -> Result<()> {
    let world = World::strict().await?;
    let args = worker::WorkerArgs {
        queue_url: format!("{}/111111111111/no-such-queue", world.endpoint),
        visibility_timeout: 30,
        metrics_service: "logferry-worker".into(),
    };
    let err = worker::check(&args, &world.shipper.sqs())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no-such-queue") && err.contains("LOGFERRY_QUEUE_URL"),
        "{err}"
    );
    assert!(!err.contains('\n') && err.len() < 400, "{err}");
    Ok(())
}

#[tokio::test]
async fn a_message_being_shipped_stays_invisible_past_its_timeout() -> Result<()> {
    let world = World::strict().await?;
    world.put_source("slow.log", b"slow\n").await?;
    let sqs = world.shipper.sqs();
    let received = sqs
        .receive_message()
        .queue_url(&world.queue_url)
        .wait_time_seconds(10)
        .visibility_timeout(2)
        .send()
        .await?;
    let message = received
        .messages
        .unwrap_or_default()
        .pop()
        .expect("the notification");
    let heartbeat = worker::keep_invisible(
        sqs.clone(),
        world.queue_url.clone(),
        message.receipt_handle.unwrap_or_default(),
        2,
    );
    // Three timeouts' worth: without the heartbeat the message would be back.
    for _ in 0..6 {
        let again = world.peek_queue().await?;
        assert!(
            again.is_empty(),
            "the message reappeared while being shipped"
        );
    }
    heartbeat.abort();
    eventually("the message reappears once the heartbeat stops", || async {
        Ok(!world.peek_queue().await?.is_empty())
    })
    .await
}

#[tokio::test]
async fn cli_ships_named_objects_and_listed_prefixes() -> Result<()> {
    let world = World::strict().await?;
    world.put_source("batch/2026/one.log", b"one\n").await?;
    world.put_source("batch/2026/two.log", b"two\n").await?;
    world.put_source("other/three.log", b"three\n").await?;
    // A batch job's identity also lists the source (writer_principal module).
    let list = render(
        "source-list.json.tpl",
        &json!({"source_bucket_arns": [format!("arn:aws:s3:::{}", world.source_bucket)]}),
    )?;
    world.grant_shipper("source-list", list).await?;

    let shipper = world.shipper(world.config(Mode::Direct)).await?;
    let source = shipper.clients().source.clone();
    let uris = vec![
        format!("s3://{}/batch/", world.source_bucket),
        format!("s3://{}/other/three.log", world.source_bucket),
        format!("s3://{}/other/missing.log", world.source_bucket),
    ];
    let mut seen = Vec::new();
    let mut shipped = Vec::new();
    let never = std::future::pending();
    let summary = ship::ship_uris(&shipper, &source, &uris, never, |done| {
        seen.push(format!("{}/{} {}", done.done, done.listed, done.source));
        if let Ok(s) = done.result {
            shipped.push(s.source_key.clone());
        }
    })
    .await?;
    shipped.sort();
    assert_eq!(summary.shipped, 3);
    assert_eq!(
        shipped,
        [
            "batch/2026/one.log",
            "batch/2026/two.log",
            "other/three.log"
        ]
    );
    // A named object that does not exist is a failure (non-zero exit), not a skip.
    assert_eq!(summary.skipped, 0);
    let missing = format!("s3://{}/other/missing.log", world.source_bucket);
    assert_eq!(
        summary
            .failed
            .iter()
            .map(|f| f.source.as_str())
            .collect::<Vec<_>>(),
        [missing.as_str()]
    );
    assert!(
        summary.failed[0].error.contains("does not exist"),
        "{:?}",
        summary.failed
    );
    assert_eq!(seen.len(), 4, "{seen:?}");
    assert_eq!(world.archive_keys().await?.len(), 3);
    // What `--emf` prints: the missing named object counted as failed.
    let emf = summary
        .metrics
        .documents("logferry-ship", "direct", chrono::Utc::now());
    logferry::metrics::check(&emf[0]).map_err(anyhow::Error::msg)?;
    assert_eq!(
        (
            &emf[0]["ObjectsShipped"],
            &emf[0]["ObjectsFailedPermanent"],
            &emf[0]["ObjectsSkipped"]
        ),
        (&json!(3), &json!(1), &json!(0))
    );

    // A bad URI is one clear error, not a panic.
    let bad = ["bucket/key".to_string()];
    let err = ship::ship_uris(&shipper, &source, &bad, std::future::pending(), |_| {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("s3://bucket/key"), "{err}");
    Ok(())
}

/// SIGTERM during `logferry ship`: nothing new starts, what was in flight
/// finishes or is aborted, and the summary names every object that did not
/// land, as retryable, so the caller can ship exactly those again.
#[tokio::test]
async fn a_stopped_ship_run_says_what_did_not_land_and_leaves_no_upload() -> Result<()> {
    let world = World::strict().await?;
    let mut bodies = std::collections::HashMap::new();
    for i in 0..30 {
        // Every fifth object is streamed in parts (assume-role mode).
        let size = if i % 5 == 0 { 11 * 1024 * 1024 } else { 2048 };
        let body: Vec<u8> = (0..size).map(|b| ((b + i) % 251) as u8).collect();
        let key = format!("stop/{i:02}.log");
        world.put_source(&key, body.clone()).await?;
        bodies.insert(key, body);
    }
    let mut raw = world.config(Mode::AssumeRole);
    raw.concurrency = Some(2);
    raw.part_size_mib = Some(5);
    let shipper = world.shipper(raw).await?;
    let source = world.admin_a.s3();
    let uris: Vec<String> = bodies
        .keys()
        .map(|k| format!("s3://{}/{k}", world.source_bucket))
        .collect();
    // The signal arrives as soon as the first object is done.
    let first_done = tokio::sync::Notify::new();
    let stop = first_done.notified();
    let mut shipped = Vec::new();
    let summary = ship::ship_uris(&shipper, &source, &uris, stop, |done| {
        first_done.notify_one();
        if let Ok(s) = done.result {
            shipped.push(s.clone());
        }
    })
    .await?;

    assert!(summary.interrupted);
    assert_eq!(summary.shipped as usize, shipped.len());
    // Every object is accounted for by name: shipped, or failed and retryable.
    assert_eq!(shipped.len() + summary.failed.len(), uris.len());
    assert!(
        !summary.failed.is_empty(),
        "a stopped run with nothing left is not a test of stopping"
    );
    for failure in &summary.failed {
        assert!(
            failure.retryable && failure.error.contains("had to stop"),
            "{failure:?}"
        );
    }
    for shipped in &shipped {
        let (bytes, _) = world.archived(&shipped.dest_key).await?;
        assert!(
            bytes == bodies[&shipped.source_key],
            "{} differs",
            shipped.source_key
        );
    }
    assert_eq!(world.archive_keys().await?.len(), shipped.len());
    world.assert_no_uploads_left().await
}
