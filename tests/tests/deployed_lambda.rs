//! The organization's journey on an emulator that runs Lambda: LocalStack,
//! whose functions run here as processes of this machine
//! (`scripts/localstack_process_lambda.py`). fakecloud stores functions but
//! cannot run them (gap `lambda-runtime`): there the deployed world plays
//! Lambda with the real handler, and this test is skipped.
//!
//! Two source accounts whose buckets exist before logferry, one per mode;
//! `terraform apply` of account B's root where LocalStack has the services
//! (the archive: bucket, policies, KMS key, writer roles, protections; its
//! Athena and Glue are the gap `localstack-glue-athena`), then of each
//! source account's whole root with nothing but B's output (the ECS worker
//! and the Glue job off: gaps `localstack-ecs`, `localstack-glue-athena`); a
//! clean second plan; the existing buckets unchanged but for what was asked.
//! Then the deployed path itself, with nothing played by the harness:
//! access logs put where S3 delivers them, S3 → EventBridge → the shipper's
//! queue → the event source mapping → the deployed function's own process
//! (the `bootstrap` of its zip, with its role's session and its
//! environment) → an identical copy in each account's partition, encrypted
//! with B's key; the queues and dead-letter queues empty. IAM is not enforced on LocalStack (gap
//! `localstack-iam`): the policies are proven on fakecloud.

use std::path::Path;

use anyhow::{ensure, Context, Result};
use aws_sdk_sqs::types::QueueAttributeName;
use logferry_tests::access_logs::{self, LogObject};
use logferry_tests::deployed::archived::{self, Source};
use logferry_tests::deployed::existing::{unchanged_but_asked, ExistingBuckets, LOG_PREFIX};
use logferry_tests::deployed::DeployedFunction;
use logferry_tests::terraform::{Profile, Root};
use logferry_tests::world::{admin, Account, ACCOUNT_A, ACCOUNT_A2, ACCOUNT_B};
use logferry_tests::{eventually, gaps, Endpoint, IamMode};

const REGION: &str = "eu-west-1";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn organization_ships_through_the_deployed_lambda_after_terraform_apply() {
    if gaps::skips_on_fakecloud(gaps::LAMBDA_RUNTIME) {
        return;
    }
    journey().await.unwrap_or_else(|e| panic!("{e:#}"));
}

/// One source account: its mode, its admin and its existing buckets.
struct Tenant {
    account: &'static str,
    mode: &'static str,
    admin: Account,
    profile: &'static str,
    buckets: ExistingBuckets,
    /// Whether Terraform turns on EventBridge delivery (the bucket has no
    /// notification configuration of its own).
    eventbridge_asked: bool,
}

async fn journey() -> Result<()> {
    logferry_tests::init_tracing();
    let endpoint = Endpoint::start(IamMode::Strict).await?;
    let url = endpoint.url.as_str();
    let admin_b = admin(url, ACCOUNT_B, "terraform").await?.in_region(REGION);
    let mut profiles = vec![Profile::of("acme-archive-admin", &admin_b).await?];
    let mut tenants = Vec::new();
    for (account, mode, profile, prefix, team_consumer) in [
        (ACCOUNT_A, "direct", "acme-source-admin", "ls-prod", true),
        (
            ACCOUNT_A2,
            "assume-role",
            "acme-payments-admin",
            "ls-payments",
            false,
        ),
    ] {
        let admin = admin(url, account, "terraform").await?.in_region(REGION);
        profiles.push(Profile::of(profile, &admin).await?);
        let audited = format!("{prefix}-data");
        let log_bucket = format!("{prefix}-access-logs");
        let buckets = ExistingBuckets::create(&admin, &audited, &log_bucket, team_consumer).await?;
        tenants.push(Tenant {
            account,
            mode,
            admin,
            profile,
            buckets,
            eventbridge_asked: !team_consumer,
        });
    }
    let mut before = Vec::new();
    for t in &tenants {
        before.push(t.buckets.state(&t.admin).await?);
    }
    let work = Scratch::new()?;
    let zip = bootstrap_zip(&work.0)?;

    // 1. Account B's root, where LocalStack has the services.
    let archive = Root::stage("archive-account", url, &profiles, &archive_vars(&tenants))?;
    archive.init().await?;
    archive.apply_only(&["module.log_archive"]).await?;
    let from_b = archive.outputs().await?;

    // 2. Each source account's whole root, from B's output alone.
    let mut sources = Vec::new();
    for t in &tenants {
        let text = from_b["source_root_tfvars"][t.account]
            .as_str()
            .with_context(|| format!("B's source_root_tfvars has no {}", t.account))?;
        let root = Root::stage(
            "source-account",
            url,
            &profiles,
            &source_vars(t, text, &zip),
        )?;
        root.init().await?;
        sources.push(root);
    }
    let applied = futures::future::join_all(sources.iter().map(Root::apply)).await;
    applied.into_iter().collect::<Result<Vec<()>>>()?;
    for root in &sources {
        root.plan_is_clean(gaps::LOCALSTACK_PLAN_DRIFT).await?;
    }
    for (t, before) in tenants.iter().zip(&before) {
        let after = t.buckets.state(&t.admin).await?;
        unchanged_but_asked(t.account, before, &after, t.eventbridge_asked)?;
    }

    // 3. Access logs where S3 delivers them; LocalStack does the rest.
    let mut objects: Vec<LogObject> = Vec::new();
    let mut functions = Vec::new();
    for (t, root) in tenants.iter().zip(&sources) {
        let outputs = root.outputs().await?;
        let name = outputs["shipper_function_name"]
            .as_str()
            .context("output shipper_function_name")?;
        let function = DeployedFunction::read(&t.admin, name).await?;
        function.check_settings()?;
        let dlq_url = outputs["dlq_url"].as_str().context("output dlq_url")?;
        let mine = access_logs::two_days(LOG_PREFIX, t.account, REGION, &t.buckets.audited);
        t.buckets.deliver(&t.admin, &mine).await?;
        objects.extend(mine);
        functions.push((function, dlq_url.to_string()));
    }
    let settings = &functions[0].0.environment;
    let (bucket, prefix) = (
        &settings["LOGFERRY_DEST_BUCKET"],
        &settings["LOGFERRY_DEST_PREFIX"],
    );
    eventually("the deployed functions have archived every log", || async {
        Ok(archived::listed(&admin_b, bucket, prefix).await?.len() >= objects.len())
    })
    .await?;
    let sources: Vec<Source> = tenants
        .iter()
        .map(|t| (t.account, &t.admin, t.buckets.log_bucket.as_str()))
        .collect();
    let copies = archived::copies(&admin_b, bucket, prefix, &objects, &sources).await?;
    encrypted_with_bs_key(&admin_b, bucket, copies.keys(), &from_b).await?;
    for (t, (function, dlq_url)) in tenants.iter().zip(&functions) {
        drained(t, &function.queue_url, dlq_url).await?;
    }
    Ok(())
}

