//! The shipper as Terraform deployed it: its function configuration, its
//! role, its queue and event source mapping, read back from the emulator and
//! run with the real handler, the way Lambda would run it.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use aws_config::SdkConfig;
use aws_sdk_sqs::types::QueueAttributeName;
use lambda_runtime::{Context as LambdaContext, LambdaEvent};
use logferry::{Shipper, ShipperConfig};
use serde_json::{json, Value};

use crate::account::Account;
use crate::gaps;

pub mod archived;
pub mod compactor;
pub mod existing;
pub mod local;
pub mod operations;
pub mod protection;
pub mod writers;

/// What Terraform configured for the shipper, read from the emulator.
#[derive(Debug, Clone)]
pub struct DeployedFunction {
    pub name: String,
    pub region: String,
    pub role_arn: String,
    pub timeout_seconds: i32,
    pub environment: BTreeMap<String, String>,
    pub queue_url: String,
    pub queue_arn: String,
    pub batch_size: i32,
    pub visibility_timeout_seconds: i64,
    pub max_receive_count: i64,
    pub reports_batch_item_failures: bool,
    mapping_uuid: String,
}

impl DeployedFunction {
    /// `GetFunctionConfiguration`, its event source mapping and its queue.
    pub async fn read(admin_a: &Account, name: &str) -> Result<DeployedFunction> {
        let lambda = aws_sdk_lambda::Client::new(&admin_a.sdk);
        let config = LambdaConfig::read(admin_a, name).await?;
        let mappings = lambda
            .list_event_source_mappings()
            .function_name(name)
            .send()
            .await?;
        let [mapping] = mappings.event_source_mappings() else {
            bail!(
                "{name} has {} event source mappings, expected one queue",
                mappings.event_source_mappings().len()
            );
        };
        let queue_arn = mapping
            .event_source_arn()
            .context("mapping has no source")?;
        let queue_name = queue_arn.rsplit(':').next().unwrap_or_default();
        let sqs = aws_sdk_sqs::Client::new(&admin_a.sdk);
        let queue_url = sqs
            .get_queue_url()
            .queue_name(queue_name)
            .send()
            .await?
            .queue_url
            .context("queue has no url")?;
        let attributes = sqs
            .get_queue_attributes()
            .queue_url(&queue_url)
            .attribute_names(QueueAttributeName::All)
            .send()
            .await?
            .attributes
            .unwrap_or_default();
        let attribute =
            |name: QueueAttributeName| attributes.get(&name).cloned().unwrap_or_default();
        let redrive: Value = serde_json::from_str(&attribute(QueueAttributeName::RedrivePolicy))
            .context("the queue has no redrive policy (no DLQ)")?;
        Ok(DeployedFunction {
            name: name.to_string(),
            region: config.region,
            role_arn: config.role_arn,
            timeout_seconds: config.timeout_seconds,
            environment: config.environment,
            queue_url,
            queue_arn: queue_arn.to_string(),
            // What Terraform set, read back; never a default standing in
            // for a value the emulator did not return.
            batch_size: mapping
                .batch_size()
                .context("the event source mapping returned no batch size")?,
            visibility_timeout_seconds: attribute(QueueAttributeName::VisibilityTimeout)
                .parse()
                .context("the queue returned no visibility timeout")?,
            max_receive_count: redrive["maxReceiveCount"]
                .as_i64()
                .or_else(|| redrive["maxReceiveCount"].as_str()?.parse().ok())
                .context("the redrive policy has no maxReceiveCount")?,
            reports_batch_item_failures: mapping
                .function_response_types()
                .iter()
                .any(|t| t.as_str() == "ReportBatchItemFailures"),
            mapping_uuid: mapping.uuid().unwrap_or_default().to_string(),
        })
    }

    /// What the README promises about the queue and the mapping.
    pub fn check_settings(&self) -> Result<()> {
        ensure!(
            self.reports_batch_item_failures,
            "the event source mapping lacks ReportBatchItemFailures, so one bad message would fail its whole batch"
        );
        ensure!(
            (1..=10).contains(&self.batch_size),
            "batch size {} is outside 1..=10",
            self.batch_size
        );
        // AWS: "set the source queue's visibility timeout to at least six
        // times the timeout that you configure on your function".
        ensure!(
            self.visibility_timeout_seconds >= 6 * i64::from(self.timeout_seconds),
            "queue visibility timeout {} s is under 6 × the function timeout {} s",
            self.visibility_timeout_seconds,
            self.timeout_seconds
        );
        ensure!(
            self.max_receive_count >= 1,
            "the queue's redrive policy has no maxReceiveCount"
        );
        Ok(())
    }

