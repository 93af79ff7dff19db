//! The package's keyword arguments are the CLI's settings under Python
//! names: each keyword stands for one `LOGFERRY_*` variable, a keyword
//! given wins over the variable (as a flag does in the CLI), and the
//! settings are checked by the same code. A problem is one line that
//! names the keyword.

use logferry::{SettingError, ShipperConfig};

/// Each keyword, and the variable (and CLI flag) it stands for.
pub const KEYWORDS: [(&str, &str); 11] = [
    ("archive_bucket", "LOGFERRY_DEST_BUCKET"),
    ("archive_prefix", "LOGFERRY_DEST_PREFIX"),
    ("auth_mode", "LOGFERRY_AUTH_MODE"),
    ("role_arn", "LOGFERRY_ROLE_ARN"),
    ("external_id", "LOGFERRY_EXTERNAL_ID"),
    ("session_name", "LOGFERRY_SESSION_NAME"),
    ("source_account", "LOGFERRY_SOURCE_ACCOUNT"),
    ("key_template", "LOGFERRY_KEY_TEMPLATE"),
    ("concurrency", "LOGFERRY_CONCURRENCY"),
    ("part_size_mib", "LOGFERRY_PART_SIZE_MIB"),
    ("part_concurrency", "LOGFERRY_PART_CONCURRENCY"),
];

/// The keyword arguments of one call, by keyword.
#[derive(Debug, Default)]
pub struct Keywords(pub Vec<(&'static str, String)>);

impl Keywords {
    pub fn set(&mut self, keyword: &'static str, value: Option<impl ToString>) {
        if let Some(value) = value {
            self.0.push((keyword, value.to_string()));
        }
    }

    fn get(&self, variable: &str) -> Option<String> {
        let (keyword, _) = KEYWORDS.iter().find(|(_, v)| *v == variable)?;
        self.0
            .iter()
            .find(|(k, _)| k == keyword)
            .map(|(_, value)| value.clone())
    }

    /// The settings: keywords first, then the process's `LOGFERRY_*`
    /// variables, with `default_concurrency` when neither sets it.
    pub fn config(&self, default_concurrency: Option<u64>) -> Result<ShipperConfig, String> {
        ShipperConfig::from_lookup(|variable| {
            self.get(variable)
                .or_else(|| std::env::var(variable).ok())
                .or_else(|| {
                    (variable == "LOGFERRY_CONCURRENCY")
                        .then(|| default_concurrency.map(|n| n.to_string()))
                        .flatten()
                })
        })
        .map_err(|errors| in_python_terms(&errors))
    }
}

/// The settings' messages with each variable written as its keyword, joined.
fn in_python_terms(errors: &[SettingError]) -> String {
    let joined = logferry::settings::join(errors);
    KEYWORDS.iter().fold(joined, |text, (keyword, variable)| {
        text.replace(variable, keyword)
    })
}
