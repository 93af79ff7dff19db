//! The writers besides the shipper, as the source root deployed them: the
//! ECS worker's task definition and service, and the Glue job, read back
//! from the emulator and held against the shipper's own settings, so all
//! three write to the same archive, the same way; and the Glue job run as
//! Glue would run it (gap [`gaps::GLUE_JOB_RUNS`]).

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{ensure, Context, Result};
use aws_sdk_ecs::types::CpuArchitecture;
use aws_sdk_glue::types::Job;
use serde_json::Value;

use crate::account::Account;
use crate::gaps;

/// The settings every writer shares with the shipper function.
const SHARED: [&str; 6] = [
    "LOGFERRY_DEST_BUCKET",
    "LOGFERRY_DEST_PREFIX",
    "LOGFERRY_SOURCE_ACCOUNT",
    "LOGFERRY_AUTH_MODE",
    "LOGFERRY_ROLE_ARN",
    "LOGFERRY_EXTERNAL_ID",
];

fn output<'a>(outputs: &'a BTreeMap<String, Value>, name: &str) -> Result<&'a str> {
    outputs
        .get(name)
        .and_then(Value::as_str)
        .with_context(|| format!("the source root has no output {name}"))
}

/// The ECS worker: an arm64 Fargate task of `logferry worker` as a non-root
/// user, with the task role, a stop timeout and its log group, run by a
/// service; its environment is the shipper's (`shipper`).
pub async fn ecs_worker(
    admin: &Account,
    outputs: &BTreeMap<String, Value>,
    shipper: &BTreeMap<String, String>,
) -> Result<()> {
    let ecs = aws_sdk_ecs::Client::new(&admin.sdk);
    let arn = output(outputs, "ecs_worker_task_definition_arn")?;
    let definition = ecs
        .describe_task_definition()
        .task_definition(arn)
        .send()
        .await
        .with_context(|| format!("describing {arn}"))?
        .task_definition
        .context("no task definition")?;
    let platform = definition
        .runtime_platform()
        .context("no runtime platform")?;
    ensure!(
        platform.cpu_architecture() == Some(&CpuArchitecture::Arm64),
        "the worker's task is not arm64: {platform:?}"
    );
    ensure!(
        definition.task_role_arn() == Some(output(outputs, "ecs_worker_task_role_arn")?),
        "the task role is not the ECS writer role: {:?}",
        definition.task_role_arn()
    );
    let [container] = definition.container_definitions() else {
        anyhow::bail!("expected one container: {definition:?}");
    };
    ensure!(
        container.command() == ["worker"]
            && container.user().is_some_and(|u| !u.starts_with("0") && !u.starts_with("root"))
            && container.stop_timeout().is_some_and(|s| s > 0),
        "the container is not `logferry worker` as a non-root user with a stop timeout: {container:?}"
    );
    let logs = container
        .log_configuration()
        .context("no log configuration")?;
    ensure!(
        logs.options()
            .and_then(|o| o.get("awslogs-group"))
            .map(String::as_str)
            == Some(output(outputs, "ecs_worker_log_group_name")?),
        "the container does not log to the worker's group: {logs:?}"
    );
    let environment: BTreeMap<&str, &str> = container
        .environment()
        .iter()
        .filter_map(|kv| Some((kv.name()?, kv.value()?)))
        .collect();
    for name in SHARED {
        ensure!(
            environment.get(name).copied() == shipper.get(name).map(String::as_str),
            "the worker's {name} is {:?}, the shipper's {:?}",
            environment.get(name),
            shipper.get(name)
        );
    }
    ensure!(
        environment.contains_key("LOGFERRY_QUEUE_URL"),
        "the worker is given no queue"
    );
    let cluster = output(outputs, "ecs_worker_cluster_arn")?;
    let service = output(outputs, "ecs_worker_service_name")?;
    let described = ecs
        .describe_services()
        .cluster(cluster)
        .services(service)
        .send()
        .await?;
    let [service] = described.services() else {
        anyhow::bail!("no service {service} in {cluster}: {described:?}");
    };
    ensure!(
        service.task_definition() == Some(arn),
        "the service runs {:?}, not {arn}",
        service.task_definition()
    );
    Ok(())
}

