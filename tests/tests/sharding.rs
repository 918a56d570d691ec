//! A hot site spread over several objects (`shards`) answers as one object would: the same
//! submissions sent to a site of one shard and to a site of four give the same summaries,
//! lists, searches and export; every copy of a submission meets the shard that holds it (also
//! copies sent at once, and across a change of `shards`); and no request names a shard. Real
//! Worker under `wrangler dev` (one per test process, `Edge::shared`; each test on sites of its own), no mocks.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{ensure, Context, Result};
use sayso_tests::api::{self, Answer};
use sayso_tests::edge::Edge;
use sayso_tests::utc_day;
use serde_json::{json, Value};

const ORIGIN: &str = "https://shop.example";
const PAGES: [&str; 9] = ["/", "/cart", "/checkout", "/docs", "/docs/faq", "/blog", "/pricing", "/about", "/long/tail"];
const WORDS: [&str; 6] = ["slow", "great", "broken", "checkout", "price", "love"];

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// A UUIDv7 of `ms` whose next bits count up (`n`), so ids sort in the order they were made.
fn id_at(ms: i64, n: u32) -> String {
    let t = format!("{:012x}", ms & 0xffff_ffff_ffff);
    format!(
        "{}-{}-7{:03x}-8{:03x}-{:012x}",
        &t[..8],
        &t[8..],
        n & 0xfff,
        (n >> 12) & 0xfff,
        u64::from(n).wrapping_mul(0x9e37_79b9_7f4a) & 0xffff_ffff_ffff
    )
}

/// One site on the edge, with its owner key.
struct Site<'a> {
    edge: &'a Edge,
    id: String,
    owner: String,
}

impl<'a> Site<'a> {
    /// Creates `id` with `shards`, every scale accepted and `limits` (rate limits off if `None`).
    fn create(edge: &'a Edge, id: &str, shards: Value, limits: Option<Value>) -> Result<Site<'a>> {
        let limits = limits.unwrap_or(json!({ "visitor_per_minute": 0, "site_per_minute": 0, "min_comment_ms": 0 }));
        let body = json!({ "id": id, "name": id, "origins": [ORIGIN], "widget": { "scale": "stars" }, "limits": limits,
            "scales": ["thumbs", "stars", "emoji", "nps", "csat"], "shards": shards });
        let answer = create_raw(edge, &body)?;
        ensure!(answer.status == 201, "creating {id}: {answer:?}");
        let owner = answer.json()["owner_key"].as_str().context("an owner key")?.to_owned();
        Ok(Site { edge, id: id.to_owned(), owner })
    }

    fn url(&self, rest: &str) -> String {
        format!("{}/v1/sites/{}/{rest}", self.edge.url, self.id)
    }

    fn send(&self, submission: &Value) -> Result<Answer> {
        let mut body = submission.clone();
        body["site"] = json!(self.id);
        api::post(&self.url("feedback"), &[("content-type", "application/json"), ("origin", ORIGIN)], body.to_string().as_bytes())
    }

    fn undo(&self, id: &str, key: &str) -> Result<Answer> {
        api::request("DELETE", &self.url(&format!("feedback/{id}")), &[("authorization", &format!("Receipt {key}")), ("origin", ORIGIN)], None)
    }

    fn get(&self, rest: &str) -> Result<Value> {
        let answer = api::get(&self.url(rest), &[("authorization", &format!("Bearer {}", self.owner))])?;
        ensure!(answer.status == 200, "GET {} {rest}: {answer:?}", self.id);
        Ok(answer.json())
    }

    fn patch(&self, body: Value) -> Result<Answer> {
        api::request(
            "PATCH",
            &format!("{}/v1/sites/{}", self.edge.url, self.id),
            &[("authorization", &format!("Bearer {}", self.owner)), ("content-type", "application/json")],
            Some(body.to_string().as_bytes()),
        )
    }

    /// A summary with the site's own id taken out (two sites are compared).
    fn summary(&self, query: &str) -> Result<Value> {
        let mut summary = self.get(&format!("summary{query}"))?;
        summary["site"] = Value::Null;
        Ok(summary)
    }

    /// Every page of the list for `query`, `limit` at a time: each item's id, rating, comment
    /// and page (the time it arrived differs between two sites).
    fn walk(&self, query: &str) -> Result<Vec<Value>> {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..1000 {
            let after = cursor.as_ref().map(|c| format!("&cursor={c}")).unwrap_or_default();
            let page = self.get(&format!("feedback?limit=7{query}{after}"))?;
            for item in page["items"].as_array().context("items")? {
                seen.push(json!([item["id"], item["scale"], item["value"], item["comment"], item["page"], item["rev"]]));
            }
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return Ok(seen),
            }
        }
        anyhow::bail!("the list of {} never ended", self.id)
    }

