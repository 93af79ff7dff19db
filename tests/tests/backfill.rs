//! Backfills (issue 17, streaming `ship`): objects are shipped while the
//! listing goes on, a file of URIs is read as the run goes, and a killed
//! run resumes from its checkpoint.

use std::time::Duration;

use anyhow::{ensure, Context, Result};
use logferry_cli::ship::{self, Input};
use logferry_tests::faults::{Fault, FaultProxy, Which};
use logferry_tests::{Mode, World};

const LOGFERRY: &str = env!("CARGO_BIN_EXE_logferry-under-test");

/// 2,500 objects are three ListObjectsV2 pages (S3 returns at most 1,000
/// keys a page): with the listing held to 1,000 objects ahead of the copies,
/// the first copy must land before the last page is even asked for.
#[tokio::test]
async fn the_first_copy_lands_before_the_listing_ends() -> Result<()> {
    let world = World::strict().await?;
    world.grant_source_list().await?;
    world.put_many("backfill", 2500).await?;
    let proxy = FaultProxy::start(&world.endpoint).await?;
    let shipper = world
        .shipper_through(&proxy.url, world.config(Mode::Direct))
        .await?;
    let source = shipper.clients().source.clone();
    let uris = vec![format!("s3://{}/backfill/", world.source_bucket)];
    let summary = ship::ship_uris(&shipper, &source, &uris, std::future::pending(), |_| {}).await?;
    ensure!(
        summary.shipped == 2500 && summary.failed.is_empty(),
        "{summary:?}"
    );

    let seen = proxy.seen();
    let lists: Vec<_> = seen
        .iter()
        .filter(|s| s.operation == "ListObjects")
        .collect();
    let first_put = seen
        .iter()
        .find(|s| s.operation == "PutObject")
        .map(|s| s.at);
    ensure!(lists.len() == 3, "{} list pages", lists.len());
    ensure!(
        first_put.is_some_and(|put| put < lists[2].at),
        "the first copy waited for the whole listing"
    );
    Ok(())
}

/// Objects a run put into the archive, counted at the proxy: each small
/// object takes exactly one PutObject, so any more is a repeated copy.
fn puts(proxy: &FaultProxy) -> usize {
    proxy
        .seen()
        .iter()
        .filter(|s| s.operation == "PutObject")
        .count()
}

