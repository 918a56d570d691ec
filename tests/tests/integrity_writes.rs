//! What a hostile client can write: authorship that can't be forged, deletes that are final,
//! a page cap and accepted scales nobody can grow past, and search within Durable Object
//! SQLite's limits — tried as an attacker with curl would against the real Worker under
//! `wrangler dev`: another visitor's id with the honeypot filled, with a huge `rev`, with another
//! key or none; late copies of an undone rating; thousands of invented page paths; scales the
//! site never showed; search phrases past LIKE's 50-byte limit.

use anyhow::{ensure, Context, Result};
use sayso_tests::api::{self, Answer};
use sayso_tests::edge::Edge;
use sayso_tests::unique_site;
use serde_json::{json, Value};

const ORIGIN: &str = "https://docs.example.com";
const VICTIM_KEY: &str = "victim-0123456789abcdef0123456789";
const ATTACKER_KEY: &str = "attacker-0123456789abcdef01234567";
const ID: &str = "0190a6e2-7c1d-7abc-8def-00000000a11c";

/// The victim's submission `ID`, revision `rev`, with `value` and `key`.
fn submission(site: &str, key: Option<&str>, rev: u32, value: u32) -> Value {
    let mut body = json!({
        "id": ID, "site": site, "scale": "stars", "value": value, "page": "/pricing", "locale": "en",
        "client_ts": 1_763_900_000_000_i64, "widget_version": "0.1.0", "rev": rev,
    });
    if let Some(key) = key {
        body["key"] = json!(key);
    }
    body
}

fn post(edge: &Edge, body: &Value) -> Result<Answer> {
    let headers = [("content-type", "application/json"), ("origin", ORIGIN), ("cf-connecting-ip", "198.51.100.9")];
    let site = body["site"].as_str().unwrap_or_default();
    api::post(&format!("{}/v1/sites/{site}/feedback", edge.url), &headers, body.to_string().as_bytes())
}

fn delete(edge: &Edge, site: &str, id: &str, authorization: &str) -> Result<Answer> {
    api::request("DELETE", &format!("{}/v1/sites/{site}/feedback/{id}", edge.url), &[("authorization", authorization), ("origin", ORIGIN)], None)
}

fn feedback(edge: &Edge, site: &str, owner: &str, query: &str) -> Result<Value> {
    let answer = api::get(&format!("{}/v1/sites/{site}/feedback?{query}", edge.url), &[("authorization", &format!("Bearer {owner}"))])?;
    ensure!(answer.status == 200, "{answer:?}");
    Ok(answer.json())
}

fn refused(answer: &Answer, status: u16, code: &str) -> bool {
    answer.status == status && answer.error_code().as_deref() == Some(code) && answer.header("access-control-allow-origin") == Some(ORIGIN)
}

/// Limits off, so the test measures authorship, not the rate limit.
fn create(edge: &Edge, site: &str) -> Result<String> {
    Ok(edge.create_site_limited(site, &[ORIGIN], json!({ "scale": "stars" }), json!({ "visitor_per_minute": 0, "site_per_minute": 0 }))?.owner_key)
}

