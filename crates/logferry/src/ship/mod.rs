//! The copy path, one module a step: [`event`] → [`source`] → [`plan`] →
//! [`write`] → [`verify`], and here the report. A key the archive already
//! holds is settled by [`existing`]. Front-ends call
//! [`Shipper::ship_many`]; queue consumers go through [`messages`].
//! [`settings`] is the shipping family of settings.

pub mod event;
pub(crate) mod existing;
pub mod messages;
pub(crate) mod plan;
pub mod settings;
pub(crate) mod source;
pub(crate) mod verify;
pub(crate) mod write;

pub use existing::Landing;
pub use plan::Method;

use std::time::Duration;

use futures::stream::StreamExt;
use serde::Serialize;
use tracing::Instrument;

use crate::deadline::Deadline;
use crate::error::{ShipError, Side};
use crate::s3::classify::Attempt;
use chrono::{DateTime, Utc};

use crate::archive::key::DestinationKey;
use crate::s3::clients::Clients;
use crate::ship::event::ObjectRef;
use crate::ship::existing::Held;
use crate::ship::plan::{plan, ShipPlan};
use crate::ship::settings::ShipperConfig;
use crate::ship::verify::verify;

/// What writing a plan came to: written and verified (its checksum), or
/// the key taken, with what holds it when that was read first.
enum Landed {
    Written(String),
    Taken(Option<Held>),
}

/// One object that landed in account B and was verified there.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Shipped {
    pub source_bucket: String,
    pub source_key: String,
    pub source_version_id: Option<String>,
    pub dest_bucket: String,
    pub dest_key: String,
    pub size: u64,
    /// `ALGORITHM:base64`, e.g. `CRC32C:yZRlqg==`.
    pub checksum: String,
    pub method: Method,
    /// Written now, already there, or kept beside changed archived content.
    pub landing: Landing,
    /// The log's own time: see [`plan::ShipPlan::logged_at`], else the
    /// event's time, else the source's Last-Modified.
    pub logged_at: DateTime<Utc>,
    /// When the copy in B was verified.
    pub landed_at: DateTime<Utc>,
}

/// The writer: configuration, clients and account A's identity, made once and shared.
#[derive(Debug, Clone)]
pub struct Shipper {
    config: ShipperConfig,
    clients: Clients,
    source_account: String,
    default_region: String,
    /// Stop by then: objects are not started and uploads are aborted.
    deadline: Deadline,
}

/// Tries at one object within one run: a stream cut mid-body or a lost
/// answer costs a re-ship now, not a redelivery of the whole message later.
const OBJECT_ATTEMPTS: u32 = 3;

