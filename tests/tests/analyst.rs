//! The Athena analyst in account B, with IAM strict: reads exactly the
//! shipped logs (and, for Athena reading A directly, A's log prefix), uses its
//! results bucket and the log table's catalog entries, and writes nothing else.
//! The analyst is an IAM user (gap `role-principal`: A's bucket policy names it).

use anyhow::{Context, Result};
use aws_sdk_glue::types::{DatabaseInput, TableInput};
use aws_sdk_s3::primitives::ByteStream;
use logferry_tests::policy::{as_if_called_via_athena, for_emulator, merge, render};
use logferry_tests::probe::{outcome, Outcome, Probe};
use logferry_tests::world::{unique, Account, ACCOUNT_B, PREFIX, REGION};
use logferry_tests::{gaps, World};
use serde_json::{json, Value};

const SOURCE_PREFIX: &str = "s3-access/";

/// An analyst with the shipped policies; `via_athena` gives it them as they
/// apply to requests Athena makes for it (gap `called-via`).
async fn analyst_user(
    world: &World,
    results_bucket: &str,
    database: &str,
    via_athena: bool,
) -> Result<Account> {
    let glue = |path: &str| format!("arn:aws:glue:{REGION}:{ACCOUNT_B}:{path}");
    let policies: Vec<(&str, Value)> = vec![
        (
            "archive-read",
            render(
                "analyst-log-read.json.tpl",
                &json!({"log_bucket_arn": format!("arn:aws:s3:::{}", world.archive_bucket), "log_key_prefix": format!("{PREFIX}/")}),
            )?,
        ),
        (
            "source-read",
            render(
                "analyst-log-read.json.tpl",
                &json!({"log_bucket_arn": format!("arn:aws:s3:::{}", world.source_bucket), "log_key_prefix": SOURCE_PREFIX}),
            )?,
        ),
        (
            "glue-read",
            render(
                "analyst-glue-read.json.tpl",
                &json!({"glue_resource_arns": [glue("catalog"), glue(&format!("database/{database}")), glue(&format!("table/{database}/s3_access_logs"))]}),
            )?,
        ),
        (
            "athena-results",
            render(
                "analyst-athena-results.json.tpl",
                &json!({
                    "athena_results_bucket_arn": format!("arn:aws:s3:::{results_bucket}"),
                    "athena_results_kms_key_arn": format!("arn:aws:kms:{REGION}:{ACCOUNT_B}:key/00000000-0000-0000-0000-000000000000"),
                    "s3_via_service": format!("s3.{REGION}.amazonaws.com"),
                }),
            )?,
        ),
    ];
    let policies = policies
        .into_iter()
        .map(|(policy_name, document)| {
            let document = match (via_athena, policy_name.ends_with("-read")) {
                (true, true) if policy_name != "glue-read" => as_if_called_via_athena(document)
                    .with_context(|| format!("{policy_name} has no aws:CalledVia condition"))?,
                _ => document,
            };
            anyhow::Ok((policy_name, document))
        })
        .collect::<Result<Vec<_>>>()?;
    world
        .admin_b
        .create_user(&world.endpoint, &unique("analyst"), policies)
        .await
}

