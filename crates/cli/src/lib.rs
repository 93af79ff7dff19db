//! The `logferry` command's two jobs as a library, so the emulator suite
//! drives the same code the binary runs: [`worker`] (an SQS poller for ECS)
//! and [`ship`] (named objects and prefixes, for Glue and Batch).

pub mod ship;
pub mod worker;
