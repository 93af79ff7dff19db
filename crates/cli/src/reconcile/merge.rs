//! The merge behind `logferry reconcile`: A's objects, listed in key order,
//! each mapped through the key layout to its archive key, against the
//! archive's partitions, each listed in key order as the merge reaches it.
//!
//! Within one partition (`…/<account>/<region>/<bucket>/<yyyy>/<MM>/<dd>/`)
//! the archive key is the partition and the source's name, so both sides
//! come in the same order and one pass finds what is missing. Memory holds
//! one page per open partition: an access log's partitions are contiguous
//! in A's listing, so one is open at a time; other objects are partitioned
//! by their Last-Modified day, so at most one per day of the range.
//! A name the layout escapes for Athena (a segment starting with `_`, `.`
//! or `%`) does not keep its order, and is looked up on its own.

use std::collections::{BTreeMap, HashMap, VecDeque};

use anyhow::{anyhow, Result};
use chrono::{DateTime, NaiveDate, Utc};
use logferry::archive::origin::LogOrigin;
use logferry::KeyTemplate;

/// An object of A's listing (or of its inventory report).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Source {
    pub key: String,
    pub size: i64,
    pub etag: Option<String>,
    pub last_modified: DateTime<Utc>,
}

/// What the merge found of one source object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// Archived under `dest`, with its size.
    Archived {
        dest: String,
        size: i64,
    },
    Missing {
        dest: String,
    },
    /// Outside the days asked about.
    OutOfRange,
}

/// The days asked about, both ends included.
#[derive(Debug, Clone, Copy)]
pub struct Days {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

/// The archive side: its bucket, the layout and the partitions open now.
pub struct Archive {
    client: aws_sdk_s3::Client,
    bucket: String,
    layout: KeyTemplate,
    account: String,
    region: String,
    open: HashMap<String, Partition>,
    /// The partition of the last access log seen: closed when they move on.
    contiguous: Option<String>,
}

/// Where a source object goes in the archive.
struct Placed {
    dest: String,
    /// The length of its partition, the key before the source's name;
    /// `None` when the layout escaped the name (no partition order).
    partition_len: Option<usize>,
    /// An access log, named by its delivery: its partition is contiguous.
    access_log: bool,
}

/// One archive partition, listed a page at a time.
struct Partition {
    page: VecDeque<(String, i64)>,
    next: Option<String>,
    listed_all: bool,
}

impl Archive {
    pub fn new(
        client: aws_sdk_s3::Client,
        bucket: String,
        layout: KeyTemplate,
        account: String,
        region: String,
    ) -> Archive {
        Archive {
            client,
            bucket,
            layout,
            account,
            region,
            open: HashMap::new(),
            contiguous: None,
        }
    }

    /// The day `object` (of `source_bucket`) belongs to, and its archive
    /// key: `None` outside the days asked about.
    pub fn expected(
        &self,
        source_bucket: &str,
        object: &Source,
        days: Days,
    ) -> Result<(NaiveDate, Option<String>)> {
        let (day, placed) = self.place(source_bucket, object, days)?;
        Ok((day, placed.map(|p| p.dest)))
    }

    /// The day `object` belongs to and, within `days`, where it goes: the
    /// key layout read once per object.
    fn place(
        &self,
        source_bucket: &str,
        object: &Source,
        days: Days,
    ) -> Result<(NaiveDate, Option<Placed>)> {
        let origin = LogOrigin::of(
            &self.account,
            &self.region,
            source_bucket,
            &object.key,
            object.last_modified,
        );
        let day = origin.time.date_naive();
        if day < days.first || day > days.last {
            return Ok((day, None));
        }
        let dest = self
            .layout
            .render(&origin)
            .map_err(|e| anyhow!("{}: {e}", object.key))?
            .0;
        let placed = Placed {
            partition_len: dest
                .ends_with(origin.name)
                .then(|| dest.len() - origin.name.len()),
            access_log: origin.name != object.key,
            dest,
        };
        Ok((day, Some(placed)))
    }

