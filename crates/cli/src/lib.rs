//! The `logferry` command's jobs as a library, so the emulator suite
//! drives the same code the binary runs: [`worker`] (an SQS poller for ECS),
//! [`ship`] (named objects and prefixes, for Glue and Batch), [`compact`]
//! (a partition's day into one gzip object for queries) and [`redrive`]
//! (the dead-letter queue back to its queue).

pub mod batch_ship;
pub mod command_line;
pub mod compact;
pub mod reconcile;
pub mod redrive;
pub mod ship;
pub mod worker;

/// A name no other run of this machine uses: `stem`, the process and a count.
pub(crate) fn unique_name(stem: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{stem}-{}-{n}", std::process::id())
}
