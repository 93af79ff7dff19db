//! Property tests (fuzzing with shrinking) of everything that reads
//! untrusted input: event parsing, key decoding, key templating. They never
//! panic, and keys always stay inside the prefix and visible to Athena.
//!
//! `make test` runs a short pass (`PROPTEST_CASES`, 256 by default); `make
//! fuzz` a long one. The seed corpus is `src/ship/fixtures/` (real notification
//! shapes, mutated here) and `tests/corpus/keys.txt` (keys that broke or
//! nearly broke shippers); failures proptest finds are kept in
//! `tests/proptest-regressions/` (commit them) and replayed first on every run.

use chrono::{TimeZone, Utc};
use logferry::archive::origin::LogOrigin;
use logferry::ship::event::decode_key;
use logferry::{parse_event, parse_text, KeyTemplate};
use proptest::prelude::*;
use serde_json::Value;

const FIXTURES: &[&str] = &[
    include_str!("../src/ship/fixtures/s3_put.json"),
    include_str!("../src/ship/fixtures/s3_delete.json"),
    include_str!("../src/ship/fixtures/s3_test_event.json"),
    include_str!("../src/ship/fixtures/sns_s3_put.json"),
    include_str!("../src/ship/fixtures/eventbridge_object_created.json"),
];

const KEYS: &str = include_str!("corpus/keys.txt");

