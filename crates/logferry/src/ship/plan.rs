//! The plan for one object: where it goes, how it gets there, and the
//! metadata that says where it came from.

use std::collections::HashMap;

use chrono::{DateTime, NaiveTime, Utc};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::archive::key::DestinationKey;
use crate::archive::origin::LogOrigin;
use crate::error::ShipError;
use crate::s3::checksum::Checksum;
use crate::s3::upload::Target;
use crate::s3::{AuthMode, MAX_SINGLE_COPY, MIB};
use crate::ship::settings::ShipperConfig;
use crate::ship::source::SourceObject;

/// S3 allows at most 10,000 parts per upload.
const MAX_PARTS: u64 = 10_000;
/// S3 caps user metadata at 2 KB; leave room for the fixed fields.
const MAX_METADATA_VALUE: usize = 1536;

/// Keep `/` and the unreserved characters readable; encode everything else.
const KEY_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A query value: the unreserved characters (RFC 3986) and nothing else stay readable.
const VALUE_ENCODE: &AsciiSet = &KEY_ENCODE.add(b'/');

/// How the bytes reach account B. Every way ends in a conditional write
/// (`If-None-Match: *` on `PutObject` or `CompleteMultipartUpload`), so none
/// can replace an archived object. `CopyObject` is not one of them: "If you
/// use a bucket policy to enforce conditional writes, you can't perform copy
/// operations to the bucket … CopyObject requests made with those HTTP
/// headers fail with a 501 Not Implemented response" (S3 User Guide,
/// "Enforce conditional writes on Amazon S3 buckets").
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Direct mode above the copy threshold: `UploadPartCopy` ranges, inside S3.
    MultipartCopy { part_size: u64 },
    /// `GetObject` buffered into one `PutObject`: objects up to one part.
    Put,
    /// Direct mode, above one part: `GetObject` streamed into one
    /// `PutObject`, which carries the ACL the bucket policy requires (its
    /// multipart requests cannot), holding a few chunks at a time.
    StreamPut,
    /// Streamed into a multipart upload, one part at a time.
    MultipartPut { part_size: u64 },
}

/// What a copy is checked against. A server-side copy is compared with
/// the full-object checksum S3 stores for the source, or, when it stores
/// none, a CRC32C of the source read once first; a streamed copy with the
/// CRC32C computed while its bytes pass through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    Stored(Checksum),
    ReadFirst,
    WhileStreaming,
}

#[derive(Debug, Clone)]
pub struct ShipPlan {
    pub source: SourceObject,
    /// The account whose partition the copy lands in: the one the log is
    /// about (its key, its event), which must be the shipper's own.
    pub account: String,
    pub dest_bucket: String,
    pub dest_key: DestinationKey,
    pub method: Method,
    /// What the copy in B is checked against, decided with the method.
    pub expected: Expected,
    /// The `x-amz-copy-source` of server-side copies.
    pub copy_source: String,
    /// User metadata naming the source (stored as `x-amz-meta-logferry-*`).
    pub metadata: HashMap<String, String>,
    /// The time an access log's key gives, when it has a time of day: keys
    /// partitioned by delivery time carry the delivery's second, while keys
    /// partitioned by event time carry only the day (`00-00-00`), which is
    /// not the log's time and is not used.
    pub logged_at: Option<DateTime<Utc>>,
}

impl ShipPlan {
    /// Where the upload goes, carrying the source's metadata and content headers.
    pub(crate) fn target(&self) -> Target<'_> {
        Target {
            metadata: Some(&self.metadata),
            content_type: self.source.content_type.as_deref(),
            content_encoding: self.source.content_encoding.as_deref(),
            ..Target::new(&self.dest_bucket, &self.dest_key.0)
        }
    }
}

