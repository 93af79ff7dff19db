//! The compactor of a world: account B's own role under
//! `infra/policies/compactor-permissions.json.tpl` (read the archive
//! prefix, write the query prefix), assumed by B's admin.

use anyhow::{Context, Result};
use logferry::compact::{Compactor, DEFAULT_QUERY_PREFIX};
use logferry::KeyTemplate;
use serde_json::json;

use super::{World, PREFIX};
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
            logferry::clients::s3_config(&sdk)
                .interceptor(ForwardedHttps)
                .build(),
        );
        let template = KeyTemplate::parse(logferry::key::DEFAULT_TEMPLATE, PREFIX)?;
        let bucket = self.archive_bucket.clone();
        Ok(Compactor::new(
            s3,
            bucket,
            &template,
            DEFAULT_QUERY_PREFIX,
            PART_SIZE,
        )?)
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
        let assumed = self
            .admin_b
            .sts()
            .assume_role()
            .role_arn(&role_arn)
            .role_session_name("compact")
            .send()
            .await?;
        let c = assumed
            .credentials()
            .context("AssumeRole returned no credentials")?;
        let credentials = crate::account::session_credentials(c, "compactor");
        Ok(crate::account::sdk_config(&self.endpoint, credentials).await)
    }
}
