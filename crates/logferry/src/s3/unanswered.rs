//! A request without a body (HEAD, LIST, CREATE, ABORT) that gets no answer:
//! S3 answers those in milliseconds, so [`ANSWER_WITHIN`] bounds each one,
//! its SDK retries included, far below the read timeout a 5 GiB part
//! needs. An endpoint that accepts connections and never answers then
//! fails an object within about [`ANSWER_WITHIN`] times its attempts
//! (three: about a minute and a half) instead of 4 × 120 s per request.
//! `CompleteMultipartUpload` is not bounded this way: S3 may take minutes
//! to finish a large upload before it answers.

use std::future::Future;
use std::time::Duration;

use aws_smithy_runtime_api::client::result::SdkError;

/// How long a bodiless request may go unanswered, retries included.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(30);

/// The endpoint did not answer in time.
#[derive(Debug)]
pub struct Unanswered;

impl std::fmt::Display for Unanswered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "no answer within {} s (the endpoint accepts connections but does not answer; check AWS_ENDPOINT_URL, a proxy or the network)",
            ANSWER_WITHIN.as_secs()
        )
    }
}

impl std::error::Error for Unanswered {}

/// `request`'s answer, or a timeout error once [`ANSWER_WITHIN`] has passed.
pub async fn answered<T, E, R>(
    request: impl Future<Output = Result<T, SdkError<E, R>>>,
) -> Result<T, SdkError<E, R>> {
    match tokio::time::timeout(ANSWER_WITHIN, request).await {
        Ok(answer) => answer,
        Err(_) => Err(SdkError::timeout_error(Unanswered)),
    }
}
