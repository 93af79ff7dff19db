//! When the archive already holds the planned key: every write is
//! conditional, so S3 refused to replace it ([`ShipError::Exists`]). Either
//! this is the same object again (a redelivery, a retry whose first answer
//! was lost, a backfill over days already shipped), or the source changed
//! after it was archived: an overwrite in account A, which is exactly what an
//! evidence archive must not follow.
//!
//! - The same object: nothing is written; it counts as shipped
//!   ([`Landing::AlreadyArchived`]).
//! - Changed content: the archived object stays as it is, and the new
//!   content lands beside it, under `<prefix>/<account>/_conflicts/<source
//!   ETag>/<the rest of the key>` ([`Landing::Changed`]), with a warning that
//!   names both keys. The `_` segment keeps it out of the tables (Athena
//!   skips names starting with `_`, and the partition projection never
//!   produces one), and the ETag in the key makes a redelivery of that same
//!   changed content a no-op too: one copy per distinct content, never a pile.
//!
//! "The same" is decided on what the archived copy and the source both
//! carry: the size, and the full-object checksum when both have one of the
//! same algorithm, else the source ETag recorded in the copy's metadata.
//! Reading the copy's attributes needs `s3:GetObject` on the writer's own
//! partition (HeadObject; the object's bytes are never read).

use crate::s3::unanswered::answered;
use aws_sdk_s3::types::ChecksumMode;
use serde::Serialize;

use crate::error::ShipError;
use crate::s3::checksum::{Checksum, ChecksumFields};
use crate::s3::classify::Attempt;
use crate::ship::plan::ShipPlan;
use crate::ship::write::archive_attempt;

/// The key segment under `<prefix>/<account>/` that holds changed content.
pub const CONFLICTS: &str = "_conflicts";

/// How a shipped object's content came to be in the archive.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Landing {
    /// Written by this shipment.
    #[default]
    New,
    /// The archive already held this very object under its key.
    AlreadyArchived,
    /// The archive held other content under the key; this content was kept
    /// beside it, under `_conflicts/`.
    Changed,
}

/// What the archive holds under a key, against the planned source.
#[derive(Debug)]
pub(crate) struct Held {
    pub same: bool,
    /// The archived copy's full-object checksum, when S3 reports one.
    pub checksum: Option<Checksum>,
}

impl Held {
    /// The archived copy's checksum as a shipment reports it, or the source
    /// ETag it was matched by.
    pub fn describe(&self, plan: &ShipPlan) -> String {
        match &self.checksum {
            Some(checksum) => checksum.to_string(),
            None => format!("ETag:{}", plan.source.etag.trim_matches('"')),
        }
    }
}

/// HeadObject of `key` in the archive, compared with `plan`'s source;
/// `None` when nothing is there. A writer without `s3:ListBucket` gets 403
/// for a key that does not exist, so 403 and 404 both mean "nothing": a
/// write then goes ahead, and its condition decides.
pub(crate) async fn present(
    archive: &aws_sdk_s3::Client,
    plan: &ShipPlan,
    key: &str,
    base: Attempt<'_>,
) -> Result<Option<Held>, ShipError> {
    let request = archive
        .head_object()
        .bucket(&plan.dest_bucket)
        .key(key)
        .checksum_mode(ChecksumMode::Enabled)
        .send();
    let answer = answered(request).await;
    let head = match answer {
        Ok(head) => head,
        Err(e)
            if matches!(
                e.raw_response().map(|r| r.status().as_u16()),
                Some(403 | 404)
            ) =>
        {
            return Ok(None)
        }
        Err(e) => {
            let attempt = Attempt {
                key,
                ..archive_attempt(base, plan, "HeadObject")
            };
            return Err(attempt.classify(e));
        }
    };
    let checksum = Checksum::stored(
        head.checksum_type(),
        ChecksumFields {
            crc32: head.checksum_crc32(),
            crc32c: head.checksum_crc32_c(),
            crc64nvme: head.checksum_crc64_nvme(),
        },
    );
    let size = head.content_length().and_then(|l| u64::try_from(l).ok());
    let recorded_etag = head
        .metadata()
        .and_then(|m| m.get("logferry-source-etag"))
        .map(String::as_str);
    let same = same_object(plan, size, checksum.as_ref(), recorded_etag);
    Ok(Some(Held { same, checksum }))
}

