//! `logferry`: the writer for ECS tasks and batch jobs.
//!
//! - `logferry worker` polls an SQS queue of S3 notifications (ECS service).
//! - `logferry ship s3://bucket/key ...` copies given objects or whole
//!   prefixes (Glue, Batch, one-off backfills).
//! - `logferry compact --day ...` compacts one partition's day (account B).
//! - `logferry redrive --dlq URL` moves the shipper's DLQ back to its queue.
//!
//! Each reads the same `LOGFERRY_*` settings as its Lambda; flags override them.
//! The binary is [`main`]; the suite builds the same into a binary of its own.

use crate::{batch_ship, compact, reconcile, redrive, ship, worker};
use clap::{Args, CommandFactory, Parser, Subcommand};
use logferry::compact::CompactSettings;
use logferry::{load_sdk_config, settings, ShipSettings, Shipper};

#[derive(Parser)]
#[command(
    name = "logferry",
    version,
    about = "Ship S3 log objects into the archive account"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Each job with its own settings family: flags, each falling back to its
/// `LOGFERRY_*` variable (README, "Configuration", which a test checks
/// against these definitions).
#[derive(Subcommand)]
enum Command {
    /// Copy objects or prefixes: s3://bucket/key, or s3://bucket/prefix/ (trailing slash lists it).
    Ship(WithSettings<ship::ShipArgs, ShipSettings>),
    /// Long-running SQS poller: deletes a message only after its objects are verified in B.
    Worker(WithSettings<worker::WorkerArgs, ShipSettings>),
    /// In account B: one partition's day of archived logs into one verified gzip object for queries.
    Compact(WithSettings<compact::CompactArgs, CompactSettings>),
    /// In account A: ship objects as an S3 Batch Operations job invoking the shipper function, for more than one machine ships (see README, "Backfill").
    BatchShip(batch_ship::BatchShipArgs),
    /// In account B: does the archive hold every object of A's log bucket for a day or range? Exits 1 if not.
    Reconcile(WithSettings<reconcile::ReconcileArgs, ShipSettings>),
    /// Move the shipper's dead-letter queue back to its queue once the cause is fixed (SQS StartMessageMoveTask).
    Redrive(redrive::RedriveArgs),
}

/// A job's own arguments and the settings family it runs with.
#[derive(Args)]
struct WithSettings<A: Args, S: Args> {
    #[command(flatten)]
    args: A,
    #[command(flatten)]
    settings: S,
}

/// The `logferry` command: its arguments from the process, its settings
/// from the environment, one line on stderr for what went wrong.
pub async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => match settings::flag_error(&Cli::command(), &e) {
            Some(line) => {
                eprintln!("logferry: {line}");
                return std::process::ExitCode::from(2);
            }
            None => e.exit(),
        },
    };
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("logferry: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    let lines = |errors: Vec<logferry::SettingError>| anyhow::anyhow!(settings::join(&errors));
    match cli.command {
        Command::Redrive(args) => {
            let sdk_config = load_sdk_config(logferry::s3::Timeouts::default()).await;
            redrive::run(args, &aws_sdk_sqs::Client::new(&sdk_config)).await
        }
        Command::BatchShip(args) => {
            let sdk_config = load_sdk_config(logferry::s3::Timeouts::default()).await;
            batch_ship::run(args, &sdk_config).await
        }
        Command::Reconcile(job) => {
            let config = job.settings.validate().map_err(lines)?;
            let sdk_config = load_sdk_config(config.timeouts).await;
            reconcile::run(job.args, &config, &sdk_config).await
        }
        Command::Compact(job) => {
            let config = job.settings.validate().map_err(lines)?;
            let sdk_config = load_sdk_config(config.timeouts).await;
            compact::run(job.args, &config, &sdk_config).await
        }
        Command::Ship(job) => {
            let mut settings = job.settings;
            settings.concurrency = settings.concurrency.or(Some(ship::CONCURRENCY));
            let config = settings.validate().map_err(lines)?;
            let sdk_config = load_sdk_config(config.timeouts).await;
            let shipper = Shipper::connect(config, &sdk_config, std::convert::identity).await?;
            let source = shipper.clients().source.clone();
            ship::run(job.args, &shipper, &source).await
        }
        Command::Worker(job) => {
            let config = job.settings.validate().map_err(lines)?;
            let sdk_config = load_sdk_config(config.timeouts).await;
            let shipper = Shipper::connect(config, &sdk_config, std::convert::identity).await?;
            let sqs = aws_sdk_sqs::Client::new(&sdk_config);
            worker::check(&job.args, &sqs).await?;
            let emitter = logferry::metrics::Emitter::stdout();
            worker::run(
                &job.args,
                &shipper,
                &sqs,
                worker::stop_on_signals(),
                &emitter,
            )
            .await;
            Ok(std::process::ExitCode::SUCCESS)
        }
    }
}
