//! Who said it (issue 17, item 4), on the real Worker: a page's `attrs` travel with the click
//! from a real Chromium, an email among them left out; they filter the inbox (the API's and the
//! dashboard's), break the summary down, follow an edit and a delete, merge over shards, and
//! reach the export; every hostile attribute is refused with its code and stores nothing.

use std::collections::BTreeSet;

use anyhow::{ensure, Context, Result};
use sayso_tests::api::{self, Answer};
use sayso_tests::browser::Browser;
use sayso_tests::edge::Edge;
use sayso_tests::owner_app::{self, axe_finds_nothing, text, UI};
use sayso_tests::pages::ExampleSite;
use sayso_tests::{unique_site, wait_for};
use serde_json::{json, Value};

const ORIGIN: &str = "https://app.example.com";

/// Submission `n`'s id.
fn id(n: u32) -> String {
    format!("0190a6e2-7c1d-7abc-8def-{n:012x}")
}

/// Posts submission `n` (`rev`, stars `value`) with `attributes` as a page's script would, and
/// the sender's key `key`, so that a later revision may change it.
fn send(edge: &Edge, site: &str, n: u32, rev: u32, value: i64, attributes: Value) -> Result<Answer> {
    let body = json!({ "id": id(n), "site": site, "scale": "stars", "value": value, "page": "/app", "locale": "en",
        "client_ts": 1_763_900_000_000_u64, "widget_version": "0.1.0", "rev": rev, "key": format!("{n:032x}"), "attributes": attributes });
    api::json_call("POST", &format!("{}/v1/sites/{site}/feedback", edge.url), ORIGIN, None, Some(body))
}

/// `GET /v1/sites/{site}{path}` with the owner's key.
fn owner_get(edge: &Edge, site: &str, key: &str, path: &str) -> Result<Answer> {
    api::json_call("GET", &format!("{}/v1/sites/{site}{path}", edge.url), ORIGIN, Some(&format!("Bearer {key}")), None)
}

/// The ids the inbox lists with `attribute={filter}`.
fn listed(edge: &Edge, site: &str, key: &str, filter: &str) -> Result<BTreeSet<String>> {
    let a = owner_get(edge, site, key, &format!("/feedback?limit=1000&attribute={filter}"))?;
    ensure!(a.status == 200, "attribute={filter}: {a:?}");
    Ok(a.json()["items"].as_array().context("items")?.iter().filter_map(|i| i["id"].as_str().map(str::to_owned)).collect())
}

/// The summary's breakdown by `by`: each value's ratings, and the unset ones under "".
fn breakdown(edge: &Edge, site: &str, key: &str, by: &str) -> Result<Vec<(String, u64)>> {
    let a = owner_get(edge, site, key, &format!("/summary?by={by}"))?;
    ensure!(a.status == 200, "by={by}: {a:?}");
    let b = a.json()["breakdown"].clone();
    let mut out: Vec<(String, u64)> = b["values"]
        .as_array()
        .context("values")?
        .iter()
        .map(|v| (v["value"].as_str().unwrap_or("?").to_owned(), v["total"].as_u64().unwrap_or(0)))
        .collect();
    if let Some(unset) = b["unset"].as_object() {
        out.push((String::new(), unset["total"].as_u64().unwrap_or(0)));
    }
    Ok(out)
}

/// Waits out the last 90 s of a UTC day, so that what follows happens on one day.
fn clear_of_midnight() {
    const DAY_MS: u128 = 86_400_000;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis());
    let left = DAY_MS - now % DAY_MS;
    if left < 90_000 {
        println!("waiting {left} ms for the next UTC day");
        std::thread::sleep(std::time::Duration::from_millis(left as u64 + 1_000));
    }
}

fn ids(ns: &[u32]) -> BTreeSet<String> {
    ns.iter().map(|n| id(*n)).collect()
}

