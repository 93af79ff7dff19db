//! Reading account A: what the object is (HeadObject) and its bytes (GetObject).

use crate::s3::unanswered::answered;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ChecksumMode;
use bytes::{Bytes, BytesMut};
use chrono::{DateTime, Utc};

use crate::error::ShipError;
use crate::s3::checksum::{Checksum, ChecksumFields};
use crate::s3::classify::Attempt;
use crate::ship::event::ObjectRef;

/// The source object as S3 describes it right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceObject {
    pub bucket: String,
    pub key: String,
    pub version_id: Option<String>,
    pub etag: String,
    pub size: u64,
    /// When this version was created: the date the destination key is partitioned by.
    pub last_modified: DateTime<Utc>,
    /// The full-object checksum S3 already stores for the object, if any.
    pub stored_checksum: Option<Checksum>,
    pub content_type: Option<String>,
    pub content_encoding: Option<String>,
}

pub(crate) async fn head(
    client: &aws_sdk_s3::Client,
    object: &ObjectRef,
    attempt: Attempt<'_>,
) -> Result<SourceObject, ShipError> {
    let request = client
        .head_object()
        .bucket(&object.bucket)
        .key(&object.key)
        .set_version_id(object.version_id.clone())
        .checksum_mode(ChecksumMode::Enabled)
        .send();
    let head = answered(request).await.map_err(|e| attempt.classify(e))?;
    let invalid = |what: &str| {
        ShipError::Invalid(format!(
            "HeadObject on s3://{}/{} returned no {what}",
            object.bucket, object.key
        ))
    };
    let last_modified = head
        .last_modified()
        .and_then(|t| DateTime::<Utc>::from_timestamp(t.secs(), t.subsec_nanos()))
        .ok_or_else(|| invalid("Last-Modified"))?;
    let stored_checksum = Checksum::stored(
        head.checksum_type(),
        ChecksumFields {
            crc32: head.checksum_crc32(),
            crc32c: head.checksum_crc32_c(),
            crc64nvme: head.checksum_crc64_nvme(),
        },
    );
    Ok(SourceObject {
        bucket: object.bucket.clone(),
        key: object.key.clone(),
        version_id: head
            .version_id()
            .map(str::to_string)
            .or_else(|| object.version_id.clone()),
        etag: head
            .e_tag()
            .map(str::to_string)
            .ok_or_else(|| invalid("ETag"))?,
        size: head
            .content_length()
            .and_then(|l| u64::try_from(l).ok())
            .ok_or_else(|| invalid("Content-Length"))?,
        last_modified,
        stored_checksum,
        content_type: head.content_type().map(str::to_string),
        content_encoding: head.content_encoding().map(str::to_string),
    })
}

/// Open the source for reading, pinned to the ETag (and version) that was planned.
pub(crate) async fn open(
    client: &aws_sdk_s3::Client,
    source: &SourceObject,
    attempt: Attempt<'_>,
) -> Result<PartReader, ShipError> {
    let get = client
        .get_object()
        .bucket(&source.bucket)
        .key(&source.key)
        .set_version_id(source.version_id.clone())
        .if_match(&source.etag)
        .send()
        .await
        .map_err(|e| attempt.classify(e))?;
    Ok(PartReader {
        body: get.body,
        leftover: Bytes::new(),
        read: 0,
        attempt_side: attempt.side,
        bucket: source.bucket.clone(),
        key: source.key.clone(),
    })
}

/// Cuts a streamed body into parts of a fixed size, holding at most one part.
pub(crate) struct PartReader {
    body: ByteStream,
    leftover: Bytes,
    pub read: u64,
    attempt_side: crate::error::Side,
    bucket: String,
    key: String,
}

impl PartReader {
    /// The next `size` bytes, fewer at the end, empty when the body is done.
    pub async fn next_part(&mut self, size: usize) -> Result<Bytes, ShipError> {
        let mut part = BytesMut::with_capacity(size.min(8 * 1024 * 1024));
        loop {
            if !self.leftover.is_empty() {
                let take = self.leftover.len().min(size - part.len());
                part.extend_from_slice(&self.leftover.split_to(take));
            }
            if part.len() == size {
                break;
            }
            match self.body.next().await {
                Some(Ok(chunk)) => self.leftover = chunk,
                Some(Err(e)) => {
                    let side = self.attempt_side;
                    return Err(ShipError::stream_broke(side, &self.bucket, &self.key, &e));
                }
                None => break,
            }
        }
        self.read += part.len() as u64;
        Ok(part.freeze())
    }
}

/// CRC32C of the whole source, read in bounded chunks (direct mode, when S3 stores no checksum).
pub(crate) async fn crc32c_of(
    client: &aws_sdk_s3::Client,
    source: &SourceObject,
    attempt: Attempt<'_>,
) -> Result<Checksum, ShipError> {
    let mut reader = open(client, source, attempt).await?;
    let mut crc = 0u32;
    loop {
        let chunk = reader.next_part(1024 * 1024).await?;
        if chunk.is_empty() {
            break;
        }
        crc = crate::s3::checksum::crc32c_append(crc, &chunk);
    }
    if reader.read != source.size {
        return Err(ShipError::VerifyMismatch {
            bucket: source.bucket.clone(),
            key: source.key.clone(),
            detail: format!(
                "read {} bytes from the source, HeadObject said {}",
                reader.read, source.size
            ),
        });
    }
    Ok(Checksum::crc32c(crc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn part_reader_cuts_exact_parts_across_chunk_boundaries() {
        let body = ByteStream::from(Bytes::from(vec![7u8; 25]));
        let mut reader = PartReader {
            body,
            leftover: Bytes::new(),
            read: 0,
            attempt_side: crate::error::Side::Source,
            bucket: "b".into(),
            key: "k".into(),
        };
        let sizes: Vec<usize> = [
            reader.next_part(10).await.unwrap().len(),
            reader.next_part(10).await.unwrap().len(),
            reader.next_part(10).await.unwrap().len(),
            reader.next_part(10).await.unwrap().len(),
        ]
        .to_vec();
        assert_eq!(sizes, vec![10, 10, 5, 0]);
        assert_eq!(reader.read, 25);
    }
}
