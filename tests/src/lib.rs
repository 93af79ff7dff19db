//! The emulator harness shared by the integration tests and `make demo`:
//! three accounts on a local AWS endpoint with IAM enforced, set up with the
//! policy files Terraform uses, and the real Lambda handler fed with the
//! notifications the emulator produced.

pub mod access_logs;
pub mod account;
pub mod bench;
pub mod catalog;
pub mod compaction;
pub mod deployed;
pub mod emulator;
pub mod faults;
pub mod gaps;
pub mod heap;
pub mod inventory;
pub mod policy;
pub mod probe;
pub mod projection;
pub mod python;
pub mod reconcile;
pub mod routes;
pub mod terraform;
pub mod world;

use aws_smithy_runtime_api::box_error::BoxError;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextMut, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

pub use emulator::{Endpoint, IamMode};
pub use world::{Account, Mode, World};

/// Marks a request as having arrived over TLS, the way a TLS-terminating
/// proxy would; fakecloud derives `aws:SecureTransport` from it (gap
/// [`gaps::SECURE_TRANSPORT_HEADER`]). Test-only: never in product code.
#[derive(Debug, Clone, Copy)]
pub struct ForwardedHttps;

impl Intercept for ForwardedHttps {
    fn name(&self) -> &'static str {
        "ForwardedHttps"
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        context
            .request_mut()
            .headers_mut()
            .insert("x-forwarded-proto", "https");
        Ok(())
    }
}

/// Counts requests in flight through the clients it is added to, and the
/// most there ever were at once.
#[derive(Debug, Clone, Default)]
pub struct InFlight {
    now: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
}

impl InFlight {
    pub fn most(&self) -> usize {
        self.most.load(Ordering::SeqCst)
    }
}

impl Intercept for InFlight {
    fn name(&self) -> &'static str {
        "InFlight"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        Ok(())
    }

    fn read_after_attempt(
        &self,
        _context: &FinalizerInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.now.fetch_sub(1, Ordering::SeqCst);
        Ok(())
    }
}

/// Structured logs for tests and the demo, quiet unless `RUST_LOG` says otherwise.
pub fn init_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_test_writer()
        .try_init();
}

/// One endpoint per IAM mode, shared by every test in a test binary.
pub async fn shared_endpoint(mode: IamMode) -> &'static Endpoint {
    static STRICT: tokio::sync::OnceCell<Endpoint> = tokio::sync::OnceCell::const_new();
    static SOFT: tokio::sync::OnceCell<Endpoint> = tokio::sync::OnceCell::const_new();
    let cell = match mode {
        IamMode::Strict => &STRICT,
        IamMode::Soft => &SOFT,
    };
    cell.get_or_init(|| async move {
        Endpoint::start(mode)
            .await
            .unwrap_or_else(|e| panic!("cannot start the emulator: {e:#}"))
    })
    .await
}

/// Poll `check` until it holds; a functional wait with a generous bound
/// (60 s), not a timing assertion.
pub async fn eventually<F, Fut>(what: &str, check: F) -> anyhow::Result<()>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<bool>>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        if check().await? {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    anyhow::bail!("timed out waiting until {what}")
}

/// Run one of the repository's set-up scripts (`bash <repo>/<script>`,
/// which installs what it needs once) and return the last line it prints:
/// the path it made. Fails with what the script said.
pub fn script_output(script: &str) -> anyhow::Result<std::path::PathBuf> {
    use anyhow::Context as _;
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = std::process::Command::new("bash")
        .arg(repo.join(script))
        .output()
        .with_context(|| format!("running {script}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    anyhow::ensure!(
        out.status.success(),
        "{script} failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let last = stdout.lines().last().unwrap_or_default().trim();
    anyhow::ensure!(!last.is_empty(), "{script} printed nothing");
    Ok(std::path::PathBuf::from(last))
}
