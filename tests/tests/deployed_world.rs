//! The user's journey for an organization, once per auth mode, on a
//! fakecloud of its own: two source accounts whose buckets exist before
//! logferry (one with a notification consumer of its own); `terraform apply`
//! of account B's root first, then of one source-account root per account
//! with nothing but B's output; a clean second plan of all three; the
//! existing buckets unchanged but for what was asked; access logs put where
//! S3 delivers them, carried by EventBridge to each account's one queue; the
//! real handler run as each deployed function (its environment, its role);
//! identical copies in each account's own partition; every copy in a
//! partition the Glue table projects; every saved query answering over both
//! accounts what the sample logs say; and the compactor a day later. IAM is
//! soft here: strict mode cannot match role sessions or evaluate external
//! ids (see `gaps.rs`); the strict fence between accounts is `tenants.rs`.

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::{ensure, Context, Result};
use logferry_tests::access_logs::{self, LogObject};
use logferry_tests::catalog::{self, LocalObject, Table};
use logferry_tests::deployed::archived::{self, Source};
use logferry_tests::deployed::compactor::{download, DeployedCompactor};
use logferry_tests::deployed::existing::{unchanged_but_asked, ExistingBuckets, LOG_PREFIX};
use logferry_tests::deployed::local::{compacted_partitions, partitions};
use logferry_tests::deployed::operations::Operations;
use logferry_tests::deployed::{self, edit_trust, DeployedFunction};
use logferry_tests::faults::FaultProxy;
use logferry_tests::terraform::{Profile, Root};
use logferry_tests::world::{admin, Account, ACCOUNT_A, ACCOUNT_A2, ACCOUNT_B};
use logferry_tests::{gaps, Endpoint, IamMode};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn direct_mode_organization_from_terraform_apply_to_saved_query_answers() {
    journey("direct").await.unwrap_or_else(|e| panic!("{e:#}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn assume_role_mode_organization_from_terraform_apply_to_saved_query_answers() {
    journey("assume-role")
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
}

/// One source account of the organization, as the test sets it up.
struct Tenant {
    account: &'static str,
    admin: Account,
    profile: &'static str,
    buckets: ExistingBuckets,
    /// Whether Terraform is asked to turn on EventBridge delivery (the
    /// bucket has no notification configuration of its own).
    eventbridge_asked: bool,
}

impl Tenant {
    /// The harness's variables for this account's source root: B's text
    /// for it, and what the account has.
    fn source_vars(&self, from_b: &str, zip: &str) -> String {
        let asked = match self.eventbridge_asked {
            true => format!("[{:?}]", self.buckets.log_bucket),
            false => "[]".into(),
        };
        format!(
            "{from_b}\nprofile = {:?}\nlambda_zip_path = {zip:?}\n\
             log_buckets = {{ {:?} = {{ prefixes = [\"{LOG_PREFIX}/\"] }} }}\n\
             eventbridge_notification_buckets = {asked}\n",
            self.profile, self.buckets.log_bucket
        )
    }
}

/// Account B's `source_accounts` for this mode: the example's two accounts,
/// each with its own external id in assume-role mode.
fn source_accounts(mode: &str, tenants: &[Tenant]) -> String {
    let entries: Vec<String> = tenants
        .iter()
        .map(|t| {
            let external_id = match mode {
                "assume-role" => format!("external_id = \"logferry-{}-external-id\"\n", t.account),
                _ => String::new(),
            };
            // Every writer of the source root (writers.tf), as its output
            // archive_writer_principal_arns lists them.
            let writers: Vec<String> = ["shipper", "ecs-writer", "glue-writer"]
                .iter()
                .map(|role| format!("\"arn:aws:iam::{}:role/logferry-{role}\"", t.account))
                .collect();
            format!(
                "  {:?} = {{\n    mode = {mode:?}\n    {external_id}    audited_bucket_names = [{:?}]\n    writer_principal_arns = [{}]\n  }}\n",
                t.account,
                t.buckets.audited,
                writers.join(", ")
            )
        })
        .collect();
    format!("source_accounts = {{\n{}}}\n", entries.concat())
}

/// The alarms and dashboard a root's outputs name for the function
/// `service`, read back and checked (`deployed::operations`).
async fn operations(
    admin: &Account,
    outputs: &BTreeMap<String, Value>,
    alarms: &str,
    dashboard: &str,
    topic: &str,
    service: &str,
) -> Result<Operations> {
    let names: BTreeMap<String, String> =
        serde_json::from_value(outputs.get(alarms).cloned().unwrap_or_default())
            .with_context(|| format!("output {alarms}"))?;
    let names: Vec<String> = names.into_values().collect();
    ensure!(names.len() >= 3, "output {alarms}: {names:?}");
    let dashboard = outputs[dashboard]
        .as_str()
        .with_context(|| format!("output {dashboard}"))?;
    let topic = outputs[topic]
        .as_str()
        .with_context(|| format!("output {topic}"))?;
    logferry_tests::deployed::operations::read(admin, &names, dashboard, service, topic).await
}

async fn journey(mode: &str) -> Result<()> {
    logferry_tests::init_tracing();
    let clock = Instant::now();
    let lap = |step: &str| eprintln!("[{mode}] {step}: {:.0} s", clock.elapsed().as_secs_f64());
    let endpoint = Endpoint::spawn(IamMode::Soft).await?;
    let url = endpoint.url.as_str();
    let admin_b = admin(url, ACCOUNT_B, "terraform").await?;
    let mut profiles = vec![Profile::of("acme-archive-admin", &admin_b).await?];
    let mut tenants = Vec::new();
    let region = "eu-west-1";
    // 0. The organization's existing buckets, before any apply.
    for (account, name, prefix, team_consumer) in [
        (ACCOUNT_A, "acme-source-admin", "acme-prod", true),
        (ACCOUNT_A2, "acme-payments-admin", "acme-payments", false),
    ] {
        let admin = admin(url, account, "terraform").await?.in_region(region);
        profiles.push(Profile::of(name, &admin).await?);
        let buckets = ExistingBuckets::create(
            &admin,
            &format!("{prefix}-data"),
            &format!("{prefix}-access-logs"),
            team_consumer,
        )
        .await?;
        tenants.push(Tenant {
            account,
            admin,
            profile: name,
            buckets,
            eventbridge_asked: !team_consumer,
        });
    }
    let mut before = Vec::new();
    for t in &tenants {
        before.push(t.buckets.state(&t.admin).await?);
    }
    let work = std::env::temp_dir().join(logferry_tests::world::unique("deployed"));
    std::fs::create_dir_all(&work)?;
    let zip = lambda_zip(&work)?;

    // 1. Account B's root, first, with every source account.
    let archive = Root::stage(
        "archive-account",
        url,
        &profiles,
        &format!(
            // Gap kms-read-lock: one partition at a time on this emulator.
            "compactor_zip_path = {zip:?}\ncompactor_concurrency = 1\n{}",
            source_accounts(mode, &tenants)
        ),
    )?;
    archive.init().await?;
    archive.apply().await?;
    lap("apply account B's root");
    let from_b = archive.outputs().await?;

    // 2. One source-account root per account, from B's output alone.
    let mut sources = Vec::new();
    for t in &tenants {
        let text = from_b["source_root_tfvars"][t.account]
            .as_str()
            .with_context(|| format!("B's source_root_tfvars has no {}", t.account))?;
        let root = Root::stage("source-account", url, &profiles, &t.source_vars(text, &zip))?;
        root.init().await?;
        sources.push(root);
    }
    let applied = futures::future::join_all(sources.iter().map(Root::apply)).await;
    applied.into_iter().collect::<Result<Vec<()>>>()?;
    lap("apply both source-account roots");

    // 3. A second plan of every root changes nothing but the named gaps.
    for root in std::iter::once(&archive).chain(&sources) {
        root.plan_is_clean(gaps::PLAN_DRIFT).await?;
    }
    lap("plan after apply");

    // 4. logferry changed nothing on the existing buckets but what was asked.
    for (t, before) in tenants.iter().zip(&before) {
        let after = t.buckets.state(&t.admin).await?;
        unchanged_but_asked(t.account, before, &after, t.eventbridge_asked)?;
    }

    // 5. Access logs where S3 delivers them, shipped by each deployed function.
    let admin_b = admin_b.in_region(region);
    let mut objects: Vec<LogObject> = Vec::new();
    let mut environment = BTreeMap::new();
    for (t, root) in tenants.iter().zip(&sources) {
        let outputs = root.outputs().await?;
        let name = outputs["shipper_function_name"]
            .as_str()
            .context("output shipper_function_name")?;
        let function = DeployedFunction::read(&t.admin, name).await?;
        function.check_settings()?;
        // The ECS worker and the Glue job write as the shipper does.
        deployed::writers::ecs_worker(&t.admin, &outputs, &function.environment).await?;
        deployed::writers::glue_job(&t.admin, &outputs, &function.environment).await?;
        // Its alarms and dashboard, on its own metrics, notifying its topic.
        let ops = operations(
            &t.admin,
            &outputs,
            "alarm_names",
            "dashboard_name",
            "alarm_topic_arn",
            name,
        )
        .await?;
        let silent = ops.alarms.iter().find(|a| {
            a.alarm_name()
                .is_some_and(|n| n.ends_with("-shipper-silent"))
        });
        ensure!(
            silent.and_then(|a| a.treat_missing_data()) == Some("breaching"),
            "{}: no alarm fires when logs stop (a silence alarm treating missing data as breaching)",
            t.account
        );
        function.take_over_the_mapping(&t.admin).await?;
        if mode == "assume-role" {
            allow_session_in_writer_trust(&admin_b, &function, &function.session_arn()).await?;
        }
        let mine = access_logs::two_days(LOG_PREFIX, t.account, region, &t.buckets.audited);
        t.buckets.deliver(&t.admin, &mine).await?;
        // The Glue job ships the first log, run as Glue would run it
        // (gap glue-job-runs); the shipper then finds it already archived.
        let glue_session = deployed::writers::glue_session_arn(&outputs)?;
        if mode == "assume-role" {
            allow_session_in_writer_trust(&admin_b, &function, &glue_session).await?;
        }
        let proxy = FaultProxy::start(url).await?;
        proxy.as_https();
        let first = format!("s3://{}/{}", t.buckets.log_bucket, mine[0].key);
        deployed::writers::run_glue_job(&t.admin, &outputs, region, &proxy.url, &[first]).await?;
        let shipper = function.start(&t.admin, url).await?;
        for response in function.drain_queue(&shipper, &t.admin, mine.len()).await? {
            ensure!(
                response["batchItemFailures"]
                    .as_array()
                    .is_some_and(Vec::is_empty),
                "{}: the handler reported failures: {response}",
                t.account
            );
        }
        environment = function.environment.clone();
        objects.extend(mine);
    }
    lap("ship from both accounts");
    let archive_bucket = &environment["LOGFERRY_DEST_BUCKET"];
    let archive_prefix = &environment["LOGFERRY_DEST_PREFIX"];
    let sources: Vec<Source> = tenants
        .iter()
        .map(|t| (t.account, &t.admin, t.buckets.log_bucket.as_str()))
        .collect();
    let archived =
        archived::copies(&admin_b, archive_bucket, archive_prefix, &objects, &sources).await?;
    // Locked, guarded and alarmed, as B's root deployed it.
    let keys: Vec<&str> = archived.keys().map(String::as_str).collect();
    deployed::protection::check(&admin_b, &from_b, archive_bucket, &keys).await?;
    lap("archive protections read back");

    // 6. The table sees every copy in its account's and day's partition; the
    //    saved queries answer over both accounts.
    let tables = catalog::tables(&admin_b).await?;
    let queries = catalog::saved_queries(&admin_b).await?;
    let table = table_at(&tables, &format!("s3://{archive_bucket}/{archive_prefix}/"))?;
    let local = partitions(table, archive_bucket, &archived, &objects, region, &work)?;
    let archive_answers = answer(table, &queries, &local, &work).await?;
    access_logs::check_answers(&archive_answers, &objects)?;
    lap("saved queries");

    // 7. The compactor Terraform deployed, run as its schedule runs it once
    //    both days have settled; the compacted table answers the same.
    let compacted = compact(&archive, &admin_b, url, archive_bucket, 2 * tenants.len()).await?;
    let location = format!("s3://{archive_bucket}/{}/", compacted.0);
    let table = table_at(&tables, &location)?;
    let local = compacted_partitions(table, archive_bucket, &compacted.1, &work)?;
    let table_answers = answer(table, &queries, &local, &work).await?;
    access_logs::check_answers(&table_answers, &objects)?;
    ensure!(
        table_answers.into_values().collect::<Vec<_>>()
            == archive_answers.into_values().collect::<Vec<_>>(),
        "the compacted table answers differently from the archive table"
    );
    lap("compact, and the saved queries over the compacted table");
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// The one Glue table whose location is under `location`, reading text
/// lines with the Regex SerDe.
fn table_at<'a>(tables: &'a [Table], location: &str) -> Result<&'a Table> {
    let mut found = tables.iter().filter(|t| t.location.starts_with(location));
    let table = found
        .next()
        .with_context(|| format!("no Glue table reads {location}"))?;
    ensure!(found.next().is_none(), "two Glue tables read {location}");
    table.check_formats()?;
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
    // How many, and which: access_logs::check_answers.
    ensure!(
        !mine.is_empty(),
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
    archive: &Root,
    admin_b: &Account,
    url: &str,
    archive_bucket: &str,
    partitions: usize,
) -> Result<(String, BTreeMap<String, Vec<u8>>)> {
    let outputs = archive.outputs().await?;
    let name = outputs
        .get("compactor_function_name")
        .and_then(Value::as_str)
        .context("output compactor_function_name")?;
    let deployed = DeployedCompactor::read(admin_b, name).await?;
    let topic = "compactor_alarm_topic_arn";
    operations(
        admin_b,
        &outputs,
        "compactor_alarm_names",
        "compactor_dashboard_name",
        topic,
        name,
    )
    .await?;
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
    let emitter = logferry::metrics::Emitter::memory();
    let ran = ::compactor::handle(noon, &compactor, settings, &emitter, &deployed.name)
        .await
        .map_err(|e| anyhow::anyhow!("the deployed compactor failed: {e}"))?;
    let emf = emitter.documents();
    ensure!(
        emf.len() == 1 && logferry::metrics::check(&emf[0]).is_ok(),
        "the compactor's run is one EMF document: {emf:?}"
    );
    ensure!(
        emf[0]["Service"] == deployed.name.as_str()
            && emf[0]["PartitionsWritten"] == partitions
            && emf[0]["CompactedObjects"] == partitions,
        "the compactor reported {}, having written {partitions} partitions of one object each",
        emf[0]
    );
    ensure!(
        ran == serde_json::json!({"written": partitions, "unchanged": 0, "deferred": 0}),
        "the compactor did {ran}, expected one output per account and day"
    );
    let query_prefix = deployed.query_prefix()?;
    let written = download(admin_b, archive_bucket, &format!("{query_prefix}/")).await?;
    let outputs = written.keys().filter(|k| k.ends_with(".gz")).count();
    ensure!(
        outputs == partitions && written.len() == 2 * partitions,
        "the query prefix holds {:?}, expected an output and a manifest per account and day",
        written.keys()
    );
    Ok((query_prefix, written))
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

/// Gap `role-principal`: a role ARN does not match that role's sessions
/// here, neither as a principal nor as `aws:PrincipalArn` (the emulator
/// gives the session's ARN). The writer role's trust gets the session's
/// ARN beside the role's in its `aws:PrincipalArn` condition, with the same
/// `sts:ExternalId` condition, which the soft emulator still enforces.
async fn allow_session_in_writer_trust(
    admin_b: &Account,
    function: &DeployedFunction,
    session_arn: &str,
) -> Result<()> {
    let role_arn = &function.environment["LOGFERRY_ROLE_ARN"];
    let name = role_arn.rsplit('/').next().unwrap_or_default();
    edit_trust(admin_b, name, gaps::ROLE_PRINCIPAL, |trust| {
        for statement in trust["Statement"].as_array_mut().into_iter().flatten() {
            if let Some(arns) = statement.pointer_mut("/Condition/ArnLike/aws:PrincipalArn") {
                let mut list: Vec<Value> = match arns.take() {
                    Value::Array(a) => a,
                    one => vec![one],
                };
                list.push(Value::String(session_arn.to_string()));
                *arns = Value::Array(list);
            }
        }
    })
    .await
}
