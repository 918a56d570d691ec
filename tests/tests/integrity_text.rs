//! Text is safe wherever it goes, and the owner side tells nothing to whoever lacks the key
//! (issue 14, items 7 and 8), tried as an attacker would against the real Worker: chat markup
//! and mass mentions in a comment reach a webhook's `text` inert, look-alike page paths are
//! stored clean, an owner route of a site that does not exist answers like a wrong key, webhook
//! and verify URLs must be https; in a real Chromium, control characters in a page's widget
//! attributes add nothing to the widget's view, and the dashboard signs out only on 401.

use std::time::Duration;

use anyhow::{ensure, Context, Result};
use sayso_tests::browser::Browser;
use sayso_tests::edge::Edge;
use sayso_tests::pages::ExampleSite;
use sayso_tests::{api, unique_site, wait_for};
use serde_json::{json, Value};

const ORIGIN: &str = "https://docs.example.com";
const UI: Duration = Duration::from_secs(30);

fn submission(site: &str, n: u32, value: i64, page: &str, comment: Option<&str>) -> Value {
    let mut body = json!({ "id": format!("0190a6e2-7c1d-7abc-8def-{n:012x}"), "site": site, "scale": "stars", "value": value, "page": page,
        "locale": "en", "client_ts": 1_763_900_000_000_u64, "widget_version": "0.1.0" });
    if let Some(c) = comment {
        body["comment"] = json!(c);
    }
    body
}

fn send(edge: &Edge, body: &Value) -> Result<api::Answer> {
    api::post(
        &format!("{}/v1/sites/{}/feedback", edge.url, body["site"].as_str().unwrap_or_default()),
        &[("content-type", "application/json"), ("origin", ORIGIN)],
        body.to_string().as_bytes(),
    )
}

fn patch(edge: &Edge, site: &str, key: &str, body: &Value) -> Result<api::Answer> {
    api::request(
        "PATCH",
        &format!("{}/v1/sites/{site}", edge.url),
        &[("authorization", &format!("Bearer {key}")), ("content-type", "application/json")],
        Some(body.to_string().as_bytes()),
    )
}

#[test]
fn chat_markup_and_mass_mentions_in_a_comment_reach_the_webhook_text_inert() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    let key = edge.create_site(&site, &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    let (hook, seen) = sayso_tests::receiver(200, "")?;
    let set = patch(edge, &site, &key, &json!({ "webhook": { "url": hook, "comments": true } }))?;
    ensure!(set.status == 200, "{set:?}");

    let attack = "<!channel> @here @Everyone see <https://evil.example/login|your invoice> & <!here>";
    ensure!(send(edge, &submission(&site, 1, 1, "/pricing", Some(attack)))?.status == 201);
    let body = wait_for("the webhook post", Duration::from_secs(60), || Ok(seen.lock().ok().and_then(|s| s.first().cloned())))?;
    let event: Value = serde_json::from_str(&body)?;
    let text = event["text"].as_str().context("a text")?;
    println!("webhook text: {text:?}");
    ensure!(!text.contains('<') && !text.contains('>'), "no Slack control sequence survives: {text}");
    ensure!(
        text.contains("&lt;!channel&gt;")
            && text.contains("&lt;https://evil.example/login|your invoice&gt;")
            && text.contains(" &amp; ")
            && text.contains("@\u{2060}here")
            && text.contains("@\u{2060}Everyone"),
        "escaped the way Slack reads it, mentions broken by a word joiner: {text}"
    );
    ensure!(!text.contains("@here") && !text.contains("@Everyone"), "nothing pings: {text}");
    ensure!(event["submission"]["comment"] == attack, "the other fields keep the raw comment: {event}");
    Ok(())
}

