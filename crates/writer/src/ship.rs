//! The data path for one object: head the source → plan → copy or stream →
//! verify → report. Front-ends call [`Shipper::ship_many`].

use futures::stream::StreamExt;
use serde::Serialize;
use tracing::Instrument;

use crate::classify::Attempt;
use crate::clients::Clients;
use crate::config::ShipperConfig;
use crate::error::{ShipError, Side};
use crate::event::ObjectRef;
use crate::plan::{plan, Method, ShipPlan};
use crate::source::{self, encode_crc32c};
use crate::verify::verify;
use crate::write::{self, Written};

/// One object that landed in account B and was verified there.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Shipped {
    pub source_bucket: String,
    pub source_key: String,
    pub source_version_id: Option<String>,
    pub dest_bucket: String,
    pub dest_key: String,
    pub size: u64,
    pub crc32c: String,
    pub method: Method,
}

/// The writer: configuration, clients and account A's identity, made once and shared.
#[derive(Debug, Clone)]
pub struct Shipper {
    config: ShipperConfig,
    clients: Clients,
    source_account: String,
    default_region: String,
}

impl Shipper {
    pub fn new(
        config: ShipperConfig,
        clients: Clients,
        source_account: String,
        default_region: String,
    ) -> Self {
        Shipper {
            config,
            clients,
            source_account,
            default_region,
        }
    }

    /// Build the clients for `config.auth` on top of the ambient SDK config and
    /// learn account A's id and region: what every front-end does once at start-up.
    pub async fn connect(
        config: ShipperConfig,
        sdk_config: &aws_config::SdkConfig,
        tune: impl Fn(aws_sdk_s3::config::Builder) -> aws_sdk_s3::config::Builder,
    ) -> Result<Self, ShipError> {
        let clients = crate::clients::build_clients(&config, sdk_config, tune).await?;
        let account = match &config.source_account {
            Some(account) => account.clone(),
            None => crate::clients::caller_account(sdk_config).await?,
        };
        let region = sdk_config
            .region()
            .map(|r| r.to_string())
            .unwrap_or_else(|| "us-east-1".to_string());
        Ok(Shipper::new(config, clients, account, region))
    }

    /// The clients, for front-ends that also list or poll (the CLI).
    pub fn clients(&self) -> &Clients {
        &self.clients
    }

    pub fn config(&self) -> &ShipperConfig {
        &self.config
    }

    /// Ship one object end to end. `Err(SourceGone)` means "skip", see [`ShipError::is_skip`].
    pub async fn ship_object(&self, object: &ObjectRef) -> Result<Shipped, ShipError> {
        let base = Attempt {
            side: Side::Source,
            operation: "HeadObject",
            bucket: &object.bucket,
            key: &object.key,
            auth: &self.config.auth,
            archive_prefix: self.config.key_template.prefix(),
        };
        let source = source::head(&self.clients.source, object, base).await?;
        let account = object.account.as_deref().unwrap_or(&self.source_account);
        let region = object.region.as_deref().unwrap_or(&self.default_region);
        let plan = plan(&self.config, source, account, region)?;
        tracing::debug!(dest_key = %plan.dest_key, method = ?plan.method, "planned");
        let read = Attempt {
            operation: "GetObject",
            ..base
        };
        let written = self.write(&plan, read).await?;
        verify(&plan, &written)?;
        Ok(Shipped {
            source_bucket: plan.source.bucket.clone(),
            source_key: plan.source.key.clone(),
            source_version_id: plan.source.version_id.clone(),
            dest_bucket: plan.dest_bucket.clone(),
            dest_key: plan.dest_key.0.clone(),
            size: plan.source.size,
            crc32c: encode_crc32c(written.expected_crc32c),
            method: plan.method,
        })
    }

    async fn write(&self, plan: &ShipPlan, read: Attempt<'_>) -> Result<Written, ShipError> {
        let (source, archive) = (&self.clients.source, &self.clients.archive);
        let parts = self.config.part_concurrency;
        match plan.method {
            Method::Copy => {
                write::copy(archive, plan, self.source_crc32c(plan, read).await?, read).await
            }
            Method::MultipartCopy { part_size } => {
                let expected = self.source_crc32c(plan, read).await?;
                write::multipart_copy(archive, plan, part_size, parts, expected, read).await
            }
            Method::Put => write::put(source, archive, plan, read).await,
            Method::MultipartPut { part_size } => {
                write::multipart_put(source, archive, plan, part_size, parts, read).await
            }
        }
    }

    /// What a server-side copy is checked against: the CRC32C S3 stores for
    /// the source, or one computed by reading the source once.
    async fn source_crc32c(&self, plan: &ShipPlan, read: Attempt<'_>) -> Result<u32, ShipError> {
        match plan.source.crc32c {
            Some(crc) => Ok(crc),
            None => source::crc32c_of(&self.clients.source, &plan.source, read).await,
        }
    }

    /// Ship many objects with at most `concurrency` at once, each under its own
    /// span. Results come back in input order.
    pub async fn ship_many(
        &self,
        objects: Vec<ObjectRef>,
    ) -> Vec<(ObjectRef, Result<Shipped, ShipError>)> {
        futures::stream::iter(objects)
            .map(|object| async move {
                let span = tracing::info_span!("ship", bucket = %object.bucket, key = %object.key);
                let result = self.ship_object(&object).instrument(span.clone()).await;
                span.in_scope(|| log_result(&result));
                (object, result)
            })
            .buffered(self.config.concurrency)
            .collect()
            .await
    }
}

/// One line per object: what landed, what was skipped, what failed and why.
pub fn log_result(result: &Result<Shipped, ShipError>) {
    match result {
        Ok(s) => {
            tracing::info!(dest_key = %s.dest_key, size = s.size, crc32c = %s.crc32c, "shipped")
        }
        Err(e) if e.is_skip() => tracing::warn!(error = %e, "skipped"),
        Err(e) => tracing::error!(error = %e, retryable = e.is_retryable(), "failed"),
    }
}
