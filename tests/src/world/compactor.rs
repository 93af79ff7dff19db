//! The compactor of a world: account B's own role under
//! `infra/policies/compactor-permissions.json.tpl` (read the archive
//! prefix, write the query prefix), assumed by B's admin.

use anyhow::Result;
use logferry::compact::{CompactSettings, Compactor, Partition, DEFAULT_QUERY_PREFIX};
use logferry::KeyTemplate;
use serde_json::json;

use super::{World, ACCOUNT_A, PREFIX, REGION};
use crate::policy::render;
use crate::ForwardedHttps;

/// Parts of the compacted output, smaller than the default so that tests
/// see several.
const PART_SIZE: u64 = 5 * 1024 * 1024;

impl World {
    /// The compactor, as its own role in B, optionally through `via` (a
    /// fault proxy's URL); the query prefix is the default one.
    pub async fn compactor(&self, via: Option<&str>) -> Result<Compactor> {
        let session = self.compactor_session().await?;
        let sdk = match via {
            Some(url) => session.to_builder().endpoint_url(url).build(),
            None => session,
        };
        let s3 = aws_sdk_s3::Client::from_conf(
            logferry::s3::clients::s3_config(&sdk)
                .interceptor(ForwardedHttps)
                .build(),
        );
        let config = CompactSettings {
            archive_bucket: Some(self.archive_bucket.clone()),
            archive_prefix: Some(PREFIX.to_string()),
            query_prefix: Some(DEFAULT_QUERY_PREFIX.to_string()),
            ..CompactSettings::default()
        }
        .validate()
        .map_err(|e| anyhow::anyhow!(logferry::settings::join(&e)))?;
        Ok(Compactor::new(s3, &config).with_part_size(PART_SIZE))
    }

    /// The partition a copy of this world's source bucket is in: the day
    /// (around today) whose prefix in the archive's key layout it starts with.
    pub fn partition_of(&self, archive_key: &str) -> Result<Partition> {
        let layout = archive_layout()?;
        let today = chrono::Utc::now().date_naive();
        let days = [today.pred_opt(), Some(today), today.succ_opt()];
        for day in days.into_iter().flatten() {
            let prefix = layout
                .day_prefix(ACCOUNT_A, REGION, &self.source_bucket, day)
                .map_err(anyhow::Error::msg)?;
            if archive_key.starts_with(&prefix) {
                return Ok(Partition {
                    account: ACCOUNT_A.to_string(),
                    region: REGION.to_string(),
                    bucket: self.source_bucket.clone(),
                    day,
                });
            }
        }
        anyhow::bail!(
            "{archive_key} is not a copy of {} made around today",
            self.source_bucket
        )
    }

    /// A session of a new compactor role in B, for probing what it may do.
    pub async fn compactor_session(&self) -> Result<aws_config::SdkConfig> {
        let archive_arn = format!("arn:aws:s3:::{}", self.archive_bucket);
        let permissions = render(
            "compactor-permissions.json.tpl",
            &json!({"archive_bucket_arn": archive_arn, "archive_prefix": PREFIX,
                "query_prefix": DEFAULT_QUERY_PREFIX}),
        )?;
        let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": self.admin_b.arn}, "Action": "sts:AssumeRole"}]});
        let name = crate::account::unique("compactor");
        let role_arn = self
            .admin_b
            .create_role(&name, &trust, "compactor", permissions)
            .await?;
        let credentials = self
            .admin_b
            .assume(&role_arn, "compact", "compactor")
            .await?;
        Ok(crate::account::sdk_config(&self.endpoint, credentials).await)
    }
}

/// The archive's key layout: the default template under [`PREFIX`].
fn archive_layout() -> Result<KeyTemplate> {
    Ok(KeyTemplate::parse(
        logferry::archive::key::DEFAULT_TEMPLATE,
        PREFIX,
    )?)
}
