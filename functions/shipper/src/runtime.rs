//! The Lambda process: the runtime's own tracing set-up (Lambda's log level
//! and format controls), configuration and clients once per cold start,
//! then [`crate::handle`] for every event. `main` is this and nothing else,
//! so a test can run the very process Lambda runs
//! (`tests/tests/lambda_watch.rs`, under `cargo lambda watch`).

use lambda_runtime::{service_fn, Error, LambdaEvent};
use logferry::{load_sdk_config, settings, Shipper, ShipperConfig};
use serde_json::Value;

pub async fn run() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let config =
        ShipperConfig::from_environment(&settings::process_environment()).map_err(|errors| {
            let lines = settings::join(&errors);
            tracing::error!("{lines}");
            lines
        })?;
    let sdk_config = load_sdk_config(config.timeouts).await;
    let shipper = Shipper::connect(config, &sdk_config, std::convert::identity).await?;
    let (shipper, emitter) = (&shipper, &logferry::metrics::Emitter::stdout());
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        crate::handle(event, shipper, emitter).await
    }))
    .await
}
