//! Key order for inputs that have none. S3 documents no order for an
//! inventory report's rows, while the reconcile merge needs both sides in
//! key order; so rows are sorted in runs of at most [`RUN`] in memory, each
//! run is written to a temporary file, and the runs are merged back one row
//! at a time. Memory holds one run while sorting and one row per run while
//! merging, whatever the report's size.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Lines, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Rows sorted in memory before a run is written out.
pub const RUN: usize = 50_000;

/// Sorts what is pushed into it by its sort key `K` (rows are JSON lines on disk).
pub struct Sorter<K: Ord, T> {
    key: fn(&T) -> K,
    run: Vec<T>,
    limit: usize,
    runs: Vec<Run>,
}

/// A run on disk, removed when dropped.
struct Run {
    path: PathBuf,
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

impl<K: Ord, T: Serialize + DeserializeOwned> Sorter<K, T> {
    pub fn new(key: fn(&T) -> K) -> Self {
        Self::with_run(key, RUN)
    }

    pub fn with_run(key: fn(&T) -> K, limit: usize) -> Self {
        Sorter {
            key,
            run: Vec::new(),
            limit: limit.max(1),
            runs: Vec::new(),
        }
    }

    pub fn push(&mut self, row: T) -> Result<()> {
        self.run.push(row);
        if self.run.len() >= self.limit {
            self.spill()?;
        }
        Ok(())
    }

    /// Write the run in memory to disk, sorted.
    fn spill(&mut self) -> Result<()> {
        let key = self.key;
        self.run.sort_by_cached_key(key);
        let path = std::env::temp_dir().join(crate::unique_name("logferry-sort"));
        let run = Run { path };
        let file = File::create(&run.path)
            .with_context(|| format!("cannot write {} (sorting a report)", run.path.display()))?;
        let mut out = BufWriter::new(file);
        for row in self.run.drain(..) {
            serde_json::to_writer(&mut out, &row)?;
            out.write_all(b"\n")?;
        }
        out.flush()
            .with_context(|| format!("writing {}", run.path.display()))?;
        self.runs.push(run);
        Ok(())
    }

    /// Every row pushed, in key order.
    pub fn sorted(mut self) -> Result<Sorted<K, T>> {
        if !self.run.is_empty() {
            self.spill()?;
        }
        let mut sorted = Sorted {
            key: self.key,
            heads: BinaryHeap::new(),
            readers: Vec::new(),
            _runs: Vec::new(),
        };
        for run in self.runs {
            let file = File::open(&run.path)?;
            sorted.readers.push(BufReader::new(file).lines());
            sorted._runs.push(run);
            sorted.advance(sorted.readers.len() - 1)?;
        }
        Ok(sorted)
    }
}

/// The runs, merged: an iterator of rows in key order.
pub struct Sorted<K: Ord, T> {
    key: fn(&T) -> K,
    /// The next row of each run not yet exhausted, smallest first.
    heads: BinaryHeap<Reverse<Head<K, T>>>,
    readers: Vec<Lines<BufReader<File>>>,
    _runs: Vec<Run>,
}

struct Head<K, T> {
    key: K,
    run: usize,
    row: T,
}

impl<K: Ord, T> PartialEq for Head<K, T> {
    fn eq(&self, other: &Self) -> bool {
        (&self.key, self.run) == (&other.key, other.run)
    }
}
impl<K: Ord, T> Eq for Head<K, T> {}
impl<K: Ord, T> PartialOrd for Head<K, T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<K: Ord, T> Ord for Head<K, T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (&self.key, self.run).cmp(&(&other.key, other.run))
    }
}

impl<K: Ord, T: DeserializeOwned> Sorted<K, T> {
    /// Read run `run`'s next row into the heap.
    fn advance(&mut self, run: usize) -> Result<()> {
        if let Some(line) = self.readers[run].next() {
            let row: T = serde_json::from_str(&line?).context("reading back a sorted run")?;
            let key = (self.key)(&row);
            self.heads.push(Reverse(Head { key, run, row }));
        }
        Ok(())
    }
}

impl<K: Ord, T: DeserializeOwned> Iterator for Sorted<K, T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        let Reverse(head) = self.heads.pop()?;
        if let Err(e) = self.advance(head.run) {
            return Some(Err(e));
        }
        Some(Ok(head.row))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_merge_into_one_order() {
        let mut sorter = Sorter::with_run(|s: &String| s.clone(), 3);
        let words = [
            "pear", "apple", "fig", "kiwi", "date", "apple", "b\nc", "lime",
        ];
        for w in words {
            sorter.push(w.to_string()).unwrap();
        }
        assert_eq!(sorter.runs.len(), 2, "two full runs spilled before the end");
        let sorted: Vec<String> = sorter.sorted().unwrap().map(Result::unwrap).collect();
        let mut expected: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        expected.sort();
        assert_eq!(sorted, expected);
    }

    #[test]
    fn runs_are_removed_when_done() {
        let mut sorter = Sorter::with_run(|n: &u32| *n, 2);
        for n in [5, 3, 9, 1, 7] {
            sorter.push(n).unwrap();
        }
        let paths: Vec<PathBuf> = sorter.runs.iter().map(|r| r.path.clone()).collect();
        let sorted = sorter.sorted().unwrap();
        assert!(paths.iter().all(|p| p.exists()));
        assert_eq!(
            sorted.map(Result::unwrap).collect::<Vec<_>>(),
            [1, 3, 5, 7, 9]
        );
        assert!(paths.iter().all(|p| !p.exists()), "temporary runs left");
    }

    #[test]
    fn nothing_pushed_is_nothing_sorted() {
        let sorter = Sorter::new(|n: &u32| *n);
        assert_eq!(sorter.sorted().unwrap().count(), 0);
    }
}
