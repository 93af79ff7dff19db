use chrono::{Duration, TimeZone, Utc};
use serde_json::Value;

use super::*;
use crate::ship::{Landing, Method};

const LAYOUT: &str = include_str!("../../../../infra/layout/metrics.json");

#[test]
fn the_metrics_are_the_ones_terraform_alarms_on() {
    let layout: Value = serde_json::from_str(LAYOUT).unwrap();
    assert_eq!(layout["namespace"], NAMESPACE);
    assert_eq!(layout["dimension"], DIMENSION);
    let listed = layout["metrics"].as_object().unwrap();
    let ours: Vec<(&str, &str)> = Metric::ALL.iter().map(|m| (m.name(), m.unit())).collect();
    let theirs: Vec<(&str, &str)> = listed
        .iter()
        .map(|(name, m)| (name.as_str(), m["unit"].as_str().unwrap()))
        .collect();
    let (mut ours, mut theirs) = (ours, theirs);
    ours.sort();
    theirs.sort();
    assert_eq!(
        ours, theirs,
        "crates/logferry/src/metrics.rs and infra/layout/metrics.json"
    );
}

fn shipped(size: u64, lag_seconds: i64) -> Result<Shipped, ShipError> {
    let landed_at = Utc.with_ymd_and_hms(2026, 12, 2, 10, 0, 0).unwrap();
    Ok(Shipped {
        source_bucket: "logs-a".into(),
        source_key: "k".into(),
        source_version_id: None,
        dest_bucket: "archive-b".into(),
        dest_key: "logferry/k".into(),
        size,
        checksum: "CRC32C:AAAAAA==".into(),
        method: Method::Put,
        landing: Landing::New,
        logged_at: landed_at - Duration::seconds(lag_seconds),
        landed_at,
    })
}

#[test]
fn each_fate_is_counted_in_its_class() {
    let mut m = ShipMetrics::default();
    m.record(&shipped(100, 30));
    m.record(&shipped(50, 90));
    let mut changed = shipped(10, 5);
    if let Ok(s) = changed.as_mut() {
        s.landing = Landing::Changed;
    }
    m.record(&changed);
    m.record(&Err(ShipError::SourceGone {
        bucket: "b".into(),
        key: "k".into(),
    }));
    m.record(&Err(ShipError::AccessDenied {
        side: crate::error::Side::Archive,
        operation: "CopyObject",
        bucket: "b".into(),
        key: "k".into(),
        hint: String::new(),
    }));
    m.record(&Err(ShipError::Invalid("bad".into())));
    m.record(&Err(ShipError::Transient {
        side: crate::error::Side::Archive,
        operation: "CopyObject",
        bucket: "b".into(),
        key: "k".into(),
        message: "503".into(),
    }));
    m.skip(2);
    assert_eq!(
        m,
        ShipMetrics {
            shipped: 3,
            skipped: 3,
            retryable: 1,
            permanent: 1,
            access_denied: 1,
            changed: 1,
            bytes: 160,
            lags: vec![30, 90, 5],
            lags_seen: 3,
        }
    );
}

/// Past `MAX_LAGS` lags are sampled: memory stays put, and what is kept is
/// spread over the whole run, not its start.
#[test]
fn a_long_run_keeps_a_bounded_uniform_sample_of_lags() {
    let mut m = ShipMetrics::default();
    let n = 10 * MAX_LAGS as u64;
    for lag in 0..n {
        m.keep_lag(lag);
    }
    assert_eq!(m.lags.len(), MAX_LAGS);
    assert_eq!(m.lags_seen, n);
    let late = m.lags.iter().filter(|l| **l >= n / 2).count();
    assert!(
        late > MAX_LAGS * 4 / 10 && late < MAX_LAGS * 6 / 10,
        "{late} of the kept lags are from the run's second half"
    );
}

#[test]
fn a_run_is_one_document_and_lags_beyond_a_hundred_spill_into_more() {
    let at = Utc.with_ymd_and_hms(2026, 12, 2, 10, 0, 0).unwrap();
    let m = ShipMetrics {
        shipped: 250,
        bytes: 9000,
        lags: (0..250).collect(),
        ..Default::default()
    };
    let documents = m.documents("logferry-a-shipper", "direct", at);
    assert_eq!(documents.len(), 3);
    for d in &documents {
        check(d).unwrap_or_else(|e| panic!("{e}: {d}"));
        assert_eq!(d["Service"], "logferry-a-shipper");
        assert_eq!(d["AuthMode"], "direct");
        assert_eq!(d["_aws"]["Timestamp"], at.timestamp_millis());
    }
    let first = &documents[0];
    assert_eq!(first["ObjectsShipped"], 250);
    assert_eq!(first["BytesShipped"], 9000);
    assert_eq!(first["ObjectsFailedPermanent"], 0);
    let lags: Vec<u64> = documents
        .iter()
        .flat_map(|d| d["LagSeconds"].as_array().unwrap().clone())
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(lags, (0..250).collect::<Vec<_>>());
    // Counts are in the first document only: counted once.
    assert!(documents[1].get("ObjectsShipped").is_none());
    let names: Vec<&str> = first["_aws"]["CloudWatchMetrics"][0]["Metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["Name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 8, "{names:?}");
}

#[test]
fn the_spec_check_refuses_what_cloudwatch_would_not_extract() {
    let at = Utc.with_ymd_and_hms(2026, 12, 2, 10, 0, 0).unwrap();
    let good = CompactMetrics {
        written: 1,
        ..Default::default()
    }
    .document("c", at);
    check(&good).unwrap();
    let broken = |edit: &dyn Fn(&mut Value)| {
        let mut d = good.clone();
        edit(&mut d);
        check(&d).unwrap_err()
    };
    broken(&|d| d["_aws"]["Timestamp"] = "now".into());
    broken(&|d| {
        d.as_object_mut()
            .unwrap()
            .remove("Service")
            .map(drop)
            .unwrap()
    });
    broken(&|d| d["PartitionsWritten"] = "1".into());
    broken(&|d| d["PartitionsWritten"] = serde_json::json!((0..101).collect::<Vec<_>>()));
    broken(&|d| d["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Unit"] = "Parsecs".into());
    broken(&|d| d["_aws"]["CloudWatchMetrics"][0]["Namespace"] = "".into());
}

#[test]
fn memory_keeps_what_stdout_would_print() {
    let e = Emitter::memory();
    e.emit(vec![serde_json::json!({"a": 1})]);
    e.emit(vec![serde_json::json!({"b": 2})]);
    assert_eq!(e.documents().len(), 2);
}
