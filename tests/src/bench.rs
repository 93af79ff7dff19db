//! What `make bench` measures with, apart from the run itself
//! (`tools/src/bench/`): rows in the shape `bench/report.py` reads, the
//! peers in `bench/peers.py` run as subprocesses, a credentials file for
//! them, and the peak RSS of a child process.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use futures::StreamExt;
use serde_json::{json, Value};

use crate::world::World;

/// One measured tool in one case, as `bench/report.py` reads it.
pub fn row(case: &str, tool: &str, objects: usize, bytes: u64, seconds: f64) -> Value {
    json!({
        "case": case, "tool": tool, "objects": objects, "bytes": bytes,
        "seconds": seconds,
        "objects_per_second": objects as f64 / seconds,
        "mb_per_second": bytes as f64 / 1e6 / seconds,
        "p50_ms": Value::Null, "p99_ms": Value::Null, "peak_rss_mib": Value::Null,
    })
}

/// [`row`] with per-object latencies.
pub fn row_with_latencies(
    case: &str,
    tool: &str,
    bytes: u64,
    seconds: f64,
    mut latencies: Vec<Duration>,
) -> Value {
    latencies.sort();
    let mut out = row(case, tool, latencies.len(), bytes, seconds);
    out["p50_ms"] = json!(percentile_ms(&latencies, 50));
    out["p99_ms"] = json!(percentile_ms(&latencies, 99));
    out
}

/// Nearest-rank percentile of sorted durations, in milliseconds.
pub fn percentile_ms(sorted: &[Duration], q: usize) -> Option<f64> {
    let rank = (sorted.len() * q).div_ceil(100).max(1);
    sorted.get(rank - 1).map(|d| d.as_secs_f64() * 1000.0)
}

/// Run `work` once per item, `concurrency` at a time; the wall seconds and
/// each item's latency.
pub async fn timed<T, F, Fut>(
    items: Vec<T>,
    concurrency: usize,
    work: F,
) -> Result<(f64, Vec<Duration>)>
where
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let started = Instant::now();
    let latencies: Vec<Result<Duration>> = futures::stream::iter(items)
        .map(|item| {
            let work = &work;
            async move {
                let begun = Instant::now();
                work(item).await?;
                Ok(begun.elapsed())
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let seconds = started.elapsed().as_secs_f64();
    Ok((seconds, latencies.into_iter().collect::<Result<_>>()?))
}

/// The python of the bench's venv (`bench/setup.sh` makes it once).
pub fn bench_python() -> Result<PathBuf> {
    Ok(crate::script_output("bench/setup.sh")?.join("python"))
}

/// Run `bench/peers.py` with `args`; the one JSON object it prints.
pub fn peer(python: &Path, repo: &Path, env: &[(&str, String)], args: &[String]) -> Result<Value> {
    let out = Command::new(python)
        .arg(repo.join("bench/peers.py"))
        .args(args)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("running bench/peers.py {}", args.join(" ")))?;
    if !out.status.success() {
        bail!("bench/peers.py {} failed; see the lines above", args[0]);
    }
    let stdout = String::from_utf8(out.stdout)?;
    let last = stdout
        .lines()
        .last()
        .context("bench/peers.py printed nothing")?;
    Ok(serde_json::from_str(last)?)
}

/// An AWS shared-credentials file with profile `a` (the shipper in A) and
/// `admin-b` (B's admin), for the peers; its path.
pub async fn credentials_file(world: &World, dir: &Path) -> Result<PathBuf> {
    let mut text = String::new();
    for (name, account) in [("a", &world.shipper), ("admin-b", &world.admin_b)] {
        let keys = account.keys().await?;
        text.push_str(&format!(
            "[{name}]\naws_access_key_id = {}\naws_secret_access_key = {}\n\n",
            keys.access_key_id(),
            keys.secret_access_key()
        ));
    }
    let path = dir.join("credentials");
    std::fs::write(&path, text)?;
    Ok(path)
}

/// Run `command` to the end; its wall seconds and peak RSS (MiB).
pub fn run_measured(command: &mut Command) -> Result<(f64, f64)> {
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting the measured process")?;
    let (status, peak_mib) = wait_with_peak_rss(&mut child)?;
    if !status.success() {
        bail!("the measured process failed: {status}");
    }
    Ok((started.elapsed().as_secs_f64(), peak_mib))
}

/// Wait for `child` to exit; its status and peak RSS (MiB, from
/// `/proc/<pid>/status` VmHWM, read until it exits).
pub fn wait_with_peak_rss(child: &mut Child) -> Result<(ExitStatus, f64)> {
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            let hwm = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok());
            peak_kib = peak_kib.max(hwm.unwrap_or(0));
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ok((status, peak_kib as f64 / 1024.0))
}

/// The repository root (this crate is `tests/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}
