//! `ship --checkpoint`: what a run has verified, kept so that a killed run
//! (SIGKILL, a spot reclaim, a Glue timeout) starts again where it stopped.
//!
//! Every object found has a [`Cursor`], its place in the input: the entry
//! (a command-line URI or a line of the file, counted from 1) and the key
//! listed under it. Objects finish in any order, so the checkpoint is
//! - `through`: every object up to this cursor is settled;
//! - `done_after`: objects after it that are already verified;
//! - `pending`: objects up to it that must still be shipped (they failed,
//!   or were retries still in flight), each with its URI.
//!
//! A local checkpoint is a snapshot line followed by one line per finished
//! object, appended as it finishes, so a killed run loses nothing it
//! verified: it repeats at most the objects in flight, `concurrency` of
//! them. Every [`COMPACT_EVERY`] lines the file is rewritten as one
//! snapshot (write aside, rename). An `s3://` checkpoint is the snapshot
//! alone, put again whenever the previous put has finished, so a killed
//! run also repeats what finished during the last put.
//!
//! [`Tracker`] holds at most [`WINDOW`] objects beyond the oldest one not
//! settled, so neither memory nor the checkpoint grows with the input.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::PathBuf;
use std::task::Waker;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use super::store::Store;

/// Objects taken beyond the oldest one not yet settled.
pub const WINDOW: usize = 2048;

/// Lines appended to a local checkpoint before it is rewritten whole.
const COMPACT_EVERY: usize = 1000;

/// An object's place in the input: `entry` counts the command line's URIs
/// or the file's lines from 1 (0: a retry from an earlier run), `key` is
/// the key listed under that entry ("" for a named object).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Cursor {
    pub entry: u64,
    pub key: String,
}

/// An object still to ship, from an earlier run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    pub at: Cursor,
    pub uri: String,
    pub named: bool,
}

/// What a checkpoint says; see the module's documentation.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub logferry_checkpoint: u32,
    pub input: String,
    pub through: Option<Cursor>,
    pub pending: Vec<Pending>,
    pub done_after: BTreeSet<Cursor>,
}

/// One line after the snapshot in a local checkpoint.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Line {
    Done(Cursor),
    Failed(Pending),
}

impl Snapshot {
    /// Read a checkpoint's text: the snapshot, then what finished after it.
    pub fn parse(text: &str, name: &str) -> Result<Snapshot> {
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let head = lines.next().context("it is empty")?;
        let mut snapshot: Snapshot = serde_json::from_str(head)
            .with_context(|| format!("{name} is not a logferry checkpoint"))?;
        for (number, line) in lines.enumerate() {
            match serde_json::from_str::<Line>(line) {
                Ok(line) => snapshot.apply(line),
                // A run killed mid-write leaves its last line cut short.
                Err(_) if number + 2 == text.lines().count() => break,
                Err(e) => bail!("{name}, line {}: {e}", number + 2),
            }
        }
        Ok(snapshot)
    }

