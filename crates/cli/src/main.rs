//! `logferry`: the writer for ECS tasks and batch jobs.
//!
//! - `logferry worker` polls an SQS queue of S3 notifications (ECS service).
//! - `logferry ship s3://bucket/key ...` copies given objects or whole
//!   prefixes (Glue, Batch, one-off backfills).
//!
//! Both read the same `LOGFERRY_*` settings as the Lambda; flags override them.

use clap::{Args, Parser, Subcommand};
use logferry::{load_sdk_config, RawConfig, Shipper};
use logferry_cli::{ship, worker};

#[derive(Parser)]
#[command(
    name = "logferry",
    version,
    about = "Ship S3 log objects into the archive account"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    settings: Settings,
}

#[derive(Subcommand)]
enum Command {
    /// Copy objects or prefixes: s3://bucket/key, or s3://bucket/prefix/ (trailing slash lists it).
    Ship(ship::ShipArgs),
    /// Long-running SQS poller: deletes a message only after its objects are verified in B.
    Worker(worker::WorkerArgs),
}

/// The writer settings; each falls back to its `LOGFERRY_*` variable.
#[derive(Args)]
struct Settings {
    #[arg(long, global = true, env = "LOGFERRY_DEST_BUCKET")]
    dest_bucket: Option<String>,
    #[arg(long, global = true, env = "LOGFERRY_DEST_PREFIX")]
    dest_prefix: Option<String>,
    #[arg(long, global = true, env = "LOGFERRY_AUTH_MODE")]
    auth_mode: Option<String>,
    #[arg(long, global = true, env = "LOGFERRY_ROLE_ARN")]
    role_arn: Option<String>,
    #[arg(
        long,
        global = true,
        env = "LOGFERRY_EXTERNAL_ID",
        hide_env_values = true
    )]
    external_id: Option<String>,
    #[arg(long, global = true, env = "LOGFERRY_KEY_TEMPLATE")]
    key_template: Option<String>,
    #[arg(long, global = true, env = "LOGFERRY_SOURCE_ACCOUNT")]
    source_account: Option<String>,
    #[arg(long, global = true, env = "LOGFERRY_CONCURRENCY")]
    concurrency: Option<String>,
    #[arg(long, global = true, env = "LOGFERRY_PART_SIZE_MIB")]
    part_size_mib: Option<String>,
}

impl Settings {
    fn raw(self) -> RawConfig {
        RawConfig {
            dest_bucket: self.dest_bucket,
            dest_prefix: self.dest_prefix,
            auth_mode: self.auth_mode,
            role_arn: self.role_arn,
            external_id: self.external_id,
            key_template: self.key_template,
            source_account: self.source_account,
            concurrency: self.concurrency,
            part_size_mib: self.part_size_mib,
            ..RawConfig::from_env()
        }
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("logferry: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    let config = cli
        .settings
        .raw()
        .validate()
        .map_err(|e| anyhow::anyhow!(logferry::config::join_errors(e)))?;
    let sdk_config = load_sdk_config().await;
    let shipper = Shipper::connect(config, &sdk_config, std::convert::identity).await?;
    let source = shipper.clients().source.clone();
    match cli.command {
        Command::Ship(args) => ship::run(args, &shipper, &source).await,
        Command::Worker(args) => {
            let sqs = aws_sdk_sqs::Client::new(&sdk_config);
            worker::run(&args, &shipper, &sqs, worker::stop_on_signals()).await;
            Ok(std::process::ExitCode::SUCCESS)
        }
    }
}
