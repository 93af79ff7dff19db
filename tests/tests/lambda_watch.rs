//! The functions run locally as a developer runs them: `cargo lambda
//! watch` serves the Lambda runtime API, the function's own process (built
//! from the same `runtime::run` as its `main`) takes its invocations, and
//! `cargo lambda invoke --data-file` sends the event fixtures of
//! `crates/logferry/src/ship/fixtures/` to it, against the emulator with
//! IAM enforced.
//!
//! `watch` runs with `--only-lambda-apis`: the function is this package's
//! build of it, so the test needs no second cargo build (README, "Deploy
//! with cargo lambda", gives the everyday `cargo lambda watch`).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{bail, ensure, Context, Result};
use logferry_tests::compaction::{get, gunzip, query_keys};
use logferry_tests::faults::FaultProxy;
use logferry_tests::world::{ACCOUNT_A, PREFIX, REGION};
use logferry_tests::{eventually, script_output, Account, Mode, World};
use serde_json::Value;
use tokio::process::{Child, Command};

/// A directory of the test's own, removed when it ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Result<Self> {
        let dir = std::env::temp_dir().join(logferry_tests::world::unique(name));
        std::fs::create_dir_all(&dir)?;
        Ok(Self(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// cargo lambda, from `scripts/install-tools.sh` (installed once, cached).
fn cargo_lambda() -> Result<PathBuf> {
    Ok(script_output("scripts/install-tools.sh")?.join("cargo-lambda"))
}

/// `cargo lambda watch --only-lambda-apis` on a free port, and the port.
async fn watch() -> Result<(Child, u16)> {
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let child = Command::new(cargo_lambda()?)
        .args(["lambda", "watch", "--only-lambda-apis", "--invoke-address"])
        .args(["127.0.0.1", "--invoke-port", &port.to_string()])
        .current_dir(repo())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("starting cargo lambda watch")?;
    eventually("cargo lambda watch listens", || async move {
        Ok(tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok())
    })
    .await?;
    Ok((child, port))
}

/// The function's process, taking invocations from the watch on `port` as
/// the function `_` (what `cargo lambda invoke` calls by default), its
/// output in `log`.
struct Function {
    child: Child,
    log: PathBuf,
}

impl Function {
    fn start(mut command: Command, port: u16, log: PathBuf) -> Result<Self> {
        let out = std::fs::File::create(&log)?;
        command
            .env(
                "AWS_LAMBDA_RUNTIME_API",
                format!("http://127.0.0.1:{port}/.rt"),
            )
            .env("AWS_LAMBDA_FUNCTION_NAME", "_")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")
            .stdout(out.try_clone()?)
            .stderr(out);
        Ok(Self {
            child: command.spawn()?,
            log,
        })
    }

    /// `cargo lambda invoke --data-file <file>` on `port`: the function's
    /// answer, or what it logged if it exited instead.
    async fn invoke(&mut self, port: u16, data_file: &std::path::Path) -> Result<String> {
        let mut invoke = Command::new(cargo_lambda()?);
        invoke
            .args(["lambda", "invoke", "--invoke-address", "127.0.0.1"])
            .args(["--invoke-port", &port.to_string(), "--data-file"])
            .arg(data_file)
            .kill_on_drop(true);
        let out = tokio::select! {
            out = invoke.output() => out?,
            status = self.child.wait() => bail!(
                "the function exited ({}) before answering; its log:\n{}",
                status?,
                std::fs::read_to_string(&self.log).unwrap_or_default()
            ),
        };
        let answer = String::from_utf8_lossy(&out.stdout).to_string();
        ensure!(
            out.status.success(),
            "cargo lambda invoke --data-file {} failed: {answer}{}\nthe function's log:\n{}",
            data_file.display(),
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&self.log).unwrap_or_default()
        );
        Ok(answer)
    }
}

/// A fixture made this world's: its bucket names replaced by `bucket`, its
/// example account by account A and its version id by `version` (or left
/// out), written to a file in `dir`.
fn fixture(name: &str, bucket: &str, version: Option<&str>, dir: &Path) -> Result<PathBuf> {
    let text =
        std::fs::read_to_string(repo().join("crates/logferry/src/ship/fixtures").join(name))?;
    let text = text
        .replace("acme-access-logs", bucket)
        .replace("acme-app-logs", bucket)
        .replace("111122223333", ACCOUNT_A);
    let mut event: Value = serde_json::from_str(&text)?;
    set_version(&mut event, version);
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(&event)?)?;
    Ok(path)
}

/// The version id of every object in `event` (S3's `versionId`,
/// EventBridge's `version-id`) set to `version`, or removed.
fn set_version(event: &mut Value, version: Option<&str>) {
    match event {
        Value::Object(fields) => {
            for name in ["versionId", "version-id"] {
                if fields.contains_key(name) {
                    match version {
                        Some(v) => fields.insert(name.to_string(), Value::from(v)),
                        None => fields.remove(name),
                    };
                }
            }
            fields.values_mut().for_each(|v| set_version(v, version));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| set_version(v, version)),
        _ => {}
    }
}

/// The version S3 gave `key` in the world's source bucket, if it is versioned.
async fn version_of(world: &World, key: &str) -> Result<Option<String>> {
    let head = world
        .admin_a
        .s3()
        .head_object()
        .bucket(&world.source_bucket)
        .key(key)
        .send()
        .await?;
    Ok(head.version_id().map(str::to_string))
}

