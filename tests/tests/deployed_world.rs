//! The user's journey, once per auth mode, on a fakecloud of its own:
//! `terraform apply` of the example root and of the Athena root, a clean
//! second plan, access logs put where Terraform told S3 to deliver them, the
//! notification Terraform configured carrying them to the queue Terraform
//! created, the real handler run as the deployed function (its environment,
//! its role), the archive Terraform created holding identical copies, every
//! copy inside a partition the Glue table projects, and every saved query
//! answering what the sample logs say. IAM is soft here: strict mode cannot
//! match role sessions or evaluate external ids (see `gaps.rs`); the strict
//! policy matrix lives in `least_privilege.rs`.

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::{ensure, Context, Result};
use logferry_tests::access_logs::{self, LogObject};
use logferry_tests::catalog::{self, LocalObject, Table};
use logferry_tests::deployed::compactor::{download, DeployedCompactor};
use logferry_tests::deployed::local::{compacted_partitions, partitions};
use logferry_tests::deployed::{edit_trust, DeployedFunction};
use logferry_tests::terraform::{Profile, Root};
use logferry_tests::world::{admin, Account, ACCOUNT_A, ACCOUNT_B};
use logferry_tests::{gaps, Endpoint, IamMode};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn direct_mode_from_terraform_apply_to_saved_query_answers() {
    journey("direct").await.unwrap_or_else(|e| panic!("{e:#}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn assume_role_mode_from_terraform_apply_to_saved_query_answers() {
    journey("assume-role")
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
}

async fn journey(example: &str) -> Result<()> {
    logferry_tests::init_tracing();
    let clock = Instant::now();
    let lap = |step: &str| eprintln!("[{example}] {step}: {:.0} s", clock.elapsed().as_secs_f64());
    let endpoint = Endpoint::spawn(IamMode::Soft).await?;
    let url = endpoint.url.as_str();
    let admin_a = admin(url, ACCOUNT_A, "terraform").await?;
    let admin_b = admin(url, ACCOUNT_B, "terraform").await?;
    let profiles = [
        profile("acme-source-admin", &admin_a).await?,
        profile("acme-archive-admin", &admin_b).await?,
    ];
    let work = std::env::temp_dir().join(logferry_tests::world::unique("deployed"));
    std::fs::create_dir_all(&work)?;
    let zip = lambda_zip(&work)?;

    // 1. terraform apply, as the examples' READMEs say.
    let shipping = Root::stage(
        example,
        url,
        &profiles,
        &format!("lambda_zip_path = {zip:?}"),
    )?;
    shipping.init().await?;
    shipping.apply().await?;
    lap("apply shipping root");
    let athena = Root::stage(
        "athena",
        url,
        &profiles,
        &format!("compactor_zip_path = {zip:?}"),
    )?;
    athena.init().await?;
    athena.apply().await?;
    lap("apply athena root");

    // 2. A second plan changes nothing but the named gap.
    for root in [&shipping, &athena] {
        for change in root.plan_changes().await? {
            let gap = gaps::PLAN_DRIFT.iter().find(|(resource, attribute, _)| {
                change.address.ends_with(resource) && change.attributes == [*attribute]
            });
            let (_, attribute, gap) = gap.with_context(|| format!(
                "infra/examples/{}: a plan right after apply wants to change {} ({:?}: {:?}); only the drift of gaps::PLAN_DRIFT is expected",
                root.name, change.address, change.actions, change.attributes))?;
            eprintln!(
                "plan after apply: {}.{attribute} differs (gap {gap})",
                change.address
            );
        }
    }
    lap("plan after apply");

    // 3. Access logs land where Terraform configured S3 to deliver them.
    let outputs = shipping.outputs().await?;
    let text = |name: &str| {
        outputs
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
            .with_context(|| format!("output {name}"))
    };
    let region = shipping.variable("region")?;
    let (admin_a, admin_b) = (admin_a.in_region(&region), admin_b.in_region(&region));
    let audited = text("audited_bucket_name")?;
    let log_bucket = text("access_log_bucket_name")?;
    let logging = admin_a
        .s3()
        .get_bucket_logging()
        .bucket(&audited)
        .send()
        .await?;
    let enabled = logging
        .logging_enabled()
        .context("Terraform did not enable server access logging")?;
    ensure!(
        enabled.target_bucket() == log_bucket,
        "access logs go to {}, not {log_bucket}",
        enabled.target_bucket()
    );
    let log_prefix = enabled.target_prefix().trim_end_matches('/').to_string();
    // 4. The deployed function, run as Lambda would run it.
    let function = DeployedFunction::read(&admin_a, &text("shipper_function_name")?).await?;
    function.check_settings()?;
    function.take_over_the_mapping(&admin_a).await?;
    if example == "assume-role" {
        allow_role_session_in_writer_trust(&admin_b, &function).await?;
    }
    // The access logs, put where S3 would deliver them.
    let objects = access_logs::two_days(&log_prefix, ACCOUNT_A, &region, &audited);
    let owner = "7d1e3c2b5a4f6e8d9c0b1a2f3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d";
    for o in &objects {
        admin_a
            .s3()
            .put_object()
            .bucket(&log_bucket)
            .key(&o.key)
            .body(o.body(&audited, owner).into_bytes().into())
            .send()
            .await?;
    }

    let shipper = function.start(&admin_a, url).await?;
    for response in function
        .drain_queue(&shipper, &admin_a, objects.len())
        .await?
    {
        ensure!(
            response["batchItemFailures"]
                .as_array()
                .is_some_and(Vec::is_empty),
            "the handler reported failures: {response}"
        );
    }
    lap("ship");
    let archive_bucket = &function.environment["LOGFERRY_DEST_BUCKET"];
    let archive_prefix = &function.environment["LOGFERRY_DEST_PREFIX"];
    let (archived, sources) = copies(
        &admin_b,
        archive_bucket,
        archive_prefix,
        &objects,
        &audited,
        &admin_a,
        &log_bucket,
    )
    .await?;

    // 5. and 6. The tables see every copy in its own day; the saved queries answer.
    let tables = catalog::tables(&admin_b).await?;
    let queries = catalog::saved_queries(&admin_b).await?;
    let mut answers = Vec::new();
    let archive_location = format!("s3://{archive_bucket}/{archive_prefix}/");
    for (bucket, location, copies) in [
        (archive_bucket.as_str(), archive_location, &archived),
        (log_bucket.as_str(), format!("s3://{log_bucket}/"), &sources),
    ] {
        let table = table_at(&tables, &location)?;
        let local = partitions(table, bucket, copies, &objects, &audited, &region, &work)?;
        let table_answers = answer(table, &queries, &local, &work).await?;
        access_logs::check_answers(&table_answers, &objects, &audited)?;
        answers.push(table_answers.into_values().collect::<Vec<_>>());
    }
    ensure!(
        answers[0] == answers[1],
        "the archive table and the table over account A's log bucket answer differently"
    );
    lap("saved queries");

    // 7. The compactor Terraform deployed, run as its schedule runs it once
    //    both days have settled; the compacted table answers the same.
    let compacted = compact(&athena, &admin_b, url, archive_bucket).await?;
    let location = format!("s3://{archive_bucket}/{}/", compacted.0);
    let table = table_at(&tables, &location)?;
    let local = compacted_partitions(table, archive_bucket, &compacted.1, &work)?;
    let table_answers = answer(table, &queries, &local, &work).await?;
    access_logs::check_answers(&table_answers, &objects, &audited)?;
    ensure!(
        table_answers.into_values().collect::<Vec<_>>() == answers[0],
        "the compacted table answers differently from the archive table"
    );
    lap("compact, and the saved queries over the compacted table");
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// The one Glue table whose location is under `location`.
fn table_at<'a>(tables: &'a [Table], location: &str) -> Result<&'a Table> {
    let mut found = tables.iter().filter(|t| t.location.starts_with(location));
    let table = found
        .next()
        .with_context(|| format!("no Glue table reads {location}"))?;
    ensure!(found.next().is_none(), "two Glue tables read {location}");
    Ok(table)
}

/// The saved queries of `table` (their names start with the table's), run
/// over `local`.
async fn answer(
    table: &Table,
    queries: &[catalog::SavedQuery],
    local: &[LocalObject],
    work: &std::path::Path,
) -> Result<catalog::Answers> {
    let mine: Vec<_> = queries
        .iter()
        .filter(|q| q.database == table.database && q.name.starts_with(&format!("{}-", table.name)))
        .cloned()
        .collect();
    ensure!(
        mine.len() >= 5,
        "{} saved queries for {}.{}",
        mine.len(),
        table.database,
        table.name
    );
    catalog::answer(table, &mine, local, work).await
}

/// Run the deployed compactor's handler a day after the logs' last day, as
/// its schedule would; the query prefix and what it wrote there.
async fn compact(
    athena: &Root,
    admin_b: &Account,
    url: &str,
    archive_bucket: &str,
) -> Result<(String, BTreeMap<String, Vec<u8>>)> {
    let outputs = athena.outputs().await?;
    let name = outputs
        .get("compactor_function_name")
        .and_then(Value::as_str)
        .context("output compactor_function_name")?;
    let deployed = DeployedCompactor::read(admin_b, name).await?;
    ensure!(
        deployed.reserved_concurrency == Some(1),
        "{name} may run {:?} at once; one run at a time is what Terraform sets",
        deployed.reserved_concurrency
    );
    let schedule = deployed.schedule(admin_b).await?;
    ensure!(
        schedule.retries == Some(0),
        "schedule {} retries failed runs ({:?}); the next run is the retry",
        schedule.name,
        schedule.retries
    );
    let (compactor, settings) = deployed.start(admin_b, url).await?;
    let tomorrow = chrono::Utc::now().date_naive() + chrono::Duration::days(1);
    let noon = tomorrow.and_hms_opt(12, 0, 0).context("noon")?.and_utc();
    let ran = ::compactor::handle(noon, &compactor, settings)
        .await
        .map_err(|e| anyhow::anyhow!("the deployed compactor failed: {e}"))?;
    ensure!(
        ran == serde_json::json!({"written": 2, "unchanged": 0, "deferred": 0}),
        "the compactor did {ran}, expected one output per day"
    );
    let query_prefix = deployed.query_prefix();
    let written = download(admin_b, archive_bucket, &format!("{query_prefix}/")).await?;
    let outputs = written.keys().filter(|k| k.ends_with(".gz")).count();
    ensure!(
        outputs == 2 && written.len() == 4,
        "the query prefix holds {:?}, expected an output and a manifest per day",
        written.keys()
    );
    Ok((query_prefix, written))
}

async fn profile(name: &str, account: &Account) -> Result<Profile> {
    let keys = account.keys().await?;
    Ok(Profile {
        name: name.into(),
        access_key_id: keys.access_key_id().into(),
        secret_access_key: keys.secret_access_key().into(),
    })
}

/// A stand-in deployment package: fakecloud stores it and never runs it
/// (gap `lambda-runtime`); `make package` builds the real one.
fn lambda_zip(work: &std::path::Path) -> Result<String> {
    let zip = work.join("bootstrap.zip");
    let status = std::process::Command::new("python3")
        .args(["-c", "import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w') as z:\n    z.writestr(zipfile.ZipInfo('bootstrap', (2026, 1, 1, 0, 0, 0)), '#!/bin/sh\\necho fakecloud cannot run Lambda functions; the harness runs the handler\\nexit 1\\n')"])
        .arg(&zip)
        .status()?;
    ensure!(status.success(), "could not write {}", zip.display());
    Ok(zip.display().to_string())
}

/// Gap `role-principal`: a trust policy naming a role does not match that
/// role's sessions here. The writer role's trust gets the session's ARN as
/// a second principal, with the same `sts:ExternalId` condition, which the
/// soft emulator still enforces.
async fn allow_role_session_in_writer_trust(
    admin_b: &Account,
    function: &DeployedFunction,
) -> Result<()> {
    let role_arn = &function.environment["LOGFERRY_ROLE_ARN"];
    let name = role_arn.rsplit('/').next().unwrap_or_default();
    edit_trust(admin_b, name, gaps::ROLE_PRINCIPAL, |trust| {
        for statement in trust["Statement"].as_array_mut().into_iter().flatten() {
            if let Some(principal) = statement["Principal"].get_mut("AWS") {
                let mut arns: Vec<Value> = match principal.take() {
                    Value::Array(a) => a,
                    one => vec![one],
                };
                arns.push(Value::String(function.session_arn()));
                *principal = Value::Array(arns);
            }
        }
    })
    .await
}

/// Every access log is in the archive, byte for byte, under the audited
/// bucket and the log's own day, and nothing else is. Returns the copies and
/// the sources, key → bytes.
async fn copies(
    admin_b: &Account,
    bucket: &str,
    prefix: &str,
    objects: &[LogObject],
    audited: &str,
    admin_a: &Account,
    log_bucket: &str,
) -> Result<(BTreeMap<String, Vec<u8>>, BTreeMap<String, Vec<u8>>)> {
    let listed = admin_b
        .s3()
        .list_objects_v2()
        .bucket(bucket)
        .prefix(format!("{prefix}/"))
        .send()
        .await?;
    let keys: Vec<&str> = listed.contents().iter().filter_map(|o| o.key()).collect();
    ensure!(
        keys.len() == objects.len(),
        "archive holds {keys:?}, expected {} objects",
        objects.len()
    );
    let (mut copies, mut sources) = (BTreeMap::new(), BTreeMap::new());
    for o in objects {
        let file = o.key.rsplit('/').next().unwrap_or_default();
        let key = format!(
            "{prefix}/{ACCOUNT_A}/{}/{audited}/{}/{file}",
            o.key.split('/').nth(2).unwrap_or_default(),
            o.day.format("%Y/%m/%d")
        );
        let copy = admin_b
            .s3()
            .get_object()
            .bucket(bucket)
            .key(&key)
            .send()
            .await
            .with_context(|| format!("s3://{bucket}/{key} is missing"))?
            .body
            .collect()
            .await?
            .to_vec();
        let source = admin_a
            .s3()
            .get_object()
            .bucket(log_bucket)
            .key(&o.key)
            .send()
            .await?
            .body
            .collect()
            .await?
            .to_vec();
        ensure!(
            copy == source,
            "s3://{bucket}/{key} differs from its source"
        );
        copies.insert(key, copy);
        sources.insert(o.key.clone(), source);
    }
    Ok((copies, sources))
}
