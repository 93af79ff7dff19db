//! Where a source object lands in the archive: a template over the source's
//! account, region, bucket, key and creation date.
//!
//! The default layout is Athena partition-projection friendly:
//! `{prefix}/{account}/{region}/{bucket}/{yyyy}/{MM}/{dd}/{key}`.
//! The same source object always renders to the same key, so a re-delivered
//! event overwrites its earlier copy instead of adding a second one.

use chrono::{DateTime, Datelike, Timelike, Utc};

use crate::error::ConfigError;

pub const DEFAULT_TEMPLATE: &str = "{prefix}/{account}/{region}/{bucket}/{yyyy}/{MM}/{dd}/{key}";

const PLACEHOLDERS: &[&str] = &[
    "prefix", "account", "region", "bucket", "key", "yyyy", "MM", "dd", "HH",
];

/// S3 limits a key to 1024 bytes of UTF-8.
const MAX_KEY_BYTES: usize = 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Placeholder(&'static str),
}

/// A validated destination-key template bound to one archive prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyTemplate {
    prefix: String,
    parts: Vec<Part>,
}

/// What a key is rendered from.
#[derive(Debug, Clone)]
pub struct KeyInputs<'a> {
    pub account: &'a str,
    pub region: &'a str,
    pub bucket: &'a str,
    pub key: &'a str,
    pub created: DateTime<Utc>,
}

/// The archive key an object is written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DestinationKey(pub String);

impl std::fmt::Display for DestinationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl KeyTemplate {
    /// Parse and check a template. Rejected: unknown or unclosed placeholders,
    /// a template that does not start with `{prefix}/` or lacks `{key}`, and
    /// any `.`/`..` or empty path segment that could move a key out of the prefix.
    pub fn parse(template: &str, prefix: &str) -> Result<Self, ConfigError> {
        let fix = "set LOGFERRY_KEY_TEMPLATE to a layout such as the default \
                   `{prefix}/{account}/{region}/{bucket}/{yyyy}/{MM}/{dd}/{key}`";
        check_prefix(prefix)?;
        let mut parts = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Literal(rest[..open].to_string()));
            }
            let close = rest[open..].find('}').ok_or_else(|| {
                ConfigError(format!(
                    "key template `{template}` has an unclosed `{{`; {fix}"
                ))
            })? + open;
            let name = &rest[open + 1..close];
            let known = PLACEHOLDERS.iter().find(|p| **p == name).ok_or_else(|| {
                ConfigError(format!(
                    "key template `{template}` uses unknown placeholder `{{{name}}}` (known: {}); {fix}",
                    PLACEHOLDERS.join(", ")
                ))
            })?;
            parts.push(Part::Placeholder(known));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_string()));
        }
        if parts
            .iter()
            .any(|p| matches!(p, Part::Literal(l) if l.contains('}')))
        {
            return Err(ConfigError(format!(
                "key template `{template}` has a `}}` without `{{`; {fix}"
            )));
        }
        let starts_with_prefix = matches!(
            parts.as_slice(),
            [Part::Placeholder("prefix"), Part::Literal(l), ..] if l.starts_with('/')
        );
        if !starts_with_prefix {
            return Err(ConfigError(format!(
                "key template `{template}` must start with `{{prefix}}/` so every object stays under the prefix the bucket policy allows; {fix}"
            )));
        }
        if !parts.contains(&Part::Placeholder("key")) {
            return Err(ConfigError(format!(
                "key template `{template}` must contain `{{key}}`, or distinct objects would overwrite each other; {fix}"
            )));
        }
        let shape: String = parts
            .iter()
            .map(|p| match p {
                Part::Literal(l) => l.clone(),
                Part::Placeholder(_) => "x".to_string(),
            })
            .collect();
        if shape
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
        {
            return Err(ConfigError(format!(
                "key template `{template}` has an empty, `.` or `..` path segment that could escape the prefix; {fix}"
            )));
        }
        Ok(KeyTemplate {
            prefix: prefix.to_string(),
            parts,
        })
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Render the destination key. Fails (permanently) when a source value
    /// would put a `.`/`..` segment into the key or make it longer than S3 allows.
    pub fn render(&self, inputs: &KeyInputs<'_>) -> Result<DestinationKey, String> {
        let created = inputs.created;
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(l) => out.push_str(l),
                Part::Placeholder(name) => {
                    let value = match *name {
                        "prefix" => self.prefix.clone(),
                        "account" => inputs.account.to_string(),
                        "region" => inputs.region.to_string(),
                        "bucket" => inputs.bucket.to_string(),
                        "key" => inputs.key.to_string(),
                        "yyyy" => format!("{:04}", created.year()),
                        "MM" => format!("{:02}", created.month()),
                        "dd" => format!("{:02}", created.day()),
                        "HH" => format!("{:02}", created.hour()),
                        other => unreachable!("placeholder {other} was validated at parse"),
                    };
                    if *name != "key"
                        && *name != "prefix"
                        && (value.is_empty() || value.contains('/'))
                    {
                        return Err(format!(
                            "destination key placeholder {{{name}}} would be `{value}`, which is empty or contains `/`"
                        ));
                    }
                    out.push_str(&value);
                }
            }
        }
        if out.split('/').any(|s| s == "." || s == "..") {
            return Err(format!(
                "source key `{}` has a `.` or `..` path segment; it is not shipped because HTTP clients may normalise it out of the archive prefix",
                inputs.key
            ));
        }
        if out.len() > MAX_KEY_BYTES {
            return Err(format!(
                "destination key would be {} bytes, over S3's {MAX_KEY_BYTES}; shorten LOGFERRY_DEST_PREFIX or the key template",
                out.len()
            ));
        }
        Ok(DestinationKey(out))
    }
}

