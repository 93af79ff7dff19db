//! Where a source object lands in the archive: a template over the log's
//! [`LogOrigin`] (the account, region and bucket it is about, its day, its
//! name).
//!
//! The default layout lives in `infra/layout/archive-key-template.txt`, which
//! Terraform's Glue table derives its partition projection from, so the
//! writer and the table cannot drift apart:
//! `{prefix}/{account}/{region}/{bucket}/{yyyy}/{MM}/{dd}/{key}`.
//! For an S3 partitioned access log that is S3's own layout below the prefix.
//! The same source object always renders to the same key, so a re-delivered
//! event overwrites its earlier copy instead of adding a second one.

use std::borrow::Cow;

use chrono::{Datelike, Timelike};

use super::names::is_prefix;
use super::origin::LogOrigin;

/// The default destination key layout, shared with Terraform.
pub const DEFAULT_TEMPLATE: &str =
    include_str!("../../../../infra/layout/archive-key-template.txt");

/// S3 limits a key to 1024 bytes of UTF-8.
const MAX_KEY_BYTES: usize = 1024;

/// The names a template may use, each rendered from one field of [`LogOrigin`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placeholder {
    Prefix,
    Account,
    Region,
    Bucket,
    Key,
    Year,
    Month,
    Day,
    Hour,
}

impl Placeholder {
    const ALL: [Placeholder; 9] = [
        Placeholder::Prefix,
        Placeholder::Account,
        Placeholder::Region,
        Placeholder::Bucket,
        Placeholder::Key,
        Placeholder::Year,
        Placeholder::Month,
        Placeholder::Day,
        Placeholder::Hour,
    ];

    /// Every placeholder's name, for messages.
    fn names() -> String {
        let names: Vec<_> = Placeholder::ALL.iter().map(|p| p.name()).collect();
        names.join(", ")
    }

    fn name(self) -> &'static str {
        match self {
            Placeholder::Prefix => "prefix",
            Placeholder::Account => "account",
            Placeholder::Region => "region",
            Placeholder::Bucket => "bucket",
            Placeholder::Key => "key",
            Placeholder::Year => "yyyy",
            Placeholder::Month => "MM",
            Placeholder::Day => "dd",
            Placeholder::Hour => "HH",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Placeholder(Placeholder),
}

/// A validated destination-key template bound to one archive prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyTemplate {
    prefix: String,
    parts: Vec<Part>,
}

/// The archive key an object is written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DestinationKey(pub String);

impl std::fmt::Display for DestinationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A layout that cannot work. The settings that hold the template and the
/// prefix name their variable in front of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    #[error("key template `{template}` {why}; set LOGFERRY_KEY_TEMPLATE to a layout such as the default `{DEFAULT_TEMPLATE}`")]
    Template { template: String, why: TemplateFlaw },
    #[error("prefix `{0}` is invalid; set it to a path such as `logferry/access-logs`: `/`-separated segments of letters, digits and !_.'()=-, none empty or starting with `.` or `_` (Athena hides those)")]
    Prefix(String),
}

/// What is wrong with a key template, as the end of a sentence about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateFlaw {
    #[error("has an unclosed `{{`")]
    Unclosed,
    #[error("uses unknown placeholder `{{{0}}}` (known: {known})", known = Placeholder::names())]
    UnknownPlaceholder(String),
    #[error("has a `}}` without `{{`")]
    StrayClose,
    #[error("must contain `{{key}}`, or distinct objects would overwrite each other")]
    NoKey,
    #[error("has an empty, `.` or `..` path segment that could escape the prefix")]
    EscapesPrefix,
    #[error("must start with `{{prefix}}/{{account}}/`: the archive lets each source account write only under its own partition")]
    NotFenced,
    #[error("has a path segment starting with `_` or `.`, which Athena treats as hidden")]
    Hidden,
}

