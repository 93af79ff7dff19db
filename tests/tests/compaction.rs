//! Compaction on the emulator: a day of shipped logs becomes one gzip
//! object under the query prefix whose bytes are exactly the sources in key
//! order, with a manifest; re-runs give the same object; a grown partition
//! gets a superset that replaces the old one; a corrupted source byte
//! refuses the whole compaction. README, "Compaction".

use std::io::Read;

use anyhow::{Context, Result};
use logferry::compact::{Compactor, Partition};
use logferry::{KeyTemplate, ObjectRef, ShipError};
use logferry_tests::faults::{Fault, FaultProxy, Which};
use logferry_tests::world::{ACCOUNT_A, PREFIX, REGION};
use logferry_tests::{ForwardedHttps, Mode, World};
use serde_json::Value;

const KIB: usize = 1024;
const QUERY_PREFIX: &str = "logferry-query";

/// Deterministic bytes: access-log text, or noise that does not compress.
fn body(seed: usize, size: usize, noise: bool) -> Vec<u8> {
    if noise {
        let mut x = (seed as u64)
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        return (0..size)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                (x >> 56) as u8
            })
            .collect();
    }
    let line = format!("acme-app [22/Nov/2026:10:00:{:02} +0000] 192.0.2.{} REST.GET.OBJECT photos/{seed}.jpg 200\n", seed % 60, seed % 250);
    line.bytes().cycle().take(size).collect()
}

/// Ship `keys` (direct mode); their archive keys.
async fn ship(world: &World, keys: &[(String, Vec<u8>)]) -> Result<Vec<String>> {
    let shipper = world.shipper(world.config(Mode::Direct)).await?;
    let mut archived = Vec::new();
    for (key, bytes) in keys {
        world.put_source(key, bytes.clone()).await?;
        let shipped = shipper
            .ship_object(&ObjectRef::new(&world.source_bucket, key))
            .await?;
        archived.push(shipped.dest_key);
    }
    Ok(archived)
}

/// The partition an archive key is in (`prefix/account/region/bucket/yyyy/MM/dd/…`).
fn partition_of(world: &World, archive_key: &str) -> Result<Partition> {
    let parts: Vec<&str> = archive_key.split('/').collect();
    let day = format!("{}-{}-{}", parts[5], parts[6], parts[7]);
    Partition::new(ACCOUNT_A, REGION, &world.source_bucket, &day).map_err(anyhow::Error::msg)
}

/// B's compactor, optionally through a proxy.
fn compactor(world: &World, endpoint: Option<&str>) -> Result<Compactor> {
    let sdk = match endpoint {
        Some(url) => world.admin_b.sdk.to_builder().endpoint_url(url).build(),
        None => world.admin_b.sdk.clone(),
    };
    let s3 = aws_sdk_s3::Client::from_conf(
        logferry::clients::s3_config(&sdk)
            .interceptor(ForwardedHttps)
            .build(),
    );
    let template = KeyTemplate::parse(logferry::key::DEFAULT_TEMPLATE, PREFIX)?;
    Ok(Compactor::new(
        s3,
        world.archive_bucket.clone(),
        &template,
        QUERY_PREFIX,
        5 * 1024 * 1024,
    )?)
}

async fn get(world: &World, key: &str) -> Result<Vec<u8>> {
    Ok(world.archived(key).await?.0)
}

fn gunzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes).read_to_end(&mut out)?;
    Ok(out)
}

async fn query_keys(world: &World) -> Result<Vec<String>> {
    Ok(world
        .archive_keys()
        .await?
        .into_iter()
        .filter(|k| k.starts_with(QUERY_PREFIX))
        .collect())
}

async fn no_uploads_left(world: &World) -> Result<()> {
    let uploads = world
        .admin_b
        .s3()
        .list_multipart_uploads()
        .bucket(&world.archive_bucket)
        .send()
        .await?;
    anyhow::ensure!(
        uploads.uploads().is_empty(),
        "uploads left: {:?}",
        uploads.uploads()
    );
    Ok(())
}

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
    let partition = partition_of(&world, &archived[0])?;
    let compactor = compactor(&world, None)?;

    let first = compactor.compact(&partition).await?;
    assert!(first
        .output_key
        .starts_with(&format!("{QUERY_PREFIX}/{ACCOUNT_A}/{REGION}/")));
    assert!(first.output_key.ends_with(".gz"), "{}", first.output_key);
    let mut expected = Vec::new();
    let mut by_key: Vec<(&String, &Vec<u8>)> = archived
        .iter()
        .zip(sources.iter().map(|(_, b)| b))
        .collect();
    by_key.sort();
    for (_, bytes) in &by_key {
        expected.extend_from_slice(bytes);
    }
    let output = get(&world, &first.output_key).await?;
    assert!(
        gunzip(&output)? == expected,
        "the output is not the sources in key order"
    );
    let manifest: Value = serde_json::from_slice(&get(&world, &first.manifest_key).await?)?;
    let listed = manifest["sources"].as_array().context("a source list")?;
    assert_eq!(listed.len(), sources.len());
    let mut offset = 0;
    for (entry, (key, bytes)) in listed.iter().zip(&by_key) {
        assert_eq!(entry["key"], key.as_str());
        assert_eq!(entry["offset"], offset);
        assert!(entry["checksum"].as_str().unwrap_or_default().contains(':'));
        offset += bytes.len() as u64;
    }
    assert_eq!(first.uncompressed_bytes, offset);

    // The same sources: the same key, the same bytes, nothing replaced.
    let again = compactor.compact(&partition).await?;
    assert_eq!(again.output_key, first.output_key);
    assert!(
        get(&world, &again.output_key).await? == output,
        "a re-run wrote other bytes"
    );
    assert!(again.removed.is_empty());

    // More logs arrive late: a superset replaces the old output.
    let late: Vec<(String, Vec<u8>)> = (0..3)
        .map(|i| (format!("app/late-{i}.log"), body(50 + i, 2 * KIB, false)))
        .collect();
    ship(&world, &late).await?;
    let grown = compactor.compact(&partition).await?;
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
    no_uploads_left(&world).await
}

#[tokio::test]
async fn a_corrupted_source_byte_refuses_the_compaction() -> Result<()> {
    let world = World::strict().await?;
    let sources: Vec<(String, Vec<u8>)> = (0..8)
        .map(|i| (format!("app/{i}.log"), body(i, 4 * KIB, false)))
        .collect();
    let archived = ship(&world, &sources).await?;
    let partition = partition_of(&world, &archived[0])?;
    let proxy = FaultProxy::start(&world.endpoint).await?;
    proxy.inject("GetObject", Which::Nth(vec![5]), Fault::Corrupt);
    let err = compactor(&world, Some(&proxy.url))?
        .compact(&partition)
        .await
        .expect_err("a source that does not match its stored checksum");
    assert!(matches!(err, ShipError::VerifyMismatch { .. }), "{err}");
    assert_eq!(proxy.injected("GetObject", Fault::Corrupt), 1);
    assert!(
        query_keys(&world).await?.is_empty(),
        "something was written"
    );
    no_uploads_left(&world).await
}
