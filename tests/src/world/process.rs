//! The `logferry` command as a process of its own, run with the shipper's
//! identity and a world's settings: what a test kills with SIGKILL.

use anyhow::Result;

use super::{Account, Mode, World, REGION};

impl Account {
    /// What a process of its own needs to call `endpoint` as this identity:
    /// its credentials, the region, and no instance metadata.
    pub async fn aws_environment(&self, endpoint: &str) -> Result<Vec<(&'static str, String)>> {
        let keys = self.keys().await?;
        let mut environment = vec![
            ("AWS_ACCESS_KEY_ID", keys.access_key_id().to_string()),
            (
                "AWS_SECRET_ACCESS_KEY",
                keys.secret_access_key().to_string(),
            ),
            ("AWS_REGION", REGION.to_string()),
            ("AWS_ENDPOINT_URL", endpoint.to_string()),
            ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
        ];
        if let Some(token) = keys.session_token() {
            environment.push(("AWS_SESSION_TOKEN", token.to_string()));
        }
        Ok(environment)
    }
}

impl World {
    /// `logferry` (this package's build of it) with the environment a
    /// deployment in `mode` would give it, talking to `endpoint` (a
    /// [`crate::faults::FaultProxy`] marked `as_https`, since the process
    /// cannot add the suite's TLS marker itself) and nothing else of the
    /// test's environment.
    /// `binary` is `env!("CARGO_BIN_EXE_logferry-under-test")`, which Cargo
    /// gives integration tests only.
    pub async fn logferry(
        &self,
        binary: &str,
        mode: Mode,
        endpoint: &str,
    ) -> Result<tokio::process::Command> {
        self.logferry_as(binary, &self.shipper, mode, endpoint)
            .await
    }

    /// [`World::logferry`] with `identity`'s credentials.
    pub async fn logferry_as(
        &self,
        binary: &str,
        identity: &Account,
        mode: Mode,
        endpoint: &str,
    ) -> Result<tokio::process::Command> {
        let mut command = tokio::process::Command::new(binary);
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(self.logferry_environment(identity, mode, endpoint).await?)
            .kill_on_drop(true);
        Ok(command)
    }

    /// The environment of [`World::logferry_as`]: `identity`'s keys, the
    /// region, `endpoint`, and the settings of a deployment in `mode`.
    pub async fn logferry_environment(
        &self,
        identity: &Account,
        mode: Mode,
        endpoint: &str,
    ) -> Result<Vec<(&'static str, String)>> {
        let settings = self.config(mode);
        let mut environment = identity.aws_environment(endpoint).await?;
        let pairs = [
            ("LOGFERRY_DEST_BUCKET", settings.dest_bucket),
            ("LOGFERRY_DEST_PREFIX", settings.dest_prefix),
            ("LOGFERRY_SOURCE_ACCOUNT", settings.source_account),
            ("LOGFERRY_AUTH_MODE", settings.auth_mode),
            ("LOGFERRY_ROLE_ARN", settings.role_arn),
            ("LOGFERRY_EXTERNAL_ID", settings.external_id),
        ];
        environment.extend(pairs.into_iter().filter_map(|(n, v)| Some((n, v?))));
        Ok(environment)
    }
}
