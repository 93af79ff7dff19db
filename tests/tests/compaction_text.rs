//! The compacted copy answers as the archive does, whatever the sources
//! hold: the output's lines, read as Athena's text input reads them (`\n`,
//! `\r\n` and `\r` end a line; a `.gz` key is read decompressed), are the
//! archived sources' lines in key order. A source whose last line has no
//! line end, an empty source, a gzip source and CRLF line ends, side by
//! side. README, "Compaction".

use std::io::Write;

use anyhow::{Context, Result};
use logferry_tests::compaction::{get, gunzip, ship, written};
use logferry_tests::World;
use serde_json::Value;

/// Lines as Hive's line reader splits them.
fn lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut found = Vec::new();
    let mut line = Vec::new();
    let mut bytes = bytes.iter().peekable();
    while let Some(&b) = bytes.next() {
        match b {
            b'\n' => found.push(std::mem::take(&mut line)),
            b'\r' => {
                bytes.next_if_eq(&&b'\n');
                found.push(std::mem::take(&mut line));
            }
            _ => line.push(b),
        }
    }
    if !line.is_empty() {
        found.push(line);
    }
    found
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

#[tokio::test]
async fn the_compacted_copy_holds_the_lines_athena_reads_from_the_archive() -> Result<()> {
    let world = World::strict().await?;
    let plain = |text: &str| text.as_bytes().to_vec();
    let sources = vec![
        ("app/a.log".to_string(), plain("a1\na2 no line end")),
        ("app/b.log".to_string(), Vec::new()),
        (
            "app/c.log.gz".to_string(),
            gzip(b"c1 gzip\nc2 gzip no line end")?,
        ),
        ("app/d.log".to_string(), plain("d1 crlf\r\nd2 crlf\r\n")),
        ("app/e.log".to_string(), plain("e1\ne2\n")),
    ];
    let archived = ship(&world, &sources).await?;
    let partition = world.partition_of(&archived[0])?;
    let compacted = written(world.compactor(None).await?.compact(&partition).await?);

    // What Athena reads from the archive: each copy, in key order.
    let mut expected = Vec::new();
    let mut copies = archived.clone();
    copies.sort();
    for key in &copies {
        let bytes = get(&world, key).await?;
        let text = if key.ends_with(".gz") {
            gunzip(&bytes)?
        } else {
            bytes
        };
        expected.extend(lines(&text));
    }
    let found = lines(&gunzip(&get(&world, &compacted.output_key).await?)?);
    let show = |l: &[Vec<u8>]| {
        l.iter()
            .map(|x| String::from_utf8_lossy(x).into_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(show(&found), show(&expected), "the compacted copy's lines");
    assert_eq!(found.len(), 8);

    // The manifest says what was done to which source.
    let manifest: Value = serde_json::from_slice(&get(&world, &compacted.manifest_key).await?)?;
    let listed = manifest["sources"].as_array().context("a source list")?;
    let flags: Vec<(bool, bool)> = listed
        .iter()
        .map(|s| (s["gunzipped"] == true, s["line_end_added"] == true))
        .collect();
    assert_eq!(
        flags,
        vec![
            (false, true),
            (false, false),
            (true, true),
            (false, false),
            (false, false)
        ],
        "{manifest}"
    );
    world.assert_no_uploads_left().await
}
