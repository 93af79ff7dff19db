//! Everything that talks to S3, shared by the stages: the clients and the
//! way into account B ([`clients`]), full-object checksums ([`checksum`]),
//! multipart uploads ([`upload`]) and the sorting of S3's answers into
//! [`crate::ShipError`]s ([`classify`]). Nothing here knows about events,
//! plans or partitions.

pub(crate) mod body;
pub(crate) mod checksum;
pub(crate) mod classify;
pub mod clients;
pub mod unanswered;
pub(crate) mod upload;

pub use clients::{AuthMode, Timeouts};

pub const MIB: u64 = 1024 * 1024;
/// S3's smallest part (all but the last) and largest single copy.
pub const MIN_PART_SIZE: u64 = 5 * MIB;
pub const MAX_PART_SIZE: u64 = 5 * 1024 * MIB;
pub const MAX_SINGLE_COPY: u64 = 5 * 1024 * MIB;