#[test]
fn another_visitors_id_gives_an_attacker_nothing_usable() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    let owner = create(edge, &site)?;
    let created = post(edge, &submission(&site, Some(VICTIM_KEY), 0, 5))?;
    ensure!(created.status == 201 && created.json()["receipt"] == VICTIM_KEY, "the victim's receipt is its own key: {created:?}");

    // The id leaked (a webhook, `sayso:submitted`). The honeypot path answers like a store and
    // hands the attacker only what it sent.
    let mut trapped = submission(&site, Some(ATTACKER_KEY), 0, 1);
    trapped["trap"] = json!("x");
    let trap = post(edge, &trapped)?;
    ensure!(trap.status == 201 && trap.json()["receipt"] == ATTACKER_KEY, "{trap:?}");
    ensure!(delete(edge, &site, ID, &format!("Receipt {ATTACKER_KEY}"))?.status == 401, "its own key deletes nothing of the victim's");
    let mut no_key = submission(&site, None, 0, 1);
    no_key["trap"] = json!("x");
    ensure!(post(edge, &no_key)?.json()["receipt"].is_null(), "without a key, no receipt at all");

    // Taking it over: a huge rev, the next rev with another key or none, the same rev again.
    let huge = post(edge, &submission(&site, Some(ATTACKER_KEY), 4_294_967_295, 1))?;
    ensure!(refused(&huge, 400, "invalid_rev"), "{huge:?}");
    for attempt in [
        submission(&site, Some(ATTACKER_KEY), 1, 1),
        submission(&site, None, 1, 1),
        submission(&site, Some(ATTACKER_KEY), 0, 5),
        submission(&site, None, 0, 5),
    ] {
        let answer = post(edge, &attempt)?;
        ensure!(refused(&answer, 403, "not_author"), "{attempt} → {answer:?}");
        ensure!(answer.json()["receipt"].is_null(), "a refusal carries no receipt");
    }
    for forged in ["Receipt ", "Receipt x", "Receipt victim-0123456789abcdef012345678A", "Bearer nope"] {
        ensure!(delete(edge, &site, ID, forged)?.status == 401, "{forged:?} deletes nothing");
    }
    let items = feedback(edge, &site, &owner, "")?;
    ensure!(items["items"][0]["value"] == 5 && items["items"][0]["rev"] == 0, "nothing the attacker sent changed it: {items}");

    // The victim's own edit still lands, and their undo (the receipt) deletes it.
    let edit = post(edge, &submission(&site, Some(VICTIM_KEY), 1, 4))?;
    ensure!(edit.status == 200 && edit.json()["status"] == "updated" && edit.json()["receipt"] == VICTIM_KEY, "{edit:?}");
    ensure!(delete(edge, &site, ID, &format!("Receipt {VICTIM_KEY}"))?.status == 204);
    ensure!(edge.summary(&site, &owner)?["total"] == 0);
    Ok(())
}

#[test]
fn a_submission_sent_without_a_key_is_counted_once_and_changed_by_nobody_but_the_owner() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    let owner = create(edge, &site)?;
    let first = post(edge, &submission(&site, None, 0, 3))?;
    ensure!(first.status == 201 && first.json()["receipt"].is_null(), "{first:?}");
    let again = post(edge, &submission(&site, None, 0, 3))?;
    ensure!(again.status == 200 && again.json()["status"] == "duplicate", "a retry is still a duplicate: {again:?}");
    for attempt in [submission(&site, None, 1, 1), submission(&site, Some(ATTACKER_KEY), 1, 1)] {
        ensure!(refused(&post(edge, &attempt)?, 403, "not_author"), "{attempt}");
    }
    ensure!(delete(edge, &site, ID, &format!("Bearer {owner}"))?.status == 204, "the owner deletes it");
    Ok(())
}

#[test]
fn a_deleted_submission_never_comes_back() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    let owner = create(edge, &site)?;
    ensure!(post(edge, &submission(&site, Some(VICTIM_KEY), 0, 2))?.status == 201);
    ensure!(post(edge, &submission(&site, Some(VICTIM_KEY), 1, 3))?.status == 200);
    ensure!(delete(edge, &site, ID, &format!("Receipt {VICTIM_KEY}"))?.status == 204, "undone");
    // Late copies: the beacon of the first send, a retry of the edit, another tab's next edit.
    for (rev, value) in [(0, 2), (1, 3), (2, 5)] {
        let late = post(edge, &submission(&site, Some(VICTIM_KEY), rev, value))?;
        ensure!(refused(&late, 410, "submission_deleted"), "rev {rev}: {late:?}");
    }
    ensure!(delete(edge, &site, ID, &format!("Receipt {VICTIM_KEY}"))?.status == 404, "already gone");
    let summary = edge.summary(&site, &owner)?;
    ensure!(
        summary["total"] == 0 && feedback(edge, &site, &owner, "")?["items"].as_array().is_some_and(Vec::is_empty),
        "never stored or counted: {summary}"
    );

    // The owner's delete is as final.
    let mut other = submission(&site, Some(VICTIM_KEY), 0, 4);
    other["id"] = json!("0190a6e2-7c1d-7abc-8def-00000000b0b0");
    ensure!(post(edge, &other)?.status == 201);
    ensure!(delete(edge, &site, "0190a6e2-7c1d-7abc-8def-00000000b0b0", &format!("Bearer {owner}"))?.status == 204);
    ensure!(refused(&post(edge, &other)?, 410, "submission_deleted"));
    ensure!(edge.summary(&site, &owner)?["total"] == 0);
    Ok(())
}

