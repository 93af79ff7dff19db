//! `cargo lambda deploy` and Terraform deploy the same functions the same
//! way: each function's `[package.metadata.lambda.deploy]` memory and
//! timeout are its module's defaults. Change one, and this fails until the
//! other agrees.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};

fn read(path: &str) -> Result<String> {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path);
    std::fs::read_to_string(&full).with_context(|| format!("reading {}", full.display()))
}

/// `key = <number>` in the `[package.metadata.lambda.deploy]` table of a manifest.
fn deploy_setting(manifest: &str, key: &str) -> Result<u64> {
    let text = read(manifest)?;
    let table = text
        .split("[package.metadata.lambda.deploy]")
        .nth(1)
        .with_context(|| format!("{manifest} has no [package.metadata.lambda.deploy]"))?;
    for line in table.lines().take_while(|l| !l.starts_with('[')) {
        if let Some((k, v)) = line.split_once('=') {
            if k.trim() == key {
                return Ok(v.trim().parse()?);
            }
        }
    }
    bail!("{manifest}'s [package.metadata.lambda.deploy] has no {key}")
}

/// The `default` of `variable "<name>"` in a module's variables files.
fn variable_default(module: &str, name: &str) -> Result<u64> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../infra/modules")
        .join(module);
    for entry in std::fs::read_dir(&dir)? {
        let text = std::fs::read_to_string(entry?.path())?;
        let Some(block) = text.split(&format!("variable \"{name}\" {{")).nth(1) else {
            continue;
        };
        let block = block.split("\n}").next().unwrap_or_default();
        for line in block.lines() {
            if let Some(("default", value)) =
                line.split_once('=').map(|(k, v)| (k.trim(), v.trim()))
            {
                return Ok(value.parse()?);
            }
        }
        bail!("variable {name} of {module} has no numeric default");
    }
    bail!("{module} has no variable {name}")
}

#[test]
fn cargo_lambda_deploys_with_the_modules_defaults() -> Result<()> {
    let pairs = [
        (
            "functions/shipper/Cargo.toml",
            "memory",
            "log_source",
            "memory_size_mb",
        ),
        (
            "functions/shipper/Cargo.toml",
            "timeout",
            "log_source",
            "function_timeout_seconds",
        ),
        (
            "functions/compactor/Cargo.toml",
            "memory",
            "log_compactor",
            "memory_size",
        ),
        (
            "functions/compactor/Cargo.toml",
            "timeout",
            "log_compactor",
            "timeout",
        ),
    ];
    for (manifest, key, module, variable) in pairs {
        let cargo = deploy_setting(manifest, key)?;
        let terraform = variable_default(module, variable)?;
        assert_eq!(
            cargo, terraform,
            "{manifest} deploys with {key} = {cargo}, infra/modules/{module} with {variable} = {terraform}; make them agree"
        );
    }
    Ok(())
}
