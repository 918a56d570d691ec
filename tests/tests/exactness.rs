//! Every number the owner reads is exact: after a seeded pseudo-random program of creates,
//! edits, undos, owner deletes, resends, refused attempts, rows from earlier days and a
//! retention period, run against the real Worker under `wrangler dev`, each summary (all time,
//! ranges of days, one page, its pages walked to the end), the feedback list (walked to the
//! end, filtered and searched) and the dashboard's headline equal both the test's model of what
//! is stored and a recount of the export — just before the retention period and at the end.
//! Uses the seeding Worker (`bench` feature) for the rows of earlier days.

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, ensure, Context, Result};
use sayso_core::ranking::PRIOR_RATINGS;
use sayso_core::{RANKED_MIN_RATINGS, RANKED_PAGES, REVISIONS_MAX, SUMMARY_PAGES_DEFAULT};
use sayso_tests::api::{self, Answer};
use sayso_tests::edge::{Edge, EdgeOptions};
use sayso_tests::{paths, wait_for};
use serde_json::{json, Value};

const ORIGIN: &str = "https://docs.example.com";
/// One program (and one site) per seed. Each operation is a real request, so a few seeds of a
/// few hundred operations keep the whole file near a minute.
const SEEDS: [u64; 4] = [0x5eed_0001, 0x5eed_0002, 0xdead_beef, 0x0bad_cafe];
/// Operations per program.
const OPERATIONS: usize = 220;
const DAY_MS: i64 = 86_400_000;
/// The retention period each program sets once: the rows seeded 45 and 200 days ago go, those
/// seeded 1 to 12 days ago stay (the alarm's cutoff is now minus the period, to the ms).
const RETENTION_DAYS: i64 = 30;
/// How far the Worker's clock may read from the test's, around one request (same machine).
const CLOCK_SLACK_MS: i64 = 1_000;
/// Each scale as summaries list them (`Scale::ALL`'s order), with its lowest and highest value.
const SCALES: [(&str, i64, i64); 5] = [("thumbs", 0, 1), ("stars", 1, 5), ("nps", 0, 10), ("emoji", 1, 5), ("csat", 1, 5)];
/// The pages visitors rate, most visited first (picked Zipf-like, so the last are a long tail);
/// three are also pages the seeding Worker rates (`/p/N`), so live and old rows share a page.
const PAGES: [&str; 30] = [
    "/",
    "/pricing",
    "/docs",
    "/docs/install",
    "/p/3",
    "/blog",
    "/docs/api",
    "/signup",
    "/about",
    "/p/17",
    "/login",
    "/blog/launch",
    "/docs/faq",
    "/changelog",
    "/contact",
    "/docs/widget",
    "/p/42",
    "/docs/webhooks",
    "/legal/privacy",
    "/legal/terms",
    "/status",
    "/careers",
    "/examples/a",
    "/examples/b",
    "/blog/rust-at-the-edge",
    "/docs/api/v2",
    "/long/tail/1",
    "/long/tail/2",
    "/long/tail/3",
    "/long/tail/4",
];
/// Comment words; one capitalized, so search is seen to ignore ASCII case.
const WORDS: [&str; 12] = ["slow", "Broken", "great", "checkout", "search", "confusing", "love", "typo", "dark", "price", "login", "fast"];
/// Locales sent, and what the edge keeps of each (the bundled language the tag names).
const LOCALES: [(&str, &str); 3] = [("en", "en"), ("de", "de"), ("pt-BR", "pt")];
/// The `plan` attribute's values the pages send (a quarter of submissions send none).
const PLANS: [&str; 3] = ["free", "pro", "team"];

/// xorshift64*: the same program for the same seed, on every machine.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng((seed ^ 0x9e37_79b9_7f4a_7c15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn percent(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }

    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// The UTC day (`YYYY-MM-DD`) of `ms`, as the Worker's SQLite `date(ms / 1000, 'unixepoch')`
/// names it.
fn day_of(ms: i64) -> String {
    sayso_core::format_day(ms.div_euclid(DAY_MS))
}

