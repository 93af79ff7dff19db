//! `logferry ship`: named objects, listed prefixes or a file of URIs,
//! shipped while they are found ([`found`]), each reported as it finishes,
//! with a summary of counts and failures: nothing grows with the number of
//! objects but the failures. With a [`checkpoint`], a killed run resumes.

mod checkpoint;
mod command;
mod found;
pub(crate) mod inventory;
mod progress;
mod store;

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use anyhow::{bail, Result};
use futures::StreamExt;
use logferry::metrics::ShipMetrics;
use logferry::ship::Landing;
use logferry::{Deadline, ObjectRef, ShipError, Shipped, Shipper};
use serde::Serialize;
use tokio::sync::mpsc::Receiver;
use tokio::time::Instant;

use checkpoint::{Pending, Snapshot, Tracker};
pub use command::{run, ShipArgs};
pub use found::{parse_uri, uri_line, Input};
pub use inventory::Window;

/// What a `ship` run did: counts, and the objects that did not land.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub shipped: u64,
    pub bytes: u64,
    /// Shipped objects the archive already held (a run over days already shipped).
    pub already_archived: u64,
    /// Shipped objects whose source had changed since it was archived.
    pub changed: u64,
    /// Listed sources that no longer exist.
    pub skipped: u64,
    pub failed: Vec<Failure>,
    /// A SIGTERM (or Ctrl-C) stopped the run: what was not started, or was
    /// cut short and aborted, is in `failed` as retryable.
    pub interrupted: bool,
    /// Every object's fate, counted for `--emf`.
    #[serde(skip)]
    pub metrics: ShipMetrics,
}

/// `logferry ship`'s objects at once when `LOGFERRY_CONCURRENCY` is unset:
/// a request to S3 takes 10-30 ms, and an object takes three (head, read,
/// write), so 8 at once leave a machine idle. With every request held 20 ms,
/// 32 shipped 3.1 times the objects per second of 8, and 64 no more (README,
/// "Performance"). The Lambda and the worker keep 8, which their 128 MB
/// fits with 8 MiB parts.
pub const CONCURRENCY: u64 = 32;

/// After a stop signal, in-flight objects get this long to finish before
/// they are aborted; nothing new starts (see `logferry::ship`'s start margin).
const STOP_GRACE: Duration = Duration::from_secs(4);

#[derive(Debug, Serialize)]
pub struct Failure {
    pub source: String,
    pub error: String,
    pub retryable: bool,
}

/// One object finished: the `done`-th, of `listed` found so far.
pub struct Done<'a> {
    pub done: u64,
    pub listed: u64,
    pub source: &'a str,
    /// A named object that does not exist is a failure, not a skip.
    pub named: bool,
    pub result: &'a Result<Shipped, ShipError>,
}

