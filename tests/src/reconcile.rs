//! What the reconcile tests share: the auditor in B with the shipped
//! reconcile policies, access-log keys by day, and a shipped set of logs.

use std::collections::HashMap;

use anyhow::{ensure, Result};
use chrono::NaiveDate;
use serde_json::{json, Value};

use crate::policy::{for_emulator, render};
use crate::world::{unique, Account, ACCOUNT_A, PREFIX, REGION};
use crate::{Mode, World};
use logferry_cli::ship;

/// Where the tests' access logs are in A's log bucket.
pub const LOGS: &str = "s3-access/";

/// A user in B with the reconcile policies (and `extra` ones), granted A's
/// log prefix by A's bucket.
pub async fn reconciler(world: &World, extra: Vec<(&str, Value)>) -> Result<Account> {
    let log_bucket_arn = format!("arn:aws:s3:::{}", world.source_bucket);
    let mut policies = vec![
        (
            "archive",
            render(
                "reconcile.json.tpl",
                &json!({"archive_bucket_arn": format!("arn:aws:s3:::{}", world.archive_bucket), "archive_prefix": PREFIX}),
            )?,
        ),
        (
            "source",
            render(
                "reconcile-source-list.json.tpl",
                &json!({"log_bucket_arn": log_bucket_arn, "log_key_prefix": LOGS}),
            )?,
        ),
    ];
    policies.extend(extra);
    let user = world
        .admin_b
        .create_user(&world.endpoint, &unique("reconcile"), policies)
        .await?;
    let grant = render(
        "source-bucket-reconcile-list.json.tpl",
        &json!({"reconcile_principal_arns": [user.arn], "log_bucket_arn": log_bucket_arn, "log_key_prefix": LOGS}),
    )?;
    world
        .admin_a
        .s3()
        .put_bucket_policy()
        .bucket(&world.source_bucket)
        .policy(for_emulator(grant).to_string())
        .send()
        .await?;
    Ok(user)
}

pub fn access_log(day: u32, n: u32) -> String {
    format!("{LOGS}{ACCOUNT_A}/{REGION}/audited-web/2026/11/{day:02}/2026-11-{day:02}-0{n}-00-00-{n:04}ABCD")
}

pub fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

/// Ship `keys` from A's bucket; their archive keys by source key.
pub async fn ship_all(world: &World, keys: &[String]) -> Result<HashMap<String, String>> {
    for key in keys {
        world.put_source(key, format!("{key}\n")).await?;
    }
    let shipper = world.shipper(world.config(Mode::Direct)).await?;
    let source = shipper.clients().source.clone();
    let uris: Vec<String> = keys
        .iter()
        .map(|k| format!("s3://{}/{k}", world.source_bucket))
        .collect();
    let mut archived = HashMap::new();
    let summary = ship::ship_uris(&shipper, &source, &uris, std::future::pending(), |done| {
        if let Ok(s) = done.result {
            archived.insert(s.source_key.clone(), s.dest_key.clone());
        }
    })
    .await?;
    ensure!(
        summary.failed.is_empty() && archived.len() == keys.len(),
        "{summary:?}"
    );
    Ok(archived)
}
