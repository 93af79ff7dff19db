//! What each saved query must answer about the sample logs: every row, every
//! column, computed from the requests themselves, and compared as a whole
//! (a multiset of rows, so a duplicated or missing row shows), with the
//! order each query's ORDER BY promises.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use anyhow::{ensure, Context, Result};
use serde_json::{json, Value};

use super::{LogObject, Request};
use crate::catalog::Answers;

/// One answer row: column name → value, as `catalog::answer` reads them.
pub type Row = BTreeMap<String, Value>;

/// The saved queries [`check_answers`] checks, by the end of their names.
pub const CHECKED_QUERIES: [&str; 5] = [
    "-access-denied",
    "-deletes",
    "-errors-by-code",
    "-top-requesters",
    "-bytes-by-bucket-and-day",
];

/// Each query's ORDER BY: columns, descending. Ties are in any order.
const ORDER: [(&str, &[&str]); 5] = [
    ("-access-denied", &["requests"]),
    ("-deletes", &["request_time"]),
    ("-errors-by-code", &["requests"]),
    ("-top-requesters", &["requests"]),
    ("-bytes-by-bucket-and-day", &["request_day", "bytes_sent"]),
];

/// A timestamp as the engine hands it back: milliseconds, UTC.
fn instant(r: &Request) -> String {
    r.time.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn row(value: Value) -> Row {
    match value {
        Value::Object(map) => map.into_iter().collect(),
        _ => unreachable!("rows are built from json!({{…}})"),
    }
}

/// Requests with the audited bucket each was made against.
fn with_bucket(objects: &[LogObject]) -> Vec<(&str, &Request)> {
    objects
        .iter()
        .flat_map(|o| o.requests.iter().map(|r| (o.bucket.as_str(), r)))
        .collect()
}

/// Every row each checked saved query must answer, by query-name suffix.
pub fn expected_answers(objects: &[LogObject]) -> BTreeMap<&'static str, Vec<Row>> {
    let all = with_bucket(objects);
    let mut out = BTreeMap::new();

    // access_denied: GROUP BY requester, remote_ip, bucket, operation, error_code.
    let mut denied: BTreeMap<(&str, &str, &str, &str, &str), Vec<String>> = BTreeMap::new();
    for (bucket, r) in all
        .iter()
        .filter(|(_, r)| r.status == 403 || r.error == "AccessDenied")
    {
        let group = (r.requester, r.ip, *bucket, r.operation, r.error);
        denied.entry(group).or_default().push(instant(r));
    }
    out.insert(
        "-access-denied",
        denied
            .into_iter()
            .map(|((requester, ip, bucket, operation, error), times)| {
                row(json!({
                    "requester": requester, "remote_ip": ip, "bucket": bucket,
                    "operation": operation, "error_code": error, "requests": times.len(),
                    "first_seen": times.iter().min(), "last_seen": times.iter().max(),
                }))
            })
            .collect(),
    );

    // deletes: one row per delete of any kind, every column.
    let is_delete = |op: &str| {
        op.starts_with("REST.DELETE.")
            || op == "REST.POST.MULTI_OBJECT_DELETE"
            || op == "BATCH.DELETE.OBJECT"
            || op.starts_with("S3.EXPIRE.")
            || op == "S3.CREATE.DELETEMARKER"
    };
    out.insert(
        "-deletes",
        all.iter()
            .filter(|(_, r)| is_delete(r.operation))
            .map(|(bucket, r)| {
                row(json!({
                    "request_time": instant(r), "bucket": bucket, "requester": r.requester,
                    "remote_ip": r.ip, "operation": r.operation, "key": r.key,
                    "version_id": "-", "http_status": r.status, "error_code": r.error,
                    "user_agent": "aws-cli/2.17.0",
                }))
            })
            .collect(),
    );

    // errors_by_code: GROUP BY error_code, http_status.
    let mut errors: BTreeMap<(&str, u16), Vec<&Request>> = BTreeMap::new();
    for (_, r) in all
        .iter()
        .filter(|(_, r)| r.error != "-" || r.status >= 400)
    {
        errors.entry((r.error, r.status)).or_default().push(r);
    }
    out.insert(
        "-errors-by-code",
        errors
            .into_iter()
            .map(|((error, status), rs)| {
                let requesters: BTreeSet<&str> = rs.iter().map(|r| r.requester).collect();
                row(json!({
                    "error_code": error, "http_status": status, "requests": rs.len(),
                    "requesters": requesters.len(),
                    "first_seen": rs.iter().map(|r| instant(r)).min(),
                }))
            })
            .collect(),
    );

    // top_requesters: GROUP BY requester (fewer than its LIMIT 100).
    let mut top: BTreeMap<&str, Vec<(&str, &Request)>> = BTreeMap::new();
    for (bucket, r) in &all {
        top.entry(r.requester).or_default().push((bucket, r));
    }
    out.insert(
        "-top-requesters",
        top.into_iter()
            .map(|(requester, rs)| {
                let buckets: BTreeSet<&str> = rs.iter().map(|(b, _)| *b).collect();
                row(json!({
                    "requester": requester, "requests": rs.len(),
                    "errors": rs.iter().filter(|(_, r)| r.error != "-").count(),
                    "bytes_sent": rs.iter().map(|(_, r)| r.bytes_sent.unwrap_or(0)).sum::<u64>(),
                    "buckets": buckets,
                }))
            })
            .collect(),
    );

    // bytes_by_bucket_and_day: GROUP BY request day, bucket.
    let mut days: BTreeMap<(String, &str), Vec<&Request>> = BTreeMap::new();
    for (bucket, r) in &all {
        let day = r.time.format("%Y-%m-%d").to_string();
        days.entry((day, bucket)).or_default().push(r);
    }
    let count =
        |rs: &[&Request], verb: &str| rs.iter().filter(|r| r.operation.starts_with(verb)).count();
    out.insert(
        "-bytes-by-bucket-and-day",
        days.into_iter()
            .map(|((day, bucket), rs)| {
                row(json!({
                    "request_day": day, "bucket": bucket, "requests": rs.len(),
                    "bytes_sent": rs.iter().map(|r| r.bytes_sent.unwrap_or(0)).sum::<u64>(),
                    "gets": count(&rs, "REST.GET."), "puts": count(&rs, "REST.PUT."),
                }))
            })
            .collect(),
    );
    out
}

