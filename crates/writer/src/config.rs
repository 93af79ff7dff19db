//! The shipper's configuration: one struct, read once at start-up from the
//! environment (Lambda, ECS) or built from flags (CLI), validated with one
//! clear line per problem.

use std::time::Duration;

use serde::Deserialize;

use crate::error::ConfigError;
use crate::key::{KeyTemplate, DEFAULT_TEMPLATE};

pub const MIB: u64 = 1024 * 1024;
/// S3's smallest part (all but the last) and largest single copy.
pub const MIN_PART_SIZE: u64 = 5 * MIB;
pub const MAX_PART_SIZE: u64 = 5 * 1024 * MIB;
pub const MAX_SINGLE_COPY: u64 = 5 * 1024 * MIB;

/// How the archive account lets the shipper in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthMode {
    /// The shipper's own credentials write, allowed by B's bucket policy.
    /// Server-side `CopyObject`; no bytes pass through the shipper.
    Direct,
    /// Write with a role in B, assumed with an external id. The source is
    /// streamed through the shipper, since B's role cannot read A.
    AssumeRole {
        role_arn: String,
        external_id: String,
        session_name: String,
    },
}

/// Everything the writer needs to know, documented variable by variable in the README.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShipperConfig {
    pub dest_bucket: String,
    pub key_template: KeyTemplate,
    pub auth: AuthMode,
    /// Account A's id for the `{account}` placeholder; when unset, events that
    /// carry it (EventBridge) supply it and otherwise the caller's identity does.
    pub source_account: Option<String>,
    /// Objects shipped at once by one invocation or worker.
    pub concurrency: usize,
    /// Streamed uploads: part size, and parts in flight per object. Memory per
    /// object is bounded by `part_size * (part_concurrency + 1)`.
    pub part_size: u64,
    pub part_concurrency: usize,
    /// Direct mode: objects larger than this are copied with `UploadPartCopy`.
    pub copy_part_threshold: u64,
    /// How long a connection may take, and a response's headers after the
    /// request was sent. Stalled bodies are caught by the SDK's stalled-stream
    /// protection (on with `BehaviorVersion::latest()`).
    pub timeouts: Timeouts,
}

/// Client timeouts; see [`crate::clients::load_sdk_config`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub read: Duration,
}

impl Default for Timeouts {
    /// 5 s to connect: a TCP+TLS handshake to S3 takes milliseconds, so
    /// anything slower is a dead route worth a retry. 120 s to the first
    /// response byte: S3 answers CopyObject and CompleteMultipartUpload with
    /// an early 200 and keeps the connection alive, but an UploadPart must
    /// send its whole part (8 MiB by default) first, which on a slow link
    /// takes tens of seconds.
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(5),
            read: Duration::from_secs(120),
        }
    }
}

/// The raw settings, as environment variables or CLI flags give them.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub dest_bucket: Option<String>,
    pub dest_prefix: Option<String>,
    pub auth_mode: Option<String>,
    pub role_arn: Option<String>,
    pub external_id: Option<String>,
    pub session_name: Option<String>,
    pub key_template: Option<String>,
    pub source_account: Option<String>,
    pub concurrency: Option<String>,
    pub part_size_mib: Option<String>,
    pub part_concurrency: Option<String>,
    pub copy_part_threshold_mib: Option<String>,
    pub connect_timeout_seconds: Option<String>,
    pub read_timeout_seconds: Option<String>,
}

/// Environment variable for each raw setting, in README order.
pub const ENV_VARS: &[(&str, &str)] = &[
    ("dest_bucket", "LOGFERRY_DEST_BUCKET"),
    ("dest_prefix", "LOGFERRY_DEST_PREFIX"),
    ("auth_mode", "LOGFERRY_AUTH_MODE"),
    ("role_arn", "LOGFERRY_ROLE_ARN"),
    ("external_id", "LOGFERRY_EXTERNAL_ID"),
    ("session_name", "LOGFERRY_SESSION_NAME"),
    ("key_template", "LOGFERRY_KEY_TEMPLATE"),
    ("source_account", "LOGFERRY_SOURCE_ACCOUNT"),
    ("concurrency", "LOGFERRY_CONCURRENCY"),
    ("part_size_mib", "LOGFERRY_PART_SIZE_MIB"),
    ("part_concurrency", "LOGFERRY_PART_CONCURRENCY"),
    (
        "copy_part_threshold_mib",
        "LOGFERRY_COPY_PART_THRESHOLD_MIB",
    ),
    (
        "connect_timeout_seconds",
        "LOGFERRY_CONNECT_TIMEOUT_SECONDS",
    ),
    ("read_timeout_seconds", "LOGFERRY_READ_TIMEOUT_SECONDS"),
];