#[test]
fn attributes_from_the_page_filter_the_inbox_and_break_the_summary_down() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("attrs")?);
    let pages = ExampleSite::serve(0, &edge.url, &site)?;
    let key = edge.create_site_limited(&site, &[&pages.url], json!({ "scale": "stars" }), json!({ "visitor_per_minute": 0 }))?.owner_key;
    let browser = Browser::start()?;
    browser.goto(&format!("{}/hostile/", pages.url))?;
    browser.wait_in_shadow("sayso-feedback", "[role=radio]", UI)?;
    // Two segments on one page; the first also names its visitor, which no rule lets through.
    browser.execute(
        "for (const [id, attrs] of [['pro', 'plan=pro app=2.3 email=ann@example.com'], ['free', '']]) {
           const el = document.createElement('sayso-feedback'); el.id = id; el.setAttribute('scale', 'stars');
           if (attrs) el.setAttribute('attrs', attrs); document.body.prepend(el); }",
        vec![],
    )?;
    browser.click(&browser.wait_in_shadow("#pro", "button[data-value=\"5\"]", UI)?)?;
    // A page that sets its attributes just before the click (`setAttribute`) is heard.
    browser.wait_in_shadow("#free", "button[data-value=\"2\"]", UI)?;
    browser.execute("document.querySelector('#free').setAttribute('attrs', 'plan=free')", vec![])?;
    browser.click(&browser.wait_in_shadow("#free", "button[data-value=\"2\"]", UI)?)?;
    wait_for("both ratings to count", UI, || Ok((edge.summary(&site, &key)?["total"].as_u64() == Some(2)).then_some(())))?;
    let all = owner_get(edge, &site, &key, "/feedback?limit=10")?.json();
    let items = all["items"].as_array().context("items")?;
    let pro = items.iter().find(|i| i["value"] == 5).context("the pro rating")?;
    println!("stored: {}", pro["attributes"]);
    ensure!(pro["attributes"] == json!({ "plan": "pro", "app": "2.3" }), "the email is left out, the rest kept in order: {pro}");
    let pro_id = pro["id"].as_str().context("id")?.to_owned();
    let free = items.iter().find(|i| i["value"] == 2).context("the free rating")?;
    ensure!(free["attributes"] == json!({ "plan": "free" }), "{free}");
    ensure!(listed(edge, &site, &key, "plan:pro")? == BTreeSet::from([pro_id.clone()]), "plan:pro lists the pro rating only");
    ensure!(listed(edge, &site, &key, "app:2.3")? == BTreeSet::from([pro_id.clone()]));
    ensure!(listed(edge, &site, &key, "plan:team")?.is_empty(), "a value nobody sent lists nothing");
    let by = breakdown(edge, &site, &key, "plan")?;
    println!("by plan: {by:?}");
    ensure!(by == [("free".to_owned(), 1), ("pro".to_owned(), 1)], "one each, nothing unset: {by:?}");
    ensure!(breakdown(edge, &site, &key, "app")? == [("2.3".to_owned(), 1), (String::new(), 1)], "the free rating has no app");
    let summary = owner_get(edge, &site, &key, "/summary")?.json();
    ensure!(summary["attribute_keys"] == json!(["plan", "app"]) && summary.get("breakdown").is_none(), "{summary}");
    let csv = owner_get(edge, &site, &key, "/export.csv")?;
    ensure!(csv.status == 200 && csv.body.contains(",plan=pro app=2.3\r\n"), "the export has the attributes column: {}", csv.body);

    // The dashboard: the inbox filtered by a row's attribute chip, and the overview's breakdown.
    let owner = owner_app::signed_in(edge, &site, &key, "?view=inbox", "Inbox")?;
    owner.click(&owner.wait_for_element(".row-attributes a.attribute[aria-label='Only app 2.3']", UI)?)?;
    wait_for("the inbox of app 2.3", UI, || {
        Ok((owner.execute("return document.querySelectorAll('#inbox-rows .row').length", vec![])? == 1).then_some(()))
    })?;
    ensure!(owner.execute("return document.querySelector('input[name=attribute]').value", vec![])? == "app:2.3", "the filter shows what it filters");
    axe_finds_nothing(&owner, "the inbox filtered by an attribute")?;
    owner.click(&owner.wait_for_element(".views a[data-view=overview]", UI)?)?;
    owner.click(&owner.wait_for_element("nav.attribute-keys a[href$='by=plan']", UI)?)?;
    owner.wait_for_element("#breakdown", UI)?;
    let table = text(&owner, "#breakdown")?;
    println!("the overview's breakdown: {table:?}");
    ensure!(table.contains("free") && table.contains("pro") && !table.contains("(not set)"), "{table}");
    axe_finds_nothing(&owner, "the overview broken down by plan")?;
    owner_app::screenshot(&owner, "overview-by-attribute")?;
    Ok(())
}

