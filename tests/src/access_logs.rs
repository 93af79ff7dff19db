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

/// An access log object: its key in the log bucket and its records.
#[derive(Debug, Clone)]
pub struct LogObject {
    pub key: String,
    pub day: NaiveDate,
    pub requests: Vec<Request>,
}

pub const ALICE: &str = "arn:aws:iam::111111111111:user/alice";
pub const BOB: &str = "arn:aws:iam::111111111111:role/etl";
pub const MALLORY: &str = "arn:aws:iam::999999999999:user/mallory";

/// Two days of requests against `bucket`: yesterday's object (with a request
/// at 23:59:30, delivered after midnight) and today's.
pub fn two_days(prefix: &str, account: &str, region: &str, bucket: &str) -> Vec<LogObject> {
    let today = Utc::now().date_naive();
    let yesterday = today - Duration::days(1);
    let at = |day: NaiveDate, h, m, s| day.and_hms_opt(h, m, s).unwrap().and_utc();
    let r = |time, requester, ip, operation, key, status, error, bytes_sent| Request {
        time,
        requester,
        ip,
        operation,
        key,
        status,
        error,
        bytes_sent,
    };
    let object = |day: NaiveDate, unique: &str, requests| LogObject {
        key: format!(
            "{prefix}/{account}/{region}/{bucket}/{}/{}-00-00-00-{unique}",
            day.format("%Y/%m/%d"),
            day.format("%Y-%m-%d")
        ),
        day,
        requests,
    };
    vec![
        object(
            yesterday,
            "4F1C8A2B9D3E5F60",
            vec![
                r(
                    at(yesterday, 8, 0, 1),
                    ALICE,
                    "192.0.2.10",
                    "REST.GET.OBJECT",
                    "reports/q3.csv",
                    200,
                    "-",
                    Some(4096),
                ),
                r(
                    at(yesterday, 8, 0, 5),
                    ALICE,
                    "192.0.2.10",
                    "REST.PUT.OBJECT",
                    "reports/q4.csv",
                    200,
                    "-",
                    None,
                ),
                r(
                    at(yesterday, 9, 15, 0),
                    MALLORY,
                    "203.0.113.66",
                    "REST.GET.OBJECT",
                    "secrets/keys.txt",
                    403,
                    "AccessDenied",
                    Some(243),
                ),
                r(
                    at(yesterday, 12, 30, 0),
                    BOB,
                    "198.51.100.7",
                    "REST.DELETE.OBJECT",
                    "tmp/old.csv",
                    204,
                    "-",
                    None,
                ),
                r(
                    at(yesterday, 23, 59, 30),
                    ALICE,
                    "192.0.2.10",
                    "REST.GET.OBJECT",
                    "reports/q3.csv",
                    200,
                    "-",
                    Some(4096),
                ),
            ],
        ),
        object(
            today,
            "A07B3C5D1E2F4A6B",
            vec![
                r(
                    at(today, 0, 0, 2),
                    BOB,
                    "198.51.100.7",
                    "REST.GET.OBJECT",
                    "data/part-0001.parquet",
                    200,
                    "-",
                    Some(1_048_576),
                ),
                r(
                    at(today, 0, 1, 0),
                    BOB,
                    "198.51.100.7",
                    "REST.POST.MULTI_OBJECT_DELETE",
                    "-",
                    200,
                    "-",
                    Some(512),
                ),
                r(
                    at(today, 0, 2, 0),
                    MALLORY,
                    "203.0.113.66",
                    "REST.PUT.OBJECT",
                    "secrets/keys.txt",
                    403,
                    "AccessDenied",
                    Some(243),
                ),
                r(
                    at(today, 0, 3, 0),
                    MALLORY,
                    "203.0.113.66",
                    "REST.GET.OBJECT",
                    "secrets/keys.txt",
                    403,
                    "AccessDenied",
                    Some(243),
                ),
                r(
                    at(today, 0, 4, 0),
                    "AmazonS3",
                    "-",
                    "S3.EXPIRE.OBJECT",
                    "tmp/older.csv",
                    200,
                    "-",
                    None,
                ),
                r(
                    at(today, 0, 5, 0),
                    ALICE,
                    "192.0.2.10",
                    "REST.GET.OBJECT",
                    "reports/missing.csv",
                    404,
                    "NoSuchKey",
                    Some(312),
                ),
            ],
        ),
    ]
}

impl LogObject {
    /// The object's bytes: one record per line, as S3 writes them.
    pub fn body(&self, bucket: &str, owner: &str) -> String {
        self.requests
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let uri = match r.operation {
                    "REST.POST.MULTI_OBJECT_DELETE" => format!("\"POST /{bucket}?delete HTTP/1.1\""),
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
