//! Lambda entry point: tracing, configuration and clients once per cold
//! start, then the handler for every event.

use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use logferry::{load_sdk_config, Shipper, ShipperConfig};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let (filter, json) = shipper::log_settings(|name| std::env::var(name).ok());
    let filter = tracing_subscriber::EnvFilter::try_new(&filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Lambda adds its own timestamps; no colour codes in CloudWatch.
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .without_time();
    if json {
        logs.json().with_current_span(true).init();
    } else {
        logs.init();
    }

    let config = ShipperConfig::from_env().map_err(|e| {
        tracing::error!("{e}");
        e
    })?;
    let sdk_config = load_sdk_config(config.timeouts).await;
    let shipper = Shipper::connect(config, &sdk_config, std::convert::identity).await?;
    let shipper = &shipper;
    run(service_fn(move |event: LambdaEvent<Value>| async move {
        shipper::handle(event, shipper).await
    }))
    .await
}
