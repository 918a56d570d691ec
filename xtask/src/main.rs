//! `cargo xtask`: sayso's build orchestration (the cargo-xtask pattern). It needs only cargo and
//! rustc to start; it installs or checks everything else and says what it does.
//!
//! - `cargo xtask dev`   build, run the Worker locally, seed a demo site, serve the examples
//! - `cargo xtask test`  every test, from unit to browser, and the widget's size budget
//! - `cargo xtask bench` sayso's figures side by side, written to BENCHMARKS.md
//! - `cargo xtask fuzz`  property-fuzz the parse-and-validate path with many inputs
//! - `cargo xtask site`  create, list and configure sites on a local or deployed Worker
//! - `cargo xtask build` build the widget and the Worker (what `wrangler deploy` runs)

mod bench;
mod build;
mod dev;
mod fuzz;
mod site;
mod test;
mod toolchain;
mod tools;
mod worker;

use std::process::Command;

use anyhow::{bail, Context, Result};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dev") => dev::run(),
        Some("test") => test::run(),
        Some("bench") => bench::run(),
        Some("site") => site::run(&args[1..]),
        Some("fuzz") => fuzz::run_fuzz(args.get(1).map(String::as_str)),
        // `--seeding`: the seeding Worker too (`bench` feature; for the tests that need old data).
        Some("build") => tools::ensure_build_tools().and_then(|t| {
            build::all(&t)?;
            if args.get(1).is_some_and(|a| a == "--seeding") {
                worker::build_seeding(&t)?;
            }
            Ok(())
        }),
        _ => {
            eprintln!("usage: cargo xtask <dev | test | bench | fuzz | site | build>\n\n  dev    build everything, run the Worker locally with a demo site and serve examples/\n  test   run every test, unit to browser, and check the widget's size budget\n  site   create | list | config sites (cargo xtask site, for details)\n  fuzz   property-fuzz parsing and validation (cargo xtask fuzz [CASES], default 100000)\n  bench  measure weight, host-page cost, the edge under load, reads at scale, rows and dollars, cold start\n  build  build the widget and the Worker (wrangler's build command); --seeding: the seeding Worker too");
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("xtask: error: {e:#}");
        std::process::exit(1);
    }
}

/// Prints what xtask is doing.
pub fn say(what: &str) {
    eprintln!("xtask: {what}");
}

/// Says what it starts, runs it, and says how long it took (or that it failed, and after how long).
pub fn step<T>(what: &str, work: impl FnOnce() -> Result<T>) -> Result<T> {
    say(what);
    let start = std::time::Instant::now();
    let result = work();
    let took = start.elapsed().as_secs_f64();
    match &result {
        Ok(_) => say(&format!("done in {took:.1} s: {what}")),
        Err(_) => say(&format!("failed after {took:.1} s: {what}")),
    }
    result
}

/// Runs a command, failing with its name when it fails.
pub fn run(cmd: &mut Command) -> Result<()> {
    let status = cmd.status().with_context(|| format!("starting {:?}", cmd.get_program()))?;
    if !status.success() {
        bail!("{:?} {:?} failed ({status})", cmd.get_program(), cmd.get_args().collect::<Vec<_>>());
    }
    Ok(())
}

/// SHA-256 as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
