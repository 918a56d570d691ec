//! The outbox never blocks (issue 14, item 5), against the real Worker: every refusal the widget
//! must not retry is readable by the page that sent it (403s and preflights included), and in a
//! real Chromium a refused entry is dropped at its first answer while the entries after it are
//! delivered. The page counts its own POSTs (a wrapped `fetch`), which is what the edge sees.

use std::time::Duration;

use anyhow::{ensure, Result};
use sayso_tests::browser::Browser;
use sayso_tests::edge::Edge;
use sayso_tests::pages::ExampleSite;
use sayso_tests::unique_site;
use sayso_tests::{api, wait_for};
use serde_json::{json, Value};

const UI: Duration = Duration::from_secs(30);
/// Longer than the outbox's first retries (1 s, 2 s, 4 s with jitter): a refusal that were
/// retried would show in this time.
const RETRIES: Duration = Duration::from_secs(8);
const ALLOWED: &str = "https://docs.example.com";
const FOREIGN: &str = "https://not-yet-listed.example";
/// Nothing listens here: every siteverify call fails, so every comment is `turnstile_failed`.
const DEAD_SITEVERIFY: &str = "http://127.0.0.1:9/siteverify";

/// Before any script of the page: a stand-in `turnstile` (the real one needs Cloudflare's
/// network) that hands out a token the edge cannot verify, and a `fetch` that records every POST
/// the page makes (its body, then its status, or `network error`).
const PAGE_WORLD: &str =
    "window.turnstile = { render(box, o) { setTimeout(() => o.callback('unverifiable-' + Math.random().toString(36).slice(2)), 50); } };
    const send = window.fetch;
    window.saysoPosts = [];
    window.fetch = (url, init) => {
      if (!init || init.method != 'POST') return send(url, init);
      const post = { body: JSON.parse(init.body), status: null };
      window.saysoPosts.push(post);
      return send(url, init).then((r) => ((post.status = r.status), r), (e) => { post.status = 'network error'; throw e; });
    };";

fn submission(site: &str, id: &str, extra: Value) -> Value {
    let mut body = json!({ "id": id, "site": site, "scale": "stars", "value": 4, "page": "/docs", "locale": "en",
        "client_ts": 1_763_900_000_000_u64, "widget_version": "0.1.0" });
    for (k, v) in extra.as_object().into_iter().flatten() {
        body[k] = v.clone();
    }
    body
}

fn patch_site(edge: &Edge, site: &str, key: &str, body: Value) -> Result<()> {
    let answer = api::request(
        "PATCH",
        &format!("{}/v1/sites/{site}", edge.url),
        &[("authorization", &format!("Bearer {key}")), ("content-type", "application/json")],
        Some(body.to_string().as_bytes()),
    )?;
    ensure!(answer.status == 200, "PATCH {body}: {answer:?}");
    Ok(())
}

