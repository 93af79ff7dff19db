//! Streamed copies hold a bounded number of parts, whatever the object's
//! size: peak heap while shipping stays near part size times (part
//! concurrency plus one), far below the object. Measured with a counting
//! allocator; this file is its own test binary so nothing else shares the counter.

use anyhow::Result;
use logferry::plan::Method;
use logferry::ObjectRef;
use logferry_tests::{Mode, World};

#[global_allocator]
static HEAP: logferry_tests::heap::Counting = logferry_tests::heap::Counting;

const MIB: usize = 1024 * 1024;

#[tokio::test]
async fn streamed_copy_memory_does_not_grow_with_the_object() -> Result<()> {
    let world = World::strict().await?;
    let size = 64 * MIB;
    {
        let body: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        world.put_source("big.log", body).await?;
    }
    let mut raw = world.config(Mode::AssumeRole);
    raw.part_size_mib = Some("5".into());
    raw.part_concurrency = Some("2".into());
    let shipper = world.shipper(raw).await?;

    let baseline = logferry_tests::heap::start();
    let shipped = shipper
        .ship_object(&ObjectRef::new(&world.source_bucket, "big.log"))
        .await?;
    let peak = logferry_tests::heap::peak_since(baseline);

    assert_eq!(
        shipped.method,
        Method::MultipartPut {
            part_size: 5 * MIB as u64
        }
    );
    assert_eq!(shipped.size, size as u64);
    println!(
        "peak heap while streaming 64 MiB with 5 MiB x 2 parts: {:.1} MiB",
        peak as f64 / MIB as f64
    );
    // (2 in flight + 1 being read) x 5 MiB, with room for buffer growth and
    // the SDK's own buffers; a copy that buffered the object would need 64.
    assert!(
        peak < 32 * MIB,
        "peak heap {peak} bytes: memory grows with the object"
    );
    Ok(())
}