/// Percent-encodes a query value (everything but unreserved characters).
fn encode(text: &str) -> String {
    text.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// A submission as the test believes it is stored.
#[derive(Clone, Debug)]
struct Row {
    scale: &'static str,
    value: i64,
    comment: Option<String>,
    page: String,
    /// The locale sent, and the one stored.
    locale: (&'static str, &'static str),
    client_ts: i64,
    rev: u32,
    /// Revisions stored, the first send included.
    revisions: u32,
    /// The key it was sent with (its receipt), if any.
    key: Option<String>,
    /// The test's clock before and after the request that stored it first (ms).
    received: (i64, i64),
    /// The same around the request that stored its current revision.
    updated: (i64, i64),
    /// For a row of the seeding Worker, how many days ago it "arrived"; 0 for live ones.
    days_ago: i64,
    /// Its place in the order submissions were first stored (a search lists in that order).
    stored_as: u64,
    /// The page's `plan` attribute, if it sent one (the only attribute of these programs).
    plan: Option<&'static str>,
}

/// One submission as the counts see it.
#[derive(Clone, Debug)]
struct Counted {
    day: String,
    page: String,
    scale: String,
    value: i64,
    commented: bool,
    /// The `plan` attribute, if any.
    plan: Option<String>,
}

/// What a summary is limited to.
#[derive(Clone, Debug, Default)]
struct Range {
    from: Option<String>,
    to: Option<String>,
    page: Option<String>,
}

impl Range {
    fn query(&self) -> String {
        let parts = [("from", &self.from), ("to", &self.to), ("page", &self.page)];
        parts.iter().filter_map(|(name, v)| v.as_ref().map(|v| format!("{name}={}", encode(v)))).collect::<Vec<_>>().join("&")
    }

    fn holds(&self, c: &Counted) -> bool {
        self.from.as_ref().is_none_or(|f| c.day >= *f)
            && self.to.as_ref().is_none_or(|t| c.day <= *t)
            && self.page.as_ref().is_none_or(|p| c.page == *p)
    }
}

/// Half away from zero, as the summary documents its rounding.
fn round_half_away(x: f64) -> f64 {
    (if x < 0.0 { x - 0.5 } else { x + 0.5 }) as i64 as f64
}

fn round1(x: f64) -> f64 {
    round_half_away(x * 10.0) / 10.0
}

fn round2(x: f64) -> f64 {
    round_half_away(x * 100.0) / 100.0
}

/// A scale's numbers over `rows` (core/src/summary.rs's `ScaleSummary`), recounted here; `None`
/// when it has no ratings. A `null` stands for a field that must be absent.
fn scale_numbers((name, lo, hi): (&str, i64, i64), rows: &[&Counted]) -> Option<Value> {
    let on: Vec<&&Counted> = rows.iter().filter(|r| r.scale == name).collect();
    if on.is_empty() {
        return None;
    }
    let count = on.len() as u64;
    let of = |v: i64| on.iter().filter(|r| r.value == v).count() as u64;
    let histogram: Vec<Value> = (lo..=hi).map(|v| json!({ "value": v, "count": of(v) })).collect();
    let sum: i64 = on.iter().map(|r| r.value).sum();
    let at_least = |v: i64| on.iter().filter(|r| r.value >= v).count() as u64;
    let share = |n: u64| round1(n as f64 * 100.0 / count as f64);
    let mean = round2(sum as f64 / count as f64);
    let five_point = matches!(name, "stars" | "emoji" | "csat");
    let csat = five_point.then(|| share(at_least(4)));
    let nps = (name == "nps").then(|| {
        let in_range = |a: i64, b: i64| on.iter().filter(|r| (a..=b).contains(&r.value)).count() as u64;
        let (promoters, passives, detractors) = (in_range(9, 10), in_range(7, 8), in_range(0, 6));
        let score = round1((promoters as f64 - detractors as f64) * 100.0 / count as f64);
        (score, json!({ "score": score, "promoters": promoters, "passives": passives, "detractors": detractors }))
    });
    let score = match name {
        "thumbs" => share(at_least(1)),
        "nps" => nps.as_ref().map_or(0.0, |n| n.0),
        "csat" => csat.unwrap_or(0.0),
        _ => mean,
    };
    Some(json!({
        "scale": name, "count": count, "comments": on.iter().filter(|r| r.commented).count(), "mean": mean, "score": score,
        "csat": csat, "histogram": histogram, "nps": nps.map(|n| n.1),
    }))
}

/// A day's or a page's headline numbers (`Slice`).
fn slice(key: &str, rows: &[&Counted]) -> Value {
    let scores: Vec<Value> = SCALES
        .iter()
        .filter_map(|s| scale_numbers(*s, rows))
        .map(|s| json!({ "scale": s["scale"], "count": s["count"], "score": s["score"] }))
        .collect();
    json!({ "key": key, "count": rows.len(), "comments": rows.iter().filter(|r| r.commented).count(), "scores": scores })
}

/// The summary of `rows` limited to `range`, recounted: every field but the page list, and the
/// page list ranked in full (most rated first, ties by path).
fn recount(site: &str, rows: &[Counted], range: &Range) -> (Value, Vec<Value>) {
    let kept: Vec<&Counted> = rows.iter().filter(|r| range.holds(r)).collect();
    let scales: Vec<Value> = SCALES.iter().filter_map(|s| scale_numbers(*s, &kept)).collect();
    let mut days: BTreeMap<&str, Vec<&Counted>> = BTreeMap::new();
    let mut pages: BTreeMap<&str, Vec<&Counted>> = BTreeMap::new();
    for r in &kept {
        days.entry(r.day.as_str()).or_default().push(r);
        pages.entry(r.page.as_str()).or_default().push(r);
    }
    let mut ranked: Vec<(usize, &str, Value)> = pages.iter().map(|(page, rows)| (rows.len(), *page, slice(page, rows))).collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    // Best and worst: on the scale with most ratings (the later in `SCALES` on a tie), among the
    // RANKED_PAGES most-rated pages but `(other)` those with at least RANKED_MIN_RATINGS on it,
    // by their score shrunk toward the site's (PRIOR_RATINGS ratings at the site's score on that
    // scale): the lowest is worst, the highest best; ties go to more ratings, then the path.
    let mut main: Option<(&str, u64, f64)> = None;
    for s in &scales {
        let count = s["count"].as_u64().unwrap_or(0);
        if main.is_none_or(|(_, most, _)| count >= most) {
            main = s["scale"].as_str().map(|name| (name, count, s["score"].as_f64().unwrap_or(0.0)));
        }
    }
    let mut candidates: Vec<(&str, u64, f64)> = ranked
        .iter()
        .take(RANKED_PAGES)
        .filter(|(_, page, _)| *page != sayso_core::OTHER_PAGE)
        .filter_map(|(_, page, slice)| {
            let (name, _, site_score) = main?;
            let score = slice["scores"].as_array()?.iter().find(|s| s["scale"] == name)?;
            let (n, raw) = (score["count"].as_u64()?, score["score"].as_f64()?);
            let shrunk = (PRIOR_RATINGS * site_score + n as f64 * raw) / (PRIOR_RATINGS + n as f64);
            (n >= RANKED_MIN_RATINGS).then_some((*page, n, shrunk))
        })
        .collect();
    candidates.sort_by(|a, b| a.2.total_cmp(&b.2).then(b.1.cmp(&a.1)).then(a.0.cmp(b.0)));
    let (worst, best) = (candidates.first().map(|c| c.0), candidates.last().map(|c| c.0));
    let head = json!({
        "site": site, "from": range.from, "to": range.to, "page": range.page,
        "total": kept.len(), "comments": kept.iter().filter(|r| r.commented).count(), "scales": scales,
        "days": days.iter().map(|(day, rows)| slice(day, rows)).collect::<Vec<_>>(),
        "pages_total": ranked.len(),
        "best_page": best, "worst_page": worst,
    });
    (head, ranked.into_iter().map(|r| r.2).collect())
}

/// Where `actual` first differs from `expected`: every key `expected` names is compared (a
/// `null` expected means absent or null; keys it does not name are not looked at), numbers by
/// value. Counts each leaf compared in `compared`.
fn first_difference(path: &str, expected: &Value, actual: &Value, compared: &mut usize) -> Option<String> {
    match expected {
        Value::Object(fields) => {
            fields.iter().find_map(|(k, e)| first_difference(&format!("{path}.{k}"), e, actual.get(k).unwrap_or(&Value::Null), compared))
        }
        Value::Array(items) => {
            let Some(got) = actual.as_array() else {
                return Some(format!("{path}: expected a list of {}, the Worker answered {actual}", items.len()));
            };
            for (i, e) in items.iter().enumerate() {
                let Some(a) = got.get(i) else {
                    return Some(format!("{path}: expected {} entries, the Worker answered {} (the first missing: {e})", items.len(), got.len()));
                };
                if let Some(d) = first_difference(&format!("{path}[{i}]"), e, a, compared) {
                    return Some(d);
                }
            }
            (got.len() > items.len()).then(|| {
                format!("{path}: expected {} entries, the Worker answered {} (the first extra: {})", items.len(), got.len(), got[items.len()])
            })
        }
        Value::Number(e) => {
            *compared += 1;
            (actual.as_f64() != e.as_f64()).then(|| format!("{path}: expected {expected}, the Worker answered {actual}"))
        }
        _ => {
            *compared += 1;
            (expected != actual).then(|| format!("{path}: expected {expected}, the Worker answered {actual}"))
        }
    }
}

/// What a program exercised, for its line of output (and to prove it did).
#[derive(Default, Debug)]
struct Exercised {
    created: u32,
    edited: u32,
    resent: u32,
    undone: u32,
    deleted: u32,
    refused: u32,
    expired: u32,
    compared: usize,
}

/// One seed's program against its own site, with the model of what the site stores.
struct Program<'a> {
    edge: &'a Edge,
    site: String,
    owner: String,
    seed: u64,
    rng: Rng,
    /// The submissions stored, by id.
    live: BTreeMap<String, Row>,
    /// Submissions deleted by an undo or the owner (they leave a tombstone), by id.
    gone: BTreeMap<String, Row>,
    /// Ids made so far (they count up inside each id).
    ids_made: u32,
    /// Submissions stored so far (`Row::stored_as`).
    stored_count: u64,
    /// What the seeding Worker writes after the number in its pages (`/p/N`) and comments:
    /// nothing, or `.0` where its numbers reach SQLite as floats (read from a stored row).
    seeded_suffix: &'static str,
    tally: Exercised,
}