#[test]
fn every_refusal_of_a_submission_or_an_undo_is_readable_by_the_page_that_sent_it() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    let key = edge.create_site(&site, &[ALLOWED], json!({ "scale": "stars" }))?.owner_key;
    patch_site(edge, &site, &key, json!({ "turnstile": { "site_key": "0x4AAA-test", "secret": "shh", "verify_url": DEAD_SITEVERIFY } }))?;
    let feedback = format!("{}/v1/sites/{site}/feedback", edge.url);
    let post = |origin: &str, body: &Value| api::post(&feedback, &[("content-type", "text/plain"), ("origin", origin)], body.to_string().as_bytes());
    let readable = |what: &str, answer: &api::Answer, origin: &str| -> Result<()> {
        println!(
            "{what}: {} {:?}, access-control-allow-origin {:?}",
            answer.status,
            answer.error_code(),
            answer.header("access-control-allow-origin")
        );
        ensure!(answer.header("access-control-allow-origin") == Some(origin), "{what}: readable by {origin}: {answer:?}");
        ensure!(answer.header("vary").is_some_and(|v| v.contains("Origin")), "{what}: varies by Origin: {answer:?}");
        Ok(())
    };

    let foreign = post(FOREIGN, &submission(&site, "0190a6e2-7c1d-7abc-8def-0000000000f1", json!({})))?;
    ensure!(foreign.status == 403 && foreign.error_code().as_deref() == Some("origin_not_allowed"), "{foreign:?}");
    readable("a page of an origin not yet listed", &foreign, FOREIGN)?;
    let unverified = post(ALLOWED, &submission(&site, "0190a6e2-7c1d-7abc-8def-0000000000f2", json!({ "comment": "hello", "turnstile": "forged" })))?;
    ensure!(unverified.status == 403 && unverified.error_code().as_deref() == Some("turnstile_failed"), "{unverified:?}");
    readable("a comment whose Turnstile token fails", &unverified, ALLOWED)?;
    let no_token = post(ALLOWED, &submission(&site, "0190a6e2-7c1d-7abc-8def-0000000000f3", json!({ "comment": "hello" })))?;
    ensure!(no_token.error_code().as_deref() == Some("turnstile_failed"), "{no_token:?}");
    readable("a comment without a token", &no_token, ALLOWED)?;
    let invalid = post(FOREIGN, &submission(&site, "not-an-id", json!({})))?;
    ensure!(invalid.status == 400, "{invalid:?}");
    readable("an invalid submission from a foreign page", &invalid, FOREIGN)?;

    // Preflights let any page send, so that the request itself is sent and its answer read.
    for origin in [ALLOWED, FOREIGN] {
        let preflight = api::request("OPTIONS", &feedback, &[("origin", origin), ("access-control-request-method", "POST")], None)?;
        ensure!(preflight.status == 204, "{preflight:?}");
        readable(&format!("the submission's preflight from {origin}"), &preflight, origin)?;
        let undo = api::request(
            "OPTIONS",
            &format!("{feedback}/0190a6e2-7c1d-7abc-8def-0000000000f1"),
            &[("origin", origin), ("access-control-request-method", "DELETE"), ("access-control-request-headers", "authorization")],
            None,
        )?;
        ensure!(undo.status == 204 && undo.header("access-control-allow-headers") == Some("authorization"), "{undo:?}");
        readable(&format!("the undo's preflight from {origin}"), &undo, origin)?;
    }
    let wrong_receipt = api::request(
        "DELETE",
        &format!("{feedback}/0190a6e2-7c1d-7abc-8def-0000000000f1"),
        &[("origin", FOREIGN), ("authorization", "Receipt nope")],
        None,
    )?;
    ensure!(wrong_receipt.status >= 400 && wrong_receipt.status < 500, "{wrong_receipt:?}");
    readable("an undo with a wrong receipt", &wrong_receipt, FOREIGN)?;

    // The allowed list still decides what is stored.
    let summary = edge.summary(&site, &key)?;
    ensure!(summary["total"] == 0, "nothing refused was stored: {summary}");
    Ok(())
}

/// The page's POSTs so far: `[{ body, status }]`.
fn posts(browser: &Browser) -> Result<Vec<Value>> {
    Ok(browser.execute("return window.saysoPosts || []", vec![])?.as_array().cloned().unwrap_or_default())
}

fn outbox_len(browser: &Browser, site: &str) -> Result<u64> {
    let n =
        browser.execute("const s = localStorage.getItem('sayso.outbox.' + arguments[0]); return s ? JSON.parse(s).length : 0;", vec![json!(site)])?;
    Ok(n.as_u64().unwrap_or(u64::MAX))
}

/// How many POSTs carried a body with this `comment`, and their statuses.
fn sent_with_comment(browser: &Browser, comment: &str) -> Result<Vec<Value>> {
    Ok(posts(browser)?.into_iter().filter(|p| p["body"]["comment"] == comment).map(|p| p["status"].clone()).collect())
}

