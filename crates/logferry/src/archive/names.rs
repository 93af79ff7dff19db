//! AWS's naming rules for the values the archive's keys and the settings
//! hold. `infra/layout/names.json` states the same rules for Terraform; a
//! test checks that the two agree.

/// S3's bucket naming rules (3-63 lower-case letters, digits, `.` and `-`,
/// a letter or digit at each end).
pub fn is_bucket_name(b: &str) -> bool {
    (3..=63).contains(&b.len())
        && b.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'.')
        && b.starts_with(|c: char| c.is_ascii_alphanumeric())
        && b.ends_with(|c: char| c.is_ascii_alphanumeric())
}

pub fn is_account_id(a: &str) -> bool {
    a.len() == 12 && a.bytes().all(|c| c.is_ascii_digit())
}

/// An AWS region name such as `eu-west-1` or `us-gov-west-1`.
pub fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [country, middle @ .., number] = parts.as_slice() else {
        return false;
    };
    country.len() == 2
        && country.bytes().all(|b| b.is_ascii_lowercase())
        && !middle.is_empty()
        && middle
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && number.len() == 1
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// `arn:aws…:iam::<account>:role/<path and name>`, in IAM's role name characters.
pub fn is_role_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(parts.as_slice(), ["arn", partition, "iam", "", account, resource]
    if partition.strip_prefix("aws").is_some_and(|rest| rest.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
        && is_account_id(account)
        && resource.strip_prefix("role/").is_some_and(|name| {
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_/-".contains(c))
        }))
}

/// A key prefix: `/`-separated segments of letters, digits and `!_.'()=-`,
/// none empty, none starting with `.` or `_` (Athena hides those, and `.`
/// and `..` could be normalised away), no leading or trailing `/`.
pub fn is_prefix(prefix: &str) -> bool {
    prefix.split('/').all(|segment| {
        !segment.is_empty()
            && !segment.starts_with(['.', '_'])
            && segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!_.'()=-".contains(c))
    })
}

pub fn is_external_id(id: &str) -> bool {
    (2..=1224).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@:/-_".contains(c))
}

pub fn is_session_name(name: &str) -> bool {
    (2..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@-_".contains(c))
}