impl RawConfig {
    /// Read the `LOGFERRY_*` variables through `lookup` (the process environment in production).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let map: serde_json::Map<String, serde_json::Value> = ENV_VARS
            .iter()
            .filter_map(|(field, var)| {
                lookup(var).filter(|v| !v.trim().is_empty()).map(|v| {
                    (
                        field.to_string(),
                        serde_json::Value::String(v.trim().to_string()),
                    )
                })
            })
            .collect();
        serde_json::from_value(serde_json::Value::Object(map))
            .expect("every field is an optional string")
    }

    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Validate into a [`ShipperConfig`], or every problem found, one line each.
    pub fn validate(self) -> Result<ShipperConfig, Vec<ConfigError>> {
        let mut errors = Vec::new();
        let numbers = Numbers::from_raw(&self, &mut errors);
        let dest_bucket = dest_bucket(self.dest_bucket, &mut errors);
        let prefix = self.dest_prefix.unwrap_or_else(|| "logferry".to_string());
        let template = self
            .key_template
            .unwrap_or_else(|| DEFAULT_TEMPLATE.to_string());
        let key_template = KeyTemplate::parse(&template, &prefix)
            .map_err(|e| errors.push(e))
            .ok();
        let auth = auth_mode(
            self.auth_mode.as_deref(),
            self.role_arn,
            self.external_id,
            self.session_name,
            &mut errors,
        );
        if let Some(account) = &self.source_account {
            if !is_account_id(account) {
                errors.push(ConfigError(format!("LOGFERRY_SOURCE_ACCOUNT `{account}` is not a 12-digit account id; set it to account A's id or unset it")));
            }
        }

        match (key_template, auth) {
            (Some(key_template), Some(auth)) if errors.is_empty() => Ok(ShipperConfig {
                dest_bucket,
                key_template,
                auth,
                source_account: self.source_account,
                concurrency: numbers.concurrency,
                part_size: numbers.part_size,
                part_concurrency: numbers.part_concurrency,
                copy_part_threshold: numbers.copy_part_threshold,
                timeouts: numbers.timeouts,
            }),
            _ => Err(errors),
        }
    }
}

/// The numeric settings, each checked against its range.
struct Numbers {
    concurrency: usize,
    part_size: u64,
    part_concurrency: usize,
    copy_part_threshold: u64,
    timeouts: Timeouts,
}

impl Numbers {
    fn from_raw(raw: &RawConfig, errors: &mut Vec<ConfigError>) -> Numbers {
        let mut number = |name: &str, value: Option<String>, default: u64, min: u64, max: u64| {
            whole_number(name, value, default, min..=max, errors)
        };
        let concurrency =
            number("LOGFERRY_CONCURRENCY", raw.concurrency.clone(), 8, 1, 256) as usize;
        let part_size = MIB
            * number(
                "LOGFERRY_PART_SIZE_MIB",
                raw.part_size_mib.clone(),
                8,
                5,
                5 * 1024,
            );
        let part_concurrency = number(
            "LOGFERRY_PART_CONCURRENCY",
            raw.part_concurrency.clone(),
            3,
            1,
            64,
        ) as usize;
        let copy_part_threshold = MIB
            * number(
                "LOGFERRY_COPY_PART_THRESHOLD_MIB",
                raw.copy_part_threshold_mib.clone(),
                5 * 1024,
                5,
                5 * 1024,
            );
        let defaults = Timeouts::default();
        let timeouts = Timeouts {
            connect: Duration::from_secs(number(
                "LOGFERRY_CONNECT_TIMEOUT_SECONDS",
                raw.connect_timeout_seconds.clone(),
                defaults.connect.as_secs(),
                1,
                300,
            )),
            read: Duration::from_secs(number(
                "LOGFERRY_READ_TIMEOUT_SECONDS",
                raw.read_timeout_seconds.clone(),
                defaults.read.as_secs(),
                1,
                3600,
            )),
        };

        Numbers {
            concurrency,
            part_size,
            part_concurrency,
            copy_part_threshold,
            timeouts,
        }
    }
}

fn dest_bucket(value: Option<String>, errors: &mut Vec<ConfigError>) -> String {
    match value {
        Some(b) if is_bucket_name(&b) => return b,
        Some(b) => errors.push(ConfigError(format!("LOGFERRY_DEST_BUCKET `{b}` is not a valid S3 bucket name; set it to the archive bucket's name (not an ARN or s3:// URI)"))),
        None => errors.push(ConfigError("LOGFERRY_DEST_BUCKET is not set; set it to the archive bucket's name in account B".into())),
    }
    String::new()
}