/// Any JSON value, a few levels deep, with keys that events use.
fn json() -> impl Strategy<Value = Value> {
    let names = prop_oneof![
        Just("Records".to_string()),
        Just("s3".to_string()),
        Just("bucket".to_string()),
        Just("object".to_string()),
        Just("key".to_string()),
        Just("name".to_string()),
        Just("eventSource".to_string()),
        Just("eventName".to_string()),
        Just("Message".to_string()),
        Just("detail".to_string()),
        Just("detail-type".to_string()),
        Just("source".to_string()),
        "[a-zA-Z]{1,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".*".prop_map(Value::String),
        Just(Value::String("aws:s3".into())),
        Just(Value::String("ObjectCreated:Put".into())),
        Just(Value::String("Object Created".into())),
        Just(Value::String("aws.s3".into())),
    ];
    leaf.prop_recursive(4, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((names.clone(), inner), 0..6)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

/// A fixture with one mutation: cut short, a byte changed, or a value replaced.
fn mutated_fixture() -> impl Strategy<Value = String> {
    (0..FIXTURES.len(), any::<usize>(), any::<u8>(), json()).prop_map(|(which, at, byte, value)| {
        let text = FIXTURES[which];
        match at % 3 {
            0 => text.chars().take(at % (text.len() + 1)).collect(),
            1 => {
                let mut bytes = text.as_bytes().to_vec();
                let i = at % bytes.len();
                bytes[i] = byte;
                String::from_utf8_lossy(&bytes).into_owned()
            }
            _ => {
                let mut parsed: Value = serde_json::from_str(text).expect("a JSON fixture");
                replace_some_value(&mut parsed, at, value);
                parsed.to_string()
            }
        }
    })
}

fn replace_some_value(target: &mut Value, at: usize, with: Value) {
    match target {
        Value::Object(fields) if !fields.is_empty() => {
            let len = fields.len();
            let child = fields.values_mut().nth(at % len).expect("in range");
            if at % 2 == 0 {
                *child = with;
            } else {
                replace_some_value(child, at / 2, with);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let len = items.len();
            replace_some_value(&mut items[at % len], at / 2, with);
        }
        other => *other = with,
    }
}

/// Keys: the corpus, arbitrary text, and path-like strings built from
/// the characters that matter (`/`, `.`, `_`, `%`, `+`, spaces, unicode).
fn key() -> impl Strategy<Value = String> {
    let corpus: Vec<String> = KEYS.lines().map(str::to_string).collect();
    prop_oneof![
        prop::sample::select(corpus),
        ".{1,200}",
        "[a-z0-9/._%+ é-]{1,40}",
        "[a-z]{1,8}/20[0-9]{2}/[0-9]{2}/[0-9]{2}/[a-z._-]{1,20}",
    ]
}

fn assert_key_is_safe(key: &str, prefix: &str) {
    assert!(
        key.starts_with(&format!("{prefix}/")),
        "{key} left {prefix}/"
    );
    for segment in key.split('/') {
        assert!(
            segment != "." && segment != "..",
            "{key} has a . or .. segment"
        );
        assert!(
            !segment.starts_with(['_', '.']),
            "{key} has a segment Athena would hide"
        );
    }
}

proptest! {
    #[test]
    fn any_text_parses_or_is_refused(body in ".*") {
        let _ = parse_text(&body);
    }

    #[test]
    fn any_json_parses_or_is_refused(value in json()) {
        let _ = parse_event(&value);
    }

    #[test]
    fn mutated_notifications_parse_or_are_refused(body in mutated_fixture()) {
        let _ = parse_text(&body);
    }

    #[test]
    fn any_key_decodes_or_is_refused(raw in ".*") {
        let _ = decode_key(&raw);
    }

    #[test]
    fn form_encoded_keys_decode_to_themselves(key in key()) {
        // What S3 puts in a notification: `+` for space, %XX for the rest.
        let encoded: String = key
            .bytes()
            .map(|b| match b {
                b' ' => "+".to_string(),
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect();
        prop_assert_eq!(decode_key(&encoded).unwrap(), key);
    }

    #[test]
    fn every_rendered_key_stays_in_the_prefix_and_visible(key in key(), secs in 0i64..4_102_444_800) {
        let template = KeyTemplate::parse(logferry::archive::key::DEFAULT_TEMPLATE, "logs").unwrap();
        let time = Utc.timestamp_opt(secs, 0).unwrap();
        let origin = LogOrigin::of("111122223333", "eu-west-1", "acme-logs", &key, time);
        if let Ok(rendered) = template.render(&origin) {
            assert_key_is_safe(&rendered.0, "logs");
        }
    }

    #[test]
    fn any_template_is_refused_or_keeps_keys_in_the_account_partition(
        template in template(),
        prefix in "[a-z./_-]{0,12}",
        key in key(),
    ) {
        let Ok(parsed) = KeyTemplate::parse(&template, &prefix) else { return Ok(()) };
        let time = Utc.timestamp_opt(1_763_700_000, 0).unwrap();
        let origin = LogOrigin::of("111122223333", "eu-west-1", "acme-logs", &key, time);
        if let Ok(rendered) = parsed.render(&origin) {
            assert_key_is_safe(&rendered.0, &prefix);
            let partition = format!("{prefix}/{}/", origin.account);
            prop_assert!(rendered.0.starts_with(&partition), "{} left {partition}", rendered.0);
        }
    }
}

/// Templates built from the real placeholders and the literals that
/// matter, as path segments: half start with the fenced
/// `{prefix}/{account}/`, half end with `{key}`, and one token in ten is one
/// that breaks a template (`.`, `..`, `_`, an unknown or unclosed
/// placeholder, an empty segment), so that both the refusals and the
/// accepted templates' assertions are reached.
fn template() -> impl Strategy<Value = String> {
    let good = prop::sample::select(vec![
        "{account}",
        "{region}",
        "{bucket}",
        "{key}",
        "{yyyy}",
        "{MM}",
        "{dd}",
        "{HH}",
        "{prefix}",
        "logs",
        "-",
    ]);
    let bad = prop::sample::select(vec![".", "..", "_", "{nope}", "{", "}", ""]);
    let token = prop_oneof![9 => good, 1 => bad];
    let segment = prop::collection::vec(token, 1..3).prop_map(|tokens| tokens.concat());
    (
        any::<bool>(),
        prop::collection::vec(segment, 0..5),
        any::<bool>(),
    )
        .prop_map(|(fenced, segments, key_last)| {
            let head = if fenced { "{prefix}/{account}/" } else { "" };
            let mut path = segments.join("/");
            if key_last {
                if !path.is_empty() {
                    path.push('/');
                }
                path.push_str("{key}");
            }
            format!("{head}{path}")
        })
}

/// The template property only proves something for templates the parser
/// accepts: a generator that almost never makes one (random text, as it
/// once was) would pass without reaching an assertion. Count them.
#[test]
fn the_template_property_reaches_its_assertions() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let cases = 1_000;
    let accepted = (0..cases)
        .filter(|_| {
            let template = template()
                .new_tree(&mut runner)
                .expect("a template")
                .current();
            KeyTemplate::parse(&template, "logs").is_ok()
        })
        .count();
    assert!(
        accepted * 10 >= cases,
        "only {accepted} of {cases} generated templates are accepted"
    );
}