#[test]
fn hostile_attributes_are_refused_and_edits_deletes_and_shards_keep_the_counts_exact() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("attrs-api")?);
    let created =
        edge.create_site_limited(&site, &[ORIGIN], json!({ "scale": "stars" }), json!({ "visitor_per_minute": 0, "site_per_minute": 0 }))?;
    let key = created.owner_key;
    // An email, a phone number, a session token, a bad key, a repeated key, six of them, a
    // number for a text: each refused with its code, and nothing stored.
    for (attributes, code, field) in [
        (json!({ "email": "ann@example.com" }), "invalid_attribute", "attributes.email"),
        (json!({ "phone": "0791234567" }), "invalid_attribute", "attributes.phone"),
        (json!({ "session": "9f86d081884c7d659a2feaa0c55ad015" }), "invalid_attribute", "attributes.session"),
        (json!({ "Plan": "pro" }), "invalid_attribute", "attributes.Plan"),
        (json!({ "a": "1", "b": "1", "c": "1", "d": "1", "e": "1", "f": "1" }), "too_many_attributes", "attributes"),
    ] {
        let a = send(edge, &site, 1, 0, 5, attributes.clone())?;
        ensure!(a.status == 400 && a.error_code().as_deref() == Some(code) && a.json()["error"]["field"] == field, "{attributes}: {a:?}");
    }
    let a = api::request(
        "POST",
        &format!("{}/v1/sites/{site}/feedback", edge.url),
        &[("origin", ORIGIN), ("content-type", "application/json")],
        Some(format!(r#"{{"id":"{}","site":"{site}","scale":"stars","value":5,"page":"/app","locale":"en","client_ts":1763900000000,"widget_version":"0.1.0","attributes":{{"plan":"pro","plan":"free"}}}}"#, id(1)).as_bytes()),
    )?;
    ensure!(a.status == 400 && a.error_code().as_deref() == Some("invalid_attribute"), "a repeated key is refused, not overwritten: {a:?}");
    ensure!(edge.summary(&site, &key)?["total"] == 0, "nothing refused was stored");
    for bad in ["plan", "plan:ann@example.com", "Plan:pro", "plan:a%27%20OR%201=1"] {
        let a = owner_get(edge, &site, &key, &format!("/feedback?attribute={bad}"))?;
        ensure!(a.status == 400 && a.error_code().as_deref() == Some("invalid_query"), "attribute={bad}: {a:?}");
    }
    let a = owner_get(edge, &site, &key, "/summary?by=plan%20OR%201")?;
    ensure!(a.status == 400 && a.error_code().as_deref() == Some("invalid_query"), "{a:?}");

    // Three submissions; then one moves to another plan (a new revision), one is deleted.
    for (n, plan) in [(1, "pro"), (2, "pro"), (3, "free")] {
        let a = send(edge, &site, n, 0, 4, json!({ "plan": plan }))?;
        ensure!(a.status == 201, "{a:?}");
    }
    ensure!(breakdown(edge, &site, &key, "plan")? == [("pro".to_owned(), 2), ("free".to_owned(), 1)]);
    ensure!(send(edge, &site, 2, 1, 4, json!({ "plan": "team" }))?.status == 200, "the sender edits its submission");
    ensure!(listed(edge, &site, &key, "plan:pro")? == ids(&[1]) && listed(edge, &site, &key, "plan:team")? == ids(&[2]), "the edit moved it");
    let deleted =
        api::json_call("DELETE", &format!("{}/v1/sites/{site}/feedback/{}", edge.url, id(3)), ORIGIN, Some(&format!("Bearer {key}")), None)?;
    ensure!(deleted.status == 204, "{deleted:?}");
    ensure!(listed(edge, &site, &key, "plan:free")?.is_empty(), "a deleted submission leaves the filter");
    let by = breakdown(edge, &site, &key, "plan")?;
    ensure!(by == [("pro".to_owned(), 1), ("team".to_owned(), 1)], "the breakdown follows the edit and the delete: {by:?}");
    // Deleting the only submission with a key leaves nothing of it: not in the keys, not in a breakdown.
    ensure!(send(edge, &site, 4, 0, 3, json!({ "plan": "pro", "cohort": "2026-12" }))?.status == 201);
    ensure!(owner_get(edge, &site, &key, "/summary")?.json()["attribute_keys"] == json!(["plan", "cohort"]));
    let deleted =
        api::json_call("DELETE", &format!("{}/v1/sites/{site}/feedback/{}", edge.url, id(4)), ORIGIN, Some(&format!("Bearer {key}")), None)?;
    ensure!(deleted.status == 204, "{deleted:?}");
    let summary = owner_get(edge, &site, &key, "/summary?by=cohort")?.json();
    ensure!(summary["attribute_keys"] == json!(["plan"]) && summary["breakdown"]["values"] == json!([]), "the deleted value is gone: {summary}");
    // A duplicate of a stored revision with other attributes is a conflict, not a silent change.
    let a = send(edge, &site, 1, 0, 4, json!({ "plan": "free" }))?;
    ensure!(a.status == 409, "{a:?}");

    // A script inventing values: a day counts 100 of a key by name, the rest under (other); each
    // is still stored and found by its own value. All on one UTC day: the cap is per day.
    clear_of_midnight();
    for n in 0..103u32 {
        let a = send(edge, &site, 1000 + n, 0, 5, json!({ "build": format!("b{n}") }))?;
        ensure!(a.status == 201, "{a:?}");
    }
    let b = owner_get(edge, &site, &key, "/summary?by=build")?.json()["breakdown"].clone();
    println!("103 invented values: {} listed of {}, (other) {}", b["values"].as_array().map_or(0, Vec::len), b["values_total"], b["values"][0]);
    ensure!(b["values_total"] == 101 && b["values"][0]["value"] == "(other)" && b["values"][0]["total"] == 3, "{b}");
    ensure!(b["values"].as_array().map(Vec::len) == Some(20) && b["unset"]["total"] == 2, "the 20 most rated, then the rest unlisted: {b}");
    ensure!(listed(edge, &site, &key, "build:b102")? == ids(&[1102]), "a value counted under (other) is still found by its own");
    let deleted =
        api::json_call("DELETE", &format!("{}/v1/sites/{site}/feedback/{}", edge.url, id(1102)), ORIGIN, Some(&format!("Bearer {key}")), None)?;
    ensure!(deleted.status == 204, "{deleted:?}");
    let b = owner_get(edge, &site, &key, "/summary?by=build")?.json()["breakdown"].clone();
    ensure!(b["values_total"] == 101 && b["values"][0]["total"] == 2, "its delete takes it from (other), where it was counted: {b}");

    // A script inventing keys, 5 a submission, named to sort before the page's own: the keys
    // listed are those most submissions carry, so the page's `build` and `plan` stay first, and
    // the invented ones are still stored and found.
    for n in 0..6u32 {
        let invented: serde_json::Map<String, Value> = (0..5).map(|k| (format!("aa{}", n * 5 + k), json!("x"))).collect();
        let a = send(edge, &site, 2000 + n, 0, 1, Value::Object(invented))?;
        ensure!(a.status == 201, "{a:?}");
    }
    let listed_keys = owner_get(edge, &site, &key, "/summary")?.json()["attribute_keys"].clone();
    println!("keys with 30 invented: {listed_keys}");
    let listed_keys = listed_keys.as_array().context("attribute_keys")?;
    ensure!(listed_keys.len() == 20 && listed_keys[..2] == [json!("build"), json!("plan")], "the page's keys first: {listed_keys:?}");
    ensure!(listed(edge, &site, &key, "aa29:x")? == ids(&[2005]), "an invented key is still stored and filtered");

    // A sharded site: the same submissions over 4 shards break down exactly as on one.
    let (sharded, single) = (unique_site("attrs-shards")?, unique_site("attrs-one")?);
    let mut keys = Vec::new();
    for (name, shards) in [(&sharded, 4), (&single, 1)] {
        let body = json!({ "id": name, "name": name, "origins": [ORIGIN], "widget": { "scale": "stars" }, "shards": shards,
            "limits": { "visitor_per_minute": 0, "site_per_minute": 0 } });
        let a = api::json_call("POST", &format!("{}/v1/sites", edge.url), ORIGIN, Some(&format!("Bearer {}", edge.admin_token)), Some(body))?;
        ensure!(a.status == 201, "{a:?}");
        keys.push(a.json()["owner_key"].as_str().context("owner key")?.to_owned());
        for n in 0..24u32 {
            let plan = ["pro", "free", "team"][n as usize % 3];
            let attributes = if n % 4 == 0 { json!({}) } else { json!({ "plan": plan }) };
            let a = send(edge, name, 100 + n, 0, i64::from(n % 5 + 1), attributes)?;
            ensure!(a.status == 201, "{a:?}");
        }
    }
    let (over_four, on_one) = (breakdown(edge, &sharded, &keys[0], "plan")?, breakdown(edge, &single, &keys[1], "plan")?);
    println!("over 4 shards {over_four:?}, on one {on_one:?}");
    ensure!(over_four == on_one && over_four.iter().map(|(_, n)| n).sum::<u64>() == 24, "the merge equals one object's counts");
    ensure!(listed(edge, &sharded, &keys[0], "plan:team")? == listed(edge, &single, &keys[1], "plan:team")?, "and so does the filter");
    Ok(())
}