/// The Glue job: a Python shell job as the Glue writer role, given the
/// wheel and the shipper's archive in its default arguments.
pub async fn glue_job(
    admin: &Account,
    outputs: &BTreeMap<String, Value>,
    shipper: &BTreeMap<String, String>,
) -> Result<()> {
    let job = read_job(admin, outputs).await?;
    ensure!(
        job.role() == Some(output(outputs, "glue_writer_job_role_arn")?),
        "the job runs as {:?}, not the Glue writer role",
        job.role()
    );
    let command = job.command().context("no command")?;
    ensure!(
        command.name() == Some("pythonshell"),
        "not a Python shell job: {command:?}"
    );
    let arguments = job.default_arguments().context("no default arguments")?;
    let argument = |name: &str| arguments.get(name).map(String::as_str);
    ensure!(
        argument("--extra-py-files").is_some_and(|w| w.ends_with(".whl")),
        "the job is not given the wheel: {arguments:?}"
    );
    let pairs = [
        ("--logferry-archive-bucket", "LOGFERRY_DEST_BUCKET"),
        ("--logferry-archive-prefix", "LOGFERRY_DEST_PREFIX"),
        ("--logferry-source-account", "LOGFERRY_SOURCE_ACCOUNT"),
        ("--logferry-auth-mode", "LOGFERRY_AUTH_MODE"),
        ("--logferry-role-arn", "LOGFERRY_ROLE_ARN"),
        ("--logferry-external-id", "LOGFERRY_EXTERNAL_ID"),
    ];
    for (argument_name, setting) in pairs {
        ensure!(
            argument(argument_name) == shipper.get(setting).map(String::as_str),
            "the job's {argument_name} is {:?}, the shipper's {setting} {:?}",
            argument(argument_name),
            shipper.get(setting)
        );
    }
    Ok(())
}

/// The source root's Glue job, as the emulator holds it.
async fn read_job(admin: &Account, outputs: &BTreeMap<String, Value>) -> Result<Job> {
    let name = output(outputs, "glue_writer_job_name")?;
    aws_sdk_glue::Client::new(&admin.sdk)
        .get_job()
        .job_name(name)
        .send()
        .await
        .with_context(|| format!("reading the Glue job {name}"))?
        .job
        .context("no job")
}

/// The session name the harness runs the Glue job's script under.
const GLUE_SESSION: &str = "logferry-glue-run";

/// The ARN other accounts' policies see for the harness's Glue run.
pub fn glue_session_arn(outputs: &BTreeMap<String, Value>) -> Result<String> {
    let role = output(outputs, "glue_writer_job_role_arn")?;
    let account = role.split(':').nth(4).unwrap_or_default();
    let name = role.rsplit('/').next().unwrap_or_default();
    Ok(format!(
        "arn:aws:sts::{account}:assumed-role/{name}/{GLUE_SESSION}"
    ))
}

/// Gap [`gaps::GLUE_JOB_RUNS`]: the harness plays Glue. The job's script
/// (`infra/modules/glue_writer_job/script/ship_job.py`, which the example
/// uploads) runs with the wheel installed, the job's default arguments as
/// Glue passes them, `--logferry-uris` for this run, and a session of the
/// job's role, through `endpoint` (an HTTPS-marking proxy: the archive
/// refuses plain HTTP). It must exit 0, having shipped every object itself.
pub async fn run_glue_job(
    admin: &Account,
    outputs: &BTreeMap<String, Value>,
    region: &str,
    endpoint: &str,
    uris: &[String],
) -> Result<()> {
    let job = read_job(admin, outputs).await?;
    let role = output(outputs, "glue_writer_job_role_arn")?;
    let credentials =
        crate::deployed::play_service(admin, role, GLUE_SESSION, gaps::GLUE_JOB_RUNS).await?;
    let wheel = crate::python::Wheel::install()?;
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../infra/modules/glue_writer_job/script/ship_job.py");
    let mut run = tokio::process::Command::new(&wheel.python);
    run.arg(&script);
    for (argument, value) in job.default_arguments().into_iter().flatten() {
        run.args([argument, value]);
    }
    run.args(["--logferry-uris", &uris.join(",")])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("PYTHONPATH", &wheel.site)
        .env("AWS_ACCESS_KEY_ID", credentials.access_key_id())
        .env("AWS_SECRET_ACCESS_KEY", credentials.secret_access_key())
        .env(
            "AWS_SESSION_TOKEN",
            credentials.session_token().unwrap_or_default(),
        )
        .env("AWS_REGION", region)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_EC2_METADATA_DISABLED", "true");
    let ran = run
        .output()
        .await
        .context("running the Glue job's script")?;
    ensure!(
        ran.status.success(),
        "the Glue job's script failed ({}):\n{}{}",
        ran.status,
        String::from_utf8_lossy(&ran.stdout),
        String::from_utf8_lossy(&ran.stderr)
    );
    // The script prints the summary: every object new, shipped by this run.
    let summary = String::from_utf8_lossy(&ran.stdout);
    let expected = format!("{} shipped (0 already archived", uris.len());
    ensure!(
        summary.trim().starts_with(&expected),
        "the Glue job's script did not ship the objects itself: {summary}"
    );
    Ok(())
}
