//! The Python package (issue 21), from its wheel: `make test` builds it
//! (`scripts/python-package.sh`, abi3 for CPython 3.9+ on manylinux2014) and
//! this test installs it into a directory of its own and runs its pytest
//! suite (`crates/python/tests`) on Python 3.9, Glue's, against the
//! emulator with IAM enforced, as account A's shipper identity, in both
//! modes. pytest checks what the package answers; this side checks
//! what landed in B: the bytes, and that B owns each object (the writer
//! role allows no write without `bucket-owner-full-control`).

use std::path::PathBuf;

use anyhow::{ensure, Context, Result};
use logferry_tests::faults::FaultProxy;
use logferry_tests::python::Wheel;
use logferry_tests::world::ACCOUNT_B;
use logferry_tests::{Mode, World};
use serde_json::{json, Map, Value};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The package's keywords for the variables the suite's shipper runs on.
fn keywords(environment: &[(&str, String)]) -> Value {
    let named = [
        ("LOGFERRY_DEST_BUCKET", "archive_bucket"),
        ("LOGFERRY_DEST_PREFIX", "archive_prefix"),
        ("LOGFERRY_SOURCE_ACCOUNT", "source_account"),
        ("LOGFERRY_AUTH_MODE", "auth_mode"),
        ("LOGFERRY_ROLE_ARN", "role_arn"),
        ("LOGFERRY_EXTERNAL_ID", "external_id"),
    ];
    let mut keywords = Map::new();
    for (variable, value) in environment {
        if let Some((_, keyword)) = named.iter().find(|(v, _)| v == variable) {
            keywords.insert(keyword.to_string(), json!(value));
        }
    }
    Value::Object(keywords)
}

/// Direct mode is the S4 case: B's bucket policy lets account A's identity
/// write only with `bucket-owner-full-control`, so every write of the
/// package is proven to carry it.
#[tokio::test]
async fn the_wheel_writes_into_b_directly_only_with_the_acl() -> Result<()> {
    from_python(Mode::Direct).await
}

#[tokio::test]
async fn the_wheel_writes_into_b_through_the_writer_role() -> Result<()> {
    from_python(Mode::AssumeRole).await
}

async fn from_python(mode: Mode) -> Result<()> {
    let wheel = Wheel::install()?;
    let world = World::strict().await?;
    let mut uris = Vec::new();
    for (key, body) in [("app/one.log", "one\n"), ("app/two.log", "two\n")] {
        world.put_source(key, body).await?;
        uris.push(format!("s3://{}/{key}", world.source_bucket));
    }
    // The archive's policy denies requests not made over TLS; the proxy
    // marks each as the suite's own clients do (X-Forwarded-Proto).
    let proxy = FaultProxy::start(&world.endpoint).await?;
    proxy.as_https();
    let environment = world
        .logferry_environment(&world.shipper, mode, &proxy.url)
        .await?;
    let results = wheel.scratch("results.jsonl");
    // Run without blocking the runtime: the proxy serves pytest's requests on it.
    let mut pytest = tokio::process::Command::new(&wheel.python);
    pytest
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "crates/python/tests",
        ])
        .current_dir(repo())
        .env("PYTHONPATH", &wheel.site)
        .env("LOGFERRY_TEST_SITE", &wheel.site)
        .env("LOGFERRY_TEST_SETTINGS", keywords(&environment).to_string())
        .env("LOGFERRY_TEST_OBJECTS", json!(uris).to_string())
        .env("LOGFERRY_TEST_RESULTS", &results)
        .env(
            "LOGFERRY_TEST_GLUE_SCRIPT",
            repo().join("infra/modules/glue_writer_job/script/ship_job.py"),
        );
    for (variable, value) in environment.iter().filter(|(v, _)| v.starts_with("AWS_")) {
        pytest.env(variable, value);
    }
    let ran = pytest.output().await.context("running pytest")?;
    ensure!(
        ran.status.success(),
        "pytest failed:\n{}{}",
        String::from_utf8_lossy(&ran.stdout),
        String::from_utf8_lossy(&ran.stderr)
    );

    let written: Vec<Value> = std::fs::read_to_string(&results)?
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    let by_name = |name: &str| {
        written
            .iter()
            .find(|r| r["name"] == name)
            .with_context(|| format!("pytest recorded no {name} result"))
    };
    let bytes = by_name("bytes")?;
    let (data, _) = world
        .archived(bytes["key"].as_str().unwrap_or_default())
        .await?;
    ensure!(
        data == bytes["data"].as_str().unwrap_or_default().as_bytes(),
        "the written bytes differ in B"
    );
    let file = by_name("file")?;
    let (data, _) = world
        .archived(file["key"].as_str().unwrap_or_default())
        .await?;
    ensure!(
        data.len() as u64 == file["size"].as_u64().unwrap_or_default(),
        "the written file's size differs in B"
    );
    let line = file["line"].as_str().unwrap_or_default().as_bytes();
    ensure!(
        data.chunks(line.len()).all(|chunk| line.starts_with(chunk)),
        "the written file's bytes differ in B"
    );

    let mut keys = vec![
        bytes["key"].as_str().unwrap_or_default().to_string(),
        file["key"].as_str().unwrap_or_default().to_string(),
    ];
    for uri in &uris {
        keys.push(
            world
                .expected_key(
                    uri.rsplit_once(&format!("{}/", world.source_bucket))
                        .map(|(_, k)| k)
                        .unwrap_or_default(),
                )
                .await?,
        );
    }
    for key in &keys {
        let acl = world
            .admin_b
            .s3()
            .get_object_acl()
            .bucket(&world.archive_bucket)
            .key(key)
            .send()
            .await?;
        ensure!(
            acl.owner().and_then(|o| o.id()) == Some(ACCOUNT_B),
            "{key} is not owned by B"
        );
    }
    world.assert_no_uploads_left().await?;
    Ok(())
}
