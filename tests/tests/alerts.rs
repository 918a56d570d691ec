//! Alerts and the weekly digest, end to end: a score that drops below its 30-day baseline sends
//! one signed alert per episode (and none when it holds), a watched word sends one alert per
//! comment (never for the word inside another), the digest's numbers are the summary's, every
//! limit is refused at its field, and the settings form's alerts group saves and passes axe.
//! Seeded days come from the seeding Worker (`bench` feature); its `bench-alerts` route runs the
//! alarm's hourly check at once.

use std::time::Duration;

use anyhow::{ensure, Context, Result};
use hmac::{Hmac, Mac};
use sayso_tests::api::{self, Answer};
use sayso_tests::edge::{Edge, EdgeOptions};
use sayso_tests::owner_app::{self, axe_finds_nothing, rate, Rating, UI};
use sayso_tests::{paths, unique_site, utc_day, wait_for};
use serde_json::{json, Value};

const ORIGIN: &str = "https://docs.example.com";

/// What a receiver saw: the signature header and the body of each POST.
type Seen = sayso_tests::Signed;

use sayso_tests::signed_receiver as receiver;

/// The alert and digest events a receiver was sent, each checked against `secret`'s signature.
/// (Feedback events are left out: seeding queues one per seeded comment on a site with a webhook.)
fn events(seen: &Seen, secret: &str) -> Result<Vec<Value>> {
    let posts = seen.lock().map(|s| s.clone()).unwrap_or_default();
    let mut events = Vec::new();
    for (signature, body) in &posts {
        let (t, v1) = signature.split_once(",v1=").context("t=…,v1=…")?;
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())?;
        mac.update(format!("{}.{body}", t.trim_start_matches("t=")).as_bytes());
        let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        ensure!(v1 == expected, "the signature verifies: {body}");
        let event: Value = serde_json::from_str(body)?;
        if event["type"] != "feedback" {
            events.push(event);
        }
    }
    Ok(events)
}

/// Waits for `count` alert or digest events, then 3 s more so one that should not come has time to.
fn settled(seen: &Seen, secret: &str, count: usize) -> Result<Vec<Value>> {
    wait_for(&format!("{count} events at the receiver"), Duration::from_secs(60), || Ok((events(seen, secret)?.len() >= count).then_some(())))?;
    std::thread::sleep(Duration::from_secs(3));
    events(seen, secret)
}

fn patch(edge: &Edge, site: &str, key: &str, body: Value) -> Result<Answer> {
    api::request(
        "PATCH",
        &format!("{}/v1/sites/{site}", edge.url),
        &[("authorization", &format!("Bearer {key}")), ("content-type", "application/json")],
        Some(body.to_string().as_bytes()),
    )
}

/// A webhook that no star rating fires (only thumbs down would), so the receiver sees alerts
/// only, and `alerts`; answers the signing secret.
fn alerts_to(edge: &Edge, site: &str, key: &str, hook: &str, alerts: Value) -> Result<String> {
    let set = patch(edge, site, key, json!({ "webhook": { "url": hook, "at_or_below": { "thumbs": 0 } }, "alerts": alerts }))?;
    ensure!(set.status == 200 && set.json()["alerts"].is_object(), "{set:?}");
    set.json()["webhook_secret"].as_str().map(str::to_owned).context("a signing secret")
}

/// `count` seeded stars ratings (values 1 to 5 in turn: a mean of 3.0 for a multiple of 5).
fn seed(edge: &Edge, site: &str, from: u32, count: u32, days_ago: u32) -> Result<()> {
    let a = api::post(
        &format!("{}/v1/sites/{site}/bench-seed", edge.url),
        &[("authorization", &format!("Bearer {}", edge.admin_token)), ("content-type", "application/json")],
        json!({ "from": from, "count": count, "days_ago": days_ago }).to_string().as_bytes(),
    )?;
    ensure!(a.status == 200, "{a:?}");
    Ok(())
}

/// The alarm's hourly check, now.
fn judge(edge: &Edge, site: &str) -> Result<()> {
    let a = api::post(&format!("{}/v1/sites/{site}/bench-alerts", edge.url), &[("authorization", &format!("Bearer {}", edge.admin_token))], b"")?;
    ensure!(a.status == 200, "{a:?}");
    Ok(())
}

