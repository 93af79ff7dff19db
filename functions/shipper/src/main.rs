//! Lambda entry point of the shipper ([`shipper::runtime`]).

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shipper::runtime::run().await
}
