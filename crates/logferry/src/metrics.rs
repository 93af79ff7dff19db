//! The report stage's numbers: CloudWatch Embedded Metric Format (EMF)
//! documents, one per invocation, run or flush, never one per object.
//!
//! "CloudWatch Logs extracts metrics from any log events that follow the
//! embedded metric format specification", and Lambda "automatically sends
//! everything that your function writes to standard output (STDOUT)" to its
//! log group (CloudWatch, "Using the embedded metric format with Lambda").
//! So a document is written to stdout as a line of its own, whole, in one
//! write: never inside a tracing message, which would make it text that
//! merely contains JSON, whatever `AWS_LAMBDA_LOG_FORMAT` says.
//!
//! The names, units, namespace and dimension are `infra/layout/metrics.json`,
//! which the alarms and dashboard in Terraform read too (a test compares).

use std::io::Write;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

use crate::error::ShipError;
use crate::ship::Shipped;

/// The namespace every metric is published in.
pub const NAMESPACE: &str = "logferry";
/// The one dimension: the function's name, or the service's.
pub const DIMENSION: &str = "Service";
/// "Arrays of numbers … MUST NOT contain more than 100 values" (EMF
/// specification, target members); more values go into further documents.
pub const MAX_VALUES: usize = 100;

/// Every metric logferry emits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Metric {
    ObjectsShipped,
    ObjectsSkipped,
    ObjectsFailedRetryable,
    ObjectsFailedPermanent,
    ObjectsAccessDenied,
    SourcesChanged,
    BytesShipped,
    LagSeconds,
    PartitionsWritten,
    PartitionsUnchanged,
    PartitionsDeferred,
    CompactedObjects,
    CompactedBytes,
}

impl Metric {
    pub const ALL: [Metric; 13] = [
        Metric::ObjectsShipped,
        Metric::ObjectsSkipped,
        Metric::ObjectsFailedRetryable,
        Metric::ObjectsFailedPermanent,
        Metric::ObjectsAccessDenied,
        Metric::SourcesChanged,
        Metric::BytesShipped,
        Metric::LagSeconds,
        Metric::PartitionsWritten,
        Metric::PartitionsUnchanged,
        Metric::PartitionsDeferred,
        Metric::CompactedObjects,
        Metric::CompactedBytes,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Metric::ObjectsShipped => "ObjectsShipped",
            Metric::ObjectsSkipped => "ObjectsSkipped",
            Metric::ObjectsFailedRetryable => "ObjectsFailedRetryable",
            Metric::ObjectsFailedPermanent => "ObjectsFailedPermanent",
            Metric::ObjectsAccessDenied => "ObjectsAccessDenied",
            Metric::SourcesChanged => "SourcesChanged",
            Metric::BytesShipped => "BytesShipped",
            Metric::LagSeconds => "LagSeconds",
            Metric::PartitionsWritten => "PartitionsWritten",
            Metric::PartitionsUnchanged => "PartitionsUnchanged",
            Metric::PartitionsDeferred => "PartitionsDeferred",
            Metric::CompactedObjects => "CompactedObjects",
            Metric::CompactedBytes => "CompactedBytes",
        }
    }

    /// Its EMF unit.
    pub fn unit(self) -> &'static str {
        match self {
            Metric::BytesShipped | Metric::CompactedBytes => "Bytes",
            Metric::LagSeconds => "Seconds",
            _ => "Count",
        }
    }
}

/// One EMF document being built: the service it is about, context
/// properties (not dimensions: they would multiply the metrics billed),
/// and the metrics' values.
#[derive(Debug, Clone)]
pub struct Document {
    root: Map<String, Value>,
    metrics: Vec<Metric>,
}

impl Document {
    pub fn new(service: &str) -> Self {
        let mut root = Map::new();
        root.insert(DIMENSION.into(), service.into());
        Document {
            root,
            metrics: Vec::new(),
        }
    }

    /// A property searchable in Logs Insights, not a dimension.
    pub fn property(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.root.insert(name.into(), value.into());
        self
    }

    /// One value of `metric`.
    pub fn value(mut self, metric: Metric, value: u64) -> Self {
        self.root.insert(metric.name().into(), value.into());
        self.metrics.push(metric);
        self
    }

    /// Several values of `metric` (at most [`MAX_VALUES`]): a distribution.
    pub fn values(mut self, metric: Metric, values: &[u64]) -> Self {
        debug_assert!(values.len() <= MAX_VALUES);
        self.root.insert(metric.name().into(), json!(values));
        self.metrics.push(metric);
        self
    }

