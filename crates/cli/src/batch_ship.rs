//! `logferry batch-ship`: a backfill larger than one machine, as an S3 Batch
//! Operations job that invokes the shipper function once per object.
//!
//! 1. The manifest: a CSV (`bucket,key`, keys URL-encoded) written from a
//!    listing or a file of URIs, streamed through a temporary file; or an S3
//!    Inventory report's `manifest.json`, taken as it is.
//! 2. The job: S3 Control `CreateJob`, `LambdaInvoke` with invocation
//!    schema 2.0, no confirmation, a priority, a completion report of the
//!    failed tasks in account A, and the Batch Operations role
//!    (`log_source`'s `batch_operations`).
//! 3. `DescribeJob` every [`POLL`] with a progress line, until it ends.
//! 4. The completion report, summarised: failed tasks by what the shipper
//!    answered ([`report`]).

mod report;

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use aws_sdk_s3control::types::{
    JobManifest, JobManifestFieldName, JobManifestFormat, JobManifestLocation, JobManifestSpec,
    JobOperation, JobReport, JobReportFormat, JobReportScope, JobStatus, LambdaInvokeOperation,
};
use clap::Args;
use logferry::error::one_line;

use crate::ship::parse_uri;

/// How often the job is asked how far it is.
pub const POLL: Duration = Duration::from_secs(10);

#[derive(Args, Debug)]
pub struct BatchShipArgs {
    /// Objects to ship: s3://bucket/prefix/ (listed into the manifest).
    #[arg(long, value_name = "URI", required_unless_present_any = ["from_file", "inventory"], conflicts_with_all = ["from_file", "inventory"])]
    source: Option<String>,
    /// Objects to ship: a file of s3:// URIs, one a line.
    #[arg(long, value_name = "FILE", conflicts_with = "inventory")]
    from_file: Option<PathBuf>,
    /// Objects to ship: an S3 Inventory report's manifest.json (CSV), used as the job's manifest.
    #[arg(long, value_name = "MANIFEST")]
    inventory: Option<String>,
    /// Where to write the CSV manifest (s3://bucket/key.csv in account A); not with --inventory.
    #[arg(long, value_name = "URI", required_unless_present = "inventory")]
    manifest: Option<String>,
    /// The shipper function's ARN.
    #[arg(long, value_name = "ARN")]
    function_arn: String,
    /// The Batch Operations role (log_source's batch_operations_role_arn).
    #[arg(long, value_name = "ARN")]
    role_arn: String,
    /// Where the completion report goes: s3://bucket/prefix in account A.
    #[arg(long, value_name = "URI")]
    report: String,
    /// Account A's id (the job's account); default LOGFERRY_SOURCE_ACCOUNT.
    #[arg(long, env = "LOGFERRY_SOURCE_ACCOUNT", value_name = "ID")]
    account_id: String,
    /// The job's priority (higher runs first).
    #[arg(long, default_value_t = 10)]
    priority: i32,
    /// Create the job and print its id, without following it.
    #[arg(long)]
    no_follow: bool,
}

/// The job to create, checked.
#[derive(Debug, Clone)]
pub struct JobSpec {
    pub account_id: String,
    pub function_arn: String,
    pub role_arn: String,
    /// `arn:aws:s3:::bucket/key` of the manifest, and its ETag.
    pub manifest_arn: String,
    pub manifest_etag: String,
    pub inventory: bool,
    pub report_bucket_arn: String,
    pub report_prefix: String,
    pub priority: i32,
}

