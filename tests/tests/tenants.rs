//! The fence between source accounts, on strict IAM with the policies
//! rendered from `infra/policies/`: two source accounts ship into one
//! archive, each may write only under `<prefix>/<its account>/`, and
//! neither can put, overwrite, abort or list under the other's partition,
//! in either mode.

use anyhow::{Context, Result};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ObjectCannedAcl;
use logferry_tests::account::session_credentials;
use logferry_tests::probe::{outcome, Outcome, Probe};
use logferry_tests::world::{sdk_config, Account, ACCOUNT_A, ACCOUNT_A2, ACCOUNT_B, EXTERNAL_ID};
use logferry_tests::world::{Mode, PREFIX};
use logferry_tests::World;

/// A session of `role_arn` for `caller`, or the probe outcome of the refusal.
async fn assume(world: &World, role_arn: &str, caller: &Account) -> Result<Account, Outcome> {
    let out = caller
        .sts()
        .assume_role()
        .role_arn(role_arn)
        .role_session_name("tenant-probe")
        .external_id(EXTERNAL_ID)
        .send()
        .await;
    let creds = match out {
        Ok(out) => out.credentials.expect("AssumeRole returned credentials"),
        Err(e) => return Err(outcome::<(), _, _>(Err(e))),
    };
    Ok(Account {
        id: ACCOUNT_B,
        arn: role_arn.to_string(),
        sdk: sdk_config(&world.endpoint, session_credentials(&creds, "writer")).await,
    })
}

async fn put(s3: aws_sdk_s3::Client, bucket: String, key: String) -> Outcome {
    outcome(
        s3.put_object()
            .bucket(bucket)
            .key(key)
            .acl(ObjectCannedAcl::BucketOwnerFullControl)
            .body(ByteStream::from_static(b"forged"))
            .send()
            .await,
    )
}

async fn create_upload(s3: aws_sdk_s3::Client, bucket: String, key: String) -> Outcome {
    outcome(
        s3.create_multipart_upload()
            .bucket(bucket)
            .key(key)
            .acl(ObjectCannedAcl::BucketOwnerFullControl)
            .send()
            .await,
    )
}

async fn abort(s3: aws_sdk_s3::Client, bucket: String, key: String, id: String) -> Outcome {
    outcome(
        s3.abort_multipart_upload()
            .bucket(bucket)
            .key(key)
            .upload_id(id)
            .send()
            .await,
    )
}

async fn list_uploads(s3: aws_sdk_s3::Client, bucket: String) -> Outcome {
    outcome(s3.list_multipart_uploads().bucket(bucket).send().await)
}

/// What A2 has in the archive before A1 probes it: a shipped object and a
/// multipart upload in flight, both in A2's partition.
struct Neighbours {
    shipped_key: String,
    upload_key: String,
    upload_id: String,
}

async fn neighbour_in_the_archive(world: &World, writer: &Account) -> Result<Neighbours> {
    let s3 = writer.s3();
    let partition = format!("{PREFIX}/{ACCOUNT_A2}");
    let shipped_key = format!("{partition}/eu-west-1/payments/2026/12/01/a2.log");
    s3.put_object()
        .bucket(&world.archive_bucket)
        .key(&shipped_key)
        .acl(ObjectCannedAcl::BucketOwnerFullControl)
        .body(ByteStream::from_static(b"genuine"))
        .send()
        .await
        .context("A2 writing its own partition")?;
    let upload_key = format!("{partition}/eu-west-1/payments/2026/12/01/big.log");
    let upload_id = s3
        .create_multipart_upload()
        .bucket(&world.archive_bucket)
        .key(&upload_key)
        .acl(ObjectCannedAcl::BucketOwnerFullControl)
        .send()
        .await
        .context("A2 starting an upload in its own partition")?
        .upload_id
        .context("no upload id")?;
    Ok(Neighbours {
        shipped_key,
        upload_key,
        upload_id,
    })
}

