//! Reads at scale (issue 15, item 1): sites seeded realistically at each size, every owner read
//! timed on each, side by side, with the ratio of the largest to the smallest and the bytes.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{ensure, Result};
use sayso_harness::api;
use sayso_harness::edge::Edge;
use serde_json::json;

use super::wire::{self, Exported};
use super::LOAD_ORIGIN;
use crate::say;

/// Submissions per seeding request (each well under the 30 s of CPU a request may take).
const CHUNK: u64 = 100_000;
/// The most rated page of the realistic seed, and one from its long tail.
pub const TOP_PAGE: &str = "/docs/page-0";
/// A page of the long tail (about 12 ratings at 1M).
pub const TAIL_PAGE: &str = "/docs/page-9000";
/// A word most seeded comments have, and one none has.
const COMMON_WORD: &str = "checkout";
const ABSENT_WORD: &str = "zyzzyva";
/// A read's time is its median over at most this long (after at least 3 samples).
const SAMPLING: Duration = Duration::from_secs(12);
/// The response size a read must stay within (issue 15, item 2).
const RESPONSE_MAX: usize = 100_000;
/// The most a read at the largest size may take relative to the smallest (issue 15, item 2).
const RATIO_MAX: f64 = 3.0;

/// A seeded site.
pub struct ScaleSite {
    /// Its id.
    pub name: String,
    /// How many submissions it holds.
    pub size: u64,
    /// Its owner key.
    pub key: String,
    /// How long seeding took.
    pub seeded_in: Duration,
}

impl ScaleSite {
    /// `Bearer {owner key}`.
    pub fn auth(&self) -> String {
        format!("Bearer {}", self.key)
    }
}