pub async fn run(
    args: BatchShipArgs,
    sdk: &aws_config::SdkConfig,
) -> Result<std::process::ExitCode> {
    let s3 = aws_sdk_s3::Client::from_conf(logferry::s3::clients::s3_config(sdk).build());
    let control = aws_sdk_s3control::Client::new(sdk);
    let (report_bucket, report_prefix) = parse_uri(&args.report)?;
    let (manifest_arn, manifest_etag, inventory) = match (&args.inventory, &args.manifest) {
        (Some(inventory), _) => {
            let (arn, etag) = existing_object(&s3, inventory).await?;
            (arn, etag, true)
        }
        (None, Some(manifest)) => {
            let (arn, etag, count) = write_manifest(&s3, &args, manifest).await?;
            eprintln!("manifest {manifest}: {count} objects");
            (arn, etag, false)
        }
        (None, None) => {
            bail!("give --manifest s3://bucket/key.csv for the job's manifest, or --inventory")
        }
    };
    let spec = JobSpec {
        account_id: args.account_id.clone(),
        function_arn: args.function_arn.clone(),
        role_arn: args.role_arn.clone(),
        manifest_arn,
        manifest_etag,
        inventory,
        report_bucket_arn: format!("arn:aws:s3:::{report_bucket}"),
        report_prefix: report_prefix.trim_end_matches('/').to_string(),
        priority: args.priority,
    };
    let job_id = create_job(&control, &spec).await?;
    println!("job {job_id} created");
    if args.no_follow {
        return Ok(std::process::ExitCode::SUCCESS);
    }
    let ended = follow(&control, &spec.account_id, &job_id, POLL).await?;
    let summary = report::summarise(&s3, &report_bucket, &spec.report_prefix, &job_id).await?;
    summary.print();
    let complete = ended == JobStatus::Complete && summary.failed == 0;
    Ok(match complete {
        true => std::process::ExitCode::SUCCESS,
        false => std::process::ExitCode::FAILURE,
    })
}

/// The job's manifest: a CSV of `bucket,key`, or an inventory report.
fn job_manifest(spec: &JobSpec) -> Result<JobManifest> {
    let (format, fields) = match spec.inventory {
        true => (JobManifestFormat::S3InventoryReportCsv20161130, vec![]),
        false => (
            JobManifestFormat::S3BatchOperationsCsv20180820,
            vec![JobManifestFieldName::Bucket, JobManifestFieldName::Key],
        ),
    };
    let location = JobManifestLocation::builder()
        .object_arn(&spec.manifest_arn)
        .e_tag(&spec.manifest_etag)
        .build()?;
    Ok(JobManifest::builder()
        .spec(
            JobManifestSpec::builder()
                .format(format)
                .set_fields(Some(fields))
                .build()?,
        )
        .location(location)
        .build())
}

/// CreateJob: the job's id.
pub async fn create_job(control: &aws_sdk_s3control::Client, spec: &JobSpec) -> Result<String> {
    let manifest = job_manifest(spec)?;
    let operation = JobOperation::builder()
        .lambda_invoke(
            LambdaInvokeOperation::builder()
                .function_arn(&spec.function_arn)
                .invocation_schema_version("2.0")
                .build(),
        )
        .build();
    let report = JobReport::builder()
        .enabled(true)
        .bucket(&spec.report_bucket_arn)
        .prefix(&spec.report_prefix)
        .format(JobReportFormat::ReportCsv20180820)
        .report_scope(JobReportScope::FailedTasksOnly)
        .build();
    let out = control
        .create_job()
        .account_id(&spec.account_id)
        .confirmation_required(false)
        .operation(operation)
        .manifest(manifest)
        .report(report)
        .priority(spec.priority)
        .role_arn(&spec.role_arn)
        .description("logferry batch-ship")
        .client_request_token(format!("logferry-{}", crate::unique_name("batch-ship")))
        .send()
        .await
        .map_err(|e| {
            anyhow!(
                "CreateJob failed ({}); the caller needs s3:CreateJob and iam:PassRole on {}",
                one_line(&e),
                spec.role_arn
            )
        })?;
    out.job_id()
        .map(str::to_string)
        .context("CreateJob answered no job id")
}

