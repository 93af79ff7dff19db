//! How far a `ship` run is: on a terminal a progress bar (objects of those
//! found so far, bytes, rate, ETA); off one, a line every
//! [`PROGRESS_EVERY`], which a log collector keeps.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use tokio::time::Instant;

use super::Done;

/// Off a terminal, a progress line this often.
pub const PROGRESS_EVERY: Duration = Duration::from_secs(5);

pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    last: Instant,
    bytes: u64,
}

impl Progress {
    pub fn new() -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(0);
            let style = ProgressStyle::with_template(
                "{spinner} {elapsed_precise} {wide_bar} {pos}/{len} objects, {msg}, {per_sec}, ETA {eta}",
            )
            .expect("a valid template");
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            started: Instant::now(),
            last: Instant::now(),
            bytes: 0,
        }
    }

    /// Print a line of the run's output without tearing the bar.
    pub fn print(&self, line: impl FnOnce()) {
        match &self.bar {
            Some(bar) => bar.suspend(line),
            None => line(),
        }
    }

    /// One more object finished.
    pub fn update(&mut self, done: &Done<'_>) {
        if let Ok(s) = done.result {
            self.bytes += s.size;
        }
        let megabytes = self.bytes as f64 / 1e6;
        if let Some(bar) = &self.bar {
            bar.set_length(done.listed.max(done.done));
            bar.set_position(done.done);
            bar.set_message(format!("{megabytes:.1} MB"));
            return;
        }
        if self.last.elapsed() >= PROGRESS_EVERY {
            self.last = Instant::now();
            let seconds = self.started.elapsed().as_secs_f64().max(0.001);
            eprintln!(
                "progress: {} done of {} found, {megabytes:.1} MB, {:.0} objects/s",
                done.done,
                done.listed,
                done.done as f64 / seconds
            );
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
