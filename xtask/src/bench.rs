//! `cargo xtask bench`: sayso's figures, each side by side in one run, printed as a table and
//! written to `BENCHMARKS.md` with the machine, date and commit. Benchmarks print; they never
//! fail on speed (the widget's size budget is the one hard check, in `cargo xtask test`).
//!
//! While iterating, `SAYSO_BENCH_ONLY=reads,cost` (of weight, host, load, reads, cost, cold,
//! shards) runs some sections and `SAYSO_BENCH_SIZES=1000,100000` seeds those sizes; such a
//! partial run writes `target/bench-partial.md`, and puts the sections it measured into
//! BENCHMARKS.md in place of theirs (each marked as measured apart), keeping every other one.

mod cost;
mod scale;
mod shards;
mod wire;

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use sayso_harness::browser::Browser;
use sayso_harness::edge::{Edge, EdgeOptions};
use sayso_harness::pages::ExampleSite;
use sayso_harness::{api, paths};
use serde_json::json;

use crate::build::{self, WidgetFiles};
use crate::{say, test::WIDGET_BUDGET_GZIP, tools};

/// Page loads per variant in the host-page benchmark.
const LOADS: usize = 20;
/// Connections of the load client.
const CONCURRENCY: usize = 16;
/// How long each load scenario runs.
const LOAD_TIME: Duration = Duration::from_secs(10);
/// Sites the submission load is spread over.
const LOAD_SITES: usize = 100;
const LOAD_ORIGIN: &str = "https://load.example";

/// The sizes the reads-at-scale sites are seeded at.
const SIZES: [u64; 3] = [1_000, 100_000, 1_000_000];
/// The sections, in order.
const SECTIONS: [&str; 7] = ["weight", "host", "load", "reads", "cost", "cold", "shards"];

/// Runs every benchmark (or those `SAYSO_BENCH_ONLY` names) and writes BENCHMARKS.md.
pub fn run() -> Result<()> {
    let only = std::env::var("SAYSO_BENCH_ONLY").ok().filter(|v| !v.trim().is_empty());
    let wanted: Vec<&str> = match &only {
        Some(list) => list.split(',').map(str::trim).collect(),
        None => SECTIONS.to_vec(),
    };
    ensure!(wanted.iter().all(|w| SECTIONS.contains(w)), "SAYSO_BENCH_ONLY takes {}", SECTIONS.join(","));
    let mut sizes: Vec<u64> = match std::env::var("SAYSO_BENCH_SIZES") {
        Ok(list) if !list.trim().is_empty() => {
            list.split(',').map(|n| n.trim().parse().with_context(|| format!("SAYSO_BENCH_SIZES: {n:?}"))).collect::<Result<_>>()?
        }
        _ => SIZES.to_vec(),
    };
    // Smallest first: the tables' ratios are of the last size to the first.
    sizes.sort_unstable();
    let partial = only.is_some() || sizes != SIZES;
    let tools = tools::ensure_tools(true)?;
    let widget = build::all(&tools)?;
    crate::worker::build_seeding(&tools)?;
    let bench_entry = paths::seeding_worker_entry();
    let mut out = header()?;
    if partial {
        writeln!(out, "\n**Partial run** (`SAYSO_BENCH_ONLY={}`, sizes {sizes:?}).", only.as_deref().unwrap_or("all"))?;
    }
    if wanted.contains(&"weight") {
        weight(&widget, &mut out)?;
    }
    let cold = if wanted.contains(&"cold") {
        say("cold start: 3 starts of wrangler dev");
        cold_start(&bench_entry)?
    } else {
        String::new()
    };
    let edge = Edge::start(EdgeOptions { entry: Some(bench_entry), ..EdgeOptions::default() })?;
    if wanted.contains(&"host") {
        say("host page cost: Chromium, baseline and widget pages");
        host_page(&edge, &mut out)?;
    }
    if wanted.contains(&"load") {
        say("edge path under load");
        edge_load(&edge, &mut out)?;
    }
    if wanted.contains(&"shards") {
        say("one hot site over 1, 2 and 4 shards");
        shards::report(&edge, &mut out)?;
    }
    if wanted.contains(&"reads") || wanted.contains(&"cost") {
        // The cost section needs only the largest site.
        let seeded = if wanted.contains(&"reads") { sizes.clone() } else { sizes.iter().copied().max().into_iter().collect() };
        say(&format!("reads at scale: seeding {seeded:?} submissions"));
        let sites = seeded.into_iter().map(|size| scale::seed(&edge, size)).collect::<Result<Vec<_>>>()?;
        if wanted.contains(&"reads") {
            scale::report(&edge, &sites, &mut out)?;
        }
        if let (true, Some(largest)) = (wanted.contains(&"cost"), sites.iter().max_by_key(|s| s.size)) {
            cost::report(&edge, largest, &mut out)?;
        }
    }
    out.push_str(&cold);
    println!("\n{out}");
    let written = if partial { paths::repo_root().join("target/bench-partial.md") } else { paths::repo_root().join("BENCHMARKS.md") };
    if !partial {
        // The record of what each size lever saved (issue 18) is written by hand, not measured
        // here: it is kept as it is.
        let old = std::fs::read_to_string(&written).unwrap_or_default();
        out.push_str(old.find("\n## Widget weight").map_or("", |at| &old[at..]));
    }
    std::fs::write(&written, &out)?;
    say(&format!("wrote {}", written.display()));
    // Only full sizes: a section seeded smaller would replace a full run's figures.
    if partial && sizes == SIZES {
        let file = paths::repo_root().join("BENCHMARKS.md");
        let old = std::fs::read_to_string(&file).unwrap_or_default();
        let stamp = header()?.lines().find(|l| l.starts_with("Written by")).unwrap_or_default().replace("Written by", "Measured apart by");
        std::fs::write(&file, splice(&old, &out, &stamp))?;
        say(&format!("put the sections measured into {}", file.display()));
    }
    Ok(())
}

