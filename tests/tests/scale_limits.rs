//! Reads that stay inside the platform's limits at any size: an export makes one Worker→object
//! call (a subrequest) per 100,000 rows, and a search pages through matches in the
//! same order as the list. Uses the seeding Worker (`bench` feature) and its meter
//! (`bench-meter`: the calls an object answered and the rows it read and wrote).

use anyhow::{ensure, Context, Result};
use sayso_tests::api::{self, Answer};
use sayso_tests::edge::{Edge, EdgeOptions};
use sayso_tests::{paths, utc_day};
use serde_json::{json, Value};

const ORIGIN: &str = "https://docs.example.com";

/// Site `demo` on the seeding Worker with `count` seeded submissions (received now); its owner key.
fn seeded(count: u32) -> Result<(Edge, String)> {
    let edge = Edge::start(EdgeOptions { entry: Some(paths::seeding_worker_entry()), ..EdgeOptions::default() })?;
    let key = edge.create_site("demo", &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    if count > 0 {
        bench(&edge, "bench-seed", json!({ "from": 0, "count": count }))?;
    }
    Ok((edge, key))
}

/// A bench-only admin call on site `demo`.
fn bench(edge: &Edge, route: &str, body: Value) -> Result<()> {
    let a = api::post(
        &format!("{}/v1/sites/demo/{route}", edge.url),
        &[("authorization", &format!("Bearer {}", edge.admin_token)), ("content-type", "application/json")],
        body.to_string().as_bytes(),
    )?;
    ensure!(a.status == 200, "{route}: {a:?}");
    Ok(())
}

/// The object's meter.
fn meter(edge: &Edge) -> Result<Value> {
    let a = api::get(&format!("{}/v1/sites/demo/bench-meter", edge.url), &[("authorization", &format!("Bearer {}", edge.admin_token))])?;
    ensure!(a.status == 200, "meter: {a:?}");
    Ok(a.json())
}

fn get(edge: &Edge, key: &str, path: &str) -> Result<Answer> {
    api::get(&format!("{}/v1/sites/demo/{path}", edge.url), &[("authorization", &format!("Bearer {key}"))])
}

/// Rows one object call of an export streams (`EXPORT_CALL_ROWS` in worker/src/site/export.rs:
/// 100 calls at ten million rows).
const CALL_ROWS: u64 = 100_000;

/// A whole export, however large (the harness's client stops at 10 MB).
fn download(edge: &Edge, key: &str, file: &str) -> Result<String> {
    let mut answer = ureq::get(&format!("{}/v1/sites/demo/{file}", edge.url)).header("authorization", &format!("Bearer {key}")).call()?;
    ensure!(answer.status() == 200, "{file}: {}", answer.status());
    Ok(answer.body_mut().with_config().limit(256 << 20).read_to_string()?)
}

#[test]
fn an_export_makes_one_object_call_per_call_of_rows_and_loses_or_repeats_none() -> Result<()> {
    // 210,000 rows: three calls of the object's stream (100,000 + 100,000 + 10,000), where the
    // Worker once made one per 1,000 rows and an export of ten million would have made 10,000.
    let rows = 210_000_u64;
    let (edge, key) = seeded(rows as u32)?;
    for (file, lines) in [("export.csv", rows + 1), ("export.ndjson", rows)] {
        let before = meter(&edge)?;
        let body = download(&edge, &key, file)?;
        let after = meter(&edge)?;
        ensure!(body.lines().count() as u64 == lines, "{file}: {} lines, not {lines}", body.lines().count());
        let calls = after["calls"].as_u64().context("calls")? - before["calls"].as_u64().context("calls")?;
        let read = after["rows_read"].as_u64().context("rows")? - before["rows_read"].as_u64().context("rows")?;
        println!("{file}: {lines} lines in {calls} call(s) to the object, {read} rows read");
        ensure!(calls == rows.div_ceil(CALL_ROWS), "{file}: {calls} calls to the object");
        // Each row read about twice (its index entry and itself), never once per call before it.
        ensure!((rows..=3 * rows).contains(&read), "{file}: {read} rows read for {rows}");
        // Across the calls' seams: every id once, newest first (seeded ids sort as they arrived).
        let ids: Vec<&str> = body.lines().filter_map(|l| l.split(['"', ',']).find(|p| p.starts_with("00000000-"))).collect();
        ensure!(ids.len() as u64 == rows, "{file}: {} ids", ids.len());
        ensure!(ids.windows(2).all(|w| w[0] > w[1]), "{file}: each id once, newest first");
    }
    // A refusal is still a refusal before any byte: no stream for a wrong key.
    let wrong = get(&edge, "sk_wrong", "export.csv")?;
    ensure!(wrong.status == 401 && wrong.error_code().as_deref() == Some("unauthorized"), "{wrong:?}");
    Ok(())
}

#[test]
fn a_search_pages_through_its_matches_newest_first_each_once() -> Result<()> {
    // Every tenth seeded submission has a comment, "seeded comment N".
    let (edge, key) = seeded(2_000)?;
    let list = |query: &str| -> Result<Value> {
        let a = get(&edge, &key, &format!("feedback?{query}"))?;
        ensure!(a.status == 200, "{query}: {a:?}");
        Ok(a.json())
    };
    let ids = |page: &Value| -> Vec<String> {
        page["items"].as_array().map_or(vec![], |i| i.iter().filter_map(|x| x["id"].as_str().map(str::to_owned)).collect())
    };
    // "comment 1" matches 10, 100–190, 1000–1990 (the tenth ones): 1 + 10 + 100 = 111 rows.
    let (mut seen, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let page = list(&format!("q=comment%201&limit=25{}", cursor.as_ref().map_or(String::new(), |c| format!("&cursor={c}"))))?;
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let whole = list("q=comment%201&limit=1000")?;
    ensure!(seen == ids(&whole), "pages of 25 walk the same matches as one page of 1000");
    ensure!(seen.len() == 111, "{} matches, not 111", seen.len());
    let unique: std::collections::HashSet<&String> = seen.iter().collect();
    ensure!(unique.len() == seen.len(), "no match twice");
    // Shorter than the index's trigrams, and absent: both still exact.
    ensure!(ids(&list("q=d%20c&limit=1000")?).len() == 200, "a 3-character phrase across words");
    ensure!(ids(&list("q=zyzzyva")?).is_empty());
    Ok(())
}

#[test]
fn the_last_30_days_answer_what_a_recount_of_those_days_answers_as_the_window_moves() -> Result<()> {
    let (edge, key) = seeded(0)?;
    // Rows 40, 33, 29 (the window's first day), 10 and 0 days old; the seed's pages are /p/0–49.
    for (from, count, days_ago) in [(0, 120, 40), (1000, 130, 33), (2000, 140, 29), (3000, 150, 10), (4000, 160, 0)] {
        bench(&edge, "bench-seed", json!({ "from": from, "count": count, "days_ago": days_ago }))?;
    }
    let summary = |from: i64| -> Result<Value> {
        let a = get(&edge, &key, &format!("summary?from={}&pages_limit=200", utc_day(from)))?;
        ensure!(a.status == 200, "{a:?}");
        let mut s = a.json();
        s["from"] = Value::Null;
        Ok(s)
    };
    // 29 days back is the window's range (its rollup); 30 back has no rows of its own, so it
    // counts the same days from their per-day rows: two independent answers.
    let agree = |when: &str, total: u64| -> Result<()> {
        let (window, recount) = (summary(-29)?, summary(-30)?);
        ensure!(window["total"] == total, "{when}: {} counted, not {total}", window["total"]);
        ensure!(window["pages"].as_array().is_some_and(|p| p.len() == 50), "{when}: every page listed");
        ensure!(window == recount, "{when}: the window and a recount differ:\n{window}\n{recount}");
        Ok(())
    };
    agree("first read", 140 + 150 + 160)?;
    // Writes move the window with the counts: an owner delete of a row 10 days old.
    let gone = "00000000-0000-7000-8000-000000000bb8";
    let a = api::request("DELETE", &format!("{}/v1/sites/demo/feedback/{gone}", edge.url), &[("authorization", &format!("Bearer {key}"))], None)?;
    ensure!(a.status == 204, "{a:?}");
    agree("after a delete", 140 + 150 + 160 - 1)?;
    // The window as a site last read five days ago has it (from 34 days back): the next read
    // moves it forward, taking the 33-day-old rows out again.
    bench(&edge, "bench-rewind", json!({ "first_day": utc_day(-34) }))?;
    agree("after moving five days forward", 140 + 150 + 160 - 1)?;
    // And as a site nobody read for longer than the window: counted afresh.
    bench(&edge, "bench-rewind", json!({ "first_day": utc_day(-90) }))?;
    agree("after a long time unread", 140 + 150 + 160 - 1)?;
    Ok(())
}
