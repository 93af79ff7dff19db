//! logferry's writer: ships S3 log objects from account A into account B's
//! archive, byte for byte, owned by B, verified against an S3 full-object
//! checksum (the source's stored CRC, or a CRC32C computed while streaming).
//!
//! One folder a stage, and what the stages share:
//!
//! - [`ship`]: the copy path, one module a step: [`ship::event`] (events →
//!   [`ObjectRef`]s) → [`ship::source`] (what the object is) → [`ship::plan`]
//!   (destination key, method, expected checksum) → [`ship::write`] (copy or
//!   stream) → [`ship::verify`] → [`Shipper`] (the report). Queue consumers
//!   go through [`ship::messages`] (messages → objects → one bounded
//!   [`Shipper::ship_many`] → a verdict per message).
//! - [`compact`]: a stage of its own, in account B, not on the copy path: a
//!   partition's day of archived objects → one verified gzip object for queries.
//! - [`output`]: a stage of its own, beside the copy path: a job's own
//!   outputs (bytes or files, not objects of account A) written into the
//!   archive under the key layout, with the ACL, verified.
//! - [`archive`]: the archive's key layout and naming rules, shared by both.
//! - [`s3`]: clients, checksums, uploads and error sorting, shared by both.
//! - [`settings`]: how each stage's settings family is read; [`deadline`]
//!   and [`error`].
//!
//! Nothing here knows about Lambda.

pub mod archive;
pub mod compact;
pub mod deadline;
pub mod error;
pub mod metrics;
pub mod output;
pub mod s3;
pub mod settings;
pub mod ship;

pub use archive::{DestinationKey, KeyTemplate};
pub use deadline::{Deadline, SetDeadline};
pub use error::ShipError;
pub use s3::clients::{build_clients, caller_account, load_sdk_config, Clients};
pub use s3::AuthMode;
pub use settings::SettingError;
pub use ship::event::{parse_event, parse_text, ObjectRef, Parsed, Skip};
pub use ship::messages::{ship_messages, Message, MessageReport, Outcome, Tally};
pub use ship::settings::{ShipSettings, ShipperConfig};
pub use ship::{Shipped, Shipper};
