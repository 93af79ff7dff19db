//! When the shipper must stop: known up front (a Lambda invocation's end,
//! less a margin) or set later (a SIGTERM to the CLI or the worker). Work
//! cut short by it fails as [`ShipError::Deadline`], which is retryable, and
//! multipart uploads are aborted first, so nothing is lost or left behind.

use std::future::Future;

use tokio::sync::watch;
use tokio::time::Instant;

use crate::error::ShipError;

/// A stop time that may not be known yet. Cheap to clone; every clone sees
/// the time once it is set.
#[derive(Debug, Clone)]
pub struct Deadline(watch::Receiver<Option<Instant>>);

/// Sets the stop time of the [`Deadline`] made with it.
#[derive(Debug)]
pub struct SetDeadline(watch::Sender<Option<Instant>>);

impl Deadline {
    /// No stop time, ever.
    pub fn none() -> Deadline {
        Deadline::later().1
    }

    /// Stop at `at`.
    pub fn at(at: Instant) -> Deadline {
        let (set, deadline) = Deadline::later();
        set.at(at);
        deadline
    }

    /// A stop time to be set by the returned [`SetDeadline`].
    pub fn later() -> (SetDeadline, Deadline) {
        let (tx, rx) = watch::channel(None);
        (SetDeadline(tx), Deadline(rx))
    }

    /// The stop time, if one is set.
    pub fn get(&self) -> Option<Instant> {
        *self.0.borrow()
    }

    /// True when the stop time is set and less than `margin` away: too
    /// close to start work that would only be cut short.
    pub fn within(&self, margin: std::time::Duration) -> bool {
        self.get().is_some_and(|at| Instant::now() + margin > at)
    }

    /// Resolves once the stop time is set and has passed.
    pub async fn reached(&self) {
        let mut rx = self.0.clone();
        loop {
            let at = *rx.borrow_and_update();
            match at {
                Some(at) => tokio::select! {
                    _ = tokio::time::sleep_until(at) => return,
                    changed = rx.changed() => if changed.is_err() { tokio::time::sleep_until(at).await; return },
                },
                // A setter that is gone can never set a time.
                None => {
                    if rx.changed().await.is_err() {
                        std::future::pending::<()>().await;
                    }
                }
            }
        }
    }

    /// Run `work` unless the stop time comes first; then the object named
    /// by `bucket`/`key` fails as [`ShipError::Deadline`] at `stage`.
    pub(crate) async fn run<T, F>(
        &self,
        bucket: &str,
        key: &str,
        stage: &'static str,
        work: F,
    ) -> Result<T, ShipError>
    where
        F: Future<Output = Result<T, ShipError>>,
    {
        tokio::select! {
            result = work => result,
            () = self.reached() => Err(ShipError::Deadline {
                bucket: bucket.to_string(),
                key: key.to_string(),
                stage,
            }),
        }
    }
}

/// Lambda's longest timeout (15 minutes), in milliseconds.
const LONGEST_TIMEOUT_MS: u64 = 900_000;

/// When a Lambda invocation must stop: its deadline (epoch milliseconds;
/// 0, as in a test's default context, means none) less `margin`, kept back
/// to abort uploads and answer.
///
/// A value no larger than Lambda's longest timeout cannot be an epoch
/// deadline (it would be 1970): it is a timeout from now. `cargo lambda
/// watch` sends one, a fixed `Lambda-Runtime-Deadline-Ms: 600000`; read as
/// an epoch, every local invocation would stop before it started.
pub fn invocation_stop(
    deadline_ms: u64,
    now: std::time::SystemTime,
    margin: std::time::Duration,
) -> Option<Instant> {
    let left = match deadline_ms {
        0 => return None,
        timeout if timeout <= LONGEST_TIMEOUT_MS => std::time::Duration::from_millis(timeout),
        epoch => (std::time::UNIX_EPOCH + std::time::Duration::from_millis(epoch))
            .duration_since(now)
            .unwrap_or_default(),
    };
    Some(Instant::now() + left.saturating_sub(margin))
}

impl SetDeadline {
    pub fn at(&self, at: Instant) {
        self.0.send_replace(Some(at));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn a_deadline_set_later_cuts_work_short() {
        let (set, deadline) = Deadline::later();
        let work = deadline.run("b", "k", "test", async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok::<_, ShipError>(())
        });
        let setter = async {
            tokio::time::sleep(Duration::from_secs(1)).await;
            set.at(Instant::now() + Duration::from_secs(2));
        };
        let (result, ()) = tokio::join!(work, setter);
        assert!(matches!(
            result,
            Err(ShipError::Deadline { stage: "test", .. })
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn an_invocation_stops_its_margin_before_the_deadline_it_was_given() {
        let now = std::time::UNIX_EPOCH + Duration::from_secs(1_796_000_000);
        let margin = Duration::from_secs(3);
        let epoch_ms = 1_796_000_000_000 + 60_000;
        let stop = invocation_stop(epoch_ms, now, margin).expect("a deadline");
        assert_eq!(stop - Instant::now(), Duration::from_secs(57));
        // `cargo lambda watch`'s fixed 600000 is ten minutes, not 1970.
        let stop = invocation_stop(600_000, now, margin).expect("a deadline");
        assert_eq!(stop - Instant::now(), Duration::from_secs(597));
        // A deadline already past leaves no time at all.
        let stop = invocation_stop(1_795_000_000_000, now, margin).expect("a deadline");
        assert_eq!(stop, Instant::now());
        assert_eq!(invocation_stop(0, now, margin), None);
    }

    #[tokio::test(start_paused = true)]
    async fn without_a_deadline_work_runs_to_the_end() {
        let result = Deadline::none()
            .run("b", "k", "test", async {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                Ok::<_, ShipError>(7)
            })
            .await;
        assert_eq!(result.unwrap(), 7);
    }
}
