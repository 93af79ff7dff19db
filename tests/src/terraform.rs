//! `terraform apply` of the roots in `infra/examples/` against an emulator,
//! as a user would run them against AWS.
//!
//! Nothing in `infra/` is changed: the whole `infra/` tree is copied to a
//! temporary directory (so `../../modules` still resolves), the example's own
//! `terraform.tfvars.example` becomes its `terraform.tfvars`, what the test
//! sets on top goes into `zz_harness.auto.tfvars` (loaded after
//! `terraform.tfvars`, so its values win, as a user's own `*.auto.tfvars`
//! would), and one override file, written here, points each provider at the
//! emulator. Terraform merges `*_override.tf` into the root's provider
//! blocks (Terraform language docs, "Override Files").

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{bail, Context, Result};
use serde_json::Value;
use tokio::process::Command;

mod plan;
pub use plan::{Change, Drift};

/// Services the examples create resources in; every one must go to the emulator.
const SERVICES: &[&str] = &[
    "appautoscaling",
    "athena",
    "cloudwatch",
    "ecs",
    "events",
    "glue",
    "iam",
    "kms",
    "lambda",
    "logs",
    "s3",
    "scheduler",
    "sns",
    "sqs",
    "sts",
];

/// The harness's variable values, over the example's `terraform.tfvars`.
const HARNESS_VARS: &str = "zz_harness.auto.tfvars";

/// Where the local provider mirror lives on machines without the registry.
const PLUGIN_MIRROR: &str = "/opt/tf-plugins";

/// Profiles named in the examples' `terraform.tfvars.example`, and the
/// credentials the emulator issued for each.
#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl Profile {
    /// A profile named `name` with `account`'s credentials.
    pub async fn of(name: &str, account: &crate::account::Account) -> Result<Profile> {
        let keys = account.keys().await?;
        Ok(Profile {
            name: name.into(),
            access_key_id: keys.access_key_id().into(),
            secret_access_key: keys.secret_access_key().into(),
        })
    }
}

/// One example root, staged in a temporary copy of `infra/`.
#[derive(Debug)]
pub struct Root {
    pub name: String,
    pub dir: PathBuf,
    _stage: TempDir,
    binary: PathBuf,
    env: Vec<(String, String)>,
}

/// A directory removed on drop.
#[derive(Debug)]
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The repository's `infra/` directory.
pub fn infra_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra")
}

impl Root {
    /// Stage `infra/examples/<name>` for `endpoint`: tfvars from the example,
    /// `extra_vars` (HCL lines) over them, and the emulator override.
    pub fn stage(
        name: &str,
        endpoint: &str,
        profiles: &[Profile],
        extra_vars: &str,
    ) -> Result<Root> {
        let binary = which_terraform()?;
        let stage = std::env::temp_dir().join(crate::account::unique("logferry-tf"));
        copy_tree(&infra_dir(), &stage.join("infra"))?;
        let stage = TempDir(stage);
        let dir = stage.0.join("infra/examples").join(name);
        let example = std::fs::read_to_string(dir.join("terraform.tfvars.example"))
            .with_context(|| format!("infra/examples/{name} has no terraform.tfvars.example"))?;
        std::fs::write(dir.join("terraform.tfvars"), example)?;
        std::fs::write(
            dir.join(HARNESS_VARS),
            format!("# set by the test harness over terraform.tfvars\n{extra_vars}\n"),
        )?;
        std::fs::write(
            dir.join("zz_emulator_override.tf"),
            emulator_override(&provider_aliases(&dir)?, endpoint),
        )?;
        let credentials = stage.0.join("credentials");
        std::fs::write(&credentials, credentials_file(profiles))?;
        let config = stage.0.join("aws-config");
        std::fs::write(&config, "")?;
        let cache = crate::emulator::cache_dir().join("tf-plugin-cache");
        std::fs::create_dir_all(&cache)?;
        let env = vec![
            (
                "AWS_SHARED_CREDENTIALS_FILE".into(),
                credentials.display().to_string(),
            ),
            ("AWS_CONFIG_FILE".into(), config.display().to_string()),
            ("TF_PLUGIN_CACHE_DIR".into(), cache.display().to_string()),
            ("TF_IN_AUTOMATION".into(), "1".into()),
            ("CHECKPOINT_DISABLE".into(), "1".into()),
        ];
        Ok(Root {
            name: name.to_string(),
            dir,
            _stage: stage,
            binary,
            env,
        })
    }

    /// Run `terraform <args>` in the root; the output, or an error naming the
    /// command and the end of what Terraform said.
    pub async fn terraform(&self, args: &[&str]) -> Result<std::process::Output> {
        let mut command = Command::new(&self.binary);
        command
            .args(args)
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .kill_on_drop(true);
        for var in [
            "AWS_PROFILE",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_ENDPOINT_URL",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
        ] {
            command.env_remove(var);
        }
        // A CLI configuration file that is named but missing only adds a warning.
        if std::env::var_os("TF_CLI_CONFIG_FILE").is_some_and(|f| !Path::new(&f).exists()) {
            command.env_remove("TF_CLI_CONFIG_FILE");
        }
        for (k, v) in &self.env {
            command.env(k, v);
        }
        Ok(command.output().await?)
    }

