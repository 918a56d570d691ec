//! The per-channel counts (`channel_daily`, kept by triggers on every write) equal a recount of
//! the stored submissions: a seeded pseudo-random program of rating links made and clicked
//! (again, with other values), comments sent by their forms, widget ratings, and owner deletes
//! of both, on a site of one shard and one of three, after which the summary's `channels` (all
//! time, today, and a range before today) equal the export's submissions counted by channel.

use std::collections::BTreeMap;

use anyhow::{ensure, Context, Result};
use sayso_tests::api::{self, Answer};
use sayso_tests::edge::Edge;
use sayso_tests::{owner_app, unique_site, utc_day};
use serde_json::{json, Value};

const ORIGIN: &str = "https://shop.example.com";
const OPERATIONS: usize = 70;
const CAMPAIGNS: [&str; 3] = ["email", "qr", "receipt"];
/// Scales a link is made on, with their lowest and highest value.
const SCALES: [(&str, i64, i64); 2] = [("stars", 1, 5), ("nps", 0, 10)];

/// xorshift64*: the same program for the same seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// One link the program made: its token's URL without `?v=`, its scale and submission id.
struct Made {
    url: String,
    scale: (&'static str, i64, i64),
    id: String,
}

fn owner(edge: &Edge, method: &str, site: &str, path: &str, key: &str, body: Option<Value>) -> Result<Answer> {
    let auth = format!("Bearer {key}");
    let mut headers = vec![("authorization", auth.as_str())];
    if body.is_some() {
        headers.push(("content-type", "application/json"));
    }
    let body = body.map(|b| b.to_string());
    api::request(method, &format!("{}/v1/sites/{site}{path}", edge.url), &headers, body.as_deref().map(str::as_bytes))
}

/// `channel → (total, comments, scale → histogram)`, from summary `channels` or a recount.
type ByChannel = BTreeMap<String, (u64, u64, BTreeMap<String, BTreeMap<i64, u64>>)>;

fn from_summary(summary: &Value) -> ByChannel {
    let mut out = ByChannel::new();
    for channel in summary["channels"].as_array().cloned().unwrap_or_default() {
        let mut scales = BTreeMap::new();
        for scale in channel["scales"].as_array().cloned().unwrap_or_default() {
            let histogram = scale["histogram"].as_array().cloned().unwrap_or_default();
            let counts = histogram
                .iter()
                .filter(|b| b["count"].as_u64() != Some(0))
                .map(|b| (b["value"].as_i64().unwrap_or(-1), b["count"].as_u64().unwrap_or(0)));
            scales.insert(scale["scale"].as_str().unwrap_or("?").to_owned(), counts.collect());
        }
        out.insert(
            channel["channel"].as_str().unwrap_or("?").to_owned(),
            (channel["total"].as_u64().unwrap_or(0), channel["comments"].as_u64().unwrap_or(0), scales),
        );
    }
    out
}

fn recount(export: &[Value]) -> ByChannel {
    let mut out = ByChannel::new();
    for row in export {
        let entry = out.entry(row["channel"].as_str().unwrap_or("?").to_owned()).or_default();
        entry.0 += 1;
        entry.1 += u64::from(!row["comment"].is_null());
        let scale = entry.2.entry(row["scale"].as_str().unwrap_or("?").to_owned()).or_default();
        *scale.entry(row["value"].as_i64().unwrap_or(-1)).or_default() += 1;
    }
    out
}

/// One program on a new site of `shards` shards; answers the operations it stored.
fn program(edge: &Edge, seed: u64, shards: u32) -> Result<usize> {
    let site = unique_site("links-exact")?;
    let body = json!({ "id": site, "name": "Exact links", "origins": [ORIGIN], "widget": { "scale": "stars" }, "shards": shards,
        "limits": { "visitor_per_minute": 0, "site_per_minute": 0, "min_comment_ms": 0 } });
    let created = api::post(
        &format!("{}/v1/sites", edge.url),
        &[("authorization", &format!("Bearer {}", edge.admin_token)), ("content-type", "application/json")],
        body.to_string().as_bytes(),
    )?;
    ensure!(created.status == 201, "{created:?}");
    let key = created.json()["owner_key"].as_str().context("owner key")?.to_owned();
    edge.accept_every_scale(&site, &key)?;
    let mut rng = Rng(seed);
    let (mut links, mut web_ids, mut stored) = (Vec::<Made>::new(), Vec::<String>::new(), 0);
    for n in 0..OPERATIONS {
        match rng.below(10) {
            0..=1 => {
                let (campaign, scale) = (CAMPAIGNS[rng.below(CAMPAIGNS.len())], SCALES[rng.below(SCALES.len())]);
                let made = owner(edge, "POST", &site, "/links", &key, Some(json!({ "campaign": campaign, "scale": scale.0 })))?;
                ensure!(made.status == 201, "op {n}: {made:?}");
                let made = made.json();
                let url = made["links"][0]["url"].as_str().context("url")?.split('?').next().unwrap_or_default().to_owned();
                links.push(Made { url, scale, id: made["id"].as_str().context("id")?.to_owned() });
            }
            2..=5 if !links.is_empty() => {
                let link = &links[rng.below(links.len())];
                let value = link.scale.1 + rng.below((link.scale.2 - link.scale.1 + 1) as usize) as i64;
                let answer = if rng.below(3) == 0 {
                    let comment = if rng.below(4) == 0 { String::new() } else { format!("comment+{n}") };
                    let body = format!("v={value}&comment={comment}");
                    api::post(&link.url, &[("content-type", "application/x-www-form-urlencoded"), ("accept", "application/json")], body.as_bytes())?
                } else {
                    api::get(&format!("{}?v={value}", link.url), &[("accept", "application/json")])?
                };
                // 410: the owner deleted it; 409: past its revisions (never within this program's minutes).
                ensure!([200, 201, 410].contains(&answer.status), "op {n}: {answer:?}");
                stored += usize::from(answer.status != 410);
            }
            6..=7 => {
                let id = n as u64 + seed % 1000 * 1000;
                owner_app::rate(
                    edge,
                    &site,
                    ORIGIN,
                    owner_app::Rating { n: id, scale: "stars", value: 1 + (id % 5) as i64, page: "/", comment: None },
                )?;
                web_ids.push(format!("0190a6e2-7c1d-7abc-8def-{id:012x}"));
                stored += 1;
            }
            _ => {
                // An owner delete, of a link's submission (stored or not) or a widget's.
                let id = match (rng.below(2), links.is_empty(), web_ids.is_empty()) {
                    (0, false, _) | (_, false, true) => links[rng.below(links.len())].id.clone(),
                    (_, _, false) => web_ids.swap_remove(rng.below(web_ids.len())),
                    _ => continue,
                };
                let answer = owner(edge, "DELETE", &site, &format!("/feedback/{id}"), &key, None)?;
                ensure!([204, 404].contains(&answer.status), "op {n}: {answer:?}");
            }
        }
    }
    let export = owner(edge, "GET", &site, "/export.ndjson", &key, None)?;
    let rows: Vec<Value> = export.body.lines().map(serde_json::from_str).collect::<Result<_, _>>()?;
    let expected = recount(&rows);
    ensure!(expected.keys().any(|c| c != "web"), "seed {seed:x} rated through some link: {expected:?}");
    for range in ["", &format!("?from={0}&to={0}", utc_day(0)), &format!("?to={}", utc_day(-1))] {
        let summary = owner(edge, "GET", &site, &format!("/summary{range}"), &key, None)?;
        ensure!(summary.status == 200, "{summary:?}");
        let want = if range.contains("to=") && !range.contains("from=") { ByChannel::new() } else { expected.clone() };
        let got = from_summary(&summary.json());
        ensure!(got == want, "seed {seed:x}, {shards} shards, summary{range}: channels\n{got:?}\nrecounted\n{want:?}");
        let total: u64 = got.values().map(|c| c.0).sum();
        ensure!(summary.json()["total"] == total, "every rating in exactly one channel: {summary:?}");
    }
    println!("seed {seed:x}, {shards} shard(s): {stored} stored sends, {} rows, {} channels", rows.len(), expected.len());
    Ok(stored)
}

#[test]
fn every_channel_count_equals_a_recount_of_the_stored_submissions() -> Result<()> {
    let edge = Edge::shared()?;
    for (seed, shards) in [(0x11ee_0001, 1), (0x11ee_0002, 3), (0xc0ff_ee00, 1)] {
        ensure!(program(edge, seed, shards)? > 10, "the program stored something");
    }
    Ok(())
}
