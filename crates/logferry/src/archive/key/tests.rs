use super::*;
use chrono::{TimeZone, Utc};

fn origin(key: &str) -> LogOrigin<'_> {
    LogOrigin {
        account: "111122223333",
        region: "eu-west-1",
        bucket: "acme-access-logs",
        name: key,
        time: Utc.with_ymd_and_hms(2026, 3, 7, 23, 59, 59).unwrap(),
    }
}

#[test]
fn default_layout_is_the_shared_file_and_deterministic() {
    assert_eq!(
        DEFAULT_TEMPLATE, "{prefix}/{account}/{region}/{bucket}/{yyyy}/{MM}/{dd}/{key}",
        "infra/layout/archive-key-template.txt must be one line without a newline"
    );
    let t = KeyTemplate::parse(DEFAULT_TEMPLATE, "archive/s3").unwrap();
    let a = t.render(&origin("logs/a b+c.log")).unwrap();
    assert_eq!(
        a.0,
        "archive/s3/111122223333/eu-west-1/acme-access-logs/2026/03/07/logs/a b+c.log"
    );
    assert_eq!(t.render(&origin("logs/a b+c.log")).unwrap(), a);
}

#[test]
fn templates_that_could_escape_or_hide_are_rejected() {
    for bad in [
        "{prefix}/../{key}",
        "{prefix}/./{key}",
        "{prefix}//{key}",
        "{account}/{prefix}/{key}",
        "{prefix}{key}",
        "{prefix}/{bucket}",
        "{prefix}/{nope}/{key}",
        "{prefix}/{key",
        "{prefix}/}{key}",
        "{prefix}/_staging/{key}",
        "{prefix}/{account}/{bucket}/.x{key}",
    ] {
        let err = KeyTemplate::parse(bad, "p").unwrap_err();
        assert!(
            err.to_string().contains("LOGFERRY_KEY_TEMPLATE"),
            "{bad}: {err}"
        );
    }
}

#[test]
fn templates_that_leave_the_account_partition_are_rejected() {
    // Each source account may write only under `<prefix>/<its account>/`
    // (archive-bucket-policy.json.tpl, writer-role-permissions.json.tpl).
    for bad in [
        "{prefix}/{bucket}/{key}",
        "{prefix}/{region}/{account}/{key}",
        "{prefix}/x{account}/{key}",
        "{prefix}/{account}x/{key}",
        "{prefix}/{account}{key}",
        "{prefix}/logs/{account}/{key}",
    ] {
        let err = KeyTemplate::parse(bad, "p").unwrap_err();
        assert!(
            err.to_string().contains("{prefix}/{account}/")
                && err.to_string().contains("LOGFERRY_KEY_TEMPLATE"),
            "{bad}: {err}"
        );
    }
    assert!(KeyTemplate::parse("{prefix}/{account}/{key}", "p").is_ok());
}

#[test]
fn bad_prefixes_are_rejected() {
    for bad in [
        "",
        "/p",
        "p/",
        "a//b",
        "a/../b",
        "a/*",
        "o/_",
        "_logs",
        "a/.hidden",
    ] {
        assert!(KeyTemplate::parse(DEFAULT_TEMPLATE, bad).is_err(), "{bad}");
    }
}

#[test]
fn source_keys_with_dot_segments_are_refused() {
    let t = KeyTemplate::parse(DEFAULT_TEMPLATE, "p").unwrap();
    assert!(t.render(&origin("../../escape")).is_err());
    assert!(t.render(&origin("a/./b")).is_err());
    assert!(t.render(&origin("a/..b")).is_ok());
}

#[test]
fn no_segment_below_the_partition_is_hidden_from_athena() {
    let t = KeyTemplate::parse(DEFAULT_TEMPLATE, "p").unwrap();
    let below = |k: &str| {
        let rendered = t.render(&origin(k)).unwrap().0;
        rendered["p/111122223333/eu-west-1/acme-access-logs/2026/03/07/".len()..].to_string()
    };
    assert_eq!(below("dots/..hidden/..log"), "dots/%2E.hidden/%2E.log");
    assert_eq!(below("_tmp/x.log"), "%5Ftmp/x.log");
    assert_eq!(below(".x"), "%2Ex");
    // Escaping stays one-to-one: a key that looks escaped is escaped again.
    assert_eq!(below("%5Ftmp/x.log"), "%255Ftmp/x.log");
    assert_eq!(below("a_b/c.d/100%"), "a_b/c.d/100%");
    for k in ["dots/..hidden/..log", "_tmp/x.log", "%5Ftmp/x.log", "a/_/b"] {
        assert!(
            !below(k).split('/').any(|s| s.starts_with(['_', '.'])),
            "{k}"
        );
    }
}

#[test]
fn custom_hourly_layout() {
    let t =
        KeyTemplate::parse("{prefix}/{account}/{bucket}/{yyyy}{MM}{dd}/{HH}/{key}", "p").unwrap();
    assert_eq!(
        t.render(&origin("k")).unwrap().0,
        "p/111122223333/acme-access-logs/20260307/23/k"
    );
}

#[test]
fn overlong_keys_fail() {
    let t = KeyTemplate::parse(DEFAULT_TEMPLATE, "p").unwrap();
    let long = "k".repeat(1000);
    assert!(t
        .render(&origin(&long))
        .unwrap_err()
        .to_string()
        .contains("1024"));
}

#[test]
fn the_default_query_prefix_is_the_shared_file_and_a_valid_prefix() {
    let query = crate::compact::DEFAULT_QUERY_PREFIX;
    assert_eq!(
        query, "logferry-query",
        "infra/layout/query-prefix.txt must be one line without a newline"
    );
    let t = KeyTemplate::parse(DEFAULT_TEMPLATE, "archive/s3").unwrap();
    assert_eq!(t.with_prefix(query).unwrap().prefix(), query);
}