    /// The document, stamped `at`.
    pub fn finish(self, at: DateTime<Utc>) -> Value {
        let definitions: Vec<Value> = self
            .metrics
            .iter()
            .map(|m| json!({"Name": m.name(), "Unit": m.unit()}))
            .collect();
        let mut root = self.root;
        root.insert(
            "_aws".into(),
            json!({
                "Timestamp": at.timestamp_millis(),
                "CloudWatchMetrics": [{
                    "Namespace": NAMESPACE,
                    "Dimensions": [[DIMENSION]],
                    "Metrics": definitions,
                }],
            }),
        );
        Value::Object(root)
    }
}

/// Where documents go: stdout, each a line written whole, or memory (tests).
#[derive(Debug, Clone, Default)]
pub struct Emitter {
    kept: Option<Arc<Mutex<Vec<Value>>>>,
}

impl Emitter {
    pub fn stdout() -> Self {
        Emitter { kept: None }
    }

    /// An emitter that keeps what it is given, for tests to read back.
    pub fn memory() -> Self {
        Emitter {
            kept: Some(Arc::default()),
        }
    }

    pub fn emit(&self, documents: Vec<Value>) {
        match &self.kept {
            Some(kept) => kept.lock().expect("not poisoned").extend(documents),
            None => {
                let mut out = std::io::stdout().lock();
                for document in documents {
                    let mut line = document.to_string();
                    line.push('\n');
                    // Metrics are not worth failing a run for.
                    let _ = out.write_all(line.as_bytes());
                }
                let _ = out.flush();
            }
        }
    }

    /// What a memory emitter was given.
    pub fn documents(&self) -> Vec<Value> {
        self.kept
            .as_ref()
            .map(|k| k.lock().expect("not poisoned").clone())
            .unwrap_or_default()
    }
}

/// The shipping numbers of one invocation, run or flush.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShipMetrics {
    pub shipped: u64,
    pub skipped: u64,
    pub retryable: u64,
    pub permanent: u64,
    pub access_denied: u64,
    /// Shipped objects whose source had changed since it was archived.
    pub changed: u64,
    pub bytes: u64,
    /// Whole seconds from each shipped log's own time to its landing: each
    /// one, or past [`MAX_LAGS`] (a long `logferry ship` run) a uniform
    /// sample of them, so memory does not grow with the objects.
    pub lags: Vec<u64>,
    /// Lags seen, sampled or not.
    pub lags_seen: u64,
}

/// Lags kept by one [`ShipMetrics`]: more than a Lambda invocation ships.
pub const MAX_LAGS: usize = 10_000;

impl ShipMetrics {
    /// Count one object's fate.
    pub fn record(&mut self, result: &Result<Shipped, ShipError>) {
        match result {
            Ok(s) => {
                self.shipped += 1;
                self.changed += u64::from(s.landing == crate::ship::Landing::Changed);
                self.bytes += s.size;
                let lag = (s.landed_at - s.logged_at).num_seconds().max(0);
                self.keep_lag(lag as u64);
            }
            Err(e) if e.is_skip() => self.skipped += 1,
            Err(ShipError::AccessDenied { .. }) => self.access_denied += 1,
            Err(e) if e.is_retryable() => self.retryable += 1,
            Err(_) => self.permanent += 1,
        }
    }

    /// Keep `lag`, or past [`MAX_LAGS`] keep each of the `n` seen with
    /// probability `MAX_LAGS / n` in place of a random kept one (reservoir
    /// sampling), so what is kept stays a uniform sample.
    pub(crate) fn keep_lag(&mut self, lag: u64) {
        self.lags_seen += 1;
        if self.lags.len() < MAX_LAGS {
            self.lags.push(lag);
            return;
        }
        // A splitmix64 step of the count: spread enough for a sample.
        let mut z = self.lags_seen.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        let slot = (z ^ (z >> 31)) % self.lags_seen;
        if let Some(kept) = self.lags.get_mut(slot as usize) {
            *kept = lag;
        }
    }

    /// Events that named nothing to ship (test events, other event kinds).
    pub fn skip(&mut self, count: usize) {
        self.skipped += count as u64;
    }

    /// The documents for `service`: one with every count and the first
    /// [`MAX_VALUES`] lags, then one per further [`MAX_VALUES`] lags.
    pub fn documents(&self, service: &str, auth_mode: &str, at: DateTime<Utc>) -> Vec<Value> {
        let document = || Document::new(service).property("AuthMode", auth_mode);
        let mut chunks = self.lags.chunks(MAX_VALUES);
        let mut first = document()
            .value(Metric::ObjectsShipped, self.shipped)
            .value(Metric::ObjectsSkipped, self.skipped)
            .value(Metric::ObjectsFailedRetryable, self.retryable)
            .value(Metric::ObjectsFailedPermanent, self.permanent)
            .value(Metric::ObjectsAccessDenied, self.access_denied)
            .value(Metric::SourcesChanged, self.changed)
            .value(Metric::BytesShipped, self.bytes);
        if let Some(lags) = chunks.next() {
            first = first.values(Metric::LagSeconds, lags);
        }
        let mut documents = vec![first.finish(at)];
        documents.extend(chunks.map(|lags| document().values(Metric::LagSeconds, lags).finish(at)));
        documents
    }
}

