//! Lambda entry point: tracing, configuration and clients once per cold
//! start, then the handler for every event.

use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use logferry::{load_sdk_config, Shipper, ShipperConfig};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,aws_config=warn".into()),
        )
        .with_current_span(true)
        .without_time()
        .init();

    let config = ShipperConfig::from_env().map_err(|e| {
        tracing::error!("{e}");
        e
    })?;
    let shipper =
        Shipper::connect(config, &load_sdk_config().await, std::convert::identity).await?;
    let shipper = &shipper;
    run(service_fn(move |event: LambdaEvent<Value>| async move {
        shipper::handle(event, shipper).await
    }))
    .await
}
