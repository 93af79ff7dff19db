//! Backfills (issue 17, streaming `ship`): objects are shipped while the
//! listing goes on, and a file of URIs is read as the run goes.

use anyhow::{ensure, Result};
use logferry_cli::ship::{self, Input};
use logferry_tests::faults::FaultProxy;
use logferry_tests::policy::render;
use logferry_tests::{Mode, World};
use serde_json::json;

/// 2,500 objects are three ListObjectsV2 pages (S3 returns at most 1,000
/// keys a page): with the listing held to 1,000 objects ahead of the copies,
/// the first copy must land before the last page is even asked for.
#[tokio::test]
async fn the_first_copy_lands_before_the_listing_ends() -> Result<()> {
    let world = World::strict().await?;
    let list = render(
        "source-list.json.tpl",
        &json!({"source_bucket_arns": [format!("arn:aws:s3:::{}", world.source_bucket)]}),
    )?;
    world.grant_shipper("source-list", list).await?;
    let s3 = world.admin_a.s3();
    let puts = (0..2500).map(|i| {
        let s3 = s3.clone();
        let bucket = world.source_bucket.clone();
        async move {
            s3.put_object()
                .bucket(bucket)
                .key(format!("backfill/{i:05}.log"))
                .body(format!("line {i}\n").into_bytes().into())
                .send()
                .await
        }
    });
    for put in futures::future::join_all(puts).await {
        put?;
    }
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
