//! `logferry`: the writer for ECS tasks and batch jobs; see
//! [`logferry_cli::command_line`].

#[tokio::main]
async fn main() -> std::process::ExitCode {
    logferry_cli::command_line::main().await
}
