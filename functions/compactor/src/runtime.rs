//! The Lambda process of the compactor (account B, on an EventBridge
//! Scheduler schedule): the runtime's own tracing set-up, then settings and
//! clients once per cold start, then [`crate::handle`] for every scheduled
//! event. `main` is this and nothing else, so a test can run the very
//! process Lambda runs (`tests/tests/lambda_watch.rs`).

use lambda_runtime::{service_fn, Error, LambdaEvent};
use logferry::compact::Compactor;
use logferry::{load_sdk_config, settings};
use serde_json::Value;
use std::time::SystemTime;

use crate::Environment;

pub async fn run() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let (config, schedule) =
        Environment::read(&settings::process_environment()).map_err(|errors| {
            let lines = settings::join(&errors);
            tracing::error!("{lines}");
            lines
        })?;
    let sdk = load_sdk_config(config.timeouts).await;
    let s3 = aws_sdk_s3::Client::from_conf(logferry::s3::clients::s3_config(&sdk).build());
    let compactor = Compactor::new(s3, &config);
    let (compactor, emitter) = (&compactor, &logferry::metrics::Emitter::stdout());
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let deadline_ms = event.context.deadline;
        let service = event.context.env_config.function_name.clone();
        let compactor = crate::for_invocation(compactor, deadline_ms, SystemTime::now());
        crate::handle(chrono::Utc::now(), &compactor, schedule, emitter, &service).await
    }))
    .await
}
