//! A site's retention period: the object's alarm deletes older submissions and takes them out
//! of every count. Uses the seeding Worker (`bench` feature) to store feedback "40 days ago".

use std::time::Duration;

use anyhow::{ensure, Result};
use sayso_tests::edge::{Edge, EdgeOptions};
use sayso_tests::{api, paths, wait_for};
use serde_json::json;

#[test]
fn feedback_past_the_retention_period_is_deleted_and_uncounted() -> Result<()> {
    let edge = Edge::start(EdgeOptions { entry: Some(paths::seeding_worker_entry()), ..EdgeOptions::default() })?;
    let key = edge.create_site("demo", &["https://docs.example.com"], json!({ "scale": "stars" }))?.owner_key;
    let admin = format!("Bearer {}", edge.admin_token);
    let seed = |from: u32, count: u32, days_ago: u32| {
        api::post(
            &format!("{}/v1/sites/demo/bench-seed", edge.url),
            &[("authorization", &admin), ("content-type", "application/json")],
            json!({ "from": from, "count": count, "days_ago": days_ago }).to_string().as_bytes(),
        )
    };
    ensure!(seed(0, 50, 40)?.status == 200 && seed(1000, 30, 1)?.status == 200);
    let before = edge.summary("demo", &key)?;
    ensure!(before["total"] == 80 && before["days"].as_array().map(Vec::len) == Some(2), "{before}");

    let site = format!("{}/v1/sites/demo", edge.url);
    let patch = |days: i64| {
        api::request(
            "PATCH",
            &site,
            &[("authorization", &format!("Bearer {key}")), ("content-type", "application/json")],
            Some(json!({ "retention_days": days }).to_string().as_bytes()),
        )
    };
    ensure!(patch(5000)?.error_code().as_deref() == Some("invalid_retention"));
    let set = patch(30)?;
    ensure!(set.status == 200 && set.json()["retention_days"] == 30, "{set:?}");

    let after = wait_for("the alarm to apply the retention period", Duration::from_secs(30), || {
        let s = edge.summary("demo", &key)?;
        Ok((s["total"] == 30).then_some(s))
    })?;
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
    ensure!(patch(0)?.json()["retention_days"].is_null(), "0 keeps feedback for ever");
    Ok(())
}
