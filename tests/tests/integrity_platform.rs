//! Within Cloudflare's limits (issue 14, item 9), as the site object's alarm meets them:
//! retention deletes in bounded batches over many alarm runs, every batch leaving the counts
//! exactly those of the submissions kept, and the webhook events of expired submissions are
//! never delivered; a webhook that keeps failing stops neither retention nor its own retries.
//!
//! Uses the seeding Worker (`bench`), whose batches hold 2,000 rows, so a few thousand rows make
//! many batches; the production size, and the measurement behind it, are in
//! worker/src/site/retention.rs (`BATCH_ROWS`).

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use sayso_tests::edge::{Edge, EdgeOptions};
use sayso_tests::{api, paths, wait_for};
use serde_json::{json, Value};

const ORIGIN: &str = "https://docs.example.com";
/// `BATCH_ROWS` of the seeding Worker.
const BATCH: u64 = 2_000;
/// Seeded submissions are numbered; those kept (received yesterday) start here.
const KEPT_FROM: u64 = 1_000_000;

/// One site on the seeding Worker, driven as its owner (and the admin who seeds it).
struct Site {
    edge: Edge,
    name: &'static str,
    key: String,
}

impl Site {
    fn start(name: &'static str) -> Result<Site> {
        let edge = Edge::start(EdgeOptions { entry: Some(paths::seeding_worker_entry()), ..EdgeOptions::default() })?;
        let key = edge.create_site(name, &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
        Ok(Site { edge, name, key })
    }

    fn url(&self, rest: &str) -> String {
        format!("{}/v1/sites/{}{rest}", self.edge.url, self.name)
    }

    /// `count` submissions numbered from `from`, received `days_ago` days ago, every tenth with
    /// a comment (and, with a webhook set, its event pending).
    fn seed(&self, from: u64, count: u64, days_ago: u64) -> Result<()> {
        let admin = format!("Bearer {}", self.edge.admin_token);
        let body = json!({ "from": from, "count": count, "days_ago": days_ago }).to_string();
        let seeded = api::post(&self.url("/bench-seed"), &[("authorization", &admin), ("content-type", "application/json")], body.as_bytes())?;
        ensure!(seeded.status == 200, "seeding: {seeded:?}");
        Ok(())
    }

    fn patch(&self, change: Value) -> Result<Value> {
        let auth = format!("Bearer {}", self.key);
        let answer = api::request(
            "PATCH",
            &self.url(""),
            &[("authorization", &auth), ("content-type", "application/json")],
            Some(change.to_string().as_bytes()),
        )?;
        ensure!(answer.status == 200, "{change}: {answer:?}");
        Ok(answer.json())
    }

    fn summary(&self) -> Result<Value> {
        self.edge.summary(self.name, &self.key)
    }

    /// Every stored submission, from the export.
    fn export(&self) -> Result<Vec<Value>> {
        let answer = api::get(&self.url("/export.ndjson"), &[("authorization", &format!("Bearer {}", self.key))])?;
        ensure!(answer.status == 200, "export: {answer:?}");
        answer.body.lines().map(|line| serde_json::from_str(line).context("an export line")).collect()
    }

    fn deliveries(&self) -> Result<Value> {
        Ok(api::get(&self.url("/webhook-deliveries"), &[("authorization", &format!("Bearer {}", self.key))])?.json())
    }

    /// A visitor's star rating with a comment, sent now.
    fn rate(&self, n: u64) -> Result<()> {
        let body = json!({ "id": format!("0190a6e2-7c1d-7abc-8def-{n:012x}"), "site": self.name, "scale": "stars", "value": 2, "page": "/docs",
            "locale": "en", "client_ts": 1_763_900_000_000_u64, "widget_version": "0.1.0", "comment": "still broken" });
        let sent = api::post(&self.url("/feedback"), &[("content-type", "application/json"), ("origin", ORIGIN)], body.to_string().as_bytes())?;
        ensure!(sent.status == 201, "rating {n}: {sent:?}");
        Ok(())
    }
}

/// The number a seeded submission's id carries.
fn seeded_number(id: &str) -> Option<u64> {
    u64::from_str_radix(id.rsplit('-').next()?, 16).ok()
}

/// A summary against a recount of the export: the total, the comments, the histogram and the
/// per-day counts (days in order; the seeded ones are whole UTC days apart).
fn recount_matches(summary: &Value, items: &[Value]) -> Result<()> {
    ensure!(summary["total"].as_u64() == Some(items.len() as u64), "summary counts {} but {} are stored", summary["total"], items.len());
    let comments = items.iter().filter(|i| i["comment"].is_string()).count() as u64;
    ensure!(summary["comments"].as_u64() == Some(comments), "summary counts {} comments, {comments} stored", summary["comments"]);
    let (mut values, mut days) = (BTreeMap::<u64, u64>::new(), BTreeMap::<u64, u64>::new());
    for item in items {
        *values.entry(item["value"].as_u64().context("a value")?).or_default() += 1;
        *days.entry(item["received_at"].as_u64().context("received_at")? / 86_400_000).or_default() += 1;
    }
    let histogram: BTreeMap<u64, u64> = summary["scales"][0]["histogram"]
        .as_array()
        .map(|h| h.iter().filter_map(|b| Some((b["value"].as_u64()?, b["count"].as_u64()?))).filter(|(_, n)| *n > 0).collect())
        .unwrap_or_default();
    ensure!(histogram == values, "histogram {histogram:?}, recount {values:?}");
    let per_day: Vec<u64> = summary["days"].as_array().map(|d| d.iter().filter_map(|d| d["count"].as_u64()).collect()).unwrap_or_default();
    ensure!(per_day == days.into_values().collect::<Vec<_>>(), "per-day counts {per_day:?} differ from the recount");
    Ok(())
}

#[test]
fn retention_of_20000_rows_runs_in_batches_each_leaving_exact_counts_and_expired_events_are_never_sent() -> Result<()> {
    let site = Site::start("archive")?;
    let (hook, seen) = sayso_tests::receiver(200, "")?;
    site.patch(json!({ "webhook": { "url": hook, "comments": true } }))?;
    // Yesterday's 100 (10 commented, their events pending) are kept; 20,000 from 41 to 45 days
    // ago expire, in day-sized chunks that batches cut across, 990 of their events pending.
    site.seed(KEPT_FROM, 100, 1)?;
    for (n, (count, days_ago)) in [(3_000, 45), (3_000, 44), (3_000, 43), (3_000, 42), (8_000, 41)].into_iter().enumerate() {
        site.seed(n as u64 * 10_000, count, days_ago)?;
    }
    let before = site.summary()?;
    ensure!(before["total"] == 20_100 && before["days"].as_array().map(Vec::len) == Some(6), "{before}");
    ensure!(site.deliveries()?["pending"] == 1000, "every commented one has its event pending");

    site.patch(json!({ "retention_days": 30 }))?;
    // Watch the batches land: a recount of the export between two equal summaries (no batch
    // ran in between) must equal them, and every total seen is 20,100 less whole batches.
    let started = Instant::now();
    let (mut totals, mut recounted) = (Vec::new(), 0);
    loop {
        ensure!(started.elapsed() < Duration::from_secs(60), "retention did not finish in 60 s: totals seen {totals:?}");
        let first = site.summary()?;
        let items = site.export()?;
        let second = site.summary()?;
        let total = second["total"].as_u64().context("a total")?;
        ensure!((20_100 - total) % BATCH == 0, "a batch took {} rows out of the counts, not a multiple of {BATCH}", 20_100 - total);
        if first["total"] == second["total"] {
            recount_matches(&second, &items).with_context(|| format!("after {} rows expired", 20_100 - total))?;
            recounted += 1;
        }
        if totals.last() != Some(&total) {
            totals.push(total);
        }
        if total == 100 && recounted > 0 && first["total"] == 100 {
            break;
        }
    }
    println!("retention: totals seen {totals:?} in {:.1} s, {recounted} exact recounts", started.elapsed().as_secs_f64());
    ensure!(totals.len() >= 4, "several alarm runs, each a batch, were seen: {totals:?}");
    let after = site.summary()?;
    ensure!(after["days"].as_array().map(Vec::len) == Some(1), "the expired days are gone from the counts: {after}");

    // The 10 kept events are delivered; none of the 990 expired ones ever is.
    wait_for("the kept events to be delivered", Duration::from_secs(20), || Ok((seen.lock().map(|s| s.len()).unwrap_or(0) >= 10).then_some(())))?;
    std::thread::sleep(Duration::from_secs(2));
    let bodies = seen.lock().map(|s| s.clone()).unwrap_or_default();
    let numbers: Vec<u64> = bodies
        .iter()
        .filter_map(|b| serde_json::from_str::<Value>(b).ok())
        .filter_map(|b| b["submission"]["id"].as_str().and_then(seeded_number))
        .collect();
    ensure!(numbers.len() == 10 && numbers.iter().all(|&n| n >= KEPT_FROM), "delivered only the kept events: {numbers:?}");
    ensure!(site.deliveries()?["pending"] == 0, "nothing of the expired submissions waits");
    Ok(())
}

#[test]
fn a_webhook_that_keeps_failing_stops_neither_retention_nor_its_retries() -> Result<()> {
    let site = Site::start("flaky")?;
    // A port nobody listens on: every delivery fails to connect.
    let closed = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    site.patch(json!({ "webhook": { "url": format!("http://127.0.0.1:{closed}/hook"), "comments": true } }))?;
    site.seed(0, 3 * BATCH, 40)?;
    site.rate(1)?;
    site.patch(json!({ "retention_days": 30 }))?;
    // A visitor rates while the batches run: counted, kept, and it does not push them back.
    wait_for("the first batch", Duration::from_secs(20), || Ok(site.summary()?["total"].as_u64().is_some_and(|t| t <= 3 * BATCH).then_some(())))?;
    site.rate(2)?;
    let done = wait_for("retention to finish", Duration::from_secs(30), || {
        let s = site.summary()?;
        Ok((s["total"] == 2).then_some(s))
    })?;
    recount_matches(&done, &site.export()?)?;
    // Retries go on after retention is done: the first event has failed again and again.
    let log = wait_for("the deliveries to be retried", Duration::from_secs(30), || {
        let d = site.deliveries()?;
        let attempts = d["deliveries"].as_array().map_or(0, |l| l.iter().filter(|a| a["outcome"] == "retrying").count());
        Ok((attempts >= 5).then_some(d))
    })?;
    ensure!(log["pending"] == 2, "both visitors' events wait for the next retry: {log}");
    Ok(())
}