/// What each saved query must say about the sample logs; every saved query,
/// and no other.
pub fn check_answers(answers: &Answers, objects: &[LogObject]) -> Result<()> {
    // Every saved query is checked below; one more would run unchecked.
    let unchecked: Vec<&String> = answers
        .keys()
        .filter(|name| !CHECKED_QUERIES.iter().any(|suffix| name.ends_with(suffix)))
        .collect();
    ensure!(
        unchecked.is_empty() && answers.len() == CHECKED_QUERIES.len(),
        "saved queries {:?}: each of {CHECKED_QUERIES:?} exactly once, and no other ({unchecked:?} has no check here)",
        answers.keys().collect::<Vec<_>>()
    );
    let expected = expected_answers(objects);
    for (suffix, keys) in ORDER {
        let (name, got) = answers
            .iter()
            .find(|(name, _)| name.ends_with(suffix))
            .with_context(|| format!("no saved query named *{suffix}"))?;
        same_rows(name, got, &expected[suffix])?;
        in_order(name, got, keys)?;
    }
    Ok(())
}

/// `got` holds exactly the rows of `want`, each as often, every column equal.
fn same_rows(name: &str, got: &[Row], want: &[Row]) -> Result<()> {
    let counted = |rows: &[Row]| {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for r in rows {
            *counts
                .entry(Value::from_iter(r.clone()).to_string())
                .or_default() += 1;
        }
        counts
    };
    let (got_rows, want_rows) = (counted(got), counted(want));
    let surplus = |a: &BTreeMap<String, usize>, b: &BTreeMap<String, usize>| -> Vec<String> {
        a.iter()
            .filter(|(row, n)| b.get(*row).copied().unwrap_or(0) < **n)
            .map(|(row, n)| format!("{n}× {row}"))
            .collect()
    };
    ensure!(
        got_rows == want_rows,
        "{name}: {} rows, the logs make {}; rows the logs do not make: {:?}; rows missing: {:?}",
        got.len(),
        want.len(),
        surplus(&got_rows, &want_rows),
        surplus(&want_rows, &got_rows)
    );
    Ok(())
}

