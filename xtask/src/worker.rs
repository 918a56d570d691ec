//! Builds the Worker: cargo (linted by clippy), wasm-bindgen, wasm-opt, the workers-rs entry
//! module and esbuild, into `worker/build/` (or `build-bench/`) — the steps worker-build 0.8.7
//! takes for a workers-rs crate, done here so that a fresh machine does not compile worker-build
//! (2.5 min of its first run) and an unchanged Worker is not bundled again (23 s a build).

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result};
use sayso_harness::paths;

use crate::tools::Tools;
use crate::{run, sha256_hex, step};

/// The entry module (worker-build's shim); `$HANDLERS` is filled in below.
const SHIM: &str = include_str!("worker/shim.js");

/// wasm-opt's flags for the Worker, as worker-build passes them: `-Oz` (the Worker's bytes are its
/// cold start), exactly the features rustc's wasm32 target and wasm-bindgen's catch wrappers use
/// (never a newer encoding workerd may not read), and the name section kept for stack traces.
const WASM_OPT: [&str; 9] = [
    "-Oz",
    "--enable-mutable-globals",
    "--enable-sign-ext",
    "--enable-nontrapping-float-to-int",
    "--enable-bulk-memory",
    "--enable-multivalue",
    "--enable-reference-types",
    "--enable-exception-handling",
    "--debuginfo",
];

/// What rustc and clippy said about the workspace's own crates in a wasm build: its `warning`
/// and `error` lines, empty when the build is clean.
pub struct Lints(pub Vec<String>);

/// Builds the Worker into `worker/build/`.
pub fn build(tools: &Tools) -> Result<Lints> {
    build_into(tools, "building the Worker (release, linted by clippy)", "build", &[], &paths::repo_root().join("target"))
}

/// Builds the Worker with the `bench` feature (a bulk-seeding admin route, never deployed) into
/// `worker/build-bench/`, for `cargo xtask bench` and the tests that need old data. Its own
/// target dir keeps the two builds from recompiling each other.
pub fn build_seeding(tools: &Tools) -> Result<Lints> {
    let root = paths::repo_root();
    let target = root.join("target/bench");
    // The two builds differ only in the Worker crate's own feature, so every dependency compiles
    // the same in both: the first time, start from a copy of the plain build's (`cp -a` keeps the
    // times cargo's freshness checks compare). Measured: 43 s instead of 110 s; what cargo finds
    // stale it compiles again.
    if !target.exists() && root.join("target/wasm32-unknown-unknown/release").exists() {
        step("copying the plain Worker's compiled dependencies for the seeding build (cp -a, once)", || {
            // Into a partial dir renamed when whole: an interrupted copy is started again.
            let partial = root.join("target/bench.partial");
            let _ = std::fs::remove_dir_all(&partial);
            std::fs::create_dir_all(partial.join("wasm32-unknown-unknown"))?;
            run(Command::new("cp").arg("-a").arg(root.join("target/wasm32-unknown-unknown/release")).arg(partial.join("wasm32-unknown-unknown")))?;
            // Build scripts and proc macros, compiled for this machine.
            let host = root.join("target/release");
            if host.exists() {
                run(Command::new("cp").arg("-a").arg(host).arg(&partial))?;
            }
            Ok(std::fs::rename(&partial, &target)?)
        })?;
    }
    build_into(tools, "building the seeding Worker (release, --features bench, linted by clippy)", "build-bench", &["--features", "bench"], &target)
}

