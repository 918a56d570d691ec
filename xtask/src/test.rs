//! `cargo xtask test`: every test, unit to browser, the widget's size budget and the house's gates
//! (rustfmt, clippy); ends with one `N passed, M failed` line and a non-zero exit on any failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use sayso_harness::paths;

use crate::build::{self, WidgetFiles};
use crate::{say, step, tools, worker};

/// The most the widget may weigh, loader + glue + wasm, gzipped (bytes): issue 18's 15,000.
/// 15,092 was measured with issue 17's replies and quote question; its attributes added 121 B
/// (the element's `attrs` read at each send, the edge checks them); then the stylesheet moved from
/// the wasm to the glue (-206 B: it compresses with the view's names there), the host imports
/// took `i32`s (-32 B: no `>>>0` shims), focus found the chosen value by its tabindex (-130 B)
/// and `setting` took a list index (-64 B): 14,790 measured (BENCHMARKS.md, "Widget weight").
pub const WIDGET_BUDGET_GZIP: usize = 15_000;

/// Runs everything. The builds go in two lanes side by side: the wasm release builds (the tools
/// first, then the widget and the Worker) and the host's (the gates, then the tests' build).
/// Cargo locks each profile's folder, not the whole target dir, so the lanes never wait on each
/// other, and on 2 cores each fills the other's one-core stretches: npm's and rustup's downloads,
/// the Worker's LTO, the last crate of every build. The seeding Worker builds while the tests
/// that do not need it run (its build is mostly one crate and its LTO, on one core).
pub fn run() -> Result<()> {
    let clippy_driver = tools::ensure_rust()?;
    let seeding_built = AtomicBool::new(false);
    std::thread::scope(|s| {
        let host = s.spawn(|| -> Result<_> {
            let mut gates = gates()?;
            // The Worker's plain rules live in core, so no test builds workers-rs for the host. (The
            // house has no doc-tests, which `cargo test --no-run` would not build.)
            let (binaries, lints) = step("building the tests, linted by clippy: core, harness, xtask, tidy, end-to-end", || {
                let (binaries, lints) = test_binaries(&clippy_driver)?;
                // Tests that do not compile count as one failure.
                Ok((binaries.map_or((Vec::new(), 1), |b| (b, 0)), lints))
            })?;
            gates.push(lint_gate("host crates (their tests' build)", [lints]));
            Ok((gates, binaries))
        });
        let wasm = (|| -> Result<_> {
            let tools = tools::ensure_tools(true)?;
            let widget = build::widget(&tools)?;
            let worker = worker::build(&tools)?;
            Ok((tools, widget, worker))
        })();
        let host = host.join().unwrap_or_else(|_| Err(anyhow::anyhow!("the host builds panicked")));
        let (tools, widget, worker) = wasm?;
        let (mut gates, (binaries, unbuilt)) = host?;
        let size_ok = size_report(&widget)?;
        // The binaries that seed old data wait in the queue until the seeding Worker is built
        // (ready, failed or not: a failed build fails them, and is reported below).
        let seeding_built = &seeding_built;
        let seeding = s.spawn(move || {
            let built = worker::build_seeding(&tools);
            seeding_built.store(true, Ordering::Release);
            built
        });
        let late = binaries.iter().filter(|b| b.seeds).count();
        let (passed, failed, times) = step(
            &format!(
                "running {} test binaries, {} at a time (wrangler dev + Chromium for the end-to-end ones; the {late} that seed old data once the seeding Worker is built)",
                binaries.len(),
                side_by_side()
            ),
            || run_side_by_side(binaries, seeding_built),
        )?;
        let seeding = seeding.join().unwrap_or_else(|_| Err(anyhow::anyhow!("the seeding build panicked")))?;
        gates.push(lint_gate("the Worker's release builds (wasm32, with and without its bench feature)", [worker, seeding]));
        let _ = std::fs::write(times_file(), times.join("\n"));
        let checks = gates.iter().copied().chain([size_ok]);
        let failed = failed + unbuilt + checks.clone().filter(|ok| !ok).count();
        let passed = passed + checks.filter(|ok| *ok).count();
        println!("xtask: {passed} passed, {failed} failed");
        if failed > 0 {
            bail!("{failed} failed");
        }
        Ok(())
    })
}

/// Whether a test binary runs the seeding Worker: its source names `paths::seeding_worker_entry`.
fn needs_seeding(name: &str) -> bool {
    std::fs::read_to_string(paths::repo_root().join(name)).is_ok_and(|source| source.contains("seeding_worker_entry"))
}

