//! A site's retention period: the object's alarm deletes older submissions and takes them out
//! of every count; a row it deletes while a late copy can still come leaves a tombstone. Uses
//! the seeding Worker (`bench` feature) to store feedback "40 days ago".

use std::time::Duration;

use anyhow::{ensure, Result};
use sayso_tests::api::{self, Answer};
use sayso_tests::edge::{Edge, EdgeOptions};
use sayso_tests::{paths, wait_for};
use serde_json::{json, Value};

const ORIGIN: &str = "https://docs.example.com";

/// Site `demo` on the seeding Worker; its owner key.
fn start() -> Result<(Edge, String)> {
    let edge = Edge::start(EdgeOptions { entry: Some(paths::seeding_worker_entry()), ..EdgeOptions::default() })?;
    let key = edge.create_site("demo", &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    Ok((edge, key))
}

/// `count` submissions numbered from `from`, received `days_ago` days ago.
fn seed(edge: &Edge, from: u32, count: u32, days_ago: u32) -> Result<Answer> {
    api::post(
        &format!("{}/v1/sites/demo/bench-seed", edge.url),
        &[("authorization", &format!("Bearer {}", edge.admin_token)), ("content-type", "application/json")],
        json!({ "from": from, "count": count, "days_ago": days_ago }).to_string().as_bytes(),
    )
}

fn patch_retention(edge: &Edge, key: &str, days: i64) -> Result<Answer> {
    api::request(
        "PATCH",
        &format!("{}/v1/sites/demo", edge.url),
        &[("authorization", &format!("Bearer {key}")), ("content-type", "application/json")],
        Some(json!({ "retention_days": days }).to_string().as_bytes()),
    )
}

/// Waits for the alarm to leave `total` submissions counted; the summary then.
fn counted(edge: &Edge, key: &str, total: u64) -> Result<Value> {
    wait_for("the alarm to apply the retention period", Duration::from_secs(30), || {
        let s = edge.summary("demo", key)?;
        Ok((s["total"] == total).then_some(s))
    })
}

#[test]
fn feedback_past_the_retention_period_is_deleted_and_uncounted() -> Result<()> {
    let (edge, key) = start()?;
    ensure!(seed(&edge, 0, 50, 40)?.status == 200 && seed(&edge, 1000, 30, 1)?.status == 200);
    let before = edge.summary("demo", &key)?;
    ensure!(before["total"] == 80 && before["days"].as_array().map(Vec::len) == Some(2), "{before}");

    ensure!(patch_retention(&edge, &key, 5000)?.error_code().as_deref() == Some("invalid_retention"));
    let set = patch_retention(&edge, &key, 30)?;
    ensure!(set.status == 200 && set.json()["retention_days"] == 30, "{set:?}");

    let after = counted(&edge, &key, 30)?;
    let site = format!("{}/v1/sites/demo", edge.url);
    let listed = api::get(&format!("{site}/feedback?limit=1000"), &[("authorization", &format!("Bearer {key}"))])?.json();
    let histogram: u64 = after["scales"][0]["histogram"].as_array().map(|h| h.iter().filter_map(|b| b["count"].as_u64()).sum()).unwrap_or(0);
    println!(
        "retention 30 days: {} → {} counted, {} days left, {} listed",
        before["total"],
        after["total"],
        after["days"].as_array().map_or(0, Vec::len),
        listed["items"].as_array().map_or(0, Vec::len)
    );
    ensure!(after["days"].as_array().map(Vec::len) == Some(1) && histogram == 30, "{after}");
    ensure!(listed["items"].as_array().map(Vec::len) == Some(30), "only the kept ones are listed");
    ensure!(patch_retention(&edge, &key, 0)?.json()["retention_days"].is_null(), "0 keeps feedback for ever");
    Ok(())
}

/// A late copy of seeded submission `n` (its id; what a visitor's outbox would resend).
fn late_copy(edge: &Edge, n: u32) -> Result<Answer> {
    let body = json!({ "id": format!("00000000-0000-7000-8000-{n:012x}"), "site": "demo", "scale": "stars", "value": 1 + n % 5,
        "page": format!("/p/{}", n % 50), "locale": "en", "client_ts": 1_763_900_000_000_u64 + u64::from(n), "widget_version": "0.1.0" });
    api::post(
        &format!("{}/v1/sites/demo/feedback", edge.url),
        &[("content-type", "application/json"), ("origin", ORIGIN)],
        body.to_string().as_bytes(),
    )
}

#[test]
fn a_row_retention_deleted_while_a_late_copy_can_still_come_stays_deleted() -> Result<()> {
    let (edge, key) = start()?;
    // Two days old: a copy of these can still come (the outbox resends for 7 days, tombstones
    // last 8). Ten days old: none can, so retention leaves no tombstone for them. Today's stay.
    ensure!(seed(&edge, 0, 20, 2)?.status == 200 && seed(&edge, 100, 20, 10)?.status == 200 && seed(&edge, 200, 5, 0)?.status == 200);
    ensure!(edge.summary("demo", &key)?["total"] == 45);
    ensure!(patch_retention(&edge, &key, 1)?.status == 200);
    counted(&edge, &key, 5)?;

    for n in [0, 7, 19] {
        let late = late_copy(&edge, n)?;
        ensure!(
            late.status == 410
                && late.error_code().as_deref() == Some("submission_deleted")
                && late.header("access-control-allow-origin") == Some(ORIGIN),
            "a copy of {n}, removed by retention 2 days after it came: {late:?}"
        );
    }
    let after = edge.summary("demo", &key)?;
    ensure!(after["total"] == 5, "the late copies are neither stored nor counted: {after}");

    // The documented end of the guarantee: past the tombstone's 8 days a copy is new again.
    let revived = late_copy(&edge, 100)?;
    ensure!(revived.status == 201 && revived.json()["status"] == "created", "a copy of a 10-day-old row: {revived:?}");
    ensure!(edge.summary("demo", &key)?["total"] == 6);
    println!("retention 1 day: 2-day-old copies 410 submission_deleted, a 10-day-old copy 201 created");
    Ok(())
}
