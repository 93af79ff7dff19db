//! Account B's archive bucket as a world makes it: owned by B, private,
//! versioned with a default Object Lock retention, under the bucket policy
//! `log_archive` deploys (the grants, then the write, no-overwrite and admin
//! guards).

use anyhow::Result;
use aws_sdk_s3::types::{
    BucketCannedAcl, DefaultRetention, ObjectLockConfiguration, ObjectLockEnabled,
    ObjectLockRetentionMode, ObjectLockRule, ObjectOwnership, OwnershipControls,
    OwnershipControlsRule, PublicAccessBlockConfiguration,
};
use serde_json::{json, Value};

use super::build::ArchivePolicy;
use super::{Account, PREFIX};
use crate::policy::{archive_bucket_policy, for_emulator};

/// What makes the archive hold up as evidence, as `log_archive` deploys it.
pub(super) struct Evidence<'a> {
    pub sse_algorithm: &'a str,
    /// The default retention's mode (one day).
    pub lock: ObjectLockRetentionMode,
    /// Who may change the protections: B's test administrator, which sets
    /// the world up.
    pub break_glass: &'a str,
}

/// Account B: the archive bucket, owned by B whatever the writer, private,
/// versioned with a default Object Lock retention, under the bucket policy
/// `policy` names, which lets each of `writers` write its own account's
/// partition.
pub(super) async fn archive(
    admin_b: &Account,
    bucket: &str,
    writers: &[&str],
    policy: ArchivePolicy,
    evidence: Evidence<'_>,
) -> Result<()> {
    let s3 = admin_b.s3();
    s3.create_bucket()
        .bucket(bucket)
        .acl(BucketCannedAcl::Private)
        .object_lock_enabled_for_bucket(true)
        .send()
        .await?;
    let retention = DefaultRetention::builder()
        .mode(evidence.lock)
        .days(1)
        .build();
    s3.put_object_lock_configuration()
        .bucket(bucket)
        .object_lock_configuration(
            ObjectLockConfiguration::builder()
                .object_lock_enabled(ObjectLockEnabled::Enabled)
                .rule(
                    ObjectLockRule::builder()
                        .default_retention(retention)
                        .build(),
                )
                .build(),
        )
        .send()
        .await?;
    let enforced = OwnershipControlsRule::builder()
        .object_ownership(ObjectOwnership::BucketOwnerEnforced)
        .build()?;
    s3.put_bucket_ownership_controls()
        .bucket(bucket)
        .ownership_controls(OwnershipControls::builder().rules(enforced).build()?)
        .send()
        .await?;
    let block = PublicAccessBlockConfiguration::builder()
        .block_public_acls(true)
        .ignore_public_acls(true)
        .block_public_policy(true)
        .restrict_public_buckets(true)
        .build();
    s3.put_public_access_block()
        .bucket(bucket)
        .public_access_block_configuration(block)
        .send()
        .await?;
    let archive_arn = format!("arn:aws:s3:::{bucket}");
    let mut document = archive_bucket_policy(
        &archive_arn,
        PREFIX,
        writers,
        evidence.sse_algorithm,
        &[evidence.break_glass],
    )?;
    if policy == ArchivePolicy::AllowsPartCopies {
        let relaxed = json!({"Effect": "Allow", "Principal": {"AWS": writers[0]}, "Action": "s3:PutObject", "Resource": format!("{archive_arn}/{PREFIX}/*")});
        statements(&mut document).push(relaxed);
    }
    s3.put_bucket_policy()
        .bucket(bucket)
        .policy(for_emulator(document).to_string())
        .send()
        .await?;
    Ok(())
}

fn statements(document: &mut Value) -> &mut Vec<Value> {
    document["Statement"]
        .as_array_mut()
        .expect("a policy document has a Statement list")
}
