//! How a [`World`] is made: one small step per piece of the two accounts,
//! and a builder for the variations a scenario asks for. A new scenario is
//! a few builder calls; a new kind of variation is one option here.

use anyhow::{bail, Result};
use aws_sdk_s3::types::{NotificationConfiguration, ObjectLockRetentionMode, QueueConfiguration};
use aws_sdk_sqs::types::QueueAttributeName;
use serde_json::json;

use super::archive::{archive, Evidence};
use super::{admin, unique, Account, World};
use super::{Neighbour, ACCOUNT_A, ACCOUNT_A2, ACCOUNT_B, ACCOUNT_C, EXTERNAL_ID, PREFIX};
use crate::emulator::{Endpoint, IamMode};
use crate::policy::{account_roots, for_emulator, render, trust_for_strict_emulator};

/// How "object created" reaches the shipper's queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// S3 → SQS, the default.
    Queue,
    /// S3 → SNS → SQS: each body is an SNS `Notification` wrapping the event.
    Sns,
    /// S3 → EventBridge → SQS: each body is an "Object Created" event.
    EventBridge,
}

/// Which archive bucket policy account B applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchivePolicy {
    /// `archive-bucket-policy.json.tpl` as Terraform deploys it.
    Shipped,
    /// The shipped policy plus a test-only grant of `s3:PutObject` without the
    /// ACL condition, so that header-less `UploadPartCopy` parts are allowed.
    AllowsPartCopies,
}

/// `World::builder().kms().route(Route::Sns).build().await`.
#[derive(Debug)]
pub struct Builder<'a> {
    endpoint: Option<&'a Endpoint>,
    iam: IamMode,
    kms: bool,
    policy: ArchivePolicy,
    route: Route,
    dead_letter_after: Option<u32>,
    lock: ObjectLockRetentionMode,
}

impl World {
    /// A world on the shared strict endpoint, with the shipped policies.
    pub fn builder<'a>() -> Builder<'a> {
        Builder {
            endpoint: None,
            iam: IamMode::Strict,
            kms: false,
            policy: ArchivePolicy::Shipped,
            route: Route::Queue,
            dead_letter_after: None,
            lock: ObjectLockRetentionMode::Governance,
        }
    }

    /// The default world: `World::builder().build()`.
    pub async fn strict() -> Result<World> {
        World::builder().build().await
    }
}

impl<'a> Builder<'a> {
    /// Build on this endpoint instead of the test binary's shared one.
    pub fn on(mut self, endpoint: &'a Endpoint) -> Self {
        self.endpoint = Some(endpoint);
        self
    }

    /// Use the shared endpoint of this IAM mode (strict unless told).
    pub fn iam(mut self, iam: IamMode) -> Self {
        self.iam = iam;
        self
    }

    /// Encrypt the archive with a customer-managed key under
    /// `archive-kms-key-policy.json.tpl`, and grant the shipper
    /// `archive-kms-encrypt.json.tpl`.
    pub fn kms(mut self) -> Self {
        self.kms = true;
        self
    }

    pub fn archive_policy(mut self, policy: ArchivePolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The archive's default Object Lock mode (one day's retention);
    /// GOVERNANCE unless told, as `log_archive` deploys it.
    pub fn lock(mut self, mode: ObjectLockRetentionMode) -> Self {
        self.lock = mode;
        self
    }

    pub fn route(mut self, route: Route) -> Self {
        self.route = route;
        self
    }

    /// Give the shipper's queue a dead-letter queue that takes a message
    /// after `receives` receives, as `infra/modules/log_source` does.
    pub fn dead_letter_after(mut self, receives: u32) -> Self {
        self.dead_letter_after = Some(receives);
        self
    }