/// A key that cannot be made from this layout; permanent for its log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("source key `{0}` has a `.` or `..` path segment; it is not shipped because HTTP clients may normalise it out of the archive prefix")]
    DotSegment(String),
    #[error("destination key would be {0} bytes, over S3's {MAX_KEY_BYTES}; shorten LOGFERRY_DEST_PREFIX or the key template")]
    TooLong(usize),
    #[error("destination key placeholder {{{placeholder}}} would be `{value}`, which is empty, contains `/` or starts with `_` or `.`")]
    Segment {
        placeholder: &'static str,
        value: String,
    },
    #[error("compaction needs a key template that ends with `{{key}}`")]
    NotEndingInKey,
    #[error("compaction works on days; this key template partitions by hour or repeats {{key}}")]
    NotByDay,
}

impl KeyTemplate {
    /// Parse and check a template. Rejected: unknown or unclosed placeholders,
    /// a template that does not start with `{prefix}/{account}/` or lacks `{key}`, any
    /// `.`/`..` or empty path segment that could move a key out of the
    /// prefix, and literal segments Athena would hide (leading `_` or `.`).
    pub fn parse(template: &str, prefix: &str) -> Result<Self, LayoutError> {
        check_prefix(prefix)?;
        let parts = tokenize(template)
            .and_then(|parts| check_shape(&parts).map(|()| parts))
            .map_err(|why| LayoutError::Template {
                template: template.to_string(),
                why,
            })?;
        Ok(KeyTemplate {
            prefix: prefix.to_string(),
            parts,
        })
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Whether this is the default layout (`infra/layout/archive-key-template.txt`).
    pub fn is_default_layout(&self) -> bool {
        KeyTemplate::parse(DEFAULT_TEMPLATE, &self.prefix).is_ok_and(|d| d.parts == self.parts)
    }

    /// The same layout under another prefix (compaction's query prefix).
    pub fn with_prefix(&self, prefix: &str) -> Result<KeyTemplate, LayoutError> {
        check_prefix(prefix)?;
        Ok(KeyTemplate {
            prefix: prefix.to_string(),
            parts: self.parts.clone(),
        })
    }

    /// Render the destination key. Fails (permanently) when the source key
    /// has a `.`/`..` segment or the key would be longer than S3 allows.
    pub fn render(&self, origin: &LogOrigin<'_>) -> Result<DestinationKey, KeyError> {
        if origin.name.split('/').any(|s| s == "." || s == "..") {
            return Err(KeyError::DotSegment(origin.name.to_string()));
        }
        let time = origin.time;
        let mut out = String::new();
        for part in &self.parts {
            let value: Cow<'_, str> = match part {
                Part::Literal(l) => Cow::Borrowed(l),
                Part::Placeholder(p) => match p {
                    Placeholder::Prefix => Cow::Borrowed(&self.prefix),
                    Placeholder::Key => visible_to_athena(origin.name),
                    Placeholder::Account => single_segment(*p, origin.account)?,
                    Placeholder::Region => single_segment(*p, origin.region)?,
                    Placeholder::Bucket => single_segment(*p, origin.bucket)?,
                    Placeholder::Year => Cow::Owned(format!("{:04}", time.year())),
                    Placeholder::Month => Cow::Owned(format!("{:02}", time.month())),
                    Placeholder::Day => Cow::Owned(format!("{:02}", time.day())),
                    Placeholder::Hour => Cow::Owned(format!("{:02}", time.hour())),
                },
            };
            out.push_str(&value);
        }
        if out.len() > MAX_KEY_BYTES {
            return Err(KeyError::TooLong(out.len()));
        }
        Ok(DestinationKey(out))
    }
}

impl KeyTemplate {
    /// The keys of one day of one partition: the template rendered up to
    /// `{key}`, which must come last, with no hour before it.
    pub fn day_prefix(
        &self,
        account: &str,
        region: &str,
        bucket: &str,
        day: chrono::NaiveDate,
    ) -> Result<String, KeyError> {
        let Some((Part::Placeholder(Placeholder::Key), before)) = self.parts.split_last() else {
            return Err(KeyError::NotEndingInKey);
        };
        let mut out = String::new();
        for part in before {
            let value: Cow<'_, str> = match part {
                Part::Literal(l) => Cow::Borrowed(l),
                Part::Placeholder(p) => match p {
                    Placeholder::Prefix => Cow::Borrowed(&self.prefix),
                    Placeholder::Account => single_segment(*p, account)?,
                    Placeholder::Region => single_segment(*p, region)?,
                    Placeholder::Bucket => single_segment(*p, bucket)?,
                    Placeholder::Year => Cow::Owned(format!("{:04}", day.year())),
                    Placeholder::Month => Cow::Owned(format!("{:02}", day.month())),
                    Placeholder::Day => Cow::Owned(format!("{:02}", day.day())),
                    Placeholder::Hour | Placeholder::Key => return Err(KeyError::NotByDay),
                },
            };
            out.push_str(&value);
        }
        Ok(out)
    }
}

