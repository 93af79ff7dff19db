//! The logferry wheel `make test` built (`scripts/python-package.sh`),
//! installed into a directory of the test's own with the venv's pip, so a
//! test runs the wheel, not the source tree.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{bail, ensure, Context, Result};

/// The wheel, installed; the directory is removed when dropped.
pub struct Wheel {
    /// The venv's Python (3.9 where pyenv has it: Glue's).
    pub python: PathBuf,
    /// What goes on `PYTHONPATH`.
    pub site: PathBuf,
    dir: PathBuf,
}

impl Wheel {
    pub fn install() -> Result<Wheel> {
        let (Some(wheel), Some(bin)) = (
            std::env::var_os("LOGFERRY_WHEEL"),
            std::env::var_os("LOGFERRY_PYTHON_BIN"),
        ) else {
            bail!("LOGFERRY_WHEEL and LOGFERRY_PYTHON_BIN are not set: run `make test`, which builds the wheel with scripts/python-package.sh (its last two lines are their values)");
        };
        let python = PathBuf::from(bin).join("python");
        let dir = std::env::temp_dir().join(crate::world::unique("python-package"));
        let site = dir.join("site");
        let installed = Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "--no-deps"])
            .args(["--disable-pip-version-check", "--target"])
            .arg(&site)
            .arg(&wheel)
            .output()
            .context("running the venv's pip")?;
        let wheel = Wheel { python, site, dir };
        ensure!(
            installed.status.success(),
            "pip could not install the wheel: {}",
            String::from_utf8_lossy(&installed.stderr)
        );
        Ok(wheel)
    }

    /// A scratch path beside the installed package, removed with it.
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

impl Drop for Wheel {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
