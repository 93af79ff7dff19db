//! Starting (or finding) the AWS endpoint the suite talks to.
//!
//! `LOGFERRY_EMULATOR` picks the emulator: `fakecloud` (the default) or
//! `localstack`. fakecloud is started twice on free loopback ports:
//! `--iam strict` for everything, and `--iam soft` for the external-id trust
//! probes that strict mode cannot evaluate (see [`crate::gaps`]). LocalStack
//! is started once by `scripts/localstack.sh`, and serves both; it enforces
//! no IAM, so the tests that prove a policy run on fakecloud only
//! ([`crate::gaps::requires`]). Set `LOGFERRY_TEST_ENDPOINT` (and optionally
//! `LOGFERRY_TEST_TRUST_ENDPOINT`) to use an emulator you started yourself.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

pub const FAKECLOUD_VERSION: &str = "0.51.0";

/// The emulator behind the suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emulator {
    Fakecloud,
    LocalStack,
}

impl Emulator {
    /// `LOGFERRY_EMULATOR`'s choice; anything else is one line naming both.
    pub fn current() -> Result<Emulator> {
        match std::env::var("LOGFERRY_EMULATOR").as_deref() {
            Err(_) | Ok("") | Ok("fakecloud") => Ok(Emulator::Fakecloud),
            Ok("localstack") => Ok(Emulator::LocalStack),
            Ok(other) => bail!(
                "LOGFERRY_EMULATOR={other} is not an emulator the suite knows; set fakecloud (the default) or localstack"
            ),
        }
    }
}

/// How the emulator enforces IAM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IamMode {
    /// Identity and resource policies, conditions included, decide every call.
    Strict,
    /// Only STS's own trust-policy check (external id included) is enforced.
    Soft,
}

/// A running endpoint; a fakecloud started here is stopped on drop.
#[derive(Debug)]
pub struct Endpoint {
    pub url: String,
    pub mode: IamMode,
    child: Option<Child>,
    /// The port and extra arguments it was started with, to restart it.
    launch: Option<(u16, Vec<String>)>,
    /// The state dir of a LocalStack started here, to stop it.
    localstack: Option<PathBuf>,
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Endpoint {
    /// SIGTERM to the watchdog shell, whose trap stops fakecloud with it
    /// (a SIGKILL would leave fakecloud running).
    fn stop(&mut self) {
        if let Some(state) = self.localstack.take() {
            let _ = Command::new("bash")
                .arg(repo().join("scripts/localstack.sh"))
                .arg("stop")
                .env("LOCALSTACK_STATE_DIR", &state)
                .stderr(Stdio::null())
                .status();
            let _ = std::fs::remove_dir_all(state);
        }
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .arg(child.id().to_string())
                .stderr(Stdio::null())
                .status();
            let _ = child.wait();
        }
    }
}

impl Endpoint {
    /// The endpoint for `mode`: from the environment, or a fakecloud started now.
    pub async fn start(mode: IamMode) -> Result<Endpoint> {
        let var = match mode {
            IamMode::Strict => "LOGFERRY_TEST_ENDPOINT",
            IamMode::Soft => "LOGFERRY_TEST_TRUST_ENDPOINT",
        };
        if let Ok(url) = std::env::var(var) {
            return Ok(Endpoint {
                url,
                mode,
                child: None,
                launch: None,
                localstack: None,
            });
        }
        match Emulator::current()? {
            Emulator::Fakecloud => Self::spawn(mode).await,
            Emulator::LocalStack => Self::localstack(mode),
        }
    }

    /// A LocalStack of its own (`scripts/localstack.sh start`), which stops
    /// when this process exits even if it is never dropped.
    fn localstack(mode: IamMode) -> Result<Endpoint> {
        remove_stale_localstack_states();
        let state = std::env::temp_dir().join(format!(
            "logferry-localstack-{}-{}",
            std::process::id(),
            free_port()?
        ));
        let out = Command::new("bash")
            .arg(repo().join("scripts/localstack.sh"))
            .arg("start")
            .env("LOCALSTACK_STATE_DIR", &state)
            .env("LOCALSTACK_PARENT_PID", std::process::id().to_string())
            .stderr(Stdio::inherit())
            .output()
            .context("running scripts/localstack.sh start")?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let url = stdout
            .lines()
            .last()
            .and_then(|line| line.strip_prefix("AWS_ENDPOINT_URL="))
            .filter(|_| out.status.success())
            .with_context(|| format!("scripts/localstack.sh start failed: {stdout}"))?;
        Ok(Endpoint {
            url: url.to_string(),
            mode,
            child: None,
            launch: None,
            localstack: Some(state),
        })
    }

