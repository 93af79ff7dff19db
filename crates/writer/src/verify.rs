//! An object counts as shipped only when account B's S3 reports the CRC32C
//! of the bytes the shipper knows the source has, and the sizes agree.

use crate::error::ShipError;
use crate::plan::ShipPlan;
use crate::source::{decode_crc32c, encode_crc32c};
use crate::write::Written;

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
    let expected = encode_crc32c(written.expected_crc32c);
    match written.returned_crc32c.as_deref() {
        Some(returned) if decode_crc32c(returned) == Some(written.expected_crc32c) => Ok(()),
        Some(returned) => Err(mismatch(format!(
            "account B stored CRC32C {returned}, the source's is {expected}"
        ))),
        None => Err(mismatch(format!(
            "account B returned no CRC32C for the write (expected {expected})"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::DestinationKey;
    use crate::plan::Method;
    use crate::source::SourceObject;

    fn plan(size: u64) -> ShipPlan {
        ShipPlan {
            source: SourceObject {
                bucket: "a".into(),
                key: "k".into(),
                version_id: None,
                etag: "e".into(),
                size,
                last_modified: chrono::Utc::now(),
                crc32c: None,
                content_type: None,
                content_encoding: None,
            },
            dest_bucket: "b".into(),
            dest_key: DestinationKey("p/k".into()),
            method: Method::Put,
            metadata: Default::default(),
        }
    }

    fn written(bytes: u64, expected: u32, returned: Option<u32>) -> Written {
        Written {
            expected_crc32c: expected,
            returned_crc32c: returned.map(encode_crc32c),
            bytes,
        }
    }

    #[test]
    fn matching_size_and_crc_pass() {
        let crc = crc32c::crc32c(b"abc");
        assert!(verify(&plan(3), &written(3, crc, Some(crc))).is_ok());
    }

    #[test]
    fn any_difference_fails_and_is_retryable() {
        let crc = crc32c::crc32c(b"abc");
        for (bytes, returned) in [(2, Some(crc)), (3, Some(crc ^ 1)), (3, None)] {
            let err = verify(&plan(3), &written(bytes, crc, returned)).unwrap_err();
            assert!(err.is_retryable(), "{err}");
        }
    }
}
