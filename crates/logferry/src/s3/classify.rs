//! Turning SDK errors into [`ShipError`]s: retryable or not, and for
//! AccessDenied, which policy is probably missing what.

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

use crate::error::{one_line, ShipError, Side};
use crate::s3::AuthMode;

/// S3 error codes that a later attempt can get past.
const RETRYABLE_CODES: &[&str] = &[
    "SlowDown",
    "Throttling",
    "ThrottlingException",
    "RequestTimeout",
    "RequestTimeTooSkewed",
    "InternalError",
    "ServiceUnavailable",
    "OperationAborted",
    // The source changed between HeadObject and the copy: the next attempt re-reads it.
    "PreconditionFailed",
    // "If a conflicting operation occurs during the upload S3 returns a 409
    // ConditionalRequestConflict response. On a 409 failure you should retry
    // the upload" (S3 API Reference, PutObject, If-None-Match).
    "ConditionalRequestConflict",
];

/// The writes that create an archive object, each sent with
/// `If-None-Match: *`: their 412 means the key is taken, not that a source
/// changed (a `x-amz-copy-source-if-match` failing on `UploadPartCopy`).
const CONDITIONAL_WRITES: &[&str] = &["PutObject", "CompleteMultipartUpload"];

/// What was being attempted, for the error message.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attempt<'a> {
    pub side: Side,
    pub operation: &'static str,
    pub bucket: &'a str,
    pub key: &'a str,
    /// The shipper's way into B; `None` for compaction, B's own role.
    pub auth: Option<&'a AuthMode>,
    pub archive_prefix: &'a str,
}

