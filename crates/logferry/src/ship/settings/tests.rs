use super::*;
use crate::s3::MIB;

fn config(vars: &[(&str, &str)]) -> Result<ShipperConfig, Vec<SettingError>> {
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    ShipperConfig::from_lookup(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
}

fn errors(vars: &[(&str, &str)]) -> String {
    crate::settings::join(&config(vars).unwrap_err())
}

#[test]
fn direct_is_the_default_without_a_role() {
    let c = config(&[("LOGFERRY_DEST_BUCKET", "archive-b")]).unwrap();
    assert_eq!(c.auth, AuthMode::Direct);
    assert_eq!(c.key_template.prefix(), "logferry");
    assert_eq!(c.part_size, 8 * MIB);
}

#[test]
fn assume_role_is_inferred_from_role_and_external_id() {
    let c = config(&[
        ("LOGFERRY_DEST_BUCKET", "archive-b"),
        (
            "LOGFERRY_ROLE_ARN",
            "arn:aws:iam::222233334444:role/logferry-writer",
        ),
        ("LOGFERRY_EXTERNAL_ID", "ext-123"),
    ])
    .unwrap();
    assert!(
        matches!(c.auth, AuthMode::AssumeRole { ref session_name, .. } if session_name == "logferry-shipper")
    );
}

#[test]
fn assume_role_mode_without_a_role_says_what_is_missing() {
    let e = errors(&[
        ("LOGFERRY_DEST_BUCKET", "archive-b"),
        ("LOGFERRY_AUTH_MODE", "assume-role"),
    ]);
    assert!(!e.contains("unknown"), "{e}");
    assert!(
        e.contains("LOGFERRY_ROLE_ARN") && e.contains("LOGFERRY_EXTERNAL_ID"),
        "{e}"
    );
}

#[test]
fn timeouts_have_defaults_and_bounds() {
    let c = config(&[("LOGFERRY_DEST_BUCKET", "archive-b")]).unwrap();
    assert_eq!(c.timeouts, Timeouts::default());
    let c = config(&[
        ("LOGFERRY_DEST_BUCKET", "archive-b"),
        ("LOGFERRY_READ_TIMEOUT_SECONDS", "7"),
    ])
    .unwrap();
    assert_eq!(c.timeouts.read, std::time::Duration::from_secs(7));
    let e = errors(&[
        ("LOGFERRY_DEST_BUCKET", "archive-b"),
        ("LOGFERRY_CONNECT_TIMEOUT_SECONDS", "0"),
    ]);
    assert!(
        e.contains("LOGFERRY_CONNECT_TIMEOUT_SECONDS `0` must be"),
        "{e}"
    );
}

#[test]
fn each_problem_gets_its_own_line_naming_the_fix() {
    let e = errors(&[]);
    assert!(e.contains("LOGFERRY_DEST_BUCKET is not set"), "{e}");
    let e = errors(&[
        ("LOGFERRY_DEST_BUCKET", "b-ok"),
        ("LOGFERRY_ROLE_ARN", "arn:aws:iam::222233334444:role/w"),
    ]);
    assert!(e.contains("without LOGFERRY_EXTERNAL_ID"), "{e}");
    let e = errors(&[
        ("LOGFERRY_DEST_BUCKET", "b-ok"),
        ("LOGFERRY_EXTERNAL_ID", "x1"),
    ]);
    assert!(e.contains("without LOGFERRY_ROLE_ARN"), "{e}");
    let e = errors(&[
        ("LOGFERRY_DEST_BUCKET", "s3://Bad"),
        ("LOGFERRY_ROLE_ARN", "arn:aws:iam::2222:user/w"),
        ("LOGFERRY_EXTERNAL_ID", "x1"),
        ("LOGFERRY_KEY_TEMPLATE", "{prefix}/../{key}"),
        ("LOGFERRY_PART_SIZE_MIB", "1"),
    ]);
    assert_eq!(e.lines().count(), 4, "{e}");
    assert!(e.contains("not a valid S3 bucket name"), "{e}");
    assert!(e.contains("not an IAM role ARN"), "{e}");
    assert!(e.contains("could escape the prefix"), "{e}");
    assert!(e.contains("LOGFERRY_PART_SIZE_MIB `1`"), "{e}");
    let e = errors(&[
        ("LOGFERRY_DEST_BUCKET", "b-ok"),
        ("LOGFERRY_AUTH_MODE", "magic"),
    ]);
    assert!(e.contains("`direct` or `assume-role`"), "{e}");
}
