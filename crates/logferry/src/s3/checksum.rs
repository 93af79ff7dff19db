//! The flexible checksums a copy is verified with.
//!
//! Streamed copies are always checked with a CRC32C the shipper computes as it
//! reads. A server-side copy is checked against the full-object checksum S3
//! already stores for the source (S3 adds CRC64NVME to every new upload,
//! SDKs add CRC32 or CRC32C), asking S3 to compute the same algorithm for the
//! copy, so no byte passes through the shipper; only a source with no stored
//! full-object checksum is read once to compute a CRC32C.
//!
//! The S3 API reference (`Checksum`, `CopyObjectResult`) on CRC64NVME: it is
//! present "if the object was uploaded without a checksum (and Amazon S3
//! added the default checksum, CRC64NVME, to the uploaded object)".

use aws_sdk_s3::types::{ChecksumAlgorithm, ChecksumType};
use base64::Engine;

/// The full-object checksum algorithms S3 can compute for a copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Crc32,
    Crc32C,
    Crc64Nvme,
}

/// CRC32C of `bytes`: the one CRC implementation (`crc_fast`) for every width.
pub fn crc32c(bytes: &[u8]) -> u32 {
    crc_fast::crc32_iscsi(bytes)
}

/// CRC32C of what `crc` covered followed by `bytes`, for checksums kept
/// while streaming.
pub fn crc32c_append(crc: u32, bytes: &[u8]) -> u32 {
    use crc_fast::CrcAlgorithm::Crc32Iscsi;
    let tail = crc_fast::checksum(Crc32Iscsi, bytes);
    let whole = crc_fast::checksum_combine(Crc32Iscsi, u64::from(crc), tail, bytes.len() as u64);
    u32::try_from(whole).expect("a CRC32 fits 32 bits")
}

impl Algorithm {
    pub fn sdk(self) -> ChecksumAlgorithm {
        match self {
            Algorithm::Crc32 => ChecksumAlgorithm::Crc32,
            Algorithm::Crc32C => ChecksumAlgorithm::Crc32C,
            Algorithm::Crc64Nvme => ChecksumAlgorithm::Crc64Nvme,
        }
    }

    /// The same CRC, for computing it while reading.
    pub fn digest(self) -> crc_fast::Digest {
        crc_fast::Digest::new(match self {
            Algorithm::Crc32 => crc_fast::CrcAlgorithm::Crc32IsoHdlc,
            Algorithm::Crc32C => crc_fast::CrcAlgorithm::Crc32Iscsi,
            Algorithm::Crc64Nvme => crc_fast::CrcAlgorithm::Crc64Nvme,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Crc32 => "CRC32",
            Algorithm::Crc32C => "CRC32C",
            Algorithm::Crc64Nvme => "CRC64NVME",
        }
    }

    /// This algorithm's value out of the three fields every S3 answer carries.
    pub fn pick<'a>(self, fields: ChecksumFields<'a>) -> Option<&'a str> {
        match self {
            Algorithm::Crc32 => fields.crc32,
            Algorithm::Crc32C => fields.crc32c,
            Algorithm::Crc64Nvme => fields.crc64nvme,
        }
    }
}

/// The CRC fields of an S3 request or response, borrowed.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChecksumFields<'a> {
    pub crc32: Option<&'a str>,
    pub crc32c: Option<&'a str>,
    pub crc64nvme: Option<&'a str>,
}

/// A full-object checksum, base64 of the big-endian digest as S3 shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checksum {
    pub algorithm: Algorithm,
    pub value: String,
}

impl std::fmt::Display for Checksum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.algorithm.name(), self.value)
    }
}

impl Checksum {
    pub fn crc32c(crc: u32) -> Self {
        Checksum::of_digest(Algorithm::Crc32C, u64::from(crc))
    }

