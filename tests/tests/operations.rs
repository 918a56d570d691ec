//! The owner's operations and the admin's sites, on the real Worker: erasing a site (every
//! shard, its listing, refused to anyone without its key), a webhook test event delivered and
//! logged; then in a real Chromium, through the UI only: the admin signs in, creates a site and
//! reads its key and snippet once, the owner sets a webhook in the settings form, sends a test
//! event and sees it in the log, rotates the key and deletes the site by typing its id — axe
//! finding nothing on either view, light or dark, and neither scrolling sideways on a phone.

use std::net::TcpListener;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use hmac::{Hmac, Mac};
use sayso_tests::api::{self, Answer};
use sayso_tests::edge::{Edge, EdgeOptions};
use sayso_tests::owner_app::{axe_finds_nothing, dark_too, fits_a_phone, screenshot, text, view_titled, UI};
use sayso_tests::{unique_site, wait_for};
use serde_json::{json, Value};

const ORIGIN: &str = "https://docs.example.com";

use sayso_tests::signed_receiver as receiver;

/// Posts rating `n` (stars, 4, with a comment) to `site` as a visitor's page would.
fn rate(edge: &Edge, site: &str, n: u32) -> Result<()> {
    rate_saying(edge, site, n, Some("Clear"))
}

/// Posts rating `n` (stars, 4) with `comment` (none: a site's default limits take a comment only
/// a while after the widget was shown).
fn rate_saying(edge: &Edge, site: &str, n: u32, comment: Option<&str>) -> Result<()> {
    sayso_tests::owner_app::rate(
        edge,
        site,
        ORIGIN,
        sayso_tests::owner_app::Rating { n: u64::from(n), scale: "stars", value: 4, page: "/docs", comment },
    )
}

/// Creates `site` with `shards` shards through the admin API; its owner key.
fn create(edge: &Edge, site: &str, shards: u32) -> Result<String> {
    let body = json!({ "id": site, "name": format!("Ops {site}"), "origins": [ORIGIN], "widget": { "scale": "stars" }, "shards": shards,
        "limits": { "visitor_per_minute": 0, "site_per_minute": 0, "min_comment_ms": 0 } });
    let a = api::post(
        &format!("{}/v1/sites", edge.url),
        &[("authorization", &format!("Bearer {}", edge.admin_token)), ("content-type", "application/json")],
        body.to_string().as_bytes(),
    )?;
    ensure!(a.status == 201, "{a:?}");
    Ok(a.json()["owner_key"].as_str().context("owner key")?.to_owned())
}

/// `method` on `/v1/sites/{site}{path}` with `key` as the bearer token (none if empty).
fn owner(edge: &Edge, method: &str, site: &str, path: &str, key: &str) -> Result<Answer> {
    let auth = format!("Bearer {key}");
    let headers: Vec<(&str, &str)> = if key.is_empty() { vec![] } else { vec![("authorization", auth.as_str())] };
    api::request(method, &format!("{}/v1/sites/{site}{path}", edge.url), &headers, None)
}

/// Whether the admin's list names `site`.
fn listed(edge: &Edge, site: &str) -> Result<bool> {
    let list = api::get(&format!("{}/v1/sites", edge.url), &[("authorization", &format!("Bearer {}", edge.admin_token))])?;
    ensure!(list.status == 200, "{list:?}");
    Ok(list.json()["sites"].as_array().is_some_and(|s| s.iter().any(|e| e["site"] == site)))
}