    async fn run(&self, args: &[&str]) -> Result<String> {
        let out = self.terraform(args).await?;
        if !out.status.success() {
            bail!(
                "`terraform {}` in infra/examples/{} failed:\n{}",
                args.join(" "),
                self.name,
                tail(&out, 40)
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// `terraform init` from the local mirror when there is one, else the
    /// registry. One at a time: concurrent inits collide in the shared
    /// plugin cache.
    pub async fn init(&self) -> Result<()> {
        static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
        let _turn = ONE_AT_A_TIME.lock().await;
        let mirror = format!("-plugin-dir={PLUGIN_MIRROR}");
        let mut args = vec!["init", "-input=false", "-no-color"];
        if Path::new(PLUGIN_MIRROR).is_dir() {
            args.push(&mirror);
        }
        self.run(&args).await.map(drop)
    }

    pub async fn apply(&self) -> Result<()> {
        self.apply_only(&[]).await
    }

    /// `terraform apply` of the `targets` (module or resource addresses)
    /// and what they depend on; all of the root when there are none.
    pub async fn apply_only(&self, targets: &[&str]) -> Result<()> {
        let targets: Vec<String> = targets.iter().map(|t| format!("-target={t}")).collect();
        let mut args = vec!["apply", "-auto-approve", "-input=false", "-no-color"];
        args.extend(targets.iter().map(String::as_str));
        self.run(&args).await.map(drop)
    }

    /// A one-line string variable as the harness or the root's
    /// `terraform.tfvars` sets it (the harness's value wins, as in Terraform).
    pub fn variable(&self, name: &str) -> Result<String> {
        let harness = std::fs::read_to_string(self.dir.join(HARNESS_VARS))?;
        let tfvars = std::fs::read_to_string(self.dir.join("terraform.tfvars"))?;
        harness
            .lines()
            .chain(tfvars.lines())
            .filter_map(|line| line.split_once('='))
            .find(|(k, _)| k.trim() == name)
            .map(|(_, v)| {
                v.split('#')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .trim_matches('"')
                    .to_string()
            })
            .with_context(|| {
                format!(
                    "infra/examples/{}: terraform.tfvars sets no {name}",
                    self.name
                )
            })
    }

    /// `terraform output -json`, as name → value.
    pub async fn outputs(&self) -> Result<BTreeMap<String, Value>> {
        let raw: BTreeMap<String, Value> =
            serde_json::from_str(&self.run(&["output", "-json", "-no-color"]).await?)?;
        Ok(raw
            .into_iter()
            .map(|(k, v)| (k, v["value"].clone()))
            .collect())
    }
}

fn tail(out: &std::process::Output, lines: usize) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn which_terraform() -> Result<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("terraform"))
        .find(|candidate| candidate.is_file())
        .context("terraform not found on PATH: install Terraform >= 1.7 (https://developer.hashicorp.com/terraform/install)")
}

/// The `alias = "..."` of every provider block in the root; `""` for a
/// root whose one provider has no alias.
fn provider_aliases(dir: &Path) -> Result<Vec<String>> {
    let mut aliases = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "tf") {
            for line in std::fs::read_to_string(&path)?.lines() {
                let line = line.trim();
                if let Some(value) = line.strip_prefix("alias") {
                    let value = value.trim_start().trim_start_matches('=').trim();
                    aliases.push(value.trim_matches('"').to_string());
                }
            }
        }
    }
    aliases.sort();
    aliases.dedup();
    if aliases.is_empty() {
        aliases.push(String::new());
    }
    Ok(aliases)
}

fn emulator_override(aliases: &[String], endpoint: &str) -> String {
    let endpoints: String = SERVICES
        .iter()
        .map(|s| format!("    {s:<10} = \"{endpoint}\"\n"))
        .collect();
    aliases
        .iter()
        .map(|alias| {
            let alias = match alias.as_str() {
                "" => String::new(),
                named => format!("  alias                       = \"{named}\"\n"),
            };
            format!(
                "provider \"aws\" {{\n{alias}  \
                 s3_use_path_style           = true\n  skip_credentials_validation = true\n  \
                 skip_metadata_api_check     = true\n\n  endpoints {{\n{endpoints}  }}\n}}\n\n"
            )
        })
        .collect()
}

fn credentials_file(profiles: &[Profile]) -> String {
    profiles
        .iter()
        .map(|p| {
            format!(
                "[{}]\naws_access_key_id = {}\naws_secret_access_key = {}\n\n",
                p.name, p.access_key_id, p.secret_access_key
            )
        })
        .collect()
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == ".terraform" || name.to_string_lossy().ends_with(".tfstate") {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
