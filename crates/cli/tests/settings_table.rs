//! The README's "Configuration" table against the settings' one definition:
//! every variable of every family has a row, every row is a variable, and
//! each row's default is the one the definition gives (its clap default, or
//! the `(default …)` of its help).

use clap::{Args, Command};
use logferry::compact::{CompactSettings, Schedule};
use logferry::ShipSettings;
use logferry_cli::worker::WorkerArgs;

/// Each variable of family `S` with its default, as the definition states it.
fn defaults<S: Args>() -> Vec<(String, Option<String>)> {
    let command = S::augment_args(Command::new("family"));
    command
        .get_arguments()
        .filter_map(|arg| {
            let var = arg.get_env()?.to_string_lossy().into_owned();
            let from_clap = arg
                .get_default_values()
                .first()
                .map(|v| v.to_string_lossy().into_owned());
            let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
            let from_help = help.split_once("(default ").map(|(_, rest)| {
                let value = rest.split([')', ',', ':']).next().unwrap_or("");
                value.trim().trim_matches('`').to_string()
            });
            Some((var, from_clap.or(from_help)))
        })
        .collect()
}

/// The table's rows: variable → default column.
fn table() -> Vec<(String, String)> {
    include_str!("../../../README.md")
        .lines()
        .filter_map(|line| line.strip_prefix("| `LOGFERRY_"))
        .filter_map(|rest| {
            let mut cells = rest.split(" | ");
            let var = cells.next()?.trim_end_matches('`');
            Some((format!("LOGFERRY_{var}"), cells.next()?.to_string()))
        })
        .collect()
}

#[test]
fn the_readme_documents_exactly_the_settings_with_their_defaults() {
    let mut defined = defaults::<ShipSettings>();
    defined.extend(defaults::<WorkerArgs>());
    defined.extend(defaults::<CompactSettings>());
    defined.extend(defaults::<Schedule>());
    defined.sort();
    defined.dedup();
    let rows = table();

    let mut documented: Vec<&str> = rows.iter().map(|(var, _)| var.as_str()).collect();
    let mut names: Vec<&str> = defined.iter().map(|(var, _)| var.as_str()).collect();
    documented.sort_unstable();
    names.dedup();
    assert_eq!(
        documented, names,
        "README rows vs the settings' definitions"
    );

    for (var, default) in &defined {
        let Some(default) = default else { continue };
        let (_, column) = rows.iter().find(|(v, _)| v == var).expect("checked above");
        assert!(
            column.contains(&format!("`{default}`")),
            "{var}: the definition's default is `{default}`, the README's table says {column}"
        );
    }
}

#[test]
fn a_default_the_readme_does_not_state_is_found() {
    // The check above reads defaults from help text; make sure it sees them.
    let ship = defaults::<ShipSettings>();
    let concurrency = ship.iter().find(|(v, _)| v == "LOGFERRY_CONCURRENCY");
    assert_eq!(concurrency.and_then(|(_, d)| d.as_deref()), Some("8"));
    let schedule = defaults::<Schedule>();
    assert!(schedule.contains(&("LOGFERRY_COMPACT_SETTLE_HOURS".into(), Some("6".into()))));
}
