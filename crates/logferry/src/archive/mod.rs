//! The archive's layout, shared by shipping and compaction: where a log
//! lands ([`key`]), what a key says about the log it holds ([`origin`]),
//! and AWS's naming rules for the values in it ([`names`]).

pub mod key;
pub mod names;
pub mod origin;

pub use key::{DestinationKey, KeyError, KeyTemplate, LayoutError, TemplateFlaw};
