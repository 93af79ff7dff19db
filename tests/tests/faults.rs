//! logferry under faults, on the emulator behind [`FaultProxy`]: answers
//! that are errors, lost, cut short, stalled or late. The promise: every
//! object lands byte-identical in B, nothing is left half-written, and a
//! slow object never holds back the others. README, "Delivery guarantees".

use std::collections::HashMap;
use std::time::Duration;

use anyhow::Result;
use logferry::ObjectRef;
use logferry_cli::ship;
use logferry_tests::faults::{Fault, FaultProxy, Which};
use logferry_tests::{gaps, Mode, World};

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;

/// Access-log-like bytes, different for every `seed`.
fn log_body(seed: usize, size: usize) -> Vec<u8> {
    let line = format!(
        "79a59df900b949e5 acme-app [06/Feb/2026:00:00:{:02} +0000] 192.0.2.{} - REST.GET.OBJECT photos/{seed}.jpg 200 -\n",
        seed % 60,
        seed % 250
    );
    line.bytes().cycle().take(size).collect()
}

/// `count` objects of mixed sizes under `prefix`: mostly 1-64 KiB, and every
/// tenth above the 5 MiB part size, so assume-role mode streams it in parts.
async fn put_mixed(world: &World, prefix: &str, count: usize) -> Result<HashMap<String, Vec<u8>>> {
    let mut bodies = HashMap::new();
    for i in 0..count {
        let size = if i % 10 == 9 {
            6 * MIB + i * KIB
        } else {
            KIB + (i * 7919) % (63 * KIB)
        };
        let key = format!("{prefix}/{i:03}.log");
        let body = log_body(i, size);
        world.put_source(&key, body.clone()).await?;
        bodies.insert(key, body);
    }
    Ok(bodies)
}

/// Short timeouts and small parts, so that late answers and parts happen
/// within a test's time.
fn config(world: &World, mode: Mode) -> logferry::ShipSettings {
    let mut raw = world.config(mode);
    raw.client.read_timeout_seconds = Some(2);
    raw.part_size_mib = Some(5);
    raw.concurrency = Some(6);
    raw
}

/// Every object landed identical in B, and no multipart upload is left but
/// the `lost_creates` that CreateMultipartUpload answers lost on the way
/// may have started: writers may not list the archive's uploads (that would
/// show every tenant's keys), so those are the archive's abort-incomplete
/// lifecycle rule's to remove, each under a key the run shipped.
async fn assert_landed_whole(
    world: &World,
    bodies: &HashMap<String, Vec<u8>>,
    lost_creates: usize,
) -> Result<()> {
    let mut shipped = Vec::new();
    for key in bodies.keys() {
        let dest = world.expected_key(key).await?;
        let (bytes, _) = world.archived(&dest).await?;
        assert!(bytes == bodies[key], "{key} differs in the archive");
        shipped.push(dest);
    }
    let left = world.uploads_left().await?;
    assert_eq!(
        left.len(),
        lost_creates,
        "uploads left: {left:?}; only lost CreateMultipartUpload answers may leave one"
    );
    assert!(left.iter().all(|k| shipped.contains(k)), "{left:?}");
    // Shipped more than once, still one copy: the archive holds these keys
    // and no others.
    let mut archived = world.archive_keys().await?;
    archived.sort();
    shipped.sort();
    assert_eq!(
        archived, shipped,
        "the archive holds other keys than one copy per source"
    );
    Ok(())
}

/// Ship `bodies` with `logferry ship` (the library call the CLI makes)
/// through `proxy`; the failures.
async fn ship_through(
    world: &World,
    proxy: &FaultProxy,
    mode: Mode,
    bodies: &HashMap<String, Vec<u8>>,
) -> Result<Vec<ship::Failure>> {
    let shipper = world
        .shipper_through(&proxy.url, config(world, mode))
        .await?;
    let uris: Vec<String> = bodies
        .keys()
        .map(|k| format!("s3://{}/{k}", world.source_bucket))
        .collect();
    let source = world.admin_a.s3();
    let summary = ship::ship_uris(&shipper, &source, &uris, std::future::pending(), |_| {}).await?;
    assert_eq!(summary.shipped as usize + summary.failed.len(), uris.len());
    Ok(summary.failed)
}