    /// Gap [`gaps::LAMBDA_RUNTIME`]: the emulator's own poller would receive
    /// the queue's messages for this mapping (and hide them for the
    /// visibility timeout) only to fail the invocation, so the harness
    /// disables the mapping before it plays Lambda itself.
    pub async fn take_over_the_mapping(&self, admin_a: &Account) -> Result<()> {
        aws_sdk_lambda::Client::new(&admin_a.sdk)
            .update_event_source_mapping()
            .uuid(&self.mapping_uuid)
            .enabled(false)
            .send()
            .await
            .with_context(|| {
                format!("{}: disabling the emulator's poller", gaps::LAMBDA_RUNTIME)
            })?;
        Ok(())
    }

    /// The writer as Lambda would start it: this function's environment, and
    /// credentials of a session of this function's role.
    pub async fn start(&self, admin_a: &Account, endpoint: &str) -> Result<Shipper> {
        let sdk = self.role_session(admin_a, endpoint).await?;
        // As strict as the function's own start: a variable the shipper
        // does not know is refused too.
        let config = ShipperConfig::from_environment(&self.environment).map_err(|errors| {
            anyhow::anyhow!(
                "the environment Terraform gave {} is rejected by the shipper:\n{}",
                self.name,
                logferry::settings::join(&errors)
            )
        })?;
        Ok(Shipper::connect(config, &sdk, std::convert::identity).await?)
    }

    async fn role_session(&self, admin_a: &Account, endpoint: &str) -> Result<SdkConfig> {
        play_lambda(admin_a, &self.role_arn, &self.name, &self.region, endpoint).await
    }

    /// The role session's ARN, as other accounts' policies see it.
    pub fn session_arn(&self) -> String {
        let account = self.role_arn.split(':').nth(4).unwrap_or_default();
        let role = self.role_arn.rsplit('/').next().unwrap_or_default();
        format!("arn:aws:sts::{account}:assumed-role/{role}/{}", self.name)
    }

    /// Play the event source mapping: receive the queue's messages in batches
    /// of the mapping's size until `expected` objects were seen, invoke the
    /// handler with each batch, and delete what it did not report failed.
    /// Returns the handler's responses.
    pub async fn drain_queue(
        &self,
        shipper: &Shipper,
        admin_a: &Account,
        expected: usize,
    ) -> Result<Vec<Value>> {
        let sqs = admin_a.sqs();
        let mut seen = 0;
        let mut responses = Vec::new();
        let mut other_bodies = Vec::new();
        let mut shipped_reported = 0;
        let deadline = Instant::now() + Duration::from_secs(60);
        while seen < expected {
            ensure!(
                Instant::now() < deadline,
                "only {seen} of {expected} objects reached {} within 60 s; other messages: {other_bodies:?}",
                self.queue_url
            );
            let received = sqs
                .receive_message()
                .queue_url(&self.queue_url)
                .max_number_of_messages(self.batch_size.min(10))
                .wait_time_seconds(1)
                .send()
                .await?;
            let messages = received.messages();
            if messages.is_empty() {
                continue;
            }
            for m in messages {
                let body = m.body().unwrap_or_default();
                match logferry::parse_text(body).map(|p| p.objects.len()) {
                    Ok(n) if n > 0 => seen += n,
                    _ => other_bodies.push(body.chars().take(300).collect::<String>()),
                }
            }
            let records: Vec<Value> = messages
                .iter()
                .map(|m| {
                    json!({
                        "messageId": m.message_id(), "receiptHandle": m.receipt_handle(),
                        "body": m.body(), "md5OfBody": m.md5_of_body(), "attributes": {},
                        "messageAttributes": {}, "eventSource": "aws:sqs",
                        "eventSourceARN": self.queue_arn, "awsRegion": self.region,
                    })
                })
                .collect();
            // The context Lambda gives the deployed function: its name.
            let mut context = LambdaContext::default();
            context.env_config = std::sync::Arc::new(lambda_runtime::Config {
                function_name: self.name.clone(),
                ..Default::default()
            });
            let event = LambdaEvent::new(json!({ "Records": records }), context);
            let emitter = logferry::metrics::Emitter::memory();
            let response = shipper::handle(event, shipper, &emitter)
                .await
                .map_err(|e| anyhow::anyhow!("the handler failed the batch: {e}"))?;
            // One EMF document, under the function's name: what the
            // Terraform alarms and dashboard select by.
            for d in emitter.documents() {
                logferry::metrics::check(&d).map_err(|e| anyhow::anyhow!("not EMF ({e}): {d}"))?;
                ensure!(
                    d["Service"] == self.name.as_str(),
                    "EMF for another service: {d}"
                );
                shipped_reported += d["ObjectsShipped"].as_u64().unwrap_or(0);
            }
            let failed: Vec<&str> = response["batchItemFailures"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| f["itemIdentifier"].as_str())
                .collect();
            let receipts: HashMap<&str, &str> = messages
                .iter()
                .map(|m| {
                    (
                        m.message_id().unwrap_or_default(),
                        m.receipt_handle().unwrap_or_default(),
                    )
                })
                .collect();
            for (id, receipt) in receipts {
                if !failed.contains(&id) {
                    sqs.delete_message()
                        .queue_url(&self.queue_url)
                        .receipt_handle(receipt)
                        .send()
                        .await?;
                }
            }
            responses.push(response);
        }
        ensure!(
            shipped_reported == expected as u64,
            "the handler's metrics say {shipped_reported} objects shipped, {expected} were"
        );
        Ok(responses)
    }
}