impl<'a> Program<'a> {
    fn new(edge: &'a Edge, seed: u64) -> Result<Program<'a>> {
        let site = format!("exact-{seed:x}");
        let owner = edge.create_site(&site, &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
        edge.accept_every_scale(&site, &owner)?;
        let (live, gone) = (BTreeMap::new(), BTreeMap::new());
        Ok(Program {
            edge,
            site,
            owner,
            seed,
            rng: Rng::new(seed),
            live,
            gone,
            ids_made: 0,
            stored_count: 0,
            seeded_suffix: "",
            tally: Exercised::default(),
        })
    }

    fn url(&self, rest: &str) -> String {
        format!("{}/v1/sites/{}/{rest}", self.edge.url, self.site)
    }

    fn send(&self, id: &str, row: &Row) -> Result<Answer> {
        let mut body = json!({ "id": id, "site": self.site, "scale": row.scale, "value": row.value, "page": row.page, "locale": row.locale.0,
            "client_ts": row.client_ts, "widget_version": "0.1.0", "rev": row.rev });
        if let Some(comment) = &row.comment {
            body["comment"] = json!(comment);
        }
        if let Some(key) = &row.key {
            body["key"] = json!(key);
        }
        if let Some(plan) = row.plan {
            body["attributes"] = json!({ "plan": plan });
        }
        api::post(&self.url("feedback"), &[("content-type", "application/json"), ("origin", ORIGIN)], body.to_string().as_bytes())
    }

    fn delete(&self, id: &str, authorization: &str) -> Result<Answer> {
        api::request("DELETE", &self.url(&format!("feedback/{id}")), &[("authorization", authorization), ("origin", ORIGIN)], None)
    }

    fn owner_get(&self, rest: &str) -> Result<Value> {
        let answer = api::get(&self.url(rest), &[("authorization", &format!("Bearer {}", self.owner))])?;
        ensure!(answer.status == 200, "GET {rest}: {answer:?}");
        Ok(answer.json())
    }

    /// Every stored submission, by id, from `export.ndjson`.
    fn export(&self) -> Result<BTreeMap<String, Value>> {
        let answer = api::get(&self.url("export.ndjson"), &[("authorization", &format!("Bearer {}", self.owner))])?;
        ensure!(answer.status == 200, "export: {answer:?}");
        let mut rows = BTreeMap::new();
        for line in answer.body.lines() {
            let row: Value = serde_json::from_str(line).with_context(|| format!("export line {line:?}"))?;
            let id = row["id"].as_str().context("an exported row without an id")?.to_owned();
            ensure!(rows.insert(id.clone(), row).is_none(), "the export holds {id} twice");
        }
        Ok(rows)
    }

    /// A new id: a UUIDv7 of the test's clock whose next bits count the program's creates, so
    /// ids sort in the order they were created (and the newest-first list is predictable).
    fn new_id(&mut self) -> String {
        self.ids_made += 1;
        let t = format!("{:012x}", now_ms() & 0xffff_ffff_ffff);
        format!("{}-{}-7{:03x}-8{:03x}-{:012x}", &t[..8], &t[8..], self.ids_made, self.seed & 0xfff, self.rng.next() & 0xffff_ffff_ffff)
    }

    /// The next place in the order submissions are first stored.
    fn next_stored(&mut self) -> u64 {
        self.stored_count += 1;
        self.stored_count
    }

    fn new_key(&mut self) -> String {
        format!("{:016x}{:016x}", self.rng.next(), self.rng.next())
    }

    fn page(&mut self) -> String {
        // Zipf-like: page k with weight 1/(k+1).
        let weights: Vec<u64> = (0..PAGES.len() as u64).map(|k| 10_000 / (k + 1)).collect();
        let mut roll = self.rng.next() % weights.iter().sum::<u64>();
        for (page, w) in PAGES.iter().zip(&weights) {
            if roll < *w {
                return if page.starts_with("/p/") { format!("{page}{}", self.seeded_suffix) } else { (*page).to_owned() };
            }
            roll -= w;
        }
        PAGES[0].to_owned()
    }

    fn comment(&mut self) -> String {
        let n = 1 + self.rng.below(4);
        (0..n).map(|_| WORDS[self.rng.below(WORDS.len())]).collect::<Vec<_>>().join(" ")
    }

    fn scale(&mut self) -> &'static str {
        match self.rng.below(100) {
            0..=39 => "stars",
            40..=59 => "nps",
            60..=74 => "thumbs",
            75..=89 => "emoji",
            _ => "csat",
        }
    }

    fn value_on(&mut self, scale: &str) -> i64 {
        let (_, lo, hi) = SCALES.iter().copied().find(|s| s.0 == scale).unwrap_or(SCALES[1]);
        self.rng.between(lo, hi)
    }

    /// A value on the row's scale other than its own.
    fn other_value(&mut self, row: &Row) -> i64 {
        let (_, lo, hi) = SCALES.iter().copied().find(|s| s.0 == row.scale).unwrap_or(SCALES[1]);
        lo + (row.value - lo + 1 + self.rng.between(0, hi - lo - 1)) % (hi - lo + 1)
    }

    /// A stored submission's id, among those `fits`, picked at random.
    fn pick(&mut self, fits: impl Fn(&Row) -> bool) -> Option<String> {
        let ids: Vec<&String> = self.live.iter().filter(|(_, r)| fits(r)).map(|(id, _)| id).collect();
        (!ids.is_empty()).then(|| ids[self.rng.below(ids.len())].clone())
    }

    /// Rows stored today with a key: the ones a visitor can still edit and undo.
    fn editable(r: &Row) -> bool {
        r.key.is_some() && r.days_ago == 0
    }

    /// Sends `row` as submission `id` and expects `status` with `outcome`; answers the test's
    /// clock before and after.
    fn expect_stored(&self, id: &str, row: &Row, status: u16, outcome: &str) -> Result<(i64, i64)> {
        let before = now_ms();
        let answer = self.send(id, row)?;
        let after = now_ms();
        let body = answer.json();
        if answer.status == status && body["status"] == outcome && body["id"] == id && body["receipt"] == json!(row.key) {
            return Ok((before, after));
        }
        let stored = self.export().ok().and_then(|rows| rows.get(id).cloned());
        bail!("{id} rev {} expected {status} {outcome} with its own receipt: {answer:?}; sent {row:?}, stored {stored:?}", row.rev)
    }

    fn expect_refused(answer: &Answer, status: u16, code: &str, what: &str) -> Result<()> {
        ensure!(answer.status == status && answer.error_code().as_deref() == Some(code), "{what}: expected {status} {code}, got {answer:?}");
        Ok(())
    }

    fn create(&mut self) -> Result<()> {
        let id = self.new_id();
        let scale = self.scale();
        let value = self.value_on(scale);
        let comment = self.rng.percent(30).then(|| self.comment());
        let page = self.page();
        let locale = LOCALES[if self.rng.percent(70) { 0 } else { 1 + self.rng.below(2) }];
        let key = self.rng.percent(90).then(|| self.new_key());
        let client_ts = now_ms() - self.rng.between(0, 5_000);
        let mut row = Row {
            scale,
            value,
            comment,
            page,
            locale,
            client_ts,
            rev: 0,
            revisions: 1,
            key,
            received: (0, 0),
            updated: (0, 0),
            days_ago: 0,
            stored_as: 0,
            plan: None,
        };
        row.plan = self.rng.percent(75).then(|| PLANS[self.rng.below(PLANS.len())]);
        let window = self.expect_stored(&id, &row, 201, "created")?;
        (row.received, row.updated, row.stored_as) = (window, window, self.next_stored());
        self.live.insert(id, row);
        self.tally.created += 1;
        Ok(())
    }

    /// The next revision of `id` by its key: a new value, a comment added, changed or removed,
    /// a move to another page, another scale or locale, in any mix.
    fn edit_of(&mut self, id: &str) -> Result<()> {
        let Some(mut row) = self.live.get(id).cloned() else { bail!("{id} is not stored") };
        row.rev += if self.rng.percent(20) { 2 } else { 1 };
        if self.rng.percent(10) {
            row.scale = self.scale();
            row.value = self.value_on(row.scale);
        } else if self.rng.percent(65) {
            row.value = self.other_value(&row);
        }
        if self.rng.percent(40) {
            row.comment = match row.comment {
                Some(_) if self.rng.percent(50) => None,
                _ => Some(self.comment()),
            };
        }
        if self.rng.percent(25) {
            row.page = self.page();
        }
        if self.rng.percent(10) {
            row.locale = LOCALES[self.rng.below(LOCALES.len())];
        }
        if self.rng.percent(20) {
            row.client_ts += 1_000;
        }
        if self.rng.percent(15) {
            row.plan = self.rng.percent(75).then(|| PLANS[self.rng.below(PLANS.len())]);
        }
        row.updated = self.expect_stored(id, &row, 200, "updated")?;
        row.revisions += 1;
        self.live.insert(id.to_owned(), row);
        self.tally.edited += 1;
        Ok(())
    }

    fn edit(&mut self) -> Result<()> {
        match self.pick(|r| Self::editable(r) && r.revisions < REVISIONS_MAX) {
            Some(id) => self.edit_of(&id),
            None => self.create(),
        }
    }

    /// A copy of the stored revision (a retry, a beacon): `duplicate`; with an older `rev`
    /// (and another value), `superseded`. Neither changes anything.
    fn resend(&mut self) -> Result<()> {
        let Some(id) = self.pick(|_| true) else { return self.create() };
        let row = self.live[&id].clone();
        self.expect_stored(&id, &row, 200, "duplicate")?;
        if row.rev > 0 && self.rng.percent(50) {
            let older = Row { rev: row.rev - 1, value: self.other_value(&row), ..row.clone() };
            self.expect_stored(&id, &older, 200, "superseded")?;
        }
        self.tally.resent += 1;
        Ok(())
    }

    fn undo(&mut self) -> Result<()> {
        let Some(id) = self.pick(Self::editable) else { return self.create() };
        let row = self.live.remove(&id).context("picked")?;
        let answer = self.delete(&id, &format!("Receipt {}", row.key.as_deref().unwrap_or_default()))?;
        ensure!(answer.status == 204, "undo of {id}: {answer:?}");
        self.gone.insert(id, row);
        self.tally.undone += 1;
        Ok(())
    }

    fn owner_delete(&mut self) -> Result<()> {
        let Some(id) = self.pick(|_| true) else { return self.create() };
        let row = self.live.remove(&id).context("picked")?;
        let answer = self.delete(&id, &format!("Bearer {}", self.owner))?;
        ensure!(answer.status == 204, "owner's delete of {id}: {answer:?}");
        self.gone.insert(id, row);
        self.tally.deleted += 1;
        Ok(())
    }

    /// An attempt the Worker must refuse, and which must change nothing.
    fn refused(&mut self) -> Result<()> {
        let kind = self.rng.below(9);
        let done = match kind {
            // Another key's next revision.
            0 => match self.pick(Self::editable) {
                Some(id) => {
                    let row = self.live[&id].clone();
                    let forged = Row { rev: row.rev + 1, value: self.other_value(&row), key: Some(self.new_key()), ..row };
                    Self::expect_refused(&self.send(&id, &forged)?, 403, "not_author", "an edit with another key")?;
                    true
                }
                None => false,
            },
            // The next revision of one sent without a key (live or seeded), with a key or none.
            1 => match self.pick(|r| r.key.is_none()) {
                Some(id) => {
                    let row = self.live[&id].clone();
                    let key = self.rng.percent(50).then(|| self.new_key());
                    let forged = Row { rev: row.rev + 1, value: self.other_value(&row), key, ..row };
                    Self::expect_refused(&self.send(&id, &forged)?, 403, "not_author", "an edit of a submission sent without a key")?;
                    true
                }
                None => false,
            },
            // The same revision with other content.
            2 => match self.pick(Self::editable) {
                Some(id) => {
                    let row = self.live[&id].clone();
                    let conflicting = Row { value: self.other_value(&row), ..row };
                    Self::expect_refused(&self.send(&id, &conflicting)?, 409, "edit_conflict", "the same rev with another value")?;
                    true
                }
                None => false,
            },
            // An undo with a receipt that is not the submission's.
            3 => match self.pick(|r| r.days_ago == 0) {
                Some(id) => {
                    let wrong = self.new_key();
                    let answer = self.delete(&id, &format!("Receipt {wrong}"))?;
                    Self::expect_refused(&answer, 401, "unauthorized", "an undo with another receipt")?;
                    true
                }
                None => false,
            },
            // A late copy of a deleted submission.
            4 => match self.gone.keys().nth(self.rng.below(self.gone.len())).cloned() {
                Some(id) => {
                    let mut late = self.gone[&id].clone();
                    late.rev += u32::from(late.key.is_some() && self.rng.percent(50));
                    Self::expect_refused(&self.send(&id, &late)?, 410, "submission_deleted", "a late copy of a deleted submission")?;
                    true
                }
                None => false,
            },
            // Deleting a deleted one again.
            5 => match self.gone.keys().nth(self.rng.below(self.gone.len())).cloned() {
                Some(id) => {
                    let answer = self.delete(&id, &format!("Bearer {}", self.owner))?;
                    Self::expect_refused(&answer, 404, "feedback_not_found", "deleting a deleted submission")?;
                    true
                }
                None => false,
            },
            // Past REVISIONS_MAX: edits up to it (each one real), then one more.
            6 => match self.pick(|r| Self::editable(r) && r.rev + 1 < 900) {
                Some(id) => {
                    while self.live[&id].revisions < REVISIONS_MAX {
                        self.edit_of(&id)?;
                    }
                    let row = self.live[&id].clone();
                    let one_more = Row { rev: row.rev + 1, value: self.other_value(&row), ..row };
                    Self::expect_refused(&self.send(&id, &one_more)?, 409, "too_many_revisions", "a revision past the most")?;
                    true
                }
                None => false,
            },
            // An old row (sent without a key) edited with a key.
            7 => match self.pick(|r| r.days_ago > 0) {
                Some(id) => {
                    let row = self.live[&id].clone();
                    let forged = Row { rev: 1, value: self.other_value(&row), key: Some(self.new_key()), ..row };
                    Self::expect_refused(&self.send(&id, &forged)?, 403, "not_author", "an edit of an old row")?;
                    true
                }
                None => false,
            },
            // A delete with a key that is not the owner's.
            _ => match self.pick(|_| true) {
                Some(id) => {
                    let answer = self.delete(&id, "Bearer sk_not_the_owners_key")?;
                    Self::expect_refused(&answer, 401, "unauthorized", "a delete with another owner key")?;
                    true
                }
                None => false,
            },
        };
        if !done {
            return self.create();
        }
        self.tally.refused += 1;
        Ok(())
    }

    /// Rows from earlier days, through the seeding Worker: stars on `/p/N` (value `1 + n % 5`,
    /// every tenth with a comment), in batches numbered from `from`.
    fn seed_old_rows(&mut self) -> Result<()> {
        let big = self.seed == SEEDS[0];
        let batches = [
            (0, self.rng.between(30, 60), 1),
            (1_000, self.rng.between(20, 40), 3),
            (2_000, self.rng.between(10, 30), 12),
            // More than one retention batch (the seeding Worker deletes 2,000 at a time) for one seed.
            (3_000, if big { 1_500 } else { self.rng.between(50, 200) }, 45),
            (6_000, if big { 700 } else { self.rng.between(10, 60) }, 200),
        ];
        for (from, count, days_ago) in batches {
            let before = now_ms();
            let answer = api::post(
                &self.url("bench-seed"),
                &[("authorization", &format!("Bearer {}", self.edge.admin_token)), ("content-type", "application/json")],
                json!({ "from": from, "count": count, "days_ago": days_ago }).to_string().as_bytes(),
            )?;
            let after = now_ms();
            ensure!(answer.status == 200, "seeding {count} rows {days_ago} days ago: {answer:?}");
            let window = (before - days_ago * DAY_MS, after - days_ago * DAY_MS);
            for n in from..from + count {
                let row = Row {
                    scale: "stars",
                    value: 1 + n % 5,
                    comment: (n % 10 == 0).then(|| format!("seeded comment {n}")),
                    page: format!("/p/{}", n % 50),
                    locale: ("en", "en"),
                    client_ts: 1_763_900_000_000 + n,
                    rev: 0,
                    revisions: 1,
                    key: None,
                    received: window,
                    updated: window,
                    days_ago,
                    // A batch goes in in its numbers' order, after the batches before it.
                    stored_as: self.next_stored(),
                    plan: None,
                };
                self.live.insert(format!("00000000-0000-7000-8000-{n:012x}"), row);
            }
        }
        // The newest seeded row (the last of the first batch) says how its pages are named.
        let (from, count, _) = batches[0];
        let newest = self.owner_get("feedback?limit=1")?;
        let page = newest["items"][0]["page"].as_str().unwrap_or_default().to_owned();
        let plain = format!("/p/{}", (from + count - 1) % 50);
        ensure!(
            newest["items"][0]["id"] == format!("00000000-0000-7000-8000-{:012x}", from + count - 1)
                && (page == plain || page == format!("{plain}.0")),
            "the newest seeded row: {newest}"
        );
        self.seeded_suffix = if page == plain { "" } else { ".0" };
        for row in self.live.values_mut() {
            row.page.push_str(self.seeded_suffix);
            if let Some(comment) = &mut row.comment {
                comment.push_str(self.seeded_suffix);
            }
        }
        Ok(())
    }

    /// Sets the retention period and waits until the alarm has deleted every row older than it.
    fn retain(&mut self) -> Result<()> {
        let answer = api::request(
            "PATCH",
            &format!("{}/v1/sites/{}", self.edge.url, self.site),
            &[("authorization", &format!("Bearer {}", self.owner)), ("content-type", "application/json")],
            Some(json!({ "retention_days": RETENTION_DAYS }).to_string().as_bytes()),
        )?;
        ensure!(answer.status == 200 && answer.json()["retention_days"] == RETENTION_DAYS, "setting retention: {answer:?}");
        let expired: Vec<String> = self.live.iter().filter(|(_, r)| r.days_ago > RETENTION_DAYS).map(|(id, _)| id.clone()).collect();
        wait_for("the alarm to delete the rows past the retention period", Duration::from_secs(60), || {
            let stored = self.export()?;
            if expired.iter().any(|id| stored.contains_key(id)) {
                std::thread::sleep(Duration::from_millis(250));
                return Ok(None);
            }
            Ok(Some(()))
        })?;
        for id in &expired {
            self.live.remove(id);
        }
        self.tally.expired = expired.len() as u32;
        Ok(())
    }

    /// The program: old rows, then the operations with the retention period set once among
    /// them, every read verified just before it (the old rows still there) and at the end.
    fn run(&mut self) -> Result<()> {
        self.seed_old_rows()?;
        let retain_at = self.rng.between(OPERATIONS as i64 / 3, OPERATIONS as i64) as usize;
        for n in 0..OPERATIONS {
            if n == retain_at {
                self.verify().with_context(|| format!("before the retention period, after {n} operations"))?;
                self.retain()?;
            }
            let step = match self.rng.below(100) {
                0..=37 => self.create(),
                38..=57 => self.edit(),
                58..=67 => self.resend(),
                68..=75 => self.undo(),
                76..=82 => self.owner_delete(),
                _ => self.refused(),
            };
            step.with_context(|| format!("operation {n}"))?;
        }
        if retain_at == OPERATIONS {
            self.verify().context("before the retention period, after every operation")?;
            self.retain()?;
        }
        self.verify().context("after the program")
    }

    /// Compares, by `what`, the recount of `expected` with the Worker's `actual`.
    fn compare(&mut self, what: &str, expected: &Value, actual: &Value) -> Result<()> {
        match first_difference("", expected, actual, &mut self.tally.compared) {
            Some(difference) => bail!("{what}: {difference}"),
            None => Ok(()),
        }
    }

    /// The stored rows are the model's, field by field, each received and last changed while
    /// the test's request for it was under way; answers them as the counts see them, twice: the
    /// model's (its day from its request, or from the stored time where the request straddled
    /// midnight) and the export's.
    fn stored_rows(&mut self, stored: &BTreeMap<String, Value>) -> Result<(Vec<Counted>, Vec<Counted>)> {
        if let Some(id) = self.live.keys().find(|id| !stored.contains_key(*id)) {
            bail!("{id} is missing from the export ({} stored, {} expected)", stored.len(), self.live.len());
        }
        if let Some(id) = stored.keys().find(|id| !self.live.contains_key(*id)) {
            bail!("the export holds {id}, which should not be stored: {}", stored[id]);
        }
        let mut model = Vec::new();
        for (id, row) in &self.live {
            let s = &stored[id];
            let expected = json!({ "id": id, "scale": row.scale, "value": row.value, "comment": row.comment, "page": row.page,
                "locale": row.locale.1, "client_ts": row.client_ts, "rev": row.rev, "attributes": row.plan.map(|p| json!({ "plan": p })) });
            if let Some(d) = first_difference("", &expected, s, &mut self.tally.compared) {
                bail!("export.ndjson, {id}: {d}");
            }
            let (received_at, updated_at) = (s["received_at"].as_i64().unwrap_or(-1), s["updated_at"].as_i64().unwrap_or(-1));
            let within = |t: i64, (lo, hi): (i64, i64)| lo - CLOCK_SLACK_MS <= t && t <= hi + CLOCK_SLACK_MS;
            ensure!(within(received_at, row.received), "export.ndjson, {id}: received_at {received_at} outside {:?}", row.received);
            ensure!(within(updated_at, row.updated), "export.ndjson, {id}: updated_at {updated_at} outside {:?}", row.updated);
            let (lo, hi) = (day_of(row.received.0 - CLOCK_SLACK_MS), day_of(row.received.1 + CLOCK_SLACK_MS));
            let day = if lo == hi { lo } else { day_of(received_at) };
            model.push(Counted {
                day,
                page: row.page.clone(),
                scale: row.scale.to_owned(),
                value: row.value,
                commented: row.comment.is_some(),
                plan: row.plan.map(str::to_owned),
            });
        }
        let export = stored
            .values()
            .map(|s| Counted {
                day: day_of(s["received_at"].as_i64().unwrap_or(-1)),
                page: s["page"].as_str().unwrap_or_default().to_owned(),
                scale: s["scale"].as_str().unwrap_or_default().to_owned(),
                value: s["value"].as_i64().unwrap_or(-1),
                commented: !s["comment"].is_null(),
                plan: s["attributes"]["plan"].as_str().map(str::to_owned),
            })
            .collect();
        Ok((model, export))
    }

    /// `GET …/summary?by=plan` limited to `range`: each value's ratings and comments, most rated
    /// first (ties by value), and those sent without a plan, against the recount of both.
    fn check_breakdown(&mut self, range: &Range, model: &[Counted], export: &[Counted]) -> Result<()> {
        let recount = |rows: &[Counted]| {
            let mut by: BTreeMap<Option<String>, (u64, u64)> = BTreeMap::new();
            for c in rows.iter().filter(|c| range.holds(c)) {
                let entry = by.entry(c.plan.clone()).or_default();
                entry.0 += 1;
                entry.1 += u64::from(c.commented);
            }
            let unset = by.remove(&None).map(|(total, comments)| json!({ "value": "", "total": total, "comments": comments }));
            let mut values: Vec<(String, u64, u64)> = by.into_iter().map(|(plan, (t, c))| (plan.unwrap_or_default(), t, c)).collect();
            values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let values: Vec<Value> = values.iter().map(|(v, t, c)| json!({ "value": v, "total": t, "comments": c })).collect();
            json!({ "key": "plan", "values_total": values.len(), "values": values, "unset": unset })
        };
        let query = range.query();
        let what = format!("summary?by=plan&{query}");
        let actual = self.owner_get(&what)?["breakdown"].clone();
        self.compare(&format!("{what} against the model"), &recount(model), &actual)?;
        self.compare(&format!("{what} against the export"), &recount(export), &actual)
    }

    /// `GET …/summary` limited to `range`, its pages walked `limit` at a time (the default
    /// window if `None`; none at all with 0) until the Worker says there are no more, against
    /// the recount of both.
    fn check_summary(&mut self, range: &Range, limit: Option<usize>, model: &[Counted], export: &[Counted]) -> Result<()> {
        let query = range.query();
        let (head, ranked) = recount(&self.site, model, range);
        let (head_e, ranked_e) = recount(&self.site, export, range);
        self.compare(&format!("the model's and the export's recount of summary?{query}"), &json!([&head, &ranked]), &json!([head_e, ranked_e]))?;
        if limit == Some(0) {
            // No pages asked for: the same totals and days, no page figures at all.
            let mut expected = json!({ "head": &head, "pages": [], "pages_cursor": null });
            (expected["head"]["pages_total"], expected["head"]["best_page"], expected["head"]["worst_page"]) = (json!(0), Value::Null, Value::Null);
            let ask = format!("{query}&pages_limit=0").trim_start_matches('&').to_owned();
            let actual = self.owner_get(&format!("summary?{ask}"))?;
            let answered = json!({ "head": actual, "pages": actual["pages"], "pages_cursor": actual["pages_cursor"] });
            return self.compare(&format!("summary?{ask}"), &expected, &answered);
        }
        let size = limit.unwrap_or(SUMMARY_PAGES_DEFAULT);
        let (mut offset, mut cursor) = (0, None::<String>);
        loop {
            let mut ask = query.clone();
            if let Some(limit) = limit {
                ask.push_str(&format!("&pages_limit={limit}"));
            }
            if let Some(cursor) = &cursor {
                ask.push_str(&format!("&pages_cursor={}", encode(cursor)));
            }
            let ask = ask.trim_start_matches('&').to_owned();
            let actual = self.owner_get(&format!("summary?{ask}"))?;
            let window: Vec<Value> = ranked.iter().skip(offset).take(size).cloned().collect();
            let next =
                (offset + size < ranked.len()).then(|| window.last().map(|p| format!("{}_{}", p["count"], p["key"].as_str().unwrap_or_default())));
            let expected = json!({ "head": &head, "pages": window, "pages_cursor": next.flatten() });
            let answered = json!({ "head": actual, "pages": actual["pages"], "pages_cursor": actual["pages_cursor"] });
            self.compare(&format!("summary?{ask}"), &expected, &answered)?;
            match actual["pages_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return Ok(()),
            }
            offset += size;
            ensure!(offset <= ranked.len(), "summary?{query}: the pages cursor goes past the last page");
        }
    }

    /// The model's stored rows that `fits`, in the list's order: newest first (received, then
    /// id; a program's ids grow with each create, and the rows of one seeded batch arrived in
    /// the same ms), or for a search (`q` of 3 characters or more, which the comment index
    /// answers) the last stored first, as the CHANGELOG documents.
    fn in_list_order(&self, search: bool, fits: impl Fn(&Row) -> bool) -> Vec<(&String, &Row)> {
        let mut rows: Vec<(&String, &Row)> = self.live.iter().filter(|(_, r)| fits(r)).collect();
        if search {
            rows.sort_by_key(|r| std::cmp::Reverse(r.1.stored_as));
        } else {
            rows.sort_by(|a, b| (b.1.received.0, b.0).cmp(&(a.1.received.0, a.0)));
        }
        rows
    }

    /// `GET …/feedback?{filter}` walked `limit` at a time to its end, against the model's rows
    /// that `fits` (in the list's order) and their stored times.
    fn check_list(&mut self, filter: &str, limit: usize, stored: &BTreeMap<String, Value>, fits: impl Fn(&Row) -> bool) -> Result<()> {
        let search = filter.split('&').any(|p| p.strip_prefix("q=").is_some_and(|q| q.len() >= 3));
        let expected: Vec<Value> = self
            .in_list_order(search, fits)
            .into_iter()
            .map(|(id, r)| {
                json!({ "id": id, "scale": r.scale, "value": r.value, "comment": r.comment, "page": r.page, "locale": r.locale.1,
                    "client_ts": r.client_ts, "rev": r.rev, "received_at": stored[id]["received_at"], "updated_at": stored[id]["updated_at"],
                    "attributes": r.plan.map(|p| json!({ "plan": p })) })
            })
            .collect();
        // Long lists (the old rows before retention) in larger pages: at most about a dozen.
        let limit = limit.max(expected.len() / 12 + 1);
        let (mut items, mut cursor) = (Vec::new(), None::<String>);
        for _ in 0..=expected.len() / limit + 1 {
            let mut ask = format!("{filter}&limit={limit}");
            if let Some(cursor) = &cursor {
                ask.push_str(&format!("&cursor={}", encode(cursor)));
            }
            let page = self.owner_get(&format!("feedback?{}", ask.trim_start_matches('&')))?;
            let got = page["items"].as_array().context("items")?;
            ensure!(got.len() <= limit, "feedback?{ask}: {} items for limit {limit}", got.len());
            items.extend(got.iter().cloned());
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return self.compare(&format!("feedback?{filter} (walked {limit} at a time)"), &json!(&expected), &json!(items)),
            }
        }
        bail!("feedback?{filter}: still a next_cursor after {} items, {} expected", items.len(), expected.len())
    }