/// A1's writer `s3` against A2's partition, and A2's `own` writer in it.
fn fence_probes<'a>(
    who: &'static str,
    world: &'a World,
    s3: aws_sdk_s3::Client,
    own: aws_sdk_s3::Client,
    a2: &'a Neighbours,
) -> Vec<Probe<'a>> {
    let arc = world.archive_bucket.clone();
    let mine = format!("{PREFIX}/{ACCOUNT_A}/eu-west-1/web/2026/12/01/{who}.log");
    let theirs = format!("{PREFIX}/{ACCOUNT_A2}/eu-west-1/web/2026/12/01/{who}.log");
    let label =
        |what: &str| -> &'static str { Box::leak(format!("{who}: {what}").into_boxed_str()) };
    use Outcome::{Allowed, Denied};
    vec![
        (
            label("A1 puts into its own partition"),
            Allowed,
            Box::pin(put(s3.clone(), arc.clone(), mine)),
        ),
        (
            label("A1 puts into A2's partition"),
            Denied,
            Box::pin(put(s3.clone(), arc.clone(), theirs.clone())),
        ),
        (
            label("A1 overwrites an object A2 shipped"),
            Denied,
            Box::pin(put(s3.clone(), arc.clone(), a2.shipped_key.clone())),
        ),
        (
            label("A1 starts a multipart upload in A2's partition"),
            Denied,
            Box::pin(create_upload(s3.clone(), arc.clone(), theirs)),
        ),
        (
            label("A1 aborts A2's upload in flight"),
            Denied,
            Box::pin(abort(
                s3.clone(),
                arc.clone(),
                a2.upload_key.clone(),
                a2.upload_id.clone(),
            )),
        ),
        (
            label("A1 lists the archive's uploads in flight"),
            Denied,
            Box::pin(list_uploads(s3, arc.clone())),
        ),
        (
            label("A2 lists the archive's uploads in flight"),
            Denied,
            Box::pin(list_uploads(own.clone(), arc.clone())),
        ),
        (
            label("A2 puts into its own partition"),
            Allowed,
            Box::pin(put(
                own,
                arc,
                format!("{PREFIX}/{ACCOUNT_A2}/eu-west-1/payments/2026/12/01/{who}-own.log"),
            )),
        ),
    ]
}

/// Direct mode: B's bucket policy is the only grant A1 and A2 have in B,
/// and it lets each write only where `${aws:PrincipalAccount}` says.
#[tokio::test]
async fn direct_mode_fences_each_account_into_its_own_partition() -> Result<()> {
    let world = World::strict().await?;
    let a2 = neighbour_in_the_archive(&world, &world.neighbour.shipper).await?;
    let probes = fence_probes(
        "direct",
        &world,
        world.shipper.s3(),
        world.neighbour.shipper.s3(),
        &a2,
    );
    assert_eq!(logferry_tests::probe::assert_all(probes).await, 8);
    // B's bucket policy fences on its own: even an account A that grants
    // its shipper the whole archive prefix cannot write A2's partition.
    let everywhere = serde_json::json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["s3:PutObject", "s3:AbortMultipartUpload"],
        "Resource": format!("arn:aws:s3:::{}/{PREFIX}/*", world.archive_bucket)}]});
    world
        .grant_shipper("archive-write-everywhere", everywhere)
        .await?;
    let s3 = world.shipper.s3();
    let theirs = format!("{PREFIX}/{ACCOUNT_A2}/eu-west-1/web/2026/12/01/wide.log");
    assert_eq!(
        put(s3.clone(), world.archive_bucket.clone(), theirs).await,
        Outcome::Denied
    );
    let abort_theirs = abort(
        s3,
        world.archive_bucket.clone(),
        a2.upload_key.clone(),
        a2.upload_id.clone(),
    );
    assert_eq!(abort_theirs.await, Outcome::Denied);
    let genuine = world
        .admin_b
        .s3()
        .get_object()
        .bucket(&world.archive_bucket)
        .key(&a2.shipped_key)
        .send()
        .await?
        .body
        .collect()
        .await?
        .into_bytes();
    assert_eq!(&genuine[..], b"genuine", "A2's object was overwritten");
    Ok(())
}