    pub async fn build(self) -> Result<World> {
        crate::init_tracing();
        let endpoint = match self.endpoint {
            Some(endpoint) => endpoint,
            None => crate::shared_endpoint(self.iam).await,
        };
        let url = endpoint.url.as_str();
        let tag = unique("w");
        let admin_a = admin(url, ACCOUNT_A, &format!("admin-{tag}")).await?;
        let admin_b = admin(url, ACCOUNT_B, &format!("admin-{tag}")).await?;
        let outsider = admin(url, ACCOUNT_C, &format!("admin-{tag}")).await?;
        let shipper = shipper_identity(&admin_a, url, &format!("shipper-{tag}")).await?;
        let admin_a2 = admin(url, ACCOUNT_A2, &format!("admin-{tag}")).await?;
        let shipper_a2 = shipper_identity(&admin_a2, url, &format!("shipper-{tag}")).await?;
        let source_bucket = format!("src-{tag}");
        let (queue_url, queue_arn) = source(&admin_a, &source_bucket, &tag).await?;
        let archive_bucket = format!("archive-{tag}");
        let writers = [shipper.arn.as_str(), shipper_a2.arn.as_str()];
        let sse = if self.kms { "aws:kms" } else { "AES256" };
        let evidence = Evidence {
            sse_algorithm: sse,
            lock: self.lock,
            break_glass: &admin_b.arn,
        };
        archive(&admin_b, &archive_bucket, &writers, self.policy, evidence).await?;
        let writer_role_arn =
            writer_role(&admin_b, endpoint.mode, &archive_bucket, &shipper, &tag).await?;
        let neighbour = Neighbour {
            writer_role_arn: writer_role(
                &admin_b,
                endpoint.mode,
                &archive_bucket,
                &shipper_a2,
                &format!("{tag}-a2"),
            )
            .await?,
            admin: admin_a2,
            shipper: shipper_a2,
        };
        let mut world = World {
            endpoint: url.to_string(),
            admin_a,
            admin_b,
            outsider,
            shipper,
            source_bucket,
            archive_bucket,
            queue_url,
            queue_arn,
            writer_role_arn,
            neighbour,
            kms_key_arn: None,
            dlq_url: None,
        };
        if let Some(receives) = self.dead_letter_after {
            world.dlq_url = Some(super::options::dead_letter_queue(&world, receives, &tag).await?);
        }
        world.grant_shipper_identity().await?;
        world.grant_neighbour_identity().await?;
        if self.policy == ArchivePolicy::AllowsPartCopies {
            let resource = format!("arn:aws:s3:::{}/{PREFIX}/*", world.archive_bucket);
            let put = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": resource}]});
            world.grant_shipper("put-without-acl", put).await?;
        }
        if self.kms {
            world.kms_key_arn = Some(world.encrypt_archive().await?);
        }
        match self.route {
            Route::Queue => {}
            Route::Sns => world.route_via_sns().await?,
            Route::EventBridge => world.route_via_eventbridge().await?,
        }
        drop_test_event(&world).await?;
        Ok(world)
    }
}

