//! Streamed copies hold a bounded number of parts, whatever the object's
//! size: peak heap while shipping stays near part size times (part
//! concurrency plus one), far below the object. Measured with a counting
//! allocator; this file is its own test binary so nothing else shares the counter.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Result;
use aws_sdk_s3::primitives::ByteStream;
use logferry::plan::Method;
use logferry::ObjectRef;
use logferry_tests::{init_tracing, shared_endpoint, IamMode, Mode, World};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MIB: usize = 1024 * 1024;

#[tokio::test]
async fn streamed_copy_memory_does_not_grow_with_the_object() -> Result<()> {
    init_tracing();
    let world = World::create(shared_endpoint(IamMode::Strict).await).await?;
    let size = 64 * MIB;
    {
        let body: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        world
            .admin_a
            .s3()
            .put_object()
            .bucket(&world.source_bucket)
            .key("big.log")
            .body(ByteStream::from(body))
            .send()
            .await?;
    }
    let mut raw = world.config(Mode::AssumeRole);
    raw.part_size_mib = Some("5".into());
    raw.part_concurrency = Some("2".into());
    let shipper = world.shipper(raw).await?;

    let baseline = CURRENT.load(Ordering::Relaxed);
    PEAK.store(baseline, Ordering::Relaxed);
    let shipped = shipper
        .ship_object(&ObjectRef::new(&world.source_bucket, "big.log"))
        .await?;
    let peak = PEAK.load(Ordering::Relaxed) - baseline;

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
