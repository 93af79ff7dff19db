//! logferry's writer as a Python extension module (`logferry._logferry`,
//! wrapped by `python/logferry`): a synchronous API over the async core,
//! for Glue jobs and any Python code.
//!
//! - `ship(uris, ...)`: what `logferry ship` does with its URIs (objects
//!   and prefixes of account A into the archive), returning its summary.
//! - `Writer(name, ...)`: a job's own bytes or files into the archive
//!   ([`logferry::output`]), under the key layout, with the ACL, verified.
//!
//! Every call releases the GIL while it waits on S3, on one runtime shared
//! by the process. Errors are `logferry.ShipError`, with the same one-line
//! message as the CLI's.

mod settings;

use std::future::Future;
use std::path::PathBuf;
use std::sync::OnceLock;

use logferry::output::Outputs;
use logferry::{load_sdk_config, Shipper, ShipperConfig};
use logferry_cli::ship::{ship_uris, Summary};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use settings::Keywords;

create_exception!(
    _logferry,
    ShipError,
    PyException,
    "A log or an output was not written, or the settings are wrong: one line naming the fix."
);

/// The process's runtime: made on first use, shared by every call.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("logferry")
            .build()
            .expect("a tokio runtime (threads and a timer) can be built")
    })
}

/// Run `work` on the runtime with the GIL released; its error as a `ShipError`.
fn block_on<T: Send>(
    py: Python<'_>,
    work: impl Future<Output = Result<T, String>> + Send,
) -> PyResult<T> {
    py.allow_threads(|| runtime().block_on(work))
        .map_err(ShipError::new_err)
}

/// A shipper for `config`, connected as the ambient AWS credentials allow.
async fn connect(config: ShipperConfig) -> Result<Shipper, String> {
    let sdk_config = load_sdk_config(config.timeouts).await;
    Shipper::connect(config, &sdk_config, std::convert::identity)
        .await
        .map_err(|e| e.to_string())
}

/// A call's settings keywords, each one of [`settings::KEYWORDS`] and a
/// string or a whole number; `None` is left out.
fn keywords(given: Option<&Bound<'_, PyDict>>) -> PyResult<Keywords> {
    let mut keywords = Keywords::default();
    for (key, value) in given.into_iter().flat_map(|d| d.iter()) {
        let key: String = key.extract()?;
        let Some((keyword, _)) = settings::KEYWORDS.iter().find(|(k, _)| *k == key) else {
            let known: Vec<&str> = settings::KEYWORDS.iter().map(|(k, _)| *k).collect();
            let fix = format!(
                "unexpected keyword argument `{key}`; the settings are {}",
                known.join(", ")
            );
            return Err(PyTypeError::new_err(fix));
        };
        if value.is_none() {
            continue;
        }
        let text = match value.extract::<String>() {
            Ok(text) => text,
            Err(_) => value
                .extract::<u64>()
                .map_err(|_| {
                    PyTypeError::new_err(format!("{key} must be a string or a whole number"))
                })?
                .to_string(),
        };
        keywords.set(keyword, Some(text));
    }
    Ok(keywords)
}

/// What a `ship()` did: counts, and the objects that did not land.
#[pyclass(frozen, get_all, module = "logferry")]
struct ShipSummary {
    shipped: u64,
    bytes: u64,
    already_archived: u64,
    changed: u64,
    skipped: u64,
    /// `(source, error, retryable)` for each object that did not land.
    failed: Vec<(String, String, bool)>,
}

#[pymethods]
impl ShipSummary {
    fn __repr__(&self) -> String {
        format!(
            "{} shipped ({} already archived, {} changed since archived), {} failed, {} skipped",
            self.shipped,
            self.already_archived,
            self.changed,
            self.failed.len(),
            self.skipped
        )
    }
}

impl From<Summary> for ShipSummary {
    fn from(summary: Summary) -> Self {
        ShipSummary {
            shipped: summary.shipped,
            bytes: summary.bytes,
            already_archived: summary.already_archived,
            changed: summary.changed,
            skipped: summary.skipped,
            failed: summary
                .failed
                .into_iter()
                .map(|f| (f.source, f.error, f.retryable))
                .collect(),
        }
    }
}