/// DescribeJob every `poll` until the job ends: its last status. A job
/// that failed says why (its 50% task-failure threshold, a manifest it
/// could not read) in one line.
pub async fn follow(
    control: &aws_sdk_s3control::Client,
    account_id: &str,
    job_id: &str,
    poll: Duration,
) -> Result<JobStatus> {
    loop {
        let out = control
            .describe_job()
            .account_id(account_id)
            .job_id(job_id)
            .send()
            .await
            .map_err(|e| anyhow!("DescribeJob {job_id} failed ({})", one_line(&e)))?;
        let job = out.job().context("DescribeJob answered no job")?;
        let status = job.status().cloned().unwrap_or(JobStatus::New);
        let progress = job.progress_summary();
        let count = |n: Option<i64>| n.unwrap_or(0);
        eprintln!(
            "job {job_id}: {}, {} of {} tasks succeeded, {} failed",
            status.as_str(),
            count(progress.and_then(|p| p.number_of_tasks_succeeded())),
            count(progress.and_then(|p| p.total_number_of_tasks())),
            count(progress.and_then(|p| p.number_of_tasks_failed())),
        );
        match status {
            JobStatus::Complete => return Ok(status),
            JobStatus::Failed | JobStatus::Cancelled => {
                let reasons: Vec<String> = job
                    .failure_reasons()
                    .iter()
                    .map(|r| {
                        format!(
                            "{}: {}",
                            r.failure_code().unwrap_or("-"),
                            r.failure_reason().unwrap_or("-")
                        )
                    })
                    .collect();
                eprintln!(
                    "job {job_id} {}: {}; the completion report lists the failed tasks, fix their cause and ship them again",
                    status.as_str().to_lowercase(),
                    if reasons.is_empty() { "no reason given".into() } else { reasons.join("; ") }
                );
                return Ok(status);
            }
            _ => tokio::time::sleep(poll).await,
        }
    }
}

/// A manifest line: the bucket, and the key URL-encoded as Batch
/// Operations requires (the shipper decodes `+` and `%XX`).
pub fn manifest_line(bucket: &str, key: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    const KEY: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    format!("{bucket},{}\n", utf8_percent_encode(key, KEY))
}

/// Write the objects of `--source` or `--from-file` as a CSV manifest,
/// through a temporary file (memory stays flat): its ARN, ETag and length.
async fn write_manifest(
    s3: &aws_sdk_s3::Client,
    args: &BatchShipArgs,
    to: &str,
) -> Result<(String, String, u64)> {
    let (bucket, key) = parse_uri(to)?;
    let path = std::env::temp_dir().join(crate::unique_name("logferry-manifest"));
    let mut file =
        std::io::BufWriter::new(std::fs::File::create(&path).context("a temporary manifest")?);
    let mut count = 0u64;
    if let Some(source) = &args.source {
        let (source_bucket, prefix) = parse_uri(source)?;
        let mut pages = s3
            .list_objects_v2()
            .bucket(&source_bucket)
            .prefix(&prefix)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| anyhow!("listing {source} failed ({})", one_line(&e)))?;
            for object_key in page.contents().iter().filter_map(|o| o.key()) {
                file.write_all(manifest_line(&source_bucket, object_key).as_bytes())?;
                count += 1;
            }
        }
    }
    if let Some(list) = &args.from_file {
        let name = list.display().to_string();
        let text =
            std::fs::File::open(list).with_context(|| format!("cannot read --from-file {name}"))?;
        for (number, line) in (1..).zip(std::io::BufRead::lines(std::io::BufReader::new(text))) {
            let line = line.with_context(|| format!("reading --from-file {name}"))?;
            if let Some((b, k)) = crate::ship::uri_line(&line, &name, number)? {
                file.write_all(manifest_line(&b, &k).as_bytes())?;
                count += 1;
            }
        }
    }
    file.flush()?;
    drop(file);
    let body = aws_sdk_s3::primitives::ByteStream::from_path(&path).await?;
    let put = s3
        .put_object()
        .bucket(&bucket)
        .key(&key)
        .body(body)
        .content_type("text/csv")
        .send()
        .await;
    let _ = std::fs::remove_file(&path);
    let put = put.map_err(|e| anyhow!("writing the manifest {to} failed ({})", one_line(&e)))?;
    let etag = put
        .e_tag()
        .context("PutObject answered no ETag")?
        .trim_matches('"')
        .to_string();
    Ok((format!("arn:aws:s3:::{bucket}/{key}"), etag, count))
}

/// The ARN and ETag of an object that is there (an inventory's manifest.json).
async fn existing_object(s3: &aws_sdk_s3::Client, uri: &str) -> Result<(String, String)> {
    let (bucket, key) = parse_uri(uri)?;
    let head = s3
        .head_object()
        .bucket(&bucket)
        .key(&key)
        .send()
        .await
        .map_err(|e| anyhow!("cannot read {uri} ({})", one_line(&e)))?;
    let etag = head
        .e_tag()
        .context("HeadObject answered no ETag")?
        .trim_matches('"')
        .to_string();
    Ok((format!("arn:aws:s3:::{bucket}/{key}"), etag))
}

#[cfg(test)]
#[path = "batch_ship_tests.rs"]
mod tests;
