//! A's side of reconcile, in key order: a listing of the source prefix, a
//! page at a time, or the rows of its inventory report, sorted on disk.

use std::collections::VecDeque;

use anyhow::{anyhow, Result};
use logferry::s3::unanswered::answered;

use super::merge::Source;
use super::sorted::Sorted;

pub enum Sources {
    Listing(Listing),
    Report(Sorted<String, Source>),
}

/// A listing, a page at a time.
pub struct Listing {
    s3: aws_sdk_s3::Client,
    uri: String,
    bucket: String,
    prefix: String,
    page: VecDeque<Source>,
    /// The next page's token; `None` once the last page is read.
    next: Option<Option<String>>,
}

impl Sources {
    pub fn listing(s3: &aws_sdk_s3::Client, uri: &str, bucket: &str, prefix: &str) -> Sources {
        Sources::Listing(Listing {
            s3: s3.clone(),
            uri: uri.to_string(),
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
            page: VecDeque::new(),
            next: Some(None),
        })
    }

    /// The next source object, in key order.
    pub async fn next(&mut self) -> Result<Option<Source>> {
        let listing = match self {
            Sources::Report(rows) => return rows.next().transpose(),
            Sources::Listing(listing) => listing,
        };
        while listing.page.is_empty() {
            let Some(token) = listing.next.take() else {
                return Ok(None);
            };
            let request = listing
                .s3
                .list_objects_v2()
                .bucket(&listing.bucket)
                .prefix(&listing.prefix)
                .set_continuation_token(token)
                .send();
            let uri = &listing.uri;
            let listed = answered(request).await.map_err(|e| anyhow!("listing {uri} failed ({}); reconcile needs s3:ListBucket on it, granted to its role by the log bucket's policy (infra/policies/source-bucket-reconcile-list.json.tpl), or give --source-inventory", logferry::error::one_line(&e)))?;
            if listed.is_truncated() == Some(true) {
                listing.next = Some(listed.next_continuation_token().map(str::to_string));
            }
            listing
                .page
                .extend(listed.contents().iter().filter_map(|object| {
                    Some(Source {
                        key: object.key()?.to_string(),
                        size: object.size().unwrap_or(0),
                        etag: object.e_tag().map(|e| e.trim_matches('"').to_string()),
                        last_modified: chrono::DateTime::from_timestamp(
                            object.last_modified()?.secs(),
                            0,
                        )
                        .unwrap_or_default(),
                    })
                }));
        }
        Ok(listing.page.pop_front())
    }
}