/// The comparison itself, on what HeadObject returned.
fn same_object(
    plan: &ShipPlan,
    size: Option<u64>,
    archived: Option<&Checksum>,
    recorded_etag: Option<&str>,
) -> bool {
    if size != Some(plan.source.size) {
        return false;
    }
    let comparable = match (plan.source.stored_checksum.as_ref(), archived) {
        (Some(source), Some(copy)) if source.algorithm == copy.algorithm => Some(source),
        _ => None,
    };
    match (comparable, archived) {
        (Some(source), Some(copy)) => source.matches(&copy.value),
        _ => recorded_etag == Some(plan.source.etag.trim_matches('"')),
    }
}

/// Where changed content goes: beside the archived object, under
/// `_conflicts/<source ETag>/` inside the same account's partition (the only
/// place its writer may write), with the rest of the key unchanged.
pub(crate) fn conflict_key(plan: &ShipPlan, prefix: &str) -> String {
    let partition = format!("{prefix}/{}/", plan.account);
    let rest = plan
        .dest_key
        .0
        .strip_prefix(&partition)
        .unwrap_or(&plan.dest_key.0);
    let etag = plan.source.etag.trim_matches('"');
    format!("{partition}{CONFLICTS}/{etag}/{rest}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::key::DestinationKey;
    use crate::ship::plan::{Expected, Method};
    use crate::ship::source::SourceObject;

    fn plan(stored: Option<Checksum>) -> ShipPlan {
        ShipPlan {
            source: SourceObject {
                bucket: "src".into(),
                key: "app/a.log".into(),
                version_id: None,
                etag: "\"5d41402abc4b2a76b9719d911017c592\"".into(),
                size: 5,
                last_modified: chrono::Utc::now(),
                stored_checksum: stored,
                content_type: None,
                content_encoding: None,
            },
            account: "111122223333".into(),
            dest_bucket: "archive".into(),
            dest_key: DestinationKey("logs/111122223333/eu-west-1/src/2026/12/02/app/a.log".into()),
            method: Method::Put,
            expected: Expected::WhileStreaming,
            copy_source: "src/app/a.log".into(),
            metadata: Default::default(),
            logged_at: None,
        }
    }

    #[test]
    fn changed_content_goes_beside_the_original_under_its_own_etag() {
        assert_eq!(
            conflict_key(&plan(None), "logs"),
            "logs/111122223333/_conflicts/5d41402abc4b2a76b9719d911017c592/eu-west-1/src/2026/12/02/app/a.log"
        );
    }

    #[test]
    fn the_same_object_is_told_by_checksum_when_both_have_one_else_by_etag() {
        let crc = Checksum::crc32c(crate::s3::checksum::crc32c(b"hello"));
        let other = Checksum::crc32c(crate::s3::checksum::crc32c(b"jello"));
        let etag = Some("5d41402abc4b2a76b9719d911017c592");
        // Same checksum: the same bytes, whatever ETag the copy recorded
        // (a KMS-encrypted source gets a new ETag on every upload).
        assert!(same_object(
            &plan(Some(crc.clone())),
            Some(5),
            Some(&crc),
            Some("x")
        ));
        // A different checksum of the same algorithm: changed, whatever the ETag.
        assert!(!same_object(
            &plan(Some(crc.clone())),
            Some(5),
            Some(&other),
            etag
        ));
        // No comparable checksum: the recorded source ETag decides.
        assert!(same_object(&plan(None), Some(5), Some(&crc), etag));
        assert!(!same_object(&plan(None), Some(5), Some(&crc), Some("0000")));
        assert!(!same_object(&plan(None), Some(5), None, None));
        // A different size is never the same object.
        assert!(!same_object(&plan(None), Some(6), None, etag));
    }
}
