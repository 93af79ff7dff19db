//! Realistic S3 server access logs for the deployed world: the records, the
//! partitioned keys S3 would deliver them under (`EventTime`), and what the
//! saved queries must answer about them.

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// One request, as a log record knows it.
#[derive(Debug, Clone)]
pub struct Request {
    pub time: DateTime<Utc>,
    pub requester: &'static str,
    pub ip: &'static str,
    pub operation: &'static str,
    pub key: &'static str,
    pub status: u16,
    pub error: &'static str,
    /// `None` is written as `-`, as S3 does for requests that sent nothing.
    pub bytes_sent: Option<u64>,
}

/// An access log object: its key in the log bucket, the account and audited
/// bucket it is about, and its records.
#[derive(Debug, Clone)]
pub struct LogObject {
    pub key: String,
    pub account: String,
    pub bucket: String,
    pub day: NaiveDate,
    pub requests: Vec<Request>,
}

pub const ALICE: &str = "arn:aws:iam::111111111111:user/alice";
pub const BOB: &str = "arn:aws:iam::111111111111:role/etl";
pub const MALLORY: &str = "arn:aws:iam::999999999999:user/mallory";

/// A sample request: days before today, time of day, who, from where, what,
/// status, error code and bytes sent (`None` is S3's `-`).
#[rustfmt::skip]
type Sample = (i64, (u32, u32, u32), &'static str, &'static str, &'static str, &'static str, u16, &'static str, Option<u64>);

/// The sample requests.
#[rustfmt::skip]
const REQUESTS: &[Sample] = &[
    (1, (8, 0, 1), ALICE, "192.0.2.10", "REST.GET.OBJECT", "reports/q3.csv", 200, "-", Some(4096)),
    (1, (8, 0, 5), ALICE, "192.0.2.10", "REST.PUT.OBJECT", "reports/q4.csv", 200, "-", None),
    (1, (9, 15, 0), MALLORY, "203.0.113.66", "REST.GET.OBJECT", "secrets/keys.txt", 403, "AccessDenied", Some(243)),
    (1, (12, 30, 0), BOB, "198.51.100.7", "REST.DELETE.OBJECT", "tmp/old.csv", 204, "-", None),
    // Late evening: delivered after midnight, still yesterday's log.
    (1, (23, 59, 30), ALICE, "192.0.2.10", "REST.GET.OBJECT", "reports/q3.csv", 200, "-", Some(4096)),
    (0, (0, 0, 2), BOB, "198.51.100.7", "REST.GET.OBJECT", "data/part-0001.parquet", 200, "-", Some(1_048_576)),
    (0, (0, 1, 0), BOB, "198.51.100.7", "REST.POST.MULTI_OBJECT_DELETE", "-", 200, "-", Some(512)),
    // S3 logs each key a multi-object delete removed as a record of its own.
    (0, (0, 1, 0), BOB, "198.51.100.7", "BATCH.DELETE.OBJECT", "tmp/batch-1.csv", 204, "-", None),
    (0, (0, 2, 0), MALLORY, "203.0.113.66", "REST.PUT.OBJECT", "secrets/keys.txt", 403, "AccessDenied", Some(243)),
    (0, (0, 3, 0), MALLORY, "203.0.113.66", "REST.GET.OBJECT", "secrets/keys.txt", 403, "AccessDenied", Some(243)),
    (0, (0, 4, 0), "AmazonS3", "-", "S3.EXPIRE.OBJECT", "tmp/older.csv", 200, "-", None),
    // Lifecycle expiring the current version of a versioned bucket's object.
    (0, (0, 4, 30), "AmazonS3", "-", "S3.CREATE.DELETEMARKER", "tmp/versioned.csv", 200, "-", None),
    (0, (0, 5, 0), ALICE, "192.0.2.10", "REST.GET.OBJECT", "reports/missing.csv", 404, "NoSuchKey", Some(312)),
];

/// One of the sample requests, made at `time`.
fn request(sample: &Sample, time: chrono::NaiveDateTime) -> Request {
    let &(_, _, requester, ip, operation, key, status, error, bytes_sent) = sample;
    Request {
        time: time.and_utc(),
        requester,
        ip,
        operation,
        key,
        status,
        error,
        bytes_sent,
    }
}

/// Two days of requests against `bucket`, one log object per day, under the
/// keys S3 delivers them with `EventTime` partitioning.
pub fn two_days(prefix: &str, account: &str, region: &str, bucket: &str) -> Vec<LogObject> {
    let today = Utc::now().date_naive();
    // S3's unique string; its end tells two accounts' logs of a day apart.
    let tail = &account[account.len().saturating_sub(4)..];
    [(1, "4F1C8A2B9D3E"), (0, "A07B3C5D1E2F")]
        .into_iter()
        .map(|(days_ago, unique)| {
            let unique = format!("{unique}{tail}");
            let day = today - Duration::days(days_ago);
            let requests = REQUESTS
                .iter()
                .filter(|r| r.0 == days_ago)
                .map(|sample| {
                    let (h, m, s) = sample.1;
                    request(sample, day.and_hms_opt(h, m, s).expect("a valid time"))
                })
                .collect();
            LogObject {
                key: format!(
                    "{prefix}/{account}/{region}/{bucket}/{}/{}-00-00-00-{unique}",
                    day.format("%Y/%m/%d"),
                    day.format("%Y-%m-%d")
                ),
                account: account.to_string(),
                bucket: bucket.to_string(),
                day,
                requests,
            }
        })
        .collect()
}

/// A busy day of `count` log objects of about 1-8 KiB each (3 to 23
/// records), as S3 delivers them for a bucket in steady use: the sample
/// requests over and over, spread across the day.
pub fn busy_day(day: NaiveDate, count: usize) -> Vec<LogObject> {
    let samples = REQUESTS.len();
    (0..count)
        .map(|n| {
            let records = 3 + (n * 7919) % 21;
            let requests = (0..records)
                .map(|r| {
                    let second = ((n * 86_400 / count.max(1)) + r) as u32 % 86_400;
                    let time = day.and_hms_opt(second / 3600, second / 60 % 60, second % 60);
                    request(&REQUESTS[(n + r) % samples], time.expect("a valid time"))
                })
                .collect();
            LogObject {
                // S3's own name: delivery time, then a unique string.
                key: format!(
                    "{}-{:02}-{:02}-{:02}-{:016X}",
                    day.format("%Y-%m-%d"),
                    n * 24 / count.max(1),
                    n % 60,
                    (n / 60) % 60,
                    n * 7919
                ),
                account: String::new(),
                bucket: String::new(),
                day,
                requests,
            }
        })
        .collect()
}

impl LogObject {
    /// The object's bytes: one record per line, as S3 writes them.
    pub fn body(&self, bucket: &str, owner: &str) -> String {
        self.requests
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let uri = match r.operation {
                    "REST.POST.MULTI_OBJECT_DELETE" | "BATCH.DELETE.OBJECT" => {
                        format!("\"POST /{bucket}?delete HTTP/1.1\"")
                    }
                    op if op.starts_with("S3.") => "-".to_string(),
                    op => {
                        let verb = op.split('.').nth(1).unwrap_or("GET");
                        format!("\"{verb} /{bucket}/{} HTTP/1.1\"", r.key)
                    }
                };
                let bytes = r.bytes_sent.map_or("-".to_string(), |b| b.to_string());
                format!(
                    "{owner} {bucket} [{}] {} {} {:016X} {} {} {uri} {} {} {bytes} 4096 {} {} \"-\" \"aws-cli/2.17.0\" - \
                     hostid{i}= SigV4 TLS_AES_128_GCM_SHA256 AuthHeader {bucket}.s3.eu-west-1.amazonaws.com TLSv1.3 - - eu-west-1\n",
                    r.time.format("%d/%b/%Y:%H:%M:%S +0000"),
                    r.ip,
                    r.requester,
                    0x3E57_427F_0000_0000u64 + i as u64,
                    r.operation,
                    r.key,
                    r.status,
                    r.error,
                    10 + i,
                    5 + i,
                )
            })
            .collect()
    }
}

/// Every request of every object.
pub fn requests(objects: &[LogObject]) -> impl Iterator<Item = &Request> {
    objects.iter().flat_map(|o| o.requests.iter())
}

mod answers;

pub use answers::{check_answers, expected_answers, Row, CHECKED_QUERIES};