/// B's variables: both accounts, one per mode; no compactor (its tables are
/// Glue's); the identities that may change the protections named, since
/// the harness applies as the account's root (LocalStack's admin), which
/// the root refuses as a default.
fn archive_vars(tenants: &[Tenant]) -> String {
    let entries: String = tenants
        .iter()
        .map(|t| {
            let external_id = match t.mode {
                "assume-role" => format!("external_id = \"logferry-{}-external-id\", ", t.account),
                _ => String::new(),
            };
            format!(
                "  {:?} = {{ mode = {:?}, {external_id}audited_bucket_names = [{:?}] }}\n",
                t.account, t.mode, t.buckets.audited
            )
        })
        .collect();
    let deployer = format!("[\"arn:aws:iam::{ACCOUNT_B}:role/terraform-deploy\"]");
    format!(
        "region = {REGION:?}\ncompaction_enabled = false\n\
         protection_admin_principal_arns = {deployer}\nkey_admin_principal_arns = {deployer}\n\
         source_accounts = {{\n{entries}}}\n"
    )
}

/// A source account's variables: B's text for it, and what the account has.
fn source_vars(t: &Tenant, from_b: &str, zip: &str) -> String {
    let asked = match t.eventbridge_asked {
        true => format!("[{:?}]", t.buckets.log_bucket),
        false => "[]".into(),
    };
    format!(
        "{from_b}\nprofile = {:?}\nlambda_zip_path = {zip:?}\n\
         log_buckets = {{ {:?} = {{ prefixes = [\"{LOG_PREFIX}/\"] }} }}\n\
         eventbridge_notification_buckets = {asked}\n\
         ecs_worker = null\nglue_writer_job = null\n",
        t.profile, t.buckets.log_bucket
    )
}

/// Every copy is encrypted with the archive key B's root made.
async fn encrypted_with_bs_key<'a>(
    admin_b: &Account,
    bucket: &str,
    keys: impl Iterator<Item = &'a String>,
    from_b: &std::collections::BTreeMap<String, serde_json::Value>,
) -> Result<()> {
    let key_arn = from_b["archive_kms_key_arn"]
        .as_str()
        .context("B's output archive_kms_key_arn")?;
    for key in keys {
        let head = admin_b
            .s3()
            .head_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await?;
        let used = head.ssekms_key_id().unwrap_or_default();
        ensure!(
            used == key_arn,
            "s3://{bucket}/{key} is encrypted with {used:?}, not B's archive key {key_arn}"
        );
    }
    Ok(())
}

/// The shipper's queue and its dead-letter queue hold nothing: every
/// message was taken and none failed.
async fn drained(t: &Tenant, queue_url: &str, dlq_url: &str) -> Result<()> {
    let sqs = t.admin.sqs();
    for url in [queue_url, dlq_url] {
        eventually(&format!("{url} is empty"), || async {
            let attributes = sqs
                .get_queue_attributes()
                .queue_url(url)
                .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
                .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
                .send()
                .await?
                .attributes
                .unwrap_or_default();
            Ok(attributes.values().all(|n| n == "0"))
        })
        .await?;
    }
    Ok(())
}

/// The deployment package: this package's build of the shipper's process
/// (the same `runtime::run` as the function's `main`) as `bootstrap`.
fn bootstrap_zip(work: &Path) -> Result<String> {
    let zip = work.join("bootstrap.zip");
    let status = std::process::Command::new("python3")
        .args(["-c", "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)\ni = zipfile.ZipInfo('bootstrap', (2026, 1, 1, 0, 0, 0))\ni.external_attr = 0o755 << 16\ni.compress_type = zipfile.ZIP_DEFLATED\nz.writestr(i, open(sys.argv[2], 'rb').read())\nz.close()"])
        .arg(&zip)
        .arg(env!("CARGO_BIN_EXE_shipper-under-test"))
        .status()?;
    ensure!(status.success(), "could not write {}", zip.display());
    Ok(zip.display().to_string())
}

/// A directory of the test's own, removed when it ends.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new() -> Result<Self> {
        let dir = std::env::temp_dir().join(logferry_tests::world::unique("deployed-lambda"));
        std::fs::create_dir_all(&dir)?;
        Ok(Self(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
