//! The data path end to end, for both auth modes, through the real
//! notification path: object put in A → emulator notification → SQS →
//! the Lambda handler → archive in B.

use anyhow::Result;
use logferry::ship::{Landing, Method};
use logferry::ObjectRef;
use logferry_tests::world::{Route, ACCOUNT_A, ACCOUNT_B, PREFIX, REGION};
use logferry_tests::{gaps, Mode, World};
use serde_json::json;

fn access_log_lines(n: usize) -> Vec<u8> {
    (0..n)
        .map(|i| {
            format!(
                "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be acme-app [06/Feb/2026:00:00:{:02} +0000] 192.0.2.3 \
                 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE REST.GET.OBJECT photos/{i}.jpg \
                 \"GET /acme-app/photos/{i}.jpg HTTP/1.1\" 200 - 113 113 7 - \"-\" \"S3Console/0.4\" - \
                 s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 ECDHE-RSA-AES128-GCM-SHA256 \
                 AuthHeader acme-app.s3.us-west-1.amazonaws.com TLSV1.2 - -\n",
                i % 60
            )
        })
        .collect::<String>()
        .into_bytes()
}

async fn ships_every_key_byte_for_byte(mode: Mode) -> Result<()> {
    let world = World::strict().await?;
    let objects: Vec<(&str, Vec<u8>)> = vec![
        (
            "s3-access/2026-02-06-00-00-00-EXAMPLE1",
            access_log_lines(50),
        ),
        ("app/with space.log", b"spaces\n".to_vec()),
        ("app/plus+sign.log", b"plus\n".to_vec()),
        ("app/100%.log", b"percent\n".to_vec()),
        (
            "app/ünïcode/日本語 ログ.log",
            "unicode ✓\n".as_bytes().to_vec(),
        ),
        ("app/empty.log", Vec::new()),
    ];
    for (key, body) in &objects {
        world.put_source(key, body.clone()).await?;
    }
    let event = world.receive_sqs_event(objects.len()).await?;
    assert_eq!(
        world.invoke(mode, event.clone()).await?,
        Vec::<String>::new()
    );

    for (key, body) in &objects {
        let dest = world.expected_key(key).await?;
        let (bytes, metadata) = world.archived(&dest).await?;
        assert_eq!(&bytes, body, "{dest}: bytes differ");
        assert_eq!(metadata["logferry-source-bucket"], world.source_bucket);
        assert_eq!(
            percent_encoding::percent_decode_str(&metadata["logferry-source-key"]).decode_utf8()?,
            *key,
            "{dest}: metadata names the source key"
        );
        assert_eq!(metadata["logferry-source-account"], ACCOUNT_A);
        let acl = world
            .admin_b
            .s3()
            .get_object_acl()
            .bucket(&world.archive_bucket)
            .key(&dest)
            .send()
            .await?;
        if !gaps::lacks(gaps::LOCALSTACK_OBJECT_OWNER) {
            assert_eq!(
                acl.owner().and_then(|o| o.id()),
                Some(ACCOUNT_B),
                "{dest} must be owned by B"
            );
        }
    }
    // A re-delivered event overwrites: still one copy per source object.
    assert_eq!(world.invoke(mode, event).await?, Vec::<String>::new());
    assert_eq!(world.archive_keys().await?.len(), objects.len());
    Ok(())
}

/// Athena sees what is shipped: a partitioned access log lands under the
/// bucket and day it is about (not the delivery day), and a key segment
/// starting with `_` or `.`, which Athena would hide, is escaped.
async fn every_shipped_key_is_visible_to_athena(mode: Mode) -> Result<()> {
    let world = World::strict().await?;
    let late = "s3-access/111111111111/us-west-2/acme-web/2026/02/06/2026-02-06-00-00-00-LATE0001";
    let cases = [
        (
            late,
            format!(
                "{PREFIX}/111111111111/us-west-2/acme-web/2026/02/06/2026-02-06-00-00-00-LATE0001"
            ),
        ),
        ("dots/..hidden/..log", String::new()),
        ("_tmp/x.log", String::new()),
    ];
    for (key, _) in &cases {
        world.put_source(key, key.as_bytes().to_vec()).await?;
    }
    let event = world.receive_sqs_event(cases.len()).await?;
    assert_eq!(world.invoke(mode, event).await?, Vec::<String>::new());
    let escaped = [
        ("dots/..hidden/..log", "dots/%2E.hidden/%2E.log"),
        ("_tmp/x.log", "%5Ftmp/x.log"),
    ];
    for (key, expected) in &cases {
        let dest = match escaped.iter().find(|(k, _)| k == key) {
            Some((_, below)) => {
                let plain = world.expected_key(key).await?;
                format!(
                    "{}{below}",
                    plain.strip_suffix(key).expect("key at the end")
                )
            }
            None => expected.clone(),
        };
        let (bytes, metadata) = world.archived(&dest).await?;
        assert_eq!(bytes, key.as_bytes(), "{dest}");
        assert_eq!(
            percent_encoding::percent_decode_str(&metadata["logferry-source-key"]).decode_utf8()?,
            *key
        );
    }
    Ok(())
}

