//! Reads that stay inside the platform's limits at any size: an export makes one Worker→object
//! call (a subrequest) per 100,000 rows, and a search pages through matches in the
//! same order as the list. Uses the seeding Worker (`bench` feature) and its meter
//! (`bench-meter`: the calls an object answered and the rows it read and wrote).

use anyhow::{ensure, Context, Result};
use sayso_tests::api::{self, Answer};
use sayso_tests::edge::{Edge, EdgeOptions};
use sayso_tests::paths;
use serde_json::{json, Value};

const ORIGIN: &str = "https://docs.example.com";

/// Site `demo` on the seeding Worker with `count` seeded submissions; its owner key.
fn seeded(count: u32) -> Result<(Edge, String)> {
    let edge = Edge::start(EdgeOptions { entry: Some(paths::seeding_worker_entry()), ..EdgeOptions::default() })?;
    let key = edge.create_site("demo", &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    let a = api::post(
        &format!("{}/v1/sites/demo/bench-seed", edge.url),
        &[("authorization", &format!("Bearer {}", edge.admin_token)), ("content-type", "application/json")],
        json!({ "from": 0, "count": count }).to_string().as_bytes(),
    )?;
    ensure!(a.status == 200, "seeding: {a:?}");
    Ok((edge, key))
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

/// Rows one object call of an export streams in the seeding Worker (`EXPORT_CALL_ROWS` in
/// worker/src/site/export.rs: 100,000 in a deployed Worker, so 100 calls at ten million rows).
const CALL_ROWS: u64 = 1_500;

#[test]
fn an_export_makes_one_object_call_per_call_of_rows_and_loses_or_repeats_none() -> Result<()> {
    // 3,500 rows: three calls of the object's stream (1,500 + 1,500 + 500), where the Worker once
    // made one per 1,000 rows and an export of ten million would have made 10,000.
    let (edge, key) = seeded(3_500)?;
    for (file, lines) in [("export.csv", 3_501), ("export.ndjson", 3_500)] {
        let before = meter(&edge)?;
        let a = get(&edge, &key, file)?;
        let after = meter(&edge)?;
        ensure!(a.status == 200, "{file}: {a:?}");
        ensure!(a.body.lines().count() == lines, "{file}: {} lines, not {lines}", a.body.lines().count());
        let calls = after["calls"].as_u64().context("calls")? - before["calls"].as_u64().context("calls")?;
        let read = after["rows_read"].as_u64().context("rows")? - before["rows_read"].as_u64().context("rows")?;
        println!("{file}: {lines} lines in {calls} call(s) to the object, {read} rows read");
        ensure!(calls == 3_500_u64.div_ceil(CALL_ROWS), "{file}: {calls} calls to the object");
        ensure!(read >= 3_500, "{file}: every row was read, and metered ({read})");
        // Across the calls' seams: every id once, newest first (seeded ids sort as they arrived).
        let ids: Vec<&str> = a.body.lines().filter_map(|l| l.split(['"', ',']).find(|p| p.starts_with("00000000-"))).collect();
        ensure!(ids.len() == 3_500, "{file}: {} ids", ids.len());
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