    /// Every pages window of the all-time summary, `pages_limit` at a time.
    fn walk_pages(&self, query: &str) -> Result<Vec<Value>> {
        let mut pages = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..100 {
            let after = cursor.as_ref().map(|c| format!("&pages_cursor={c}")).unwrap_or_default();
            let summary = self.get(&format!("summary?pages_limit=2{query}{after}"))?;
            pages.extend(summary["pages"].as_array().context("pages")?.iter().cloned());
            match summary["pages_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return Ok(pages),
            }
        }
        anyhow::bail!("the pages of {} never ended", self.id)
    }

    /// The CSV export's lines without the times each copy was made and arrived.
    fn csv(&self) -> Result<Vec<String>> {
        let answer = api::get(&self.url("export.csv"), &[("authorization", &format!("Bearer {}", self.owner))])?;
        ensure!(answer.status == 200, "export: {answer:?}");
        // Some comments hold a comma and a line break (a quoted cell): records and fields are
        // read as RFC 4180 says; `client_ts` (the 8th) is the test's clock when each copy was made.
        let kept =
            |record: Vec<String>| record.into_iter().enumerate().filter(|(i, _)| *i != 1 && *i != 7).map(|(_, f)| f).collect::<Vec<_>>().join(",");
        Ok(csv_records(&answer.body)?.into_iter().map(kept).collect())
    }

    /// The export's rows in the order given, without the time each arrived.
    fn export(&self) -> Result<Vec<Value>> {
        let answer = api::get(&self.url("export.ndjson"), &[("authorization", &format!("Bearer {}", self.owner))])?;
        ensure!(answer.status == 200, "export: {answer:?}");
        answer
            .body
            .lines()
            .map(|line| {
                let row: Value = serde_json::from_str(line).with_context(|| format!("export line {line:?}"))?;
                Ok(json!([row["id"], row["scale"], row["value"], row["comment"], row["page"], row["locale"], row["rev"]]))
            })
            .collect()
    }
}

/// The records of a CSV text and their fields (RFC 4180: a quoted field may hold commas, line
/// breaks and doubled quotes); fails on a quote left open, as a cut-off export would leave one.
fn csv_records(text: &str) -> Result<Vec<Vec<String>>> {
    let (mut records, mut record, mut field, mut quoted) = (Vec::new(), Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => record.push(std::mem::take(&mut field)),
            ('\n', false) => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (c, _) => field.push(c),
        }
    }
    ensure!(!quoted, "the CSV ends inside a quoted field");
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

/// `POST /v1/sites` with the admin token.
fn create_raw(edge: &Edge, body: &Value) -> Result<Answer> {
    let bearer = format!("Bearer {}", edge.admin_token);
    api::post(&format!("{}/v1/sites", edge.url), &[("authorization", &bearer), ("content-type", "application/json")], body.to_string().as_bytes())
}

/// A submission with id `id`, rating `n`'s pick of scale, page and comment, and its author's key.
fn submission(id: &str, n: u32, rev: u32) -> Value {
    let (scale, value) = match n % 5 {
        0 => ("nps", i64::from(n % 11)),
        1 => ("thumbs", i64::from(n % 2)),
        _ => ("stars", i64::from(n % 5 + 1)),
    };
    let mut body = json!({ "id": id, "scale": scale, "value": value, "page": PAGES[(n as usize * 7) % PAGES.len()], "locale": "en",
        "client_ts": now_ms(), "widget_version": "0.1.0", "rev": rev, "key": key_of(id) });
    if n.is_multiple_of(3) {
        // Every ninth comment also holds what a CSV merge must not cut at: a comma, a line break.
        let tail = if n.is_multiple_of(9) { ",\nsecond line, \"quoted\"" } else { "" };
        body["comment"] = json!(format!("{} and {} (#{n}){tail}", WORDS[n as usize % WORDS.len()], WORDS[(n as usize / 2) % WORDS.len()]));
    }
    body
}