/// 60 mixed objects shipped through `faults` in `mode`: nothing lost,
/// nothing left, and every fault really happened.
async fn loses_nothing(mode: Mode, faults: &[(&'static str, Which, Fault)]) -> Result<()> {
    let world = World::strict().await?;
    let bodies = put_mixed(&world, "faults", 60).await?;
    let proxy = FaultProxy::start(&world.endpoint).await?;
    for (operation, which, fault) in faults {
        proxy.inject(operation, which.clone(), *fault);
    }
    let failed = ship_through(&world, &proxy, mode, &bodies).await?;
    assert!(
        failed.is_empty(),
        "transient faults lost objects: {failed:?}"
    );
    let lost_creates = proxy.injected("CreateMultipartUpload", Fault::LoseAnswer);
    assert_landed_whole(&world, &bodies, lost_creates).await?;
    for (operation, _, fault) in faults {
        assert!(
            proxy.injected(operation, *fault) > 0,
            "{operation} never got {fault:?}: the test did not test it"
        );
    }
    Ok(())
}

#[tokio::test]
async fn assume_role_mode_loses_nothing_to_transient_faults() -> Result<()> {
    loses_nothing(
        Mode::AssumeRole,
        &[
            ("GetObject", Which::Every(7), Fault::Truncate),
            ("GetObject", Which::Nth(vec![3]), Fault::Stall),
            (
                "HeadObject",
                Which::Every(9),
                Fault::Status(503, "SlowDown"),
            ),
            (
                "PutObject",
                Which::Every(11),
                Fault::Status(500, "InternalError"),
            ),
            (
                "PutObject",
                Which::Nth(vec![4]),
                Fault::Delay(Duration::from_secs(3)),
            ),
            ("UploadPart", Which::Every(5), Fault::Reset),
            (
                "CreateMultipartUpload",
                Which::Nth(vec![2]),
                Fault::LoseAnswer,
            ),
            (
                "CompleteMultipartUpload",
                Which::Nth(vec![1]),
                Fault::Truncate,
            ),
        ],
    )
    .await
}

#[tokio::test]
async fn direct_mode_loses_nothing_to_transient_faults() -> Result<()> {
    if gaps::skips(gaps::LOCALSTACK_CRC32C_TRAILER) {
        return Ok(());
    }
    loses_nothing(
        Mode::Direct,
        &[
            (
                "HeadObject",
                Which::Every(9),
                Fault::Status(503, "SlowDown"),
            ),
            ("HeadObject", Which::Nth(vec![4]), Fault::Reset),
            ("GetObject", Which::Every(7), Fault::Truncate),
            // The write landed but its answer was lost: the retry finds the
            // key taken, and the archived copy is recognised as this object.
            ("PutObject", Which::Nth(vec![3]), Fault::LoseAnswer),
            (
                "PutObject",
                Which::Nth(vec![5]),
                Fault::Delay(Duration::from_secs(3)),
            ),
            (
                "PutObject",
                Which::Every(13),
                Fault::Status(500, "InternalError"),
            ),
        ],
    )
    .await
}

/// One object's HeadObject is held back; the others keep flowing. With
/// results kept in input order (`buffered`), only the objects already in
/// the window could pass: 2 requests each for `concurrency - 1` objects.
#[tokio::test]
async fn a_held_request_does_not_hold_back_the_other_objects() -> Result<()> {
    let world = World::strict().await?;
    let mut objects = Vec::new();
    for i in 0..30 {
        let key = format!("hol/{i:02}.log");
        world.put_source(&key, log_body(i, 2 * KIB)).await?;
        objects.push(ObjectRef::new(&world.source_bucket, key));
    }
    let proxy = FaultProxy::start(&world.endpoint).await?;
    let wanted = 20;
    proxy.inject(
        "HeadObject",
        Which::Nth(vec![1]),
        Fault::HoldUntil(wanted, Duration::from_secs(30)),
    );
    let mut raw = world.config(Mode::Direct);
    raw.concurrency = Some(4);
    let shipper = world.shipper_through(&proxy.url, raw).await?;
    for (object, result) in shipper.ship_many(objects).await {
        assert!(result.is_ok(), "{}: {:?}", object.key, result.err());
    }
    let passed = proxy.passed_while_held();
    assert_eq!(passed.len(), 1);
    assert!(
        passed[0] >= wanted,
        "only {} requests passed while one object was held (at most {} with head-of-line blocking)",
        passed[0],
        2 * 3
    );
    Ok(())
}

/// Log lines written while a test runs.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// An S3 notification body naming one object.
fn notification(bucket: &str, key: &str) -> String {
    serde_json::json!({"Records": [{"eventSource": "aws:s3", "awsRegion": "us-east-1",
        "eventTime": "2026-11-21T00:00:00Z", "eventName": "ObjectCreated:Put",
        "s3": {"bucket": {"name": bucket}, "object": {"key": key, "size": 5}}}]})
    .to_string()
}

/// The ECS worker under faults on S3 and SQS, on a queue with a DLQ: every
/// object lands once the transient faults pass; only what can never ship
/// (a source the shipper may not read, a message that is no event) reaches
/// the DLQ, each with a log line saying why.
#[tokio::test]
async fn the_worker_dead_letters_only_what_can_never_ship() -> Result<()> {
    if gaps::skips(gaps::LOCALSTACK_IAM) {
        return Ok(());
    }
    use tracing_subscriber::util::SubscriberInitExt;
    let captured = Captured::default();
    let writer = captured.clone();
    let _logs = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_env_filter("info")
        .finish()
        .set_default();

    let world = World::builder().dead_letter_after(2).build().await?;
    let bodies = put_mixed(&world, "faults/worker", 30).await?;
    // A bucket in account C the shipper has no grant on.
    let forbidden = format!("{}-c", world.source_bucket);
    let outsider = world.outsider.s3();
    outsider.create_bucket().bucket(&forbidden).send().await?;
    outsider
        .put_object()
        .bucket(&forbidden)
        .key("secret.log")
        .body(b"not yours".to_vec().into())
        .send()
        .await?;
    let sqs = world.admin_a.sqs();
    for body in [
        notification(&forbidden, "secret.log"),
        "{not an event".to_string(),
    ] {
        sqs.send_message()
            .queue_url(&world.queue_url)
            .message_body(body)
            .send()
            .await?;
    }

    let proxy = FaultProxy::start(&world.endpoint).await?;
    proxy.inject("GetObject", Which::Every(6), Fault::Truncate);
    proxy.inject("UploadPart", Which::Every(4), Fault::Reset);
    proxy.inject(
        "ReceiveMessage",
        Which::Every(3),
        Fault::Status(500, "InternalError"),
    );
    proxy.inject("DeleteMessage", Which::Nth(vec![2]), Fault::LoseAnswer);
    let shipper = world
        .shipper_through(&proxy.url, config(&world, Mode::AssumeRole))
        .await?;
    let sqs_through = aws_sdk_sqs::Client::from_conf(
        aws_sdk_sqs::config::Builder::from(&world.shipper.sdk)
            .endpoint_url(&proxy.url)
            .build(),
    );
    let args = logferry_cli::worker::WorkerArgs {
        queue_url: world.queue_url.clone(),
        visibility_timeout: 3,
        metrics_service: "logferry-worker".into(),
    };
    let dlq = world.dlq_url.clone().expect("built with a DLQ");
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let emitter = logferry::metrics::Emitter::memory();
    let ((), drained) = tokio::join!(
        logferry_cli::worker::run(&args, &shipper, &sqs_through, stop, &emitter),
        async {
            let drained =
                logferry_tests::eventually("the queue is empty and the DLQ has 2", || async {
                    Ok(world.queue_depth(&world.queue_url).await? == 0
                        && world.queue_depth(&dlq).await? == 2)
                })
                .await;
            let _ = stop_tx.send(true);
            drained
        }
    );
    drained?;

    assert_landed_whole(&world, &bodies, 0).await?;
    let mut dead = Vec::new();
    while dead.len() < 2 {
        let out = sqs
            .receive_message()
            .queue_url(&dlq)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await?;
        dead.extend(
            out.messages
                .unwrap_or_default()
                .into_iter()
                .filter_map(|m| m.body),
        );
    }
    dead.sort();
    let mut expected = vec![
        notification(&forbidden, "secret.log"),
        "{not an event".to_string(),
    ];
    expected.sort();
    assert_eq!(dead, expected);
    let logs = String::from_utf8(captured.0.lock().unwrap().clone())?;
    assert!(
        logs.lines().any(|l| l.contains("secret.log")
            && l.contains("was denied")
            && l.contains("shipper-source-read.json.tpl")),
        "no line says why the forbidden object failed:\n{logs}"
    );
    assert!(
        logs.lines().any(|l| l.contains("not a shippable event")),
        "no line says why the garbage message failed"
    );
    assert!(proxy.injected("ReceiveMessage", Fault::Status(500, "InternalError")) > 0);
    assert!(proxy.injected("DeleteMessage", Fault::LoseAnswer) > 0);
    assert!(
        proxy.injected("GetObject", Fault::Truncate) > 0,
        "no GetObject was truncated"
    );
    assert!(
        proxy.injected("UploadPart", Fault::Reset) > 0,
        "no UploadPart was reset"
    );
    Ok(())
}

/// The emulator stops and comes back (its state kept on disk) while the
/// worker ships: the worker backs off, carries on, and nothing is lost.
/// (Soft IAM: gap `persistent-strict-admin`.)
#[tokio::test]
async fn the_worker_loses_nothing_across_an_emulator_restart() -> Result<()> {
    if gaps::skips(gaps::LOCALSTACK_RESTART) {
        return Ok(());
    }
    let state = std::env::temp_dir().join(format!("logferry-restart-{}", std::process::id()));
    std::fs::create_dir_all(&state)?;
    let mut endpoint =
        logferry_tests::Endpoint::spawn_persistent(logferry_tests::IamMode::Soft, &state).await?;
    let world = World::builder().on(&endpoint).build().await?;
    let mut bodies = HashMap::new();
    for i in 0..100 {
        let key = format!("restart/{i:03}.log");
        let body = log_body(i, 4 * KIB + i);
        world.put_source(&key, body.clone()).await?;
        bodies.insert(key, body);
    }
    let mut raw = config(&world, Mode::Direct);
    raw.concurrency = Some(1);
    let shipper = world.shipper(raw).await?;
    let sqs = world.shipper.sqs();
    let args = logferry_cli::worker::WorkerArgs {
        queue_url: world.queue_url.clone(),
        visibility_timeout: 5,
        metrics_service: "logferry-worker".into(),
    };
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let emitter = logferry::metrics::Emitter::memory();
    let ((), outcome) = tokio::join!(
        logferry_cli::worker::run(&args, &shipper, &sqs, stop, &emitter),
        async {
            let restarted = async {
                logferry_tests::eventually("some objects are in B", || async {
                    Ok(world.archive_keys().await?.len() >= 5)
                })
                .await?;
                endpoint.restart().await?;
                let at_restart = world.archive_keys().await?.len();
                logferry_tests::eventually("the queue is empty", || async {
                    Ok(world.queue_depth(&world.queue_url).await? == 0)
                })
                .await?;
                Ok::<_, anyhow::Error>(at_restart)
            }
            .await;
            let _ = stop_tx.send(true);
            restarted
        }
    );
    let at_restart = outcome?;
    assert!(
        at_restart < bodies.len(),
        "all {at_restart} objects had landed before the restart: it tested nothing"
    );
    assert_landed_whole(&world, &bodies, 0).await?;
    drop(endpoint);
    let _ = std::fs::remove_dir_all(&state);
    Ok(())
}
