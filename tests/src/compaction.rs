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
