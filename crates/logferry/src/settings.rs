//! How every settings family is read. A family is one `clap::Args` struct:
//! each field has its flag, its `LOGFERRY_*` variable and its typed, range
//! checked value parser, declared once. The CLI parses flags and variables
//! with clap itself; the Lambdas, the worker and the tests read variables
//! through [`from_lookup`], which walks the same definition.
//!
//! Families: [`crate::ship::ShipSettings`] (shipping, with
//! [`ClientSettings`]) and [`crate::compact::CompactSettings`]; the CLI's
//! worker and the compaction Lambda's schedule add their own.

use std::fmt;

use clap::{Args, Command, FromArgMatches};

use crate::archive::LayoutError;
use crate::s3::Timeouts;

/// A setting that cannot work, and the fix: one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingError {
    /// The variable (or, for problems between settings, the first one named).
    pub setting: String,
    /// What is wrong and what to set instead; the message starts with `setting`.
    pub message: String,
}

impl SettingError {
    pub fn new(setting: &str, message: impl Into<String>) -> Self {
        SettingError {
            setting: setting.to_string(),
            message: message.into(),
        }
    }
}

impl fmt::Display for SettingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SettingError {}

/// Every problem, one line each.
pub fn join(errors: &[SettingError]) -> String {
    errors
        .iter()
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A layout problem, named by the variable that holds the bad value
/// (`prefix_var` for the prefix, which each family names its own way).
pub(crate) fn layout_error(e: LayoutError, prefix_var: &str) -> SettingError {
    match e {
        LayoutError::Template { .. } => SettingError::new("LOGFERRY_KEY_TEMPLATE", e.to_string()),
        LayoutError::Prefix(_) => SettingError::new(prefix_var, format!("{prefix_var}: {e}")),
    }
}

/// SDK client limits, shared by every family that talks to S3.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args)]
pub struct ClientSettings {
    /// Seconds a connection may take (default 5).
    #[arg(long, env = "LOGFERRY_CONNECT_TIMEOUT_SECONDS", value_parser = whole(1, 300))]
    pub connect_timeout_seconds: Option<u64>,
    /// Seconds to a response after a request was sent (default 120).
    #[arg(long, env = "LOGFERRY_READ_TIMEOUT_SECONDS", value_parser = whole(1, 3600))]
    pub read_timeout_seconds: Option<u64>,
}

impl ClientSettings {
    pub fn timeouts(&self) -> Timeouts {
        let defaults = Timeouts::default();
        Timeouts {
            connect: self
                .connect_timeout_seconds
                .map_or(defaults.connect, std::time::Duration::from_secs),
            read: self
                .read_timeout_seconds
                .map_or(defaults.read, std::time::Duration::from_secs),
        }
    }
}

/// A value parser for a whole number in `min..=max`, whose message names the range.
pub fn whole(
    min: u64,
    max: u64,
) -> impl Fn(&str) -> Result<u64, String> + Clone + Send + Sync + 'static {
    move |value: &str| {
        value
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| format!("must be a whole number from {min} to {max}"))
    }
}

/// The family `S` as a clap command of its own (no binary name).
fn command<S: Args>() -> Command {
    S::augment_args(Command::new("logferry").no_binary_name(true))
}

/// Each variable of family `S` with its flag, in declaration order.
pub fn variables<S: Args>() -> Vec<(String, String)> {
    command::<S>()
        .get_arguments()
        .filter_map(|arg| {
            let var = arg.get_env()?.to_string_lossy().into_owned();
            Some((var, arg.get_long()?.to_string()))
        })
        .collect()
}