#[tokio::test]
async fn analyst_reads_exactly_the_logs_and_writes_nothing_else() -> Result<()> {
    let world = World::strict().await?;
    let (arc, src) = (world.archive_bucket.clone(), world.source_bucket.clone());
    let results = unique("athena-results");
    let database = unique("logs").replace('-', "_");
    let s3_b = world.admin_b.s3();
    s3_b.create_bucket().bucket(&results).send().await?;
    for key in [
        format!("{PREFIX}/shipped.log"),
        "elsewhere/private.log".to_string(),
    ] {
        s3_b.put_object()
            .bucket(&arc)
            .key(key)
            .body(ByteStream::from_static(b"x"))
            .send()
            .await?;
    }
    let glue_b = aws_sdk_glue::Client::new(&world.admin_b.sdk);
    for db in [database.as_str(), &format!("{database}_other")] {
        glue_b
            .create_database()
            .database_input(DatabaseInput::builder().name(db).build()?)
            .send()
            .await?;
        glue_b
            .create_table()
            .database_name(db)
            .table_input(TableInput::builder().name("s3_access_logs").build()?)
            .send()
            .await?;
    }
    let analyst = analyst_user(&world, &results, &database, true).await?;
    let outside = analyst_user(&world, &results, &database, false).await?;

    // Athena reading account A directly: A's bucket policy grants the analyst its log prefix.
    let s3_a = world.admin_a.s3();
    s3_a.put_object()
        .bucket(&src)
        .key(format!("{SOURCE_PREFIX}a.log"))
        .body(ByteStream::from_static(b"x"))
        .send()
        .await?;
    s3_a.put_object()
        .bucket(&src)
        .key("app/b.log")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await?;
    // The shipped grant for the analyst outside Athena; for the one "via
    // Athena", the same grant without aws:CalledVia (gap `called-via`).
    let grant = |arn: &str| {
        render(
            "source-bucket-athena-read.json.tpl",
            &json!({"analyst_principal_arns": [arn], "log_bucket_arn": format!("arn:aws:s3:::{src}"), "log_key_prefix": SOURCE_PREFIX}),
        )
    };
    let mut via_athena = as_if_called_via_athena(grant(&analyst.arn)?)
        .context("source-bucket-athena-read.json.tpl has no aws:CalledVia condition")?;
    for statement in via_athena["Statement"].as_array_mut().into_iter().flatten() {
        let sid = format!("{}ViaAthena", statement["Sid"].as_str().unwrap_or_default());
        statement["Sid"] = json!(sid);
    }
    let source_policy = merge(&[grant(&outside.arn)?, via_athena]);
    s3_a.put_bucket_policy()
        .bucket(&src)
        .policy(for_emulator(source_policy).to_string())
        .send()
        .await?;

    let s3 = analyst.s3();
    let glue = aws_sdk_glue::Client::new(&analyst.sdk);
    let shipped = format!("{PREFIX}/shipped.log");
    use Outcome::{Allowed, Denied};
    let direct = outside.s3();
    let probes: Vec<Probe> = vec![
        // Reads go through Athena: the same analyst, asking S3 itself.
        (
            "analyst outside Athena: GetObject of a shipped log",
            Denied,
            Box::pin(async {
                outcome(direct.get_object().bucket(&arc).key(&shipped).send().await)
            }),
        ),
        (
            "analyst outside Athena: GetObject in A's log prefix",
            Denied,
            Box::pin(async {
                let key = format!("{SOURCE_PREFIX}a.log");
                outcome(direct.get_object().bucket(&src).key(key).send().await)
            }),
        ),
        (
            "analyst via Athena: GetObject of a shipped log",
            Allowed,
            Box::pin(async { outcome(s3.get_object().bucket(&arc).key(&shipped).send().await) }),
        ),
        (
            "analyst: ListObjectsV2 under the archive prefix",
            Allowed,
            Box::pin(async {
                outcome(
                    s3.list_objects_v2()
                        .bucket(&arc)
                        .prefix(format!("{PREFIX}/"))
                        .send()
                        .await,
                )
            }),
        ),
        (
            "analyst: ListObjectsV2 of the whole archive",
            Denied,
            Box::pin(async { outcome(s3.list_objects_v2().bucket(&arc).send().await) }),
        ),
        (
            "analyst: GetObject outside the archive prefix",
            Denied,
            Box::pin(async {
                outcome(
                    s3.get_object()
                        .bucket(&arc)
                        .key("elsewhere/private.log")
                        .send()
                        .await,
                )
            }),
        ),
        (
            "analyst: PutObject into the archive",
            Denied,
            Box::pin(async {
                outcome(
                    s3.put_object()
                        .bucket(&arc)
                        .key(format!("{PREFIX}/forged.log"))
                        .body(ByteStream::from_static(b"x"))
                        .send()
                        .await,
                )
            }),
        ),
        (
            "analyst: DeleteObject in the archive",
            Denied,
            Box::pin(async { outcome(s3.delete_object().bucket(&arc).key(&shipped).send().await) }),
        ),
        (
            "analyst: GetObject over plain HTTP",
            Denied,
            Box::pin(async {
                outcome(
                    analyst
                        .s3_plain_http()
                        .get_object()
                        .bucket(&arc)
                        .key(&shipped)
                        .send()
                        .await,
                )
            }),
        ),
        (
            "analyst: PutObject of query results",
            Allowed,
            Box::pin(async {
                outcome(
                    s3.put_object()
                        .bucket(&results)
                        .key("q/1.csv")
                        .body(ByteStream::from_static(b"x"))
                        .send()
                        .await,
                )
            }),
        ),
        (
            "analyst via Athena: GetObject in A's log prefix (Athena direct)",
            Allowed,
            Box::pin(async {
                outcome(
                    s3.get_object()
                        .bucket(&src)
                        .key(format!("{SOURCE_PREFIX}a.log"))
                        .send()
                        .await,
                )
            }),
        ),
        (
            "analyst: ListObjectsV2 of A's log prefix",
            Allowed,
            Box::pin(async {
                outcome(
                    s3.list_objects_v2()
                        .bucket(&src)
                        .prefix(SOURCE_PREFIX)
                        .send()
                        .await,
                )
            }),
        ),
        (
            "analyst: GetObject outside A's log prefix",
            Denied,
            Box::pin(async { outcome(s3.get_object().bucket(&src).key("app/b.log").send().await) }),
        ),
        (
            "analyst: PutObject into A's log bucket",
            Denied,
            Box::pin(async {
                outcome(
                    s3.put_object()
                        .bucket(&src)
                        .key(format!("{SOURCE_PREFIX}x.log"))
                        .body(ByteStream::from_static(b"x"))
                        .send()
                        .await,
                )
            }),
        ),
        (
            "analyst: glue GetTable of the log table",
            Allowed,
            Box::pin(async {
                outcome(
                    glue.get_table()
                        .database_name(&database)
                        .name("s3_access_logs")
                        .send()
                        .await,
                )
            }),
        ),
        (
            "analyst: glue GetTable in another database",
            Outcome::DeniedOnAwsOnly(gaps::UNENFORCED_SERVICES),
            Box::pin(async {
                outcome(
                    glue.get_table()
                        .database_name(format!("{database}_other"))
                        .name("s3_access_logs")
                        .send()
                        .await,
                )
            }),
        ),
        (
            "analyst: glue DeleteTable of the log table",
            Outcome::DeniedOnAwsOnly(gaps::UNENFORCED_SERVICES),
            Box::pin(async {
                outcome(
                    glue.delete_table()
                        .database_name(&database)
                        .name("s3_access_logs")
                        .send()
                        .await,
                )
            }),
        ),
        (
            "analyst: AssumeRole into the writer role",
            Denied,
            Box::pin(async {
                outcome(
                    analyst
                        .sts()
                        .assume_role()
                        .role_arn(&world.writer_role_arn)
                        .role_session_name("x")
                        .send()
                        .await,
                )
            }),
        ),
    ];
    logferry_tests::probe::assert_all(probes).await;
    Ok(())
}
