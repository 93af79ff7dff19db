//! Compaction on the emulator: a day of shipped logs becomes one gzip
//! object under the query prefix whose bytes are exactly the sources in key
//! order (each ending its last line), with a manifest; re-runs give the same object; a grown partition
//! gets a superset that replaces the old one; a corrupted source byte
//! refuses the whole compaction. The compactor runs as a role of its own in
//! B under `infra/policies/compactor-permissions.json.tpl`, on IAM strict:
//! it reads the archive prefix and writes the query prefix, nothing else.
//! README, "Compaction".

use anyhow::{Context, Result};
use logferry::compact::{CompactError, Compaction};
use logferry::{Deadline, ShipError};
use logferry_tests::compaction::{
    body, check_output, get, query_keys, ship, with_line_end, written, KIB, QUERY_PREFIX,
};
use logferry_tests::faults::{Fault, FaultProxy, Which};
use logferry_tests::probe::{outcome, Outcome, Probe};
use logferry_tests::world::{ACCOUNT_A, PREFIX, REGION};
use logferry_tests::{gaps, ForwardedHttps, World};
use serde_json::json;

#[tokio::test]
async fn a_day_becomes_one_verified_gzip_and_reruns_change_nothing() -> Result<()> {
    let world = World::strict().await?;
    let mut sources: Vec<(String, Vec<u8>)> = (0..24)
        .map(|i| {
            (
                format!("app/{i:02}.log"),
                body(i, KIB + i * 997 % (60 * KIB), false),
            )
        })
        .collect();
    // Noise big enough that the gzip output takes two parts.
    sources.push((
        "app/zz-noise.log".to_string(),
        body(99, 6 * 1024 * 1024, true),
    ));
    let archived = ship(&world, &sources).await?;
    let partition = world.partition_of(&archived[0])?;
    let compactor = world.compactor(None).await?;

    let first = written(compactor.compact(&partition).await?);
    assert!(first
        .output_key
        .starts_with(&format!("{QUERY_PREFIX}/{ACCOUNT_A}/{REGION}/")));
    assert!(first.output_key.ends_with(".gz"), "{}", first.output_key);
    // Every source's ETag, size, checksum and offset, and the output's
    // bytes, size and CRC32C, as the archive holds them.
    let shipped: Vec<(String, Vec<u8>)> = archived
        .iter()
        .cloned()
        .zip(sources.iter().map(|(_, b)| b.clone()))
        .collect();
    let output = check_output(&world, &first, &shipped).await?;
    let plain: usize = shipped.iter().map(|(_, b)| with_line_end(b).len()).sum();
    assert_eq!(first.uncompressed_bytes, plain as u64);

    // The same sources: nothing to do.
    match compactor.compact(&partition).await? {
        Compaction::Unchanged(key) => assert_eq!(key, first.output_key),
        Compaction::Written(c) => panic!("rewrote {} from unchanged sources", c.output_key),
    }
    // A run that finds no output (a second run racing the first, or a
    // deleted one) writes the same key with the same bytes.
    let admin_s3 = world.admin_b.s3();
    for key in [&first.output_key, &first.manifest_key] {
        admin_s3
            .delete_object()
            .bucket(&world.archive_bucket)
            .key(key)
            .send()
            .await?;
    }
    let again = written(compactor.compact(&partition).await?);
    assert_eq!(again.output_key, first.output_key);
    assert!(
        get(&world, &again.output_key).await? == output,
        "a re-run wrote other bytes"
    );
    assert!(again.removed.is_empty());
    assert_eq!(
        compactor.partitions(&[partition.day]).await?,
        vec![partition.clone()]
    );

    // More logs arrive late: a superset replaces the old output.
    let late: Vec<(String, Vec<u8>)> = (0..3)
        .map(|i| (format!("app/late-{i}.log"), body(50 + i, 2 * KIB, false)))
        .collect();
    let late_archived = ship(&world, &late).await?;
    let grown = written(compactor.compact(&partition).await?);
    let all: Vec<(String, Vec<u8>)> = shipped
        .iter()
        .cloned()
        .chain(
            late_archived
                .into_iter()
                .zip(late.iter().map(|(_, b)| b.clone())),
        )
        .collect();
    check_output(&world, &grown, &all).await?;
    assert_ne!(grown.output_key, first.output_key);
    assert_eq!(grown.sources.len(), sources.len() + late.len());
    assert!(
        grown.removed.contains(&first.output_key) && grown.removed.contains(&first.manifest_key)
    );
    let outputs: Vec<String> = query_keys(&world)
        .await?
        .into_iter()
        .filter(|k| k.ends_with(".gz"))
        .collect();
    assert_eq!(
        outputs,
        vec![grown.output_key.clone()],
        "a line would be in two query objects"
    );
    world.assert_no_uploads_left().await
}