#[tokio::test]
async fn the_shipper_under_cargo_lambda_watch_ships_each_fixture() -> Result<()> {
    let world = World::strict().await?;
    // The objects the fixtures name (their keys decoded as S3 decodes them).
    let objects = [
        ("s3_put.json", "logs/2026-11-21-10-15-02-ABC DEF+1 100%.log"),
        ("sns_s3_put.json", "app/ünïcode key.log"),
        (
            "eventbridge_object_created.json",
            "app/2026/11/21/a+b 10:47:07.log",
        ),
    ];
    for (n, (_, key)) in objects.iter().enumerate() {
        world
            .put_source(key, format!("line {n} of {key}\n"))
            .await?;
    }
    let proxy = FaultProxy::start(&world.endpoint).await?;
    proxy.as_https();
    let (_watch, port) = watch().await?;
    let process = world
        .logferry(
            env!("CARGO_BIN_EXE_shipper-under-test"),
            Mode::Direct,
            &proxy.url,
        )
        .await?;
    let dir = Scratch::new("lambda-watch")?;
    let mut function = Function::start(process, port, dir.0.join("shipper.log"))?;

    for (n, (name, key)) in objects.into_iter().enumerate() {
        let version = version_of(&world, key).await?;
        let data = fixture(name, &world.source_bucket, version.as_deref(), &dir.0)?;
        let answer = function.invoke(port, &data).await?;
        // Where in the layout it lands is the key tests' business; here,
        // that this process put this object's bytes into B.
        let archived = world.archive_keys().await?;
        let suffix = format!("/{key}");
        let Some(copy) = archived.iter().find(|k| k.ends_with(&suffix)) else {
            bail!("{name}: no copy of {key} in B ({archived:?}); the function answered {answer}");
        };
        let (bytes, _) = world.archived(copy).await?;
        ensure!(
            bytes == format!("line {n} of {key}\n").into_bytes(),
            "{name}: the copy of {key} differs"
        );
    }
    // S3's test event and a deletion ship nothing, and answer success.
    for name in ["s3_test_event.json", "s3_delete.json"] {
        function
            .invoke(port, &fixture(name, &world.source_bucket, None, &dir.0)?)
            .await?;
    }
    ensure!(
        world.archive_keys().await?.len() == 3,
        "only the three fixtures' objects are in B"
    );
    Ok(())
}

/// The compactor's process under the watch, invoked with a schedule's
/// event: the settled day two days ago becomes one verified gzip object.
#[tokio::test]
async fn the_compactor_under_cargo_lambda_watch_compacts_a_settled_day() -> Result<()> {
    let world = World::strict().await?;
    let day = (chrono::Utc::now() - chrono::Duration::days(2)).format("%Y/%m/%d");
    let partition = format!(
        "{PREFIX}/{ACCOUNT_A}/{REGION}/{}/{day}",
        world.source_bucket
    );
    let bodies = ["alpha\n", "beta\n"];
    for (n, body) in bodies.iter().enumerate() {
        world
            .admin_b
            .s3()
            .put_object()
            .bucket(&world.archive_bucket)
            .key(format!("{partition}/{n}.log"))
            .body(body.as_bytes().to_vec().into())
            .send()
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "seeding the archive: {}",
                    aws_sdk_s3::error::DisplayErrorContext(e)
                )
            })?;
    }
    let proxy = FaultProxy::start(&world.endpoint).await?;
    proxy.as_https();
    let (_watch, port) = watch().await?;
    let identity = Account {
        id: world.admin_b.id,
        arn: "the compactor's role".to_string(),
        sdk: world.compactor_session().await?,
    };
    let mut process = Command::new(env!("CARGO_BIN_EXE_compactor-under-test"));
    process
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(compactor_environment(&world, &identity, &proxy.url).await?)
        .kill_on_drop(true);
    let dir = Scratch::new("lambda-watch")?;
    let mut function = Function::start(process, port, dir.0.join("compactor.log"))?;
    let event = dir.0.join("scheduled.json");
    std::fs::write(
        &event,
        r#"{"source": "aws.scheduler", "detail-type": "Scheduled Event", "detail": {}}"#,
    )?;
    let answer = function.invoke(port, &event).await?;

    let keys = query_keys(&world).await?;
    let parts: Vec<_> = keys.iter().filter(|k| k.ends_with(".gz")).collect();
    ensure!(
        parts.len() == 1 && keys.len() == 2,
        "one compacted object and its manifest, not {keys:?}; the function answered {answer}"
    );
    let text = gunzip(&get(&world, parts[0]).await?)?;
    ensure!(
        text == b"alpha\nbeta\n",
        "the compacted day is {:?}",
        String::from_utf8_lossy(&text)
    );
    Ok(())
}

async fn compactor_environment(
    world: &World,
    identity: &Account,
    endpoint: &str,
) -> Result<Vec<(&'static str, String)>> {
    let mut environment = identity.aws_environment(endpoint).await?;
    environment.push(("LOGFERRY_ARCHIVE_BUCKET", world.archive_bucket.clone()));
    environment.push(("LOGFERRY_ARCHIVE_PREFIX", PREFIX.to_string()));
    Ok(environment)
}