/// Ship the objects and prefixes `uris` (s3://bucket/key, s3://bucket/prefix/)
/// into the archive, as `logferry ship` does. Returns the summary; raises
/// `ShipError` when any object did not land (the summary is its `summary`).
#[pyfunction]
#[pyo3(signature = (uris, **settings))]
fn ship(
    py: Python<'_>,
    uris: Vec<String>,
    settings: Option<&Bound<'_, PyDict>>,
) -> PyResult<ShipSummary> {
    let keywords = keywords(settings)?;
    let config = keywords
        .config(Some(logferry_cli::ship::CONCURRENCY))
        .map_err(ShipError::new_err)?;
    let summary: ShipSummary = block_on(py, async move {
        let shipper = connect(config).await?;
        let source = shipper.clients().source.clone();
        let stop = std::future::pending::<()>();
        ship_uris(&shipper, &source, &uris, stop, |_| {})
            .await
            .map_err(|e| e.to_string())
    })?
    .into();
    if let Some((source, error, _)) = summary.failed.first() {
        let more = match summary.failed.len() {
            1 => String::new(),
            n => format!(" (and {} more; see the summary)", n - 1),
        };
        let err = ShipError::new_err(format!("{source}: {error}{more}"));
        err.value(py).setattr("summary", summary)?;
        return Err(err);
    }
    Ok(summary)
}

/// One output, verified in the archive.
#[pyclass(frozen, get_all, module = "logferry")]
struct Written {
    bucket: String,
    key: String,
    size: u64,
    /// The full-object CRC32C S3 stored (base64).
    crc32c: String,
}

#[pymethods]
impl Written {
    fn __repr__(&self) -> String {
        format!(
            "s3://{}/{} ({} bytes, CRC32C {})",
            self.bucket, self.key, self.size, self.crc32c
        )
    }
}

impl From<logferry::output::Written> for Written {
    fn from(w: logferry::output::Written) -> Self {
        Written {
            bucket: w.bucket,
            key: w.key,
            size: w.size,
            crc32c: w.crc32c,
        }
    }
}

/// Writes a job's own outputs into the archive: `name` (the job's, say) is
/// the `{bucket}` of their keys. Connects (and assumes the writer role) once.
#[pyclass(frozen, module = "logferry")]
struct Writer {
    outputs: Outputs,
}

#[pymethods]
impl Writer {
    #[new]
    #[pyo3(signature = (name, **settings))]
    fn new(py: Python<'_>, name: String, settings: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let keywords = keywords(settings)?;
        let config = keywords.config(None).map_err(ShipError::new_err)?;
        let outputs = block_on(py, async move {
            let shipper = connect(config).await?;
            Outputs::new(shipper, &name).map_err(|e| e.to_string())
        })?;
        Ok(Writer { outputs })
    }

    /// The archive key an output `name` written now gets.
    fn key(&self, name: &str) -> PyResult<String> {
        self.outputs
            .key(name, chrono::Utc::now())
            .map(|key| key.0)
            .map_err(|e| ShipError::new_err(e.to_string()))
    }

    /// Write `data` as the output `name`; raises `ShipError` if the key is taken.
    fn write_bytes(&self, py: Python<'_>, name: &str, data: &[u8]) -> PyResult<Written> {
        let size = data.len() as u64;
        let body = std::io::Cursor::new(bytes::Bytes::copy_from_slice(data));
        let written = block_on(py, async {
            let written = self.outputs.write(name, body, size).await;
            written.map_err(|e| e.to_string())
        })?;
        Ok(written.into())
    }

    /// Write the file at `path` as the output `name` (default: its file
    /// name), streamed: a few MiB in memory whatever its size.
    #[pyo3(signature = (path, name=None))]
    fn write_file(&self, py: Python<'_>, path: PathBuf, name: Option<String>) -> PyResult<Written> {
        let name = match name.or_else(|| Some(path.file_name()?.to_string_lossy().into_owned())) {
            Some(name) => name,
            None => {
                let fix = format!("{} has no file name; pass name=", path.display());
                return Err(ShipError::new_err(fix));
            }
        };
        let written = block_on(py, async {
            let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
            let file = tokio::fs::File::open(&path).await.map_err(cannot)?;
            let size = file.metadata().await.map_err(cannot)?.len();
            let written = self.outputs.write(&name, file, size).await;
            written.map_err(|e| e.to_string())
        })?;
        Ok(written.into())
    }
}

#[pymodule]
fn _logferry(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(ship, module)?)?;
    module.add_class::<Writer>()?;
    module.add_class::<Written>()?;
    module.add_class::<ShipSummary>()?;
    module.add("ShipError", module.py().get_type::<ShipError>())?;
    module.add("KEYWORDS", settings::KEYWORDS.to_vec())?;
    Ok(())
}