#[test]
fn deleting_a_site_erases_every_shard_and_is_refused_without_its_key() -> Result<()> {
    let edge = Edge::shared()?;
    let (site, other) = (unique_site("erase")?, unique_site("erase-other")?);
    let key = create(edge, &site, 4)?;
    let other_key = create(edge, &other, 1)?;
    for n in 1..=12 {
        rate(edge, &site, n)?;
    }
    ensure!(edge.summary(&site, &key)?["total"] == 12, "twelve ratings over four shards");

    // As an attacker would try: no key, another site's key, a made-up key, the admin token.
    for (who, attempt) in
        [("no key", ""), ("another site's key", other_key.as_str()), ("a wrong key", "sk_wrong"), ("the admin token", edge.admin_token.as_str())]
    {
        let refused = owner(edge, "DELETE", &site, "", attempt)?;
        ensure!(refused.status == 401 && refused.error_code().as_deref() == Some("unauthorized"), "{who}: {refused:?}");
    }
    ensure!(edge.summary(&site, &key)?["total"] == 12 && listed(edge, &site)?, "nothing erased by a refused DELETE");
    ensure!(owner(edge, "DELETE", "Not-A-Site", "", &key)?.status == 404, "a malformed id is no site");

    let erased = owner(edge, "DELETE", &site, "", &key)?;
    ensure!(erased.status == 204, "{erased:?}");
    println!("DELETE /v1/sites/{site}: {}", erased.status);
    let config = api::get(&format!("{}/v1/sites/{site}/config", edge.url), &[])?;
    ensure!(config.status == 404 && config.error_code().as_deref() == Some("site_not_found"), "config: {config:?}");
    let body = json!({ "id": "0190a6e2-7c1d-7abc-8def-0000000000ff", "site": &site, "scale": "stars", "value": 4, "page": "/docs",
        "locale": "en", "client_ts": 1_763_900_000_000_u64, "widget_version": "0.1.0" });
    let submit = api::post(
        &format!("{}/v1/sites/{site}/feedback", edge.url),
        &[("content-type", "application/json"), ("origin", ORIGIN)],
        body.to_string().as_bytes(),
    )?;
    ensure!(submit.status == 404 && submit.error_code().as_deref() == Some("site_not_found"), "submit: {submit:?}");
    // Owner routes answer an unknown site as a wrong key (they never say which sites exist).
    for path in ["", "/summary", "/feedback", "/webhook-deliveries"] {
        let read = owner(edge, "GET", &site, path, &key)?;
        ensure!(read.status == 401, "GET {path} with the old key: {read:?}");
    }
    ensure!(owner(edge, "DELETE", &site, "", &key)?.status == 401, "erased once: the key is gone with the site");
    ensure!(!listed(edge, &site)?, "the site left the admin's list");
    ensure!(edge.summary(&other, &other_key)?["total"] == 0 && listed(edge, &other)?, "the other site is untouched");

    // The same id, created anew: empty on every shard.
    let fresh = create(edge, &site, 4)?;
    let summary = edge.summary(&site, &fresh)?;
    let items = owner(edge, "GET", &site, "/feedback", &fresh)?.json();
    ensure!(summary["total"] == 0 && items["items"].as_array().is_some_and(|i| i.is_empty()), "created anew, empty: {summary} {items}");
    rate(edge, &site, 1)?;
    ensure!(edge.summary(&site, &fresh)?["total"] == 1, "an id of the erased site is stored again (its tombstones went too)");
    Ok(())
}

#[test]
fn a_webhook_test_event_is_signed_delivered_and_logged() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("hooktest")?);
    let key = edge.create_site(&site, &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    let unset = owner(edge, "POST", &site, "/webhook-test", &key)?;
    ensure!(unset.status == 409 && unset.error_code().as_deref() == Some("webhook_not_set"), "{unset:?}");
    ensure!(owner(edge, "POST", &site, "/webhook-test", "sk_wrong")?.status == 401, "a wrong key is refused");

    let (hook, seen) = receiver()?;
    let set = api::request(
        "PATCH",
        &format!("{}/v1/sites/{site}", edge.url),
        &[("authorization", &format!("Bearer {key}")), ("content-type", "application/json")],
        Some(json!({ "webhook": { "url": hook, "comments": true } }).to_string().as_bytes()),
    )?;
    ensure!(set.status == 200, "{set:?}");
    let secret = set.json()["webhook_secret"].as_str().context("a signing secret")?.to_owned();
    let queued = owner(edge, "POST", &site, "/webhook-test", &key)?;
    ensure!(queued.status == 202, "{queued:?}");
    let event = queued.json()["event"].as_str().context("the event id")?.to_owned();

    let (signature, body) =
        wait_for("the test event at the receiver", Duration::from_secs(60), || Ok(seen.lock().ok().and_then(|s| s.first().cloned())))?;
    let posted: Value = serde_json::from_str(&body)?;
    ensure!(posted["type"] == "test" && posted["event"] == event.as_str() && posted["site"] == site.as_str(), "{posted}");
    let (t, v1) = signature.split_once(",v1=").context("t=…,v1=…")?;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())?;
    mac.update(format!("{}.{body}", t.trim_start_matches("t=")).as_bytes());
    let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    ensure!(v1 == expected, "signed like every event");
    let log = wait_for("the delivery in the log", Duration::from_secs(30), || {
        let log = owner(edge, "GET", &site, "/webhook-deliveries", &key)?.json();
        Ok(log["deliveries"].as_array().is_some_and(|d| d.iter().any(|e| e["event"] == event.as_str() && e["outcome"] == "delivered")).then_some(log))
    })?;
    println!("test event {event}: {}", log["deliveries"][0]);
    Ok(())
}

