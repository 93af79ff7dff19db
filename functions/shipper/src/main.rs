//! Lambda entry point: tracing, configuration and clients once per cold
//! start, then the handler for every event.

use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use logferry::{build_clients, caller_account, load_sdk_config, Shipper, ShipperConfig};
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
    let sdk_config = load_sdk_config().await;
    let clients = build_clients(&config, &sdk_config, std::convert::identity).await?;
    let account = match &config.source_account {
        Some(account) => account.clone(),
        None => caller_account(&sdk_config).await?,
    };
    let region = sdk_config
        .region()
        .map(|r| r.to_string())
        .unwrap_or_else(|| "us-east-1".to_string());
    let shipper = Shipper::new(config, clients, account, region);
    let shipper = &shipper;
    run(service_fn(move |event: LambdaEvent<Value>| async move {
        shipper::handle(event, shipper).await
    }))
    .await
}
