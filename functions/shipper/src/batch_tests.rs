use super::*;
use crate::tests::{invoke, shipper_with_head_status};
use serde_json::json;

/// Schema 1.0, as S3's documentation shows it, with a key S3 encoded.
fn schema_1(key: &str) -> Value {
    json!({
        "invocationSchemaVersion": "1.0",
        "invocationId": "YXNkbGZqYWRmaiBhc2RmdW9hZHNmZGpmaGFzbGtkaGZza2RmaAo",
        "job": {"id": "f3cc4f60-61f6-4a2b-8a21-d07600c373ce"},
        "tasks": [{"taskId": "dGFza2lkZ29lc2hlcmUK", "s3Key": key, "s3VersionId": "1",
                   "s3BucketArn": "arn:aws:s3:::acme-logs"}]
    })
}

/// Schema 2.0: the bucket by name, and the job's user arguments.
fn schema_2(key: &str, arguments: Value) -> Value {
    json!({
        "invocationSchemaVersion": "2.0",
        "invocationId": "inv-2",
        "job": {"id": "job-2", "userArguments": arguments},
        "tasks": [{"taskId": "task-2", "s3Bucket": "acme-logs", "s3Key": key, "s3VersionId": null}]
    })
}

fn task(event: &Value) -> Task {
    let event: BatchEvent = serde_json::from_value(event.clone()).unwrap();
    event.tasks.into_iter().next().unwrap()
}

#[test]
fn keys_are_decoded_and_buckets_read_from_either_schema() {
    let one = object(&task(&schema_1("logs/a+b%2Bc%20%C3%BC.log")), None).unwrap();
    assert_eq!(
        (one.bucket.as_str(), one.key.as_str()),
        ("acme-logs", "logs/a b+c ü.log")
    );
    assert_eq!(one.version_id.as_deref(), Some("1"));
    let two = schema_2("logs/x%2By.log", json!({}));
    let two = object(&task(&two), Some("eu-west-1".into())).unwrap();
    assert_eq!(
        (two.bucket.as_str(), two.key.as_str()),
        ("acme-logs", "logs/x+y.log")
    );
    assert_eq!(two.region.as_deref(), Some("eu-west-1"));
    let mut bad = schema_1("k");
    bad["tasks"][0]["s3BucketArn"] = json!("acme-logs");
    assert!(object(&task(&bad), None)
        .unwrap_err()
        .contains("not an S3 bucket ARN"));
}

/// Each task's code follows its object's fate: denied and missing are
/// permanent, throttled is temporary (S3 redrives it).
#[tokio::test]
async fn each_task_gets_the_code_of_its_objects_fate() {
    let cases = [
        (
            403,
            "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>",
            "PermanentFailure",
        ),
        (404, "", "PermanentFailure"),
        (
            503,
            "<Error><Code>SlowDown</Code><Message>Reduce your request rate</Message></Error>",
            "TemporaryFailure",
        ),
    ];
    for (status, body, code) in cases {
        let shipper = shipper_with_head_status(status, body);
        let answer = invoke(&shipper, schema_1("logs/a.log")).await.unwrap();
        assert_eq!(
            answer["invocationId"],
            "YXNkbGZqYWRmaiBhc2RmdW9hZHNmZGpmaGFzbGtkaGZza2RmaAo"
        );
        assert_eq!(answer["invocationSchemaVersion"], "1.0");
        assert_eq!(answer["treatMissingKeysAs"], "PermanentFailure");
        let result = &answer["results"][0];
        assert_eq!(result["taskId"], "dGFza2lkZ29lc2hlcmUK");
        assert_eq!(result["resultCode"], code, "HTTP {status}: {result}");
        let line = result["resultString"].as_str().unwrap();
        assert!(!line.is_empty() && !line.contains('\n'), "{line}");
    }
}

#[tokio::test]
async fn unknown_user_arguments_and_schemas_are_refused_in_one_line() {
    let shipper = shipper_with_head_status(404, "");
    let answer = invoke(&shipper, schema_2("k", json!({"dryRun": "true"})))
        .await
        .unwrap();
    let result = &answer["results"][0];
    assert_eq!(result["resultCode"], "PermanentFailure");
    assert!(
        result["resultString"]
            .as_str()
            .unwrap()
            .contains("sourceRegion"),
        "{result}"
    );
    let mut three = schema_1("k");
    three["invocationSchemaVersion"] = json!("3.0");
    let failure = invoke(&shipper, three).await.unwrap_err();
    assert_eq!(failure.kind, "UnsupportedEvent");
    assert!(
        failure.message.contains("1.0 and 2.0"),
        "{}",
        failure.message
    );
}
