//! Installs or checks every tool the build needs, from package registries only, and says so.
//! Each step is skipped when what it would install is already there at the pinned version.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{anyhow, bail, Context, Result};
use sayso_harness::{browser, npm, paths};

use crate::{run, step};

/// The tools the widget and Worker builds use.
pub struct Tools {
    /// `wasm-bindgen`, the same version as the `wasm-bindgen` crate in Cargo.lock.
    pub wasm_bindgen: PathBuf,
    /// binaryen's `wasm-opt` from npm.
    pub wasm_opt: PathBuf,
    /// esbuild from npm.
    pub esbuild: PathBuf,
    /// The toolchain's `clippy-driver`, which compiles (and lints) the workspace's wasm crates.
    pub clippy_driver: PathBuf,
}

/// Makes sure the Rust and npm tools are present; returns where they are.
pub fn ensure_build_tools() -> Result<Tools> {
    ensure_tools(false)
}

/// The build tools, and with `browser` also Chromium (for the tests). On a fresh machine the
/// `cargo install` keeps both cores busy for minutes while npm and apt mostly wait on the
/// network, so those run beside it in threads instead of after it.
pub fn ensure_tools(browser: bool) -> Result<Tools> {
    let clippy_driver = ensure_rust()?;
    let bindgen_version = locked_version("wasm-bindgen")?;
    let (npm, apt, cargo) = std::thread::scope(|s| {
        let npm = s.spawn(ensure_npm_packages);
        // The widget's nightly downloads while the cargo install compiles.
        let nightly = s.spawn(|| crate::toolchain::widget_nightly().map(drop));
        let apt = browser.then(|| s.spawn(ensure_browser));
        let cargo = ensure_cargo_tool("wasm-bindgen-cli", "wasm-bindgen", &bindgen_version);
        let joined = |h: std::thread::ScopedJoinHandle<'_, Result<()>>| h.join().unwrap_or_else(|_| Err(anyhow!("an install step panicked")));
        (joined(npm).and(joined(nightly)), apt.map(joined).unwrap_or(Ok(())), cargo)
    });
    npm?;
    apt?;
    let wasm_bindgen = cargo?;
    let modules = paths::node_modules();
    Ok(Tools { wasm_bindgen, wasm_opt: modules.join(".bin/wasm-opt"), esbuild: modules.join("@esbuild/linux-x64/bin/esbuild"), clippy_driver })
}

/// The stable toolchain's parts every build and gate needs: the wasm32 target and clippy
/// (whose `clippy-driver` it answers). Quick when both are there.
pub fn ensure_rust() -> Result<PathBuf> {
    ensure_wasm_target()?;
    ensure_clippy()
}

/// The active toolchain's `clippy-driver` (rustup's default profile has it; the minimal one
/// does not, so it is added when missing).
fn ensure_clippy() -> Result<PathBuf> {
    let which = || -> Option<PathBuf> {
        let out = Command::new("rustup").args(["which", "clippy-driver"]).output().ok()?;
        out.status.success().then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
    };
    if let Some(path) = which() {
        return Ok(path);
    }
    step("installing clippy (rustup component add clippy)", || run(Command::new("rustup").args(["component", "add", "clippy"])))?;
    which().context("rustup installed clippy but has no clippy-driver")
}

fn ensure_wasm_target() -> Result<()> {
    let installed = Command::new("rustup").args(["target", "list", "--installed"]).output().context("running rustup")?;
    if String::from_utf8_lossy(&installed.stdout).lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        return Ok(());
    }
    step("installing the wasm32-unknown-unknown target (rustup)", || run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"])))
}

/// The version of `package` pinned in Cargo.lock.
pub fn locked_version(package: &str) -> Result<String> {
    let lock = std::fs::read_to_string(paths::repo_root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let start = lock.find(&needle).with_context(|| format!("{package} is not in Cargo.lock"))? + needle.len();
    let end = lock[start..].find('"').context("unterminated version in Cargo.lock")?;
    Ok(lock[start..start + end].to_owned())
}

/// Cargo's home: `CARGO_HOME`, else `~/.cargo`.
pub fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo"))
}