/// The envelopes other than S3 → SQS, through the emulator's own delivery.
async fn ships_through_a_wrapped_notification(route: Route) -> Result<()> {
    let world = World::builder().route(route).build().await?;
    let key = "app/a b+c 10:47:07.log";
    world.put_source(key, b"wrapped\n".to_vec()).await?;
    let event = world.receive_sqs_event(1).await?;
    let body = event["Records"][0]["body"].as_str().unwrap_or_default();
    match route {
        Route::Sns => assert!(body.contains("\"TopicArn\""), "not an SNS envelope: {body}"),
        Route::EventBridge => assert!(
            body.contains("\"detail-type\""),
            "not an EventBridge event: {body}"
        ),
        Route::Queue => assert!(body.contains("\"Records\""), "not an S3 event: {body}"),
    }
    assert_eq!(
        world.invoke(Mode::Direct, event).await?,
        Vec::<String>::new()
    );
    let (bytes, _) = world.archived(&world.expected_key(key).await?).await?;
    assert_eq!(bytes, b"wrapped\n");
    Ok(())
}

async fn deleted_source_is_skipped_not_failed(mode: Mode) -> Result<()> {
    let world = World::strict().await?;
    world.put_source("gone.log", b"bye".to_vec()).await?;
    let event = world.receive_sqs_event(1).await?;
    world
        .admin_a
        .s3()
        .delete_object()
        .bucket(&world.source_bucket)
        .key("gone.log")
        .send()
        .await?;
    assert_eq!(world.invoke(mode, event).await?, Vec::<String>::new());
    assert_eq!(world.archive_keys().await?, Vec::<String>::new());
    Ok(())
}