    /// Every owner read against the model and the export's recount.
    fn verify(&mut self) -> Result<()> {
        let stored = self.export()?;
        let (model, export) = self.stored_rows(&stored)?;
        let (today, day) = (day_of(now_ms()), |ago: i64| day_of(now_ms() - ago * DAY_MS));
        let (_, ranked) = recount(&self.site, &model, &Range::default());
        let key = |i: usize| ranked.get(i).and_then(|p| p["key"].as_str()).unwrap_or("/").to_owned();
        let (most, middle, least) = (key(0), key(ranked.len() / 2), key(ranked.len().saturating_sub(1)));
        let some = |s: &str| Some(s.to_owned());
        let small = 3 + self.rng.below(7);
        let checks: Vec<(Range, Option<usize>)> = vec![
            (Range::default(), None),
            (Range::default(), Some(small)),
            (Range::default(), Some(0)),
            (Range { from: some(&today), to: some(&today), ..Range::default() }, Some(small + 2)),
            (Range { to: Some(day(1)), ..Range::default() }, None),
            (Range { from: Some(day(12)), to: Some(day(2)), ..Range::default() }, Some(small)),
            (Range { from: Some(day(3)), ..Range::default() }, Some(200)),
            (Range { from: Some(day(12)), to: Some(day(1)), ..Range::default() }, Some(0)),
            (Range { from: Some(day(400)), to: Some(day(40)), ..Range::default() }, None),
            (Range { page: some(&most), ..Range::default() }, None),
            (Range { page: some(&middle), ..Range::default() }, None),
            (Range { page: some(&least), ..Range::default() }, None),
            (Range { page: Some(format!("/p/3{}", self.seeded_suffix)), ..Range::default() }, None),
            (Range { page: some("/never/rated"), ..Range::default() }, None),
            (Range { from: some(&today), to: some(&today), page: some(&most) }, None),
            (Range { from: None, to: Some(day(1)), page: Some(format!("/p/17{}", self.seeded_suffix)) }, Some(1)),
        ];
        for (range, limit) in &checks {
            self.check_summary(range, *limit, &model, &export)?;
        }
        let word = WORDS[self.rng.below(WORDS.len())].to_ascii_lowercase();
        let limit = 20 + self.rng.below(40);
        self.check_list("", limit, &stored, |_| true)?;
        self.check_list(&format!("page={}", encode(&most)), 7, &stored, |r| r.page == most)?;
        self.check_list("has_comment=true", limit, &stored, |r| r.comment.is_some())?;
        self.check_list("has_comment=false", limit, &stored, |r| r.comment.is_none())?;
        self.check_list("min=3&max=4", limit, &stored, |r| (3..=4).contains(&r.value))?;
        // Search: a word, part of a word, a phrase some comment has (in upper case), a word no
        // comment has, and a word on one page; the model matches as documented (ASCII case
        // ignored, any substring, no wildcards).
        let long_words: Vec<&str> = WORDS.iter().copied().filter(|w| w.len() >= 5).collect();
        let part = long_words[self.rng.below(long_words.len())][1..4].to_ascii_lowercase();
        let phrases: Vec<String> = self
            .live
            .values()
            .filter_map(|r| r.comment.as_ref().filter(|_| r.days_ago == 0))
            .filter_map(|c| c.split(' ').nth(1).map(|second| format!("{} {second}", c.split(' ').next().unwrap_or_default())))
            .collect();
        let phrase = phrases.get(self.rng.below(phrases.len())).map_or_else(|| word.clone(), |p| p.to_ascii_uppercase());
        // "Seeded Comment" finds the old rows, whose batches were stored in another order than
        // they arrived (1, 3, 12, 45, then 200 days ago).
        for (q, size) in [(word.as_str(), 5), (part.as_str(), 11), (phrase.as_str(), 3), ("zyzzyva", 10), ("Seeded Comment", 9)] {
            let needle = q.to_ascii_lowercase();
            let fits = |r: &Row| r.comment.as_ref().is_some_and(|c| c.to_ascii_lowercase().contains(&needle));
            self.check_list(&format!("q={}", encode(q)), size, &stored, fits)?;
        }
        let on_page = |r: &Row| r.page == most && r.comment.as_ref().is_some_and(|c| c.to_ascii_lowercase().contains(&word));
        self.check_list(&format!("page={}&q={word}", encode(&most)), 4, &stored, on_page)?;
        self.check_list("has_comment=true&min=2&max=4", 6, &stored, |r| r.comment.is_some() && (2..=4).contains(&r.value))?;
        // The attribute's own index, alone and with other filters; and the breakdown by it.
        let plan = PLANS[self.rng.below(PLANS.len())];
        self.check_list(&format!("attribute=plan:{plan}"), 6, &stored, |r| r.plan == Some(plan))?;
        self.check_list(&format!("attribute=plan:{plan}&has_comment=true&min=2"), 4, &stored, |r| {
            r.plan == Some(plan) && r.comment.is_some() && r.value >= 2
        })?;
        // Up to yesterday: only seeded rows (no attributes), so a breakdown that ignored the range would show today's.
        let yesterday = Some(day_of(now_ms() - DAY_MS));
        for range in [Range::default(), Range { from: Some(day_of(now_ms())), ..Range::default() }, Range { to: yesterday, ..Range::default() }] {
            self.check_breakdown(&range, &model, &export)?;
        }
        // The dashboard's headline, over a year, today (against yesterday) and three days
        // (against the three before, which hold seeded rows).
        let today = now_ms().div_euclid(DAY_MS);
        for (from, to) in [(today - 365, today), (today, today), (today - 2, today)] {
            self.check_dashboard(from, to, &model)?;
        }
        Ok(())
    }