/// The author's key of a test submission: 32+ characters from its id.
fn key_of(id: &str) -> String {
    format!("k_{}", id.replace('-', ""))
}

#[test]
fn a_sharded_site_answers_every_read_as_one_object_does() -> Result<()> {
    let edge = Edge::shared()?;
    let one = Site::create(edge, "one-object", json!(1), None)?;
    let four = Site::create(edge, "four-shards", json!(4), None)?;
    ensure!(edge_view(&four)?["shards"] == 4 && edge_view(&one)?["shards"] == 1, "the site's view shows its shards");
    let start = now_ms();
    let ids: Vec<String> = (0..90).map(|n| id_at(start, n)).collect();
    for (n, id) in ids.iter().enumerate() {
        for site in [&one, &four] {
            let answer = site.send(&submission(id, n as u32, 1))?;
            ensure!(answer.status == 201, "{} #{n}: {answer:?}", site.id);
        }
    }
    // Edits (a new rating and comment) and undos, the same on both.
    for (n, id) in ids.iter().enumerate().filter(|(n, _)| n % 7 == 0) {
        for site in [&one, &four] {
            let mut edit = submission(id, n as u32 + 1, 2);
            edit["comment"] = json!(format!("edited: slow checkout #{n}"));
            let answer = site.send(&edit)?;
            ensure!(answer.status == 200, "editing {} #{n}: {answer:?}", site.id);
        }
    }
    for (n, id) in ids.iter().enumerate().filter(|(n, _)| n % 11 == 5) {
        for site in [&one, &four] {
            let answer = site.undo(id, &key_of(id))?;
            ensure!(answer.status == 204, "undoing {} #{n}: {answer:?}", site.id);
        }
    }
    let today = utc_day(0);
    let month = utc_day(-29);
    for query in ["", "?pages_limit=0", "?page=/checkout", &format!("?from={today}&to={today}"), &format!("?from={month}"), "?from=2020-01-01"] {
        let (a, b) = (one.summary(query)?, four.summary(query)?);
        ensure!(a == b, "summary{query}: one object {a}\nfour shards {b}");
    }
    ensure!(one.summary("")?["total"] == 90 - 8, "82 stored: 90 made, 8 undone");
    for query in ["", &format!("&from={month}")] {
        ensure!(one.walk_pages(query)? == four.walk_pages(query)?, "the pages walked 2 at a time{query}");
    }
    for query in ["", "&has_comment=true", "&min=4", "&page=/cart", "&q=checkout", "&q=sl", "&has_comment=false&max=0"] {
        let (a, b) = (one.walk(query)?, four.walk(query)?);
        ensure!(!a.is_empty() && a == b, "the list{query}: one object {a:?}\nfour shards {b:?}");
    }
    let (a, b) = (one.export()?, four.export()?);
    ensure!(a.len() == 82 && a == b, "the exports hold every stored submission in the same order: {} and {}", a.len(), b.len());
    let (csv_one, csv_four) = (one.csv()?, four.csv()?);
    ensure!(csv_one.len() == 83 && csv_one == csv_four, "the CSV exports: a header and 82 lines, the same but for arrival times");
    println!("82 submissions on one object and on four shards: every summary, list, search and export equal");
    Ok(())
}

/// `GET /v1/sites/{site}`: the site's view.
fn edge_view(site: &Site) -> Result<Value> {
    let answer = api::get(&format!("{}/v1/sites/{}", site.edge.url, site.id), &[("authorization", &format!("Bearer {}", site.owner))])?;
    ensure!(answer.status == 200, "the view: {answer:?}");
    Ok(answer.json())
}

#[test]
fn the_same_submission_sent_many_times_at_once_counts_once() -> Result<()> {
    let edge = Edge::shared()?;
    let site = Site::create(edge, "resent-shards", json!(4), None)?;
    let start = now_ms();
    let ids: Vec<String> = (0..12).map(|n| id_at(start, n)).collect();
    let answers: Vec<Vec<u16>> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| -> Result<Vec<u16>> {
                    ids.iter().enumerate().map(|(n, id)| Ok(site.send(&submission(id, n as u32, 1))?.status)).collect()
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().map_err(|_| anyhow::anyhow!("a sender panicked"))?).collect::<Result<_>>()
    })?;
    let created = answers.iter().flatten().filter(|s| **s == 201).count();
    ensure!(answers.iter().flatten().all(|s| *s == 201 || *s == 200), "every copy accepted: {answers:?}");
    ensure!(created == 12, "each of the 12 created once, whichever copy came first: {created}");
    for (n, id) in ids.iter().enumerate() {
        ensure!(site.send(&submission(id, n as u32, 1))?.status == 200, "a late copy is a duplicate");
    }
    let summary = site.summary("")?;
    ensure!(summary["total"] == 12, "48 copies, counted 12: {summary}");
    ensure!(site.export()?.len() == 12, "stored 12");
    println!("4 senders x 12 submissions at once, then 12 late copies, on 4 shards: counted 12");
    Ok(())
}

