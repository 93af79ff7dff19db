//! The compactor as Terraform deployed it in account B: its function
//! configuration, its role and its EventBridge Scheduler schedule, read back
//! from the emulator; its real handler is run with that environment and a
//! session of that role, the way a scheduled invocation would run it.

use std::collections::BTreeMap;

use anyhow::{ensure, Context, Result};
use logferry::compact::Compactor;
use logferry::compact::{CompactConfig, Schedule};

use crate::account::Account;

/// What Terraform configured for the compactor, read from the emulator.
#[derive(Debug, Clone)]
pub struct DeployedCompactor {
    pub name: String,
    pub arn: String,
    pub region: String,
    pub role_arn: String,
    pub timeout_seconds: i32,
    /// `GetFunctionConcurrency` (gap [`crate::gaps::FUNCTION_CONCURRENCY`]).
    pub reserved_concurrency: Option<i32>,
    pub environment: BTreeMap<String, String>,
}

/// The schedule that invokes the compactor.
#[derive(Debug, Clone)]
pub struct DeployedSchedule {
    pub name: String,
    pub expression: String,
    pub retries: Option<i32>,
}

impl DeployedCompactor {
    /// `GetFunctionConfiguration` of `name`.
    pub async fn read(admin_b: &Account, name: &str) -> Result<DeployedCompactor> {
        let concurrency = aws_sdk_lambda::Client::new(&admin_b.sdk)
            .get_function_concurrency()
            .function_name(name)
            .send()
            .await
            .with_context(|| format!("GetFunctionConcurrency {name}"))?;
        let config = super::LambdaConfig::read(admin_b, name).await?;
        Ok(DeployedCompactor {
            name: name.to_string(),
            arn: config.arn,
            region: config.region,
            role_arn: config.role_arn,
            timeout_seconds: config.timeout_seconds,
            reserved_concurrency: concurrency.reserved_concurrent_executions(),
            environment: config.environment,
        })
    }

    /// The one EventBridge Scheduler schedule whose target is this function.
    pub async fn schedule(&self, admin_b: &Account) -> Result<DeployedSchedule> {
        let scheduler = aws_sdk_scheduler::Client::new(&admin_b.sdk);
        let listed = scheduler.list_schedules().send().await?;
        let mut mine = Vec::new();
        for summary in listed.schedules() {
            let name = summary.name().unwrap_or_default();
            let schedule = scheduler.get_schedule().name(name).send().await?;
            if schedule.target().map(|t| t.arn()) == Some(self.arn.as_str()) {
                mine.push(DeployedSchedule {
                    name: name.to_string(),
                    expression: schedule.schedule_expression().unwrap_or_default().into(),
                    retries: schedule
                        .target()
                        .and_then(|t| t.retry_policy())
                        .and_then(|r| r.maximum_retry_attempts()),
                });
            }
        }
        ensure!(
            mine.len() == 1,
            "{} schedules invoke {}, expected one: {mine:?}",
            mine.len(),
            self.name
        );
        Ok(mine.remove(0))
    }

    /// The compaction settings and schedule this function's environment
    /// gives, read as strictly as the function's own start does.
    pub fn settings(&self) -> Result<(CompactConfig, Schedule)> {
        compactor::Environment::read(&self.environment).map_err(|errors| {
            anyhow::anyhow!(
                "the environment Terraform gave {} is rejected:\n{}",
                self.name,
                logferry::settings::join(&errors)
            )
        })
    }

    /// Where the compacted copies go, as the function reads it.
    pub fn query_prefix(&self) -> Result<String> {
        Ok(self.settings()?.0.query.prefix().to_string())
    }

    /// The compactor and its schedule settings as `functions/compactor`'s
    /// `main` builds them: this function's environment, and credentials of
    /// a session of this function's role.
    pub async fn start(&self, admin_b: &Account, endpoint: &str) -> Result<(Compactor, Schedule)> {
        let (config, schedule) = self.settings()?;
        let sdk =
            super::play_lambda(admin_b, &self.role_arn, &self.name, &self.region, endpoint).await?;
        let s3 = aws_sdk_s3::Client::from_conf(logferry::s3::clients::s3_config(&sdk).build());
        Ok((Compactor::new(s3, &config), schedule))
    }
}

/// Every object under `prefix` in `bucket`, key → bytes.
pub async fn download(
    admin: &Account,
    bucket: &str,
    prefix: &str,
) -> Result<BTreeMap<String, Vec<u8>>> {
    let s3 = admin.s3();
    let listed = s3
        .list_objects_v2()
        .bucket(bucket)
        .prefix(prefix)
        .send()
        .await?;
    let mut objects = BTreeMap::new();
    for key in listed.contents().iter().filter_map(|o| o.key()) {
        let body = s3.get_object().bucket(bucket).key(key).send().await?;
        objects.insert(key.to_string(), body.body.collect().await?.to_vec());
    }
    Ok(objects)
}