/// The compaction numbers of one run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CompactMetrics {
    pub written: u64,
    pub unchanged: u64,
    pub deferred: u64,
    /// Archived objects read into the outputs written.
    pub objects: u64,
    /// Gzip bytes of the outputs written.
    pub bytes: u64,
}

impl CompactMetrics {
    pub fn document(&self, service: &str, at: DateTime<Utc>) -> Value {
        Document::new(service)
            .value(Metric::PartitionsWritten, self.written)
            .value(Metric::PartitionsUnchanged, self.unchanged)
            .value(Metric::PartitionsDeferred, self.deferred)
            .value(Metric::CompactedObjects, self.objects)
            .value(Metric::CompactedBytes, self.bytes)
            .finish(at)
    }
}

/// The units a metric definition may name (EMF specification, `Unit`).
const UNITS: &[&str] = &[
    "Seconds",
    "Microseconds",
    "Milliseconds",
    "Bytes",
    "Kilobytes",
    "Megabytes",
    "Gigabytes",
    "Terabytes",
    "Bits",
    "Kilobits",
    "Megabits",
    "Gigabits",
    "Terabits",
    "Percent",
    "Count",
    "Bytes/Second",
    "Kilobytes/Second",
    "Megabytes/Second",
    "Gigabytes/Second",
    "Terabytes/Second",
    "Bits/Second",
    "Kilobits/Second",
    "Megabits/Second",
    "Gigabits/Second",
    "Terabits/Second",
    "Count/Second",
    "None",
];

/// Whether `document` is valid EMF, by the specification's rules: an `_aws`
/// object with an integer `Timestamp` and `CloudWatchMetrics` directives;
/// each directive a non-empty `Namespace`, dimension sets of at most 30
/// names that are root members holding strings, and at most 100 metric
/// definitions whose `Name` is a root member holding a number or an array
/// of at most 100 numbers, with a known `Unit`. The first rule broken.
pub fn check(document: &Value) -> Result<(), String> {
    let root = document.as_object().ok_or("not a JSON object")?;
    let aws = root
        .get("_aws")
        .and_then(Value::as_object)
        .ok_or("no _aws object")?;
    if !aws.get("Timestamp").is_some_and(|t| t.is_u64()) {
        return Err("_aws.Timestamp is not epoch milliseconds".into());
    }
    let directives = aws
        .get("CloudWatchMetrics")
        .and_then(Value::as_array)
        .ok_or("no _aws.CloudWatchMetrics array")?;
    for directive in directives {
        let namespace = directive["Namespace"].as_str().unwrap_or_default();
        if namespace.is_empty() || namespace.len() > 1024 {
            return Err(format!("Namespace `{namespace}` is not 1-1024 characters"));
        }
        for set in directive["Dimensions"]
            .as_array()
            .ok_or("Dimensions is not an array")?
        {
            let set = set.as_array().ok_or("a dimension set is not an array")?;
            if set.len() > 30 {
                return Err("a dimension set has more than 30 dimensions".into());
            }
            for name in set {
                let name = name.as_str().ok_or("a dimension name is not a string")?;
                if !root.get(name).is_some_and(Value::is_string) {
                    return Err(format!(
                        "dimension {name} is not a string member of the root"
                    ));
                }
            }
        }
        let metrics = directive["Metrics"]
            .as_array()
            .ok_or("Metrics is not an array")?;
        if metrics.len() > 100 {
            return Err("more than 100 metric definitions".into());
        }
        for metric in metrics {
            let name = metric["Name"].as_str().ok_or("a metric has no Name")?;
            if !UNITS.contains(&metric["Unit"].as_str().unwrap_or("None")) {
                return Err(format!("{name} has an unknown Unit {}", metric["Unit"]));
            }
            let numbers = match root.get(name) {
                Some(Value::Number(_)) => true,
                Some(Value::Array(values)) => {
                    values.len() <= MAX_VALUES && values.iter().all(Value::is_number)
                }
                _ => false,
            };
            if !numbers {
                return Err(format!(
                    "{name} is not a number or up to 100 numbers at the root"
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
