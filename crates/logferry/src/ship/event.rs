//! Events in, object references out.
//!
//! Every way an S3 "object created" can reach us — a direct S3 invocation, S3
//! → SQS, S3 → SNS → SQS, EventBridge (direct or through SQS) — is parsed at
//! this edge into [`ObjectRef`]s. What is not shipped is said explicitly as a
//! [`Skip`], never silently dropped.

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use aws_lambda_events::event::s3::{S3Event, S3EventRecord};
use aws_lambda_events::event::sns::SnsMessage;
use chrono::{DateTime, Utc};
use percent_encoding::percent_decode;
use serde_json::Value;

/// One source object to ship, as named by the event that announced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    pub bucket: String,
    /// The real key, already URL-decoded.
    pub key: String,
    pub size: Option<u64>,
    pub etag: Option<String>,
    pub version_id: Option<String>,
    pub region: Option<String>,
    /// Account A's id when the event carries it (EventBridge does, S3 records do not).
    pub account: Option<String>,
    pub event_time: Option<DateTime<Utc>>,
}

impl ObjectRef {
    /// A reference built from a plain `s3://bucket/key`, as the CLI gets them.
    pub fn new(bucket: impl Into<String>, key: impl Into<String>) -> Self {
        ObjectRef {
            bucket: bucket.into(),
            key: key.into(),
            size: None,
            etag: None,
            version_id: None,
            region: None,
            account: None,
            event_time: None,
        }
    }
}

/// Why an event (or one record in it) is acknowledged without shipping anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// The `s3:TestEvent` S3 sends when a notification configuration is saved.
    TestEvent,
    /// An S3 event that is not `ObjectCreated:*` (removals, restores, ...).
    NotObjectCreated(String),
}

/// What one event (or SQS message body) turned into.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub objects: Vec<ObjectRef>,
    pub skipped: Vec<Skip>,
}

/// An event that cannot be understood: permanent, the message goes to the DLQ.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EventError {
    #[error("message body is not JSON ({0}); expected an S3, SNS or EventBridge notification")]
    NotJson(String),
    #[error("unrecognised event shape: {0}; expected S3 `Records`, an SNS `Notification` or an EventBridge `aws.s3` event")]
    UnknownShape(String),
    #[error("malformed {kind} event: {detail}")]
    Malformed { kind: &'static str, detail: String },
}

/// Parse any supported event or SQS message body.
pub fn parse_event(value: &Value) -> Result<Parsed, EventError> {
    if is_test_event(value) {
        return Ok(Parsed {
            objects: vec![],
            skipped: vec![Skip::TestEvent],
        });
    }
    if value.get("Records").is_some() {
        return parse_s3_event(value);
    }
    if value.get("Type").and_then(Value::as_str) == Some("Notification")
        && value.get("TopicArn").is_some()
    {
        let message: SnsMessage =
            serde_json::from_value(value.clone()).map_err(|e| EventError::Malformed {
                kind: "SNS",
                detail: e.to_string(),
            })?;
        return parse_text(&message.message);
    }
    if value.get("detail-type").is_some() && value.get("source").is_some() {
        return parse_eventbridge(value);
    }
    Err(EventError::UnknownShape(describe_shape(value)))
}

/// Parse a message body that is JSON text (SQS bodies, SNS `Message`).
pub fn parse_text(body: &str) -> Result<Parsed, EventError> {
    let value: Value =
        serde_json::from_str(body).map_err(|e| EventError::NotJson(e.to_string()))?;
    parse_event(&value)
}

fn is_test_event(value: &Value) -> bool {
    value.get("Event").and_then(Value::as_str) == Some("s3:TestEvent")
}