/// `method` on `/v1/sites/{site}{path}` with the owner's `key` and a JSON body.
fn owner_json(edge: &Edge, method: &str, site: &str, path: &str, key: &str, body: &Value) -> Result<Answer> {
    api::request(
        method,
        &format!("{}/v1/sites/{site}{path}", edge.url),
        &[("authorization", &format!("Bearer {key}")), ("content-type", "application/json")],
        Some(body.to_string().as_bytes()),
    )
}

#[test]
fn a_site_erased_and_created_anew_with_fewer_shards_routes_by_its_new_map() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("reshard")?);
    let old = create(edge, &site, 4)?;
    // Submissions teach this isolate the four-shard map (each shard answers it for the others' ids).
    for n in 1..=8 {
        rate(edge, &site, n)?;
    }
    ensure!(owner(edge, "DELETE", &site, "", &old)?.status == 204, "erased");
    let key = create(edge, &site, 1)?;
    for n in 1..=8 {
        rate(edge, &site, n)?;
    }
    ensure!(edge.summary(&site, &key)?["total"] == 8, "eight ratings on the one shard");
    let id = |n: u32| format!("0190a6e2-7c1d-7abc-8def-{n:012x}");
    for n in 1..=8 {
        let triaged = owner_json(edge, "PATCH", &site, &format!("/feedback/{}", id(n)), &key, &json!({ "status": "seen" }))?;
        ensure!(triaged.status == 200, "triage of rating {n}: {triaged:?}");
    }
    let bulk = owner_json(edge, "POST", &site, "/feedback/triage", &key, &json!({ "ids": [id(1), id(2), id(3)], "status": "resolved" }))?;
    ensure!(bulk.status == 200, "bulk triage: {bulk:?}");
    for n in 1..=8 {
        let deleted = owner(edge, "DELETE", &site, &format!("/feedback/{}", id(n)), &key)?;
        ensure!(deleted.status == 204, "delete of rating {n}: {deleted:?}");
    }
    ensure!(edge.summary(&site, &key)?["total"] == 0, "every rating deleted");
    Ok(())
}

#[test]
fn a_sharded_sites_delivery_log_holds_every_shards_events() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("hooklog")?);
    let key = create(edge, &site, 4)?;
    let (hook, seen) = receiver()?;
    ensure!(owner_json(edge, "PATCH", &site, "", &key, &json!({ "webhook": { "url": hook, "comments": true } }))?.status == 200, "webhook set");
    for n in 1..=12 {
        rate(edge, &site, n)?;
    }
    // Each event is sent and logged by the shard that stores its submission.
    wait_for("twelve posts at the receiver", Duration::from_secs(60), || Ok(seen.lock().ok().filter(|s| s.len() >= 12).map(|_| ())))?;
    let log = wait_for("twelve deliveries in the log", Duration::from_secs(30), || {
        let log = owner(edge, "GET", &site, "/webhook-deliveries", &key)?.json();
        let delivered = log["deliveries"].as_array().map_or(0, |d| d.iter().filter(|e| e["outcome"] == "delivered").count());
        Ok((delivered == 12).then_some(log))
    })?;
    ensure!(log["pending"] == 0 && log.get("shards").is_none(), "{log}");
    let times: Vec<i64> = log["deliveries"].as_array().context("deliveries")?.iter().filter_map(|e| e["at"].as_i64()).collect();
    ensure!(times.windows(2).all(|w| w[0] >= w[1]), "newest first: {times:?}");
    Ok(())
}

