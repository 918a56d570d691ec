//! Installs the pinned npm packages exactly as a committed `package-lock.json` names them.
//!
//! `npm ci`, never `npm install`: `ci` installs the lock as written, never rewrites it, and skips
//! the optional packages of other platforms (workerd's and esbuild's macOS and Windows builds),
//! so it works whether the registry serves every platform's packages or only Linux's. That needs
//! a *complete* lock, one with every platform's optional entries, as npm itself writes it; the
//! `npm_lock` test checks that the committed lock is one. xtask and that test share this
//! function, so the test installs exactly the way a fresh machine does.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, ensure, Context, Result};

/// The install command's arguments (after `npm`).
pub const CI_ARGS: [&str; 4] = ["ci", "--no-audit", "--no-fund", "--loglevel=error"];

/// `npm ci` in `dir`, which holds a `package.json` and its `package-lock.json`; fails with what
/// to do when the lock cannot be honoured, and if anything rewrote the lock.
pub fn install_locked(dir: &Path) -> Result<()> {
    let lock_path = dir.join("package-lock.json");
    let lock = std::fs::read(&lock_path).with_context(|| format!("reading {}", lock_path.display()))?;
    let output = Command::new("npm")
        .args(CI_ARGS)
        .current_dir(dir)
        .output()
        .context("running npm (the machine needs Node.js with npm 10 or newer on PATH)")?;
    if !output.status.success() {
        bail!(
            "`npm {}` in {} failed ({}). If it says the lock and package.json are out of sync, run \
             `npm install --package-lock-only` there and commit the new package-lock.json.\n{}{}",
            CI_ARGS.join(" "),
            dir.display(),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
    }
    let after = std::fs::read(&lock_path).with_context(|| format!("reading {}", lock_path.display()))?;
    ensure!(after == lock, "npm rewrote {}: restore it with `git checkout -- {}`", lock_path.display(), lock_path.display());
    Ok(())
}
