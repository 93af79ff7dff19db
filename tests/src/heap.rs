//! A counting allocator for the memory test and the benchmark. Each binary
//! that measures installs it with
//! `#[global_allocator] static HEAP: logferry_tests::heap::Counting = logferry_tests::heap::Counting;`.
//!
//! The counter is one for the whole process, and the test harness runs a
//! binary's tests in parallel: a test that measures holds [`alone`] for all
//! it allocates, set-up included, so no other measuring test's bytes land
//! in its peak.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

pub struct Counting;

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

static ALONE: Mutex<()> = Mutex::new(());

/// The right to measure: one holder at a time in the process.
pub struct Alone(#[allow(dead_code)] MutexGuard<'static, ()>);

/// Wait until no other test measures, and keep the others waiting until
/// the returned value is dropped. A test that failed while holding it does
/// not fail the next one.
pub fn alone() -> Alone {
    Alone(ALONE.lock().unwrap_or_else(PoisonError::into_inner))
}

/// Start a measurement: the peak restarts from what is allocated now.
pub fn start(_alone: &Alone) -> usize {
    let baseline = CURRENT.load(Ordering::Relaxed);
    PEAK.store(baseline, Ordering::Relaxed);
    baseline
}

/// Bytes allocated at the peak since [`start`] returned `baseline`, above it.
pub fn peak_since(baseline: usize) -> usize {
    PEAK.load(Ordering::Relaxed).saturating_sub(baseline)
}
