//! The `logferry` command's jobs as a library, so the emulator suite
//! drives the same code the binary runs: [`worker`] (an SQS poller for ECS),
//! [`ship`] (named objects and prefixes, for Glue and Batch), [`compact`]
//! (a partition's day into one gzip object for queries) and [`redrive`]
//! (the dead-letter queue back to its queue).

pub mod compact;
pub mod redrive;
pub mod ship;
pub mod worker;
