//! An object counts as shipped only when account B's S3 reports the same
//! full-object checksum the source has, and the sizes agree.

use crate::error::ShipError;
use crate::ship::plan::ShipPlan;
use crate::ship::write::Written;

pub fn verify(plan: &ShipPlan, written: &Written) -> Result<(), ShipError> {
    let mismatch = |detail: String| ShipError::VerifyMismatch {
        bucket: plan.dest_bucket.clone(),
        key: plan.dest_key.0.clone(),
        detail,
    };
    if written.bytes != plan.source.size {
        return Err(mismatch(format!(
            "the source is {} bytes but {} were shipped",
            plan.source.size, written.bytes
        )));
    }
    let expected = &written.expected;
    match written.returned.as_deref() {
        Some(returned) if expected.matches(returned) => Ok(()),
        Some(returned) => Err(mismatch(format!(
            "account B stored {} {returned}, the source's is {}",
            expected.algorithm.name(),
            expected.value
        ))),
        None => Err(mismatch(format!(
            "account B returned no {} for the write (expected {})",
            expected.algorithm.name(),
            expected.value
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::key::DestinationKey;
    use crate::s3::checksum::Checksum;
    use crate::ship::plan::Method;
    use crate::ship::source::SourceObject;

    fn plan(size: u64) -> ShipPlan {
        ShipPlan {
            source: SourceObject {
                bucket: "a".into(),
                key: "k".into(),
                version_id: None,
                etag: "e".into(),
                size,
                last_modified: chrono::Utc::now(),
                stored_checksum: None,
                content_type: None,
                content_encoding: None,
            },
            account: "111122223333".into(),
            dest_bucket: "b".into(),
            dest_key: DestinationKey("p/k".into()),
            method: Method::Put,
            expected: crate::ship::plan::Expected::WhileStreaming,
            copy_source: "a/k".into(),
            metadata: Default::default(),
            logged_at: None,
        }
    }

    fn written(bytes: u64, expected: u32, returned: Option<u32>) -> Written {
        Written {
            expected: Checksum::crc32c(expected),
            returned: returned.map(|r| Checksum::crc32c(r).value),
            bytes,
        }
    }

    #[test]
    fn matching_size_and_crc_pass() {
        let crc = crate::s3::checksum::crc32c(b"abc");
        assert!(verify(&plan(3), &written(3, crc, Some(crc))).is_ok());
    }

    #[test]
    fn any_difference_fails_and_is_retryable() {
        let crc = crate::s3::checksum::crc32c(b"abc");
        for (bytes, returned) in [(2, Some(crc)), (3, Some(crc ^ 1)), (3, None)] {
            let err = verify(&plan(3), &written(bytes, crc, returned)).unwrap_err();
            assert!(err.is_retryable(), "{err}");
        }
    }
}