/// Two compactors on one partition at once (an overlapping schedule tick, a
/// manual run beside the scheduled one) both succeed and leave one output
/// and one manifest, with the bytes one run alone writes.
#[tokio::test]
async fn two_runs_at_once_leave_the_output_one_run_alone_writes() -> Result<()> {
    let world = World::strict().await?;
    let sources: Vec<(String, Vec<u8>)> = (0..16)
        .map(|i| (format!("app/{i:02}.log"), body(i, 8 * KIB + i * 131, false)))
        .collect();
    let archived = ship(&world, &sources).await?;
    let partition = world.partition_of(&archived[0])?;
    let (one, other) = (world.compactor(None).await?, world.compactor(None).await?);
    let (a, b) = tokio::join!(one.compact(&partition), other.compact(&partition));
    let key = |c: Compaction| match c {
        Compaction::Written(c) => c.output_key,
        Compaction::Unchanged(key) => key,
    };
    let (a, b) = (a?, b?);
    let compacted = match (&a, &b) {
        (Compaction::Written(c), _) | (_, Compaction::Written(c)) => c.clone(),
        _ => panic!("neither run wrote an output"),
    };
    assert_eq!(key(a), key(b));
    let mut left = query_keys(&world).await?;
    left.sort();
    assert_eq!(
        left,
        vec![compacted.manifest_key.clone(), compacted.output_key.clone()]
    );
    let shipped: Vec<(String, Vec<u8>)> = archived
        .into_iter()
        .zip(sources.into_iter().map(|(_, b)| b))
        .collect();
    let together = check_output(&world, &compacted, &shipped).await?;

    // One run alone, from nothing, writes the same bytes.
    for key in &left {
        world
            .admin_b
            .s3()
            .delete_object()
            .bucket(&world.archive_bucket)
            .key(key)
            .send()
            .await?;
    }
    let alone = written(one.compact(&partition).await?);
    assert_eq!(alone.output_key, compacted.output_key);
    assert!(
        get(&world, &alone.output_key).await? == together,
        "two runs at once wrote other bytes than one alone"
    );
    world.assert_no_uploads_left().await
}

#[tokio::test]
async fn a_corrupted_source_byte_refuses_the_compaction() -> Result<()> {
    let world = World::strict().await?;
    let sources: Vec<(String, Vec<u8>)> = (0..8)
        .map(|i| (format!("app/{i}.log"), body(i, 4 * KIB, false)))
        .collect();
    let archived = ship(&world, &sources).await?;
    let partition = world.partition_of(&archived[0])?;
    let proxy = FaultProxy::start(&world.endpoint).await?;
    proxy.inject("GetObject", Which::Nth(vec![5]), Fault::Corrupt);
    let err = world
        .compactor(Some(&proxy.url))
        .await?
        .compact(&partition)
        .await
        .expect_err("a source that does not match its stored checksum");
    assert!(
        matches!(
            err,
            CompactError::Transfer(ShipError::VerifyMismatch { .. })
        ),
        "{err}"
    );
    assert_eq!(proxy.injected("GetObject", Fault::Corrupt), 1);
    assert!(
        query_keys(&world).await?.is_empty(),
        "something was written"
    );
    world.assert_no_uploads_left().await
}

