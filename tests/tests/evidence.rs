//! The archive as evidence (issue 18): every world's archive is versioned
//! with a default Object Lock retention and carries the no-overwrite and
//! admin guards (`tests/src/world/build.rs`). Here: what lands is locked,
//! nothing archived is ever replaced (a redelivery adds no version, changed
//! content lands beside the original), and B's administrators cannot
//! destroy a version; only break-glass can, and only under GOVERNANCE.

use anyhow::{ensure, Context, Result};
use aws_sdk_s3::types::{
    BucketLifecycleConfiguration, BucketVersioningStatus, ExpirationStatus, LifecycleExpiration,
    LifecycleRule, LifecycleRuleFilter, ObjectLockMode, ObjectLockRetentionMode,
    VersioningConfiguration,
};
use logferry::ship::Landing;
use logferry::ObjectRef;
use logferry_tests::faults::FaultProxy;
use logferry_tests::probe::{outcome, Outcome};
use logferry_tests::world::{admin, unique, ACCOUNT_A, ACCOUNT_B, PREFIX};
use logferry_tests::{Mode, World};

const MIB: usize = 1024 * 1024;

/// `size` bytes that differ with `seed`.
fn body(size: usize, seed: u8) -> Vec<u8> {
    (0..size)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// Every version and delete marker under the source account's partition.
async fn versions(world: &World) -> Result<(Vec<String>, usize)> {
    let listed = world
        .admin_b
        .s3()
        .list_object_versions()
        .bucket(&world.archive_bucket)
        .prefix(format!("{PREFIX}/{ACCOUNT_A}/"))
        .send()
        .await?;
    let keys = listed
        .versions()
        .iter()
        .filter_map(|v| v.key().map(str::to_string))
        .collect();
    Ok((keys, listed.delete_markers().len()))
}

/// Ship `size` bytes, ship them again, change the source and ship twice more.
async fn nothing_archived_is_replaced(mode: Mode, size: usize) -> Result<()> {
    let world = World::strict().await?;
    let key = "app/evidence.log";
    let (first, second) = (body(size, 1), body(size, 2));
    world.put_source(key, first.clone()).await?;
    let mut raw = world.config(mode);
    raw.part_size_mib = Some(5);
    let shipper = world.shipper(raw).await?;
    let object = ObjectRef::new(&world.source_bucket, key);

    let shipped = shipper.ship_object(&object).await?;
    ensure!(shipped.landing == Landing::New, "{shipped:?}");
    let head = world
        .admin_b
        .s3()
        .head_object()
        .bucket(&world.archive_bucket)
        .key(&shipped.dest_key)
        .send()
        .await?;
    ensure!(
        head.object_lock_mode() == Some(&ObjectLockMode::Governance),
        "the archived copy is not locked: {:?}",
        head.object_lock_mode()
    );
    let until = head
        .object_lock_retain_until_date()
        .context("no retain-until date on the archived copy")?;
    let hours = (until.secs() - chrono::Utc::now().timestamp()) / 3600;
    ensure!((23..=24).contains(&hours), "retained {hours} h, not a day");

    // A redelivery writes nothing.
    let again = shipper.ship_object(&object).await?;
    ensure!(again.landing == Landing::AlreadyArchived, "{again:?}");
    ensure!(again.dest_key == shipped.dest_key);
    ensure!(
        versions(&world).await?.0.len() == 1,
        "a redelivery added a version"
    );

    // An overwrite in account A: the archive keeps the first content.
    world.put_source(key, second.clone()).await?;
    let changed = shipper.ship_object(&object).await?;
    ensure!(changed.landing == Landing::Changed, "{changed:?}");
    let aside = format!("{PREFIX}/{ACCOUNT_A}/_conflicts/");
    ensure!(changed.dest_key.starts_with(&aside), "{}", changed.dest_key);
    ensure!(
        world.archived(&shipped.dest_key).await?.0 == first,
        "the archived copy changed"
    );
    ensure!(
        world.archived(&changed.dest_key).await?.0 == second,
        "the new content was lost"
    );

    // ... and the changed content shipped again adds nothing either.
    let again = shipper.ship_object(&object).await?;
    ensure!(again.landing == Landing::Changed && again.dest_key == changed.dest_key);
    let (mut keys, markers) = versions(&world).await?;
    keys.sort();
    let mut expected = vec![shipped.dest_key.clone(), changed.dest_key.clone()];
    expected.sort();
    ensure!(
        keys == expected && markers == 0,
        "versions {keys:?}, {markers} delete markers"
    );
    world.assert_no_uploads_left().await
}

#[tokio::test]
async fn direct_never_replaces_an_archived_object() -> Result<()> {
    nothing_archived_is_replaced(Mode::Direct, 100).await
}

#[tokio::test]
async fn assume_role_never_replaces_an_archived_object() -> Result<()> {
    nothing_archived_is_replaced(Mode::AssumeRole, 100).await
}

#[tokio::test]
async fn direct_never_replaces_a_large_archived_object() -> Result<()> {
    // One streamed PutObject (Method::StreamPut).
    nothing_archived_is_replaced(Mode::Direct, 12 * MIB).await
}

#[tokio::test]
async fn assume_role_never_replaces_a_large_archived_object() -> Result<()> {
    // A multipart upload completed with If-None-Match.
    nothing_archived_is_replaced(Mode::AssumeRole, 12 * MIB).await
}

/// "The Content-MD5 or x-amz-sdk-checksum-algorithm header is required for
/// any request to upload an object with a retention period configured using
/// Amazon S3 Object Lock" (S3 API Reference, PutObject). fakecloud asks for
/// one only when a request sets retention itself, so the requests are
/// checked at the HTTP boundary: every write that carries bytes has an
/// integrity check, and every write that creates an object is conditional.
#[tokio::test]
async fn every_write_into_the_locked_archive_is_checksummed_and_conditional() -> Result<()> {
    let world = World::strict().await?;
    let proxy = FaultProxy::start(&world.endpoint).await?;
    for (i, mode) in [Mode::Direct, Mode::AssumeRole].into_iter().enumerate() {
        for (j, size) in [100, 12 * MIB].into_iter().enumerate() {
            let key = format!("app/{i}-{j}.log");
            world.put_source(&key, body(size, 7)).await?;
            let mut raw = world.config(mode);
            raw.part_size_mib = Some(5);
            let shipper = world.shipper_through(&proxy.url, raw).await?;
            let shipped = shipper
                .ship_object(&ObjectRef::new(&world.source_bucket, &key))
                .await?;
            ensure!(shipped.landing == Landing::New, "{shipped:?}");
        }
    }
    let seen = proxy.seen();
    let of = |operation: &'static str| seen.iter().filter(move |s| s.operation == operation);
    // Direct small and large are PutObjects; assume-role small a PutObject,
    // large a multipart upload of three parts.
    ensure!(of("PutObject").count() == 3, "{seen:?}");
    ensure!(of("UploadPart").count() == 3 && of("CompleteMultipartUpload").count() == 1);
    for s in of("PutObject").chain(of("UploadPart")) {
        ensure!(s.integrity, "{} without an integrity check", s.operation);
    }
    for s in of("PutObject").chain(of("CompleteMultipartUpload")) {
        ensure!(s.if_none_match, "{} without If-None-Match: *", s.operation);
    }
    ensure!(
        of("CopyObject").count() == 0,
        "a CopyObject cannot be conditional here"
    );
    Ok(())
}

/// B's administrators against one archived version under `lock`.
async fn administrators_against_a_locked_version(
    lock: ObjectLockRetentionMode,
    break_glass_may_remove: bool,
) -> Result<()> {
    let world = World::builder().lock(lock.clone()).build().await?;
    world
        .put_source("app/kept.log", b"evidence".to_vec())
        .await?;
    let shipper = world.shipper(world.config(Mode::Direct)).await?;
    let shipped = shipper
        .ship_object(&ObjectRef::new(&world.source_bucket, "app/kept.log"))
        .await?;
    let (arc, key) = (world.archive_bucket.clone(), shipped.dest_key.clone());
    let head = world
        .admin_b
        .s3()
        .head_object()
        .bucket(&arc)
        .key(&key)
        .send()
        .await?;
    let version = head.version_id().context("no version id")?.to_string();
    // Another administrator of B: full IAM rights, not break-glass.
    let other = admin(&world.endpoint, ACCOUNT_B, &unique("admin"))
        .await?
        .s3();
    let delete = |s3: aws_sdk_s3::Client, bypass: bool| {
        let (arc, key, version) = (arc.clone(), key.clone(), version.clone());
        async move {
            let request = s3.delete_object().bucket(arc).key(key).version_id(version);
            let request = if bypass {
                request.bypass_governance_retention(true)
            } else {
                request
            };
            outcome(request.send().await)
        }
    };
    // The lock refuses a plain delete of the version, to everyone.
    for s3 in [other.clone(), world.admin_b.s3()] {
        let got = delete(s3, false).await;
        ensure!(
            got == Outcome::Denied,
            "a locked version was deleted: {got:?}"
        );
    }
    // The admin guard refuses the bypass to all but break-glass.
    let got = delete(other.clone(), true).await;
    ensure!(
        got == Outcome::Denied,
        "another admin bypassed the lock: {got:?}"
    );
    // ... and every change to the protections.
    let rule = LifecycleRule::builder()
        .id("shorten")
        .status(ExpirationStatus::Enabled)
        .filter(LifecycleRuleFilter::builder().prefix("").build())
        .expiration(LifecycleExpiration::builder().days(1).build())
        .build()?;
    let changes = [
        (
            "PutBucketVersioning",
            outcome(
                other
                    .put_bucket_versioning()
                    .bucket(&arc)
                    .versioning_configuration(
                        VersioningConfiguration::builder()
                            .status(BucketVersioningStatus::Suspended)
                            .build(),
                    )
                    .send()
                    .await,
            ),
        ),
        (
            "PutLifecycleConfiguration",
            outcome(
                other
                    .put_bucket_lifecycle_configuration()
                    .bucket(&arc)
                    .lifecycle_configuration(
                        BucketLifecycleConfiguration::builder()
                            .rules(rule)
                            .build()?,
                    )
                    .send()
                    .await,
            ),
        ),
        (
            "PutBucketPolicy",
            outcome(
                other
                    .put_bucket_policy()
                    .bucket(&arc)
                    .policy(r#"{"Version":"2012-10-17","Statement":[]}"#)
                    .send()
                    .await,
            ),
        ),
        (
            "DeleteBucketPolicy",
            outcome(other.delete_bucket_policy().bucket(&arc).send().await),
        ),
    ];
    for (change, got) in changes {
        ensure!(got == Outcome::Denied, "another admin's {change}: {got:?}");
    }
    // Break-glass, with the bypass: allowed under GOVERNANCE only.
    let got = delete(world.admin_b.s3(), true).await;
    let removed = got == Outcome::Allowed;
    ensure!(
        removed == break_glass_may_remove,
        "{lock:?}: break-glass bypass gave {got:?}"
    );
    let (left, _) = versions(&world).await?;
    ensure!(
        left.len() == usize::from(!removed),
        "versions left: {left:?}"
    );
    Ok(())
}

#[tokio::test]
async fn under_governance_only_break_glass_can_remove_a_version() -> Result<()> {
    administrators_against_a_locked_version(ObjectLockRetentionMode::Governance, true).await
}

#[tokio::test]
async fn under_compliance_nobody_can_remove_a_version() -> Result<()> {
    administrators_against_a_locked_version(ObjectLockRetentionMode::Compliance, false).await
}
