//! `cargo xtask fuzz [CASES]`: the parse-and-validate property tests with many cases (release
//! build): no input panics, every refusal is a typed error with a code.

use std::process::Command;
use std::time::Instant;

use anyhow::Result;
use sayso_harness::paths;

use crate::{run, say};

/// Runs the property tests with `cases` inputs each.
pub fn run_fuzz(cases: Option<&str>) -> Result<()> {
    let cases = cases.unwrap_or("100000");
    say(&format!("property-fuzzing the Worker's parse-and-validate path: {cases} inputs per property"));
    let started = Instant::now();
    run(Command::new("cargo")
        .args(["test", "--release", "-p", "sayso-core", "--test", "validation_never_panics"])
        .env("SAYSO_FUZZ_CASES", cases)
        .current_dir(paths::repo_root()))?;
    say(&format!("{cases} inputs × 3 properties, no panic, in {:.0} s", started.elapsed().as_secs_f64()));
    Ok(())
}