#[test]
fn test_events_pending_across_restarts_leave_the_site_answering() -> Result<()> {
    // An edge of its own: it is restarted, so every object starts anew and runs its migrations.
    let mut edge = Edge::start(EdgeOptions::default())?;
    let site = unique_site("two-tests")?;
    let key = edge.create_site(&site, &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    // A receiver that is down (a port bound, then let go): every event stays pending, retried.
    let down = format!("http://127.0.0.1:{}/hook", TcpListener::bind("127.0.0.1:0")?.local_addr()?.port());
    let set = api::request(
        "PATCH",
        &format!("{}/v1/sites/{site}", edge.url),
        &[("authorization", &format!("Bearer {key}")), ("content-type", "application/json")],
        Some(json!({ "webhook": { "url": down, "comments": true } }).to_string().as_bytes()),
    )?;
    ensure!(set.status == 200, "{set:?}");
    // One test event queued before each restart: each start migrates the queue while the
    // earlier ones still wait (two events both backfilled as `test` broke the unique index).
    for round in 1..=2 {
        let queued = owner(&edge, "POST", &site, "/webhook-test", &key)?;
        ensure!(queued.status == 202, "test event {round}: {queued:?}");
        edge.crash()?;
        edge.restart()?;
        let config = api::get(&format!("{}/v1/sites/{site}/config", edge.url), &[])?;
        ensure!(config.status == 200, "after restart {round}, config: {config:?}");
        let log = owner(&edge, "GET", &site, "/webhook-deliveries", &key)?;
        ensure!(log.status == 200 && log.json()["pending"] == round, "after restart {round}, the log: {log:?}");
    }
    rate(&edge, &site, 1)?;
    ensure!(edge.summary(&site, &key)?["total"] == 1, "the site still stores submissions");
    Ok(())
}

/// The element `css`'s `disabled`, as the page has it now.
fn disabled(browser: &sayso_tests::browser::Browser, css: &str) -> Result<bool> {
    Ok(browser.execute(&format!("return document.querySelector({css:?}).disabled"), vec![])?.as_bool().unwrap_or(false))
}

/// Whether the element `css` is shown (a `hidden` one must not be, whatever its styles say).
fn shown(browser: &sayso_tests::browser::Browser, css: &str) -> Result<bool> {
    Ok(browser.execute(&format!("return document.querySelector({css:?})?.checkVisibility() ?? false"), vec![])?.as_bool().unwrap_or(false))
}

/// Axe in light and dark, the phone's width, and the view's screenshots (`owner-{shot}*.png`).
fn checked(browser: &sayso_tests::browser::Browser, view: &str, shot: &str) -> Result<()> {
    axe_finds_nothing(browser, view)?;
    dark_too(browser, view, &format!("owner-{shot}-dark.png"))?;
    fits_a_phone(browser, &format!("owner-{shot}-phone.png"))?;
    screenshot(browser, &format!("owner-{shot}.png"))
}

#[test]
fn the_admin_creates_a_site_and_its_owner_tests_the_webhook_rotates_the_key_and_deletes_it_in_the_ui() -> Result<()> {
    let edge = Edge::shared()?;
    let browser = sayso_tests::browser::Browser::start()?;
    browser.set_window_size(1280, 2000)?;
    browser.goto(&format!("{}/dashboard", edge.url))?;

    // A wrong admin token is said beside its field, which gets the focus back.
    browser.type_text(&browser.wait_for_element("#admin-token", UI)?, "not-the-admin-token")?;
    browser.click(&browser.wait_for_element("#admin-sign-in button[type=submit]", UI)?)?;
    let said = wait_for("the wrong token's message", UI, || {
        Ok(browser.find("#admin-sign-in-error")?.and_then(|e| browser.text(&e).ok()).filter(|t| t.contains("admin token")))
    })?;
    ensure!(browser.execute("return document.activeElement?.id", vec![])? == "admin-token", "the focus is on the admin token field: {said}");
    ensure!(text(&browser, "#sign-in-error")?.is_empty(), "the owner's sign-in says nothing of it");

    // The admin's way in: the admin token, leading to the site list.
    browser.type_text(&browser.wait_for_element("#admin-token", UI)?, &edge.admin_token)?;
    browser.click(&browser.wait_for_element("#admin-sign-in button[type=submit]", UI)?)?;
    view_titled(&browser, "Your sites")?;
    checked(&browser, "sites", "sites")?;

    // New site: the key and the snippet are shown once.
    ensure!(!shown(&browser, "#created")?, "no key is shown before a site is created");
    let name = format!("Ops docs {}", unique_site("ui")?);
    browser.type_text(&browser.wait_for_element("#new-name", UI)?, &name)?;
    browser.type_text(&browser.wait_for_element("#new-origins", UI)?, ORIGIN)?;
    browser.click(&browser.wait_for_element("#new-site button[type=submit]", UI)?)?;
    let key = wait_for("the new site's owner key", UI, || {
        Ok(browser.find("#created-key")?.and_then(|k| browser.text(&k).ok()).filter(|k| k.starts_with("sk_")))
    })?;
    let site = text(&browser, "#created-site")?;
    let snippet = text(&browser, "#created-snippet")?;
    println!("created {site} in the UI; snippet {snippet}");
    ensure!(!shown(&browser, "#new-site")?, "the form gives way to the key and snippet");
    ensure!(snippet.contains(&format!("data-site=\"{site}\"")) && snippet.contains("/v1/embed.js"), "{snippet}");
    ensure!(owner(edge, "GET", &site, "", &key)?.status == 200, "the key shown works");
    checked(&browser, "sites, a site created", "sites-created")?;

    // Into the new site, then its operations: no webhook yet, so nothing to test.
    browser.click(&browser.wait_for_element("#open-created", UI)?)?;
    view_titled(&browser, "All pages")?;

    // The list: the new site's row, with its score and this week's ratings once it has some.
    for n in 1..=3 {
        rate_saying(edge, &site, 0x5000 + n, None)?;
    }
    browser.goto(&format!("{}/dashboard?view=sites", edge.url))?;
    view_titled(&browser, "Your sites")?;
    let row = format!("#site-list li[data-site={site:?}]");
    ensure!(text(&browser, &format!("{row} .site-name"))?.contains(&name), "the row names the site");
    let score = text(&browser, &format!("{row} [data-score]"))?;
    let week = text(&browser, &format!("{row} [data-week]"))?;
    println!("sites list row: score {score}, {week} this week");
    ensure!(week == "3" && score != "–", "three ratings this week, and a score: {score} / {week}");
    // Back to the new site (the admin's tab keeps the owner's sign-in too).
    browser.goto(&format!("{}/dashboard", edge.url))?;
    view_titled(&browser, "All pages")?;
    browser.click(&browser.wait_for_element("#views a[data-view=operations]", UI)?)?;
    view_titled(&browser, "Operations")?;
    ensure!(text(&browser, "#webhook-state")?.starts_with("No webhook"), "the webhook's state says none is set");
    ensure!(disabled(&browser, "#send-test")?, "no test event without a webhook");
    checked(&browser, "operations, no webhook", "operations-unset")?;

    // The webhook is set in the settings form, reached by the link to its group.
    let (hook, seen) = receiver()?;
    browser.click(&browser.wait_for_element("#webhook-card a[data-settings]", UI)?)?;
    view_titled(&browser, "Settings")?;
    ensure!(browser.execute("return location.hash", vec![])? == "#webhook", "the link keeps the group's anchor");
    browser.type_text(&browser.wait_for_element("#f-webhook-url", UI)?, &hook)?;
    browser.click(&browser.wait_for_element("#settings-form button[type=submit]", UI)?)?;
    browser.click(&browser.wait_for_element("#review:not([hidden]) #save", UI)?)?;
    wait_for("saved", UI, || Ok(browser.find("#saved")?.and_then(|s| browser.text(&s).ok()).filter(|t| t.starts_with("Saved")).map(|_| ())))?;
    browser.click(&browser.wait_for_element("#views a[data-view=operations]", UI)?)?;
    view_titled(&browser, "Operations")?;
    ensure!(text(&browser, "#webhook-state")?.contains(&hook), "the webhook's state names its URL");
    checked(&browser, "operations", "operations")?;

    // A test event, delivered and in the log.
    browser.click(&browser.wait_for_element("#send-test", UI)?)?;
    let row = wait_for("the test event delivered in the log", Duration::from_secs(60), || {
        let Some(row) = browser.find("#delivery-log tr[data-outcome=delivered]")? else { return Ok(None) };
        Ok(browser.text(&row).ok().filter(|t| t.contains("test:")))
    })?;
    println!("delivery log row: {row}");
    ensure!(browser.execute("return document.activeElement?.id", vec![])? == "send-test", "the focus is back on the button pressed");
    ensure!(text(&browser, "#test-status")?.starts_with("Test event sent"), "and the status says so");
    axe_finds_nothing(&browser, "operations, the log with rows")?;
    ensure!(seen.lock().map(|s| s.iter().any(|(_, body)| body.contains("\"type\":\"test\""))).unwrap_or(false), "the receiver got the test event");
    screenshot(&browser, "owner-operations-log.png")?;

    // Key rotation, confirmed: the new key shown once, the old one refused, this tab signed in.
    ensure!(!shown(&browser, "#rotate-confirm")? && !shown(&browser, "#new-key")?, "nothing is asked or shown before the button");
    browser.click(&browser.wait_for_element("#rotate", UI)?)?;
    ensure!(shown(&browser, "#rotate-warning")?, "the confirmation says the old key stops working");
    ensure!(owner(edge, "GET", &site, "", &key)?.status == 200, "asking is not rotating");
    browser.click(&browser.wait_for_element("#rotate-yes", UI)?)?;
    let fresh =
        wait_for("the new key", UI, || Ok(browser.find("#new-key-text")?.and_then(|k| browser.text(&k).ok()).filter(|k| k.starts_with("sk_"))))?;
    ensure!(fresh != key, "a new key");
    ensure!(owner(edge, "GET", &site, "", &key)?.status == 401, "the old key is refused");
    ensure!(owner(edge, "GET", &site, "", &fresh)?.status == 200, "the new key works");
    axe_finds_nothing(&browser, "operations, a key rotated")?;
    screenshot(&browser, "owner-operations-rotated.png")?;
    // The refresh draws the view anew: the old title is marked, and a fresh one is waited for.
    browser.execute("document.querySelector('#view-title').dataset.old = '1'", vec![])?;
    browser.click(&browser.wait_for_element("#refresh-log", UI)?)?;
    wait_for("the view drawn anew", UI, || Ok(browser.find("#view-title:not([data-old])")?.map(|_| ())))?;
    view_titled(&browser, "Operations")?;
    ensure!(browser.execute("return document.activeElement?.id", vec![])? == "refresh-log", "the focus is back on the refresh button");
    ensure!(browser.find("#delivery-log")?.is_some(), "still signed in, with the new key");

    // Deleting: the button waits for the site id, typed.
    let confirm = browser.wait_for_element("#delete-confirm", UI)?;
    ensure!(disabled(&browser, "#delete-site")?, "disabled until the id is typed");
    browser.type_text(&confirm, "not-the-id")?;
    ensure!(disabled(&browser, "#delete-site")?, "disabled for another id");
    browser.execute("const i = document.querySelector('#delete-confirm'); i.value = ''; i.dispatchEvent(new Event('input'))", vec![])?;
    browser.type_text(&confirm, &site)?;
    ensure!(!disabled(&browser, "#delete-site")?, "enabled once the id matches");
    axe_finds_nothing(&browser, "operations, delete enabled")?;
    browser.click(&browser.wait_for_element("#delete-site", UI)?)?;
    let said = wait_for("signed out with a message", UI, || {
        Ok(browser.find("#sign-in-error")?.and_then(|e| browser.text(&e).ok()).filter(|t| t.contains("deleted")))
    })?;
    println!("after deleting: {said}");
    let config = api::get(&format!("{}/v1/sites/{site}/config", edge.url), &[])?;
    ensure!(config.status == 404 && config.error_code().as_deref() == Some("site_not_found"), "{config:?}");
    ensure!(owner(edge, "GET", &site, "", &fresh)?.status == 401, "the key went with the site");
    ensure!(!listed(edge, &site)?, "and so did its listing");
    Ok(())
}
