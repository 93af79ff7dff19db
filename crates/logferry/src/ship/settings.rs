//! The shipper's settings, one definition for every front-end: flags and
//! `LOGFERRY_*` variables for the CLI, variables for the Lambda and the
//! worker (see [`crate::settings`]), then one check across the settings into
//! the [`ShipperConfig`] the data path runs on. Every problem is one line.

use clap::Args;

use crate::archive::key::{KeyTemplate, DEFAULT_TEMPLATE};
use crate::archive::names::{
    is_account_id, is_bucket_name, is_external_id, is_role_arn, is_session_name,
};
use crate::s3::{AuthMode, Timeouts, MIB};
use crate::settings::{layout_error, whole, ClientSettings, SettingError};

/// The shipping settings, as flags and variables give them; the README's
/// "Configuration" table lists the same variables (a test checks it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct ShipSettings {
    /// Archive bucket name in account B.
    #[arg(long, env = "LOGFERRY_DEST_BUCKET")]
    pub dest_bucket: Option<String>,
    /// Key prefix the bucket policy allows (default `logferry`).
    #[arg(long, env = "LOGFERRY_DEST_PREFIX")]
    pub dest_prefix: Option<String>,
    /// `direct` or `assume-role` (default: assume-role when a role is set).
    #[arg(long, env = "LOGFERRY_AUTH_MODE")]
    pub auth_mode: Option<String>,
    /// Writer role in account B (assume-role mode).
    #[arg(long, env = "LOGFERRY_ROLE_ARN")]
    pub role_arn: Option<String>,
    /// The external id B's trust policy requires.
    #[arg(long, env = "LOGFERRY_EXTERNAL_ID", hide_env_values = true)]
    pub external_id: Option<String>,
    /// Role session name, as B's CloudTrail shows it (default `logferry-shipper`).
    #[arg(long, env = "LOGFERRY_SESSION_NAME")]
    pub session_name: Option<String>,
    /// Destination key template (default: infra/layout/archive-key-template.txt).
    #[arg(long, env = "LOGFERRY_KEY_TEMPLATE")]
    pub key_template: Option<String>,
    /// Account A's id for `{account}` (default: the caller's account).
    #[arg(long, env = "LOGFERRY_SOURCE_ACCOUNT")]
    pub source_account: Option<String>,
    /// Objects shipped at once, 1-256 (default 8, `logferry ship`: 32).
    #[arg(long, env = "LOGFERRY_CONCURRENCY", value_parser = whole(1, 256))]
    pub concurrency: Option<u64>,
    /// Streamed part size in MiB, 5-5120 (default 8).
    #[arg(long, env = "LOGFERRY_PART_SIZE_MIB", value_parser = whole(5, 5 * 1024))]
    pub part_size_mib: Option<u64>,
    /// Parts in flight per streamed object, 1-64 (default 3).
    #[arg(long, env = "LOGFERRY_PART_CONCURRENCY", value_parser = whole(1, 64))]
    pub part_concurrency: Option<u64>,
    /// Direct mode: above this many MiB, copy in parts inside S3 rather than
    /// stream one `PutObject` through the shipper, 5-5120 (default 5120).
    #[arg(long, env = "LOGFERRY_COPY_PART_THRESHOLD_MIB", value_parser = whole(5, 5 * 1024))]
    pub copy_part_threshold_mib: Option<u64>,
    #[command(flatten)]
    pub client: ClientSettings,
}

/// Everything the shipper runs on, checked: what [`ShipSettings::validate`] makes.
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