#[test]
fn invented_page_paths_past_the_days_cap_are_counted_under_other() -> Result<()> {
    const CAP: u32 = 1000;
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    let owner = create(edge, &site)?;
    let send = |n: u32, page: &str| -> Result<u16> {
        let body = json!({
            "id": format!("0190a6e2-7c1d-7abc-8def-{n:012x}"), "site": &site, "scale": "stars", "value": 1 + n % 5, "page": page,
            "locale": "en", "client_ts": 1_763_900_000_000_i64, "widget_version": "0.1.0",
        });
        Ok(post(edge, &body)?.status)
    };
    for n in 0..CAP + 20 {
        ensure!(send(n, &format!("/invented/{n}"))? == 201, "submission {n}");
    }
    // A page counted today before the cap was reached still counts as itself.
    ensure!(send(5000, "/invented/7")? == 201);
    let other = feedback(edge, &site, &owner, "page=(other)&limit=100")?;
    let real = feedback(edge, &site, &owner, "page=/invented/7")?;
    println!("{} submissions on {} pages: {} under (other)", CAP + 21, CAP + 20, other["items"].as_array().map_or(0, Vec::len));
    ensure!(other["items"].as_array().is_some_and(|i| i.len() == 20), "the 20 pages past the cap: {other}");
    // Counted under (other), but the owner still sees (and can filter by) the page it came from.
    ensure!(other["items"][0]["page"].as_str().is_some_and(|p| p.starts_with("/invented/10")), "{}", other["items"][0]);
    let past_cap = feedback(edge, &site, &owner, &format!("page=/invented/{}", CAP + 19))?;
    ensure!(past_cap["items"].as_array().is_some_and(|i| i.len() == 1), "{past_cap}");
    ensure!(real["items"].as_array().is_some_and(|i| i.len() == 2), "{real}");
    let summary = edge.summary(&site, &owner)?;
    ensure!(summary["total"] == CAP + 21, "every rating counted: {}", summary["total"]);
    Ok(())
}

#[test]
fn junk_turnstile_tokens_cost_the_sender_its_tokens_so_it_cannot_make_the_edge_call_out_without_limit() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    let owner = edge
        .create_site_limited(
            &site,
            &[ORIGIN],
            json!({ "scale": "stars" }),
            json!({ "visitor_per_minute": 3, "site_per_minute": 0, "min_comment_ms": 0 }),
        )?
        .owner_key;
    // A stand-in for Turnstile's siteverify that refuses every token; its calls are counted.
    let (verify_url, calls) = sayso_tests::receiver(200, r#"{"success":false,"error-codes":["invalid-input-response"]}"#)?;
    let calls = || calls.lock().map(|c| c.len()).unwrap_or_default();
    let patch = api::request(
        "PATCH",
        &format!("{}/v1/sites/{site}", edge.url),
        &[("authorization", &format!("Bearer {owner}")), ("content-type", "application/json")],
        Some(json!({ "turnstile": { "site_key": "0x4AAA-test", "secret": "shh", "verify_url": verify_url } }).to_string().as_bytes()),
    )?;
    ensure!(patch.status == 200, "{patch:?}");
    let comment = |n: u32, address: &str| -> Result<Answer> {
        let body = json!({
            "id": format!("0190a6e2-7c1d-7abc-8def-{n:012x}"), "site": &site, "scale": "stars", "value": 1, "page": "/",
            "locale": "en", "client_ts": 1_763_900_000_000_i64, "widget_version": "0.1.0", "comment": "spam", "turnstile": format!("junk-{n}"),
        });
        let headers = [("content-type", "application/json"), ("origin", ORIGIN), ("cf-connecting-ip", address)];
        api::post(&format!("{}/v1/sites/{site}/feedback", edge.url), &headers, body.to_string().as_bytes())
    };
    let statuses: Vec<u16> = (0..20).map(|n| comment(n, "203.0.113.66").map(|a| a.status)).collect::<Result<_>>()?;
    println!("20 junk tokens from one address: {statuses:?}, siteverify called {} times", calls());
    ensure!(statuses[..3].iter().all(|s| *s == 403) && statuses[3..].iter().all(|s| *s == 429), "{statuses:?}");
    ensure!(calls() == 3, "one siteverify call per token the sender had");
    ensure!(comment(100, "198.51.100.77")?.status == 403, "another visitor is not locked out");
    Ok(())
}

