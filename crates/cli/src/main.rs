//! `logferry`: the writer for ECS tasks and batch jobs.
//!
//! - `logferry worker` polls an SQS queue of S3 notifications (ECS service).
//! - `logferry ship s3://bucket/key ...` copies given objects or whole
//!   prefixes (Glue, Batch, one-off backfills).
//! - `logferry compact --day ...` compacts one partition's day (account B).
//!
//! Both read the same `LOGFERRY_*` settings as the Lambda; flags override them.

use clap::{Args, Parser, Subcommand};
use logferry::{load_sdk_config, RawConfig, Shipper};
use logferry_cli::{compact, ship, worker};

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
    /// In account B: one partition's day of archived logs into one verified gzip object for queries.
    Compact(compact::CompactArgs),
}

/// The writer settings; each falls back to its `LOGFERRY_*` variable (README,
/// "Configuration", which a test checks against `--help`).
#[derive(Args)]
struct Settings {
    /// Archive bucket name in account B.
    #[arg(long, global = true, env = "LOGFERRY_DEST_BUCKET")]
    dest_bucket: Option<String>,
    /// Key prefix the bucket policy allows (default `logferry`).
    #[arg(long, global = true, env = "LOGFERRY_DEST_PREFIX")]
    dest_prefix: Option<String>,
    /// `direct` or `assume-role` (default: assume-role when a role is set).
    #[arg(long, global = true, env = "LOGFERRY_AUTH_MODE")]
    auth_mode: Option<String>,
    /// Writer role in account B (assume-role mode).
    #[arg(long, global = true, env = "LOGFERRY_ROLE_ARN")]
    role_arn: Option<String>,
    /// The external id B's trust policy requires.
    #[arg(
        long,
        global = true,
        env = "LOGFERRY_EXTERNAL_ID",
        hide_env_values = true
    )]
    external_id: Option<String>,
    /// Role session name, as B's CloudTrail shows it (default `logferry-shipper`).
    #[arg(long, global = true, env = "LOGFERRY_SESSION_NAME")]
    session_name: Option<String>,
    /// Destination key template (default: infra/layout/archive-key-template.txt).
    #[arg(long, global = true, env = "LOGFERRY_KEY_TEMPLATE")]
    key_template: Option<String>,
    /// Account A's id for `{account}` (default: the caller's account).
    #[arg(long, global = true, env = "LOGFERRY_SOURCE_ACCOUNT")]
    source_account: Option<String>,
    /// Objects shipped at once (default 8).
    #[arg(long, global = true, env = "LOGFERRY_CONCURRENCY")]
    concurrency: Option<String>,
    /// Streamed part size in MiB, 5-5120 (default 8).
    #[arg(long, global = true, env = "LOGFERRY_PART_SIZE_MIB")]
    part_size_mib: Option<String>,
    /// Parts in flight per streamed object (default 3).
    #[arg(long, global = true, env = "LOGFERRY_PART_CONCURRENCY")]
    part_concurrency: Option<String>,
    /// Direct mode: above this many MiB, copy in parts (default 5120).
    #[arg(long, global = true, env = "LOGFERRY_COPY_PART_THRESHOLD_MIB")]
    copy_part_threshold_mib: Option<String>,
    /// Seconds a connection may take (default 5).
    #[arg(long, global = true, env = "LOGFERRY_CONNECT_TIMEOUT_SECONDS")]
    connect_timeout_seconds: Option<String>,
    /// Seconds to a response after a request was sent (default 120).
    #[arg(long, global = true, env = "LOGFERRY_READ_TIMEOUT_SECONDS")]
    read_timeout_seconds: Option<String>,
}

impl Settings {
    fn raw(self) -> RawConfig {
        RawConfig {
            dest_bucket: self.dest_bucket,
            dest_prefix: self.dest_prefix,
            auth_mode: self.auth_mode,
            role_arn: self.role_arn,
            external_id: self.external_id,
            session_name: self.session_name,
            key_template: self.key_template,
            source_account: self.source_account,
            concurrency: self.concurrency,
            part_size_mib: self.part_size_mib,
            part_concurrency: self.part_concurrency,
            copy_part_threshold_mib: self.copy_part_threshold_mib,
            connect_timeout_seconds: self.connect_timeout_seconds,
            read_timeout_seconds: self.read_timeout_seconds,
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
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
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
    let sdk_config = load_sdk_config(config.timeouts).await;
    match cli.command {
        Command::Compact(args) => compact::run(args, &config, &sdk_config).await,
        Command::Ship(args) => {
            let shipper = Shipper::connect(config, &sdk_config, std::convert::identity).await?;
            let source = shipper.clients().source.clone();
            ship::run(args, &shipper, &source).await
        }
        Command::Worker(args) => {
            let shipper = Shipper::connect(config, &sdk_config, std::convert::identity).await?;
            let sqs = aws_sdk_sqs::Client::new(&sdk_config);
            worker::check(&args, &sqs).await?;
            worker::run(&args, &shipper, &sqs, worker::stop_on_signals()).await;
            Ok(std::process::ExitCode::SUCCESS)
        }
    }
}
