//! `batch-ship` at the HTTP boundary: the S3 Control requests it makes are
//! checked field by field against the SDK's mock client (the emulator has
//! no Batch Operations jobs), and the report summary on rows as S3 writes
//! them.

use super::*;
use aws_sdk_s3control::operation::create_job::CreateJobOutput;
use aws_sdk_s3control::operation::describe_job::DescribeJobOutput;
use aws_sdk_s3control::types::{JobDescriptor, JobFailure, JobProgressSummary};
use aws_smithy_mocks::{mock, mock_client, RuleMode};

const FUNCTION: &str = "arn:aws:lambda:eu-west-1:111122223333:function:logferry-shipper";
const ROLE: &str = "arn:aws:iam::111122223333:role/logferry-batch-operations";

fn spec(inventory: bool) -> JobSpec {
    JobSpec {
        account_id: "111122223333".into(),
        function_arn: FUNCTION.into(),
        role_arn: ROLE.into(),
        manifest_arn: "arn:aws:s3:::acme-manifests/backfill.csv".into(),
        manifest_etag: "etag1".into(),
        inventory,
        report_bucket_arn: "arn:aws:s3:::acme-manifests".into(),
        report_prefix: "reports".into(),
        priority: 10,
    }
}

#[tokio::test]
async fn the_job_invokes_the_shipper_without_confirmation_and_reports_failures() {
    let create = mock!(aws_sdk_s3control::Client::create_job)
        .match_requests(|r| {
            let lambda = r.operation().and_then(|o| o.lambda_invoke());
            let manifest = r.manifest();
            let spec = manifest.and_then(|m| m.spec());
            let report = r.report();
            r.account_id() == Some("111122223333")
                && r.confirmation_required() == Some(false)
                && r.priority() == Some(10)
                && r.role_arn() == Some(ROLE)
                && lambda.and_then(|l| l.function_arn()) == Some(FUNCTION)
                && lambda.and_then(|l| l.invocation_schema_version()) == Some("2.0")
                && spec.map(|s| s.format())
                    == Some(&JobManifestFormat::S3BatchOperationsCsv20180820)
                && spec.map(|s| s.fields().len()) == Some(2)
                && manifest
                    .and_then(|m| m.location())
                    .map(|l| (l.object_arn(), l.e_tag()))
                    == Some(("arn:aws:s3:::acme-manifests/backfill.csv", "etag1"))
                && report.map(|rep| {
                    rep.enabled()
                        && rep.report_scope() == Some(&JobReportScope::FailedTasksOnly)
                        && rep.prefix() == Some("reports")
                        && rep.bucket() == Some("arn:aws:s3:::acme-manifests")
                }) == Some(true)
        })
        .then_output(|| CreateJobOutput::builder().job_id("job-1").build());
    let client = mock_client!(aws_sdk_s3control, RuleMode::MatchAny, [&create]);
    assert_eq!(create_job(&client, &spec(false)).await.unwrap(), "job-1");
    assert_eq!(create.num_calls(), 1);

    let inventory = mock!(aws_sdk_s3control::Client::create_job)
        .match_requests(|r| {
            let spec = r.manifest().and_then(|m| m.spec());
            spec.map(|s| (s.format(), s.fields().is_empty()))
                == Some((&JobManifestFormat::S3InventoryReportCsv20161130, true))
        })
        .then_output(|| CreateJobOutput::builder().job_id("job-2").build());
    let client = mock_client!(aws_sdk_s3control, RuleMode::MatchAny, [&inventory]);
    assert_eq!(create_job(&client, &spec(true)).await.unwrap(), "job-2");
}

fn described(status: JobStatus, succeeded: i64, failed: i64) -> DescribeJobOutput {
    let progress = JobProgressSummary::builder()
        .total_number_of_tasks(10)
        .number_of_tasks_succeeded(succeeded)
        .number_of_tasks_failed(failed)
        .build();
    let mut job = JobDescriptor::builder()
        .job_id("job-1")
        .status(status.clone())
        .progress_summary(progress);
    if status == JobStatus::Failed {
        job = job.failure_reasons(
            JobFailure::builder()
                .failure_code("TaskFailureThresholdExceeded")
                .failure_reason("more than 50% of the tasks failed")
                .build(),
        );
    }
    DescribeJobOutput::builder().job(job.build()).build()
}

#[tokio::test]
async fn following_a_job_ends_with_its_last_status() {
    let active = mock!(aws_sdk_s3control::Client::describe_job)
        .match_requests(|r| r.job_id() == Some("job-1") && r.account_id() == Some("111122223333"))
        .then_output(|| described(JobStatus::Active, 4, 1));
    let failed = mock!(aws_sdk_s3control::Client::describe_job)
        .then_output(|| described(JobStatus::Failed, 4, 6));
    let client = mock_client!(aws_sdk_s3control, RuleMode::Sequential, [&active, &failed]);
    let status = follow(&client, "111122223333", "job-1", Duration::from_millis(1))
        .await
        .unwrap();
    assert_eq!(status, JobStatus::Failed);
    assert_eq!((active.num_calls(), failed.num_calls()), (1, 1));
}

#[test]
fn manifest_keys_are_url_encoded_so_the_shipper_decodes_them_back() {
    let line = manifest_line("acme-logs", "logs/a b+c ü.log");
    assert_eq!(line, "acme-logs,logs/a%20b%2Bc%20%C3%BC.log\n");
    let key = line.trim_end().split_once(',').unwrap().1;
    assert_eq!(
        logferry::ship::event::decode_key(key).unwrap(),
        "logs/a b+c ü.log"
    );
}

#[test]
fn failed_tasks_are_counted_by_cause_not_by_object() {
    let report = "\
acme-logs,a.log,,failed,PermanentFailure,200,HeadObject on source s3://acme-logs/a.log was denied: grant s3:GetObject
acme-logs,b.log,,failed,PermanentFailure,200,HeadObject on source s3://acme-logs/b.log was denied: grant s3:GetObject
acme-logs,c.log,,failed,TemporaryFailure,200,PutObject on archive s3://archive/c.log: SlowDown
acme-logs,d.log,,succeeded,,200,s3://archive/d.log (4 bytes)
";
    let mut summary = report::Summary::default();
    for row in csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(report.as_bytes())
        .records()
    {
        summary.add(&row.unwrap());
    }
    assert_eq!((summary.failed, summary.succeeded), (3, 1));
    let denied = &summary.causes
        ["PermanentFailure: HeadObject on source s3://… was denied: grant s3:GetObject"];
    assert_eq!(denied, &(2, "s3://acme-logs/a.log".to_string()));
    assert_eq!(summary.causes.len(), 2);
}
