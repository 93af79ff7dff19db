//! Whose log an object is, and for which day: the values its archive key is
//! partitioned by.
//!
//! An S3 server access log delivered with date-based ("partitioned") keys
//! names the bucket it is about and the day of its events:
//!
//! `[DestinationPrefix][SourceAccountId]/[SourceRegion]/[SourceBucket]/[YYYY]/[MM]/[DD]/[YYYY]-[MM]-[DD]-[hh]-[mm]-[ss]-[UniqueString]`
//!
//! "For EventTime, the logs delivered are for a specific day only. The year,
//! month, and day correspond to the day on which the event occurred, and the
//! hour, minutes and seconds are set to 00 in the key." (S3 API reference,
//! `PartitionedPrefix`.) Such a log is archived under the audited bucket and
//! its event day, which is what an auditor filters by, and a log of 23:59 is
//! found in its own day's partition however late it was delivered. The key
//! carries everything, so every delivery of the object maps to the same
//! place.
//!
//! Any other object (application logs, access logs with simple keys) is
//! archived under the bucket it was read from, its account and region, and the
//! day of its `Last-Modified`, with its whole key.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use super::names::{is_account_id, is_bucket_name, is_region};

/// What a destination key is rendered from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogOrigin<'a> {
    pub account: &'a str,
    pub region: &'a str,
    pub bucket: &'a str,
    /// The moment the log is about; its date parts partition the key.
    pub time: DateTime<Utc>,
    /// What identifies the log below its partition: the access log's file
    /// name, or the whole source key.
    pub name: &'a str,
}

impl<'a> LogOrigin<'a> {
    /// The origin of the object `key` in `bucket`, read from `account` and
    /// `region`, last modified at `last_modified`.
    pub fn of(
        account: &'a str,
        region: &'a str,
        bucket: &'a str,
        key: &'a str,
        last_modified: DateTime<Utc>,
    ) -> Self {
        partitioned_access_log(key).unwrap_or(LogOrigin {
            account,
            region,
            bucket,
            time: last_modified,
            name: key,
        })
    }
}

/// The origin written in an S3 partitioned access-log key, or `None` when the
/// key does not have that exact shape.
fn partitioned_access_log(key: &str) -> Option<LogOrigin<'_>> {
    let mut segments = key.rsplitn(8, '/');
    let name = segments.next()?;
    let dd = segments.next()?;
    let mm = segments.next()?;
    let yyyy = segments.next()?;
    let bucket = segments.next()?;
    let region = segments.next()?;
    // The destination prefix is free text and may lack a trailing slash, so
    // the account id is the last 12 characters of its segment.
    let account_segment = segments.next()?;
    let account = account_segment.get(account_segment.len().checked_sub(12)?..)?;
    if !is_account_id(account) || !is_region(region) || !is_bucket_name(bucket) {
        return None;
    }
    let day = NaiveDate::parse_from_str(&format!("{yyyy}-{mm}-{dd}"), "%Y-%m-%d").ok()?;
    if !(all_digits(yyyy, 4) && all_digits(mm, 2) && all_digits(dd, 2)) {
        return None;
    }
    // File name: YYYY-MM-DD-hh-mm-ss-UniqueString, on the folder's day.
    let (stamp, unique) = (name.get(..19)?, name.get(20..)?);
    if name.as_bytes().get(19) != Some(&b'-') || unique.is_empty() {
        return None;
    }
    let time = NaiveDateTime::parse_from_str(stamp, "%Y-%m-%d-%H-%M-%S").ok()?;
    if time.date() != day {
        return None;
    }
    Some(LogOrigin {
        account,
        region,
        bucket,
        time: time.and_utc(),
        name,
    })
}

fn all_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

/// `eu-west-1`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-5`.
#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn delivered() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 0, 41, 7).unwrap()
    }

    fn origin(key: &str) -> LogOrigin<'_> {
        LogOrigin::of("111111111111", "us-east-1", "acme-logs", key, delivered())
    }

    #[test]
    fn partitioned_access_logs_are_about_the_audited_bucket_and_event_day() {
        let key = "s3-access/222233334444/eu-west-1/acme-web/2026/11/22/2026-11-22-00-00-00-0A1B2C3D4E5F6071";
        assert_eq!(
            origin(key),
            LogOrigin {
                account: "222233334444",
                region: "eu-west-1",
                bucket: "acme-web",
                time: Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap(),
                name: "2026-11-22-00-00-00-0A1B2C3D4E5F6071",
            }
        );
    }

    #[test]
    fn destination_prefix_without_slash_and_empty_prefix_are_recognised() {
        let glued =
            origin("logs222233334444/us-gov-west-1/a.b-c/2026/01/31/2026-01-31-13-05-09-XYZ");
        assert_eq!(
            (glued.account, glued.region, glued.bucket),
            ("222233334444", "us-gov-west-1", "a.b-c")
        );
        assert_eq!(
            glued.time,
            Utc.with_ymd_and_hms(2026, 1, 31, 13, 5, 9).unwrap()
        );
        let bare = origin("222233334444/eu-west-1/acme/2026/01/31/2026-01-31-00-00-00-XYZ");
        assert_eq!(bare.bucket, "acme");
    }

    #[test]
    fn anything_else_is_about_the_bucket_it_was_read_from() {
        for key in [
            "app/2026/11/22/web-1.log",
            "2026-11-22-10-11-12-ABCDEF0123456789",
            // day of the folder and of the file name disagree
            "p/222233334444/eu-west-1/acme/2026/11/21/2026-11-22-00-00-00-X",
            // no unique part, bad account, bad region, bad bucket, bad date
            "p/222233334444/eu-west-1/acme/2026/11/22/2026-11-22-00-00-00-",
            "p/22223333444/eu-west-1/acme/2026/11/22/2026-11-22-00-00-00-X",
            "p/222233334444/EU-west-1/acme/2026/11/22/2026-11-22-00-00-00-X",
            "p/222233334444/eu-west-1/Acme/2026/11/22/2026-11-22-00-00-00-X",
            "p/222233334444/eu-west-1/acme/2026/02/30/2026-02-30-00-00-00-X",
            "p/222233334444/eu-west-1/acme/2026/1/22/2026-01-22-00-00-00-X",
        ] {
            let o = origin(key);
            assert_eq!(
                (o.account, o.region, o.bucket, o.time, o.name),
                ("111111111111", "us-east-1", "acme-logs", delivered(), key),
                "{key}"
            );
        }
    }
}