fn describe_shape(value: &Value) -> String {
    match value.as_object() {
        Some(map) => {
            let keys: Vec<&str> = map.keys().map(String::as_str).take(6).collect();
            format!("top-level keys [{}]", keys.join(", "))
        }
        None => format!("a JSON {}", json_type(value)),
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn parse_s3_event(value: &Value) -> Result<Parsed, EventError> {
    // `aws_lambda_events` requires the identity and request blocks that S3
    // always sends; emulators and hand-made replays often leave them out, and
    // nothing here reads them, so their absence is not a reason to drop logs.
    let mut value = value.clone();
    if let Some(records) = value.get_mut("Records").and_then(Value::as_array_mut) {
        for record in records.iter_mut().filter_map(Value::as_object_mut) {
            for block in ["userIdentity", "requestParameters", "responseElements"] {
                record
                    .entry(block)
                    .or_insert_with(|| Value::Object(Default::default()));
            }
        }
    }
    let event: S3Event = serde_json::from_value(value).map_err(|e| EventError::Malformed {
        kind: "S3",
        detail: e.to_string(),
    })?;
    let mut parsed = Parsed::default();
    for record in &event.records {
        let name = record.event_name.clone().unwrap_or_default();
        if !is_object_created(&name) {
            parsed.skipped.push(Skip::NotObjectCreated(name));
            continue;
        }
        parsed.objects.push(object_from_s3_record(record)?);
    }
    Ok(parsed)
}

/// S3 names the event `ObjectCreated:Put` (or with the `s3:` prefix in configs).
fn is_object_created(name: &str) -> bool {
    name.trim_start_matches("s3:").starts_with("ObjectCreated:")
}

fn object_from_s3_record(record: &S3EventRecord) -> Result<ObjectRef, EventError> {
    let malformed = |detail: &str| EventError::Malformed {
        kind: "S3",
        detail: detail.to_string(),
    };
    let bucket = record
        .s3
        .bucket
        .name
        .clone()
        .filter(|b| !b.is_empty())
        .ok_or_else(|| malformed("record has no s3.bucket.name"))?;
    let raw_key = record
        .s3
        .object
        .key
        .as_deref()
        .filter(|k| !k.is_empty())
        .ok_or_else(|| malformed("record has no s3.object.key"))?;
    Ok(ObjectRef {
        bucket,
        key: decode_key(raw_key).map_err(|e| malformed(&e))?,
        size: record.s3.object.size.and_then(|s| u64::try_from(s).ok()),
        etag: record.s3.object.e_tag.clone().filter(|e| !e.is_empty()),
        version_id: record
            .s3
            .object
            .version_id
            .clone()
            .filter(|v| !v.is_empty()),
        region: record.aws_region.clone().filter(|r| !r.is_empty()),
        account: None,
        event_time: Some(record.event_time),
    })
}

fn parse_eventbridge(value: &Value) -> Result<Parsed, EventError> {
    let event: EventBridgeEvent<Value> =
        serde_json::from_value(value.clone()).map_err(|e| EventError::Malformed {
            kind: "EventBridge",
            detail: e.to_string(),
        })?;
    if event.source != "aws.s3" {
        return Err(EventError::UnknownShape(format!(
            "EventBridge event from source `{}`",
            event.source
        )));
    }
    if event.detail_type != "Object Created" {
        return Ok(Parsed {
            objects: vec![],
            skipped: vec![Skip::NotObjectCreated(event.detail_type)],
        });
    }
    let malformed = |detail: &str| EventError::Malformed {
        kind: "EventBridge",
        detail: detail.to_string(),
    };
    let detail = &event.detail;
    let bucket = detail
        .pointer("/bucket/name")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed("detail has no bucket.name"))?;
    let object = detail
        .get("object")
        .ok_or_else(|| malformed("detail has no object"))?;
    let raw_key = object
        .get("key")
        .and_then(Value::as_str)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| malformed("detail has no object.key"))?;
    let text = |name: &str| {
        object
            .get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    Ok(Parsed {
        objects: vec![ObjectRef {
            bucket: bucket.to_string(),
            // Unlike S3's own notifications, EventBridge carries the key as
            // it is: captured "Object Created" events show `:` unencoded
            // (a notification would say `%3A`), and so does the emulator.
            key: raw_key.to_string(),
            size: object.get("size").and_then(Value::as_u64),
            etag: text("etag"),
            version_id: text("version-id"),
            region: event.region.clone(),
            account: event.account.clone(),
            event_time: event.time,
        }],
        skipped: vec![],
    })
}

/// S3 notifications URL-encode keys form-style: `+` is a space, `%XX` a byte
/// of the UTF-8 encoding. A literal `+` arrives as `%2B`.
pub fn decode_key(raw: &str) -> Result<String, String> {
    let spaced = raw.replace('+', " ");
    percent_decode(spaced.as_bytes())
        .decode_utf8()
        .map(|k| k.into_owned())
        .map_err(|_| format!("object key `{raw}` does not decode to UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(fixture: &str) -> Parsed {
        parse_text(fixture).expect("fixture parses")
    }

    #[test]
    fn direct_s3_event_gives_decoded_object() {
        let parsed = parse(include_str!("fixtures/s3_put.json"));
        assert_eq!(parsed.skipped, vec![]);
        let object = &parsed.objects[0];
        assert_eq!(object.bucket, "acme-access-logs");
        assert_eq!(object.key, "logs/2026-11-21-10-15-02-ABC DEF+1 100%.log");
        assert_eq!(object.size, Some(1024));
        assert_eq!(
            object.etag.as_deref(),
            Some("0123456789abcdef0123456789abcdef")
        );
        assert_eq!(
            object.version_id.as_deref(),
            Some("3HL4kqtJlcpXroDTDmjVBH40Nrjfkd")
        );
        assert_eq!(object.region.as_deref(), Some("eu-west-1"));
    }

    #[test]
    fn sqs_body_wrapping_sns_wrapping_s3_is_unwrapped() {
        let parsed = parse(include_str!("fixtures/sns_s3_put.json"));
        assert_eq!(parsed.objects.len(), 1);
        assert_eq!(parsed.objects[0].key, "app/ünïcode key.log");
    }

    #[test]
    fn eventbridge_object_created_carries_account() {
        let parsed = parse(include_str!("fixtures/eventbridge_object_created.json"));
        let object = &parsed.objects[0];
        assert_eq!(object.bucket, "acme-app-logs");
        assert_eq!(object.key, "app/2026/11/21/a+b 10:47:07.log");
        assert_eq!(object.account.as_deref(), Some("111122223333"));
        assert_eq!(object.size, Some(5));
    }

    #[test]
    fn test_event_is_acknowledged_and_skipped() {
        let parsed = parse(include_str!("fixtures/s3_test_event.json"));
        assert_eq!(parsed.objects, vec![]);
        assert_eq!(parsed.skipped, vec![Skip::TestEvent]);
    }

    #[test]
    fn removals_are_skipped_by_name() {
        let parsed = parse(include_str!("fixtures/s3_delete.json"));
        assert_eq!(parsed.objects, vec![]);
        assert_eq!(
            parsed.skipped,
            vec![Skip::NotObjectCreated("ObjectRemoved:Delete".into())]
        );
    }

    #[test]
    fn garbage_is_a_clear_error_not_a_panic() {
        assert!(matches!(
            parse_text("not json"),
            Err(EventError::NotJson(_))
        ));
        let err = parse_text(r#"{"hello": 1}"#).unwrap_err();
        assert!(err.to_string().contains("top-level keys [hello]"), "{err}");
        let err = parse_text(r#"{"Records": [{"eventName": "ObjectCreated:Put", "eventTime": "2026-11-21T00:00:00Z", "s3": {"bucket": {}, "object": {"key": "k"}}}]}"#).unwrap_err();
        assert!(
            matches!(err, EventError::Malformed { kind: "S3", .. }),
            "{err}"
        );
    }

    #[test]
    fn keys_decode_plus_percent_and_utf8() {
        assert_eq!(decode_key("a+b%2Bc%25d").unwrap(), "a b+c%d");
        assert_eq!(decode_key("caf%C3%A9").unwrap(), "café");
        assert!(decode_key("bad%FF").is_err());
    }
}
