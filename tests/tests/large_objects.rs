//! Direct mode above the copy threshold: `UploadPartCopy` parts. Under the
//! shipped bucket policy (ACL required) AWS refuses the header-less part
//! requests, so the shipper must fail permanently, say why, and leave no
//! upload behind; where a policy allows part copies, the parts must land
//! verified. See README, "Large objects".

use anyhow::Result;
use logferry::ship::Method;
use logferry::{ObjectRef, ShipError};
use logferry_tests::world::ArchivePolicy;
use logferry_tests::{gaps, Mode, World};

const MIB: usize = 1024 * 1024;

async fn world_with_large_object(policy: ArchivePolicy) -> Result<(World, Vec<u8>)> {
    let world = World::builder().archive_policy(policy).build().await?;
    let body: Vec<u8> = (0..12 * MIB).map(|i| (i % 253) as u8).collect();
    world.put_source("large/app.log", body.clone()).await?;
    Ok((world, body))
}

fn part_copy_config(world: &World) -> logferry::ShipSettings {
    let mut raw = world.config(Mode::Direct);
    raw.copy_part_threshold_mib = Some(5);
    raw.part_size_mib = Some(5);
    raw
}

#[tokio::test]
async fn part_copies_refused_by_the_acl_policy_fail_permanently_and_are_aborted() -> Result<()> {
    if gaps::skips(gaps::LOCALSTACK_IAM) {
        return Ok(());
    }
    let (world, _) = world_with_large_object(ArchivePolicy::Shipped).await?;
    let err = world
        .shipper(part_copy_config(&world))
        .await?
        .ship_object(&ObjectRef::new(&world.source_bucket, "large/app.log"))
        .await
        .expect_err("the ACL-requiring bucket policy refuses UploadPartCopy");
    assert!(matches!(err, ShipError::AccessDenied { .. }), "{err}");
    assert!(!err.is_retryable());
    assert!(err.to_string().contains("assume-role mode"), "{err}");
    world.assert_no_uploads_left().await
}

#[tokio::test]
async fn part_copies_land_verified_where_the_policy_allows_them() -> Result<()> {
    if gaps::skips(gaps::LOCALSTACK_CROSS_ACCOUNT_COPY) {
        return Ok(());
    }
    // A deployment that lets this writer complete multipart uploads without
    // the ACL header (test-only: the shipped templates require it).
    let (world, body) = world_with_large_object(ArchivePolicy::AllowsPartCopies).await?;
    let shipped = world
        .shipper(part_copy_config(&world))
        .await?
        .ship_object(&ObjectRef::new(&world.source_bucket, "large/app.log"))
        .await?;
    assert_eq!(
        shipped.method,
        Method::MultipartCopy {
            part_size: 5 * MIB as u64
        }
    );
    let copied = world
        .admin_b
        .s3()
        .get_object()
        .bucket(&world.archive_bucket)
        .key(&shipped.dest_key)
        .send()
        .await?;
    assert!(
        copied.body.collect().await?.to_vec() == body,
        "the part copy differs from its source"
    );
    Ok(())
}