    /// The day `object` (of `source_bucket`) belongs to, and its fate.
    pub async fn find(
        &mut self,
        source_bucket: &str,
        object: &Source,
        days: Days,
    ) -> Result<(NaiveDate, Fate)> {
        let (day, placed) = self.place(source_bucket, object, days)?;
        let Some(Placed {
            dest,
            partition_len,
            access_log,
        }) = placed
        else {
            return Ok((day, Fate::OutOfRange));
        };
        let Some(partition_len) = partition_len else {
            return Ok((day, self.look_up(dest).await?));
        };
        let partition = dest[..partition_len].to_string();
        if access_log {
            // An access log: its partition is contiguous in A's listing.
            if self.contiguous.as_ref().is_some_and(|p| *p != partition) {
                let done = self.contiguous.take().expect("checked");
                self.open.remove(&done);
            }
            self.contiguous = Some(partition.clone());
        }
        let size = self.seek(&partition, &dest).await?;
        Ok((day, fate(dest, size)))
    }

    /// Move partition's listing up to `dest`: its size if it is there.
    async fn seek(&mut self, partition: &str, dest: &str) -> Result<Option<i64>> {
        if !self.open.contains_key(partition) {
            let fresh = Partition {
                page: VecDeque::new(),
                next: None,
                listed_all: false,
            };
            self.open.insert(partition.to_string(), fresh);
        }
        loop {
            let part = self.open.get_mut(partition).expect("inserted above");
            while part.page.front().is_some_and(|(k, _)| k.as_str() < dest) {
                part.page.pop_front();
            }
            if let Some((key, size)) = part.page.front() {
                return Ok((key == dest).then_some(*size));
            }
            if part.listed_all {
                return Ok(None);
            }
            let token = part.next.take();
            let (keys, next) = self.list(partition, token, None).await?;
            let part = self.open.get_mut(partition).expect("inserted above");
            part.page.extend(keys);
            part.listed_all = next.is_none();
            part.next = next;
        }
    }

    /// One key, by a listing of itself (list is all the role may do).
    async fn look_up(&self, dest: String) -> Result<Fate> {
        let (keys, _) = self.list(&dest, None, Some(1)).await?;
        let size = keys.into_iter().find(|(k, _)| *k == dest).map(|(_, s)| s);
        Ok(fate(dest, size))
    }

    async fn list(
        &self,
        prefix: &str,
        token: Option<String>,
        max: Option<i32>,
    ) -> Result<(Vec<(String, i64)>, Option<String>)> {
        let request = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(prefix)
            .set_continuation_token(token)
            .set_max_keys(max)
            .send();
        let page = logferry::s3::unanswered::answered(request)
            .await
            .map_err(|e| anyhow!("listing s3://{}/{prefix} failed ({}); reconcile needs s3:ListBucket on the archive (infra/policies/reconcile.json.tpl)", self.bucket, logferry::error::one_line(&e)))?;
        let keys = page
            .contents()
            .iter()
            .filter_map(|o| Some((o.key()?.to_string(), o.size().unwrap_or(0))))
            .collect();
        let next = page.next_continuation_token().map(str::to_string);
        Ok((keys, next.filter(|_| page.is_truncated() == Some(true))))
    }
}

pub fn fate(dest: String, size: Option<i64>) -> Fate {
    match size {
        Some(size) => Fate::Archived { dest, size },
        None => Fate::Missing { dest },
    }
}

/// Per day: source objects, and how many of them the archive holds.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Day {
    pub source: u64,
    pub archived: u64,
}

/// The days of a range, each with its counts (days with no source objects too).
pub fn days_of(days: Days) -> BTreeMap<NaiveDate, Day> {
    days.first
        .iter_days()
        .take_while(|d| *d <= days.last)
        .map(|d| (d, Day::default()))
        .collect()
}
