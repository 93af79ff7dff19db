//! One `PutObject` whose body is the source's, passed through a chunk at a
//! time: direct mode's way to write an object above one part, since only a
//! single request can carry the ACL its bucket policy requires.
//!
//! A reader task cuts the source into chunks, keeps the CRC32C of what it
//! read, and hands each chunk to the request's body over a channel of
//! [`CHUNKS_IN_FLIGHT`]; memory stays at a few chunks whatever the size. The
//! body announces its exact length (the source's size), which the SDK needs
//! to send a streamed body with a trailing checksum; if the source yields a
//! different number of bytes, the request fails or verification does.

use aws_sdk_s3::primitives::ByteStream;
use tokio::sync::mpsc;

use super::{archive_attempt, Written};
use crate::error::ShipError;
use crate::s3::body::{Chunks, CHUNK, CHUNKS_IN_FLIGHT};
use crate::s3::checksum::{crc32c_append, Checksum};
use crate::s3::classify::Attempt;
use crate::ship::plan::ShipPlan;
use crate::ship::source;

/// What the reader task saw: the CRC32C and size of everything it read.
type Read = Result<(u32, u64), ShipError>;

pub(crate) async fn put(
    source_client: &aws_sdk_s3::Client,
    archive: &aws_sdk_s3::Client,
    plan: &ShipPlan,
    base: Attempt<'_>,
) -> Result<Written, ShipError> {
    let mut reader = source::open(source_client, &plan.source, base).await?;
    let (chunks, body) = mpsc::channel(CHUNKS_IN_FLIGHT);
    let reading = tokio::spawn(async move {
        let mut crc = 0u32;
        loop {
            let chunk = match reader.next_part(CHUNK).await {
                Ok(chunk) => chunk,
                Err(e) => {
                    let cut = std::io::Error::other("the source stream broke");
                    let _ = chunks.send(Err(cut)).await;
                    return Err(e);
                }
            };
            if chunk.is_empty() {
                return Ok((crc, reader.read));
            }
            crc = crc32c_append(crc, &chunk);
            if chunks.send(Ok(chunk)).await.is_err() {
                // The request ended first; its own error says why.
                return Ok((crc, reader.read));
            }
        }
    });
    let body = Chunks::new(body, plan.source.size);
    let sent = super::new_object(archive, plan)
        .body(ByteStream::from_body_1_x(body))
        .send()
        .await;
    let read: Read = reading.await.unwrap_or_else(|e| {
        Err(ShipError::Invalid(format!(
            "the reader of s3://{}/{} stopped: {e}",
            plan.source.bucket, plan.source.key
        )))
    });
    let (out, (crc, bytes)) = match (sent, read) {
        // A broken source explains a failed request better than the request does.
        (_, Err(e)) => return Err(e),
        (Err(e), Ok(_)) => return Err(archive_attempt(base, plan, "PutObject").classify(e)),
        (Ok(out), Ok(read)) => (out, read),
    };
    Ok(Written {
        expected: Checksum::crc32c(crc),
        returned: out.checksum_crc32_c().map(str::to_string),
        bytes,
    })
}