#[test]
fn ratings_on_scales_the_site_does_not_show_are_refused() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    let owner = create(edge, &site)?;
    let on = |n: u32, scale: &str, value: u32| -> Result<Answer> {
        let body = json!({
            "id": format!("0190a6e2-7c1d-7abc-8def-{n:012x}"), "site": &site, "scale": scale, "value": value, "page": "/",
            "locale": "en", "client_ts": 1_763_900_000_000_i64, "widget_version": "0.1.0",
        });
        post(edge, &body)
    };
    ensure!(on(1, "stars", 4)?.status == 201, "the widget's scale");
    for (n, (scale, value)) in [(2, ("nps", 9)), (3, ("thumbs", 1)), (4, ("emoji", 3)), (5, ("csat", 5))] {
        let answer = on(n, scale, value)?;
        ensure!(refused(&answer, 400, "scale_not_accepted"), "{scale}: {answer:?}");
    }
    // The owner lists the scales the site shows; then those count, and only those.
    let patch = api::request(
        "PATCH",
        &format!("{}/v1/sites/{site}", edge.url),
        &[("authorization", &format!("Bearer {owner}")), ("content-type", "application/json")],
        Some(json!({ "scales": ["stars", "nps"] }).to_string().as_bytes()),
    )?;
    ensure!(patch.status == 200, "{patch:?}");
    ensure!(on(6, "nps", 9)?.status == 201 && refused(&on(7, "thumbs", 1)?, 400, "scale_not_accepted"));
    let summary = edge.summary(&site, &owner)?;
    ensure!(summary["total"] == 2 && summary["scales"].as_array().is_some_and(|s| s.len() == 2), "{summary}");
    Ok(())
}

#[test]
fn search_finds_any_phrase_the_api_accepts_with_no_wildcards() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    let owner = create(edge, &site)?;
    let long = "the checkout page froze twice after I entered my card number and pressed pay, then showed 100%_done";
    for (n, comment) in [(1_u32, long), (2, "the checkout page is fine"), (3, "100 percent done")] {
        let body = json!({
            "id": format!("0190a6e2-7c1d-7abc-8def-{n:012x}"), "site": &site, "scale": "stars", "value": 2, "page": "/pay",
            "locale": "en", "client_ts": 1_763_900_000_000_i64, "widget_version": "0.1.0", "comment": comment, "dwell_ms": 9000,
        });
        ensure!(post(edge, &body)?.status == 201);
    }
    let found = |q: &str| -> Result<usize> {
        let encoded: String = q.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect();
        Ok(feedback(edge, &site, &owner, &format!("q={encoded}"))?["items"].as_array().context("items")?.len())
    };
    let phrase = &long[4..150.min(long.len())];
    ensure!(phrase.len() > 50, "longer than a LIKE pattern may be");
    ensure!(found(phrase)? == 1, "a {}-byte phrase", phrase.len());
    ensure!(found("THE CHECKOUT PAGE")? == 2, "case does not matter");
    ensure!(found("100%_")? == 1 && found("%")? == 1 && found("_")? == 1, "% and _ are characters, not wildcards");
    ensure!(found("froze three times")? == 0);
    Ok(())
}
