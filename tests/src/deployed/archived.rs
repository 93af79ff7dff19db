//! What a deployment left in the archive: every access log, byte for byte,
//! under the key the archive layout gives it.

use std::collections::BTreeMap;

use anyhow::{ensure, Context, Result};

use crate::access_logs::LogObject;
use crate::account::Account;

/// A source account as the archive sees it: its id, its admin and its log
/// bucket.
pub type Source<'a> = (&'a str, &'a Account, &'a str);

/// Every access log is in the archive, byte for byte, in its own account's
/// partition under the audited bucket and the log's own day, and nothing
/// else is. Returns the copies, key → bytes.
pub async fn copies(
    admin_b: &Account,
    bucket: &str,
    prefix: &str,
    objects: &[LogObject],
    sources: &[Source<'_>],
) -> Result<BTreeMap<String, Vec<u8>>> {
    let keys = listed(admin_b, bucket, prefix).await?;
    ensure!(
        keys.len() == objects.len(),
        "archive holds {keys:?}, expected {} objects",
        objects.len()
    );
    let mut copies = BTreeMap::new();
    for o in objects {
        let (_, admin, log_bucket) = sources
            .iter()
            .find(|(account, _, _)| *account == o.account)
            .context("a log of no source account")?;
        let key = archive_key(prefix, o);
        let copy = read(admin_b, bucket, &key).await?;
        let source = read(admin, log_bucket, &o.key).await?;
        ensure!(
            copy == source,
            "s3://{bucket}/{key} differs from its source"
        );
        copies.insert(key, copy);
    }
    Ok(copies)
}

/// The keys under `prefix/` in the archive.
pub async fn listed(admin_b: &Account, bucket: &str, prefix: &str) -> Result<Vec<String>> {
    let listed = admin_b
        .s3()
        .list_objects_v2()
        .bucket(bucket)
        .prefix(format!("{prefix}/"))
        .send()
        .await?;
    Ok(listed
        .contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_string))
        .collect())
}

/// `o`'s key in the archive: account, region, audited bucket, day, file.
pub fn archive_key(prefix: &str, o: &LogObject) -> String {
    let file = o.key.rsplit('/').next().unwrap_or_default();
    format!(
        "{prefix}/{}/{}/{}/{}/{file}",
        o.account,
        o.key.split('/').nth(2).unwrap_or_default(),
        o.bucket,
        o.day.format("%Y/%m/%d")
    )
}

async fn read(admin: &Account, bucket: &str, key: &str) -> Result<Vec<u8>> {
    Ok(admin
        .s3()
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .with_context(|| format!("s3://{bucket}/{key} is missing"))?
        .body
        .collect()
        .await?
        .to_vec())
}