impl Attempt<'_> {
    pub fn classify<E>(&self, err: SdkError<E, HttpResponse>) -> ShipError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        if let Some(message) = missing_credentials(&err) {
            return ShipError::Credentials {
                side: self.side,
                message,
            };
        }
        let status = err.raw_response().map(|r| r.status().as_u16());
        let code = err.code().map(str::to_string);
        let message = render(&err, status);
        if let (Side::Archive, Some(AuthMode::AssumeRole { role_arn, .. })) = (self.side, self.auth)
        {
            if status.is_none() && message.contains("AssumeRole") {
                return ShipError::AssumeRole {
                    role_arn: role_arn.clone(),
                    message,
                };
            }
        }
        let sent = !matches!(err, SdkError::ConstructionFailure(_));
        self.by_answer(status, code.as_deref(), message, sent)
    }

    /// Sort an error by what S3 answered: its status and code, or nothing
    /// at all when the request was `sent` but no answer came back.
    fn by_answer(
        &self,
        status: Option<u16>,
        code: Option<&str>,
        message: String,
        sent: bool,
    ) -> ShipError {
        let (bucket, key) = (self.bucket.to_string(), self.key.to_string());
        match (status, code) {
            (
                _,
                Some(
                    "AccessDenied"
                    | "AllAccessDisabled"
                    | "InvalidAccessKeyId"
                    | "SignatureDoesNotMatch",
                ),
            )
            | (Some(403), _) => ShipError::AccessDenied {
                side: self.side,
                operation: self.operation,
                bucket,
                key,
                hint: self.access_hint(),
            },
            (Some(412), _) | (_, Some("PreconditionFailed"))
                if self.side == Side::Archive && CONDITIONAL_WRITES.contains(&self.operation) =>
            {
                ShipError::Exists { bucket, key }
            }
            (_, Some("NoSuchKey" | "NotFound")) | (Some(404), None)
                if self.side == Side::Source =>
            {
                ShipError::SourceGone { bucket, key }
            }
            // A retried CompleteMultipartUpload whose first answer was lost
            // finds its upload already completed; a duplicate delivery may
            // have aborted it as a stray. Shipping the object again from the
            // start lands the same bytes under the same key.
            (_, Some("NoSuchUpload")) => self.transient(
                bucket,
                key,
                format!("{message} (completed or aborted by an earlier attempt)"),
            ),
            (Some(s), _) if s >= 500 || s == 429 => self.transient(bucket, key, message),
            (_, Some(c)) if RETRYABLE_CODES.contains(&c) => self.transient(bucket, key, message),
            // Timeouts, dropped connections, truncated responses.
            (None, _) if sent => self.transient(bucket, key, message),
            _ => ShipError::Permanent {
                side: self.side,
                operation: self.operation,
                bucket,
                key,
                message,
            },
        }
    }

    fn transient(&self, bucket: String, key: String, message: String) -> ShipError {
        ShipError::Transient {
            side: self.side,
            operation: self.operation,
            bucket,
            key,
            message,
        }
    }

    /// The likeliest missing permission for a denied call, named by policy file.
    fn access_hint(&self) -> String {
        let object_arn = format!("arn:aws:s3:::{}/{}", self.bucket, self.key);
        match (self.side, self.auth) {
            (Side::Source, _) => format!(
                "account A: the shipper's role needs s3:GetObject (and s3:GetObjectVersion for versioned events) on {object_arn} \
                 (infra/policies/shipper-source-read.json.tpl), and the bucket's KMS key policy must allow it kms:Decrypt if the logs are SSE-KMS"
            ),
            (Side::Archive, None) => format!(
                "account B: the compactor's role needs s3:ListBucket and s3:GetObject on the archive prefix and \
                 s3:PutObject, s3:AbortMultipartUpload and s3:DeleteObject on arn:aws:s3:::{}/{}/* \
                 (infra/policies/compactor-permissions.json.tpl), and kms:Decrypt and kms:GenerateDataKey on the archive's key",
                self.bucket, self.archive_prefix
            ),
            (Side::Archive, Some(AuthMode::Direct)) if matches!(self.operation, "UploadPartCopy" | "CompleteMultipartUpload") => (
                "account B: objects above LOGFERRY_COPY_PART_THRESHOLD_MIB are copied in parts, and UploadPartCopy / \
                 CompleteMultipartUpload carry no x-amz-acl header, so a bucket policy that requires bucket-owner-full-control \
                 refuses them; ship objects over 5 GiB in assume-role mode (README, \"Large objects\")"
            )
            .to_string(),
            (Side::Archive, Some(AuthMode::Direct)) => format!(
                "account B: the archive bucket policy must allow this role s3:PutObject (with s3:x-amz-acl = bucket-owner-full-control) \
                 and s3:GetObject (HeadObject, after a refused conditional write) on its own account's partition \
                 arn:aws:s3:::{}/{}/<account id>/* \
                 (infra/policies/archive-bucket-policy.json.tpl; B's source_accounts must list this account and role), \
                 account A's role needs the same in its identity policy (archive-write.json.tpl), \
                 and a customer-managed KMS key on the bucket must allow kms:GenerateDataKey and kms:Decrypt",
                self.bucket, self.archive_prefix
            ),
            (Side::Archive, Some(AuthMode::AssumeRole { role_arn, .. })) => format!(
                "account B: the writer role {role_arn} needs s3:PutObject, s3:AbortMultipartUpload and s3:GetObject on \
                 arn:aws:s3:::{}/{}/<account id>/*, the partition of the one source account it serves \
                 (infra/policies/writer-role-permissions.json.tpl), the archive bucket policy \
                 must not deny it (archive-bucket-policy.json.tpl), and a customer-managed KMS key on the bucket \
                 must allow it kms:GenerateDataKey and kms:Decrypt",
                self.bucket, self.archive_prefix
            ),
        }
    }
}

/// The credential chain's own message when it found nothing usable (not
/// when a provider merely timed out or was throttled: those pass on retry).
fn missing_credentials<E>(err: &SdkError<E, HttpResponse>) -> Option<String>
where
    E: std::error::Error + 'static,
{
    use aws_credential_types::provider::error::CredentialsError;
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(current) = source {
        if let Some(found) = current.downcast_ref::<CredentialsError>() {
            return match found {
                CredentialsError::CredentialsNotLoaded(_)
                | CredentialsError::InvalidConfiguration(_) => Some(crate::error::chain(found)),
                _ => None,
            };
        }
        source = current.source();
    }
    None
}