/// Read family `S` from variables through `lookup` (the process environment
/// in production). Empty values count as unset. Every bad value is reported,
/// not just the first, each on its line, named by its variable.
pub fn from_lookup<S: Args + FromArgMatches>(
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<S, Vec<SettingError>> {
    match read(lookup) {
        (Some(settings), errors) if errors.is_empty() => Ok(settings),
        (_, errors) => Err(errors),
    }
}

/// Family `S` from the values that parse, and a line for each that does not:
/// for a family that checks its settings together afterwards, so that one
/// start-up reports every problem.
pub fn read<S: Args + FromArgMatches>(
    lookup: impl Fn(&str) -> Option<String>,
) -> (Option<S>, Vec<SettingError>) {
    let command = command::<S>();
    let mut args = Vec::new();
    let mut errors = Vec::new();
    for arg in command.get_arguments() {
        let (Some(var), Some(long)) = (arg.get_env(), arg.get_long()) else {
            continue;
        };
        let var = var.to_string_lossy();
        let Some(value) = lookup(&var).filter(|v| !v.trim().is_empty()) else {
            continue;
        };
        let flag = format!("--{long}={}", value.trim());
        // The value alone, through its own parser: one line per bad value.
        let alone = Command::new("logferry")
            .no_binary_name(true)
            .arg(arg.clone().env(None));
        match alone.try_get_matches_from([&flag]) {
            Ok(_) => args.push(flag),
            Err(e) => errors.push(SettingError::new(
                &var,
                format!("{var} `{}` {}", value.trim(), reason(&e)),
            )),
        }
    }
    // Only this lookup counts: the process's own variables are not read again.
    let parsed = command
        .mut_args(|arg| arg.env(None))
        .try_get_matches_from(args)
        .and_then(|matches| S::from_arg_matches(&matches));
    match parsed {
        Ok(settings) => (Some(settings), errors),
        Err(e) => {
            errors.push(SettingError::new("LOGFERRY_*", reason(&e)));
            (None, errors)
        }
    }
}

/// A whole environment: the process's, or the one a deployed function was given.
pub type Environment = std::collections::BTreeMap<String, String>;

/// The process's environment.
pub fn process_environment() -> Environment {
    std::env::vars().collect()
}

/// Family `S` from a whole environment, strictly: a `LOGFERRY_*` variable
/// that `S` does not know is an error too, so a misspelt one is not
/// ignored. Like [`read`], the values that parse and a line for each problem.
pub fn read_environment<S: Args + FromArgMatches>(
    environment: &Environment,
) -> (Option<S>, Vec<SettingError>) {
    let (settings, mut errors) = read::<S>(|name| environment.get(name).cloned());
    errors.extend(unknown::<S>(environment.keys()));
    (settings, errors)
}

/// [`read_environment`], as one result.
pub fn from_environment<S: Args + FromArgMatches>(
    environment: &Environment,
) -> Result<S, Vec<SettingError>> {
    match read_environment(environment) {
        (Some(settings), errors) if errors.is_empty() => Ok(settings),
        (_, errors) => Err(errors),
    }
}

/// The `LOGFERRY_*` names among `present` that are not variables of `S`.
pub fn unknown<'a, S: Args>(present: impl Iterator<Item = &'a String>) -> Vec<SettingError> {
    let known = variables::<S>();
    present
        .filter(|name| name.starts_with("LOGFERRY_"))
        .filter(|name| !known.iter().any(|(var, _)| var == *name))
        .map(|name| {
            SettingError::new(
                name,
                format!("{name} is not a setting here; remove it or correct its name (README, \"Configuration\")"),
            )
        })
        .collect()
}

/// A bad value clap refused while parsing `command`'s flags and variables,
/// as one line naming both the flag and its variable (clap's own message
/// names only the flag, even when the value came from the variable).
/// `None` for anything else (help, usage mistakes), which clap says best.
pub fn flag_error(command: &Command, e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if !matches!(
        e.kind(),
        ErrorKind::ValueValidation | ErrorKind::InvalidValue
    ) {
        return None;
    }
    let Some(ContextValue::String(shown)) = e.get(ContextKind::InvalidArg) else {
        return None;
    };
    let long = shown.trim_start_matches("--").split([' ', '=']).next()?;
    let value = match e.get(ContextKind::InvalidValue) {
        Some(ContextValue::String(value)) => value.clone(),
        _ => String::new(),
    };
    let var = find_env(command, long);
    let named = match var {
        Some(var) => format!("--{long} ({var})"),
        None => format!("--{long}"),
    };
    Some(format!("{named} `{value}` {}", reason(e)))
}

/// The variable of the flag `--long`, anywhere in `command`'s subcommands.
fn find_env(command: &Command, long: &str) -> Option<String> {
    command
        .get_arguments()
        .find(|arg| arg.get_long() == Some(long))
        .and_then(|arg| arg.get_env())
        .map(|var| var.to_string_lossy().into_owned())
        .or_else(|| {
            command
                .get_subcommands()
                .find_map(|sub| find_env(sub, long))
        })
}

/// clap's reason for refusing a value, without its usage text.
fn reason(e: &clap::Error) -> String {
    match std::error::Error::source(e) {
        Some(source) => source.to_string(),
        None => e
            .to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("error: ")
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_value_is_named_by_its_variable() {
        let errors = from_lookup::<ClientSettings>(|name| match name {
            "LOGFERRY_CONNECT_TIMEOUT_SECONDS" => Some("0".into()),
            "LOGFERRY_READ_TIMEOUT_SECONDS" => Some("soon".into()),
            _ => None,
        })
        .unwrap_err();
        let text = join(&errors);
        assert_eq!(errors.len(), 2, "{text}");
        assert!(
            text.contains(
                "LOGFERRY_CONNECT_TIMEOUT_SECONDS `0` must be a whole number from 1 to 300"
            ),
            "{text}"
        );
        assert!(
            text.contains("LOGFERRY_READ_TIMEOUT_SECONDS `soon` must be"),
            "{text}"
        );
    }

    #[test]
    fn unknown_variables_are_refused_by_name() {
        let present = [
            "LOGFERRY_READ_TIMEOUT_SECONDS",
            "LOGFERRY_CONECT_TIMEOUT",
            "PATH",
        ]
        .map(String::from);
        let errors = unknown::<ClientSettings>(present.iter());
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].setting, "LOGFERRY_CONECT_TIMEOUT");
    }
}