/// `ship --checkpoint`, as a process SIGKILLed midway: run again with the
/// same input and checkpoint, it ships the rest and repeats at most
/// `concurrency` copies (those in flight when it was killed), counted at
/// the proxy over both runs.
#[tokio::test]
async fn a_killed_backfill_resumes_and_repeats_at_most_concurrency_copies() -> Result<()> {
    const OBJECTS: usize = 600;
    const CONCURRENCY: usize = 8;
    let world = World::strict().await?;
    world.grant_source_list().await?;
    world.put_many("resume", OBJECTS).await?;
    let proxy = FaultProxy::start(&world.endpoint).await?;
    proxy.as_https();
    // Each copy takes a moment, so that the kill lands mid-run.
    proxy.inject(
        "PutObject",
        Which::Every(1),
        Fault::Delay(Duration::from_millis(15)),
    );
    let dir = std::env::temp_dir().join(logferry_tests::world::unique("checkpoint"));
    std::fs::create_dir_all(&dir)?;
    let checkpoint = dir.join("backfill.checkpoint");
    let uri = format!("s3://{}/resume/", world.source_bucket);
    let args = [
        "ship",
        &uri,
        "--checkpoint",
        checkpoint.to_str().context("path")?,
    ];
    let concurrency = CONCURRENCY.to_string();

    let mut first = world.logferry(LOGFERRY, Mode::Direct, &proxy.url).await?;
    let mut first = first
        .args(args)
        .env("LOGFERRY_CONCURRENCY", &concurrency)
        .stdout(std::process::Stdio::null())
        .spawn()?;
    let started = std::time::Instant::now();
    while puts(&proxy) < OBJECTS / 3 {
        ensure!(
            started.elapsed() < Duration::from_secs(120),
            "the first run never got a third of the way"
        );
        ensure!(
            first.try_wait()?.is_none(),
            "the first run ended before it was killed"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    first.start_kill()?; // SIGKILL: nothing of the run's own gets to run
    first.wait().await?;
    let killed_at = puts(&proxy);
    ensure!(killed_at < OBJECTS, "the run finished before it was killed");

    let out = world
        .logferry(LOGFERRY, Mode::Direct, &proxy.url)
        .await?
        .args(args)
        .env("LOGFERRY_CONCURRENCY", &concurrency)
        .output()
        .await?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    ensure!(out.status.success(), "the resumed run failed: {stderr}");
    ensure!(stderr.contains("resuming from"), "{stderr}");
    let repeated = puts(&proxy) - OBJECTS;
    ensure!(
        repeated <= CONCURRENCY,
        "{repeated} copies repeated (killed after {killed_at} puts), more than the {CONCURRENCY} in flight"
    );
    let archived = world.archive_keys().await?;
    ensure!(archived.len() == OBJECTS, "{} archived", archived.len());

    // The same checkpoint for another input is refused, in one line.
    let shipper = world.shipper(world.config(Mode::Direct)).await?;
    let other = Input::Uris(vec![format!("s3://{}/other/", world.source_bucket)]);
    let cp = checkpoint.to_str().context("path")?;
    let source = shipper.clients().source.clone();
    let err = ship::ship_resumable(
        &shipper,
        &source,
        other,
        Some(cp),
        std::future::pending(),
        |_| {},
    )
    .await
    .unwrap_err()
    .to_string();
    ensure!(
        err.contains("was written for") && !err.contains('\n'),
        "{err}"
    );

    // A checkpoint in a bucket that does not exist: one line naming the fix.
    let missing = format!(
        "s3://{}/cp.json",
        logferry_tests::world::unique("no-such-bucket")
    );
    let uris = Input::Uris(vec![uri.clone()]);
    let err = ship::ship_resumable(
        &shipper,
        &source,
        uris,
        Some(&missing),
        std::future::pending(),
        |_| {},
    )
    .await
    .unwrap_err()
    .to_string();
    ensure!(
        err.contains("checkpoint") && err.contains("no-such-bucket") && !err.contains('\n'),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// `--from-file`: one URI a line, blank lines and `#` comments skipped; a
/// line that is no URI stops the run with one line naming the file and line.
#[tokio::test]
async fn a_file_of_uris_is_shipped_and_a_bad_line_is_named() -> Result<()> {
    let world = World::strict().await?;
    for key in ["list/a.log", "list/b.log"] {
        world
            .put_source(key, format!("{key}\n").into_bytes())
            .await?;
    }
    let shipper = world.shipper(world.config(Mode::AssumeRole)).await?;
    let source = shipper.clients().source.clone();
    let dir = std::env::temp_dir().join(logferry_tests::world::unique("from-file"));
    std::fs::create_dir_all(&dir)?;
    let good = dir.join("good.txt");
    let bucket = &world.source_bucket;
    std::fs::write(
        &good,
        format!("# what to ship\ns3://{bucket}/list/a.log\n\ns3://{bucket}/list/b.log\n"),
    )?;
    let mut shipped = Vec::new();
    let summary = ship::ship_input(
        &shipper,
        &source,
        Input::File(good),
        std::future::pending(),
        |done| {
            if let Ok(s) = done.result {
                shipped.push(s.source_key.clone());
            }
        },
    )
    .await?;
    shipped.sort();
    ensure!(shipped == ["list/a.log", "list/b.log"] && summary.failed.is_empty());

    let bad = dir.join("bad.txt");
    std::fs::write(
        &bad,
        format!("s3://{bucket}/list/a.log\n{bucket}/list/b.log\n"),
    )?;
    let err = ship::ship_input(
        &shipper,
        &source,
        Input::File(bad.clone()),
        std::future::pending(),
        |_| {},
    )
    .await
    .unwrap_err();
    let line = format!("{err:#}");
    ensure!(
        line.contains(&format!("{}, line 2", bad.display())) && line.contains("s3://bucket/key"),
        "{line}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