#[test]
fn raising_shards_keeps_every_earlier_submission_counted_once_editable_and_undoable() -> Result<()> {
    let edge = Edge::shared()?;
    let site = Site::create(edge, "growing", json!(1), None)?;
    let start = now_ms();
    let ids: Vec<String> = (0..16).map(|n| id_at(start, n)).collect();
    for (n, id) in ids.iter().enumerate() {
        ensure!(site.send(&submission(id, n as u32, 1))?.status == 201, "#{n} before the change");
    }
    let answer = site.patch(json!({ "shards": 4 }))?;
    ensure!(answer.status == 200 && answer.json()["shards"] == 4, "the owner raises shards to 4: {answer:?}");
    // The change is in force a day later (`SHARD_CHANGE_DELAY_MS`): an id made by a clock 26
    // hours ahead is routed by the new map already, to one of four shards.
    let ahead = start + 26 * 3_600_000;
    let later: Vec<String> = (0..8).map(|n| id_at(ahead, 100 + n)).collect();
    for (n, id) in later.iter().enumerate() {
        ensure!(site.send(&submission(id, n as u32, 1))?.status == 201, "a later id #{n}");
        ensure!(site.send(&submission(id, n as u32, 1))?.status == 200, "its copy meets it");
    }
    for (n, id) in ids.iter().enumerate() {
        let answer = site.send(&submission(id, n as u32, 1))?;
        ensure!(answer.status == 200 && answer.json()["status"] == "duplicate", "#{n}'s late copy after the change: {answer:?}");
    }
    let mut edit = submission(&ids[3], 3, 2);
    edit["comment"] = json!("edited after the change");
    ensure!(site.send(&edit)?.status == 200, "an earlier submission stays editable");
    ensure!(site.undo(&ids[4], &key_of(&ids[4]))?.status == 204, "and undoable");
    ensure!(site.undo(&later[0], &key_of(&later[0]))?.status == 204, "a later one is undoable too");
    ensure!(site.send(&submission(&ids[4], 4, 1))?.status == 410, "an undone submission is never stored again");
    let summary = site.summary("")?;
    ensure!(summary["total"] == 16 - 1 + 8 - 1, "22 stored: {summary}");
    let rows = site.export()?;
    ensure!(rows.len() == 22, "22 exported once each: {}", rows.len());
    ensure!(rows.iter().any(|r| r[3] == "edited after the change"), "the edit is stored");
    let listed = site.walk("")?;
    ensure!(listed.len() == 22, "22 listed: {}", listed.len());
    // Another change before this one is in force is refused (the map grows by at most one entry
    // a day, however often the key PATCHes); setting the same number again is no change.
    let again = site.patch(json!({ "shards": 2 }))?;
    ensure!(again.status == 400 && again.error_code().as_deref() == Some("shards_change_pending"), "a second change while one is pending: {again:?}");
    ensure!(site.patch(json!({ "shards": 4 }))?.status == 200, "the same number again");
    ensure!(site.summary("")?["total"] == 22, "still 22");
    println!("16 before, 8 after raising shards 1 -> 4: 22 counted once, edits and undos reach them");
    Ok(())
}

