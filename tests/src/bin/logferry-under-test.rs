//! The `logferry` command, built into this package so that its tests can
//! run it as a process (and kill it): Cargo hands integration tests the
//! path of their own package's binaries only.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    logferry_cli::command_line::main().await
}