/// [`one_line`], or the bare status when S3 answered without an error code
/// (a HEAD request has no body to carry one).
fn render<E>(err: &SdkError<E, HttpResponse>, status: Option<u16>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match (err.code(), status) {
        (None, Some(status)) => format!("HTTP {status} with no error code"),
        _ => one_line(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_s3::operation::copy_object::CopyObjectError;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;

    fn attempt(auth: &AuthMode) -> Attempt<'_> {
        Attempt {
            side: Side::Archive,
            operation: "CopyObject",
            bucket: "archive",
            key: "p/k",
            auth: Some(auth),
            archive_prefix: "p",
        }
    }

    fn service_error(
        status: u16,
        code: &str,
        message: &str,
    ) -> SdkError<CopyObjectError, HttpResponse> {
        let meta = ErrorMetadata::builder().code(code).message(message).build();
        SdkError::service_error(
            CopyObjectError::generic(meta),
            HttpResponse::new(
                StatusCode::try_from(status).unwrap(),
                SdkBody::from("<Error>…</Error>"),
            ),
        )
    }

    #[test]
    fn service_errors_are_one_short_line_without_debug_structures() {
        let err = attempt(&AuthMode::Direct).classify(service_error(
            404,
            "NoSuchVersion",
            "The specified version does not exist.",
        ));
        let line = err.to_string();
        assert!(
            line.contains("NoSuchVersion: The specified version does not exist."),
            "{line}"
        );
        assert!(
            !line.contains("ErrorMetadata") && !line.contains("SdkBody") && !line.contains('\n'),
            "{line}"
        );
        assert!(line.len() < 400, "{} characters: {line}", line.len());
    }

    #[test]
    fn a_refused_conditional_write_means_the_key_is_taken_and_nothing_else_does() {
        let direct = AuthMode::Direct;
        for operation in ["PutObject", "CompleteMultipartUpload"] {
            let at = Attempt {
                operation,
                ..attempt(&direct)
            };
            let err = at.classify(service_error(
                412,
                "PreconditionFailed",
                "At least one of the pre-conditions you specified did not hold",
            ));
            assert!(
                matches!(err, ShipError::Exists { .. }),
                "{operation}: {err}"
            );
            assert!(!err.is_retryable() && !err.is_skip());
        }
        // A copy source that changed under UploadPartCopy: read it again.
        let part = Attempt {
            operation: "UploadPartCopy",
            ..attempt(&direct)
        };
        let err = part.classify(service_error(412, "PreconditionFailed", "changed"));
        assert!(matches!(err, ShipError::Transient { .. }), "{err}");
        // A concurrent conditional write: S3 says to retry.
        let put = Attempt {
            operation: "PutObject",
            ..attempt(&direct)
        };
        let err = put.classify(service_error(409, "ConditionalRequestConflict", "conflict"));
        assert!(err.is_retryable(), "{err}");
    }

    #[test]
    fn access_denied_hints_name_the_policy_of_the_mode() {
        let role = AuthMode::AssumeRole {
            role_arn: "arn:aws:iam::222233334444:role/w".into(),
            external_id: "x".into(),
            session_name: "s".into(),
        };
        let assume = attempt(&role)
            .classify(service_error(403, "AccessDenied", "Access Denied"))
            .to_string();
        assert!(
            assume.contains("writer-role-permissions.json.tpl"),
            "{assume}"
        );
        assert!(!assume.contains("archive-write.json.tpl"), "{assume}");
        let direct = attempt(&AuthMode::Direct)
            .classify(service_error(403, "AccessDenied", "Access Denied"))
            .to_string();
        assert!(
            direct.contains("archive-write.json.tpl")
                && direct.contains("bucket-owner-full-control"),
            "{direct}"
        );
    }

    #[tokio::test]
    async fn missing_credentials_are_permanent_and_say_where_credentials_come_from() {
        use aws_credential_types::provider::{error::CredentialsError, future, ProvideCredentials};

        #[derive(Debug)]
        struct Nothing;
        impl ProvideCredentials for Nothing {
            fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
            where
                Self: 'a,
            {
                future::ProvideCredentials::ready(Err(CredentialsError::not_loaded(
                    "no providers in chain provided credentials",
                )))
            }
        }
        let config = aws_sdk_s3::Config::builder()
            .behavior_version_latest()
            .region(aws_sdk_s3::config::Region::new("us-east-1"))
            .endpoint_url("http://127.0.0.1:9")
            .credentials_provider(Nothing)
            .build();
        let err = aws_sdk_s3::Client::from_conf(config)
            .head_object()
            .bucket("b")
            .key("k")
            .send()
            .await
            .unwrap_err();
        let err = attempt(&AuthMode::Direct).classify(err);
        assert!(matches!(err, ShipError::Credentials { .. }), "{err}");
        assert!(!err.is_retryable());
        let line = err.to_string();
        assert!(
            line.contains("AWS_PROFILE") && !line.contains('\n'),
            "{line}"
        );
    }
}
