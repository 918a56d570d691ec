//! Hot sites beyond one object (issue 15, item 5): submissions/s to one site of 1, 2 and 4
//! shards on the same `wrangler dev`, and how evenly the shards shared them (each shard's calls,
//! from its own meter, `GET …/bench-meter?shard=K`).
//!
//! One local workerd process runs every object on the same two cores, so more objects need not
//! mean more submissions/s here: on Cloudflare each object is its own single-threaded actor
//! (soft limit ~1,000 requests/s), and the gain is that a site's submissions no longer queue
//! behind one. The per-object rates are the figure that carries over.

use std::fmt::Write as _;

use anyhow::{ensure, Context, Result};
use sayso_harness::api;
use sayso_harness::edge::Edge;
use serde_json::json;

use super::{drive, LOAD_ORIGIN, LOAD_TIME};
use crate::say;

/// The shard counts compared.
const SHARDS: [u32; 3] = [1, 2, 4];

/// One shard's calls answered so far (its instance's meter).
fn calls(edge: &Edge, site: &str, shard: u32) -> Result<u64> {
    let a =
        api::get(&format!("{}/v1/sites/{site}/bench-meter?shard={shard}", edge.url), &[("authorization", &format!("Bearer {}", edge.admin_token))])?;
    ensure!(a.status == 200, "bench-meter of {site} shard {shard}: {} {}", a.status, a.body);
    a.json()["calls"].as_u64().with_context(|| format!("bench-meter without calls: {}", a.body))
}

/// Creates `site` with `shards` and rate limits off; its owner key.
fn create(edge: &Edge, site: &str, shards: u32) -> Result<String> {
    let body = json!({ "id": site, "name": site, "origins": [LOAD_ORIGIN], "widget": { "scale": "nps" }, "shards": shards,
        "limits": { "visitor_per_minute": 0, "site_per_minute": 0, "min_comment_ms": 0 } });
    let bearer = format!("Bearer {}", edge.admin_token);
    let a = api::post(
        &format!("{}/v1/sites", edge.url),
        &[("authorization", &bearer), ("content-type", "application/json")],
        body.to_string().as_bytes(),
    )?;
    ensure!(a.status == 201, "creating {site}: {} {}", a.status, a.body);
    a.json()["owner_key"].as_str().map(str::to_owned).context("an owner key")
}

/// The section: one table row per shard count.
pub fn report(edge: &Edge, out: &mut String) -> Result<()> {
    writeln!(
        out,
        "\n## 7. One hot site over 1, 2 and 4 shards ({} client threads, {} s each, one site, on loopback)\n",
        super::CONCURRENCY,
        LOAD_TIME.as_secs()
    )?;
    writeln!(
        out,
        "| shards | 2xx | errors | submissions/s | p50 ms | p99 ms | calls/s per shard | stored |\n|---:|---:|---:|---:|---:|---:|---|---:|"
    )?;
    let mut base = None;
    for shards in SHARDS {
        let site = format!("hot-{shards}");
        say(&format!("shards: {site}, {} s of submissions", LOAD_TIME.as_secs()));
        let key = create(edge, &site, shards)?;
        let before: Vec<u64> = (0..shards).map(|k| calls(edge, &site, k)).collect::<Result<_>>()?;
        let url = format!("{}/v1/sites/{site}/feedback", edge.url);
        let load = drive(|n| {
            let body = json!({ "id": format!("0190a6e2-0000-7000-8{:03x}-{n:012x}", shards), "site": site, "scale": "nps", "value": n % 11,
                "page": "/load", "locale": "en", "client_ts": 1_763_900_000_000_u64, "widget_version": "0.1.0" })
            .to_string();
            api::post(&url, &[("content-type", "text/plain"), ("origin", LOAD_ORIGIN)], body.as_bytes()).is_ok_and(|a| a.status == 201)
        });
        let after: Vec<u64> = (0..shards).map(|k| calls(edge, &site, k)).collect::<Result<_>>()?;
        // The meter calls themselves are not counted by the meter; the summary below comes after.
        let rates: Vec<String> =
            before.iter().zip(&after).map(|(b, a)| format!("{:.0}", a.saturating_sub(*b) as f64 / LOAD_TIME.as_secs_f64())).collect();
        let stored = edge.summary(&site, &key)?["total"].as_u64().unwrap_or(0) as usize;
        let ratio = base.map_or(String::new(), |b: f64| format!(" ({:.2}x)", load.rps / b));
        base.get_or_insert(load.rps);
        writeln!(
            out,
            "| {shards} | {} | {} | {:.0}{ratio} | {:.1} | {:.1} | {} | {stored}{} |",
            load.ok,
            load.failed,
            load.rps,
            load.p50.as_secs_f64() * 1e3,
            load.p99.as_secs_f64() * 1e3,
            rates.join(" / "),
            if stored == load.ok { "" } else { " MISMATCH" }
        )?;
        ensure!(stored == load.ok, "{site}: stored {stored} but {} writes were acknowledged", load.ok);
    }
    writeln!(
        out,
        "\nEach shard's calls/s is what its object answered (a submission is one call to its shard; a shard's \
         refusal of another's submission would be a second, and the Worker routes by the map it learnt on the first). \
         One local workerd runs every object on the same cores, so the total need not grow with shards here; on \
         Cloudflare each shard is its own object, and the figure to read is that no shard takes more than its share."
    )?;
    Ok(())
}