fn build_into(tools: &Tools, what: &str, out: &str, features: &[&str], target: &Path) -> Result<Lints> {
    step(what, || {
        let worker = paths::repo_root().join("worker");
        // One build at a time (wrangler may start one while another runs): cargo locks its target
        // dir, but the bundle's staging dir and `out` are ours.
        std::fs::create_dir_all(target)?;
        let lock = std::fs::File::create(target.join("sayso-bundle.lock"))?;
        lock.lock().context("waiting for another Worker build")?;
        let lints = linted(
            Command::new("cargo")
                .args(["build", "--quiet", "--lib", "--release", "--target", "wasm32-unknown-unknown"])
                .args(features)
                .arg("--target-dir")
                .arg(target)
                .current_dir(&worker)
                // Clippy compiles the workspace's own crates (`RUSTC_WORKSPACE_WRAPPER`, which is how
                // `cargo clippy` runs it): the release build is also the lint, instead of a second,
                // check-mode compile of every dependency for wasm32 (3.5 min of a fresh machine's
                // first run). Dependencies still compile with plain rustc. Clippy builds from
                // unoptimised MIR (LLVM optimises as before: the wasm measured +474 B of 2.15 MB).
                // Every lint is capped at a warning here (clippy's deny-by-default ones too), so a
                // newer toolchain's lint never stops a build or a deploy; `cargo xtask test`
                // counts the warnings as a failed gate.
                .env("RUSTC_WORKSPACE_WRAPPER", &tools.clippy_driver)
                .env("CLIPPY_ARGS", "--cap-lints=warn__CLIPPY_HACKERY__")
                // Plain lines, so that `linted` sees each warning whatever the terminal.
                .env("CARGO_TERM_COLOR", "never")
                .env("RUSTFLAGS", crate::build::wasm_rustflags()?)
                // worker-build sets this for wasm-bindgen's macro: futures through js-sys, not
                // wasm-bindgen-futures (an env var, as `--cfg` does not reach host proc macros).
                .env("WASM_BINDGEN_USE_JS_SYS", "1"),
        )?;
        bundle(tools, &target.join("wasm32-unknown-unknown/release/sayso_worker.wasm"), &worker.join(out))?;
        Ok(lints)
    })
}

/// wasm-bindgen, wasm-opt and esbuild from the compiled wasm into `out`, unless `out` already holds
/// the bundle of exactly this wasm (by the stamp of the wasm, the shim and this file).
fn bundle(tools: &Tools, wasm: &Path, out: &Path) -> Result<()> {
    // The npm lock pins wasm-opt and esbuild; Cargo.lock pins wasm-bindgen, whose version is in the wasm.
    let lock = std::fs::read(paths::repo_root().join("worker/package-lock.json")).context("reading worker/package-lock.json")?;
    let stamp =
        sha256_hex(&[std::fs::read(wasm).context("reading the Worker's wasm")?, SHIM.into(), include_bytes!("worker.rs").to_vec(), lock].concat());
    let stamp_file = out.join(".sayso-stamp");
    if std::fs::read_to_string(&stamp_file).is_ok_and(|s| s == stamp) && out.join("index.js").exists() && out.join("index_bg.wasm").exists() {
        return Ok(());
    }
    // Made beside the target dir (ignored by git), then moved into place whole.
    let staging = paths::repo_root().join("target").join(format!("bundle-{}", out.file_name().and_then(|n| n.to_str()).unwrap_or("worker")));
    let _ = std::fs::remove_dir_all(&staging);
    // `--experimental-reset-state-function` and `--force-enable-abort-handler`: after a panic the
    // shim resets the module instead of serving from a broken one (worker-build's defaults).
    run(Command::new(&tools.wasm_bindgen)
        .arg(wasm)
        .arg("--out-dir")
        .arg(&staging)
        .args(["--no-typescript", "--target", "module", "--out-name", "index"])
        .args(["--experimental-reset-state-function", "--force-enable-abort-handler"]))?;
    let optimized = staging.join("index_bg.opt.wasm");
    run(Command::new(&tools.wasm_opt).arg(staging.join("index_bg.wasm")).arg("-o").arg(&optimized).args(WASM_OPT).env("PATH", paths::tool_path()))?;
    std::fs::rename(&optimized, staging.join("index_bg.wasm"))?;
    let glue = std::fs::read_to_string(staging.join("index.js")).context("reading wasm-bindgen's index.js")?;
    check_shim_version()?;
    std::fs::write(staging.join("shim.js"), entry_module(&glue)?)?;
    run(Command::new(&tools.esbuild)
        .args(["--external:./index_bg.wasm", "--external:cloudflare:*", "--format=esm", "--bundle", "./shim.js"])
        .args(["--outfile=index.js", "--allow-overwrite", "--minify", "--log-level=warning"])
        .current_dir(&staging))?;
    // wasm-bindgen imports the module as a source phase import; wrangler bundles a plain one.
    let index = std::fs::read_to_string(staging.join("index.js"))?.replace("import source ", "import ");
    std::fs::write(staging.join("index.js"), index)?;
    std::fs::remove_file(staging.join("shim.js"))?;
    let _ = std::fs::remove_dir_all(staging.join("snippets"));
    std::fs::write(staging.join(".sayso-stamp"), stamp)?;
    let _ = std::fs::remove_dir_all(out);
    std::fs::rename(&staging, out).with_context(|| format!("moving the bundle into {}", out.display()))?;
    Ok(())
}