    /// A fakecloud of its own, with empty accounts, whatever the environment
    /// says: for suites that create fixed names (the examples' buckets).
    pub async fn spawn(mode: IamMode) -> Result<Endpoint> {
        Self::launch(mode, free_port()?, Vec::new()).await
    }

    /// A fakecloud of its own that keeps its state in `dir`, so that it can
    /// be [restarted](Endpoint::restart) with everything in it.
    pub async fn spawn_persistent(mode: IamMode, dir: &std::path::Path) -> Result<Endpoint> {
        let args = vec![
            "--storage-mode".to_string(),
            "persistent".to_string(),
            "--data-path".to_string(),
            dir.display().to_string(),
        ];
        Self::launch(mode, free_port()?, args).await
    }

    /// Stop the emulator and start it again on the same port and state, as
    /// a crash and a supervisor's restart would.
    pub async fn restart(&mut self) -> Result<()> {
        let Some((port, args)) = self.launch.clone() else {
            bail!("{} was not started here; it cannot be restarted", self.url);
        };
        self.stop();
        let restarted = Self::launch(self.mode, port, args).await?;
        *self = restarted;
        Ok(())
    }

    async fn launch(mode: IamMode, port: u16, args: Vec<String>) -> Result<Endpoint> {
        let binary = fakecloud_binary()?;
        let log_dir = std::env::temp_dir().join("logferry-emulator");
        std::fs::create_dir_all(&log_dir)?;
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log_dir.join(format!("fakecloud-{port}.log")))?;
        let iam = match mode {
            IamMode::Strict => "strict",
            IamMode::Soft => "soft",
        };
        // A watchdog shell stops fakecloud when this process exits, since a
        // shared endpoint lives in a static that is never dropped.
        let script = format!(
            "\"$0\" --addr 127.0.0.1:{port} --iam {iam} --log-level warn \"$@\" & fc=$!; \
             trap 'kill $fc 2>/dev/null; wait $fc; exit 0' TERM INT; \
             while kill -0 {parent} 2>/dev/null && kill -0 $fc 2>/dev/null; do sleep 1; done; kill $fc 2>/dev/null",
            parent = std::process::id()
        );
        let child = Command::new("sh")
            .args(["-c", &script])
            .arg(&binary)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let endpoint = Endpoint {
            url: format!("http://127.0.0.1:{port}"),
            mode,
            child: Some(child),
            launch: Some((port, args)),
            localstack: None,
        };
        endpoint.wait_healthy().await?;
        Ok(endpoint)
    }

    async fn wait_healthy(&self) -> Result<()> {
        let health = format!("{}/_fakecloud/health", self.url);
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            let ok = reqwest::get(&health)
                .await
                .is_ok_and(|r| r.status().is_success());
            if ok {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!(
            "fakecloud at {} did not become healthy within 60 s; see its log under {}",
            self.url,
            std::env::temp_dir().join("logferry-emulator").display()
        )
    }
}

/// `FAKECLOUD_BIN`, or the copy `scripts/install-fakecloud.sh` puts in the cache.
pub fn fakecloud_binary() -> Result<PathBuf> {
    if let Ok(bin) = std::env::var("FAKECLOUD_BIN") {
        return Ok(PathBuf::from(bin));
    }
    let bin = cache_dir().join(format!("fakecloud-{FAKECLOUD_VERSION}/bin/fakecloud"));
    if !bin.exists() {
        bail!("fakecloud {FAKECLOUD_VERSION} is not installed at {}; run `make emulator` (or set FAKECLOUD_BIN / LOGFERRY_TEST_ENDPOINT)", bin.display());
    }
    Ok(bin)
}

/// `LOGFERRY_CACHE`, or `~/.cache/logferry`: where `make` installs the tools.
pub fn cache_dir() -> PathBuf {
    std::env::var("LOGFERRY_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache/logferry")
        })
}

/// The state dirs (pid, port, log) of LocalStacks started by test
/// processes that have exited: a shared endpoint is never dropped, and its
/// watchdog removes only LocalStack's files.
fn remove_stale_localstack_states() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(owner) = name
            .strip_prefix("logferry-localstack-")
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if !std::path::Path::new(&format!("/proc/{owner}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}