/// A compaction still writing when its stop time comes (the Lambda's
/// deadline) is aborted: no output, no manifest, no multipart upload left,
/// and the sources untouched for the next run. The stop time is set once a
/// part is uploaded and the third source, which the proxy stalls, is being
/// read.
#[tokio::test]
async fn a_compaction_cut_off_by_its_deadline_leaves_nothing_behind() -> Result<()> {
    let world = World::strict().await?;
    // Noise does not compress: the first source alone fills a 5 MiB part.
    let sources: Vec<(String, Vec<u8>)> = (0..3)
        .map(|i| (format!("app/{i}.log"), body(i, 6 * 1024 * KIB, true)))
        .collect();
    let archived = ship(&world, &sources).await?;
    let partition = world.partition_of(&archived[0])?;
    let proxy = FaultProxy::start(&world.endpoint).await?;
    // GetObject 3 is the third source (listings are ListObjects).
    proxy.inject("GetObject", Which::Nth(vec![3]), Fault::Stall);
    let (stop, deadline) = Deadline::later();
    let compactor = world.compactor(Some(&proxy.url)).await?.until(deadline);
    // Sources are fetched ahead: stop once the third one's body has stalled
    // and the first part is on its way.
    let stop_at_third_read = async {
        let part_sent = || proxy.seen().iter().any(|s| s.operation == "UploadPart");
        let stalled_and_sent = async {
            while proxy.injected("GetObject", Fault::Stall) == 0 || !part_sent() {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        };
        // Not a measure of speed: a bound so that a stall that never comes
        // fails the test instead of hanging it.
        tokio::time::timeout(std::time::Duration::from_secs(120), stalled_and_sent)
            .await
            .expect("the third source never stalled, or no part was sent");
        stop.at(tokio::time::Instant::now());
    };
    let (result, ()) = tokio::join!(compactor.compact(&partition), stop_at_third_read);
    let err = result.expect_err("a compaction past its deadline");
    assert!(
        matches!(err, CompactError::Transfer(ShipError::Deadline { .. })),
        "{err}"
    );
    assert!(
        proxy.seen().iter().any(|s| s.operation == "UploadPart"),
        "no part was uploaded before the deadline, so no upload was cut off: {:?}",
        proxy
            .seen()
            .iter()
            .map(|s| &s.operation)
            .collect::<Vec<_>>()
    );
    assert!(
        query_keys(&world).await?.is_empty(),
        "something was written"
    );
    world.assert_no_uploads_left().await?;
    for key in &archived {
        assert!(!get(&world, key).await?.is_empty(), "{key} is gone");
    }
    Ok(())
}

/// The compactor's role reads the archive prefix and writes the query
/// prefix; it cannot change, delete or add to the archive itself.
#[tokio::test]
async fn the_compactor_reads_the_archive_and_writes_only_the_query_prefix() -> Result<()> {
    if gaps::skips(gaps::LOCALSTACK_IAM) {
        return Ok(());
    }
    use Outcome::{Allowed, Denied};
    let world = World::strict().await?;
    let archived = ship(
        &world,
        &[("app/evidence.log".to_string(), body(1, KIB, false))],
    )
    .await?;
    let evidence = archived[0].clone();
    let s3 = aws_sdk_s3::Client::from_conf(
        logferry::s3::clients::s3_config(&world.compactor_session().await?)
            .interceptor(ForwardedHttps)
            .build(),
    );
    let bucket = world.archive_bucket.clone();
    let put = |key: String| {
        let (s3, bucket) = (s3.clone(), bucket.clone());
        async move {
            outcome(
                s3.put_object()
                    .bucket(bucket)
                    .key(key)
                    .body(b"x".to_vec().into())
                    .send()
                    .await,
            )
        }
    };
    let probes: Vec<Probe> = vec![
        (
            "compactor: GetObject in the archive prefix",
            Allowed,
            Box::pin(async {
                outcome(s3.get_object().bucket(&bucket).key(&evidence).send().await)
            }),
        ),
        (
            "compactor: PutObject in the query prefix",
            Allowed,
            Box::pin(put(format!("{QUERY_PREFIX}/x.gz"))),
        ),
        (
            "compactor: PutObject in the archive prefix",
            Denied,
            Box::pin(put(format!("{PREFIX}/forged.log"))),
        ),
        (
            "compactor: PutObject outside both prefixes",
            Denied,
            Box::pin(put("elsewhere/x".to_string())),
        ),
        (
            "compactor: DeleteObject in the archive prefix",
            Denied,
            Box::pin(async {
                outcome(
                    s3.delete_object()
                        .bucket(&bucket)
                        .key(&evidence)
                        .send()
                        .await,
                )
            }),
        ),
        (
            "compactor: ListObjectsV2 of the whole bucket",
            Denied,
            Box::pin(async { outcome(s3.list_objects_v2().bucket(&bucket).send().await) }),
        ),
        (
            "compactor: ListObjectsV2 of the archive prefix",
            Allowed,
            Box::pin(async {
                outcome(
                    s3.list_objects_v2()
                        .bucket(&bucket)
                        .prefix(format!("{PREFIX}/"))
                        .send()
                        .await,
                )
            }),
        ),
    ];
    logferry_tests::probe::assert_all(probes).await;
    Ok(())
}

/// The scheduled Lambda's handler: a day is compacted once it has settled,
/// and a second run finds nothing to do.
#[tokio::test]
async fn the_scheduled_lambda_compacts_each_settled_day_once() -> Result<()> {
    let world = World::strict().await?;
    let sources: Vec<(String, Vec<u8>)> = (0..3)
        .map(|i| (format!("app/{i}.log"), body(i, 2 * KIB, false)))
        .collect();
    let archived = ship(&world, &sources).await?;
    let partition = world.partition_of(&archived[0])?;
    let compactor = world.compactor(None).await?;
    let schedule = logferry::compact::Schedule {
        compact_settle_hours: 6,
        compact_lookback_days: 2,
        compact_concurrency: 2,
    };
    let at = |day: chrono::NaiveDate, hour| day.and_hms_opt(hour, 0, 0).expect("a time").and_utc();
    let run = |now| {
        let compactor = &compactor;
        async move {
            let emitter = logferry::metrics::Emitter::memory();
            ::compactor::handle(now, compactor, schedule, &emitter, "c")
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))
        }
    };
    let next_day = partition.day.succ_opt().context("a next day")?;
    // Too little time left in the invocation: the partition waits.
    let out_of_time = compactor.until(Deadline::at(tokio::time::Instant::now()));
    let emitter = logferry::metrics::Emitter::memory();
    assert_eq!(
        ::compactor::handle(at(next_day, 7), &out_of_time, schedule, &emitter, "c")
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?,
        json!({"written": 0, "unchanged": 0, "deferred": 1}),
        "a partition was started with no time left"
    );
    let emf = emitter.documents();
    logferry::metrics::check(&emf[0]).map_err(anyhow::Error::msg)?;
    assert_eq!(
        (
            emf.len(),
            &emf[0]["PartitionsDeferred"],
            &emf[0]["PartitionsWritten"]
        ),
        (1, &json!(1), &json!(0))
    );
    assert!(query_keys(&world).await?.is_empty());
    assert_eq!(
        run(at(partition.day, 23)).await?,
        json!({"written": 0, "unchanged": 0, "deferred": 0}),
        "compacted before the day ended"
    );
    assert_eq!(
        run(at(next_day, 5)).await?,
        json!({"written": 0, "unchanged": 0, "deferred": 0}),
        "compacted before it settled"
    );
    assert_eq!(
        run(at(next_day, 7)).await?,
        json!({"written": 1, "unchanged": 0, "deferred": 0})
    );
    assert_eq!(
        run(at(next_day, 8)).await?,
        json!({"written": 0, "unchanged": 1, "deferred": 0})
    );
    Ok(())
}
