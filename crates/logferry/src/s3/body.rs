//! A request body of known length, streamed from chunks a reader task
//! sends over a channel: how one `PutObject` carries an object larger than
//! a part (direct mode, where only a single request can carry the ACL the
//! bucket policy requires) with a few chunks in memory. The SDK needs the
//! exact length to send a streamed body with a trailing checksum.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use tokio::sync::mpsc;

/// Bytes read per chunk.
pub(crate) const CHUNK: usize = 1024 * 1024;
/// Chunks read ahead of the request.
pub(crate) const CHUNKS_IN_FLIGHT: usize = 2;

/// The request body: the reader's chunks, with the exact length left.
pub(crate) struct Chunks {
    body: mpsc::Receiver<Result<Bytes, std::io::Error>>,
    remaining: u64,
}

impl Chunks {
    /// A body of exactly `size` bytes, from the chunks sent to `body`.
    pub(crate) fn new(body: mpsc::Receiver<Result<Bytes, std::io::Error>>, size: u64) -> Self {
        Chunks {
            body,
            remaining: size,
        }
    }
}

impl Body for Chunks {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        match self.body.poll_recv(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                self.remaining = self.remaining.saturating_sub(chunk.len() as u64);
                Poll::Ready(Some(Ok(Frame::data(chunk))))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining)
    }
}
