//! The one place SDK clients are made: standard retries, emulator endpoints,
//! and the SDK's own assume-role provider for account B (cached and refreshed
//! by the SDK, never by hand).

use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};

use std::time::Duration;

use crate::error::{one_line, ShipError};

/// How the archive account lets a writer in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthMode {
    /// The writer's own credentials, allowed by B's bucket policy (the
    /// shipper in direct mode, and compaction, which runs in B). Server-side
    /// `CopyObject`; no bytes pass through the shipper.
    Direct,
    /// Write with a role in B, assumed with an external id. The source is
    /// streamed through the shipper, since B's role cannot read A.
    AssumeRole {
        role_arn: String,
        external_id: String,
        session_name: String,
    },
}

impl AuthMode {
    /// `direct` or `assume-role`, as the README and Terraform's `mode` say.
    pub fn name(&self) -> &'static str {
        match self {
            AuthMode::Direct => "direct",
            AuthMode::AssumeRole { .. } => "assume-role",
        }
    }
}

/// Client timeouts; see [`load_sdk_config`].
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

/// The two S3 clients the data path uses. In direct mode they are the same client.
#[derive(Debug, Clone)]
pub struct Clients {
    /// Reads account A with the shipper's own credentials.
    pub source: aws_sdk_s3::Client,
    /// Writes account B: the shipper's own credentials (direct) or the writer role's.
    pub archive: aws_sdk_s3::Client,
}

/// Load the ambient SDK configuration (environment, profile, container or
/// Lambda role) with the standard retry mode and `timeouts`, so no call waits
/// on a dead connection: a black-holed endpoint fails after at most four
/// attempts of `timeouts.read`. `AWS_ENDPOINT_URL` is honoured by the SDK
/// itself, which is how the tests point everything at an emulator.
pub async fn load_sdk_config(timeouts: Timeouts) -> SdkConfig {
    with_limits(
        &aws_config::defaults(BehaviorVersion::latest()).load().await,
        timeouts,
    )
}

/// `base` with logferry's retry mode and `timeouts`: what every front-end's
/// clients run with, also when a caller brings its own SDK config.
pub fn with_limits(base: &SdkConfig, timeouts: Timeouts) -> SdkConfig {
    base.to_builder()
        .retry_config(RetryConfig::standard().with_max_attempts(4))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(timeouts.connect)
                .read_timeout(timeouts.read)
                .build(),
        )
        .build()
}

/// S3 client settings derived from the shared config. Emulators want
/// path-style addressing, so it is on whenever a custom endpoint is set.
pub fn s3_config(base: &SdkConfig) -> aws_sdk_s3::config::Builder {
    let builder = aws_sdk_s3::config::Builder::from(base);
    if base.endpoint_url().is_some() {
        builder.force_path_style(true)
    } else {
        builder
    }
}

/// Build the source and archive clients for `auth`. `tune` lets a caller
/// adjust both S3 clients (the test harness adds an interceptor there);
/// production passes `std::convert::identity`.
///
/// In assume-role mode the role is assumed once here, so a wrong trust policy
/// or external id fails at start-up with one clear line instead of on every object.
pub async fn build_clients(
    auth: &AuthMode,
    base: &SdkConfig,
    tune: impl Fn(aws_sdk_s3::config::Builder) -> aws_sdk_s3::config::Builder,
) -> Result<Clients, ShipError> {
    let source = aws_sdk_s3::Client::from_conf(tune(s3_config(base)).build());
    let archive = match auth {
        AuthMode::Direct => source.clone(),
        AuthMode::AssumeRole {
            role_arn,
            external_id,
            session_name,
        } => {
            // One AssumeRole now, so a wrong trust policy or external id fails
            // start-up with STS's own words; the provider then keeps the
            // credentials fresh.
            aws_sdk_sts::Client::new(base)
                .assume_role()
                .role_arn(role_arn)
                .role_session_name(session_name)
                .external_id(external_id)
                .send()
                .await
                .map_err(|e| ShipError::AssumeRole {
                    role_arn: role_arn.clone(),
                    message: format!(
                        "{}; account B's trust policy (writer-role-trust.json.tpl) must name this principal and require sts:ExternalId equal to LOGFERRY_EXTERNAL_ID, and account A's identity policy (shipper-assume-writer.json.tpl) must allow sts:AssumeRole on the role",
                        one_line(&e)
                    ),
                })?;
            let provider = AssumeRoleProvider::builder(role_arn.clone())
                .external_id(external_id.clone())
                .session_name(session_name.clone())
                .configure(base)
                .build()
                .await;
            aws_sdk_s3::Client::from_conf(
                tune(s3_config(base).credentials_provider(provider)).build(),
            )
        }
    };
    Ok(Clients { source, archive })
}

/// Account A's id, from the caller's own identity (needs no permission).
pub async fn caller_account(base: &SdkConfig) -> Result<String, ShipError> {
    let sts = aws_sdk_sts::Client::new(base);
    let identity = sts.get_caller_identity().send().await.map_err(|e| {
        ShipError::Invalid(format!(
            "cannot learn account A's id from sts:GetCallerIdentity ({}); set LOGFERRY_SOURCE_ACCOUNT",
            one_line(&e)
        ))
    })?;
    identity.account.ok_or_else(|| {
        ShipError::Invalid(
            "sts:GetCallerIdentity returned no account; set LOGFERRY_SOURCE_ACCOUNT".into(),
        )
    })
}