/// [`ship_input`] of URIs.
pub async fn ship_uris(
    shipper: &Shipper,
    source: &aws_sdk_s3::Client,
    uris: &[String],
    stop: impl Future<Output = ()>,
    on_done: impl FnMut(Done<'_>),
) -> Result<Summary> {
    ship_input(shipper, source, Input::Uris(uris.to_vec()), stop, on_done).await
}

/// [`ship_resumable`] without a checkpoint.
pub async fn ship_input(
    shipper: &Shipper,
    source: &aws_sdk_s3::Client,
    input: Input,
    stop: impl Future<Output = ()>,
    on_done: impl FnMut(Done<'_>),
) -> Result<Summary> {
    ship_resumable(shipper, source, input, None, stop, on_done).await
}

/// Ship every object the input names (listing prefixes as it goes);
/// `on_done` hears of each one as it finishes. With a `checkpoint` (a path
/// or an `s3://` URI), what an earlier run of the same input settled is
/// not shipped again, and this run's progress is kept there. When `stop`
/// resolves, nothing new starts, in-flight objects get [`STOP_GRACE`] to
/// finish or are aborted, and the summary says what did not land. A
/// listing or checkpoint that fails stops the run the same way, and is its
/// error.
pub async fn ship_resumable(
    shipper: &Shipper,
    source: &aws_sdk_s3::Client,
    input: Input,
    checkpoint: Option<&str>,
    stop: impl Future<Output = ()>,
    mut on_done: impl FnMut(Done<'_>),
) -> Result<Summary> {
    let (tracker, retries, resume) = open_checkpoint(checkpoint, &input, source).await?;
    let listed = Arc::new(AtomicU64::new(0));
    let found = found::start(source.clone(), input, resume, listed.clone())?;
    let run = Run {
        tracker: Mutex::new(tracker),
        broken: Mutex::new(None),
        stopping: AtomicBool::new(false),
        listed,
    };
    let (set_deadline, deadline) = Deadline::later();
    let shipper = shipper.with_deadline(deadline);
    let mut found = found;
    let mut stop = std::pin::pin!(stop);
    let mut summary = Summary::default();
    {
        let objects = run.objects(&mut found, retries);
        let mut results = std::pin::pin!(shipper.ship_tagged(objects));
        let mut done = 0;
        let mut quiet = Quiet::new();
        loop {
            let (object, tag, result) = tokio::select! {
                () = quiet.tick() => {
                    quiet.warn(run.listed.load(Ordering::Relaxed));
                    continue;
                }
                next = results.next() => match next {
                    Some(next) => next,
                    None => break,
                },
                () = &mut stop, if !summary.interrupted => {
                    summary.interrupted = true;
                    run.stop(&set_deadline, "stopping: nothing new starts");
                    continue;
                }
            };
            done += 1;
            quiet.heard();
            let name = uri_of(&object);
            let done = Done {
                done,
                listed: run.listed.load(Ordering::Relaxed),
                source: &name,
                named: tag.named,
                result: &result,
            };
            on_done(done);
            run.settle(tag, &result, &set_deadline);
            summary.add(&name, tag.named, result);
        }
    }
    run.end(summary, &mut found).await
}

/// A resumed run's tracker, the objects to retry first, and what its input
/// skips; a new run's, when there is no checkpoint or it is new.
async fn open_checkpoint(
    spec: Option<&str>,
    input: &Input,
    source: &aws_sdk_s3::Client,
) -> Result<(Tracker, Vec<(u64, Pending)>, found::Resume)> {
    let Some(spec) = spec else {
        let (tracker, retries) = Tracker::new(None, Snapshot::default());
        return Ok((tracker, retries, found::Resume::default()));
    };
    let (store, text) = store::Store::open(spec, source).await?;
    let described = found::describe(input);
    let text_was_there = text.is_some();
    let snapshot = match text {
        Some(text) => Snapshot::parse(&text, spec)?,
        None => Snapshot {
            logferry_checkpoint: 1,
            input: described.clone(),
            ..Snapshot::default()
        },
    };
    if snapshot.input != described {
        bail!("--checkpoint {spec} was written for `{}`, not `{described}`; give the same input to resume it, or a new --checkpoint", snapshot.input);
    }
    if text_was_there {
        let through = match &snapshot.through {
            Some(t) if t.key.is_empty() => format!("settled through entry {}", t.entry),
            Some(t) => format!("settled through entry {} key {}", t.entry, t.key),
            None => "nothing settled in order yet".into(),
        };
        eprintln!(
            "resuming from {spec}: {through}, {} to retry, {} verified beyond",
            snapshot.pending.len(),
            snapshot.done_after.len()
        );
    }
    let resume = found::Resume {
        through: snapshot.through.clone(),
        done: snapshot.done_after.clone(),
    };
    let (mut tracker, retries) = Tracker::new(Some(store), snapshot);
    tracker.save().await?;
    Ok((tracker, retries, resume))
}

/// Nothing finished or found for this long: say what the run waits on.
const QUIET: Duration = Duration::from_secs(30);

/// Watches for a run that hears nothing: an endpoint that accepts
/// connections and never answers would otherwise be silent until each
/// request gives up.
struct Quiet {
    last: Instant,
    listed: u64,
    next: Instant,
}

impl Quiet {
    fn new() -> Quiet {
        let now = Instant::now();
        Quiet {
            last: now,
            listed: 0,
            next: now + QUIET,
        }
    }

    async fn tick(&mut self) {
        tokio::time::sleep_until(self.next).await;
        self.next = Instant::now() + QUIET;
    }

    fn heard(&mut self) {
        self.last = Instant::now();
    }

    fn warn(&mut self, listed: u64) {
        if listed != self.listed {
            (self.listed, self.last) = (listed, Instant::now());
            return;
        }
        if self.last.elapsed() >= QUIET {
            let endpoint = std::env::var("AWS_ENDPOINT_URL").unwrap_or_else(|_| "S3".into());
            let within = logferry::s3::unanswered::ANSWER_WITHIN.as_secs();
            tracing::warn!(
                "nothing has finished for {} s: waiting on {endpoint}; a request without an answer gives up after {within} s",
                QUIET.as_secs()
            );
        }
    }
}

/// What the shipper hands back with each object: its number in the
/// tracker, and whether the caller named it.
#[derive(Debug, Clone, Copy)]
struct Tag {
    number: u64,
    named: bool,
}

/// The state a run shares between the objects it hands out and the
/// results it takes in.
struct Run {
    tracker: Mutex<Tracker>,
    /// The error that ended the run: a listing, a line, the checkpoint.
    broken: Mutex<Option<anyhow::Error>>,
    stopping: AtomicBool,
    listed: Arc<AtomicU64>,
}

impl Run {
    /// The objects to ship: an earlier run's retries, then what is found.
    /// Nothing new is taken once the run is stopping, or while the
    /// tracker's window is full.
    fn objects<'a>(
        &'a self,
        found: &'a mut Receiver<Result<found::Found>>,
        retries: Vec<(u64, Pending)>,
    ) -> impl futures::Stream<Item = (ObjectRef, Tag)> + 'a {
        let mut retries = retries.into_iter();
        futures::stream::poll_fn(move |cx| {
            for (number, pending) in retries.by_ref() {
                if let Ok((bucket, key)) = parse_uri(&pending.uri) {
                    let tag = Tag {
                        number,
                        named: pending.named,
                    };
                    return Poll::Ready(Some((ObjectRef::new(bucket, key), tag)));
                }
            }
            if self.stopping.load(Ordering::Relaxed) {
                return Poll::Ready(None);
            }
            if !self.tracker.lock().unwrap().has_room(cx.waker()) {
                return Poll::Pending;
            }
            match found.poll_recv(cx) {
                Poll::Ready(Some(Ok(found))) => {
                    let uri = uri_of(&found.object);
                    let number = self
                        .tracker
                        .lock()
                        .unwrap()
                        .take(found.at, uri, found.named);
                    let named = found.named;
                    Poll::Ready(Some((found.object, Tag { number, named })))
                }
                Poll::Ready(Some(Err(e))) => {
                    *self.broken.lock().unwrap() = Some(e);
                    Poll::Ready(None)
                }
                Poll::Ready(None) => Poll::Ready(None),
                Poll::Pending => Poll::Pending,
            }
        })
    }

    /// Nothing new starts; in-flight objects get [`STOP_GRACE`].
    fn stop(&self, deadline: &logferry::deadline::SetDeadline, why: &str) {
        self.stopping.store(true, Ordering::Relaxed);
        tracing::warn!("{why}: in-flight objects finish within {STOP_GRACE:?} or are aborted");
        deadline.at(Instant::now() + STOP_GRACE);
    }

    /// Record an object's fate in the checkpoint: verified (or gone from
    /// a listing), or to be shipped again. A checkpoint that cannot be
    /// written stops the run.
    fn settle(
        &self,
        tag: Tag,
        result: &Result<Shipped, ShipError>,
        deadline: &logferry::deadline::SetDeadline,
    ) {
        let verified = match result {
            Ok(_) => true,
            Err(e) => e.is_skip() && !tag.named,
        };
        if let Err(e) = self.tracker.lock().unwrap().finish(tag.number, verified) {
            if self.broken.lock().unwrap().is_none() {
                *self.broken.lock().unwrap() = Some(e);
                self.stop(deadline, "the checkpoint cannot be written");
            }
        }
    }

    /// The run's summary, its checkpoint saved; or the error that broke it.
    async fn end(
        self,
        summary: Summary,
        found: &mut Receiver<Result<found::Found>>,
    ) -> Result<Summary> {
        if let Some(e) = self.broken.into_inner().unwrap() {
            return Err(e);
        }
        self.tracker.into_inner().unwrap().save().await?;
        Ok(summary.finished(found))
    }
}

fn uri_of(object: &logferry::ObjectRef) -> String {
    format!("s3://{}/{}", object.bucket, object.key)
}

impl Summary {
    /// The summary of a run that ended: after a stop, with what was found
    /// but not started, by name (retryable), and, if the input was not read
    /// to its end, one entry for the rest.
    fn finished(mut self, found: &mut Receiver<Result<found::Found>>) -> Self {
        if self.interrupted {
            self.not_started(found);
        }
        self
    }

    fn not_started(&mut self, found: &mut Receiver<Result<found::Found>>) {
        loop {
            match found.try_recv() {
                Ok(Ok(found)) => {
                    let source = uri_of(&found.object);
                    self.failed.push(Failure {
                        error: format!("{source} was not shipped before the shipper had to stop (not started); ship it again"),
                        source,
                        retryable: true,
                    });
                }
                Ok(Err(_)) | Err(tokio::sync::mpsc::error::TryRecvError::Disconnected) => return,
                Err(tokio::sync::mpsc::error::TryRecvError::Empty) => {
                    self.failed.push(Failure {
                        source: "the rest of the input".into(),
                        error: "not read before the run was stopped; ship it again".into(),
                        retryable: true,
                    });
                    return;
                }
            }
        }
    }

    fn add(&mut self, name: &str, named: bool, result: Result<Shipped, ShipError>) {
        let source = name.to_string();
        // What the caller named must exist: a failure, not a skip.
        let missing = matches!(&result, Err(e) if e.is_skip() && named);
        match missing {
            true => self.metrics.permanent += 1,
            false => self.metrics.record(&result),
        }
        match result {
            Ok(shipped) => {
                self.shipped += 1;
                self.bytes += shipped.size;
                self.already_archived += u64::from(shipped.landing == Landing::AlreadyArchived);
                self.changed += u64::from(shipped.landing == Landing::Changed);
            }
            Err(_) if missing => self.failed.push(Failure {
                error: format!("{name} does not exist (or its bucket does not); check the URI"),
                source,
                retryable: false,
            }),
            Err(e) if e.is_skip() => self.skipped += 1,
            Err(e) => self.failed.push(Failure {
                source,
                retryable: e.is_retryable(),
                error: e.to_string(),
            }),
        }
    }
}
