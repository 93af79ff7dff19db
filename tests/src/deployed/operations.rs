//! What Terraform deployed for operating a function, read back from the
//! emulator: its alarms (each on the function's own metrics or its queues,
//! each notifying the topic) and its dashboard (every logferry metric it
//! draws exists and is the function's).

use std::collections::BTreeSet;

use anyhow::{ensure, Context, Result};
use aws_sdk_cloudwatch::types::MetricAlarm;
use serde_json::Value;

use crate::account::Account;

const METRICS: &str = include_str!("../../../infra/layout/metrics.json");

/// A metric an alarm watches: namespace, name, dimensions (name, value).
type Watched = (String, String, Vec<(String, String)>);

/// The alarms and dashboard of one function, as deployed.
#[derive(Debug)]
pub struct Operations {
    pub alarms: Vec<MetricAlarm>,
    pub dashboard: Value,
}

/// Read back `alarm_names` and `dashboard_name` (Terraform's outputs) for
/// the function `service`, and check them against `metrics.json`: every
/// alarm exists, notifies `topic_arn`, and watches either the function's
/// own logferry metrics (dimension `Service` = `service`) or AWS's; the
/// dashboard draws only logferry metrics that exist, each for `service`.
pub async fn read(
    admin: &Account,
    alarm_names: &[String],
    dashboard_name: &str,
    service: &str,
    topic_arn: &str,
) -> Result<Operations> {
    let layout: Value = serde_json::from_str(METRICS)?;
    let namespace = layout["namespace"].as_str().context("a namespace")?;
    let dimension = layout["dimension"].as_str().context("a dimension")?;
    let known: BTreeSet<&str> = layout["metrics"]
        .as_object()
        .context("metrics")?
        .keys()
        .map(String::as_str)
        .collect();
    let cloudwatch = aws_sdk_cloudwatch::Client::new(&admin.sdk);
    let alarms = cloudwatch
        .describe_alarms()
        .set_alarm_names(Some(alarm_names.to_vec()))
        .send()
        .await?
        .metric_alarms
        .unwrap_or_default();
    let found: BTreeSet<&str> = alarms.iter().filter_map(|a| a.alarm_name()).collect();
    let wanted: BTreeSet<&str> = alarm_names.iter().map(String::as_str).collect();
    ensure!(
        found == wanted,
        "alarms {wanted:?} deployed, {found:?} found"
    );
    for alarm in &alarms {
        let name = alarm.alarm_name().unwrap_or_default();
        ensure!(
            alarm.alarm_actions().contains(&topic_arn.to_string()),
            "{name} notifies {:?}, not {topic_arn}",
            alarm.alarm_actions()
        );
        // A single metric, or each metric of a metric-math alarm.
        let mut watched: Vec<Watched> = Vec::new();
        if let Some(metric) = alarm.metric_name() {
            let dims = alarm
                .dimensions()
                .iter()
                .map(|d| dim(d.name(), d.value()))
                .collect();
            watched.push((
                alarm.namespace().unwrap_or_default().into(),
                metric.into(),
                dims,
            ));
        }
        for query in alarm.metrics() {
            if let Some(m) = query.metric_stat().and_then(|s| s.metric()) {
                let dims = m
                    .dimensions()
                    .iter()
                    .map(|d| dim(d.name(), d.value()))
                    .collect();
                watched.push((
                    m.namespace().unwrap_or_default().into(),
                    m.metric_name().unwrap_or_default().into(),
                    dims,
                ));
            }
        }
        ensure!(!watched.is_empty(), "{name} watches no metric");
        for (ns, metric, dims) in &watched {
            if ns == namespace {
                ensure!(
                    known.contains(metric.as_str()),
                    "{name} watches {metric}, which logferry does not emit"
                );
                ensure!(
                    *dims == vec![(dimension.to_string(), service.to_string())],
                    "{name} watches {metric} for {dims:?}, not {dimension}={service}"
                );
            } else {
                ensure!(ns.starts_with("AWS/"), "{name} watches {ns}/{metric}");
            }
        }
    }
    let body = cloudwatch
        .get_dashboard()
        .dashboard_name(dashboard_name)
        .send()
        .await?
        .dashboard_body
        .context("a dashboard body")?;
    let dashboard: Value = serde_json::from_str(&body).context("the dashboard body is JSON")?;
    let mut drawn = BTreeSet::new();
    for widget in dashboard["widgets"].as_array().context("widgets")? {
        for row in widget["properties"]["metrics"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let row: Vec<&str> = row
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if row.first() == Some(&namespace) {
                ensure!(
                    known.contains(row[1]),
                    "{dashboard_name} draws {}, which logferry does not emit",
                    row[1]
                );
                ensure!(
                    row[2..4] == [dimension, service],
                    "{dashboard_name} draws {} for {:?}",
                    row[1],
                    &row[2..]
                );
                drawn.insert(row[1].to_string());
            }
        }
    }
    ensure!(
        !drawn.is_empty(),
        "{dashboard_name} draws none of logferry's metrics"
    );
    Ok(Operations { alarms, dashboard })
}

fn dim(name: Option<&str>, value: Option<&str>) -> (String, String) {
    (
        name.unwrap_or_default().into(),
        value.unwrap_or_default().into(),
    )
}
