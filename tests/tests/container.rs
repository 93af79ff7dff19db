//! The container image (issue 21): the static `logferry` (a musl build) in
//! a `FROM scratch` image built by `scripts/image.sh` with podman runs
//! `logferry worker` against the emulator as the ECS task definition runs
//! it: the image's non-root user, a read-only root file system, no
//! capabilities. It drains the queue into B, and `podman stop` (SIGTERM,
//! as ECS sends it) ends it with exit 0 within the stop timeout. The
//! container and the image are removed whatever the outcome.

use std::path::PathBuf;
use std::process::{Command, Output};

use anyhow::{bail, ensure, Context, Result};
use logferry_tests::faults::FaultProxy;
use logferry_tests::world::unique;
use logferry_tests::{eventually, Mode, World};

/// How long `podman stop` waits before it sends SIGKILL: what the ECS
/// worker module sets as the container's `stopTimeout` by default.
const STOP_TIMEOUT_SECONDS: &str = "30";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The static binary `make test` builds (`scripts/static-binary.sh`).
fn static_binary() -> Result<PathBuf> {
    let path = match std::env::var_os("LOGFERRY_STATIC_BINARY") {
        Some(path) => PathBuf::from(path),
        None => repo().join("target/static/x86_64-unknown-linux-musl/debug/logferry"),
    };
    if !path.exists() {
        bail!(
            "{} is missing: run `make test`, which builds it with scripts/static-binary.sh (or set LOGFERRY_STATIC_BINARY)",
            path.display()
        );
    }
    Ok(path)
}

/// podman, with the project's containers.conf (runc, ulimits).
fn podman(args: &[&str]) -> Result<Output> {
    let output = Command::new("podman")
        .args(args)
        .env(
            "CONTAINERS_CONF",
            repo().join("packaging/container/containers.conf"),
        )
        .output()
        .context("podman not found; install it with: apt-get install podman runc")?;
    Ok(output)
}

fn succeeded(what: &str, output: Output) -> Result<String> {
    ensure!(
        output.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// Removes the test's container and image when dropped.
struct Leftovers {
    container: String,
    image: String,
}

impl Drop for Leftovers {
    fn drop(&mut self) {
        let _ = podman(&["rm", "--force", "--time", "0", &self.container]);
        let _ = podman(&["rmi", "--force", &self.image]);
    }
}

#[tokio::test]
async fn the_image_drains_a_queue_into_b_and_stops_cleanly_on_sigterm() -> Result<()> {
    let binary = static_binary()?;
    let world = World::strict().await?;
    world.put_source("container/a.log", b"alpha\n").await?;
    world.put_source("container/b.log", b"beta\n").await?;
    eventually("both notifications are queued", || async {
        Ok(world.queue_depth(&world.queue_url).await? == 2)
    })
    .await?;

    let name = unique("logferry-test");
    let leftovers = Leftovers {
        container: name.clone(),
        image: format!("localhost/{name}:test"),
    };
    let script = repo().join("scripts/image.sh");
    let built = Command::new(&script)
        .args(["build", &binary.display().to_string(), &leftovers.image])
        .output()?;
    succeeded("scripts/image.sh build", built)?;

    let proxy = FaultProxy::start(&world.endpoint).await?;
    proxy.as_https();
    let mut environment = world
        .logferry_environment(&world.shipper, Mode::AssumeRole, &proxy.url)
        .await?;
    environment.push(("LOGFERRY_QUEUE_URL", world.queue_url.clone()));
    // What the ecs_worker task definition sets by default (`log_filter`).
    environment.push(("RUST_LOG", "info".to_string()));
    let mut run = Command::new(&script);
    run.args(["run", "--detach", "--name", &name, "--network", "host"]);
    for (variable, value) in &environment {
        run.args(["--env", &format!("{variable}={value}")]);
    }
    run.args([&leftovers.image, "worker"]);
    succeeded("scripts/image.sh run", run.output()?)?;

    eventually("both objects are in B and the queue is empty", || async {
        Ok(world.archive_keys().await?.len() == 2
            && world.queue_depth(&world.queue_url).await? == 0)
    })
    .await?;
    let user = succeeded(
        "podman inspect",
        podman(&["inspect", "--format", "{{.Config.User}}", &name])?,
    )?;
    ensure!(
        user == "65532:65532",
        "the container runs as {user:?}, not the image's non-root user"
    );

    succeeded(
        "podman stop",
        podman(&["stop", "--time", STOP_TIMEOUT_SECONDS, &name])?,
    )?;
    let state = succeeded(
        "podman inspect",
        podman(&[
            "inspect",
            "--format",
            "{{.State.ExitCode}} {{.State.OOMKilled}}",
            &name,
        ])?,
    )?;
    let logs = podman(&["logs", &name])?;
    let logs =
        String::from_utf8_lossy(&logs.stderr).to_string() + &String::from_utf8_lossy(&logs.stdout);
    ensure!(
        state == "0 false",
        "the worker did not exit 0 on SIGTERM (exit code, OOM killed: {state}); its log:\n{logs}"
    );
    ensure!(
        logs.contains("stopping: no new messages"),
        "the worker did not log its stop on SIGTERM:\n{logs}"
    );
    drop(leftovers);
    let images = succeeded(
        "podman images",
        podman(&["images", "--format", "{{.Repository}}"])?,
    )?;
    ensure!(
        !images.contains(&name),
        "the test's image was left behind: {images}"
    );
    Ok(())
}
