//! `logferry reconcile` (issue 17): run in account B by an identity with
//! the shipped reconcile policies (and A's bucket granting it its log
//! prefix), it finds exactly the objects removed from the archive, writes
//! them for `ship --from-file`, exits 1 on an incomplete range and 0 on a
//! complete day, and can do nothing else. The identity is an IAM user (gap
//! `role-principal`: A's bucket policy names it).

use std::collections::BTreeSet;

use anyhow::{ensure, Result};
use logferry_cli::reconcile::{self, Check, Days};
use logferry_tests::faults::FaultProxy;
use logferry_tests::probe::{outcome, Outcome};
use logferry_tests::reconcile::{access_log, day, reconciler, ship_all, LOGS};
use logferry_tests::world::{unique, REGION};
use logferry_tests::{Mode, World};

#[tokio::test]
async fn reconcile_finds_exactly_the_objects_removed_from_the_archive() -> Result<()> {
    let world = World::strict().await?;
    let keys: Vec<String> = [(19, 2), (20, 5), (21, 3)]
        .iter()
        .flat_map(|(d, count)| (0..*count).map(move |n| access_log(*d, n)))
        .collect();
    let archived = ship_all(&world, &keys).await?;

    // Removed from the archive (a delete marker, by B's break-glass admin).
    let removed = [access_log(20, 3), access_log(21, 0)];
    for key in &removed {
        let dest = &archived[key];
        world
            .admin_b
            .s3()
            .delete_object()
            .bucket(&world.archive_bucket)
            .key(dest)
            .send()
            .await?;
    }
    let auditor = reconciler(&world, Vec::new()).await?;
    let config = world
        .config(Mode::Direct)
        .validate()
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let check = |days: Days| Check {
        source: format!("s3://{}/{LOGS}", world.source_bucket),
        days,
        region: REGION.to_string(),
        etags: false,
        source_inventory: None,
        archive_inventory: None,
    };
    let mut missing = BTreeSet::new();
    let range = check(Days {
        first: day(20),
        last: day(21),
    });
    let report = reconcile::reconcile(&auditor.s3(), &config, &range, |_, uri| {
        missing.extend(uri.map(str::to_string));
    })
    .await?;
    let expected: BTreeSet<String> = removed
        .iter()
        .map(|k| format!("s3://{}/{k}", world.source_bucket))
        .collect();
    ensure!(
        missing == expected,
        "found {missing:?}, removed {expected:?}"
    );
    ensure!(
        report.source == 8 && report.archived == 6 && !report.complete(),
        "{report:?}"
    );
    let complete = check(Days {
        first: day(19),
        last: day(19),
    });
    let report = reconcile::reconcile(&auditor.s3(), &config, &complete, |_, _| {}).await?;
    ensure!(report.complete() && report.source == 2, "{report:?}");

    // The command: exit 1 and the missing list for an incomplete range, 0 on a complete day.
    let proxy = FaultProxy::start(&world.endpoint).await?;
    proxy.as_https();
    let dir = std::env::temp_dir().join(unique("reconcile"));
    std::fs::create_dir_all(&dir)?;
    let out_file = dir.join("missing.txt");
    let source_uri = format!("s3://{}/{LOGS}", world.source_bucket);
    let run = |args: Vec<String>| {
        let world = &world;
        let (auditor, proxy) = (&auditor, &proxy);
        async move {
            let mut command = world
                .logferry_as(
                    env!("CARGO_BIN_EXE_logferry-under-test"),
                    auditor,
                    Mode::Direct,
                    &proxy.url,
                )
                .await?;
            anyhow::Ok(command.arg("reconcile").args(args).output().await?)
        }
    };
    let args = vec![
        "--source".into(),
        source_uri.clone(),
        "--from".into(),
        "2026-11-20".into(),
        "--to".into(),
        "2026-11-21".into(),
        "--missing-out".into(),
        out_file.display().to_string(),
    ];
    let out = run(args).await?;
    ensure!(out.status.code() == Some(1), "{out:?}");
    let written: BTreeSet<String> = std::fs::read_to_string(&out_file)?
        .lines()
        .map(str::to_string)
        .collect();
    ensure!(written == expected, "{written:?}");
    let out = run(vec![
        "--source".into(),
        source_uri.clone(),
        "--day".into(),
        "2026-11-19".into(),
    ])
    .await?;
    ensure!(out.status.success(), "{out:?}");
    // A day never shipped: one line naming what to check.
    for n in 0..2 {
        let key = access_log(22, n);
        world.put_source(&key, format!("{key}\n")).await?;
    }
    let out = run(vec![
        "--source".into(),
        source_uri,
        "--day".into(),
        "2026-11-22".into(),
    ])
    .await?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    ensure!(
        out.status.code() == Some(1)
            && stderr.contains("2026-11-22: the archive holds none of its 2 objects"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);

    // It lists, and nothing more: not outside the archive prefix, not a log's content.
    let s3 = auditor.s3();
    let elsewhere = s3
        .list_objects_v2()
        .bucket(&world.archive_bucket)
        .prefix("elsewhere/")
        .send()
        .await;
    ensure!(
        outcome(elsewhere) == Outcome::Denied,
        "listed outside the archive prefix"
    );
    let read = s3
        .get_object()
        .bucket(&world.archive_bucket)
        .key(&archived[&keys[0]])
        .send()
        .await;
    ensure!(outcome(read) == Outcome::Denied, "read an archived log");
    Ok(())
}