#[test]
fn look_alike_page_paths_with_bidi_and_zero_width_characters_are_stored_clean() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    let key = edge.create_site(&site, &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    for (n, page) in
        ["/pricing", "/pri\u{202e}cing\u{202c}", "/pri\u{200b}cing", "/\u{feff}pricing\u{2060}", "/pri\u{2066}cing\u{2069}"].iter().enumerate()
    {
        let answer = send(edge, &submission(&site, n as u32 + 1, 4, page, None))?;
        ensure!(answer.status == 201, "{page:?}: {answer:?}");
    }
    let list = api::get(&format!("{}/v1/sites/{site}/feedback", edge.url), &[("authorization", &format!("Bearer {key}"))])?.json();
    let pages: Vec<&str> = list["items"].as_array().context("items")?.iter().filter_map(|i| i["page"].as_str()).collect();
    println!("stored pages: {pages:?}");
    ensure!(pages.len() == 5 && pages.iter().all(|p| *p == "/pricing"), "every path is stored clean: {pages:?}");
    let summary = edge.summary(&site, &key)?;
    let listed: Vec<&str> = summary["pages"].as_array().map(|p| p.iter().filter_map(|p| p["key"].as_str()).collect()).unwrap_or_default();
    ensure!(listed == ["/pricing"], "one page in the summary, not five look-alikes: {summary}");
    Ok(())
}

#[test]
fn owner_routes_answer_401_before_saying_whether_a_site_exists_and_urls_must_be_https() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    let key = edge.create_site(&site, &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    let owner_routes = |site: &str| {
        [
            ("GET", format!("/v1/sites/{site}")),
            ("PATCH", format!("/v1/sites/{site}")),
            ("POST", format!("/v1/sites/{site}/keys")),
            ("GET", format!("/v1/sites/{site}/summary")),
            ("GET", format!("/v1/sites/{site}/feedback")),
            ("GET", format!("/v1/sites/{site}/export.csv")),
            ("GET", format!("/v1/sites/{site}/export.ndjson")),
            ("GET", format!("/v1/sites/{site}/webhook-deliveries")),
            ("DELETE", format!("/v1/sites/{site}/feedback/0190a6e2-7c1d-7abc-8def-000000000001")),
        ]
    };
    // Probing for sites: with no key, a wrong key or a visitor's made-up receipt, a real site and
    // a made-up one answer alike.
    for site in [site.as_str(), "made-up-1"] {
        for auth in [None, Some("Bearer sk_wrong"), Some("Receipt 0000")] {
            for (method, path) in owner_routes(site) {
                if auth == Some("Receipt 0000") && method != "DELETE" {
                    continue;
                }
                let headers: Vec<(&str, &str)> = auth
                    .map(|a| vec![("authorization", a), ("content-type", "application/json")])
                    .unwrap_or(vec![("content-type", "application/json")]);
                let answer = api::request(method, &format!("{}{path}", edge.url), &headers, (method == "PATCH").then_some(b"{}".as_slice()))?;
                ensure!(
                    answer.status == 401 && answer.error_code().as_deref() == Some("unauthorized"),
                    "{method} {path} with {auth:?}: {} {:?}",
                    answer.status,
                    answer.body
                );
            }
        }
    }
    // With the right key, a missing submission is still 404: it tells the owner only about its own site.
    let gone = api::request(
        "DELETE",
        &format!("{}/v1/sites/{site}/feedback/0190a6e2-7c1d-7abc-8def-000000000009", edge.url),
        &[("authorization", &format!("Bearer {key}"))],
        None,
    )?;
    ensure!(gone.status == 404 && gone.error_code().as_deref() == Some("feedback_not_found"), "{gone:?}");

    // Plain http to anywhere but this machine could be read or changed on the way.
    for url in ["http://hooks.example.com/sayso", "http://localhost@evil.example/hook", "http://127.0.0.1.evil.example/hook"] {
        let webhook = patch(edge, &site, &key, &json!({ "webhook": { "url": url, "comments": true } }))?;
        ensure!(webhook.status == 400 && webhook.error_code().as_deref() == Some("insecure_url"), "webhook {url}: {webhook:?}");
        let verify = patch(edge, &site, &key, &json!({ "turnstile": { "site_key": "0x4AAA-test", "secret": "shh", "verify_url": url } }))?;
        ensure!(verify.status == 400 && verify.error_code().as_deref() == Some("insecure_url"), "verify_url {url}: {verify:?}");
    }
    for url in ["https://hooks.example.com/sayso", "http://127.0.0.1:9/hook", "http://localhost:9/hook", "http://[::1]:9/hook"] {
        let webhook = patch(edge, &site, &key, &json!({ "webhook": { "url": url, "comments": true } }))?;
        ensure!(webhook.status == 200, "webhook {url}: {webhook:?}");
    }
    let verify = patch(
        edge,
        &site,
        &key,
        &json!({ "turnstile": { "site_key": "0x4AAA-test", "secret": "shh", "verify_url": "https://verify.example/siteverify" } }),
    )?;
    ensure!(verify.status == 200, "{verify:?}");
    Ok(())
}