/// `count` stars ratings of `value` posted today, numbered from `from`.
fn today(edge: &Edge, site: &str, from: u64, count: u64, value: i64) -> Result<()> {
    (from..from + count).try_for_each(|n| rate(edge, site, ORIGIN, Rating { n, scale: "stars", value, page: "/docs", comment: None }))
}

#[test]
fn a_score_drop_alerts_once_per_episode_and_a_steady_score_never() -> Result<()> {
    let edge = Edge::start(EdgeOptions { entry: Some(paths::seeding_worker_entry()), ..EdgeOptions::default() })?;
    let rule = json!({ "score_drops": [{ "window": "day", "drop": 1.0, "min_ratings": 10 }] });
    let mut sites = Vec::new();
    for name in ["dropped", "steady"] {
        let key = edge.create_site(name, &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
        let (hook, seen) = receiver()?;
        let secret = alerts_to(&edge, name, &key, &hook, rule.clone())?;
        // The 30 days before today: 100 ratings averaging 3.0.
        seed(&edge, name, 0, 50, 3)?;
        seed(&edge, name, 100, 50, 20)?;
        sites.push((name, key, seen, secret));
    }
    let ((_, _, dropped, dropped_secret), (_, _, steady, steady_secret)) = (&sites[0], &sites[1]);
    judge(&edge, "dropped")?;
    // Today: `dropped` gets ten 1s (2.0 below its baseline), `steady` fifty averaging 3.0.
    today(&edge, "dropped", 1, 9, 1)?;
    judge(&edge, "dropped")?;
    ensure!(settled(dropped, dropped_secret, 0)?.is_empty(), "nine ratings are fewer than the rule's ten");
    today(&edge, "dropped", 10, 1, 1)?;
    seed(&edge, "steady", 200, 50, 0)?;
    judge(&edge, "dropped")?;
    judge(&edge, "steady")?;
    let alerts = settled(dropped, dropped_secret, 1)?;
    println!("the drop's alert: {}", alerts[0]);
    let alert = &alerts[0]["alert"];
    ensure!(alerts[0]["type"] == "alert" && alert["kind"] == "score_drop" && alert["scale"] == "stars" && alert["window"] == "day", "{alert}");
    ensure!(alert["score"] == 1.0 && alert["ratings"] == 10 && alert["baseline"] == 3.0 && alert["baseline_ratings"] == 100, "{alert}");
    ensure!(alert["from"] == utc_day(0) && alert["to"] == utc_day(0), "{alert}");
    let text = alerts[0]["text"].as_str().unwrap_or_default();
    ensure!(text.contains("stars score today is 1.0") && text.contains("baseline of 3.0"), "a Slack-compatible text: {text}");

    // Judged again and again while the score stays down: nothing more.
    judge(&edge, "dropped")?;
    judge(&edge, "dropped")?;
    ensure!(settled(dropped, dropped_secret, 1)?.len() == 1, "one alert per episode");
    ensure!(settled(steady, steady_secret, 0)?.is_empty(), "a steady score never alerts");

    // Recovered (thirty 5s: 4.0 today), then down again (eighty 1s: 2.0): a second episode.
    today(&edge, "dropped", 100, 30, 5)?;
    judge(&edge, "dropped")?;
    today(&edge, "dropped", 200, 80, 1)?;
    judge(&edge, "dropped")?;
    let again = settled(dropped, dropped_secret, 2)?;
    ensure!(again.len() == 2 && again[0]["event"] != again[1]["event"], "a new episode alerts again, as a new event: {again:?}");
    ensure!(again[1]["alert"]["ratings"] == 120 && again[1]["alert"]["score"] == 2.0, "{}", again[1]);
    Ok(())
}

fn alert_test(edge: &Edge, site: &str, key: &str, body: &str) -> Result<Answer> {
    api::post(
        &format!("{}/v1/sites/{site}/alert-test", edge.url),
        &[("authorization", &format!("Bearer {key}")), ("content-type", "application/json")],
        body.as_bytes(),
    )
}

#[test]
fn the_digest_counts_what_the_summary_counts() -> Result<()> {
    let edge = Edge::start(EdgeOptions { entry: Some(paths::seeding_worker_entry()), ..EdgeOptions::default() })?;
    let key = edge.create_site("digest", &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    ensure!(alert_test(&edge, "digest", &key, r#"{"kind":"digest"}"#)?.error_code().as_deref() == Some("webhook_not_set"));
    let (hook, seen) = receiver()?;
    let secret = alerts_to(&edge, "digest", &key, &hook, json!({ "digest": true }))?;
    // Last week: 300 ratings on 50 pages (every tenth a 1 with a comment); the week before: 100;
    // a month ago: 50, in neither.
    seed(&edge, "digest", 0, 300, 2)?;
    seed(&edge, "digest", 1000, 100, 9)?;
    seed(&edge, "digest", 2000, 50, 30)?;
    for bad in [r#"{"kind":"sms"}"#, r#"{"kind":"digest","now":1}"#, "{}"] {
        ensure!(alert_test(&edge, "digest", &key, bad)?.error_code().as_deref() == Some("invalid_json"), "{bad}");
    }
    ensure!(alert_test(&edge, "digest", "sk_wrong", r#"{"kind":"digest"}"#)?.status == 401);
    let queued = alert_test(&edge, "digest", &key, r#"{"kind":"digest"}"#)?;
    ensure!(queued.status == 202 && queued.json()["event"].as_str().is_some_and(|e| e.starts_with("test:digest:")), "{queued:?}");
    let event = settled(&seen, &secret, 1)?.remove(0);
    let digest = &event["digest"];
    println!("the digest: {}", event["text"]);
    ensure!(event["type"] == "digest" && event["test"] == true && event["event"] == queued.json()["event"], "{event}");
    ensure!(digest["from"] == utc_day(-7) && digest["to"] == utc_day(-1), "the seven days before today: {digest}");

    let summary_of = |from: &str, to: &str| -> Result<Value> {
        let url = format!("{}/v1/sites/digest/summary?from={from}&to={to}", edge.url);
        Ok(api::get(&url, &[("authorization", &format!("Bearer {key}"))])?.json())
    };
    let week = summary_of(&utc_day(-7), &utc_day(-1))?;
    let before = summary_of(&utc_day(-14), &utc_day(-8))?;
    ensure!(digest["total"] == week["total"] && digest["comments"] == week["comments"] && week["total"] == 300, "{digest} vs {week}");
    let scales = digest["scales"].as_array().context("scales")?;
    ensure!(scales.len() == week["scales"].as_array().map_or(0, Vec::len), "{digest}");
    for (mine, theirs) in scales.iter().zip(week["scales"].as_array().into_iter().flatten()) {
        ensure!(mine["scale"] == theirs["scale"] && mine["ratings"] == theirs["count"] && mine["score"] == theirs["score"], "{mine} vs {theirs}");
    }
    ensure!(scales[0]["previous"] == before["scales"][0]["score"] && before["total"] == 100, "{} vs {before}", scales[0]);
    let pages = |list: &str| digest[list].as_array().cloned().unwrap_or_default();
    ensure!(pages("top_pages").len() == 3 && pages("bottom_pages").len() == 3, "{digest}");
    ensure!(pages("top_pages").iter().chain(&pages("bottom_pages")).all(|p| p["ratings"].as_u64() >= Some(5)), "only pages with enough ratings");
    let unhappy = digest["unhappy"].as_array().context("unhappy")?;
    ensure!(
        unhappy.len() == 3 && unhappy.iter().all(|u| u["value"] == 1 && u["comment"].as_str().is_some_and(|c| c.starts_with("seeded"))),
        "{digest}"
    );
    ensure!(digest["replies_sent"] == 0, "{digest}");

    // The test alert: the rule's numbers now, marked as a test.
    let sample = alert_test(&edge, "digest", &key, r#"{"kind":"alert"}"#)?;
    ensure!(sample.status == 202, "{sample:?}");
    let alert = settled(&seen, &secret, 2)?.remove(1);
    ensure!(alert["type"] == "alert" && alert["test"] == true && alert["alert"]["kind"] == "score_drop", "{alert}");
    Ok(())
}

/// A rating with a comment and its authorship key, revision `rev`.
fn comment(edge: &Edge, site: &str, n: u64, rev: u32, text: &str) -> Result<()> {
    let body = json!({ "id": format!("0190a6e2-7c1d-7abc-8def-{n:012x}"), "site": site, "scale": "stars", "value": 2, "page": "/docs",
        "comment": text, "rev": rev, "key": format!("alerts-test-key-{n:020}"), "locale": "en", "client_ts": 1_763_900_000_000_u64, "widget_version": "0.1.0" });
    let a = api::post(
        &format!("{}/v1/sites/{site}/feedback", edge.url),
        &[("content-type", "application/json"), ("origin", ORIGIN)],
        body.to_string().as_bytes(),
    )?;
    ensure!(a.status < 300, "{a:?}");
    Ok(())
}

#[test]
fn a_watched_word_alerts_once_per_comment_and_never_inside_another_word() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("words")?);
    let key = edge.create_site(&site, &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    let (hook, seen) = receiver()?;
    let secret = alerts_to(edge, &site, &key, &hook, json!({ "words": ["  Refund ", "sign up"] }))?;
    comment(edge, &site, 1, 0, "I was refunded, thanks")?;
    comment(edge, &site, 2, 0, "Where do I ask for a REFUND?")?;
    comment(edge, &site, 2, 1, "Where do I ask for a refund? Please!")?;
    comment(edge, &site, 3, 0, "signup was fine")?;
    let alerts = settled(&seen, &secret, 1)?;
    println!("the words alert: {}", alerts[0]);
    ensure!(alerts.len() == 1, "one alert: not for \"refunded\" or \"signup\", not again for an edit: {alerts:?}");
    let alert = &alerts[0]["alert"];
    ensure!(
        alert["kind"] == "words" && alert["words"] == json!(["refund"]) && alert["submission"]["id"] == "0190a6e2-7c1d-7abc-8def-000000000002",
        "{alert}"
    );
    ensure!(alerts[0]["text"].as_str().is_some_and(|t| t.contains("\u{201c}refund\u{201d}") && t.contains("/docs")), "{}", alerts[0]);
    let stored = api::get(&format!("{}/v1/sites/{site}", edge.url), &[("authorization", &format!("Bearer {key}"))])?.json();
    ensure!(stored["alerts"]["words"] == json!(["refund", "sign up"]), "trimmed and lowercased: {stored}");
    Ok(())
}

#[test]
fn a_watched_word_in_a_rating_links_comment_alerts_too() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("words-link")?);
    let key = edge.create_site(&site, &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    let (hook, seen) = receiver()?;
    let secret = alerts_to(edge, &site, &key, &hook, json!({ "words": ["refund"] }))?;
    let made = api::post(
        &format!("{}/v1/sites/{site}/links", edge.url),
        &[("authorization", &format!("Bearer {key}")), ("content-type", "application/json")],
        json!({ "campaign": "support", "scale": "stars" }).to_string().as_bytes(),
    )?;
    ensure!(made.status == 201, "{made:?}");
    let links = made.json()["links"].clone();
    let url = links.as_array().and_then(|l| l.iter().find(|l| l["value"] == 2)).and_then(|l| l["url"].as_str()).context("the 2's URL")?.to_owned();
    ensure!(api::get(&url, &[])?.status == 200, "the click");
    let (page, _) = url.split_once('?').context("a ?v= URL")?;
    let form = api::post(page, &[("content-type", "application/x-www-form-urlencoded")], b"v=2&comment=I+want+a+refund")?;
    ensure!(form.status < 400, "{form:?}");
    let alerts = settled(&seen, &secret, 1)?;
    println!("the link comment's words alert: {}", alerts[0]);
    ensure!(alerts.len() == 1, "one alert, for the comment only: {alerts:?}");
    let submission = &alerts[0]["alert"]["submission"];
    ensure!(
        alerts[0]["alert"]["kind"] == "words" && submission["page"] == "/r/support" && submission["comment"] == "I want a refund",
        "{}",
        alerts[0]
    );
    Ok(())
}

#[test]
fn alert_rules_past_a_limit_or_on_a_sharded_site_are_refused_at_their_field() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("limits")?);
    let key = edge.create_site(&site, &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    let drop = |drop: f64, min: u32| json!({ "window": "week", "scale": "stars", "drop": drop, "min_ratings": min });
    let refused = [
        (json!({ "score_drops": [drop(0.0, 10)] }), "alerts.score_drops"),
        (json!({ "score_drops": [drop(4.5, 10)] }), "alerts.score_drops"),
        (json!({ "score_drops": [drop(1.0, 0)] }), "alerts.score_drops"),
        (json!({ "score_drops": vec![drop(1.0, 10); 6] }), "alerts.score_drops"),
        (json!({ "words": ["x"] }), "alerts.words"),
        (json!({ "words": vec!["word"; 21] }), "alerts.words"),
        (json!({ "words": ["a".repeat(33)] }), "alerts.words"),
    ];
    for (alerts, field) in refused {
        let a = patch(edge, &site, &key, json!({ "alerts": alerts }))?;
        ensure!(a.status == 400 && a.error_code().as_deref() == Some("invalid_alerts") && a.json()["error"]["field"] == field, "{alerts}: {a:?}");
    }
    for shape in
        [json!({ "sms": true }), json!({ "words": "refund" }), json!({ "score_drops": [{ "window": "month", "drop": 1, "min_ratings": 1 }] })]
    {
        ensure!(patch(edge, &site, &key, json!({ "alerts": shape }))?.error_code().as_deref() == Some("invalid_json"), "{shape}");
    }
    // A sharded site: score drops and the digest are refused, with the shards or after them.
    let both = patch(edge, &site, &key, json!({ "shards": 2, "alerts": { "digest": true } }))?;
    ensure!(both.error_code().as_deref() == Some("invalid_alerts") && both.json()["error"]["field"] == "alerts", "{both:?}");
    ensure!(patch(edge, &site, &key, json!({ "alerts": { "score_drops": [drop(1.0, 10)] } }))?.status == 200);
    ensure!(patch(edge, &site, &key, json!({ "shards": 2 }))?.error_code().as_deref() == Some("invalid_alerts"), "no sharding under score drops");
    ensure!(patch(edge, &site, &key, json!({ "alerts": { "words": ["refund"] }, "shards": 2 }))?.status == 200, "words work on any site");
    Ok(())
}

#[test]
fn the_settings_form_saves_alerts_and_axe_finds_nothing() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("form")?);
    let key = edge.create_site(&site, &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    let browser = owner_app::signed_in(edge, &site, &key, "?view=settings#alerts", "Settings")?;
    browser.type_text(&browser.wait_for_element("#f-alerts-words", UI)?, "refund\ncancel")?;
    browser.type_text(&browser.wait_for_element("#f-alerts-score_drops", UI)?, r#"[{"window": "day", "drop": 0, "min_ratings": 20}]"#)?;
    browser.click(&browser.wait_for_element("#settings-form button[type=submit]", UI)?)?;
    let said = wait_for("the API's refusal at its field", UI, || {
        Ok(Some(owner_app::text(&browser, "#e-alerts-score_drops")?).filter(|t| t.contains("above 0")))
    })?;
    println!("the form says: {said}");
    axe_finds_nothing(&browser, "settings, a refused alert rule")?;
    let drops = browser.wait_for_element("#f-alerts-score_drops", UI)?;
    browser.type_text(&drops, "\u{E009}a\u{E000}[{\"window\": \"day\", \"drop\": 0.5, \"min_ratings\": 20}]")?;
    browser.click(&browser.wait_for_element("#f-alerts-digest", UI)?)?;
    wait_for("the error to go", UI, || Ok(owner_app::text(&browser, "#e-alerts-score_drops")?.is_empty().then_some(())))?;
    browser.click(&browser.wait_for_element("#settings-form button[type=submit]", UI)?)?;
    browser.click(&browser.wait_for_element("#review:not([hidden]) #save", UI)?)?;
    wait_for("saved", UI, || Ok(browser.find("#saved")?.and_then(|s| browser.text(&s).ok()).filter(|t| t.starts_with("Saved")).map(|_| ())))?;
    let stored = api::get(&format!("{}/v1/sites/{site}", edge.url), &[("authorization", &format!("Bearer {key}"))])?.json();
    ensure!(
        stored["alerts"]
            == json!({ "score_drops": [{ "window": "day", "scale": null, "drop": 0.5, "min_ratings": 20 }], "words": ["refund", "cancel"], "digest": true }),
        "{stored}"
    );
    // The test button, without a webhook: the API's reason, read out.
    browser.click(&browser.wait_for_element("[data-alert-test=alert]", UI)?)?;
    let state = wait_for("the test's answer", UI, || Ok(Some(owner_app::text(&browser, "#alert-test-state")?).filter(|t| t.contains("webhook"))))?;
    println!("the test button says: {state}");
    axe_finds_nothing(&browser, "settings, alerts saved")?;
    owner_app::dark_too(&browser, "settings, alerts saved", "owner-settings-alerts-dark.png")?;
    Ok(())
}
