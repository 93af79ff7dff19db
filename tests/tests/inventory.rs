//! `ship --inventory` (issue 17): an S3 Inventory report, built here in the
//! format S3 documents (a `manifest.json` naming gzip CSV data files with
//! their MD5s, URL-encoded keys), ships exactly its objects; a damaged data
//! file or a malformed row is refused before anything of it is shipped.

use std::io::Write;

use anyhow::{ensure, Result};
use chrono::{TimeZone, Utc};
use logferry_cli::ship::{self, Input, Window};
use logferry_tests::inventory::{data_file, md5_hex, Destination};
use logferry_tests::{Mode, World};

/// The report's data files and manifest, in the source bucket.
async fn report(
    world: &World,
    name: &str,
    files: &[Vec<u8>],
    md5s: Option<&[&str]>,
) -> Result<String> {
    let s3 = world.admin_a.s3();
    let at = Destination {
        s3: &s3,
        bucket: &world.source_bucket,
        source_bucket: &world.source_bucket,
    };
    at.report(name, files, md5s).await
}

#[tokio::test]
async fn an_inventory_report_ships_exactly_its_objects_and_a_damaged_one_is_refused() -> Result<()>
{
    let world = World::strict().await?;
    let b = world.source_bucket.clone();
    for key in [
        "inv/a.log",
        "inv/b c+d.log",
        "inv/ü/e.log",
        "inv/old.log",
        "inv/unlisted.log",
    ] {
        world.put_source(key, format!("{key}\n")).await?;
    }
    let new = "2026-11-20T10:00:00.000Z";
    let first = data_file(&[
        [&b, "inv/a.log", "10", new, "e1", "true", "false"],
        [&b, "inv/b+c%2Bd.log", "14", new, "e2", "true", "false"],
        [&b, "inv/%C3%BC/e.log", "13", new, "e3", "true", "false"],
    ]);
    let second = data_file(&[
        [
            &b,
            "inv/old.log",
            "12",
            "2026-10-01T00:00:00.000Z",
            "e4",
            "true",
            "false",
        ],
        [&b, "inv/gone.log", "0", new, "", "true", "true"],
        [&b, "inv/a.log", "9", new, "e0", "false", "false"],
    ]);
    let files = [first.clone(), second.clone()];
    let manifest = report(&world, "2026-11-21T00-00Z", &files, None).await?;
    let shipper = world.shipper(world.config(Mode::Direct)).await?;
    let source = shipper.clients().source.clone();
    let since = Some(Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap());
    let window = Window { since, until: None };
    let mut shipped = Vec::new();
    let input = Input::Inventory(manifest, window);
    let summary = ship::ship_input(&shipper, &source, input, std::future::pending(), |done| {
        if let Ok(s) = done.result {
            shipped.push(s.source_key.clone());
        }
    })
    .await?;
    shipped.sort();
    ensure!(
        shipped == ["inv/a.log", "inv/b c+d.log", "inv/ü/e.log"] && summary.failed.is_empty(),
        "{shipped:?} {summary:?}"
    );

    // A data file whose MD5 is not the manifest's: refused, nothing shipped.
    let wrong = md5_hex(b"something else");
    let damaged = report(
        &world,
        "damaged",
        &files,
        Some(&[&wrong, &md5_hex(&second)]),
    )
    .await?;
    let mut any = 0;
    let input = Input::Inventory(damaged, Window::default());
    let err = ship::ship_input(&shipper, &source, input, std::future::pending(), |_| {
        any += 1
    })
    .await
    .unwrap_err();
    let line = format!("{err:#}");
    ensure!(
        line.contains("fails its MD5") && !line.contains('\n') && any == 0,
        "{line} ({any} shipped)"
    );

    // A row with a field missing names the file and the row.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    writeln!(
        gz,
        "\"{b}\",\"inv/a.log\",\"10\",\"{new}\",\"e1\",\"true\",\"false\""
    )?;
    writeln!(gz, "\"{b}\",\"inv/a.log\",\"10\"")?;
    let malformed = report(&world, "malformed", &[gz.finish()?], None).await?;
    let input = Input::Inventory(malformed, Window::default());
    let err = ship::ship_input(&shipper, &source, input, std::future::pending(), |_| {})
        .await
        .unwrap_err();
    let line = format!("{err:#}");
    ensure!(
        line.contains("row 2: 3 fields where fileSchema names 7"),
        "{line}"
    );
    Ok(())
}