/// What `GetFunctionConfiguration` says of a function.
#[derive(Debug, Clone)]
pub struct LambdaConfig {
    pub arn: String,
    pub region: String,
    pub role_arn: String,
    pub timeout_seconds: i32,
    pub environment: BTreeMap<String, String>,
}

impl LambdaConfig {
    pub async fn read(admin: &Account, name: &str) -> Result<LambdaConfig> {
        let config = aws_sdk_lambda::Client::new(&admin.sdk)
            .get_function_configuration()
            .function_name(name)
            .send()
            .await
            .with_context(|| format!("GetFunctionConfiguration {name}"))?;
        let arn = config.function_arn().context("function has no ARN")?;
        Ok(LambdaConfig {
            arn: arn.to_string(),
            region: arn.split(':').nth(3).unwrap_or_default().to_string(),
            role_arn: config.role().context("function has no role")?.to_string(),
            timeout_seconds: config
                .timeout()
                .context("the function returned no timeout")?,
            environment: config
                .environment()
                .and_then(|e| e.variables())
                .map(|v| v.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
        })
    }
}

/// Gap [`gaps::LAMBDA_RUNTIME`]: the harness plays the Lambda service. A
/// function's role trusts only `lambda.amazonaws.com`, so its trust policy
/// gets one more statement for the account's admin, and that admin assumes
/// the role: credentials of a session named after the function.
pub async fn play_lambda(
    admin: &Account,
    role_arn: &str,
    function: &str,
    region: &str,
    endpoint: &str,
) -> Result<SdkConfig> {
    let credentials = play_service(admin, role_arn, function, gaps::LAMBDA_RUNTIME).await?;
    Ok(crate::account::sdk_config_in(endpoint, region, credentials).await)
}

/// Credentials of a session `session` of a service's role (one that trusts
/// only its service), for the gap `why`: the role's trust policy gets one
/// more statement for the account's admin, who assumes it.
pub async fn play_service(
    admin: &Account,
    role_arn: &str,
    session: &str,
    why: &str,
) -> Result<aws_credential_types::Credentials> {
    let role_name = role_arn.rsplit('/').next().unwrap_or_default();
    edit_trust(admin, role_name, why, |trust| {
        if let Some(statements) = trust["Statement"].as_array_mut() {
            statements.push(json!({
                "Sid": "EmulatorPlaysTheService",
                "Effect": "Allow",
                "Principal": {"AWS": admin.arn},
                "Action": "sts:AssumeRole"
            }));
        }
    })
    .await?;
    admin.assume(role_arn, session, "service-role").await
}

/// Change a role's trust policy on the emulator, for the gap named `why`.
pub async fn edit_trust(
    admin: &Account,
    role_name: &str,
    why: &str,
    edit: impl FnOnce(&mut Value),
) -> Result<()> {
    let iam = admin.iam();
    let role = iam.get_role().role_name(role_name).send().await?;
    let document = role
        .role()
        .and_then(|r| r.assume_role_policy_document())
        .context("the role has no trust policy")?;
    let decoded = percent_encoding::percent_decode_str(document).decode_utf8_lossy();
    let mut trust: Value = serde_json::from_str(&decoded)?;
    edit(&mut trust);
    iam.update_assume_role_policy()
        .role_name(role_name)
        .policy_document(trust.to_string())
        .send()
        .await
        .with_context(|| format!("{why}: changing the trust of {role_name}"))?;
    Ok(())
}