#[test]
fn a_refused_comment_never_holds_back_the_rating_after_it_and_is_sent_only_once() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    let pages = ExampleSite::serve(0, &edge.url, &site)?;
    let key = edge.create_site(&site, &[&pages.url], json!({ "scale": "stars" }))?.owner_key;
    // The scales page shows every scale.
    edge.accept_every_scale(&site, &key)?;
    patch_site(edge, &site, &key, json!({ "turnstile": { "site_key": "0x4AAA-test", "secret": "shh", "verify_url": DEAD_SITEVERIFY } }))?;
    let browser = Browser::start()?;
    browser.cdp("Page.addScriptToEvaluateOnNewDocument", json!({ "source": PAGE_WORLD }))?;
    browser.goto(&format!("{}/scales/", pages.url))?;

    // A rating (stored), then its comment: the edge refuses it (403 turnstile_failed).
    browser.click(&browser.wait_in_shadow("#stars", "[data-value=\"5\"]", UI)?)?;
    let comment = browser.wait_in_shadow("#stars", "#comment", UI)?;
    std::thread::sleep(Duration::from_millis(300));
    browser.type_text(&comment, "refused: the token cannot be verified")?;
    browser.click(&browser.wait_in_shadow("#stars", "[data-action=send]:not([disabled])", UI)?)?;
    let refused = wait_for("the comment's answer", UI, || {
        let statuses = sent_with_comment(&browser, "refused: the token cannot be verified")?;
        Ok(statuses.first().filter(|s| !s.is_null()).cloned())
    })?;
    ensure!(refused == 403, "the page reads the refusal (not a network error): {refused}");

    // A new rating on another widget of the site, sharing the outbox: it arrives.
    browser.click(&browser.wait_in_shadow("#emoji", "[data-value=\"4\"]", UI)?)?;
    let summary = wait_for("both ratings counted", UI, || {
        let summary = edge.summary(&site, &key)?;
        Ok((summary["total"] == 2).then_some(summary))
    })?;
    ensure!(summary["comments"] == 0, "the refused comment is not stored: {summary}");

    // The refused one stops being sent: still one POST after the retries would have come.
    std::thread::sleep(RETRIES);
    let statuses = sent_with_comment(&browser, "refused: the token cannot be verified")?;
    let all: Vec<Value> = posts(&browser)?.into_iter().map(|p| p["status"].clone()).collect();
    let warned = browser.console()?.into_iter().filter(|m| m.contains("refused this feedback")).count();
    println!(
        "POSTs the page made (statuses): {all:?}; the refused comment's: {statuses:?}; outbox {}; {warned} warning(s)",
        outbox_len(&browser, &site)?
    );
    ensure!(statuses == [json!(403)], "the refused comment went out exactly once: {statuses:?}");
    ensure!(outbox_len(&browser, &site)? == 0, "nothing waits in the outbox");
    ensure!(warned == 1, "one console warning for the refusal: {warned}");
    ensure!(all.iter().all(|s| *s == 201 || *s == 200 || *s == 403), "no network errors, no retries: {all:?}");
    Ok(())
}

#[test]
fn a_page_of_an_origin_not_yet_listed_is_refused_once_and_delivers_once_it_is_listed() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    let pages = ExampleSite::serve(0, &edge.url, &site)?;
    // The site lists another origin only: the page's is not yet there.
    let key = edge.create_site(&site, &[ALLOWED], json!({ "scale": "stars" }))?.owner_key;
    edge.accept_every_scale(&site, &key)?;
    let browser = Browser::start()?;
    browser.cdp("Page.addScriptToEvaluateOnNewDocument", json!({ "source": PAGE_WORLD }))?;
    browser.goto(&format!("{}/scales/", pages.url))?;
    browser.click(&browser.wait_in_shadow("#stars", "[data-value=\"2\"]", UI)?)?;
    let first = wait_for("the rating's answer", UI, || Ok(posts(&browser)?.first().map(|p| p["status"].clone()).filter(|s| !s.is_null())))?;
    ensure!(first == 403, "the page reads the refusal: {first}");
    std::thread::sleep(RETRIES);
    let sent = posts(&browser)?.len();
    println!("origin not listed: {sent} POST(s), answered {first}; outbox {}", outbox_len(&browser, &site)?);
    ensure!(sent == 1 && outbox_len(&browser, &site)? == 0, "refused once, dropped, never retried: {sent} POSTs");

    // The owner lists the page's origin: the next rating is stored.
    patch_site(edge, &site, &key, json!({ "origins": [ALLOWED, pages.url] }))?;
    browser.click(&browser.wait_in_shadow("#emoji", "[data-value=\"5\"]", UI)?)?;
    wait_for("the rating from the newly listed origin", UI, || Ok((edge.summary(&site, &key)?["total"] == 1).then_some(())))?;
    ensure!(posts(&browser)?.len() == 2, "one POST each: {:?}", posts(&browser)?);
    Ok(())
}