/// The text of `old` (BENCHMARKS.md) with each `## N.` section of `fresh` in place of the old
/// section of the same number (a new number goes before the unnumbered sections, in order),
/// `stamp` under its heading; the header and every other section kept as they were.
fn splice(old: &str, fresh: &str, stamp: &str) -> String {
    fn sections(text: &str) -> Vec<String> {
        let mut parts: Vec<String> = text.split("\n## ").map(str::to_owned).collect();
        for part in parts.iter_mut().skip(1) {
            part.insert_str(0, "## ");
        }
        parts
    }
    // A numbered section's number (`## 3. …`); the unnumbered ones (the widget weight) close the file.
    let number = |section: &str| -> Option<u32> {
        let heading = section.lines().next()?.strip_prefix("## ")?;
        heading.split_once('.').and_then(|(n, _)| n.parse().ok())
    };
    let mut kept = sections(old);
    for section in sections(fresh).into_iter().skip(1) {
        let Some(n) = number(&section) else { continue };
        let stamped = match section.split_once('\n') {
            Some((heading, rest)) => format!("{heading}\n\n_{stamp}_\n{rest}"),
            None => section.clone(),
        };
        kept.retain(|s| number(s) != Some(n));
        let before = kept.iter().skip(1).position(|s| number(s).is_none_or(|m| m > n));
        kept.insert(before.map_or(kept.len(), |at| at + 1), stamped);
    }
    kept.join("\n")
}

fn header() -> Result<String> {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| c.lines().find_map(|l| l.strip_prefix("model name").map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())))
        .unwrap_or_default();
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| m.lines().next().map(|l| l.split_whitespace().nth(1).unwrap_or("?").to_owned()))
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let output = |cmd: &str, args: &[&str]| {
        std::process::Command::new(cmd).args(args).output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned()).unwrap_or_default()
    };
    let mut commit = output("git", &["rev-parse", "--short", "HEAD"]);
    if !output("git", &["status", "--porcelain", "--untracked-files=no"]).is_empty() {
        commit.push_str(" + uncommitted changes");
    }
    let date = output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]);
    let memory_gib = memory.parse::<f64>().map(|kb| format!("{:.0} GiB", kb / 1024.0 / 1024.0)).unwrap_or(memory);
    Ok(format!(
        "# sayso benchmarks\n\nWritten by `cargo xtask bench`. Machine: {cores} cores ({cpu}), {memory_gib}. Date: {date}. Commit: `{commit}`.\n\
         Everything runs on this one machine (`wrangler dev`, Chromium and the load client share its cores), so compare figures\n\
         within this file as ratios; absolute times are not what Cloudflare's network would show.\n"
    ))
}

fn weight(widget: &WidgetFiles, out: &mut String) -> Result<()> {
    writeln!(out, "\n## 1. Weight\n\n| file | raw B | gzip B | brotli B |\n|---|---:|---:|---:|")?;
    let (mut raw, mut gz, mut br) = (0, 0, 0);
    for (name, bytes) in &widget.files {
        let (g, b) = (build::gzip_len(bytes)?, brotli_len(bytes)?);
        writeln!(out, "| `{name}` | {} | {g} | {b} |", bytes.len())?;
        raw += bytes.len();
        gz += g;
        br += b;
    }
    writeln!(out, "| **widget total** (budget {WIDGET_BUDGET_GZIP} B gzip) | {raw} | **{gz}** | {br} |")?;
    for (name, bytes) in &widget.chunks {
        writeln!(out, "| `{name}` (on demand, not in the total) | {} | {} | {} |", bytes.len(), build::gzip_len(bytes)?, brotli_len(bytes)?)?;
    }
    let worker = std::fs::read(paths::repo_root().join("worker/build/index_bg.wasm")).context("worker/build/index_bg.wasm")?;
    writeln!(out, "| Worker wasm (edge only, not sent to visitors) | {} | {} | {} |", worker.len(), build::gzip_len(&worker)?, brotli_len(&worker)?)?;
    Ok(())
}