/// Assume-role mode: one writer role per source account, each trusting
/// only its account's shipper and writing only its partition.
#[tokio::test]
async fn assume_role_mode_fences_each_account_into_its_own_partition() -> Result<()> {
    let world = World::strict().await?;
    let writer_a1 = assume(&world, &world.writer_role_arn, &world.shipper)
        .await
        .map_err(|o| anyhow::anyhow!("A1 assuming its writer role: {o:?}"))?;
    let writer_a2 = assume(
        &world,
        &world.neighbour.writer_role_arn,
        &world.neighbour.shipper,
    )
    .await
    .map_err(|o| anyhow::anyhow!("A2 assuming its writer role: {o:?}"))?;
    let a2 = neighbour_in_the_archive(&world, &writer_a2).await?;
    let mut probes = fence_probes("assume-role", &world, writer_a1.s3(), writer_a2.s3(), &a2);
    probes.push((
        "assume-role: A1's shipper assumes A2's writer role",
        Outcome::Denied,
        Box::pin(async {
            assume(&world, &world.neighbour.writer_role_arn, &world.shipper)
                .await
                .err()
                .unwrap_or(Outcome::Allowed)
        }),
    ));
    assert_eq!(logferry_tests::probe::assert_all(probes).await, 9);
    Ok(())
}

/// The shipper itself refuses a log that names another account, before
/// IAM would: one line naming the object, never retried, and through the
/// Lambda handler its message is reported failed and reaches the DLQ while
/// the account's own log in the same batch lands.
#[tokio::test]
async fn the_shipper_dead_letters_a_log_of_another_account() -> Result<()> {
    let world = World::builder().dead_letter_after(1).build().await?;
    let forged = format!(
        "s3-access/{ACCOUNT_A2}/eu-west-1/payments/2026/12/01/2026-12-01-00-00-00-0A1B2C3D4E5F6071"
    );
    let own = format!(
        "s3-access/{ACCOUNT_A}/eu-west-1/web/2026/12/01/2026-12-01-00-00-00-0A1B2C3D4E5F6072"
    );
    world.put_source(&forged, b"forged".to_vec()).await?;
    for mode in [Mode::Direct, Mode::AssumeRole] {
        let shipper = world.shipper(world.config(mode)).await?;
        let err = shipper
            .ship_object(&logferry::ObjectRef::new(&world.source_bucket, &forged))
            .await
            .expect_err("a log of another account must not be shipped");
        assert!(!err.is_retryable(), "{mode:?}: {err}");
        let text = err.to_string();
        assert!(
            text.contains(&forged) && text.contains(ACCOUNT_A2) && text.contains(ACCOUNT_A),
            "{mode:?}: {text}"
        );
    }
    assert!(
        world.archive_keys().await?.is_empty(),
        "a foreign log reached the archive"
    );

    world.put_source(&own, b"genuine".to_vec()).await?;
    let event = world.receive_sqs_event(2).await?;
    let records = event["Records"].as_array().context("records")?;
    let id_of = |key: &str| {
        records
            .iter()
            .find(|r| r["body"].as_str().is_some_and(|b| b.contains(key)))
            .and_then(|r| r["messageId"].as_str())
            .map(str::to_string)
    };
    let forged_id = id_of(&forged).context("the forged log's notification")?;
    assert_eq!(
        world.invoke(Mode::Direct, event.clone()).await?,
        vec![forged_id]
    );
    let keys = world.archive_keys().await?;
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(
        keys[0].starts_with(&format!("{PREFIX}/{ACCOUNT_A}/eu-west-1/web/2026/12/01/")),
        "{keys:?}"
    );

    // Lambda leaves a failed message on the queue until its visibility
    // timeout; with maxReceiveCount 1 its next receive moves it to the DLQ.
    let sqs = world.admin_a.sqs();
    for record in records {
        if record["body"].as_str().is_some_and(|b| b.contains(&forged)) {
            sqs.change_message_visibility()
                .queue_url(&world.queue_url)
                .receipt_handle(record["receiptHandle"].as_str().unwrap_or_default())
                .visibility_timeout(0)
                .send()
                .await?;
        }
    }
    let dlq = world.dlq_url.clone().context("built with a DLQ")?;
    logferry_tests::eventually("the forged log's message is in the DLQ", || async {
        let _ = world.peek_queue().await?;
        Ok(world.queue_depth(&dlq).await? == 1)
    })
    .await?;
    Ok(())
}
