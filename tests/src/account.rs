//! One identity on the emulator: its credentials and the clients made from
//! them, and the emulator's admin bootstrap.

use std::sync::atomic::{AtomicU32, Ordering};

use anyhow::{Context, Result};
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::Credentials;
use serde_json::{json, Value};

use crate::world::REGION;
use crate::ForwardedHttps;

/// Credentials of one identity, and clients made from them.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: &'static str,
    pub arn: String,
    pub sdk: SdkConfig,
}

impl Account {
    /// An S3 client that looks like it came over TLS.
    pub fn s3(&self) -> aws_sdk_s3::Client {
        aws_sdk_s3::Client::from_conf(
            logferry::s3::clients::s3_config(&self.sdk)
                .interceptor(ForwardedHttps)
                .build(),
        )
    }

    /// An S3 client without the TLS marker: what plain HTTP looks like.
    pub fn s3_plain_http(&self) -> aws_sdk_s3::Client {
        aws_sdk_s3::Client::from_conf(logferry::s3::clients::s3_config(&self.sdk).build())
    }

    pub fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(&self.sdk)
    }

    pub fn sqs(&self) -> aws_sdk_sqs::Client {
        aws_sdk_sqs::Client::new(&self.sdk)
    }

    pub fn sts(&self) -> aws_sdk_sts::Client {
        aws_sdk_sts::Client::new(&self.sdk)
    }

    /// A new SQS queue with `attributes`; its URL and ARN.
    pub async fn create_queue(
        &self,
        name: &str,
        attributes: &[(aws_sdk_sqs::types::QueueAttributeName, &str)],
    ) -> anyhow::Result<(String, String)> {
        use aws_sdk_sqs::types::QueueAttributeName;
        let sqs = self.sqs();
        let mut create = sqs.create_queue().queue_name(name);
        for (attribute, value) in attributes {
            create = create.attributes(attribute.clone(), *value);
        }
        let url = create
            .send()
            .await?
            .queue_url
            .ok_or_else(|| anyhow::anyhow!("CreateQueue {name} returned no url"))?;
        let arn = sqs
            .get_queue_attributes()
            .queue_url(&url)
            .attribute_names(QueueAttributeName::QueueArn)
            .send()
            .await?
            .attributes
            .and_then(|mut a| a.remove(&QueueAttributeName::QueueArn))
            .ok_or_else(|| anyhow::anyhow!("queue {name} has no ARN"))?;
        Ok((url, arn))
    }

    /// The same identity, with clients for `region`.
    pub fn in_region(&self, region: &str) -> Account {
        Account {
            id: self.id,
            arn: self.arn.clone(),
            sdk: self
                .sdk
                .to_builder()
                .region(Region::new(region.to_string()))
                .build(),
        }
    }

    /// A role in this account trusted by `trust`, with one inline policy
    /// (expanded for the emulator); its ARN.
    pub async fn create_role(
        &self,
        name: &str,
        trust: &Value,
        policy_name: &str,
        permissions: Value,
    ) -> Result<String> {
        let iam = self.iam();
        let role = iam
            .create_role()
            .role_name(name)
            .assume_role_policy_document(trust.to_string())
            .send()
            .await?;
        let arn = role
            .role()
            .map(|r| r.arn().to_string())
            .context("CreateRole returned no role")?;
        iam.put_role_policy()
            .role_name(name)
            .policy_name(policy_name)
            .policy_document(crate::policy::for_emulator(permissions).to_string())
            .send()
            .await?;
        Ok(arn)
    }

    /// The IAM user `name` of this account, with `policies` inline
    /// (expanded for the emulator), signed in with its own key.
    pub async fn create_user(
        &self,
        endpoint: &str,
        name: &str,
        policies: Vec<(&str, Value)>,
    ) -> Result<Account> {
        let iam = self.iam();
        let user = iam.create_user().user_name(name).send().await?;
        let arn = user
            .user()
            .map(|u| u.arn().to_string())
            .context("CreateUser returned no user")?;
        for (policy, document) in policies {
            iam.put_user_policy()
                .user_name(name)
                .policy_name(policy)
                .policy_document(crate::policy::for_emulator(document).to_string())
                .send()
                .await?;
        }
        let key = iam.create_access_key().user_name(name).send().await?;
        let key = key
            .access_key()
            .context("CreateAccessKey returned no key")?;
        let credentials = Credentials::new(
            key.access_key_id(),
            key.secret_access_key(),
            None,
            None,
            "test-user",
        );
        Ok(Account {
            id: self.id,
            arn,
            sdk: sdk_config(endpoint, credentials).await,
        })
    }

    /// Credentials of a session of `role_arn` named `session`, assumed by
    /// this identity.
    pub async fn assume(
        &self,
        role_arn: &str,
        session: &str,
        provider: &'static str,
    ) -> Result<Credentials> {
        let assumed = self
            .sts()
            .assume_role()
            .role_arn(role_arn)
            .role_session_name(session)
            .send()
            .await
            .with_context(|| format!("assuming {role_arn}"))?;
        let c = assumed
            .credentials()
            .context("AssumeRole returned no credentials")?;
        Ok(session_credentials(c, provider))
    }

    /// This identity's access key, for tools that read a credentials file.
    pub async fn keys(&self) -> Result<Credentials> {
        Ok(self
            .sdk
            .credentials_provider()
            .context("no credentials provider")?
            .provide_credentials()
            .await?)
    }
}

