//! logferry's writer: ships S3 log objects from account A into account B's
//! archive, byte for byte, owned by B, verified against an S3 full-object
//! checksum (the source's stored CRC, or a CRC32C computed while streaming).
//!
//! The data path, one module each:
//! [`event`] (events → [`ObjectRef`]s) → [`source`] (what the object is) →
//! [`plan`] (destination key from its [`origin`], method) → [`write`] (copy or stream) →
//! [`verify`] ([`checksum`]) → [`ship`] (the report). [`config`] and [`clients`] are read and
//! built once by the front-end; nothing here knows about Lambda. Queue
//! consumers go through [`batch`] (messages → objects → one bounded
//! [`Shipper::ship_many`] → a verdict per message).
//!
//! [`compact`] is a stage of its own, not on the copy path: a partition's
//! day of archived objects → one verified gzip object for queries.

pub mod batch;
pub mod checksum;
mod classify;
pub mod clients;
pub mod compact;
mod compact_gzip;
mod compact_io;
pub mod config;
pub mod deadline;
pub mod error;
pub mod event;
pub mod key;
pub mod origin;
pub mod plan;
pub mod ship;
pub mod source;
mod upload;
pub mod verify;
pub mod write;

pub use batch::{ship_messages, Message, MessageReport, Outcome, Tally};
pub use clients::{build_clients, caller_account, load_sdk_config, Clients};
pub use config::{AuthMode, RawConfig, ShipperConfig};
pub use deadline::{Deadline, SetDeadline};
pub use error::{ConfigError, ShipError};
pub use event::{parse_event, parse_text, ObjectRef, Parsed, Skip};
pub use key::{DestinationKey, KeyTemplate};
pub use ship::{Shipped, Shipper};
