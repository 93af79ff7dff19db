//! A Batch Operations job's completion report, summarised: S3 writes
//! `<prefix>/job-<id>/manifest.json`, naming CSV result files whose rows are
//! `Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode,
//! ResultMessage`; for a Lambda task the message is the shipper's
//! one-line `resultString`. Failed tasks are counted by their code and
//! message with the objects' names taken out, so a thousand objects denied
//! for one reason are one line. The job reports failed tasks only, so each
//! file is read whole.

use std::collections::BTreeMap;

use anyhow::{anyhow, Context, Result};
use logferry::error::one_line;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Manifest {
    results: Vec<ResultFile>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ResultFile {
    task_execution_status: String,
    bucket: String,
    key: String,
}

/// Failed tasks by cause, with one example object each.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub failed: u64,
    pub succeeded: u64,
    pub causes: BTreeMap<String, (u64, String)>,
}

impl Summary {
    /// Count one row of a result file.
    pub fn add(&mut self, row: &csv::StringRecord) {
        let field = |i: usize| row.get(i).unwrap_or_default();
        if field(3).eq_ignore_ascii_case("succeeded") {
            self.succeeded += 1;
            return;
        }
        self.failed += 1;
        let cause = format!("{}: {}", field(4), without_objects(field(6)));
        let example = format!("s3://{}/{}", field(0), field(1));
        self.causes.entry(cause).or_insert((0, example)).0 += 1;
    }

    pub fn print(&self) {
        if self.failed == 0 {
            println!("completion report: no failed tasks");
            return;
        }
        let mut causes: Vec<_> = self.causes.iter().collect();
        causes.sort_by_key(|(_, (count, _))| std::cmp::Reverse(*count));
        println!("completion report: {} tasks failed", self.failed);
        for (cause, (count, example)) in causes {
            println!("  {count} × {cause} (e.g. {example})");
        }
    }
}

/// A message with each `s3://…` object name replaced, so causes group.
pub fn without_objects(message: &str) -> String {
    message
        .split(' ')
        .map(|word| match word.starts_with("s3://") {
            true => "s3://…",
            false => word,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Read the report of `job_id` under `prefix` in `bucket`.
pub async fn summarise(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    prefix: &str,
    job_id: &str,
) -> Result<Summary> {
    let at = format!(
        "{}job-{job_id}/manifest.json",
        match prefix {
            "" => String::new(),
            p => format!("{p}/"),
        }
    );
    let read = |key: String| async move {
        let out = s3.get_object().bucket(bucket).key(&key).send().await.map_err(|e| {
            anyhow!("cannot read the completion report s3://{bucket}/{key} ({}); the caller needs s3:GetObject on the report prefix", one_line(&e))
        })?;
        anyhow::Ok(
            out.body
                .collect()
                .await
                .context("reading the completion report")?
                .into_bytes(),
        )
    };
    let manifest: Manifest = serde_json::from_slice(&read(at.clone()).await?).map_err(|e| {
        anyhow!("s3://{bucket}/{at} is not a Batch Operations completion report ({e})")
    })?;
    let mut summary = Summary::default();
    for file in manifest.results {
        let bytes = read(file.key.clone()).await?;
        let mut rows = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes.as_ref());
        for row in rows.records() {
            let row =
                row.with_context(|| format!("s3://{}/{}: a malformed row", file.bucket, file.key))?;
            summary.add(&row);
        }
        tracing::debug!(status = %file.task_execution_status, key = %file.key, "report file read");
    }
    Ok(summary)
}
