//! What reconcile makes of each source object's fate: counts per day, and
//! one finding per problem.

use anyhow::{anyhow, Result};
use chrono::NaiveDate;
use logferry::ShipperConfig;
use serde_json::json;

use super::merge::{Day, Fate, Source};

/// What a reconcile found, in counts.
#[derive(Debug, Default, serde::Serialize)]
pub struct Report {
    pub source: u64,
    pub archived: u64,
    pub missing: u64,
    pub size_differs: u64,
    pub etag_differs: u64,
    pub days: std::collections::BTreeMap<NaiveDate, Day>,
}

impl Report {
    pub fn complete(&self) -> bool {
        self.missing == 0 && self.size_differs == 0 && self.etag_differs == 0
    }
}

/// Counts fates into a [`Report`] and tells `finding` of each problem.
pub struct Judge<'a, F> {
    pub s3: &'a aws_sdk_s3::Client,
    pub config: &'a ShipperConfig,
    pub etags: bool,
    /// A's bucket, for the findings' URIs.
    pub bucket: &'a str,
    pub report: Report,
    pub finding: F,
}

impl<F: FnMut(serde_json::Value, Option<&str>)> Judge<'_, F> {
    /// Count one source object's fate, and report it if it is a problem.
    pub async fn check(&mut self, source: &Source, day: NaiveDate, fate: Fate) -> Result<()> {
        let (uri, archive) = (
            format!("s3://{}/{}", self.bucket, source.key),
            &self.config.dest_bucket,
        );
        let (report, finding) = (&mut self.report, &mut self.finding);
        let counts = match fate {
            Fate::OutOfRange => return Ok(()),
            _ => report.days.get_mut(&day).expect("a day of the range"),
        };
        counts.source += 1;
        report.source += 1;
        let dest = match fate {
            Fate::Missing { dest } => {
                report.missing += 1;
                let text = format!("missing {uri} (expected s3://{archive}/{dest})");
                finding(
                    json!({"missing": uri, "expected": dest, "text": text}),
                    Some(&uri),
                );
                return Ok(());
            }
            Fate::Archived { dest, size } if size != source.size => {
                report.size_differs += 1;
                let text = format!(
                    "size differs {uri}: {} bytes, archived s3://{archive}/{dest}: {size} bytes",
                    source.size
                );
                finding(
                    json!({"size_differs": uri, "archived": dest, "text": text}),
                    None,
                );
                dest
            }
            Fate::Archived { dest, .. } => dest,
            Fate::OutOfRange => unreachable!("returned above"),
        };
        counts.archived += 1;
        report.archived += 1;
        if self.etags {
            self.compare_etag(source, &uri, &dest).await?;
        }
        Ok(())
    }

    /// The source ETag the archived copy recorded, against the source's now.
    async fn compare_etag(&mut self, source: &Source, uri: &str, dest: &str) -> Result<()> {
        let archive = &self.config.dest_bucket;
        let head = self.s3.head_object().bucket(archive).key(dest).send().await.map_err(|e| {
            anyhow!("reading s3://{archive}/{dest} failed ({}); --etags needs s3:GetObject on the archive (the reconciler module's compare_etags)", logferry::error::one_line(&e))
        })?;
        let recorded = head
            .metadata()
            .and_then(|m| m.get("logferry-source-etag"))
            .map(|e| e.trim_matches('"').to_string());
        if let (Some(recorded), Some(etag)) = (recorded, &source.etag) {
            if recorded != *etag {
                self.report.etag_differs += 1;
                let text = format!("etag differs {uri}: {etag} now, {recorded} when archived (the source changed since; see _conflicts/)");
                (self.finding)(
                    json!({"etag_differs": uri, "archived": dest, "text": text}),
                    None,
                );
            }
        }
        Ok(())
    }
}
