//! What the compaction tests share: deterministic source bodies, shipping
//! them into a world's archive, and reading the compacted output back.

use std::io::Read;

use anyhow::Result;
use logferry::compact::{Compacted, Compaction};
use logferry::ObjectRef;

use crate::{Mode, World};

pub const KIB: usize = 1024;
pub const QUERY_PREFIX: &str = logferry::compact::DEFAULT_QUERY_PREFIX;

/// Deterministic bytes: access-log text, or noise that does not compress.
pub fn body(seed: usize, size: usize, noise: bool) -> Vec<u8> {
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
pub async fn ship(world: &World, keys: &[(String, Vec<u8>)]) -> Result<Vec<String>> {
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

pub fn written(compaction: Compaction) -> Compacted {
    match compaction {
        Compaction::Written(compacted) => compacted,
        Compaction::Unchanged(key) => panic!("nothing was written; {key} was already there"),
    }
}

pub async fn get(world: &World, key: &str) -> Result<Vec<u8>> {
    Ok(world.archived(key).await?.0)
}

pub fn gunzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes).read_to_end(&mut out)?;
    Ok(out)
}

pub async fn query_keys(world: &World) -> Result<Vec<String>> {
    Ok(world
        .archive_keys()
        .await?
        .into_iter()
        .filter(|k| k.starts_with(QUERY_PREFIX))
        .collect())
}

/// A reflected CRC of `width` bits with all-ones init and final xor, bit by
/// bit: CRC32, CRC32C and CRC64NVME as S3 computes them, independent of
/// logferry's.
fn crc(bytes: &[u8], poly: u64, width: u32) -> u64 {
    let mask = if width == 64 { !0 } else { (1u64 << width) - 1 };
    let mut crc = mask;
    for &b in bytes {
        crc ^= u64::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ poly
            } else {
                crc >> 1
            };
        }
    }
    !crc & mask
}

pub fn crc32c(bytes: &[u8]) -> u32 {
    crc(bytes, 0x82F6_3B78, 32) as u32
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// `ALGORITHM:base64` of `bytes` in the algorithm `head` names: what S3
/// stored, recomputed here.
fn recomputed(head: &aws_sdk_s3::operation::head_object::HeadObjectOutput, bytes: &[u8]) -> String {
    if head.checksum_crc64_nvme().is_some() {
        format!(
            "CRC64NVME:{}",
            b64(&crc(bytes, 0x9A6C_9329_AC4B_C9B5, 64).to_be_bytes())
        )
    } else if head.checksum_crc32_c().is_some() {
        format!("CRC32C:{}", b64(&crc32c(bytes).to_be_bytes()))
    } else {
        format!(
            "CRC32:{}",
            b64(&(crc(bytes, 0xEDB8_8320, 32) as u32).to_be_bytes())
        )
    }
}

/// A plain-text source as the output holds it: its bytes, and a line end
/// after a last line that has none.
pub fn with_line_end(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    if out.last().is_some_and(|&b| b != b'\n' && b != b'\r') {
        out.push(b'\n');
    }
    out
}

/// The output and manifest `compacted` names, checked field by field
/// against the archive and against `sources` (archive key, plain-text
/// bytes): every source's ETag, size and stored checksum as S3 reports
/// them, its offset and shape; the output's bytes (exactly the sources in
/// key order), its size and its CRC32C. The output's bytes, gzipped.
pub async fn check_output(
    world: &World,
    compacted: &Compacted,
    sources: &[(String, Vec<u8>)],
) -> Result<Vec<u8>> {
    use anyhow::{ensure, Context};
    use aws_sdk_s3::types::ChecksumMode;
    let mut sources: Vec<&(String, Vec<u8>)> = sources.iter().collect();
    sources.sort();
    let output = get(world, &compacted.output_key).await?;
    let text = gunzip(&output)?;
    let expected: Vec<u8> = sources
        .iter()
        .flat_map(|(_, bytes)| with_line_end(bytes))
        .collect();
    ensure!(
        text == expected,
        "{} is not the sources in key order, byte for byte",
        compacted.output_key
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&get(world, &compacted.manifest_key).await?)?;
    let listed = manifest["sources"].as_array().context("a source list")?;
    ensure!(
        listed.len() == sources.len(),
        "the manifest lists {} sources, not {}",
        listed.len(),
        sources.len()
    );
    let mut offset = 0u64;
    for (entry, (key, bytes)) in listed.iter().zip(&sources) {
        let head = world
            .admin_b
            .s3()
            .head_object()
            .bucket(&world.archive_bucket)
            .key(key)
            .checksum_mode(ChecksumMode::Enabled)
            .send()
            .await?;
        let stored = [
            ("CRC64NVME", head.checksum_crc64_nvme()),
            ("CRC32C", head.checksum_crc32_c()),
            ("CRC32", head.checksum_crc32()),
        ]
        .into_iter()
        .find_map(|(name, value)| Some(format!("{name}:{}", value?)))
        .with_context(|| format!("{key} has no stored checksum"))?;
        let want = serde_json::json!({
            "key": key, "etag": head.e_tag(), "version_id": null, "size": bytes.len(),
            "checksum": stored, "offset": offset, "gunzipped": false,
            "line_end_added": with_line_end(bytes).len() != bytes.len(),
        });
        ensure!(*entry == want, "manifest entry {entry} is not {want}");
        ensure!(
            head.content_length() == Some(bytes.len() as i64) && stored == recomputed(&head, bytes),
            "{key} in the archive is not the source shipped"
        );
        offset += with_line_end(bytes).len() as u64;
    }
    let top = serde_json::json!([
        manifest["output_key"],
        manifest["manifest_key"],
        manifest["uncompressed_bytes"],
        manifest["uncompressed_crc32c"],
        manifest["compressed_bytes"],
    ]);
    let want = serde_json::json!([
        compacted.output_key,
        compacted.manifest_key,
        text.len(),
        b64(&crc32c(&text).to_be_bytes()),
        output.len(),
    ]);
    ensure!(top == want, "manifest says {top}, the output is {want}");
    Ok(output)
}