/// `1k`, `100k`, `1M`.
pub fn label(size: u64) -> String {
    match size {
        n if n >= 1_000_000 && n.is_multiple_of(1_000_000) => format!("{}M", n / 1_000_000),
        n if n >= 1_000 && n.is_multiple_of(1_000) => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}

/// Creates site `real-{label}` and seeds it realistically with `size` submissions, in chunks
/// over one year (the seed spreads `total` over the same 365 days whatever the chunk).
pub fn seed(edge: &Edge, size: u64) -> Result<ScaleSite> {
    let name = format!("real-{}", label(size).to_lowercase());
    let key = edge.create_site(&name, &[LOAD_ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    let admin = format!("Bearer {}", edge.admin_token);
    let started = Instant::now();
    let mut from = 0;
    while from < size {
        let count = CHUNK.min(size - from);
        let body = json!({ "from": from, "count": count, "shape": "realistic", "total": size }).to_string();
        let a = api::post(
            &format!("{}/v1/sites/{name}/bench-seed", edge.url),
            &[("authorization", &admin), ("content-type", "application/json")],
            body.as_bytes(),
        )?;
        ensure!(a.status == 200, "seeding {name} from {from}: {a:?}");
        from += count;
    }
    let seeded_in = started.elapsed();
    let total = edge.summary(&name, &key)?["total"].as_u64();
    ensure!(total.is_none_or(|t| t == size), "{name} holds {total:?}, not {size}");
    say(&format!("seeded {name} with {size} in {:.1} s", seeded_in.as_secs_f64()));
    Ok(ScaleSite { name, size, key, seeded_in })
}

/// How one read is made.
enum Read {
    /// `GET {edge}{path}` (`{site}` replaced), at most this many samples.
    Get(String, usize),
    /// 20 pages of 50 by `next_cursor`, then the 21st, timed.
    DeepPage,
    /// The whole export, once.
    Export(&'static str),
}

/// A read's figures on one site.
enum Timed {
    /// Median time and the response's bytes.
    Ok(Duration, usize),
    /// Not a 200: the status and a word on why.
    Failed(String),
}

/// Every owner read, as (name, how).
fn reads() -> Vec<(String, Read)> {
    let day = |days_ago: i64| sayso_harness::utc_day(-days_ago);
    let summary = "/v1/sites/{site}/summary";
    let feedback = "/v1/sites/{site}/feedback";
    let get = |name: &str, path: String, samples: usize| (name.to_owned(), Read::Get(path, samples));
    vec![
        get("summary, all time", summary.to_owned(), 30),
        // The dashboard's 30 days: today and the 29 before (the object's 30-day rollup).
        get("summary, last 30 days (`from` = 29 days ago)", format!("{summary}?from={}", day(29)), 30),
        // Any other range counts its days' per-page rows when read.
        get("summary, last 7 days (a range with no rollup)", format!("{summary}?from={}", day(6)), 30),
        get(&format!("summary, a top page (`{TOP_PAGE}`)"), format!("{summary}?page={TOP_PAGE}"), 30),
        get(&format!("summary, a tail page (`{TAIL_PAGE}`)"), format!("{summary}?page={TAIL_PAGE}"), 30),
        get("dashboard view, 30 days", "/dashboard/view?site={site}&days=30".to_owned(), 10),
        get("dashboard view, 366 days", "/dashboard/view?site={site}&days=366".to_owned(), 10),
        get("comments, no filter", feedback.to_owned(), 30),
        get("comments, `has_comment=true`", format!("{feedback}?has_comment=true"), 30),
        get("comments, `min=1&max=2`", format!("{feedback}?min=1&max=2"), 30),
        get("comments, `page=` a tail page", format!("{feedback}?page={TAIL_PAGE}"), 30),
        get(&format!("comment search, a common word (`q={COMMON_WORD}`)"), format!("{feedback}?q={COMMON_WORD}"), 30),
        get(&format!("comment search, an absent word (`q={ABSENT_WORD}`)"), format!("{feedback}?q={ABSENT_WORD}"), 30),
        ("comments, page 21 by cursor (50 a page)".to_owned(), Read::DeepPage),
        ("export, all of it (`export.csv`)".to_owned(), Read::Export("csv")),
        ("export, all of it (`export.ndjson`)".to_owned(), Read::Export("ndjson")),
    ]
}

/// Times every read on every site and writes the table.
pub fn report(edge: &Edge, sites: &[ScaleSite], out: &mut String) -> Result<()> {
    let reads = reads();
    let mut rows: Vec<(String, Vec<Timed>)> = Vec::new();
    for (name, read) in &reads {
        say(&format!("timing: {name}"));
        let timed = sites.iter().map(|site| time(edge, site, read)).collect::<Result<Vec<_>>>()?;
        rows.push((name.clone(), timed));
    }
    writeln!(
        out,
        "\n## 4. Reads at scale\n\nEach site seeded realistically (`bench-seed` with `\"shape\": \"realistic\"`): the population spread over the 365 days \
         before now in time order, pages Zipf-distributed over 10,000 paths (`{TOP_PAGE}` has ~7.5 %), 80 % stars (skewed to 4–5) and \
         20 % NPS, 15 % with a comment of 3–20 words drawn Zipf-like from 316 words (`{COMMON_WORD}` is in most, `{ABSENT_WORD}` in none), \
         five locales. Median of sequential requests after a warm-up (up to 30, 10 for the dashboard, within {} s each; the exports once).\n",
        SAMPLING.as_secs()
    )?;
    let labels: Vec<String> = sites.iter().map(|s| label(s.size)).collect();
    let (first, last) = (labels.first().cloned().unwrap_or_default(), labels.last().cloned().unwrap_or_default());
    writeln!(out, "| read | {} | ratio {last}/{first} | bytes at {last} |", labels.join(" | "))?;
    writeln!(out, "|---|{}---:|---:|", "---:|".repeat(labels.len()))?;
    for (name, timed) in &rows {
        let cells: Vec<String> = timed.iter().map(cell).collect();
        let export = name.starts_with("export");
        let ratio = match (timed.first(), timed.last()) {
            (Some(Timed::Ok(a, _)), Some(Timed::Ok(b, _))) if timed.len() > 1 => {
                let r = b.as_secs_f64() / a.as_secs_f64();
                // An export grows with the data by design: its ratio is not held to the bound.
                let verdict = if export {
                    ""
                } else if r <= RATIO_MAX {
                    " ✓"
                } else {
                    " ✗"
                };
                format!("{r:.1}{verdict}")
            }
            _ => "–".to_owned(),
        };
        let bytes = match timed.last() {
            Some(Timed::Ok(_, b)) if export => format!("{} (the export)", wire::bytes(*b)),
            Some(Timed::Ok(_, b)) => format!("{} {}", wire::bytes(*b), if *b <= RESPONSE_MAX { "✓" } else { "✗" }),
            _ => "–".to_owned(),
        };
        writeln!(out, "| {name} | {} | {ratio} | {bytes} |", cells.join(" | "))?;
    }
    writeln!(
        out,
        "\n✓: at most {RATIO_MAX}× the time at {first}, or a response of at most 100 KB (issue 15, item 2); an export holds every \
         submission, so it grows with them and is held to neither. Seeded in: {}.",
        sites.iter().map(|s| format!("{} {:.1} s", label(s.size), s.seeded_in.as_secs_f64())).collect::<Vec<_>>().join(", ")
    )?;
    Ok(())
}

fn cell(timed: &Timed) -> String {
    match timed {
        Timed::Ok(d, _) => wire::millis(*d),
        Timed::Failed(why) => format!("✗ {why}"),
    }
}

fn time(edge: &Edge, site: &ScaleSite, read: &Read) -> Result<Timed> {
    let auth = site.auth();
    match read {
        Read::Get(path, samples) => sample(&format!("{}{}", edge.url, path.replace("{site}", &site.name)), &auth, *samples),
        Read::DeepPage => {
            let base = format!("{}/v1/sites/{}/feedback?limit=50", edge.url, site.name);
            let mut url = base.clone();
            for page in 1..=20 {
                let a = api::get(&url, &[("authorization", &auth)])?;
                if a.status != 200 {
                    return Ok(Timed::Failed(format!("{} on page {page}", a.status)));
                }
                match a.json()["next_cursor"].as_str() {
                    Some(cursor) => url = format!("{base}&cursor={}", wire::encode(cursor)),
                    // Fewer than 21 pages: the last one stands in.
                    None => break,
                }
            }
            sample(&url, &auth, 30)
        }
        Read::Export(format) => {
            let url = format!("{}/v1/sites/{}/export.{format}", edge.url, site.name);
            let started = Instant::now();
            let Exported { status, bytes, lines } = wire::download(&url, &auth)?;
            let took = started.elapsed();
            if status != 200 {
                return Ok(Timed::Failed(status.to_string()));
            }
            let expected = site.size + u64::from(*format == "csv");
            if lines != expected {
                return Ok(Timed::Failed(format!("{lines} lines, not {expected}")));
            }
            Ok(Timed::Ok(took, bytes))
        }
    }
}

/// One warm-up request, then the median of up to `samples` (at least 3, within `SAMPLING`).
fn sample(url: &str, auth: &str, samples: usize) -> Result<Timed> {
    let warm = api::get(url, &[("authorization", auth)])?;
    if warm.status != 200 {
        return Ok(Timed::Failed(format!("{} {}", warm.status, warm.error_code().unwrap_or_default())));
    }
    let started = Instant::now();
    let mut times = Vec::new();
    while times.len() < samples && (times.len() < 3 || started.elapsed() < SAMPLING) {
        let t = Instant::now();
        let a = api::get(url, &[("authorization", auth)])?;
        times.push(t.elapsed());
        ensure!(a.status == 200, "{url} answered {} after a 200", a.status);
    }
    times.sort();
    Ok(Timed::Ok(times[times.len() / 2], warm.body.len()))
}