/// The entry module: the shim with a handler per exported function (`fetch`, `scheduled`, …
/// called with the Worker's env and context) and, per exported class (the Durable Objects), an
/// export wrapped so that a call after a panic meets a fresh module. Fails unless the Worker
/// exports `fetch` and every Durable Object class wrangler.toml binds.
fn entry_module(glue: &str) -> Result<String> {
    // wasm-bindgen's own exports, which the shim calls itself.
    const SYSTEM: [&str; 2] = ["__wbg_reset_state", "__worker_init_state"];
    const WITH_CONTEXT: [&str; 5] = ["fetch", "queue", "scheduled", "email", "connect"];
    let (mut functions, mut classes) = (Vec::new(), Vec::new());
    for line in glue.lines() {
        let function = line.strip_prefix("export function").or_else(|| line.strip_prefix("export async function"));
        if let Some(name) = function.and_then(|rest| rest.split('(').next()) {
            functions.push(name.trim());
        } else if let Some(names) = line.strip_prefix("export {").and_then(|rest| rest.split('}').next()) {
            // `export { __wbg_x as x }`: wasm-bindgen's form when the export's name differs.
            functions.extend(names.split(',').map(|n| n.rsplit(" as ").next().unwrap_or(n).trim()));
        } else if let Some(name) = line.strip_prefix("export class ").and_then(|rest| rest.split('{').next()) {
            classes.push(name.trim());
        }
    }
    let mut handlers = String::new();
    for name in functions.iter().filter(|name| !SYSTEM.contains(name)) {
        if WITH_CONTEXT.contains(name) {
            handlers.push_str(&format!(
                "Entrypoint.prototype.{name} = function {name} (arg) {{\n  return exports.{name}.call(this, arg, this.env, this.ctx);\n}}\n"
            ));
        } else {
            handlers.push_str(&format!("Entrypoint.prototype.{name} = exports.{name};\n"));
        }
    }
    anyhow::ensure!(functions.contains(&"fetch"), "wasm-bindgen's index.js exports no `fetch`: the shim would answer nothing");
    let config = std::fs::read_to_string(paths::repo_root().join("worker/wrangler.toml")).context("reading worker/wrangler.toml")?;
    for bound in config.split("class_name = \"").skip(1).filter_map(|rest| rest.split('"').next()) {
        anyhow::ensure!(classes.contains(&bound), "wrangler.toml binds the Durable Object class {bound}, which the Worker does not export");
    }
    let exports: String = classes.iter().map(|name| format!("export const {name} = new Proxy(exports.{name}, classProxyHooks);\n")).collect();
    Ok(SHIM.replace("$HANDLERS", &handlers) + &exports)
}

/// The shim is worker-build's for this release of `worker`: another needs the shim taken again.
const SHIM_WORKER_VERSION: &str = "0.8.7";

fn check_shim_version() -> Result<()> {
    anyhow::ensure!(
        crate::tools::locked_version("worker")? == SHIM_WORKER_VERSION,
        "Cargo.lock's `worker` is not {SHIM_WORKER_VERSION}: take xtask/src/worker/shim.js again from that release's worker-build"
    );
    Ok(())
}

/// Runs a build, echoing its error output as it comes and keeping the lines that start a warning
/// or an error. Cargo replays a fresh crate's warnings, so an unchanged build reports them again.
fn linted(cmd: &mut Command) -> Result<Lints> {
    use std::io::BufRead;
    let mut child = cmd.stderr(Stdio::piped()).spawn().with_context(|| format!("starting {:?}", cmd.get_program()))?;
    let mut lints = Vec::new();
    if let Some(err) = child.stderr.take() {
        for line in std::io::BufReader::new(err).lines() {
            let line = line?;
            eprintln!("{line}");
            if line.starts_with("warning") || line.starts_with("error") {
                lints.push(line);
            }
        }
    }
    let status = child.wait()?;
    anyhow::ensure!(status.success(), "{:?} failed ({status})", cmd.get_program());
    Ok(Lints(lints))
}
