//! S3 Batch Operations (issue 17): the shipper Lambda's handler answers
//! `LambdaInvoke` tasks of both invocation schemas, as S3's documentation
//! shows them, with each task's result matching its object's fate, on the
//! emulator with IAM enforced. Keys arrive URL-encoded (`+`, `%2B`,
//! spaces, unicode).

use anyhow::{ensure, Result};
use lambda_runtime::{Context, LambdaEvent};
use logferry_tests::world::REGION;
use logferry_tests::{Mode, World};
use serde_json::{json, Value};

async fn invoke(world: &World, payload: Value) -> Result<Value> {
    let shipper = world.shipper(world.config(Mode::AssumeRole)).await?;
    let emitter = logferry::metrics::Emitter::memory();
    let event = LambdaEvent::new(payload, Context::default());
    shipper::handle(event, &shipper, &emitter)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

fn codes(answer: &Value) -> Vec<(String, String)> {
    answer["results"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            let field = |f: &str| r[f].as_str().unwrap_or_default().to_string();
            (field("taskId"), field("resultCode"))
        })
        .collect()
}

#[tokio::test]
async fn batch_operations_tasks_of_both_schemas_answer_each_objects_fate() -> Result<()> {
    let world = World::strict().await?;
    for key in ["batch/a b+c.log", "batch/ü é.log", "batch/x+y.log"] {
        world.put_source(key, format!("{key}\n")).await?;
    }
    let arn = format!("arn:aws:s3:::{}", world.source_bucket);
    let one = json!({
        "invocationSchemaVersion": "1.0",
        "invocationId": "YXNkbGZqYWRmaiBhc2RmdW9hZHNmZGpmaGFzbGtkaGZza2RmaAo",
        "job": {"id": "f3cc4f60-61f6-4a2b-8a21-d07600c373ce"},
        "tasks": [
            {"taskId": "plus-space", "s3Key": "batch/a+b%2Bc.log", "s3VersionId": null, "s3BucketArn": arn},
            {"taskId": "unicode", "s3Key": "batch/%C3%BC+%C3%A9.log", "s3VersionId": null, "s3BucketArn": arn},
            {"taskId": "missing", "s3Key": "batch/missing.log", "s3VersionId": null, "s3BucketArn": arn}
        ]
    });
    let answer = invoke(&world, one).await?;
    ensure!(
        answer["invocationSchemaVersion"] == "1.0"
            && answer["treatMissingKeysAs"] == "PermanentFailure",
        "{answer}"
    );
    let expected = [
        ("plus-space", "Succeeded"),
        ("unicode", "Succeeded"),
        ("missing", "PermanentFailure"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(t, c)| (t.to_string(), c.to_string()))
        .collect();
    ensure!(codes(&answer) == expected, "{answer}");

    let two = json!({
        "invocationSchemaVersion": "2.0",
        "invocationId": "inv-2",
        "job": {"id": "job-2", "userArguments": {"sourceRegion": REGION}},
        "tasks": [{"taskId": "encoded-plus", "s3Bucket": world.source_bucket, "s3Key": "batch/x%2By.log", "s3VersionId": null}]
    });
    let answer = invoke(&world, two).await?;
    ensure!(
        codes(&answer) == [("encoded-plus".to_string(), "Succeeded".to_string())],
        "{answer}"
    );
    let landed = answer["results"][0]["resultString"]
        .as_str()
        .unwrap_or_default();

    let archived = world.archive_keys().await?;
    for key in ["batch/a b+c.log", "batch/ü é.log", "batch/x+y.log"] {
        let dest = world.expected_key(key).await?;
        ensure!(archived.contains(&dest), "{dest} not in {archived:?}");
    }
    ensure!(
        landed.contains(&world.expected_key("batch/x+y.log").await?),
        "{landed}"
    );
    Ok(())
}