pub fn plan(
    config: &ShipperConfig,
    source: SourceObject,
    account: &str,
    region: &str,
) -> Result<ShipPlan, ShipError> {
    let origin = LogOrigin::of(
        account,
        region,
        &source.bucket,
        &source.key,
        source.last_modified,
    );
    let dest_key = config
        .key_template
        .render(&origin)
        .map_err(|e| ShipError::Invalid(e.to_string()))?;
    // Only direct mode can copy inside S3: one identity reads A and writes B.
    let server_side = matches!(config.auth, AuthMode::Direct)
        && source.size > config.copy_part_threshold.min(MAX_SINGLE_COPY);
    let method = if server_side {
        Method::MultipartCopy {
            part_size: part_size_for(source.size, config.part_size),
        }
    } else if source.size <= config.part_size {
        Method::Put
    } else if matches!(config.auth, AuthMode::Direct) {
        Method::StreamPut
    } else {
        Method::MultipartPut {
            part_size: part_size_for(source.size, config.part_size),
        }
    };
    let expected = match (method, &source.stored_checksum) {
        (Method::Put | Method::StreamPut | Method::MultipartPut { .. }, _) => {
            Expected::WhileStreaming
        }
        (_, Some(stored)) => Expected::Stored(stored.clone()),
        (_, None) => Expected::ReadFirst,
    };
    let metadata = source_metadata(&source, account, region);
    let keyed = origin.name != source.key && origin.time.time() != NaiveTime::MIN;
    let logged_at = keyed.then_some(origin.time);
    Ok(ShipPlan {
        logged_at,
        account: origin.account.to_string(),
        dest_bucket: config.dest_bucket.clone(),
        dest_key,
        method,
        expected,
        copy_source: copy_source(&source),
        metadata,
        source,
    })
}

/// The configured part size, grown in whole MiB when the object would need more than 10,000 parts.
fn part_size_for(size: u64, configured: u64) -> u64 {
    let needed = size.div_ceil(MAX_PARTS).div_ceil(MIB) * MIB;
    configured.max(needed)
}

/// HTTP headers carry ASCII only, so the key is stored percent-encoded (UTF-8).
fn source_metadata(source: &SourceObject, account: &str, region: &str) -> HashMap<String, String> {
    let mut meta = HashMap::from([
        ("logferry-source-bucket".to_string(), source.bucket.clone()),
        ("logferry-source-account".to_string(), account.to_string()),
        ("logferry-source-region".to_string(), region.to_string()),
        (
            "logferry-source-etag".to_string(),
            source.etag.trim_matches('"').to_string(),
        ),
    ]);
    let key = utf8_percent_encode(&source.key, KEY_ENCODE).to_string();
    if key.len() <= MAX_METADATA_VALUE {
        meta.insert("logferry-source-key".to_string(), key);
    } else {
        meta.insert(
            "logferry-source-key-omitted".to_string(),
            "too-long-for-metadata".to_string(),
        );
    }
    if let Some(version) = &source.version_id {
        meta.insert("logferry-source-version-id".to_string(), version.clone());
    }
    meta
}