fn cargo_bin(binary: &str) -> PathBuf {
    cargo_home().join("bin").join(binary)
}

/// `cargo install crate --version V` unless `binary --version` already says V.
fn ensure_cargo_tool(krate: &str, binary: &str, version: &str) -> Result<PathBuf> {
    let path = cargo_bin(binary);
    let current = Command::new(&path).arg("--version").output().ok().map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    if current.as_deref().is_some_and(|v| v.split_whitespace().any(|w| w == version)) {
        return Ok(path);
    }
    // `--debug`: compiling the tool is a first run's biggest single step. Unoptimized it
    // compiles in about 2 min instead of 4 min 21 s, and it only glues: a Worker build with it
    // took 20.2 s instead of 19.2 s. Without `--locked`: wasm-bindgen-cli's own lock file names
    // a yanked crate. `--bin` and no default features: only the `binary` is built, and
    // wasm-bindgen-cli's default feature is the TLS (rustls and ring's C) of its test runner,
    // which downloads a WebDriver; wasm-bindgen itself never opens a connection. No debug
    // info and no incremental state (nobody debugs or rebuilds it): 116 CPU-seconds instead of
    // 149 on 2 cores, the same binary otherwise.
    let mut cmd = Command::new("cargo");
    cmd.args(["install", "--quiet", "--debug", "--no-default-features", "--bin", binary, krate, "--version", version]);
    cmd.env("CARGO_PROFILE_DEV_DEBUG", "0").env("CARGO_INCREMENTAL", "0");
    step(&format!("installing {krate} {version} from crates.io (once per machine; about 2 minutes)"), || run(&mut cmd))?;
    Ok(path)
}

/// Installs worker/package-lock.json's packages (with `npm ci`, see `sayso_harness::npm`) unless
/// node_modules already holds exactly that lock.
fn ensure_npm_packages() -> Result<()> {
    let worker = paths::repo_root().join("worker");
    let lock = std::fs::read(worker.join("package-lock.json")).context("reading worker/package-lock.json")?;
    let stamp = paths::node_modules().join(".sayso-lock");
    let want = crate::sha256_hex(&lock);
    if std::fs::read_to_string(&stamp).is_ok_and(|have| have == want) && paths::node().exists() {
        return Ok(());
    }
    step("installing Node 22, wrangler, binaryen, esbuild and axe-core from npm (npm ci, worker/package-lock.json)", || {
        npm::install_locked(&worker)
    })?;
    std::fs::write(&stamp, want)?;
    Ok(())
}

/// Where Debian's `fonts-noto-color-emoji` puts its font: without it, the thumbs and emoji
/// scales show empty boxes in the test screenshots (visitors' systems have emoji fonts).
const EMOJI_FONT: &str = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf";

/// Makes sure Debian's Chromium and ChromeDriver are installed (for the browser tests).
fn ensure_browser() -> Result<()> {
    if Path::new(browser::CHROMIUM).exists() && Path::new(browser::CHROMEDRIVER).exists() && Path::new(EMOJI_FONT).exists() {
        return Ok(());
    }
    step("installing chromium, chromium-driver and an emoji font (for the widget's screenshots) from Debian (apt-get)", apt_install_browser)
}

fn apt_install_browser() -> Result<()> {
    let root = Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false);
    let apt = |args: &[&str]| -> Result<()> {
        let mut cmd = if root { Command::new("apt-get") } else { Command::new("sudo") };
        if !root {
            cmd.arg("apt-get");
        }
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        // apt's progress would interleave with the cargo installs beside it: show it on failure only.
        let output = cmd.output().context("starting apt-get")?;
        if !output.status.success() {
            bail!(
                "apt-get {args:?} failed ({}):\n{}{}",
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(())
    };
    apt(&["update", "-qq"])?;
    apt(&["install", "-y", "-qq", "chromium", "chromium-driver", "fonts-noto-color-emoji"])?;
    if !Path::new(browser::CHROMEDRIVER).exists() {
        bail!("apt-get finished but {} is missing", browser::CHROMEDRIVER);
    }
    Ok(())
}