/// A gate over what rustc and clippy said in the wasm release builds (see `worker::build`):
/// passes when they said nothing.
fn lint_gate(what: &str, lints: impl IntoIterator<Item = worker::Lints>) -> bool {
    let lines: Vec<String> = lints.into_iter().flat_map(|l| l.0).collect();
    say(&format!("gate: clippy -D warnings, {what}: {} warning or error lines", lines.len()));
    for line in &lines {
        eprintln!("xtask: gate failed: {line}");
    }
    lines.is_empty()
}

/// The house's gates, each counted as one test: `cargo fmt --check` (with the committed
/// rustfmt.toml), and clippy with `-D warnings` on the widget for its own target. (The host crates
/// are linted by their tests' build and the Worker by its release builds: `lint_gate`.)
fn gates() -> Result<Vec<bool>> {
    const DENY: [&str; 3] = ["--", "-D", "warnings"];
    const WASM: [&str; 2] = ["--target", "wasm32-unknown-unknown"];
    let widget = [&["clippy", "--quiet", "-p", "sayso-widget"][..], &WASM, &DENY].concat();
    let gates: [(&str, Vec<&str>); 2] =
        [("formatting (cargo fmt --check)", vec!["fmt", "--all", "--check"]), ("clippy -D warnings, widget (wasm32)", widget)];
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
    // Fetched only by the visitors who need them (build::CHUNKS): outside the budget, listed.
    for (name, bytes) in &widget.chunks {
        lines.push(format!("{name:<28} {:>9} {:>9}   on demand", bytes.len(), build::gzip_len(bytes)?));
    }
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

/// How many test binaries run at once: one per core. Since the tests share one edge per binary,
/// a binary mostly waits (on Chromium, on timers, on what must not happen): on 2 cores the 25
/// binaries took 386 s two at a time, against about 450 s one after another (their times alone,
/// added up). Three at a time, before the shared edge, took 377 s against 356 s and was flaky.
/// `SAYSO_SIDE_BY_SIDE=N` overrides it.
fn side_by_side() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::env::var("SAYSO_SIDE_BY_SIDE").ok().and_then(|n| n.parse().ok()).filter(|n| *n > 0).unwrap_or(cores)
}

/// One compiled test binary: what to call it, where it runs, how long it took last time.
struct Binary {
    name: String,
    executable: PathBuf,
    dir: PathBuf,
    last_secs: f64,
    /// It runs the seeding Worker (`needs_seeding`).
    seeds: bool,
}

/// The last run's time of each test binary, by name: the slowest start first, so the last to
/// finish is a short one.
fn times_file() -> PathBuf {
    paths::repo_root().join("target/xtask-test-times.txt")
}

/// Compiles the host crates' tests (`cargo test --no-run`) and lists their binaries (`None` if
/// they did not compile), with what clippy said of the crates' own code. Clippy is the workspace
/// wrapper (as `cargo clippy` runs it), so the tests' build is also the host's lint, instead of a
/// second, check-mode compile of every dependency (83 s of a fresh machine's first run); every
/// lint capped at a warning, each counted by the gate. Cargo keeps these artifacts apart from a
/// plain `cargo test`'s (the wrapper is part of their hash), so neither rebuilds the other's.
fn test_binaries(clippy_driver: &Path) -> Result<(Option<Vec<Binary>>, worker::Lints)> {
    use std::io::{BufRead, Read};
    const PACKAGES: [&str; 5] = ["--workspace", "--exclude", "sayso-widget", "--exclude", "sayso-worker"];
    let mut child = Command::new("cargo")
        .args(["test", "--quiet", "--no-run", "--message-format=json-render-diagnostics"])
        .args(PACKAGES)
        .current_dir(paths::repo_root())
        .env("RUSTC_WORKSPACE_WRAPPER", clippy_driver)
        .env("CLIPPY_ARGS", "--cap-lints=warn__CLIPPY_HACKERY__")
        .env("CARGO_TERM_COLOR", "never")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running cargo test --no-run")?;
    // The rendered diagnostics come on stderr, echoed as they come; the JSON on stdout.
    let err = child.stderr.take().context("cargo's stderr")?;
    let lints = std::thread::spawn(move || {
        let mut lints = Vec::new();
        for line in std::io::BufReader::new(err).lines().map_while(Result::ok) {
            eprintln!("{line}");
            if line.starts_with("warning") || line.starts_with("error") {
                lints.push(line);
            }
        }
        lints
    });
    let mut stdout = String::new();
    child.stdout.take().context("cargo's stdout")?.read_to_string(&mut stdout)?;
    let status = child.wait()?;
    let lints = worker::Lints(lints.join().unwrap_or_default());
    if !status.success() {
        eprintln!("xtask: the tests did not compile (cargo test --no-run {})", PACKAGES.join(" "));
        return Ok((None, lints));
    }
    let times = std::fs::read_to_string(times_file()).unwrap_or_default();
    let root = paths::repo_root();
    let mut binaries = Vec::new();
    for line in stdout.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        if message["profile"]["test"] != true {
            continue;
        }
        let (Some(executable), Some(source), Some(manifest)) =
            (message["executable"].as_str(), message["target"]["src_path"].as_str(), message["manifest_path"].as_str())
        else {
            continue;
        };
        let source = Path::new(source);
        let name = source.strip_prefix(&root).unwrap_or(source).display().to_string();
        let last_secs = times.lines().find_map(|l| l.strip_suffix(&format!(" {name}"))?.parse().ok()).unwrap_or(f64::MAX);
        let dir = Path::new(manifest).parent().map(Path::to_path_buf).unwrap_or_else(|| root.clone());
        let seeds = needs_seeding(&name);
        binaries.push(Binary { name, executable: PathBuf::from(executable), dir, last_secs, seeds });
    }
    Ok((Some(binaries), lints))
}

