//! `logferry ship`: named objects, listed prefixes or a file of URIs,
//! shipped while they are found ([`found`]), each reported as it finishes,
//! with a summary of counts and failures: nothing grows with the number of
//! objects but the failures.

mod found;

use std::collections::HashSet;
use std::future::Future;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use anyhow::Result;
use clap::Args;
use futures::StreamExt;
use logferry::metrics::{Emitter, ShipMetrics};
use logferry::ship::Landing;
use logferry::{Deadline, ShipError, Shipped, Shipper};
use serde::Serialize;
use serde_json::json;
use tokio::sync::mpsc::Receiver;
use tokio::time::Instant;

pub use found::{parse_uri, Input};

#[derive(Args)]
pub struct ShipArgs {
    /// s3://bucket/key for one object, s3://bucket/prefix/ (or s3://bucket) for everything under it.
    #[arg(required_unless_present = "from_file", conflicts_with = "from_file")]
    uris: Vec<String>,
    /// Read the s3:// URIs from FILE, one a line (`-`: standard input), as the run goes.
    #[arg(long, value_name = "FILE")]
    from_file: Option<PathBuf>,
    /// Print one JSON line per object as it finishes, then one with the summary.
    #[arg(long)]
    json: bool,
    /// Also print the run's metrics on stdout, as CloudWatch EMF lines (service `logferry-ship`).
    #[arg(long)]
    emf: bool,
}

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

/// After a stop signal, in-flight objects get this long to finish before
/// they are aborted; nothing new starts (see `logferry::ship`'s start margin).
const STOP_GRACE: Duration = Duration::from_secs(4);

/// Off a terminal, a progress line this often.
const PROGRESS_EVERY: Duration = Duration::from_secs(5);

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