    /// `GET /dashboard/view` for the days `from` to `to` (days since 1970): the headline's score
    /// on the main scale, its change against as many days before, and its counts, against the
    /// recount of both periods.
    fn check_dashboard(&mut self, from: i64, to: i64, model: &[Counted]) -> Result<()> {
        let day = |d: i64| day_of(d * DAY_MS);
        let span = to - from + 1;
        let period = |from: i64, to: i64| Range { from: Some(day(from)), to: Some(day(to)), page: None };
        let (current, _) = recount(&self.site, model, &period(from, to));
        let (previous, _) = recount(&self.site, model, &period(from - span, from - 1));
        // The main scale: the most ratings, the later one on a tie (as the summary's rule).
        let scales = current["scales"].as_array().cloned().unwrap_or_default();
        let main = scales.iter().fold(None::<&Value>, |most, s| match most {
            Some(m) if m["count"].as_u64() > s["count"].as_u64() => most,
            _ => Some(s),
        });
        let shown = |s: &Value| {
            let score = s["score"].as_f64().unwrap_or(f64::NAN);
            match s["scale"].as_str() {
                Some("stars" | "emoji") => format!("{score:.1}"),
                Some("nps") => format!("{score:+.0}"),
                _ => format!("{score:.0}%"),
            }
        };
        let delta = main.and_then(|s| {
            let before = previous["scales"].as_array()?.iter().find(|p| p["scale"] == s["scale"])?;
            let change = s["score"].as_f64()? - before["score"].as_f64()?;
            let arrow = if change > 0.0 {
                "▲"
            } else if change < 0.0 {
                "▼"
            } else {
                "="
            };
            Some(format!("{arrow} {:.1} vs the previous {span} days", change.abs()))
        });
        let expected = json!({
            "score": main.map_or_else(|| "–".to_owned(), shown),
            "delta": delta,
            "counts": format!("{}</span> ratings · {} with a comment · {} to {} (UTC)", current["total"], current["comments"], day(from), day(to)),
        });
        let query = format!("site={}&from={}&to={}", self.site, day(from), day(to));
        let answer = api::get(&format!("{}/dashboard/view?{query}", self.edge.url), &[("authorization", &format!("Bearer {}", self.owner))])?;
        ensure!(answer.status == 200, "dashboard/view?{query}: {answer:?}");
        let html = answer.body.as_str();
        let between = |start: &str, end: &str| -> Option<String> {
            let at = html.find(start)? + start.len();
            html[at..].find(end).map(|len| html[at..at + len].to_owned())
        };
        let delta_shown = html.find("<div class=\"delta").and_then(|at| {
            let text = &html[at..];
            let open = text.find("\">")? + 2;
            text[open..].find("</div>").map(|len| text[open..open + len].to_owned())
        });
        let actual = json!({
            "score": between("id=\"headline-score\">", "<"),
            "delta": delta_shown,
            "counts": between("id=\"headline-total\">", "</div>"),
        });
        self.compare(&format!("dashboard/view?{query}"), &expected, &actual)
    }
}

#[test]
fn every_number_the_owner_reads_equals_a_recount_of_the_stored_submissions() -> Result<()> {
    let edge = Edge::start(EdgeOptions { entry: Some(paths::seeding_worker_entry()), ..EdgeOptions::default() })?;
    for seed in SEEDS {
        let started = Instant::now();
        let mut program = Program::new(&edge, seed)?;
        program.run().with_context(|| format!("seed {seed:#x} (site {})", program.site))?;
        let t = &program.tally;
        println!(
            "seed {seed:#x}: {} created, {} edited, {} resent, {} undone, {} deleted by the owner, {} refused, {} expired; \
             {} stored; {} values compared, all equal ({:.1} s)",
            t.created,
            t.edited,
            t.resent,
            t.undone,
            t.deleted,
            t.refused,
            t.expired,
            program.live.len(),
            t.compared,
            started.elapsed().as_secs_f64()
        );
        ensure!(
            [t.created, t.edited, t.resent, t.undone, t.deleted, t.refused, t.expired].iter().all(|n| *n > 0),
            "seed {seed:#x}: the program exercised every kind: {t:?}"
        );
    }
    Ok(())
}