impl ShipSettings {
    /// Check the settings together into a [`ShipperConfig`], or every problem found, one line each.
    pub fn validate(self) -> Result<ShipperConfig, Vec<SettingError>> {
        let mut errors = Vec::new();
        let dest_bucket = dest_bucket(self.dest_bucket, &mut errors);
        let prefix = self.dest_prefix.unwrap_or_else(|| "logferry".to_string());
        let template = self
            .key_template
            .unwrap_or_else(|| DEFAULT_TEMPLATE.to_string());
        let key_template = KeyTemplate::parse(&template, &prefix)
            .map_err(|e| errors.push(layout_error(e, "LOGFERRY_DEST_PREFIX")))
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
                errors.push(SettingError::new("LOGFERRY_SOURCE_ACCOUNT", format!("LOGFERRY_SOURCE_ACCOUNT `{account}` is not a 12-digit account id; set it to account A's id or unset it")));
            }
        }
        match (key_template, auth) {
            (Some(key_template), Some(auth)) if errors.is_empty() => Ok(ShipperConfig {
                dest_bucket,
                key_template,
                auth,
                source_account: self.source_account,
                concurrency: self.concurrency.unwrap_or(8) as usize,
                part_size: MIB * self.part_size_mib.unwrap_or(8),
                part_concurrency: self.part_concurrency.unwrap_or(3) as usize,
                copy_part_threshold: MIB * self.copy_part_threshold_mib.unwrap_or(5 * 1024),
                timeouts: self.client.timeouts(),
            }),
            _ => Err(errors),
        }
    }
}

fn dest_bucket(value: Option<String>, errors: &mut Vec<SettingError>) -> String {
    match value {
        Some(b) if is_bucket_name(&b) => return b,
        Some(b) => errors.push(SettingError::new("LOGFERRY_DEST_BUCKET", format!("LOGFERRY_DEST_BUCKET `{b}` is not a valid S3 bucket name; set it to the archive bucket's name (not an ARN or s3:// URI)"))),
        None => errors.push(SettingError::new("LOGFERRY_DEST_BUCKET", "LOGFERRY_DEST_BUCKET is not set; set it to the archive bucket's name in account B")),
    }
    String::new()
}

/// The way into account B, from `LOGFERRY_AUTH_MODE` and the settings it needs.
fn auth_mode(
    mode: Option<&str>,
    role_arn: Option<String>,
    external_id: Option<String>,
    session_name: Option<String>,
    errors: &mut Vec<SettingError>,
) -> Option<AuthMode> {
    let mut fail = |msg: String| {
        let setting = msg.split([' ', '`']).next().unwrap_or_default().to_string();
        errors.push(SettingError::new(&setting, msg));
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
                errors.push(SettingError::new("LOGFERRY_ROLE_ARN", format!("LOGFERRY_ROLE_ARN `{role_arn}` is not an IAM role ARN; set it to arn:aws:iam::<account-B-id>:role/<writer-role>")));
            }
            if !is_external_id(&external_id) {
                errors.push(SettingError::new("LOGFERRY_EXTERNAL_ID", "LOGFERRY_EXTERNAL_ID must be 2-1224 characters of letters, digits and +=,.@:/-; set it to the value in the writer role's trust policy"));
            }
            if !is_session_name(&session_name) {
                errors.push(SettingError::new("LOGFERRY_SESSION_NAME", "LOGFERRY_SESSION_NAME must be 2-64 characters of letters, digits and +=,.@-"));
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

impl ShipperConfig {
    /// The settings read through `lookup` and checked together: every
    /// problem, bad values and settings that do not fit together, one line each.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Vec<SettingError>> {
        checked(crate::settings::read::<ShipSettings>(lookup))
    }

    /// [`ShipperConfig::from_lookup`] over a whole environment, strictly:
    /// an unknown `LOGFERRY_*` variable is an error too. The Lambda reads
    /// its process's this way; the tests, a deployed function's.
    pub fn from_environment(
        environment: &crate::settings::Environment,
    ) -> Result<Self, Vec<SettingError>> {
        checked(crate::settings::read_environment::<ShipSettings>(
            environment,
        ))
    }
}

/// Settings that parsed, checked together; every problem kept.
fn checked(
    (settings, mut errors): (Option<ShipSettings>, Vec<SettingError>),
) -> Result<ShipperConfig, Vec<SettingError>> {
    match settings.map(ShipSettings::validate) {
        Some(Ok(config)) if errors.is_empty() => Ok(config),
        Some(Err(more)) => {
            errors.extend(more);
            Err(errors)
        }
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests;
