//! The policy files under `infra/policies/` rendered exactly as Terraform's
//! `templatefile` would (a test compares every template with Terraform's own
//! rendering), and adapted to the emulator's known gaps in one
//! named place ([`for_emulator`], [`trust_for_strict_emulator`]).

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use serde_json::{json, Map, Value};

/// `infra/policies`, next to this crate.
pub fn policy_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../infra/policies")
}

/// Render `infra/policies/<name>` with `${var}` (string) and
/// `${jsonencode(var)}` (any JSON) — the only two forms the templates use —
/// failing on any placeholder without a value.
pub fn render(name: &str, vars: &Value) -> Result<Value> {
    let path = policy_dir().join(name);
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let vars = vars
        .as_object()
        .context("template variables must be a JSON object")?;
    let rendered = render_text(&text, vars).with_context(|| format!("rendering {name}"))?;
    serde_json::from_str(&rendered).with_context(|| format!("{name} does not render to JSON"))
}

/// One policy from several documents, as Terraform's
/// `source_policy_documents` merges them: their statements, in order.
pub fn merge(documents: &[Value]) -> Value {
    let statements: Vec<Value> = documents
        .iter()
        .flat_map(|d| d["Statement"].as_array().cloned().unwrap_or_default())
        .collect();
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// The archive bucket's policy as `infra/modules/log_archive` builds it:
/// the TLS-only document, then the grants of the direct-mode source
/// accounts, each fenced into its own partition, then the write guard (no
/// SSE-C, no encryption but `sse_algorithm`, no storage class but
/// STANDARD), the no-overwrite guard (writes must be conditional) and the
/// admin guard (only `break_glass` may change the protections or destroy a
/// version). `writers` are the principals allowed to write; their accounts
/// are the ARNs' account ids.
pub fn archive_bucket_policy(
    archive_arn: &str,
    prefix: &str,
    writers: &[&str],
    sse_algorithm: &str,
    break_glass: &[&str],
) -> Result<Value> {
    Ok(merge(&[
        render(
            "tls-only.json.tpl",
            &json!({"tls_only_service_prefix": "s3", "tls_only_resource_arns": [archive_arn, format!("{archive_arn}/*")]}),
        )?,
        render(
            "archive-bucket-policy.json.tpl",
            &json!({
                "archive_bucket_arn": archive_arn,
                "archive_prefix": prefix,
                "writer_account_arns": account_roots(writers),
                "writer_principal_arns": writers,
            }),
        )?,
        render(
            "archive-bucket-write-guard.json.tpl",
            &json!({
                "archive_bucket_arn": archive_arn,
                "archive_sse_algorithm": sse_algorithm,
                "archive_storage_class": "STANDARD",
            }),
        )?,
        render(
            "archive-bucket-no-overwrite.json.tpl",
            &json!({"archive_bucket_arn": archive_arn, "archive_prefix": prefix}),
        )?,
        render(
            "archive-bucket-admin-guard.json.tpl",
            &json!({"archive_bucket_arn": archive_arn, "break_glass_principal_arns": break_glass}),
        )?,
    ]))
}

/// `arn:aws:iam::<account>:root` of each principal's account, once each, in order.
pub fn account_roots(principals: &[&str]) -> Vec<String> {
    let mut roots: Vec<String> = Vec::new();
    for arn in principals {
        let account = arn.split(':').nth(4).unwrap_or_default();
        let root = format!("arn:aws:iam::{account}:root");
        if !roots.contains(&root) {
            roots.push(root);
        }
    }
    roots
}

fn render_text(text: &str, vars: &Map<String, Value>) -> Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        // `$${` is templatefile's escape for a literal `${` (an IAM policy
        // variable such as `${aws:PrincipalAccount}`).
        if let Some(before) = rest[..start].strip_suffix('$') {
            out.push_str(before);
            out.push_str("${");
            rest = &rest[start + 2..];
            continue;
        }
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').context("unclosed ${")? + start;
        let expr = rest[start + 2..end].trim();
        let value = |name: &str| {
            vars.get(name)
                .with_context(|| format!("no value for `{name}`"))
        };
        if let Some(name) = expr
            .strip_prefix("jsonencode(")
            .and_then(|e| e.strip_suffix(')'))
        {
            out.push_str(&serde_json::to_string(value(name.trim())?)?);
        } else if expr.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            match value(expr)? {
                Value::String(s) => out.push_str(s),
                other => bail!("`{expr}` must be a string, got {other}"),
            }
        } else {
            bail!("unsupported template expression `${{{expr}}}`");
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// How fakecloud names what AWS authorizes as one IAM action.
///
/// Gap [`crate::gaps::OPERATION_NAMES`]: fakecloud checks several S3
/// operations under their operation names. Each AWS action in a policy is
/// expanded to the emulator's names with the same resources and conditions,
/// so the policy grants on the emulator exactly what it grants on AWS.
pub const ACTION_ALIASES: &[(&str, &[&str])] = &[
    ("s3:GetObject", &["s3:GetObject", "s3:HeadObject"]),
    (
        "s3:ListBucket",
        &["s3:ListBucket", "s3:ListObjectsV2", "s3:ListObjects"],
    ),
    ("s3:ListMultipartUploadParts", &["s3:ListParts"]),
    (
        "s3:PutLifecycleConfiguration",
        &[
            "s3:PutLifecycleConfiguration",
            "s3:PutBucketLifecycleConfiguration",
        ],
    ),
    (
        "s3:PutBucketObjectLockConfiguration",
        &[
            "s3:PutBucketObjectLockConfiguration",
            "s3:PutObjectLockConfiguration",
        ],
    ),
    (
        "s3:ListBucketMultipartUploads",
        &["s3:ListBucketMultipartUploads", "s3:ListMultipartUploads"],
    ),
    (
        "s3:PutObject",
        &[
            "s3:PutObject",
            "s3:CreateMultipartUpload",
            "s3:UploadPart",
            "s3:CompleteMultipartUpload",
        ],
    ),
];

/// Operations that never carry an `x-amz-acl` header: on AWS a statement
/// requiring that header can never allow them, so the expansion drops them
/// from such statements rather than widening the policy.
const NO_ACL_HEADER: &[&str] = &["s3:UploadPart", "s3:CompleteMultipartUpload"];

/// Expand every statement's AWS actions into the emulator's names.
pub fn for_emulator(mut policy: Value) -> Value {
    let Some(statements) = policy.get_mut("Statement").and_then(Value::as_array_mut) else {
        return policy;
    };
    for statement in statements {
        let requires_acl = statement
            .pointer("/Condition/StringEquals/s3:x-amz-acl")
            .is_some();
        let Some(actions) = statement.get("Action").cloned() else {
            continue;
        };
        let listed: Vec<String> = match actions {
            Value::String(a) => vec![a],
            Value::Array(a) => a
                .into_iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => continue,
        };
        let mut expanded: Vec<String> = Vec::new();
        for action in listed {
            let names = ACTION_ALIASES
                .iter()
                .find(|(aws, _)| *aws == action)
                .map(|(_, names)| names.iter().map(|n| n.to_string()).collect())
                .unwrap_or_else(|| vec![action.clone()]);
            for name in names {
                if requires_acl && NO_ACL_HEADER.contains(&name.as_str()) {
                    continue;
                }
                if !expanded.contains(&name) {
                    expanded.push(name);
                }
            }
        }
        statement["Action"] = json!(expanded);
    }
    policy
}

/// Gap [`crate::gaps::EXTERNAL_ID_IN_STRICT`]: with `--iam strict`, fakecloud
/// denies every cross-account AssumeRole whose trust policy tests
/// `sts:ExternalId`. The strict instance gets the trust policy without that
/// condition; the external-id cases run against the soft instance, which
/// evaluates the unmodified policy inside STS.
pub fn trust_for_strict_emulator(mut trust: Value) -> Value {
    if let Some(statements) = trust.get_mut("Statement").and_then(Value::as_array_mut) {
        for statement in statements {
            if let Some(condition) = statement
                .get_mut("Condition")
                .and_then(Value::as_object_mut)
            {
                for (_, keys) in condition.iter_mut() {
                    if let Some(keys) = keys.as_object_mut() {
                        keys.remove("sts:ExternalId");
                    }
                }
                condition.retain(|_, keys| keys.as_object().is_none_or(|k| !k.is_empty()));
                if condition.is_empty() {
                    statement.as_object_mut().map(|s| s.remove("Condition"));
                }
            }
        }
    }
    trust
}

/// Gap [`crate::gaps::CALLED_VIA`]: the policy as it applies to a request
/// Athena makes on the caller's behalf, i.e. without its `aws:CalledVia`
/// conditions, which fakecloud never satisfies. `None` when the policy has
/// no such condition (so a caller cannot strip what is not there).
pub fn as_if_called_via_athena(mut policy: Value) -> Option<Value> {
    let mut found = false;
    for statement in policy["Statement"].as_array_mut()? {
        let Some(condition) = statement
            .get_mut("Condition")
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        for keys in condition.values_mut().filter_map(Value::as_object_mut) {
            found |= keys.remove("aws:CalledVia").is_some();
        }
        condition.retain(|_, keys| keys.as_object().is_none_or(|k| !k.is_empty()));
        if condition.is_empty() {
            statement.as_object_mut().map(|s| s.remove("Condition"));
        }
    }
    found.then_some(policy)
}

/// Gap [`crate::gaps::KMS_ENCRYPTION_CONTEXT`]: the key policy without its
/// `kms:EncryptionContext:*` conditions, which fakecloud does not populate
/// when S3 calls KMS.
pub fn key_policy_for_emulator(mut policy: Value) -> Value {
    if let Some(statements) = policy.get_mut("Statement").and_then(Value::as_array_mut) {
        for statement in statements {
            if let Some(condition) = statement
                .get_mut("Condition")
                .and_then(Value::as_object_mut)
            {
                for keys in condition.values_mut().filter_map(Value::as_object_mut) {
                    keys.retain(|key, _| !key.starts_with("kms:EncryptionContext:"));
                }
                condition.retain(|_, keys| keys.as_object().is_none_or(|k| !k.is_empty()));
            }
        }
    }
    policy
}

#[cfg(test)]
mod tests {
    use super::*;

    /// This renderer and Terraform's `templatefile()` give the same document
    /// for every template (rendered by Terraform through
    /// `infra/checks/render_policies.sh` with `sample-vars.json`).
    #[test]
    fn renders_exactly_what_terraform_renders() {
        let checks = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../infra/checks");
        let out = std::process::Command::new("bash")
            .arg(checks.join("render_policies.sh"))
            .output()
            .expect("run render_policies.sh");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let by_terraform: Map<String, Value> = serde_json::from_slice(&out.stdout).unwrap();
        let vars: Value = serde_json::from_str(
            &std::fs::read_to_string(policy_dir().join("sample-vars.json")).unwrap(),
        )
        .unwrap();
        let templates = std::fs::read_dir(policy_dir())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".json.tpl"))
            })
            .count();
        assert_eq!(by_terraform.len(), templates);
        for (name, expected) in &by_terraform {
            assert_eq!(&render(name, &vars).unwrap(), expected, "{name}");
        }
    }

    #[test]
    fn renders_like_templatefile_and_rejects_missing_values() {
        let writers = [
            "arn:aws:iam::111111111111:user/s",
            "arn:aws:iam::444444444444:user/t",
            "arn:aws:iam::111111111111:user/u",
        ];
        let policy = archive_bucket_policy("arn:aws:s3:::b", "p", &writers, "AES256", &[]).unwrap();
        assert_eq!(policy["Statement"][0]["Sid"], "DenyInsecureTransport");
        let put = &policy["Statement"][1];
        // `$${aws:PrincipalAccount}` renders as the IAM policy variable.
        assert_eq!(
            put["Resource"],
            "arn:aws:s3:::b/p/${aws:PrincipalAccount}/*"
        );
        assert_eq!(
            put["Principal"]["AWS"],
            json!([
                "arn:aws:iam::111111111111:root",
                "arn:aws:iam::444444444444:root"
            ])
        );
        assert_eq!(
            put["Condition"]["ArnLike"]["aws:PrincipalArn"],
            json!(writers)
        );
        let err = render(
            "archive-bucket-policy.json.tpl",
            &json!({"archive_prefix": "p"}),
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("no value for"), "{err:#}");
    }

    #[test]
    fn acl_conditioned_put_does_not_gain_part_uploads() {
        let policy = json!({"Statement": [
            {"Action": "s3:PutObject", "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}},
            {"Action": ["s3:PutObject", "s3:GetObject"]}
        ]});
        let out = for_emulator(policy);
        assert_eq!(
            out["Statement"][0]["Action"],
            json!(["s3:PutObject", "s3:CreateMultipartUpload"])
        );
        assert_eq!(
            out["Statement"][1]["Action"],
            json!([
                "s3:PutObject",
                "s3:CreateMultipartUpload",
                "s3:UploadPart",
                "s3:CompleteMultipartUpload",
                "s3:GetObject",
                "s3:HeadObject"
            ])
        );
    }

    #[test]
    fn strict_trust_loses_only_the_external_id() {
        let trust = json!({"Statement": [{"Principal": {"AWS": "x"}, "Condition": {"StringEquals": {"sts:ExternalId": "e"}}}]});
        assert_eq!(
            trust_for_strict_emulator(trust),
            json!({"Statement": [{"Principal": {"AWS": "x"}}]})
        );
    }
}
