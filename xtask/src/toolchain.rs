//! The widget's pinned nightly toolchain: which one, installed through rustup when missing.
//!
//! Only the widget is built with it: `-Zbuild-std` compiles `core` and `alloc` with the
//! widget's own panic strategy (`immediate-abort`) and without `Debug` formatting or panic
//! locations, which the prebuilt standard library cannot do. The Worker and every host crate
//! stay on the stable toolchain.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result};

use crate::{run, step};

/// The nightly the widget is built with, pinned so that every machine compiles the same bytes
/// (rustc 1.97.0-nightly e50aa6fba, 2026-05-19).
pub const WIDGET_NIGHTLY: &str = "nightly-2026-05-20";

/// The pinned nightly, checked or installed.
pub struct Nightly {
    /// Its `rustc` commit, for `--remap-path-prefix`.
    pub commit: String,
    /// Its sysroot, which holds the standard library's sources that `-Zbuild-std` compiles.
    pub sysroot: PathBuf,
}

impl Nightly {
    /// Where `-Zbuild-std` reads the standard library's sources.
    pub fn library(&self) -> PathBuf {
        self.sysroot.join("lib/rustlib/src/rust/library")
    }
}

/// Makes sure the widget's nightly and its `rust-src` are installed (17–24 s of download on a
/// fresh machine: the minimal profile, no docs, no wasm32 standard library, since `-Zbuild-std`
/// compiles its own); answers its commit and sysroot.
pub fn widget_nightly() -> Result<Nightly> {
    if let Some(nightly) = installed()? {
        return Ok(nightly);
    }
    step(&format!("installing the widget's toolchain {WIDGET_NIGHTLY} (rustup, minimal, with rust-src)"), || {
        run(Command::new("rustup").args(["toolchain", "install", WIDGET_NIGHTLY, "--profile", "minimal", "--component", "rust-src"]))
    })?;
    installed()?.with_context(|| format!("rustup installed {WIDGET_NIGHTLY}, but its rustc or rust-src is missing"))
}

/// The pinned nightly if it is installed with its `rust-src`.
fn installed() -> Result<Option<Nightly>> {
    let rustc = |args: &[&str]| -> Result<Option<String>> {
        let output = Command::new("rustup")
            .args(["run", WIDGET_NIGHTLY, "rustc"])
            .args(args)
            .env("RUSTUP_AUTO_INSTALL", "0")
            .output()
            .context("running rustup")?;
        Ok(output.status.success().then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned()))
    };
    let (Some(version), Some(sysroot)) = (rustc(&["-vV"])?, rustc(&["--print", "sysroot"])?) else { return Ok(None) };
    let commit = version.lines().find_map(|l| l.strip_prefix("commit-hash: ")).unwrap_or_default().to_owned();
    let nightly = Nightly { commit, sysroot: PathBuf::from(sysroot) };
    Ok(nightly.library().join("core").is_dir().then_some(nightly))
}
