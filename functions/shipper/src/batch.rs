//! S3 Batch Operations `LambdaInvoke` tasks: for a backfill larger than one
//! machine (`logferry batch-job` creates the job). Each task names one
//! object of the job's manifest; each gets a result:
//!
//! - `Succeeded`, with where it landed;
//! - `TemporaryFailure` for what may pass on a retry (throttling, a
//!   timeout, a conflict), which S3 redrives;
//! - `PermanentFailure` for what will not (access denied, a key that is too
//!   long, an object that does not exist).
//!
//! Schema 1.0 names the bucket by `s3BucketArn`, schema 2.0 by `s3Bucket`
//! and carries the job's `userArguments`. Keys arrive URL-encoded, as S3's
//! own example function decodes them (`unquote_plus`): a space is `+`.

use std::collections::HashMap;

use logferry::metrics::ShipMetrics;
use logferry::ship::event::decode_key;
use logferry::{ObjectRef, ShipError, Shipped, Shipper};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Failure;

/// The job's `userArguments` that mean something to logferry.
const REGION: &str = "sourceRegion";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchEvent {
    invocation_schema_version: String,
    invocation_id: String,
    job: Job,
    tasks: Vec<Task>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Job {
    #[serde(default)]
    user_arguments: HashMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Task {
    task_id: String,
    s3_key: String,
    #[serde(default)]
    s3_version_id: Option<String>,
    /// Schema 1.0.
    #[serde(default)]
    s3_bucket_arn: Option<String>,
    /// Schema 2.0.
    #[serde(default)]
    s3_bucket: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Response {
    invocation_schema_version: String,
    treat_missing_keys_as: &'static str,
    invocation_id: String,
    results: Vec<TaskResult>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct TaskResult {
    task_id: String,
    result_code: &'static str,
    result_string: String,
}

/// Whether `payload` is a Batch Operations invocation.
pub fn is_batch(payload: &Value) -> bool {
    payload.get("invocationSchemaVersion").is_some() && payload.get("tasks").is_some()
}

/// Ship each task's object and answer each task.
pub async fn handle(
    payload: Value,
    shipper: &Shipper,
    metrics: &mut ShipMetrics,
) -> Result<Value, Failure> {
    let event: BatchEvent = serde_json::from_value(payload).map_err(|e| {
        Failure::new(
            "MalformedEvent",
            format!("malformed S3 Batch Operations event: {e}"),
        )
    })?;
    if !matches!(event.invocation_schema_version.as_str(), "1.0" | "2.0") {
        let version = &event.invocation_schema_version;
        return Err(Failure::new("UnsupportedEvent", format!("S3 Batch Operations invocation schema {version}: logferry takes 1.0 and 2.0; set InvocationSchemaVersion to one of them")));
    }
    let unknown: Vec<&String> = (event.job.user_arguments.keys())
        .filter(|k| k.as_str() != REGION)
        .collect();
    let region = event.job.user_arguments.get(REGION).cloned();
    let mut results = Vec::new();
    let mut objects = Vec::new();
    for task in event.tasks {
        match object(&task, region.clone()) {
            Ok(_) if !unknown.is_empty() => results.push(refused(
                task.task_id,
                format!("unknown userArguments {unknown:?}; logferry takes only {REGION}"),
            )),
            Ok(object) => objects.push((task.task_id, object)),
            Err(why) => results.push(refused(task.task_id, why)),
        }
    }
    let ids: Vec<String> = objects.iter().map(|(id, _)| id.clone()).collect();
    let refs = objects.into_iter().map(|(_, o)| o).collect();
    for (id, (_, result)) in ids.into_iter().zip(shipper.ship_many(refs).await) {
        metrics.record(&result);
        results.push(answer(id, &result));
    }
    let response = Response {
        invocation_schema_version: event.invocation_schema_version,
        treat_missing_keys_as: "PermanentFailure",
        invocation_id: event.invocation_id,
        results,
    };
    serde_json::to_value(response).map_err(|e| Failure::new("Internal", e.to_string()))
}

/// The object a task names, its key decoded.
fn object(task: &Task, region: Option<String>) -> Result<ObjectRef, String> {
    let bucket = match (&task.s3_bucket, &task.s3_bucket_arn) {
        (Some(bucket), _) => bucket.clone(),
        (None, Some(arn)) => match arn.strip_prefix("arn:aws:s3:::") {
            Some(bucket) => bucket.to_string(),
            None => return Err(format!("s3BucketArn `{arn}` is not an S3 bucket ARN")),
        },
        (None, None) => return Err("the task names no bucket (s3BucketArn or s3Bucket)".into()),
    };
    let key = decode_key(&task.s3_key)?;
    let mut object = ObjectRef::new(bucket, key);
    object.version_id = task.s3_version_id.clone();
    object.region = region;
    Ok(object)
}

fn refused(task_id: String, why: String) -> TaskResult {
    TaskResult {
        task_id,
        result_code: "PermanentFailure",
        result_string: why,
    }
}

/// A task's result: the object's fate, in one line.
fn answer(task_id: String, result: &Result<Shipped, ShipError>) -> TaskResult {
    let (result_code, result_string) = match result {
        Ok(s) => (
            "Succeeded",
            format!(
                "s3://{}/{} ({} bytes, {:?})",
                s.dest_bucket, s.dest_key, s.size, s.landing
            ),
        ),
        Err(e) if e.is_skip() => (
            "PermanentFailure",
            format!("the object does not exist (deleted since the manifest was written): {e}"),
        ),
        Err(e) if e.is_retryable() => ("TemporaryFailure", e.to_string()),
        Err(e) => ("PermanentFailure", e.to_string()),
    };
    TaskResult {
        task_id,
        result_code,
        result_string: one_line(result_string),
    }
}

/// At most 1,024 characters of one line: what a completion report's CSV
/// cell holds well.
fn one_line(text: String) -> String {
    let line = text.replace(['\n', '\r'], " ");
    match line.char_indices().nth(1024) {
        Some((cut, _)) => line[..cut].to_string(),
        None => line,
    }
}

#[cfg(test)]
#[path = "batch_tests.rs"]
mod tests;