/// How ORDER BY compares two values of a column; `None` for NULLs and mixed types.
fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64().partial_cmp(&y.as_f64()),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// `got` is sorted descending by `keys`, as the query's ORDER BY says.
fn in_order(name: &str, got: &[Row], keys: &[&str]) -> Result<()> {
    for pair in got.windows(2) {
        for key in keys {
            let (a, b) = (&pair[0][*key], &pair[1][*key]);
            match compare(a, b) {
                Some(Ordering::Equal) => continue,
                Some(Ordering::Greater) => break,
                _ => anyhow::bail!("{name}: rows out of ORDER BY {keys:?} DESC: {a} before {b}"),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::two_days;
    use super::*;

    fn answers(objects: &[LogObject]) -> Answers {
        expected_answers(objects)
            .into_iter()
            .map(|(suffix, mut rows)| {
                let (_, keys) = ORDER.iter().find(|(s, _)| *s == suffix).unwrap();
                rows.sort_by(|a, b| {
                    keys.iter()
                        .map(|k| compare(&b[*k], &a[*k]).unwrap_or(Ordering::Equal))
                        .find(|o| o.is_ne())
                        .unwrap_or(Ordering::Equal)
                });
                (format!("t{suffix}"), rows)
            })
            .collect()
    }

    fn sample() -> Vec<LogObject> {
        two_days("logs", "111111111111", "eu-west-1", "acme-data")
    }

    #[test]
    fn the_expected_answers_pass_and_reach_every_delete_branch() {
        let objects = sample();
        check_answers(&answers(&objects), &objects).unwrap();
        let deletes: BTreeSet<String> = expected_answers(&objects)["-deletes"]
            .iter()
            .map(|r| r["operation"].as_str().unwrap().to_string())
            .collect();
        for op in [
            "BATCH.DELETE.OBJECT",
            "S3.CREATE.DELETEMARKER",
            "S3.EXPIRE.OBJECT",
        ] {
            assert!(deletes.contains(op), "{deletes:?}");
        }
    }

    #[test]
    fn a_saved_query_without_a_check_is_refused() {
        let mut answers = Answers::new();
        for suffix in CHECKED_QUERIES {
            answers.insert(format!("t{suffix}"), Vec::new());
        }
        answers.insert("t-new-query".into(), Vec::new());
        let err = check_answers(&answers, &[]).unwrap_err().to_string();
        assert!(err.contains("t-new-query"), "{err}");
    }

    /// Each of these passed the old checks, which compared some columns
    /// through maps.
    #[test]
    fn a_duplicate_row_a_wrong_column_or_a_wrong_order_is_refused() {
        let objects = sample();
        let refused = |edit: &dyn Fn(&mut Answers)| {
            let mut got = answers(&objects);
            edit(&mut got);
            check_answers(&got, &objects).unwrap_err().to_string()
        };
        let rows =
            |a: &mut Answers, suffix: &str| a.get_mut(&format!("t{suffix}")).unwrap().clone();
        let err = refused(&|a| {
            let dup = rows(a, "-top-requesters")[0].clone();
            a.get_mut("t-top-requesters").unwrap().push(dup);
        });
        assert!(err.contains("rows the logs do not make"), "{err}");
        let err = refused(&|a| {
            a.get_mut("t-access-denied").unwrap()[0]
                .insert("last_seen".into(), json!("1999-01-01T00:00:00.000Z"));
        });
        assert!(err.contains("t-access-denied"), "{err}");
        let err = refused(&|a| {
            a.get_mut("t-deletes").unwrap()[0].insert("key".into(), json!("another"));
        });
        assert!(err.contains("t-deletes"), "{err}");
        let err = refused(&|a| a.get_mut("t-errors-by-code").unwrap().reverse());
        assert!(err.contains("out of ORDER BY"), "{err}");
        let err = refused(&|a| {
            a.get_mut("t-deletes")
                .unwrap()
                .retain(|r| r["operation"] != "S3.CREATE.DELETEMARKER");
        });
        assert!(err.contains("rows missing"), "{err}");
    }
}