/// The way into account B, from `LOGFERRY_AUTH_MODE` and the settings it needs.
fn auth_mode(
    mode: Option<&str>,
    role_arn: Option<String>,
    external_id: Option<String>,
    session_name: Option<String>,
    errors: &mut Vec<ConfigError>,
) -> Option<AuthMode> {
    let mut fail = |msg: String| {
        errors.push(ConfigError(msg));
        None
    };
    match (mode, role_arn, external_id) {
        (Some("direct") | None, None, None) => Some(AuthMode::Direct),
        (Some("direct"), Some(_), _) | (Some("direct"), _, Some(_)) => {
            fail("LOGFERRY_AUTH_MODE is `direct` but LOGFERRY_ROLE_ARN / LOGFERRY_EXTERNAL_ID are set; unset them, or set LOGFERRY_AUTH_MODE=assume-role".into())
        }
        (Some("assume-role") | None, Some(role_arn), Some(external_id)) => {
            let session_name = session_name.unwrap_or_else(|| "logferry-shipper".into());
            let before = errors.len();
            if !is_role_arn(&role_arn) {
                errors.push(ConfigError(format!("LOGFERRY_ROLE_ARN `{role_arn}` is not an IAM role ARN; set it to arn:aws:iam::<account-B-id>:role/<writer-role>")));
            }
            if !is_external_id(&external_id) {
                errors.push(ConfigError("LOGFERRY_EXTERNAL_ID must be 2-1224 characters of letters, digits and +=,.@:/-; set it to the value in the writer role's trust policy".into()));
            }
            if !is_session_name(&session_name) {
                errors.push(ConfigError("LOGFERRY_SESSION_NAME must be 2-64 characters of letters, digits and +=,.@-".into()));
            }
            (errors.len() == before).then_some(AuthMode::AssumeRole {
                role_arn,
                external_id,
                session_name,
            })
        }
        (Some("assume-role") | None, Some(_), None) => {
            fail("LOGFERRY_ROLE_ARN is set without LOGFERRY_EXTERNAL_ID; set the external id that the writer role's trust policy requires".into())
        }
        (Some("assume-role") | None, None, Some(_)) => {
            fail("LOGFERRY_EXTERNAL_ID is set without LOGFERRY_ROLE_ARN; set the ARN of the writer role in account B".into())
        }
        (Some("assume-role"), None, None) => {
            fail("LOGFERRY_AUTH_MODE is `assume-role` but LOGFERRY_ROLE_ARN and LOGFERRY_EXTERNAL_ID are not set; set both to the writer role in account B and the external id its trust policy requires".into())
        }
        (Some(other), _, _) => fail(format!(
            "LOGFERRY_AUTH_MODE `{other}` is unknown; set it to `direct` or `assume-role`"
        )),
    }
}

/// A whole-number setting in `range`, or its default (with an error) when it is not one.
fn whole_number(
    name: &str,
    value: Option<String>,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
    errors: &mut Vec<ConfigError>,
) -> u64 {
    let Some(v) = value else { return default };
    match v.parse::<u64>() {
        Ok(n) if range.contains(&n) => n,
        _ => {
            errors.push(ConfigError(format!(
                "{name} `{v}` must be a whole number from {} to {}",
                range.start(),
                range.end()
            )));
            default
        }
    }
}

impl ShipperConfig {
    /// Read and validate the environment; on failure, every problem joined into one line each.
    pub fn from_env() -> Result<Self, String> {
        RawConfig::from_env().validate().map_err(join_errors)
    }
}

pub fn join_errors(errors: Vec<ConfigError>) -> String {
    errors
        .iter()
        .map(|e| e.0.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// S3's bucket naming rules (3-63 lower-case letters, digits, `.` and `-`,
/// a letter or digit at each end).
pub fn is_bucket_name(b: &str) -> bool {
    (3..=63).contains(&b.len())
        && b.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'.')
        && b.starts_with(|c: char| c.is_ascii_alphanumeric())
        && b.ends_with(|c: char| c.is_ascii_alphanumeric())
}

pub fn is_account_id(a: &str) -> bool {
    a.len() == 12 && a.bytes().all(|c| c.is_ascii_digit())
}

fn is_role_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(parts.as_slice(), ["arn", partition, "iam", "", account, resource]
        if partition.starts_with("aws") && is_account_id(account)
            && resource.strip_prefix("role/").is_some_and(|name| !name.is_empty()))
}

fn is_external_id(id: &str) -> bool {
    (2..=1224).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@:/-_".contains(c))
}

fn is_session_name(name: &str) -> bool {
    (2..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@-_".contains(c))
}

#[cfg(test)]
mod tests;