#[test]
fn control_characters_in_a_widget_attribute_add_nothing_to_its_view() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    let pages = ExampleSite::serve(0, &edge.url, &site)?;
    edge.create_site(&site, &[&pages.url], json!({ "scale": "stars" }))?;
    let browser = Browser::start()?;
    browser.goto(&format!("{}/hostile/", pages.url))?;
    browser.wait_in_shadow("sayso-feedback", "[role=radio]", UI)?;
    // A page (or a script on it) writes a question that, read as view tokens, would add an
    // element with an id and an event handler, and end the panel early.
    let question = "Fine?\u{1f}<img\u{1f}@id=injected\u{1f}@src=x\u{1f}@onerror=window.pwned=1\u{1f}>\u{1f}>\u{1f}<b\u{1f}\"owned";
    browser.execute(
        "const el = document.createElement('sayso-feedback'); el.id = 'evil'; el.setAttribute('question', arguments[0]); document.body.prepend(el);",
        vec![json!(question)],
    )?;
    browser.wait_in_shadow("#evil", ".question", UI)?;
    let seen = browser.execute(
        "const root = document.querySelector('#evil').shadowRoot; return [root.querySelectorAll('img, b, #injected').length, root.querySelector('.question').textContent, root.querySelectorAll('[role=radio]').length, !!window.pwned]",
        vec![],
    )?;
    println!("the hostile question shows as {seen}");
    ensure!(seen[0] == 0 && seen[2] == 5 && seen[3] == false, "no element added, the panel whole, no handler ran: {seen}");
    ensure!(seen[1].as_str().is_some_and(|t| t.starts_with("Fine? ") && !t.contains('\u{1f}')), "the question is text, separators gone: {seen}");
    Ok(())
}

#[test]
fn the_dashboard_signs_out_only_on_401_and_shows_other_errors_as_errors() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    let key = edge.create_site(&site, &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    let browser = Browser::start()?;
    browser.goto(&format!("{}/dashboard", edge.url))?;
    browser.type_text(&browser.wait_for_element("#site", UI)?, &site)?;
    browser.type_text(&browser.wait_for_element("#key", UI)?, &key)?;
    browser.click(&browser.wait_for_element("#sign-in button[type=submit]", UI)?)?;
    browser.wait_for_element("#headline-total", UI)?;
    // A range the edge refuses (400 invalid_query): an error to show, not a reason to sign out.
    browser.execute(
        "const q = (s) => document.querySelector(s); q('#range').value = 'custom'; q('#from').value = '2026-02-01'; q('#to').value = '2026-01-01'; q('#to').dispatchEvent(new Event('change'));",
        vec![],
    )?;
    let error = wait_for("the load error", UI, || {
        let Some(note) = browser.find("#load-error")? else { return Ok(None) };
        Ok(browser.text(&note).ok().filter(|t| t.contains("400")))
    })?;
    let state = browser.execute(
        "return [sessionStorage.getItem('sayso.key'), !!document.querySelector('#sign-in'), document.querySelector('#sign-out').hidden]",
        vec![],
    )?;
    println!("dashboard after a 400: {error:?}, {state}");
    ensure!(state[0] == json!(key) && state[1] == false && state[2] == false, "still signed in, the key kept: {state}");

    // A key that stops working (rotated elsewhere) is a 401: that signs out.
    let rotated = api::request("POST", &format!("{}/v1/sites/{site}/keys", edge.url), &[("authorization", &format!("Bearer {key}"))], None)?;
    ensure!(rotated.status == 200, "{rotated:?}");
    browser.execute("document.querySelector('#range').value = '7'; document.querySelector('#range').dispatchEvent(new Event('change'));", vec![])?;
    wait_for("the sign-in form", UI, || {
        let Some(message) = browser.find("#sign-in-error")? else { return Ok(None) };
        Ok(browser.text(&message).ok().filter(|t| t.contains("do not match")))
    })?;
    let key_after = browser.execute("return sessionStorage.getItem('sayso.key')", vec![])?;
    ensure!(key_after.is_null(), "a 401 signs out: {key_after}");
    Ok(())
}
