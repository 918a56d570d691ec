//! `cargo xtask test`: every test, unit to browser, the widget's size budget and the house's gates
//! (rustfmt, clippy); ends with one `N passed, M failed` line and a non-zero exit on any failure.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};
use sayso_harness::paths;

use crate::build::{self, WidgetFiles};
use crate::{say, step, tools};

/// The most the widget may weigh, loader + glue + wasm, gzipped (bytes): 20 KB, plus 200 B
/// for authorship (each submission's random key, made and sent by the widget). Issue 18 brings
/// it down to 15 KB.
pub const WIDGET_BUDGET_GZIP: usize = 20_200;

/// Runs everything.
pub fn run() -> Result<()> {
    let tools = tools::ensure_tools(true)?;
    let widget = build::all(&tools)?;
    build::worker_bench(&tools)?;
    let size_ok = size_report(&widget)?;
    let gates = gates()?;
    say("running the tests: the Worker's plain rules (unit, on the host)");
    let (worker_passed, worker_failed) = cargo_test(&["test", "--no-fail-fast", "-p", "sayso-worker", "--lib"])?;
    say("running the tests: core (unit, property), tidy, end-to-end (wrangler dev + Chromium)");
    let (passed, failed) = cargo_test(&["test", "--no-fail-fast", "-p", "sayso-core", "-p", "sayso-tests"])?;
    let (passed, failed) = (passed + worker_passed, failed + worker_failed);
    let checks = gates.iter().copied().chain([size_ok]);
    let failed = failed + checks.clone().filter(|ok| !ok).count();
    let passed = passed + checks.filter(|ok| *ok).count();
    println!("xtask: {passed} passed, {failed} failed");
    if failed > 0 {
        bail!("{failed} failed");
    }
    Ok(())
}

/// The house's gates, each counted as one test: `cargo fmt --check` (with the committed
/// rustfmt.toml), and clippy with `-D warnings` on the host crates and on the two wasm crates for
/// their own target (the Worker with its `bench` feature too, so that code is linted as well).
fn gates() -> Result<Vec<bool>> {
    const DENY: [&str; 3] = ["--", "-D", "warnings"];
    const WASM: [&str; 2] = ["--target", "wasm32-unknown-unknown"];
    let host = [&["clippy", "--quiet", "--workspace", "--exclude", "sayso-widget", "--exclude", "sayso-worker", "--all-targets"][..], &DENY].concat();
    // The two wasm crates are linted apart: checked together, cargo unifies their dependencies'
    // features, and the Worker's `std` wasm-bindgen would break the `no_std` widget.
    let widget = [&["clippy", "--quiet", "-p", "sayso-widget"][..], &WASM, &DENY].concat();
    let worker = [&["clippy", "--quiet", "-p", "sayso-worker", "--features", "bench"][..], &WASM, &DENY].concat();
    let gates: [(&str, Vec<&str>); 4] = [
        ("formatting (cargo fmt --check)", vec!["fmt", "--all", "--check"]),
        ("clippy -D warnings, host crates", host),
        ("clippy -D warnings, widget (wasm32)", widget),
        ("clippy -D warnings, Worker (wasm32, with its bench feature)", worker),
    ];
    let mut results = Vec::new();
    for (what, args) in gates {
        let ok = step(&format!("gate: {what}"), || Ok(Command::new("cargo").args(&args).current_dir(paths::repo_root()).status()?.success()))?;
        if !ok {
            eprintln!("xtask: gate failed: {what} (run `cargo {}` to see why)", args.join(" "));
        }
        results.push(ok);
    }
    Ok(results)
}

/// Prints each shipped file's bytes, raw and gzipped; false if over budget.
fn size_report(widget: &WidgetFiles) -> Result<bool> {
    let mut lines = vec![format!("{:<28} {:>9} {:>9}", "widget file", "raw B", "gzip B")];
    let (mut raw, mut gz) = (0, 0);
    for (name, bytes) in &widget.files {
        let g = build::gzip_len(bytes)?;
        lines.push(format!("{name:<28} {:>9} {:>9}", bytes.len(), g));
        raw += bytes.len();
        gz += g;
    }
    lines.push(format!("{:<28} {raw:>9} {gz:>9}   budget {WIDGET_BUDGET_GZIP} gzip", "total"));
    let worker_wasm = paths::repo_root().join("worker/build/index_bg.wasm");
    if let Ok(bytes) = std::fs::read(&worker_wasm) {
        lines.push(format!("{:<28} {:>9} {:>9}", "worker wasm (not shipped to visitors)", bytes.len(), build::gzip_len(&bytes)?));
    }
    let report = lines.join("\n");
    println!("{report}");
    std::fs::create_dir_all(paths::artifacts())?;
    std::fs::write(paths::artifacts().join("size-report.txt"), &report)?;
    let ok = gz <= WIDGET_BUDGET_GZIP;
    if !ok {
        eprintln!("xtask: the widget weighs {gz} B gzipped, over its {WIDGET_BUDGET_GZIP} B budget");
    }
    Ok(ok)
}

/// Runs `cargo …`, echoing its output and adding up its `test result:` lines.
fn cargo_test(args: &[&str]) -> Result<(usize, usize)> {
    let mut child = Command::new("cargo").args(args).current_dir(paths::repo_root()).stdout(Stdio::piped()).spawn().context("running cargo test")?;
    let (mut passed, mut failed) = (0, 0);
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines() {
            let line = line?;
            println!("{line}");
            if let Some(rest) = line.strip_prefix("test result: ") {
                passed += count(rest, " passed");
                failed += count(rest, " failed");
            }
        }
    }
    let status = child.wait()?;
    if !status.success() && failed == 0 {
        // A build failure or a crashed test binary: count it, never let it pass silently.
        failed += 1;
    }
    Ok((passed, failed))
}

/// The number before `label` in a `test result:` line.
fn count(line: &str, label: &str) -> usize {
    line.split(';')
        .find(|part| part.trim_end().ends_with(label.trim()))
        .and_then(|part| part.split_whitespace().rev().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}
