//! Lambda entry point of the compactor ([`compactor::runtime`]).

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    compactor::runtime::run().await
}