fn single_segment(p: Placeholder, value: &str) -> Result<Cow<'_, str>, KeyError> {
    if value.is_empty() || value.contains('/') || value.starts_with(['_', '.']) {
        return Err(KeyError::Segment {
            placeholder: p.name(),
            value: value.to_string(),
        });
    }
    Ok(Cow::Borrowed(value))
}

/// Athena (Hive's input formats) skips every file or folder below a table
/// location whose name starts with `_` or `.`, so a log shipped under such a
/// segment would never be queried. Such a segment's first character is
/// percent-encoded (`_tmp` → `%5Ftmp`, `..x` → `%2E.x`); so that two source
/// keys never meet, a segment that already starts with `%` is escaped too
/// (`%41` → `%2541`). Decoding the first `%XX` of a segment that starts with
/// `%` gives the source key back, which the object's metadata also records.
fn visible_to_athena(key: &str) -> Cow<'_, str> {
    if !key.split('/').any(|s| s.starts_with(['_', '.', '%'])) {
        return Cow::Borrowed(key);
    }
    let segments: Vec<String> = key
        .split('/')
        .map(|s| match s.as_bytes().first() {
            Some(b'_') => format!("%5F{}", &s[1..]),
            Some(b'.') => format!("%2E{}", &s[1..]),
            Some(b'%') => format!("%25{}", &s[1..]),
            _ => s.to_string(),
        })
        .collect();
    Cow::Owned(segments.join("/"))
}

/// Split a template into literals and known placeholders.
fn tokenize(template: &str) -> Result<Vec<Part>, TemplateFlaw> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            parts.push(Part::Literal(rest[..open].to_string()));
        }
        let close = rest[open..].find('}').ok_or(TemplateFlaw::Unclosed)? + open;
        let name = &rest[open + 1..close];
        let known = Placeholder::parse(name)
            .ok_or_else(|| TemplateFlaw::UnknownPlaceholder(name.to_string()))?;
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
        return Err(TemplateFlaw::StrayClose);
    }
    Ok(parts)
}

/// Refuse layouts that could leave the prefix, overwrite distinct objects,
/// or hide objects from Athena.
fn check_shape(parts: &[Part]) -> Result<(), TemplateFlaw> {
    if !parts.contains(&Part::Placeholder(Placeholder::Key)) {
        return Err(TemplateFlaw::NoKey);
    }
    let shape: String = parts
        .iter()
        .map(|p| match p {
            Part::Literal(l) => l.as_str(),
            Part::Placeholder(_) => "x",
        })
        .collect();
    if shape
        .split('/')
        .any(|s| s.is_empty() || s == "." || s == "..")
    {
        return Err(TemplateFlaw::EscapesPrefix);
    }
    // The archive's policies fence each source account into
    // `<prefix>/<its account>/`; a layout that puts anything else there
    // could not be written, or would let one account's logs be mistaken for
    // another's.
    let fenced = matches!(
        parts,
        [Part::Placeholder(Placeholder::Prefix), Part::Literal(slash), Part::Placeholder(Placeholder::Account), Part::Literal(l), ..]
            if slash == "/" && l.starts_with('/')
    );
    if !fenced {
        return Err(TemplateFlaw::NotFenced);
    }
    if shape.split('/').any(|s| s.starts_with(['_', '.'])) {
        return Err(TemplateFlaw::Hidden);
    }
    Ok(())
}

fn check_prefix(prefix: &str) -> Result<(), LayoutError> {
    if is_prefix(prefix) {
        Ok(())
    } else {
        Err(LayoutError::Prefix(prefix.to_string()))
    }
}

#[cfg(test)]
mod tests;