/// A world starts with an empty queue: where the emulator sends S3's
/// `s3:TestEvent` (LocalStack; see [`World::took_test_event`]), it is taken
/// off the queue here.
async fn drop_test_event(world: &World) -> Result<()> {
    if crate::emulator::Emulator::current()? != crate::emulator::Emulator::LocalStack {
        return Ok(());
    }
    let sqs = world.admin_a.sqs();
    for _ in 0..10 {
        let out = sqs
            .receive_message()
            .queue_url(&world.queue_url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await?;
        for message in out.messages() {
            if world.took_test_event(message).await? {
                return Ok(());
            }
        }
    }
    bail!("S3's test event never reached {}", world.queue_url)
}

/// A source account's shipper identity (an IAM user: gap `role-principal`).
async fn shipper_identity(admin_a: &Account, url: &str, name: &str) -> Result<Account> {
    admin_a.create_user(url, name, Vec::new()).await
}

/// Account A: the source bucket and its notification queue; the queue's URL and ARN.
async fn source(admin_a: &Account, bucket: &str, tag: &str) -> Result<(String, String)> {
    let s3 = admin_a.s3();
    s3.create_bucket().bucket(bucket).send().await?;
    let (queue_url, queue_arn) = admin_a
        .create_queue(
            &format!("q-{tag}"),
            &[(QueueAttributeName::VisibilityTimeout, "30")],
        )
        .await?;
    let created = QueueConfiguration::builder()
        .queue_arn(&queue_arn)
        .events(aws_sdk_s3::types::Event::from("s3:ObjectCreated:*"))
        .build()?;
    s3.put_bucket_notification_configuration()
        .bucket(bucket)
        .notification_configuration(
            NotificationConfiguration::builder()
                .queue_configurations(created)
                .build(),
        )
        .send()
        .await?;
    Ok((queue_url, queue_arn))
}

/// Account B: the writer role of one source account for assume-role mode,
/// trusting that account's `shipper` and writing only its partition; its
/// ARN. On a strict emulator the trust policy loses its external-id
/// condition (gap `external-id-in-strict`); on a soft one it is applied as
/// written.
async fn writer_role(
    admin_b: &Account,
    iam_mode: IamMode,
    bucket: &str,
    shipper: &Account,
    tag: &str,
) -> Result<String> {
    let trust = render(
        "writer-role-trust.json.tpl",
        &json!({
            "shipper_account_arns": account_roots(&[&shipper.arn]),
            "shipper_principal_arns": [shipper.arn],
            "external_id": EXTERNAL_ID,
        }),
    )?;
    let trust = match iam_mode {
        IamMode::Strict => trust_for_strict_emulator(trust),
        IamMode::Soft => trust,
    };
    let permissions = render(
        "writer-role-permissions.json.tpl",
        &json!({
            "archive_bucket_arn": format!("arn:aws:s3:::{bucket}"),
            "archive_prefix": PREFIX,
            "source_account_id": shipper.id,
        }),
    )?;
    let name = format!("writer-{tag}");
    admin_b
        .create_role(&name, &trust, "archive-write", permissions)
        .await
}

impl World {
    /// Account A: the shipper's identity policies, as the infra grants them
    /// (both modes' policies, so one world serves both).
    async fn grant_shipper_identity(&self) -> Result<()> {
        let source_arn = format!("arn:aws:s3:::{}", self.source_bucket);
        let archive_arn = format!("arn:aws:s3:::{}", self.archive_bucket);
        let archive = json!({"archive_bucket_arn": archive_arn, "archive_prefix": PREFIX, "source_account_id": ACCOUNT_A});
        let documents = [
            (
                "source-read",
                "shipper-source-read.json.tpl",
                json!({"source_object_arns": [format!("{source_arn}/*")]}),
            ),
            (
                "queue-consume",
                "shipper-queue-consume.json.tpl",
                json!({"queue_arn": self.queue_arn}),
            ),
            ("archive-write", "archive-write.json.tpl", archive),
            (
                "assume-writer",
                "shipper-assume-writer.json.tpl",
                json!({"writer_role_arn": self.writer_role_arn}),
            ),
        ];
        for (name, template, vars) in documents {
            self.grant_shipper(name, render(template, &vars)?).await?;
        }
        Ok(())
    }

    /// The second source account's shipper: the same write grants for its
    /// own partition and its own writer role.
    async fn grant_neighbour_identity(&self) -> Result<()> {
        let archive_arn = format!("arn:aws:s3:::{}", self.archive_bucket);
        let neighbour = &self.neighbour;
        let user = neighbour.shipper.arn.rsplit('/').next().unwrap_or_default();
        let documents = [
            (
                "archive-write",
                render(
                    "archive-write.json.tpl",
                    &json!({"archive_bucket_arn": archive_arn, "archive_prefix": PREFIX, "source_account_id": ACCOUNT_A2}),
                )?,
            ),
            (
                "assume-writer",
                render(
                    "shipper-assume-writer.json.tpl",
                    &json!({"writer_role_arn": neighbour.writer_role_arn}),
                )?,
            ),
        ];
        for (name, document) in documents {
            neighbour
                .admin
                .iam()
                .put_user_policy()
                .user_name(user)
                .policy_name(name)
                .policy_document(for_emulator(document).to_string())
                .send()
                .await?;
        }
        Ok(())
    }
}
