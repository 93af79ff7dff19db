//! What can go wrong while shipping one object, and whether trying again can help.

use std::fmt;

use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// Which side of the crossing a request was made against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Account A: the source log bucket, read with the shipper's own credentials.
    Source,
    /// Account B: the archive bucket, written directly or with the assumed writer role.
    Archive,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Source => "source bucket (account A)",
            Side::Archive => "archive bucket (account B)",
        })
    }
}

/// An AWS SDK error as one line for a person: the service's own code and
/// message when it sent them (a long message, such as an encoded
/// authorization blob, cut after 160 characters), else the transport failure.
/// Never the SDK's Debug structures. Every front-end renders errors with it.
pub fn one_line<E>(err: &E) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match (err.code(), err.message()) {
        (Some(code), Some(message)) if message.chars().count() > 160 => {
            format!("{code}: {}…", message.chars().take(160).collect::<String>())
        }
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.to_string(),
        _ => chain(err),
    }
}

/// An error and its causes as one line, by their `Display` only (the SDK's
/// `DisplayErrorContext` appends the Debug structure). Repeated messages
/// are given once.
pub fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(current) = next {
        let text = current.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = current.source();
    }
    parts.join(": ")
}

/// A failure to ship one object. `is_retryable` decides between "leave it on
/// the queue" and "let it go to the dead-letter queue".
#[derive(Debug, thiserror::Error)]
pub enum ShipError {
    /// Throttling, 5xx, timeouts, dropped connections: the same request may pass later.
    #[error("{operation} on {side} s3://{bucket}/{key} failed and may pass on retry: {message}")]
    Transient {
        side: Side,
        operation: &'static str,
        bucket: String,
        key: String,
        message: String,
    },
    /// IAM said no. Permanent until a policy changes; `hint` names the likely gap.
    #[error("{operation} on {side} s3://{bucket}/{key} was denied: {hint}")]
    AccessDenied {
        side: Side,
        operation: &'static str,
        bucket: String,
        key: String,
        hint: String,
    },
    /// The source object is gone (deleted or expired before we got to it).
    #[error("source object s3://{bucket}/{key} no longer exists; skipped")]
    SourceGone { bucket: String, key: String },
    /// The copy landed but does not match what was read: never counted as shipped.
    #[error("verification failed for s3://{bucket}/{key}: {detail}")]
    VerifyMismatch {
        bucket: String,
        key: String,
        detail: String,
    },
    /// The archive already holds an object under this key. Every write into
    /// the archive is conditional (`If-None-Match: *`), so nothing there is
    /// ever replaced; the copy path then tells a redelivery from changed
    /// content (`ship::existing`).
    #[error("s3://{bucket}/{key} already exists in the archive, which never replaces an object")]
    Exists { bucket: String, key: String },
    /// Assuming the writer role in account B failed.
    #[error("cannot assume {role_arn}: {message}")]
    AssumeRole { role_arn: String, message: String },
    /// Anything else S3 rejected that a retry will not fix (bad request, key too long ...).
    #[error("{operation} on {side} s3://{bucket}/{key} failed permanently: {message}")]
    Permanent {
        side: Side,
        operation: &'static str,
        bucket: String,
        key: String,
        message: String,
    },
    /// The log is about another account than the shipper's own: shipping it
    /// would write into (or forge) that account's partition of the archive.
    #[error("s3://{bucket}/{key} is a log of account {origin}, not of this shipper's account {own}; it is not shipped, because each account writes only its own partition of the archive: ship it from account {origin}")]
    ForeignAccount {
        bucket: String,
        key: String,
        origin: String,
        own: String,
    },
    /// The event or object cannot be mapped to a destination (bad key, bad event shape).
    #[error("{0}")]
    Invalid(String),
    /// No usable credentials: permanent until the deployment is fixed.
    #[error("no credentials for the {side}: {message}; {CREDENTIALS_FIX}")]
    Credentials { side: Side, message: String },
    /// The shipper had to stop first (a Lambda invocation's deadline, a
    /// SIGTERM): the object was not started, or its upload was aborted.
    #[error("s3://{bucket}/{key} was not shipped before the shipper had to stop ({stage}); nothing of it is left in account B, ship it again")]
    Deadline {
        bucket: String,
        key: String,
        stage: &'static str,
    },
}

/// Where credentials come from, for the line that says they are missing.
pub const CREDENTIALS_FIX: &str = "logferry uses the AWS SDK's default chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, web identity (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE), the ECS task role, or the Lambda/EC2 role; give the process one of them";

impl ShipError {
    /// A GetObject body that broke off while being read (a cut connection,
    /// a stall): transient, the next read may get it whole.
    pub(crate) fn stream_broke(
        side: Side,
        bucket: &str,
        key: &str,
        err: &(dyn std::error::Error + 'static),
    ) -> ShipError {
        ShipError::Transient {
            side,
            operation: "GetObject",
            bucket: bucket.to_string(),
            key: key.to_string(),
            message: format!("body stream broke: {}", chain(err)),
        }
    }

    /// True when leaving the message for another delivery can succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            ShipError::Transient { .. } => true,
            // STS throttles and blips too; a trust policy error is repeated by
            // every retry but goes to the DLQ after maxReceiveCount anyway.
            ShipError::AssumeRole { .. } => true,
            ShipError::VerifyMismatch { .. } => true,
            ShipError::Deadline { .. } => true,
            ShipError::AccessDenied { .. }
            | ShipError::Credentials { .. }
            | ShipError::SourceGone { .. }
            | ShipError::Permanent { .. }
            | ShipError::Exists { .. }
            | ShipError::ForeignAccount { .. }
            | ShipError::Invalid(_) => false,
        }
    }

    /// A skipped object is not a failure: nothing is lost by dropping its message.
    pub fn is_skip(&self) -> bool {
        matches!(self, ShipError::SourceGone { .. })
    }
}
