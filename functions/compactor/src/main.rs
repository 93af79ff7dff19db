//! Lambda entry point of the compactor (account B, on an EventBridge
//! Scheduler schedule): configuration and clients once per cold start.

use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use logferry::compact::Compactor;
use logferry::{load_sdk_config, ShipperConfig};
use serde_json::Value;
use std::time::SystemTime;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_ansi(false)
        .without_time()
        .init();
    let config = ShipperConfig::from_env()?;
    let schedule = compactor::Schedule::from_env(|name| std::env::var(name).ok())?;
    let query_prefix = compactor::query_prefix(|name| std::env::var(name).ok());
    let sdk = load_sdk_config(config.timeouts).await;
    let s3 = aws_sdk_s3::Client::from_conf(logferry::clients::s3_config(&sdk).build());
    let compactor = Compactor::for_archive(s3, &config, &query_prefix)?;
    let compactor = &compactor;
    run(service_fn(move |event: LambdaEvent<Value>| async move {
        let deadline_ms = event.context.deadline;
        let compactor = compactor::for_invocation(compactor, deadline_ms, SystemTime::now());
        compactor::handle(chrono::Utc::now(), &compactor, schedule).await
    }))
    .await
}