/// The `x-amz-copy-source` value: `bucket/key` URL-encoded, plus the version.
fn copy_source(source: &SourceObject) -> String {
    let key = utf8_percent_encode(&source.key, KEY_ENCODE);
    match &source.version_id {
        // Unreserved characters (RFC 3986) stay as they are: a version id
        // like `a-b_c.d` is sent unchanged, which every S3 implementation reads.
        Some(v) => format!(
            "{}/{}?versionId={}",
            source.bucket,
            key,
            utf8_percent_encode(v, VALUE_ENCODE)
        ),
        None => format!("{}/{}", source.bucket, key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ShipSettings;
    use chrono::TimeZone;

    fn source(size: u64) -> SourceObject {
        SourceObject {
            bucket: "acme-logs".into(),
            key: "dir/ä b+c.log".into(),
            version_id: Some("v1".into()),
            etag: "\"abc\"".into(),
            size,
            last_modified: chrono::Utc.with_ymd_and_hms(2026, 11, 21, 1, 2, 3).unwrap(),
            stored_checksum: None,
            content_type: None,
            content_encoding: None,
        }
    }

    fn config(role: bool) -> ShipperConfig {
        let mut raw = ShipSettings {
            dest_bucket: Some("archive-b".into()),
            dest_prefix: Some("logs".into()),
            ..Default::default()
        };
        if role {
            raw.role_arn = Some("arn:aws:iam::222233334444:role/w".into());
            raw.external_id = Some("ext-1".into());
        }
        raw.validate().unwrap()
    }

    #[test]
    fn direct_mode_streams_single_puts_up_to_five_gib_and_copies_in_parts_above() {
        let c = config(false);
        let method = |size| {
            plan(&c, source(size), "111122223333", "eu-west-1")
                .unwrap()
                .method
        };
        assert_eq!(method(0), Method::Put);
        assert_eq!(method(8 * MIB), Method::Put);
        assert_eq!(method(8 * MIB + 1), Method::StreamPut);
        assert_eq!(method(5 * 1024 * MIB), Method::StreamPut);
        assert_eq!(
            method(6 * 1024 * MIB),
            Method::MultipartCopy { part_size: 8 * MIB }
        );
    }

    #[test]
    fn assume_role_streams_and_goes_multipart_above_one_part() {
        let c = config(true);
        assert_eq!(
            plan(&c, source(8 * MIB), "a", "r").unwrap().method,
            Method::Put
        );
        assert_eq!(
            plan(&c, source(8 * MIB + 1), "a", "r").unwrap().method,
            Method::MultipartPut { part_size: 8 * MIB }
        );
        // A 1 TiB object cannot use 8 MiB parts (10,000 part limit).
        let huge = plan(&c, source(1024 * 1024 * MIB), "a", "r").unwrap();
        assert_eq!(
            huge.method,
            Method::MultipartPut {
                part_size: 105 * MIB
            }
        );
    }

    #[test]
    fn access_logs_land_under_their_audited_bucket_and_event_day() {
        let mut late = source(1);
        late.key =
            "s3-access/111122223333/eu-west-1/acme-web/2026/11/20/2026-11-20-00-00-00-ABC".into();
        // Delivered the next day: the partition still says the 20th.
        let p = plan(&config(false), late, "111122223333", "eu-west-1").unwrap();
        assert_eq!(
            p.dest_key.0,
            "logs/111122223333/eu-west-1/acme-web/2026/11/20/2026-11-20-00-00-00-ABC"
        );
        assert_eq!(p.metadata["logferry-source-bucket"], "acme-logs");
        // An event-time key names the day only: not the log's own time.
        assert_eq!(p.logged_at, None);
    }

    #[test]
    fn a_delivery_time_key_gives_the_logs_time_and_other_keys_give_none() {
        let mut delivered = source(1);
        delivered.key =
            "s3-access/111122223333/eu-west-1/acme-web/2026/11/20/2026-11-20-14-05-09-ABC".into();
        let p = plan(&config(false), delivered, "111122223333", "eu-west-1").unwrap();
        let at = chrono::Utc
            .with_ymd_and_hms(2026, 11, 20, 14, 5, 9)
            .unwrap();
        assert_eq!(p.logged_at, Some(at));
        let p = plan(&config(false), source(1), "111122223333", "eu-west-1").unwrap();
        assert_eq!(p.logged_at, None);
    }

    #[test]
    fn metadata_names_the_source_in_ascii() {
        let p = plan(&config(false), source(1), "111122223333", "eu-west-1").unwrap();
        assert_eq!(
            p.dest_key.0,
            "logs/111122223333/eu-west-1/acme-logs/2026/11/21/dir/ä b+c.log"
        );
        assert_eq!(p.metadata["logferry-source-key"], "dir/%C3%A4%20b%2Bc.log");
        assert_eq!(p.metadata["logferry-source-etag"], "abc");
        assert_eq!(p.metadata["logferry-source-version-id"], "v1");
        assert!(p.metadata.values().all(|v| v.is_ascii()));
        assert_eq!(
            copy_source(&p.source),
            "acme-logs/dir/%C3%A4%20b%2Bc.log?versionId=v1"
        );
        let mut versioned = p.source.clone();
        versioned.version_id = Some("c818095f-4984_4e6e.8d17/+=".into());
        assert_eq!(
            copy_source(&versioned),
            "acme-logs/dir/%C3%A4%20b%2Bc.log?versionId=c818095f-4984_4e6e.8d17%2F%2B%3D"
        );
    }
}