fn brotli_len(bytes: &[u8]) -> Result<usize> {
    let mut compressed = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut compressed, 4096, 11, 22);
        writer.write_all(bytes)?;
    }
    Ok(compressed.len())
}

fn cold_start(entry: &std::path::Path) -> Result<String> {
    let mut out = String::new();
    let mut times = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let edge = Edge::start(EdgeOptions { entry: Some(entry.to_path_buf()), ..EdgeOptions::default() })?;
        times.push(started.elapsed());
        drop(edge);
    }
    times.sort();
    writeln!(
        out,
        "\n## 6. Cold start\n\n`wrangler dev` spawned → first `200` on `/healthz` (fresh state each time): median **{} ms** of 3 ({} / {} / {} ms).",
        times[1].as_millis(),
        times[0].as_millis(),
        times[1].as_millis(),
        times[2].as_millis()
    )?;
    Ok(out)
}

/// One page load's figures, measured inside the page.
struct Load {
    load_ms: f64,
    ready_ms: Option<f64>,
    long_tasks: usize,
}

const MEASURE: &str = "const done = arguments[arguments.length - 1];
const withWidget = arguments[0];
const long = [];
try { new PerformanceObserver(l => long.push(...l.getEntries())).observe({ type: 'longtask', buffered: true }); } catch (e) {}
const nav = performance.getEntriesByType('navigation')[0];
const finish = (ready) => setTimeout(() => {
  const script = performance.getEntriesByType('resource').find(r => r.name.includes('/v1/embed.js'));
  done({ load: nav.loadEventEnd, ready: ready === null ? null : ready - (script ? script.startTime : 0), long: long.length });
}, 300);
if (!withWidget) { finish(null); return; }
const poll = () => {
  const el = document.querySelector('sayso-feedback');
  const b = el && el.shadowRoot && el.shadowRoot.querySelector('button');
  if (b) finish(performance.now()); else setTimeout(poll, 2);
};
poll();";

fn host_page(edge: &Edge, out: &mut String) -> Result<()> {
    let pages = ExampleSite::serve(0, &edge.url, "bench")?;
    edge.create_site("bench", &[&pages.url], json!({ "scale": "stars" }))?;
    let browser = Browser::start()?;
    let run = |page: &str, widget: bool| -> Result<Load> {
        browser.goto(&format!("{}/{page}", pages.url))?;
        let m = browser.execute_async(MEASURE, vec![json!(widget)])?;
        Ok(Load {
            load_ms: m["load"].as_f64().unwrap_or(f64::NAN),
            ready_ms: m["ready"].as_f64(),
            long_tasks: m["long"].as_u64().unwrap_or(0) as usize,
        })
    };
    // The first load fills the browser cache; the figures are for the 20 after it.
    // The example page as a site owner pastes the snippet, and the same page without it.
    let first = run("basic/", true)?;
    let (mut base, mut with) = (Vec::new(), Vec::new());
    for _ in 0..LOADS {
        base.push(run("bench/baseline.html", false)?);
        with.push(run("basic/", true)?);
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let base_load = median(base.iter().map(|l| l.load_ms).collect());
    let with_load = median(with.iter().map(|l| l.load_ms).collect());
    let ready = median(with.iter().filter_map(|l| l.ready_ms).collect());
    let long_base: usize = base.iter().map(|l| l.long_tasks).sum();
    let long_with: usize = with.iter().map(|l| l.long_tasks).sum();
    writeln!(out, "\n## 2. Host page cost (headless Chromium, median of {LOADS} loads each, warm cache)\n")?;
    writeln!(out, "| | page without widget | page with the snippet | ratio |\n|---|---:|---:|---:|")?;
    writeln!(out, "| `load` event (ms) | {base_load:.1} | {with_load:.1} | {:.2} |", with_load / base_load)?;
    writeln!(out, "| long tasks (> 50 ms) on the main thread, all loads | {long_base} | {long_with} | |")?;
    writeln!(out, "\nScript tag start → widget interactive (buttons in the Shadow DOM): median **{ready:.1} ms** (first, cold-cache load: {:.1} ms). The widget loads when the page is idle, after `load`.", first.ready_ms.unwrap_or(f64::NAN))?;
    Ok(())
}

/// Figures of one load scenario.
struct Scenario {
    ok: usize,
    failed: usize,
    rps: f64,
    p50: Duration,
    p99: Duration,
}

/// Runs `request` from `CONCURRENCY` threads for `LOAD_TIME`; `request(n)` returns whether the
/// n-th request got a 2xx.
fn drive(request: impl Fn(usize) -> bool + Sync) -> Scenario {
    let counter = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let started = Instant::now();
    let results: Vec<(Vec<Duration>, usize)> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..CONCURRENCY)
            .map(|_| {
                scope.spawn(|| {
                    let (mut latencies, mut failed) = (Vec::new(), 0);
                    while !stop.load(Ordering::Relaxed) {
                        let n = counter.fetch_add(1, Ordering::Relaxed);
                        let t = Instant::now();
                        if request(n) {
                            latencies.push(t.elapsed());
                        } else {
                            failed += 1;
                        }
                    }
                    (latencies, failed)
                })
            })
            .collect();
        std::thread::sleep(LOAD_TIME);
        stop.store(true, Ordering::Relaxed);
        threads.into_iter().filter_map(|t| t.join().ok()).collect()
    });
    let elapsed = started.elapsed().as_secs_f64();
    let failed = results.iter().map(|r| r.1).sum();
    let mut all: Vec<Duration> = results.into_iter().flat_map(|r| r.0).collect();
    all.sort();
    let pick = |q: f64| all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1))).copied().unwrap_or_default();
    Scenario { ok: all.len(), failed, rps: all.len() as f64 / elapsed, p50: pick(0.5), p99: pick(0.99) }
}

