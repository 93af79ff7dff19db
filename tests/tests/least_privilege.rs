//! The permission matrix: every call the shipper and the writer role need is
//! allowed, every other is denied, with IAM enforced on the emulator and the
//! policies rendered from `infra/policies/`. Trust-policy (external id)
//! probes run on the soft instance; see `logferry_tests::gaps`.

use anyhow::{Context, Result};
use aws_sdk_s3::operation::put_object::builders::PutObjectFluentBuilder;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    CompletedMultipartUpload, CompletedPart, ObjectCannedAcl, ServerSideEncryption, StorageClass,
};
use logferry_tests::account::session_credentials;
use logferry_tests::probe::{outcome, Outcome, Probe};
use logferry_tests::world::{
    sdk_config, Account, ACCOUNT_A, ACCOUNT_A2, ACCOUNT_B, EXTERNAL_ID, PREFIX,
};
use logferry_tests::{gaps, IamMode, World};

async fn assume(
    world: &World,
    caller: &Account,
    external_id: Option<&str>,
) -> Result<Account, Outcome> {
    assume_role(world, &world.writer_role_arn, caller, external_id).await
}

async fn assume_role(
    world: &World,
    role_arn: &str,
    caller: &Account,
    external_id: Option<&str>,
) -> Result<Account, Outcome> {
    let out = caller
        .sts()
        .assume_role()
        .role_arn(role_arn)
        .role_session_name("probe")
        .set_external_id(external_id.map(str::to_string))
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

async fn put(
    s3: aws_sdk_s3::Client,
    bucket: String,
    key: String,
    acl: Option<ObjectCannedAcl>,
) -> Outcome {
    put_with(&s3, &bucket, key, |p| p.set_acl(acl)).await
}

/// A 256-bit SSE-C key and its MD5, both base64.
const SSE_C_KEY: &str = "YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE=";
const SSE_C_KEY_MD5: &str = "Xsqb0+sHwAbNQ65I395/0w==";

/// A PutObject of `key`, shaped by `with` (its ACL, encryption, storage class).
async fn put_with(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    key: String,
    with: impl FnOnce(PutObjectFluentBuilder) -> PutObjectFluentBuilder,
) -> Outcome {
    // Conditional, as every archive write is (archive-bucket-no-overwrite.json.tpl).
    let put = s3
        .put_object()
        .bucket(bucket)
        .key(key)
        .if_none_match("*")
        .body(ByteStream::from_static(b"probe"));
    outcome(with(put).send().await)
}

/// [`put_with`] with the ACL every archive write carries.
async fn put_acl_with(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    key: String,
    with: impl FnOnce(PutObjectFluentBuilder) -> PutObjectFluentBuilder,
) -> Outcome {
    put_with(s3, bucket, key, |p| {
        with(p.acl(ObjectCannedAcl::BucketOwnerFullControl))
    })
    .await
}

async fn multipart(s3: aws_sdk_s3::Client, bucket: String, key: String) -> Outcome {
    let created = s3
        .create_multipart_upload()
        .bucket(&bucket)
        .key(&key)
        .acl(ObjectCannedAcl::BucketOwnerFullControl)
        .send()
        .await;
    let upload_id = match created {
        Ok(c) => c.upload_id.unwrap_or_default(),
        Err(e) => return outcome::<(), _, _>(Err(e)),
    };
    let part = s3
        .upload_part()
        .bucket(&bucket)
        .key(&key)
        .upload_id(&upload_id)
        .part_number(1)
        .body(ByteStream::from(vec![1u8; 5 * 1024 * 1024]))
        .send()
        .await;
    let etag = match part {
        Ok(p) => p.e_tag,
        Err(e) => return outcome::<(), _, _>(Err(e)),
    };
    outcome(
        s3.complete_multipart_upload()
            .bucket(&bucket)
            .key(&key)
            .upload_id(&upload_id)
            .if_none_match("*")
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .parts(
                        CompletedPart::builder()
                            .part_number(1)
                            .set_e_tag(etag)
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await,
    )
}

#[tokio::test]
async fn permission_matrix_on_strict_iam() -> Result<()> {
    let world = World::strict().await?;
    let (src, arc) = (world.source_bucket.clone(), world.archive_bucket.clone());
    world
        .admin_a
        .s3()
        .put_object()
        .bucket(&src)
        .key("in.log")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await?;
    let shipper = world.shipper.s3();
    let writer = assume(&world, &world.shipper, Some(EXTERNAL_ID))
        .await
        .map_err(|o| anyhow::anyhow!("{o:?}"))
        .context("assume writer (strict, trust without external id)")?;
    let w = writer.s3();
    let outsider = world.outsider.s3();
    let bfc = || Some(ObjectCannedAcl::BucketOwnerFullControl);
    // Each source account's own partition of the archive.
    let under = |k: &str| format!("{PREFIX}/{ACCOUNT_A}/{k}");
    use Outcome::{Allowed, Denied, DeniedOnAwsOnly};

    let probes: Vec<Probe> = vec![
        (
            "shipper: PutObject with ACL under the prefix",
            Allowed,
            Box::pin(put(shipper.clone(), arc.clone(), under("a"), bfc())),
        ),
        (
            "shipper: PutObject without the ACL",
            Denied,
            Box::pin(put(shipper.clone(), arc.clone(), under("b"), None)),
        ),
        (
            "shipper: PutObject outside the prefix",
            Denied,
            Box::pin(put(
                shipper.clone(),
                arc.clone(),
                "elsewhere/c".into(),
                bfc(),
            )),
        ),
        // The write guard (archive-bucket-write-guard.json.tpl): nobody
        // chooses their own encryption or storage class in B.
        (
            "shipper: PutObject with ACL but SSE-C",
            Denied,
            Box::pin(put_acl_with(&shipper, &arc, under("ssec"), |p| {
                p.sse_customer_algorithm("AES256")
                    .sse_customer_key(SSE_C_KEY)
                    .sse_customer_key_md5(SSE_C_KEY_MD5)
            })),
        ),
        (
            "shipper: PutObject with ACL but another encryption (aws:kms)",
            Denied,
            Box::pin(put_acl_with(&shipper, &arc, under("kms"), |p| {
                p.server_side_encryption(ServerSideEncryption::AwsKms)
            })),
        ),
        (
            "shipper: PutObject with ACL but storage class DEEP_ARCHIVE",
            Denied,
            Box::pin(put_acl_with(&shipper, &arc, under("deep"), |p| {
                p.storage_class(StorageClass::DeepArchive)
            })),
        ),
        (
            "shipper: PutObject with ACL and the archive's storage class",
            Allowed,
            Box::pin(put_acl_with(&shipper, &arc, under("std"), |p| {
                p.storage_class(StorageClass::Standard)
            })),
        ),
        (
            "shipper: PutObject over plain HTTP",
            Denied,
            Box::pin(put(
                world.shipper.s3_plain_http(),
                arc.clone(),
                under("d"),
                bfc(),
            )),
        ),
        // No overwrites (archive-bucket-no-overwrite.json.tpl): a write
        // that could replace an object is refused, and a copy with it.
        (
            "shipper: PutObject with ACL but unconditional (no If-None-Match)",
            DeniedOnAwsOnly(gaps::CONDITIONAL_WRITE_KEYS),
            Box::pin(put_acl_with(&shipper, &arc, under("unconditional"), |p| {
                p.set_if_none_match(None)
            })),
        ),
        (
            "shipper: CopyObject A→B with ACL (unconditional)",
            DeniedOnAwsOnly(gaps::CONDITIONAL_WRITE_KEYS),
            Box::pin(async {
                outcome(
                    shipper
                        .copy_object()
                        .bucket(&arc)
                        .key(under("e"))
                        .copy_source(format!("{src}/in.log"))
                        .acl(ObjectCannedAcl::BucketOwnerFullControl)
                        .send()
                        .await,
                )
            }),
        ),
        // Read-back of its own partition only: HeadObject after a refused
        // conditional write tells a redelivery from changed content.
        (
            "shipper: GetObject of its own partition in B",
            Allowed,
            Box::pin(async {
                outcome(
                    shipper
                        .get_object()
                        .bucket(&arc)
                        .key(under("a"))
                        .send()
                        .await,
                )
            }),
        ),
        (
            "shipper: GetObject of another account's partition in B",
            Denied,
            Box::pin(async {
                let theirs = format!("{PREFIX}/{ACCOUNT_A2}/a");
                outcome(shipper.get_object().bucket(&arc).key(theirs).send().await)
            }),
        ),
        (
            "shipper: ListObjectsV2 in B",
            Denied,
            Box::pin(async { outcome(shipper.list_objects_v2().bucket(&arc).send().await) }),
        ),
        (
            "shipper: ListMultipartUploads in B (would show every tenant's keys in flight)",
            Denied,
            Box::pin(async {
                outcome(
                    shipper
                        .list_multipart_uploads()
                        .bucket(&arc)
                        .prefix(under("m"))
                        .send()
                        .await,
                )
            }),
        ),
        (
            "shipper: DeleteObject in B",
            Denied,
            Box::pin(async {
                outcome(
                    shipper
                        .delete_object()
                        .bucket(&arc)
                        .key(under("a"))
                        .send()
                        .await,
                )
            }),
        ),
        (
            "shipper: GetObject on the source",
            Allowed,
            Box::pin(async {
                outcome(shipper.get_object().bucket(&src).key("in.log").send().await)
            }),
        ),
        (
            "shipper: HeadObject on the source",
            Allowed,
            Box::pin(async {
                outcome(
                    shipper
                        .head_object()
                        .bucket(&src)
                        .key("in.log")
                        .send()
                        .await,
                )
            }),
        ),
        (
            "shipper: PutObject on the source",
            Denied,
            Box::pin(put(shipper.clone(), src.clone(), "new.log".into(), None)),
        ),
        (
            "shipper: DeleteObject on the source",
            Denied,
            Box::pin(async {
                outcome(
                    shipper
                        .delete_object()
                        .bucket(&src)
                        .key("in.log")
                        .send()
                        .await,
                )
            }),
        ),
        (
            "shipper: ListObjectsV2 on the source",
            Denied,
            Box::pin(async { outcome(shipper.list_objects_v2().bucket(&src).send().await) }),
        ),
        (
            "shipper: ReceiveMessage on its queue",
            Allowed,
            Box::pin(async {
                outcome(
                    world
                        .shipper
                        .sqs()
                        .receive_message()
                        .queue_url(&world.queue_url)
                        .send()
                        .await,
                )
            }),
        ),
        (
            "shipper: SendMessage to its queue",
            Denied,
            Box::pin(async {
                outcome(
                    world
                        .shipper
                        .sqs()
                        .send_message()
                        .queue_url(&world.queue_url)
                        .message_body("x")
                        .send()
                        .await,
                )
            }),
        ),
        (
            "writer role: PutObject with ACL under the prefix",
            Allowed,
            Box::pin(put(w.clone(), arc.clone(), under("f"), bfc())),
        ),
        (
            "writer role: multipart upload under the prefix",
            Allowed,
            Box::pin(multipart(w.clone(), arc.clone(), under("g"))),
        ),
        (
            "writer role: PutObject outside the prefix",
            Denied,
            Box::pin(put(w.clone(), arc.clone(), "elsewhere/h".into(), bfc())),
        ),
        (
            "writer role: PutObject with a public ACL",
            Denied,
            Box::pin(put(
                w.clone(),
                arc.clone(),
                under("i"),
                Some(ObjectCannedAcl::PublicRead),
            )),
        ),
        (
            "writer role: GetObject of its own partition in B",
            Allowed,
            Box::pin(async { outcome(w.get_object().bucket(&arc).key(under("a")).send().await) }),
        ),
        (
            "writer role: GetObject of another account's partition in B",
            Denied,
            Box::pin(async {
                let theirs = format!("{PREFIX}/{ACCOUNT_A2}/a");
                outcome(w.get_object().bucket(&arc).key(theirs).send().await)
            }),
        ),
        (
            "writer role: ListObjectsV2 in B",
            Denied,
            Box::pin(async { outcome(w.list_objects_v2().bucket(&arc).send().await) }),
        ),
        (
            "writer role: ListMultipartUploads in B",
            Denied,
            Box::pin(async {
                outcome(
                    w.list_multipart_uploads()
                        .bucket(&arc)
                        .prefix(under("m"))
                        .send()
                        .await,
                )
            }),
        ),
        (
            "writer role: DeleteObject in B",
            Denied,
            Box::pin(async {
                outcome(w.delete_object().bucket(&arc).key(under("f")).send().await)
            }),
        ),
        (
            "writer role: GetObject on the source",
            Denied,
            Box::pin(async { outcome(w.get_object().bucket(&src).key("in.log").send().await) }),
        ),
        (
            "third account: PutObject with ACL under the prefix",
            Denied,
            Box::pin(put(outsider.clone(), arc.clone(), under("j"), bfc())),
        ),
        (
            "third account: AssumeRole into the writer role",
            Denied,
            Box::pin(async {
                assume(&world, &world.outsider, Some(EXTERNAL_ID))
                    .await
                    .err()
                    .unwrap_or(Allowed)
            }),
        ),
        (
            "archive admin: PutObject over plain HTTP",
            Denied,
            Box::pin(put(
                world.admin_b.s3_plain_http(),
                arc.clone(),
                under("k"),
                bfc(),
            )),
        ),
    ];
    let count = logferry_tests::probe::assert_all(probes).await;
    assert!(count >= 25, "the matrix must keep at least 25 probes");
    Ok(())
}

#[tokio::test]
async fn external_id_is_enforced_by_the_trust_policy() -> Result<()> {
    // Gap `external-id-in-strict`: only the soft instance evaluates sts:ExternalId.
    let world = World::builder().iam(IamMode::Soft).build().await?;
    let ok = assume(&world, &world.shipper, Some(EXTERNAL_ID)).await;
    assert!(
        ok.is_ok(),
        "the shipper with the right external id must get in: {:?}",
        ok.err()
    );
    assert_eq!(
        assume(&world, &world.shipper, Some("wrong-id")).await.err(),
        Some(Outcome::Denied)
    );
    assert_eq!(
        assume(&world, &world.shipper, None).await.err(),
        Some(Outcome::Denied)
    );
    assert_eq!(
        assume(&world, &world.outsider, Some(EXTERNAL_ID))
            .await
            .err(),
        Some(Outcome::Denied)
    );

    // The writer refuses to start with a wrong external id: one line, naming the fix.
    let mut raw = world.config(logferry_tests::Mode::AssumeRole);
    raw.external_id = Some("wrong-id".into());
    let err = world
        .shipper(raw)
        .await
        .expect_err("a wrong external id must fail start-up");
    let text = format!("{err:#}");
    assert!(
        text.contains("LOGFERRY_EXTERNAL_ID") && text.contains(&world.writer_role_arn),
        "{text}"
    );
    // STS's own code and message, never the SDK's Debug structures.
    assert!(text.contains("AccessDenied"), "{text}");
    assert!(
        !text.contains('\n') && !text.contains("Error {") && text.chars().count() < 700,
        "{} characters: {text}",
        text.chars().count()
    );
    Ok(())
}

#[tokio::test]
async fn access_denied_names_the_missing_policy() -> Result<()> {
    let world = World::strict().await?;
    world
        .admin_a
        .s3()
        .put_object()
        .bucket(&world.source_bucket)
        .key("x.log")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await?;
    // A prefix that B's bucket policy does not cover.
    let mut raw = world.config(logferry_tests::Mode::Direct);
    raw.dest_prefix = Some("not-allowed".into());
    let err = world
        .shipper(raw)
        .await?
        .ship_object(&logferry::ObjectRef::new(&world.source_bucket, "x.log"))
        .await
        .expect_err("writing outside the allowed prefix must fail");
    assert!(!err.is_retryable());
    let text = err.to_string();
    assert!(
        text.contains("archive-bucket-policy.json.tpl")
            && text.contains("bucket-owner-full-control"),
        "{text}"
    );
    Ok(())
}