/// STS's temporary credentials as the SDK takes them.
pub fn session_credentials(
    c: &aws_sdk_sts::types::Credentials,
    provider: &'static str,
) -> Credentials {
    Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        None,
        provider,
    )
}

static SEQUENCE: AtomicU32 = AtomicU32::new(0);

/// A short name unique in this process and, through the pid, across runs on one emulator.
pub fn unique(stem: &str) -> String {
    format!(
        "{stem}-{}-{}",
        std::process::id(),
        SEQUENCE.fetch_add(1, Ordering::Relaxed)
    )
}

pub async fn sdk_config(endpoint: &str, credentials: Credentials) -> SdkConfig {
    sdk_config_in(endpoint, REGION, credentials).await
}

pub async fn sdk_config_in(endpoint: &str, region: &str, credentials: Credentials) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new(region.to_string()))
        .credentials_provider(credentials)
        .load()
        .await
}

/// An admin in `account` (fakecloud's `create-admin`), never used to ship.
pub async fn admin(endpoint: &str, account: &'static str, user: &str) -> Result<Account> {
    if crate::emulator::Emulator::current()? == crate::emulator::Emulator::LocalStack {
        // LocalStack takes a 12-digit access key id as the account it
        // names, and checks no secret: its account's root.
        let credentials = Credentials::new(account, "test", None, None, "localstack-root");
        return Ok(Account {
            id: account,
            arn: format!("arn:aws:iam::{account}:root"),
            sdk: sdk_config(endpoint, credentials).await,
        });
    }
    let response: Value = reqwest::Client::new()
        .post(format!("{endpoint}/_fakecloud/iam/create-admin"))
        .json(&json!({"accountId": account, "userName": user}))
        .send()
        .await
        .context("calling /_fakecloud/iam/create-admin")?
        .error_for_status()?
        .json()
        .await?;
    let field = |name: &str| {
        response[name]
            .as_str()
            .map(str::to_string)
            .with_context(|| format!("create-admin returned no {name}"))
    };
    let credentials = Credentials::new(
        field("accessKeyId")?,
        field("secretAccessKey")?,
        None,
        None,
        "fakecloud-admin",
    );
    Ok(Account {
        id: account,
        arn: field("arn")?,
        sdk: sdk_config(endpoint, credentials).await,
    })
}
