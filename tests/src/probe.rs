//! Permission probes: one AWS call, expected to be allowed or denied.

use std::future::Future;
use std::pin::Pin;

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Allowed,
    Denied,
    /// Neither: an error that is not an access decision.
    Other(String),
    /// Expected only: AWS denies this, but the named emulator gap lets it
    /// through, so the emulator must answer `Allowed`.
    DeniedOnAwsOnly(&'static str),
    /// Expected only: AWS allows this, but the named emulator gap refuses it,
    /// so the emulator must answer `Denied`.
    AllowedOnAwsOnly(&'static str),
}

/// Classify a call's result: any `AccessDenied*` code is a denial.
pub fn outcome<T, E, R>(result: Result<T, SdkError<E, R>>) -> Outcome
where
    E: ProvideErrorMetadata + std::fmt::Debug,
    R: std::fmt::Debug,
{
    match result {
        Ok(_) => Outcome::Allowed,
        Err(SdkError::ServiceError(e))
            if e.err()
                .code()
                .is_some_and(|c| c.starts_with("AccessDenied")) =>
        {
            Outcome::Denied
        }
        Err(e) => Outcome::Other(
            e.code()
                .map(str::to_string)
                .unwrap_or_else(|| format!("{e:?}")),
        ),
    }
}

/// A named probe and what it must come to.
pub type Probe<'a> = (
    &'static str,
    Outcome,
    Pin<Box<dyn Future<Output = Outcome> + 'a>>,
);

/// Run every probe in order; the table of results, and the names that came out wrong.
pub async fn run(probes: Vec<Probe<'_>>) -> (String, Vec<&'static str>) {
    let mut report = Vec::new();
    let mut wrong = Vec::new();
    for (name, expected, probe) in probes {
        let got = probe.await;
        let (shown, ok) = match &expected {
            Outcome::DeniedOnAwsOnly(gap) => (
                format!("Denied on AWS, not enforced here (gap {gap})"),
                got == Outcome::Allowed,
            ),
            Outcome::AllowedOnAwsOnly(gap) => (
                format!("Allowed on AWS, refused here (gap {gap})"),
                got == Outcome::Denied,
            ),
            other => (format!("{other:?}"), got == expected),
        };
        report.push(format!("{name:<55} expected {shown:<8} got {got:?}"));
        if !ok {
            wrong.push(name);
        }
    }
    (report.join("\n"), wrong)
}

/// Run the probes, print the table, and fail naming every probe that came
/// out wrong. Returns how many probes ran.
pub async fn assert_all(probes: Vec<Probe<'_>>) -> usize {
    let count = probes.len();
    let (report, wrong) = run(probes).await;
    println!("{report}");
    assert!(
        wrong.is_empty(),
        "probes with the wrong outcome: {wrong:?}\n{report}"
    );
    count
}
