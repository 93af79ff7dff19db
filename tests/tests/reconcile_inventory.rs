//! `logferry reconcile --source-inventory/--archive-inventory` (issue 17):
//! S3 Inventory reports, built here in S3's documented format with rows in
//! no order, on either side find exactly what a listing finds; with A's
//! report, B reconciles without any grant on A's bucket; `--etags` finds a
//! source changed since it was archived.

use std::collections::BTreeSet;

use anyhow::{ensure, Result};
use logferry_cli::reconcile::{self, Check, Days};
use logferry_tests::inventory::{self, Destination};
use logferry_tests::policy::render;
use logferry_tests::reconcile::{access_log, day, reconciler, ship_all, LOGS};
use logferry_tests::world::{unique, PREFIX, REGION};
use logferry_tests::{Mode, World};
use serde_json::json;

/// Rows of a report of `bucket` as S3 writes them (form-encoded keys).
fn row(
    bucket: &str,
    key: &str,
    size: &str,
    modified: &str,
    etag: &str,
    latest: bool,
    marker: bool,
) -> Vec<String> {
    [bucket, &inventory::encode_key(key), size, modified, etag]
        .iter()
        .map(|f| f.to_string())
        .chain([latest.to_string(), marker.to_string()])
        .collect()
}

/// A report of what `s3` lists in `bucket` under `prefix`, rows in reverse
/// key order over two data files (S3 promises no order), plus `extra` rows.
async fn report_of(
    s3: &aws_sdk_s3::Client,
    at: &Destination<'_>,
    prefix: &str,
    extra: Vec<Vec<String>>,
) -> Result<String> {
    let listed = s3
        .list_objects_v2()
        .bucket(at.source_bucket)
        .prefix(prefix)
        .send()
        .await?;
    let mut rows: Vec<Vec<String>> = listed
        .contents()
        .iter()
        .map(|o| {
            let modified = o.last_modified().map(|t| t.to_string()).unwrap_or_default();
            let etag = o.e_tag().unwrap_or_default().trim_matches('"').to_string();
            let size = o.size().unwrap_or(0).to_string();
            row(
                at.source_bucket,
                o.key().unwrap_or_default(),
                &size,
                &modified,
                &etag,
                true,
                false,
            )
        })
        .chain(extra)
        .collect();
    rows.reverse();
    let half = rows.len() / 2;
    let files = [
        inventory::data_file(&rows[..half]),
        inventory::data_file(&rows[half..]),
    ];
    at.report("2026-11-22T00-00Z", &files, None).await
}

#[tokio::test]
async fn inventories_on_either_side_find_the_same_missing_objects() -> Result<()> {
    let world = World::strict().await?;
    let keys: Vec<String> = [(19, 2), (20, 3)]
        .iter()
        .flat_map(|(d, count)| (0..*count).map(move |n| access_log(*d, n)))
        .collect();
    let archived = ship_all(&world, &keys).await?;
    let removed = access_log(20, 1);
    let (archive_a, archive_b) = (world.admin_a.s3(), world.admin_b.s3());
    let gone = &archived[&removed];
    archive_b
        .delete_object()
        .bucket(&world.archive_bucket)
        .key(gone)
        .send()
        .await?;
    // Changed at the source since it was archived: same size, another ETag.
    world
        .put_source(&keys[0], keys[0].to_uppercase() + "\n")
        .await?;

    // Both reports delivered to an inventory bucket in B.
    let bucket = unique("inventory");
    archive_b.create_bucket().bucket(&bucket).send().await?;
    let at = |source_bucket| Destination {
        s3: &archive_b,
        bucket: &bucket,
        source_bucket,
    };
    let source_report = report_of(&archive_a, &at(&world.source_bucket), LOGS, Vec::new()).await?;
    // The removed copy as a versioned archive's report shows it: a delete
    // marker on top of its old version.
    let history = vec![
        row(&world.archive_bucket, gone, "", "", "", true, true),
        row(
            &world.archive_bucket,
            gone,
            "99",
            "2026-11-20T01:00:00.000Z",
            "0f",
            false,
            false,
        ),
    ];
    let archive_report = report_of(&archive_b, &at(&world.archive_bucket), PREFIX, history).await?;

    let read = render(
        "reconcile-inventory-read.json.tpl",
        &json!({"inventory_object_arns": [format!("arn:aws:s3:::{bucket}/inventory/*")]}),
    )?;
    let etags = render(
        "reconcile-etags.json.tpl",
        &json!({"archive_bucket_arn": format!("arn:aws:s3:::{}", world.archive_bucket), "archive_prefix": PREFIX}),
    )?;
    let auditor = reconciler(&world, vec![("inventory", read), ("etags", etags)]).await?;
    let config = world
        .config(Mode::Direct)
        .validate()
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let check = |source: Option<&str>, archive: Option<&str>, etags| Check {
        source: format!("s3://{}/{LOGS}", world.source_bucket),
        days: Days {
            first: day(19),
            last: day(20),
        },
        region: REGION.to_string(),
        etags,
        source_inventory: source.map(str::to_string),
        archive_inventory: archive.map(str::to_string),
    };
    let run = |check: Check| {
        let auditor = &auditor;
        let config = &config;
        async move {
            let mut missing = BTreeSet::new();
            let report = reconcile::reconcile(&auditor.s3(), config, &check, |_, uri| {
                missing.extend(uri.map(str::to_string));
            })
            .await?;
            anyhow::Ok((missing, report))
        }
    };
    let expected = BTreeSet::from([format!("s3://{}/{removed}", world.source_bucket)]);
    let (missing, report) = run(check(None, Some(&archive_report), true)).await?;
    ensure!(
        missing == expected && report.source == 5 && report.archived == 4,
        "{missing:?} {report:?}"
    );
    ensure!(
        report.etag_differs == 1 && report.size_differs == 0,
        "the changed source: {report:?}"
    );

    // With A's report, B lists nothing of A: A's grant can go.
    archive_a
        .delete_bucket_policy()
        .bucket(&world.source_bucket)
        .send()
        .await?;
    for (source, archive) in [
        (Some(&source_report), None),
        (Some(&source_report), Some(&archive_report)),
    ] {
        let (missing, report) = run(check(
            source.map(String::as_str),
            archive.map(String::as_str),
            false,
        ))
        .await?;
        ensure!(
            missing == expected && report.source == 5 && report.archived == 4,
            "{source:?} {archive:?}: {missing:?} {report:?}"
        );
    }
    let listing = run(check(None, None, false)).await;
    ensure!(listing.is_err(), "listed A without A's grant");

    // The archive's report given for A's side: one line naming the mix-up.
    let mixed = run(check(Some(&archive_report), None, false))
        .await
        .unwrap_err()
        .to_string();
    ensure!(
        mixed.contains(&format!(
            "is the inventory of bucket {}, not of {}",
            world.archive_bucket, world.source_bucket
        )),
        "{mixed}"
    );
    Ok(())
}