/// Ship every object the input names (listing prefixes as it goes);
/// `on_done` hears of each one as it finishes. When `stop` resolves,
/// nothing new starts, in-flight objects get [`STOP_GRACE`] to finish or
/// are aborted, and the summary says what did not land. A listing that
/// fails stops the run the same way, and is its error.
pub async fn ship_input(
    shipper: &Shipper,
    source: &aws_sdk_s3::Client,
    input: Input,
    stop: impl Future<Output = ()>,
    mut on_done: impl FnMut(Done<'_>),
) -> Result<Summary> {
    let listed = Arc::new(AtomicU64::new(0));
    let mut found = found::start(source.clone(), input, listed.clone())?;
    let mut stop = std::pin::pin!(stop);
    let mut summary = Summary::default();
    let (set_deadline, deadline) = Deadline::later();
    let shipper = shipper.with_deadline(deadline);
    let named = Mutex::new(HashSet::new());
    let broken: Mutex<Option<anyhow::Error>> = Default::default();
    let stopping = AtomicBool::new(false);
    {
        let objects = objects(&mut found, &stopping, &named, &broken);
        let mut results = std::pin::pin!(shipper.ship_stream(objects));
        let mut done = 0;
        loop {
            let (object, result) = tokio::select! {
                next = results.next() => match next {
                    Some(next) => next,
                    None => break,
                },
                () = &mut stop, if !summary.interrupted => {
                    summary.interrupted = true;
                    stopping.store(true, Ordering::Relaxed);
                    tracing::warn!("stopping: nothing new starts; in-flight objects finish within {STOP_GRACE:?} or are aborted");
                    set_deadline.at(Instant::now() + STOP_GRACE);
                    continue;
                }
            };
            done += 1;
            let name = uri_of(&object);
            let was_named = named.lock().unwrap().remove(&name);
            on_done(Done {
                done,
                listed: listed.load(Ordering::Relaxed),
                source: &name,
                named: was_named,
                result: &result,
            });
            summary.add(&name, was_named, result);
        }
    }
    match broken.into_inner().unwrap() {
        Some(e) => Err(e),
        None => Ok(summary.finished(&mut found)),
    }
}

/// The objects found, as the shipper takes them. Nothing new is taken once
/// the run is `stopping`, or after the error that ended the input (kept in
/// `broken`); `named` collects the objects the caller named.
fn objects<'a>(
    found: &'a mut Receiver<Result<found::Found>>,
    stopping: &'a AtomicBool,
    named: &'a Mutex<HashSet<String>>,
    broken: &'a Mutex<Option<anyhow::Error>>,
) -> impl futures::Stream<Item = logferry::ObjectRef> + 'a {
    futures::stream::poll_fn(move |cx| {
        if stopping.load(Ordering::Relaxed) {
            return Poll::Ready(None);
        }
        match found.poll_recv(cx) {
            Poll::Ready(Some(Ok(found))) => {
                if found.named {
                    named.lock().unwrap().insert(uri_of(&found.object));
                }
                Poll::Ready(Some(found.object))
            }
            Poll::Ready(Some(Err(e))) => {
                *broken.lock().unwrap() = Some(e);
                Poll::Ready(None)
            }
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    })
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

/// What one finished object prints: a line of text, or of JSON.
fn report(done: &Done<'_>, json: bool) {
    let source = done.source;
    match (done.result, json) {
        (Ok(s), false) => println!(
            "shipped {source} -> s3://{}/{} ({} bytes{})",
            s.dest_bucket,
            s.dest_key,
            s.size,
            match s.landing {
                Landing::New => "",
                Landing::AlreadyArchived => ", already archived",
                Landing::Changed => ", changed since archived: kept beside the archived copy",
            }
        ),
        (Err(e), false) if e.is_skip() && !done.named => {
            println!("skipped {source}: no longer exists")
        }
        (Err(_), false) => {} // failures are listed at the end, on stderr
        (Ok(s), true) => println!("{}", json!({"source": source, "shipped": s})),
        (Err(e), true) => println!(
            "{}",
            json!({"source": source, "error": e.to_string(), "retryable": e.is_retryable(), "skipped": e.is_skip() && !done.named})
        ),
    }
}

/// The end of a run: its failures on stderr, its counts on stdout.
fn print_summary(summary: &Summary, json: bool) {
    for f in &summary.failed {
        eprintln!("failed {}: {}", f.source, f.error);
    }
    if json {
        println!("{}", json!({ "summary": summary }));
    } else {
        println!(
            "{} shipped ({} already archived, {} changed since archived), {} failed, {} skipped{}",
            summary.shipped,
            summary.already_archived,
            summary.changed,
            summary.failed.len(),
            summary.skipped,
            if summary.interrupted {
                " (stopped by a signal)"
            } else {
                ""
            }
        );
    }
}

pub async fn run(
    args: ShipArgs,
    shipper: &Shipper,
    source: &aws_sdk_s3::Client,
) -> Result<std::process::ExitCode> {
    let terminal = std::io::stderr().is_terminal();
    let mut signalled = crate::worker::stop_on_signals();
    let stop = async move {
        let _ = signalled.wait_for(|stop| *stop).await;
    };
    let input = match args.from_file {
        Some(path) => Input::File(path),
        None => Input::Uris(args.uris),
    };
    let (started, mut last) = (Instant::now(), Instant::now());
    let mut bytes = 0u64;
    let summary = ship_input(shipper, source, input, stop, |done| {
        report(&done, args.json);
        if let Ok(s) = done.result {
            bytes += s.size;
        }
        if terminal {
            eprint!(
                "\r[{}/{} listed] {}\x1b[K",
                done.done, done.listed, done.source
            );
        } else if last.elapsed() >= PROGRESS_EVERY {
            last = Instant::now();
            let seconds = started.elapsed().as_secs_f64().max(0.001);
            eprintln!(
                "progress: {} done of {} found, {:.1} MB, {:.0} objects/s",
                done.done,
                done.listed,
                bytes as f64 / 1e6,
                done.done as f64 / seconds
            );
        }
    })
    .await?;
    if terminal {
        eprintln!();
    }
    print_summary(&summary, args.json);
    if args.emf {
        let auth = shipper.config().auth.name();
        Emitter::stdout().emit(summary.metrics.documents(
            "logferry-ship",
            auth,
            chrono::Utc::now(),
        ));
    }
    Ok(if summary.failed.is_empty() {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    })
}