#[test]
fn no_request_names_a_shard_and_shards_are_bounded() -> Result<()> {
    let edge = Edge::shared()?;
    let site = Site::create(edge, "target", json!(4), None)?;
    // Shard k's object is `target/k`: an attacker tries to reach it as a site, by every spelling.
    for name in ["target%2F1", "target%2f2", "target/3", "target%252F1"] {
        let body = json!({ "id": id_at(now_ms(), 1), "site": "target/1", "scale": "stars", "value": 1, "page": "/", "locale": "en",
            "client_ts": now_ms(), "widget_version": "0.1.0", "rev": 1 });
        let answer = api::post(
            &format!("{}/v1/sites/{name}/feedback", edge.url),
            &[("content-type", "application/json"), ("origin", ORIGIN)],
            body.to_string().as_bytes(),
        )?;
        ensure!(answer.status >= 400 && answer.status < 500, "{name}: {answer:?}");
        let read = api::get(&format!("{}/v1/sites/{name}/summary", edge.url), &[("authorization", &format!("Bearer {}", site.owner))])?;
        ensure!(read.status >= 400 && read.status < 500, "reading {name}: {read:?}");
    }
    let forged = json!({ "id": "target/1", "name": "x", "origins": [ORIGIN] });
    let answer = create_raw(edge, &forged)?;
    ensure!(answer.status == 400 && answer.error_code().as_deref() == Some("invalid_site"), "no site is named as a shard: {answer:?}");
    for bad in [json!(0), json!(17), json!("4")] {
        ensure!(site.patch(json!({ "shards": bad }))?.status == 400, "shards {bad} refused");
    }
    let body = json!({ "id": "too-many", "name": "x", "origins": [ORIGIN], "shards": 17 });
    ensure!(create_raw(edge, &body)?.status == 400, "17 shards refused");
    // The other owner routes keep working on a sharded site, the key rotation on every shard:
    // one submission on each shard (core's own rule says which), each deleted by the owner after
    // the rotation, which only that shard's copy of the key can allow.
    let map = sayso_core::ShardMap::new(4);
    let now = now_ms();
    let mut on_each = Vec::new();
    for shard in 0..4 {
        let id = (0..1000)
            .map(|n| id_at(now, n))
            .find(|id| sayso_core::SubmissionId::parse(id).is_ok_and(|id| map.shard_of(&id) == shard))
            .context("an id for each shard")?;
        let body = json!({ "id": id, "scale": "stars", "value": 3, "page": "/", "locale": "en", "client_ts": now, "widget_version": "0.1.0" });
        ensure!(site.send(&body)?.status == 201, "stored on shard {shard}");
        on_each.push(id);
    }
    let rotated = api::post(&format!("{}/v1/sites/target/keys", edge.url), &[("authorization", &format!("Bearer {}", site.owner))], b"")?;
    ensure!(rotated.status == 200, "rotating the key: {rotated:?}");
    let new_key = rotated.json()["owner_key"].as_str().context("a new key")?.to_owned();
    let with = |key: &str| api::get(&format!("{}/v1/sites/target/summary", edge.url), &[("authorization", &format!("Bearer {key}"))]);
    ensure!(with(&site.owner)?.status == 401, "the old key is refused by every shard's read");
    ensure!(with(&new_key)?.status == 200, "the new key reads");
    let delete =
        |id: &str, key: &str| api::request("DELETE", &site.url(&format!("feedback/{id}")), &[("authorization", &format!("Bearer {key}"))], None);
    for (shard, id) in on_each.iter().enumerate() {
        let old = delete(id, &site.owner)?;
        ensure!(old.status == 401, "shard {shard} refuses the old key: {old:?}");
        let new = delete(id, &new_key)?;
        ensure!(new.status == 204, "shard {shard} takes the new key: {new:?}");
    }
    ensure!(with(&new_key)?.json()["total"] == 0, "all four deleted");
    Ok(())
}

#[test]
fn a_visitor_on_a_sharded_site_is_limited_but_never_before_one_object_would() -> Result<()> {
    let edge = Edge::shared()?;
    let limits = json!({ "visitor_per_minute": 3, "site_per_minute": 0, "min_comment_ms": 0 });
    let site = Site::create(edge, "limited-shards", json!(4), Some(limits))?;
    let start = now_ms();
    let statuses: Vec<u16> = (0..24).map(|n| site.send(&submission(&id_at(start, n), n, 1)).map(|a| a.status)).collect::<Result<_>>()?;
    ensure!(statuses[..3].iter().all(|s| *s == 201), "the visitor's first 3 are stored, wherever they land: {statuses:?}");
    let stored = statuses.iter().filter(|s| **s == 201).count();
    ensure!(statuses.contains(&429) && stored <= 12, "a flood is limited, to at most 4 shards x 3: {stored} stored, {statuses:?}");
    println!("a visitor limited to 3 a minute on 4 shards: {stored} of 24 stored");
    Ok(())
}