    /// The full-object checksum S3 stores for an object, if it has one.
    /// Composite (per-part) checksums, marked `-N` or `COMPOSITE`, do not
    /// describe the bytes and are ignored.
    pub fn stored(kind: Option<&ChecksumType>, fields: ChecksumFields<'_>) -> Option<Self> {
        if !matches!(kind, Some(ChecksumType::FullObject) | None) {
            return None;
        }
        [Algorithm::Crc64Nvme, Algorithm::Crc32C, Algorithm::Crc32]
            .into_iter()
            .find_map(|algorithm| {
                let value = algorithm.pick(fields).filter(|v| !v.contains('-'))?;
                decode(value).map(|_| Checksum {
                    algorithm,
                    value: value.to_string(),
                })
            })
    }

    /// A digest `algorithm` computed (`crc_fast` gives every width as u64).
    pub fn of_digest(algorithm: Algorithm, digest: u64) -> Self {
        let bytes = match algorithm {
            Algorithm::Crc64Nvme => digest.to_be_bytes().to_vec(),
            Algorithm::Crc32 | Algorithm::Crc32C => (digest as u32).to_be_bytes().to_vec(),
        };
        Checksum {
            algorithm,
            value: base64::engine::general_purpose::STANDARD.encode(bytes),
        }
    }

    /// True when S3 reported the same digest (compared as bytes, not text).
    pub fn matches(&self, returned: &str) -> bool {
        decode(returned).is_some_and(|r| Some(r) == decode(&self.value))
    }

    /// This checksum as the CRC fields of a request.
    pub fn fields(&self) -> ChecksumFields<'_> {
        let value = Some(self.value.as_str());
        match self.algorithm {
            Algorithm::Crc32 => ChecksumFields {
                crc32: value,
                ..Default::default()
            },
            Algorithm::Crc32C => ChecksumFields {
                crc32c: value,
                ..Default::default()
            },
            Algorithm::Crc64Nvme => ChecksumFields {
                crc64nvme: value,
                ..Default::default()
            },
        }
    }
}

fn decode(text: &str) -> Option<Vec<u8>> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .ok()?;
    matches!(bytes.len(), 4 | 8).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(
        crc32: Option<&'a str>,
        crc32c: Option<&'a str>,
        crc64: Option<&'a str>,
    ) -> ChecksumFields<'a> {
        ChecksumFields {
            crc32,
            crc32c,
            crc64nvme: crc64,
        }
    }

    #[test]
    fn crc32c_appends_like_one_pass() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i * 7 % 251) as u8).collect();
        for split in [0, 1, 4096, 9_999, 10_000] {
            let (head, tail) = data.split_at(split);
            assert_eq!(
                crc32c_append(crc32c(head), tail),
                crc32c(&data),
                "split at {split}"
            );
        }
        // The standard check value of CRC-32C.
        assert_eq!(crc32c(b"123456789"), 0xe306_9283);
    }

    #[test]
    fn crc32c_is_base64_of_big_endian_bytes() {
        // S3 documents CRC32C("hello world") as yZRlqg==.
        let c = Checksum::crc32c(crate::s3::checksum::crc32c(b"hello world"));
        assert_eq!(c.value, "yZRlqg==");
        assert!(c.matches("yZRlqg=="));
        assert!(!c.matches("yZRlqw=="));
        assert!(!c.matches("not base64!"));
    }

    #[test]
    fn stored_prefers_full_object_checksums_and_ignores_composites() {
        let full = Checksum::stored(
            Some(&ChecksumType::FullObject),
            fields(Some("NhCmhg=="), None, Some("AAAAAAAAAAA=")),
        );
        assert_eq!(full.map(|c| c.algorithm), Some(Algorithm::Crc64Nvme));
        let crc32 = Checksum::stored(None, fields(Some("NhCmhg=="), None, None)).unwrap();
        assert_eq!(crc32.to_string(), "CRC32:NhCmhg==");
        assert_eq!(
            Checksum::stored(None, fields(None, Some("yZRlqg==-3"), None)),
            None
        );
        assert_eq!(
            Checksum::stored(
                Some(&ChecksumType::Composite),
                fields(None, Some("yZRlqg=="), None)
            ),
            None
        );
        assert_eq!(Checksum::stored(None, fields(None, None, None)), None);
    }
}
