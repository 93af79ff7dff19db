//! `infra/layout/names.json` (Terraform's variable validations) and the
//! writer's naming rules accept exactly the same values: hand-picked edge
//! cases, then random strings over each kind's alphabet and its neighbours.

use logferry::archive::names::{
    is_account_id, is_bucket_name, is_external_id, is_prefix, is_region, is_role_arn,
};
use proptest::prelude::*;
use regex::Regex;

fn rule(kind: &str) -> Regex {
    let names: serde_json::Value =
        serde_json::from_str(include_str!("../../../infra/layout/names.json")).expect("JSON");
    let pattern = names[kind]["regex"]
        .as_str()
        .unwrap_or_else(|| panic!("names.json has no {kind}"));
    Regex::new(pattern).expect("a regex")
}

type Check = fn(&str) -> bool;

const KINDS: [(&str, Check); 6] = [
    ("bucket", is_bucket_name),
    ("account_id", is_account_id),
    ("region", is_region),
    ("role_arn", is_role_arn),
    ("external_id", is_external_id),
    ("prefix", is_prefix),
];

fn agree(kind: &str, check: Check, value: &str) {
    assert_eq!(
        rule(kind).is_match(value),
        check(value),
        "{kind}: names.json and the writer disagree on {value:?}"
    );
}

#[test]
fn edge_cases() {
    let cases = [
        "",
        "a",
        "ab",
        "abc",
        "a.b",
        "-ab",
        "ab-",
        "Abc",
        "a b",
        "a..b",
        "123456789012",
        "12345678901",
        "eu-west-1",
        "us-gov-west-1",
        "eu-west-12",
        "e-west-1",
        "eu-1",
        "arn:aws:iam::222233334444:role/w",
        "arn:aws-cn:iam::222233334444:role/p/w",
        "arn:aws:iam::222233334444:role/",
        "arn:aws:iam::2222:role/w",
        "arn:aws:iam::222233334444:user/w",
        "arn:aws:iam::222233334444:role/a b",
        "logferry",
        "prod/s3-access",
        "/a",
        "a/",
        "a//b",
        "a/_b",
        "a/.b",
        "a/b.c",
        "a*",
        "it's(=)",
        "x1",
        "ext-123",
        "a:b/c@d",
    ];
    for (kind, check) in KINDS {
        for case in cases {
            agree(kind, check, case);
        }
        agree(kind, check, &"a".repeat(64));
        agree(kind, check, &"a".repeat(1224));
        agree(kind, check, &"a".repeat(1225));
    }
}

proptest! {
    #[test]
    fn random_values(
        kind in 0..KINDS.len(),
        body in "[a-zA-Z0-9 .:/_=,+@!'()*-]{0,70}",
        shape in 0..4usize,
    ) {
        let (name, check) = KINDS[kind];
        // Each kind's own shape around a random middle, so the rules are
        // reached beyond their first character.
        let value = match (name, shape) {
            ("role_arn", 0) => format!("arn:aws:iam::222233334444:role/{body}"),
            ("region", 0) => format!("eu-{body}-1"),
            ("account_id", 0) => body.chars().filter(char::is_ascii_digit).collect(),
            (_, 1) => body.to_lowercase(),
            _ => body,
        };
        agree(name, check, &value);
    }
}