/// The longest one test binary may run (the slowest takes about 50 s on 2 cores): past it, the
/// binary is killed and counted as one failure.
const BINARY_LIMIT: Duration = Duration::from_secs(15 * 60);

/// Runs the binaries `side_by_side()` at a time, each in its package's folder as `cargo test` would,
/// its output into `target/xtask-test-logs/` (a hung one can be read there while it hangs); says
/// when each starts and prints its whole output when it ends (never interleaved), adding up its
/// `test result:` lines. A binary that fails without a failed test (a crash, a hang) counts as one.
/// Answers passed, failed, and each binary's time as a line of `times_file()`.
fn run_side_by_side(mut binaries: Vec<Binary>, seeding_built: &AtomicBool) -> Result<(usize, usize, Vec<String>)> {
    let logs = paths::repo_root().join("target/xtask-test-logs");
    std::fs::create_dir_all(&logs)?;
    binaries.sort_by(|a, b| b.last_secs.total_cmp(&a.last_secs));
    let queue = std::sync::Mutex::new(binaries);
    // The slowest first that may start: one that seeds waits for the seeding Worker (the others
    // go by it); with only those left, a free slot waits for the build.
    let next = |queue: &std::sync::Mutex<Vec<Binary>>| loop {
        let Ok(mut waiting) = queue.lock() else { return None };
        if waiting.is_empty() {
            return None;
        }
        let built = seeding_built.load(Ordering::Acquire);
        if let Some(i) = waiting.iter().position(|b| built || !b.seeds) {
            return Some(waiting.remove(i));
        }
        drop(waiting);
        std::thread::sleep(Duration::from_millis(200));
    };
    let (done, results) = std::sync::mpsc::channel();
    std::thread::scope(|s| {
        for _ in 0..side_by_side() {
            let (queue, done, logs, next) = (&queue, done.clone(), &logs, &next);
            s.spawn(move || loop {
                let Some(binary) = next(queue) else { return };
                say(&format!("── started {}", binary.name));
                let log = logs.join(binary.name.replace('/', "_") + ".log");
                let start = Instant::now();
                let outcome = run_binary(&binary, &log);
                let _ = done.send((binary.name, start.elapsed().as_secs_f64(), log, outcome));
            });
        }
        drop(done);
        let (mut passed, mut failed, mut times) = (0, 0, Vec::new());
        for (name, secs, log, outcome) in results {
            say(&format!("── {name} ({secs:.1} s)"));
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            print!("{text}");
            let (p, f) = text
                .lines()
                .filter_map(|l| l.strip_prefix("test result: "))
                .fold((0, 0), |(p, f), rest| (p + count(rest, " passed"), f + count(rest, " failed")));
            let f = match outcome {
                Ok(true) => f,
                Ok(false) => f.max(1),
                Err(e) => {
                    eprintln!("xtask: {name}: {e:#}");
                    f.max(1)
                }
            };
            (passed, failed) = (passed + p, failed + f);
            times.push(format!("{secs:.1} {name}"));
        }
        Ok((passed, failed, times))
    })
}

/// Runs one binary with its output (both streams, in order) in `log`; true if it passed.
fn run_binary(binary: &Binary, log: &Path) -> Result<bool> {
    let out = std::fs::File::create(log)?;
    let mut child = Command::new(&binary.executable)
        .current_dir(&binary.dir)
        .env("CARGO_MANIFEST_DIR", &binary.dir)
        .stdin(Stdio::null())
        .stdout(out.try_clone()?)
        .stderr(out)
        .spawn()
        .context("starting it")?;
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status.success());
        }
        if start.elapsed() > BINARY_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            bail!("killed after {} s (see {})", BINARY_LIMIT.as_secs(), log.display());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The number before `label` in a `test result:` line.
fn count(line: &str, label: &str) -> usize {
    line.split(';')
        .find(|part| part.trim_end().ends_with(label.trim()))
        .and_then(|part| part.split_whitespace().rev().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}