    fn apply(&mut self, line: Line) {
        let through = self.through.clone();
        let settled = |at: &Cursor| through.as_ref().is_some_and(|t| at <= t);
        match line {
            Line::Done(at) if settled(&at) => self.pending.retain(|p| p.at != at),
            Line::Done(at) => {
                self.done_after.insert(at);
            }
            Line::Failed(p) if settled(&p.at) && !self.pending.contains(&p) => self.pending.push(p),
            Line::Failed(_) => {}
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    InFlight,
    Verified,
    Failed,
}

#[derive(Debug)]
struct Taken {
    at: Cursor,
    uri: String,
    named: bool,
    state: State,
}

/// The run's objects from taken to settled, and its checkpoint kept up.
pub struct Tracker {
    input: String,
    next: u64,
    window: BTreeMap<u64, Taken>,
    through: Option<Cursor>,
    /// Settled by position, not verified: failures, and earlier runs' retries.
    unsettled: Vec<Pending>,
    /// Verified after `through` by earlier runs: the input skips them.
    known_done: BTreeSet<Cursor>,
    store: Option<Store>,
    lines: usize,
    waker: Option<Waker>,
}

impl Tracker {
    /// A tracker going on from `resumed` (a new run's is empty): its
    /// pending objects are taken first, and returned with their numbers.
    pub fn new(store: Option<Store>, resumed: Snapshot) -> (Tracker, Vec<(u64, Pending)>) {
        let mut tracker = Tracker {
            input: resumed.input,
            next: 0,
            window: BTreeMap::new(),
            through: resumed.through,
            unsettled: Vec::new(),
            known_done: resumed.done_after,
            store,
            lines: 0,
            waker: None,
        };
        let retries = resumed
            .pending
            .into_iter()
            .map(|p| (tracker.take(p.at.clone(), p.uri.clone(), p.named), p))
            .collect();
        (tracker, retries)
    }

    /// Whether another object may be taken now; if not, `waker` is woken
    /// when one may.
    pub fn has_room(&mut self, waker: &Waker) -> bool {
        if self.window.len() < WINDOW {
            return true;
        }
        self.waker = Some(waker.clone());
        false
    }

    /// An object is taken for shipping: its number, for [`Tracker::finish`].
    pub fn take(&mut self, at: Cursor, uri: String, named: bool) -> u64 {
        let number = self.next;
        self.next += 1;
        let state = State::InFlight;
        let taken = Taken {
            at,
            uri,
            named,
            state,
        };
        self.window.insert(number, taken);
        number
    }

    /// Object `number` finished: verified (or gone from the source), or not.
    pub fn finish(&mut self, number: u64, verified: bool) -> Result<()> {
        let Some(taken) = self.window.get_mut(&number) else {
            return Ok(());
        };
        taken.state = if verified {
            State::Verified
        } else {
            State::Failed
        };
        let line = match verified {
            true => Line::Done(taken.at.clone()),
            false => Line::Failed(Pending {
                at: taken.at.clone(),
                uri: taken.uri.clone(),
                named: taken.named,
            }),
        };
        self.advance();
        self.record(line)
    }

    /// Move `through` past every settled object at the window's front.
    fn advance(&mut self) {
        while let Some(entry) = self.window.first_entry() {
            if entry.get().state == State::InFlight {
                break;
            }
            let taken = entry.remove();
            if taken.state == State::Failed {
                self.unsettled.push(Pending {
                    at: taken.at.clone(),
                    uri: taken.uri,
                    named: taken.named,
                });
            }
            if self.through.as_ref().is_none_or(|t| taken.at > *t) {
                self.through = Some(taken.at);
            }
            if let Some(waker) = self.waker.take() {
                waker.wake();
            }
        }
    }

    fn record(&mut self, line: Line) -> Result<()> {
        let Some(store) = &mut self.store else {
            return Ok(());
        };
        self.lines += 1;
        if store.appends() && self.lines < COMPACT_EVERY {
            let text = serde_json::to_string(&line)? + "\n";
            return store.append(text.as_bytes());
        }
        if store.appends() || store.ready() {
            self.lines = 0;
            let snapshot = self.snapshot();
            let store = self.store.as_mut().expect("checked above");
            store.replace(serde_json::to_string(&snapshot)? + "\n")?;
        }
        Ok(())
    }

    /// The checkpoint now.
    pub fn snapshot(&self) -> Snapshot {
        let through = self.through.clone();
        let settled = |at: &Cursor| through.as_ref().is_some_and(|t| at <= t);
        let mut pending = self.unsettled.clone();
        let mut done_after: BTreeSet<Cursor> = self
            .known_done
            .iter()
            .filter(|at| !settled(at))
            .cloned()
            .collect();
        for taken in self.window.values() {
            match taken.state {
                State::Verified if !settled(&taken.at) => {
                    done_after.insert(taken.at.clone());
                }
                State::Verified => {}
                _ if settled(&taken.at) => pending.push(Pending {
                    at: taken.at.clone(),
                    uri: taken.uri.clone(),
                    named: taken.named,
                }),
                _ => {}
            }
        }
        Snapshot {
            logferry_checkpoint: 1,
            input: self.input.clone(),
            through,
            pending,
            done_after,
        }
    }

    /// The checkpoint written whole, and waited for: at the start (which
    /// proves it can be written) and at the end of a run.
    pub async fn save(&mut self) -> Result<()> {
        let snapshot = serde_json::to_string(&self.snapshot())? + "\n";
        match &mut self.store {
            Some(store) => store.finish(snapshot).await,
            None => Ok(()),
        }
    }
}

/// Write `text` to `path` whole or not at all.
pub fn replace_file(path: &PathBuf, text: &str) -> Result<()> {
    let aside = path.with_extension("writing");
    let mut file = std::fs::File::create(&aside)
        .with_context(|| format!("cannot write the checkpoint beside {}; give a --checkpoint path in a writable directory", path.display()))?;
    file.write_all(text.as_bytes())?;
    std::fs::rename(&aside, path)
        .with_context(|| format!("cannot replace the checkpoint {}", path.display()))
}

#[cfg(test)]
#[path = "checkpoint_tests.rs"]
mod tests;