/// An object is not started with less than this left before the deadline:
/// a copy that cannot finish would only be aborted.
const START_MARGIN: Duration = Duration::from_secs(5);

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
            deadline: Deadline::none(),
        }
    }

    /// The same shipper, stopping by `deadline`: objects not started by
    /// then, or whose upload it cuts short, fail as [`ShipError::Deadline`]
    /// (retryable), and their multipart uploads are aborted.
    pub fn with_deadline(&self, deadline: Deadline) -> Shipper {
        Shipper {
            deadline,
            ..self.clone()
        }
    }

    /// Build the clients for `config.auth` on top of the ambient SDK config and
    /// learn account A's id and region: what every front-end does once at start-up.
    pub async fn connect(
        config: ShipperConfig,
        sdk_config: &aws_config::SdkConfig,
        tune: impl Fn(aws_sdk_s3::config::Builder) -> aws_sdk_s3::config::Builder,
    ) -> Result<Self, ShipError> {
        let clients = crate::s3::clients::build_clients(&config.auth, sdk_config, tune).await?;
        let account = match &config.source_account {
            Some(account) => account.clone(),
            None => crate::s3::clients::caller_account(sdk_config).await?,
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

    /// Account A's id, for the `{account}` of keys no event names.
    pub fn source_account(&self) -> &str {
        &self.source_account
    }

    /// Account A's region, for the `{region}` of keys no event names.
    pub fn region(&self) -> &str {
        &self.default_region
    }

    pub fn config(&self) -> &ShipperConfig {
        &self.config
    }

    /// Ship one object end to end. `Err(SourceGone)` means "skip", see
    /// [`ShipError::is_skip`]. A retryable failure is tried again, up to
    /// [`OBJECT_ATTEMPTS`] in all, while the deadline allows.
    pub async fn ship_object(&self, object: &ObjectRef) -> Result<Shipped, ShipError> {
        let mut tries = 0;
        loop {
            tries += 1;
            if self.deadline.within(START_MARGIN) {
                return Err(ShipError::Deadline {
                    bucket: object.bucket.clone(),
                    key: object.key.clone(),
                    stage: "not started",
                });
            }
            match self.ship_once(object).await {
                Err(e)
                    if e.is_retryable()
                        && !matches!(e, ShipError::Deadline { .. })
                        && tries < OBJECT_ATTEMPTS =>
                {
                    tracing::warn!(error = %e, attempt = tries, "retrying the object");
                    tokio::time::sleep(Duration::from_millis(250 << tries)).await;
                }
                result => return result,
            }
        }
    }

    async fn ship_once(&self, object: &ObjectRef) -> Result<Shipped, ShipError> {
        let base = Attempt {
            side: Side::Source,
            operation: "HeadObject",
            bucket: &object.bucket,
            key: &object.key,
            auth: Some(&self.config.auth),
            archive_prefix: self.config.key_template.prefix(),
        };
        let source = source::head(&self.clients.source, object, base).await?;
        let account = object.account.as_deref().unwrap_or(&self.source_account);
        let region = object.region.as_deref().unwrap_or(&self.default_region);
        let plan = plan(&self.config, source, account, region)?;
        self.fence(&plan)?;
        tracing::debug!(dest_key = %plan.dest_key, method = ?plan.method, "planned");
        let read = Attempt {
            operation: "GetObject",
            ..base
        };
        let (dest_key, checksum, landing) = match self.write(&plan, read).await? {
            Landed::Written(checksum) => (plan.dest_key.0.clone(), checksum, Landing::New),
            Landed::Taken(known) => self.settle(&plan, known, read).await?,
        };
        Ok(Shipped {
            source_bucket: plan.source.bucket.clone(),
            source_key: plan.source.key.clone(),
            source_version_id: plan.source.version_id.clone(),
            dest_bucket: plan.dest_bucket.clone(),
            dest_key,
            size: plan.source.size,
            checksum,
            method: plan.method,
            landing,
            logged_at: plan
                .logged_at
                .or(object.event_time)
                .unwrap_or(plan.source.last_modified),
            landed_at: Utc::now(),
        })
    }

    /// Write by the plan and verify: the checksum both sides agree on, or
    /// the key is taken. A large object is not sent only to learn that: what
    /// holds the key is read first, and handed on.
    async fn write(&self, plan: &ShipPlan, read: Attempt<'_>) -> Result<Landed, ShipError> {
        let archive = &self.clients.archive;
        if !matches!(plan.method, Method::Put) {
            if let Some(held) = existing::present(archive, plan, &plan.dest_key.0, read).await? {
                return Ok(Landed::Taken(Some(held)));
            }
        }
        let parts = self.config.part_concurrency;
        match write::execute(&self.clients, plan, parts, read, &self.deadline).await {
            Err(ShipError::Exists { .. }) => Ok(Landed::Taken(None)),
            written => {
                let written = written?;
                verify(plan, &written)?;
                Ok(Landed::Written(written.expected.to_string()))
            }
        }
    }

    /// What holds `plan`'s key: `known` if [`Shipper::write`] read it, else
    /// read now, after S3 refused the write as taken.
    async fn held(
        &self,
        plan: &ShipPlan,
        known: Option<Held>,
        read: Attempt<'_>,
    ) -> Result<Held, ShipError> {
        if let Some(held) = known {
            return Ok(held);
        }
        let key = &plan.dest_key.0;
        existing::present(&self.clients.archive, plan, key, read)
            .await?
            .ok_or_else(|| ShipError::Transient {
                side: Side::Archive,
                operation: "HeadObject",
                bucket: plan.dest_bucket.clone(),
                key: key.clone(),
                message: "S3 refused the write as taken, yet shows nothing under the key".into(),
            })
    }

    /// The planned key was taken ([`existing`]): the same object counts as
    /// shipped; changed content is written beside it, once.
    async fn settle(
        &self,
        plan: &ShipPlan,
        known: Option<Held>,
        read: Attempt<'_>,
    ) -> Result<(String, String, Landing), ShipError> {
        let held = self.held(plan, known, read).await?;
        if held.same {
            let checksum = held.describe(plan);
            return Ok((plan.dest_key.0.clone(), checksum, Landing::AlreadyArchived));
        }
        let prefix = self.config.key_template.prefix();
        let aside = ShipPlan {
            dest_key: DestinationKey(existing::conflict_key(plan, prefix)),
            ..plan.clone()
        };
        tracing::warn!(
            archived = %plan.dest_key,
            kept_at = %aside.dest_key,
            "the source changed after it was archived: the archived copy is kept as it is, and the new content lands beside it"
        );
        let checksum = match self.write(&aside, read).await? {
            Landed::Written(checksum) => checksum,
            Landed::Taken(known) => {
                let held = self.held(&aside, known, read).await?;
                if !held.same {
                    return Err(ShipError::Permanent {
                        side: Side::Archive,
                        operation: "PutObject",
                        bucket: plan.dest_bucket.clone(),
                        key: aside.dest_key.0.clone(),
                        message: format!(
                            "both {} and {} hold other content than this source's; it is left in account A",
                            plan.dest_key, aside.dest_key
                        ),
                    });
                }
                held.describe(plan)
            }
        };
        Ok((aside.dest_key.0, checksum, Landing::Changed))
    }

    /// Each source account writes only its own partition: a log that names
    /// another account (in its key or its event) is refused before anything
    /// is written, and goes to the dead-letter queue. The archive's policies
    /// deny such a write anyway; this says why, naming the object.
    fn fence(&self, plan: &ShipPlan) -> Result<(), ShipError> {
        if plan.account == self.source_account {
            return Ok(());
        }
        Err(ShipError::ForeignAccount {
            bucket: plan.source.bucket.clone(),
            key: plan.source.key.clone(),
            origin: plan.account.clone(),
            own: self.source_account.clone(),
        })
    }

    /// Ship many objects with at most `concurrency` at once, each under its own
    /// span. Results come back in input order.
    pub async fn ship_many(
        &self,
        objects: Vec<ObjectRef>,
    ) -> Vec<(ObjectRef, Result<Shipped, ShipError>)> {
        let mut done: Vec<_> = self
            .ship_indexed(futures::stream::iter(objects))
            .collect()
            .await;
        done.sort_by_key(|(index, _, _)| *index);
        done.into_iter().map(|(_, o, r)| (o, r)).collect()
    }

    /// [`Shipper::ship_many`] over a stream, in completion order: objects
    /// start as they arrive (a listing still going on), at most
    /// `concurrency` at once, and the input is pulled no faster than that.
    pub fn ship_stream<'a>(
        &'a self,
        objects: impl futures::Stream<Item = ObjectRef> + 'a,
    ) -> impl futures::Stream<Item = (ObjectRef, Result<Shipped, ShipError>)> + 'a {
        self.ship_indexed(objects).map(|(_, o, r)| (o, r))
    }

    /// [`Shipper::ship_stream`] of objects that each carry a `tag` of the
    /// caller's (where in its input the object came from), handed back
    /// with the object's result.
    pub fn ship_tagged<'a, T: 'a>(
        &'a self,
        objects: impl futures::Stream<Item = (ObjectRef, T)> + 'a,
    ) -> impl futures::Stream<Item = (ObjectRef, T, Result<Shipped, ShipError>)> + 'a {
        objects
            .map(move |(object, tag)| async move {
                let result = self.ship_logged(&object).await;
                (object, tag, result)
            })
            .buffer_unordered(self.config.concurrency)
    }

    /// [`Shipper::ship_object`] under its own span, its result logged.
    async fn ship_logged(&self, object: &ObjectRef) -> Result<Shipped, ShipError> {
        let span = tracing::info_span!("ship", bucket = %object.bucket, key = %object.key);
        let result = self.ship_object(object).instrument(span.clone()).await;
        span.in_scope(|| log_result(&result));
        result
    }

    /// Objects finish in any order, so one slow object never holds back the
    /// next ones; each result carries its input position.
    fn ship_indexed<'a>(
        &'a self,
        objects: impl futures::Stream<Item = ObjectRef> + 'a,
    ) -> impl futures::Stream<Item = (usize, ObjectRef, Result<Shipped, ShipError>)> + 'a {
        self.ship_tagged(objects.enumerate().map(|(index, object)| (object, index)))
            .map(|(object, index, result)| (index, object, result))
    }
}

/// One line per object: what landed, what was skipped, what failed and why.
pub fn log_result(result: &Result<Shipped, ShipError>) {
    match result {
        Ok(s) => {
            tracing::info!(dest_key = %s.dest_key, size = s.size, checksum = %s.checksum, "shipped")
        }
        // Front-ends summarise skips per message or run: one gone prefix
        // would otherwise be thousands of identical warnings.
        Err(e) if e.is_skip() => tracing::debug!(error = %e, "skipped"),
        Err(e) => tracing::error!(error = %e, retryable = e.is_retryable(), "failed"),
    }
}

/// A shipper over one (mock) client for both accounts, in account
/// 111122223333, eu-west-1: what the writer's unit tests run.
#[cfg(test)]
pub(crate) fn test_shipper(client: aws_sdk_s3::Client, raw: settings::ShipSettings) -> Shipper {
    let clients = Clients {
        source: client.clone(),
        archive: client,
    };
    let config = raw.validate().expect("a valid test configuration");
    Shipper::new(config, clients, "111122223333".into(), "eu-west-1".into())
}

#[cfg(test)]
mod tests;
