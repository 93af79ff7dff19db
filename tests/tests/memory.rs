//! Streamed copies and compactions hold a bounded number of parts, whatever
//! the object's or the partition's size: peak heap while shipping stays near
//! part size times (part concurrency plus one), far below the object; while
//! compacting, near two parts plus the read-ahead. Measured with a counting
//! allocator; this file is its own test binary so nothing else shares the counter.

use anyhow::Result;
use logferry::compact::Compaction;
use logferry::ship::Method;
use logferry::ObjectRef;
use logferry_tests::{Mode, World};

#[global_allocator]
static HEAP: logferry_tests::heap::Counting = logferry_tests::heap::Counting;

const MIB: usize = 1024 * 1024;

#[tokio::test]
async fn streamed_copy_memory_does_not_grow_with_the_object() -> Result<()> {
    let alone = logferry_tests::heap::alone();
    let world = World::strict().await?;
    let size = 64 * MIB;
    {
        let body: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        world.put_source("big.log", body).await?;
    }
    let mut raw = world.config(Mode::AssumeRole);
    raw.part_size_mib = Some(5);
    raw.part_concurrency = Some(2);
    let shipper = world.shipper(raw).await?;

    let baseline = logferry_tests::heap::start(&alone);
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

/// Compaction streams too: a partition of 64 MiB of sources that do not
/// compress (the worst case: parts fill as fast as sources are read) is
/// compacted with a peak heap near the part size plus the read-ahead, far
/// below the partition.
#[tokio::test]
async fn compaction_memory_does_not_grow_with_the_partition() -> Result<()> {
    let alone = logferry_tests::heap::alone();
    let world = World::strict().await?;
    let shipper = world.shipper(world.config(Mode::Direct)).await?;
    let mut archived = Vec::new();
    // Compaction ends a source's last line when it has no line end.
    let mut line_ends_added = 0u64;
    for i in 0..16u64 {
        let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let body: Vec<u8> = (0..4 * MIB)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let key = format!("noise/{i:02}.log");
        line_ends_added += u64::from(!matches!(body.last(), Some(b'\n' | b'\r')));
        world.put_source(&key, body).await?;
        let shipped = shipper
            .ship_object(&ObjectRef::new(&world.source_bucket, &key))
            .await?;
        archived.push(shipped.dest_key);
    }
    let partition = world.partition_of(&archived[0])?;
    let compactor = world.compactor(None).await?;

    let baseline = logferry_tests::heap::start(&alone);
    let compaction = compactor.compact(&partition).await?;
    let peak = logferry_tests::heap::peak_since(baseline);

    let Compaction::Written(written) = compaction else {
        panic!("nothing was written: {compaction:?}");
    };
    assert_eq!(written.sources.len(), 16);
    assert_eq!(
        written.uncompressed_bytes,
        64 * MIB as u64 + line_ends_added
    );
    println!(
        "peak heap while compacting 64 MiB in 5 MiB parts: {:.1} MiB",
        peak as f64 / MIB as f64
    );
    // One part being filled and one being sent (5 MiB each, plus growth),
    // the sources opened ahead, the SDK's buffers; a compaction that held
    // the partition would need 64.
    assert!(
        peak < 32 * MIB,
        "peak heap {peak} bytes: memory grows with the partition"
    );
    Ok(())
}

/// A backfill's memory does not grow with the number of objects: over a
/// prefix of 20,000 objects, `ship`'s peak heap after the first 10,000 is
/// where it was after 2,000 (the listing is held 1,000 ahead, the
/// checkpoint window to 2,048, the summary to counts and a bounded sample
/// of lags), and its first copy lands before the listing ends. A result
/// kept per object would add a few hundred bytes each: megabytes here.
#[tokio::test]
async fn a_backfill_of_20000_objects_holds_flat_memory() -> Result<()> {
    use logferry_cli::ship;
    const OBJECTS: usize = 20_000;
    let alone = logferry_tests::heap::alone();
    let world = World::strict().await?;
    world.grant_source_list().await?;
    let started = std::time::Instant::now();
    world.put_many("many", OBJECTS).await?;
    println!("{OBJECTS} objects put in {:.0?}", started.elapsed());
    let shipper = world.shipper(world.config(Mode::Direct)).await?;
    let source = shipper.clients().source.clone();
    let uris = vec![format!("s3://{}/many/", world.source_bucket)];
    let (mut first_done_listed, mut at) = (None, Vec::new());
    let baseline = logferry_tests::heap::start(&alone);
    let summary = ship::ship_uris(&shipper, &source, &uris, std::future::pending(), |done| {
        first_done_listed.get_or_insert(done.listed);
        if [2_000, 10_000].contains(&done.done) {
            at.push(logferry_tests::heap::peak_since(baseline));
        }
    })
    .await?;
    at.push(logferry_tests::heap::peak_since(baseline));
    println!("{OBJECTS} objects shipped by {:.0?}", started.elapsed());
    anyhow::ensure!(
        summary.shipped == OBJECTS as u64 && summary.failed.is_empty(),
        "{summary:?}"
    );
    let first = first_done_listed.unwrap_or_default();
    anyhow::ensure!(
        first < OBJECTS as u64,
        "the first copy finished only after all were listed"
    );
    let mib = |b: usize| b as f64 / MIB as f64;
    println!(
        "peak heap after 2,000 objects: {:.2} MiB; 10,000: {:.2} MiB; 20,000: {:.2} MiB",
        mib(at[0]),
        mib(at[1]),
        mib(at[2])
    );
    assert!(
        at[2] < at[1] + MIB / 2 && at[2] < 16 * MIB,
        "peak heap grew from {} to {} bytes over the second 10,000 objects: memory grows with the objects",
        at[1],
        at[2]
    );
    Ok(())
}

/// Measurements do not overlap: another test's allocation, made while this
/// one would be measuring, never lands in its peak. (With one shared
/// counter and no turn-taking, it did.)
#[test]
fn a_measurement_never_sees_another_tests_bytes() {
    const BIG: usize = 32 * MIB;
    let (started_tx, started) = std::sync::mpsc::channel();
    let other = std::thread::spawn(move || {
        let _alone = logferry_tests::heap::alone();
        started_tx.send(()).expect("the measuring side waits");
        std::thread::sleep(std::time::Duration::from_millis(100));
        let bytes = vec![1u8; BIG];
        std::hint::black_box(&bytes);
    });
    started.recv().expect("the other side started");
    let alone = logferry_tests::heap::alone();
    let baseline = logferry_tests::heap::start(&alone);
    let small = vec![2u8; MIB];
    std::hint::black_box(&small);
    // Measure long enough that an overlapping allocation would land here.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let peak = logferry_tests::heap::peak_since(baseline);
    drop(alone);
    other.join().expect("the other side finished");
    assert!(
        peak < BIG,
        "a peak of {peak} bytes includes another test's {BIG}"
    );
}
