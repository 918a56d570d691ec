//! The owner's dashboard in a real Chromium: sign in with the owner key, see the numbers the API
//! gives, read comments as text (never as HTML), on a laptop and on a phone.

use std::time::Duration;

use anyhow::{ensure, Result};
use sayso_tests::api;
use sayso_tests::browser::Browser;
use sayso_tests::edge::{Edge, EdgeOptions};
use sayso_tests::paths;
use serde_json::json;

const ORIGIN: &str = "https://docs.example.com";
const HOSTILE: &str = "<img src=x onerror=alert(1)> \"quoted\" & 'single'";
const UI: Duration = Duration::from_secs(30);

#[test]
fn the_dashboard_signs_in_shows_the_api_numbers_and_comments_as_text() -> Result<()> {
    let edge = Edge::start(EdgeOptions::default())?;
    let key = edge.create_site("demo", &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    let ratings = [
        (5, "/docs", Some("Clear and quick")),
        (4, "/docs", None),
        (5, "/docs", None),
        (2, "/pricing", Some(HOSTILE)),
        (1, "/pricing", Some("Too expensive")),
        (2, "/pricing", None),
        (4, "/start", None),
    ];
    for (n, (value, page, comment)) in ratings.iter().enumerate() {
        let mut body = json!({ "id": format!("0190a6e2-7c1d-7abc-8def-{n:012x}"), "site": "demo", "scale": "stars", "value": value,
            "page": page, "locale": "en", "client_ts": 1_763_900_000_000_u64, "widget_version": "0.1.0" });
        if let Some(c) = comment {
            body["comment"] = json!(c);
        }
        let a = api::post(
            &format!("{}/v1/sites/demo/feedback", edge.url),
            &[("content-type", "application/json"), ("origin", ORIGIN)],
            body.to_string().as_bytes(),
        )?;
        ensure!(a.status == 201, "{a:?}");
    }
    let summary = edge.summary("demo", &key)?;

    let shell = api::get(&format!("{}/dashboard", edge.url), &[])?;
    let csp = shell.header("content-security-policy").unwrap_or_default().to_owned();
    ensure!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && csp.contains("frame-ancestors 'none'"), "strict CSP: {csp}");

    let browser = Browser::start()?;
    browser.goto(&format!("{}/dashboard", edge.url))?;
    browser.type_text(&browser.wait_for_element("#site", UI)?, "demo")?;
    browser.type_text(&browser.wait_for_element("#key", UI)?, "sk_wrong")?;
    browser.click(&browser.wait_for_element("#sign-in button[type=submit]", UI)?)?;
    // The form is drawn anew with the message, so look the element up each time.
    let message = sayso_tests::wait_for("the sign-in error", UI, || {
        let Some(error) = browser.find("#sign-in-error")? else { return Ok(None) };
        Ok(browser.text(&error).ok().filter(|t| t.contains("do not match")))
    });
    ensure!(message.is_ok(), "a wrong key is refused with a message; console: {:?}", browser.console());

    browser.type_text(&browser.wait_for_element("#site", UI)?, "demo")?;
    browser.type_text(&browser.wait_for_element("#key", UI)?, &key)?;
    browser.click(&browser.wait_for_element("#sign-in button[type=submit]", UI)?)?;
    let score = browser.text(&browser.wait_for_element("#headline-score", UI)?)?;
    let total = browser.text(&browser.wait_for_element("#headline-total", UI)?)?;
    let api_score = format!("{:.1}", summary["scales"][0]["score"].as_f64().unwrap_or(f64::NAN));
    // The total as text (a JSON number), not compared as a JSON value: the page shows text.
    let api_total = summary["total"].to_string();
    println!("dashboard shows {score} over {total} ratings; the API says {api_score} over {api_total}");
    ensure!(score == api_score && total == api_total, "the dashboard matches the API");

    // The hostile comment is text: no <img> was created and no dialog opened.
    let images = browser.execute("return document.querySelectorAll('.comments img').length", vec![])?;
    let shown = browser
        .execute("return [...document.querySelectorAll('.comments .text')].some(e => e.textContent === arguments[0])", vec![json!(HOSTILE)])?;
    ensure!(images == 0 && shown == true, "comment shown as text: images {images}, shown {shown}");
    ensure!(browser.dialog_text().is_none(), "no dialog opened");
    // The key lives in this tab's session storage, never in the URL.
    let stored = browser.execute("return [sessionStorage.getItem('sayso.key') === arguments[0], location.href]", vec![json!(key)])?;
    ensure!(stored[0] == true && !stored[1].as_str().unwrap_or_default().contains("sk_"), "{stored}");
    browser.screenshot(&paths::artifacts().join("dashboard-laptop.png"))?;
    browser.set_window_size(390, 844)?;
    std::thread::sleep(Duration::from_millis(300));
    let overflow = browser.execute("return document.documentElement.scrollWidth > window.innerWidth + 1", vec![])?;
    browser.screenshot(&paths::artifacts().join("dashboard-phone.png"))?;
    ensure!(overflow == false, "no sideways scrolling on a phone");
    Ok(())
}