fn edge_load(edge: &Edge, out: &mut String) -> Result<()> {
    let mut keys = Vec::new();
    for i in 0..LOAD_SITES {
        keys.push(edge.create_site(&format!("load-{i}"), &[LOAD_ORIGIN], json!({ "scale": "nps" }))?.owner_key);
    }
    let health_url = format!("{}/healthz", edge.url);
    let health = drive(|_| api::get(&health_url, &[]).is_ok_and(|a| a.status == 200));
    let submit = drive(|n| {
        let site = format!("load-{}", n % LOAD_SITES);
        let body = json!({ "id": format!("0190a6e2-0000-7000-8000-{n:012x}"), "site": site, "scale": "nps", "value": n % 11,
            "page": "/load", "locale": "en", "client_ts": 1_763_900_000_000_u64, "widget_version": "0.1.0" })
        .to_string();
        api::post(&format!("{}/v1/sites/{site}/feedback", edge.url), &[("content-type", "text/plain"), ("origin", LOAD_ORIGIN)], body.as_bytes())
            .is_ok_and(|a| a.status == 201)
    });
    let mut stored = 0;
    for (i, key) in keys.iter().enumerate() {
        stored += edge.summary(&format!("load-{i}"), key)?["total"].as_u64().unwrap_or(0) as usize;
    }
    writeln!(
        out,
        "\n## 3. The edge path under load ({CONCURRENCY} client threads, {} s each, on loopback; a new connection per request)\n",
        LOAD_TIME.as_secs()
    )?;
    writeln!(out, "| scenario | 2xx | errors | req/s | p50 ms | p99 ms |\n|---|---:|---:|---:|---:|---:|")?;
    for (name, s) in [("(a) `GET /healthz`: the bare Worker", &health), ("(b) `POST …/feedback` over 100 sites", &submit)] {
        writeln!(out, "| {name} | {} | {} | {:.0} | {:.1} | {:.1} |", s.ok, s.failed, s.rps, s.p50.as_secs_f64() * 1e3, s.p99.as_secs_f64() * 1e3)?;
    }
    writeln!(
        out,
        "\nRatio (b)/(a) in requests/s: **{:.2}**. Stored afterwards over the 100 sites: **{stored}** = {} answered 201: {}.",
        submit.rps / health.rps,
        submit.ok,
        if stored == submit.ok { "no silent loss" } else { "MISMATCH" }
    )?;
    ensure!(stored == submit.ok, "stored {stored} but {} writes were acknowledged", submit.ok);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::splice;

    #[test]
    fn a_partial_run_replaces_its_sections_and_keeps_the_rest() {
        let old = "# head\n\n## 1. Weight\n\nw\n\n## 3. Load\n\nold load\n\n## 6. Cold\n\nc\n\n## Widget weight (issue 18)\n\nkept\n";
        let fresh = "# new head\n\n## 3. Load\n\nnew load\n\n## 7. Shards\n\ns\n";
        let spliced = splice(old, fresh, "Measured apart");
        assert_eq!(
            spliced,
            "# head\n\n## 1. Weight\n\nw\n\n## 3. Load\n\n_Measured apart_\n\nnew load\n\n## 6. Cold\n\nc\n\n## 7. Shards\n\n_Measured apart_\n\ns\n\n## Widget weight (issue 18)\n\nkept\n"
        );
    }
}