async fn multipart_sized_object_ships(mode: Mode, expected: Method) -> Result<()> {
    let world = World::strict().await?;
    let body: Vec<u8> = (0..12 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    world.put_source("big/app.log", body.clone()).await?;
    let mut raw = world.config(mode);
    raw.part_size_mib = Some(5);
    raw.part_concurrency = Some(2);
    let event = world.receive_sqs_event(1).await?;
    assert_eq!(
        world.invoke_with(raw.clone(), event).await?,
        Vec::<String>::new()
    );
    let (bytes, _) = world
        .archived(&world.expected_key("big/app.log").await?)
        .await?;
    assert!(bytes == body, "12 MiB copy differs from its source");
    let shipped = world
        .shipper(raw)
        .await?
        .ship_object(&ObjectRef::new(&world.source_bucket, "big/app.log"))
        .await?;
    assert_eq!(shipped.method, expected);
    // Shipping it again writes nothing: the archive already holds it.
    assert_eq!(shipped.landing, Landing::AlreadyArchived);
    Ok(())
}

/// Also: the invocation is reported as one EMF document, each object in
/// its class, with the lag from each log's own time (a delivery-time
/// access-log key gives its own, two hours back).
async fn only_the_bad_messages_fail(mode: Mode) -> Result<()> {
    if gaps::skips(gaps::LOCALSTACK_IAM) {
        return Ok(());
    }
    let world = World::strict().await?;
    let started = chrono::Utc::now();
    let delivered = started - chrono::Duration::hours(2);
    let access_log = format!(
        "s3-access/{ACCOUNT_A}/{REGION}/acme-web/{}-ABCDEF",
        delivered.format("%Y/%m/%d/%Y-%m-%d-%H-%M-%S")
    );
    world.put_source("ok-1.log", b"one".to_vec()).await?;
    world.put_source("ok-2.log", b"two".to_vec()).await?;
    world.put_source(&access_log, b"three".to_vec()).await?;
    let mut event = world.receive_sqs_event(3).await?;
    // A bucket the shipper has no right to read, and a body that is no event.
    let denied = json!({"Records": [{"eventSource": "aws:s3", "awsRegion": REGION, "eventTime": "2026-11-21T00:00:00Z",
        "eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": world.archive_bucket}, "object": {"key": "secret.log", "size": 1}}}]});
    let records = event["Records"].as_array_mut().expect("records");
    for (id, body) in [
        ("denied-message", denied.to_string()),
        ("garbage-message", "{not json".to_string()),
    ] {
        let mut record = records[0].clone();
        record["messageId"] = json!(id);
        record["body"] = json!(body);
        records.push(record);
    }
    let (mut failures, emf) = world.invoke_reported(world.config(mode), event).await?;
    let took = (chrono::Utc::now() - started).num_seconds() as u64 + 1;
    failures.sort();
    assert_eq!(failures, vec!["denied-message", "garbage-message"]);
    assert_eq!(world.archive_keys().await?.len(), 3);

    assert_eq!(emf.len(), 1, "{emf:?}");
    let d = &emf[0];
    let counts: Vec<u64> = [
        "ObjectsShipped",
        "ObjectsSkipped",
        "ObjectsAccessDenied",
        "ObjectsFailedRetryable",
        "ObjectsFailedPermanent",
        "BytesShipped",
    ]
    .iter()
    .map(|name| d[*name].as_u64().unwrap_or(u64::MAX))
    .collect();
    assert_eq!(counts, vec![3, 0, 1, 0, 0, 11], "{d}");
    let mut lags: Vec<u64> = d["LagSeconds"]
        .as_array()
        .expect("lags")
        .iter()
        .filter_map(|v| v.as_u64())
        .collect();
    lags.sort_unstable();
    assert_eq!(lags.len(), 3, "{d}");
    assert!(
        lags[..2].iter().all(|&l| l <= took),
        "{lags:?}, the run took {took} s"
    );
    assert!(
        (7200..=7200 + took).contains(&lags[2]),
        "{lags:?}: the key's time was two hours back"
    );
    assert_eq!(
        d["AuthMode"],
        if mode == Mode::Direct {
            "direct"
        } else {
            "assume-role"
        }
    );
    Ok(())
}

/// One test per auth mode for each scenario that takes only the mode.
macro_rules! in_both_modes {
    ($($scenario:ident => $direct:ident, $assume_role:ident;)*) => {$(
        #[tokio::test]
        async fn $direct() -> Result<()> {
            $scenario(Mode::Direct).await
        }

        #[tokio::test]
        async fn $assume_role() -> Result<()> {
            $scenario(Mode::AssumeRole).await
        }
    )*};
}

in_both_modes! {
    ships_every_key_byte_for_byte =>
        direct_ships_every_key_byte_for_byte, assume_role_ships_every_key_byte_for_byte;
    every_shipped_key_is_visible_to_athena =>
        direct_ships_keys_athena_can_see, assume_role_ships_keys_athena_can_see;
    deleted_source_is_skipped_not_failed =>
        direct_skips_a_source_deleted_before_shipping, assume_role_skips_a_source_deleted_before_shipping;
    only_the_bad_messages_fail =>
        direct_reports_only_the_failed_message_ids, assume_role_reports_only_the_failed_message_ids;
}

#[tokio::test]
async fn direct_streams_a_multipart_sized_object_through_one_put() -> Result<()> {
    // Above a part but within PutObject's 5 GiB: one streamed, conditional
    // PutObject that carries the ACL (see README, "Large objects").
    if gaps::skips(gaps::LOCALSTACK_CRC32C_TRAILER) {
        return Ok(());
    }
    multipart_sized_object_ships(Mode::Direct, Method::StreamPut).await
}

#[tokio::test]
async fn assume_role_streams_a_multipart_object_in_parts() -> Result<()> {
    multipart_sized_object_ships(
        Mode::AssumeRole,
        Method::MultipartPut {
            part_size: 5 * 1024 * 1024,
        },
    )
    .await
}

#[tokio::test]
async fn ships_s3_events_wrapped_in_sns() -> Result<()> {
    ships_through_a_wrapped_notification(Route::Sns).await
}

#[tokio::test]
async fn ships_eventbridge_object_created_events() -> Result<()> {
    if gaps::skips(gaps::LOCALSTACK_EVENTBRIDGE_KEY) {
        return Ok(());
    }
    ships_through_a_wrapped_notification(Route::EventBridge).await
}
