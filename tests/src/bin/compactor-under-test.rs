//! The compactor Lambda's process, built into this package so that its tests can
//! run it under `cargo lambda watch`: Cargo hands integration tests the
//! path of their own package's binaries only.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    compactor::runtime::run().await
}