fn check_prefix(prefix: &str) -> Result<(), ConfigError> {
    let bad = prefix.is_empty()
        || prefix.starts_with('/')
        || prefix.ends_with('/')
        || prefix
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
        || prefix.contains(['{', '}', '*', '?']);
    if bad {
        return Err(ConfigError(format!(
            "LOGFERRY_DEST_PREFIX `{prefix}` is invalid; set it to a path such as `logferry/access-logs`, without leading or trailing `/`, `.`/`..` segments or wildcards"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn inputs(key: &str) -> KeyInputs<'_> {
        KeyInputs {
            account: "111122223333",
            region: "eu-west-1",
            bucket: "acme-access-logs",
            key,
            created: Utc.with_ymd_and_hms(2026, 3, 7, 23, 59, 59).unwrap(),
        }
    }

    #[test]
    fn default_layout_is_partitioned_and_deterministic() {
        let t = KeyTemplate::parse(DEFAULT_TEMPLATE, "archive/s3").unwrap();
        let a = t.render(&inputs("logs/a b+c.log")).unwrap();
        assert_eq!(
            a.0,
            "archive/s3/111122223333/eu-west-1/acme-access-logs/2026/03/07/logs/a b+c.log"
        );
        assert_eq!(t.render(&inputs("logs/a b+c.log")).unwrap(), a);
    }

    #[test]
    fn templates_that_could_escape_are_rejected() {
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
        ] {
            let err = KeyTemplate::parse(bad, "p").unwrap_err();
            assert!(err.0.contains("LOGFERRY_KEY_TEMPLATE"), "{bad}: {err}");
        }
    }

    #[test]
    fn bad_prefixes_are_rejected() {
        for bad in ["", "/p", "p/", "a//b", "a/../b", "a/*"] {
            assert!(KeyTemplate::parse(DEFAULT_TEMPLATE, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn source_keys_with_dot_segments_are_refused() {
        let t = KeyTemplate::parse(DEFAULT_TEMPLATE, "p").unwrap();
        assert!(t.render(&inputs("../../escape")).is_err());
        assert!(t.render(&inputs("a/./b")).is_err());
        assert!(t.render(&inputs("a/..b")).is_ok());
    }

    #[test]
    fn custom_hourly_layout() {
        let t = KeyTemplate::parse("{prefix}/{bucket}/{yyyy}{MM}{dd}/{HH}/{key}", "p").unwrap();
        assert_eq!(
            t.render(&inputs("k")).unwrap().0,
            "p/acme-access-logs/20260307/23/k"
        );
    }

    #[test]
    fn overlong_keys_fail() {
        let t = KeyTemplate::parse(DEFAULT_TEMPLATE, "p").unwrap();
        let long = "k".repeat(1000);
        assert!(t.render(&inputs(&long)).unwrap_err().contains("1024"));
    }
}
