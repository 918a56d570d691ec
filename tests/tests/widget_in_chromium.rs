//! The walking skeleton end to end: the example page with the pasted snippet, in a real headless
//! Chromium, against the real Worker under `wrangler dev`; the owner's summary shows exact counts.

use std::time::Duration;

use anyhow::{ensure, Result};
use sayso_tests::browser::Browser;
use sayso_tests::edge::Edge;
use sayso_tests::pages::ExampleSite;
use sayso_tests::{paths, unique_site, wait_for};
use serde_json::{json, Value};

const HOST: &str = "sayso-feedback";
const UI_TIMEOUT: Duration = Duration::from_secs(30);

/// A site of the test's own on the shared edge, and its owner key.
struct Site {
    id: String,
    key: String,
}

/// The shared edge, the example site, a demo site allowing it, and a browser.
fn setup(widget: Value) -> Result<(&'static Edge, ExampleSite, Site, Browser)> {
    let edge = Edge::shared()?;
    let id = unique_site("demo")?;
    let pages = ExampleSite::serve(0, &edge.url, &id)?;
    let created = edge.create_site(&id, &[&pages.url], widget)?;
    let browser = Browser::start()?;
    Ok((edge, pages, Site { id, key: created.owner_key }, browser))
}

/// The one-line snippet gives a floating tab; a click opens the widget.
fn open_tab(browser: &Browser) -> Result<()> {
    let tab = browser.wait_in_shadow(HOST, ".tab", UI_TIMEOUT)?;
    ensure!(browser.attribute(&tab, "aria-expanded")?.as_deref() == Some("false"), "the tab says it is closed");
    browser.click(&tab)?;
    Ok(())
}

/// Polls the summary until `done` holds (delivery is asynchronous), then returns it.
fn summary_when(edge: &Edge, site: &Site, done: impl Fn(&Value) -> bool) -> Result<Value> {
    wait_for("the summary to show the submission", Duration::from_secs(60), || {
        let summary = edge.summary(&site.id, &site.key)?;
        Ok(done(&summary).then_some(summary))
    })
}

#[test]
fn a_star_rating_and_comment_from_the_example_page_reach_the_summary() -> Result<()> {
    let (edge, pages, site, browser) = setup(json!({ "scale": "stars", "question": "How are the docs?" }))?;
    browser.goto(&format!("{}/basic/", pages.url))?;
    open_tab(&browser)?;

    let question = browser.wait_in_shadow(HOST, ".question", UI_TIMEOUT)?;
    ensure!(browser.text(&question)? == "How are the docs?", "the site's question is shown");
    browser.screenshot(&paths::artifacts().join("widget-stars.png"))?;

    let four = browser.wait_in_shadow(HOST, "button[data-value=\"4\"]", UI_TIMEOUT)?;
    ensure!(browser.attribute(&four, "aria-label")?.as_deref() == Some("4 of 5 stars"), "stars have accessible names");
    browser.click(&four)?;
    // The rating is sent the moment it is clicked, before any comment.
    let rated = summary_when(edge, &site, |s| s["total"] == 1)?;
    println!("after the click: total={} comments={}", rated["total"], rated["comments"]);
    ensure!(rated["comments"] == 0, "no comment yet: {rated}");

    let comment = browser.wait_in_shadow(HOST, "#comment", UI_TIMEOUT)?;
    browser.type_text(&comment, "Clear and helpful, thanks!")?;
    browser.screenshot(&paths::artifacts().join("widget-comment.png"))?;
    browser.click(&browser.wait_in_shadow(HOST, "button[data-action=\"send\"]", UI_TIMEOUT)?)?;
    let thanks = browser.wait_in_shadow(HOST, ".thanks", UI_TIMEOUT)?;
    ensure!(browser.text(&thanks)?.contains("Thank you"), "the thank-you state is shown");
    let live = browser.execute(
        "const r = document.querySelector('sayso-feedback').shadowRoot.querySelector('[aria-live=polite]'); return r && r.textContent",
        vec![],
    )?;
    ensure!(live.as_str().is_some_and(|t| t.contains("Thank you")), "and announced in a live region: {live}");
    browser.screenshot(&paths::artifacts().join("widget-thanks.png"))?;

    // The comment updated the same submission: still one rating, now with one comment.
    let summary = summary_when(edge, &site, |s| s["comments"] == 1)?;
    println!("after the comment: {summary}");
    ensure!(summary["total"] == 1, "one rating, not two: {summary}");
    let stars = &summary["scales"][0];
    ensure!(stars["scale"] == "stars" && stars["count"] == 1 && stars["mean"] == 4.0, "{summary}");
    ensure!(stars["histogram"][3] == json!({ "value": 4, "count": 1 }), "{summary}");
    Ok(())
}

#[test]
fn changing_the_rating_keeps_the_typed_comment_and_still_counts_once() -> Result<()> {
    let (edge, pages, site, browser) = setup(json!({ "scale": "stars" }))?;
    browser.goto(&format!("{}/basic/", pages.url))?;
    open_tab(&browser)?;
    browser.click(&browser.wait_in_shadow(HOST, "button[data-value=\"2\"]", UI_TIMEOUT)?)?;
    // Typed decomposed (e + combining acute): stored composed, as the edge would store it anyway.
    browser.type_text(&browser.wait_in_shadow(HOST, "#comment", UI_TIMEOUT)?, "Actually it was fine, cafe\u{301}")?;
    browser.click(&browser.wait_in_shadow(HOST, "button[data-value=\"5\"]", UI_TIMEOUT)?)?;
    let comment = browser.wait_in_shadow(HOST, "#comment", UI_TIMEOUT)?;
    let kept = browser.execute("return arguments[0].value", vec![comment.as_arg()])?;
    let kept = kept.as_str().unwrap_or_default().to_owned();
    ensure!(kept == "Actually it was fine, cafe\u{301}", "the typed comment survives choosing another rating: {kept:?}");
    browser.click(&browser.wait_in_shadow(HOST, "button[data-action=\"send\"]", UI_TIMEOUT)?)?;
    let summary = summary_when(edge, &site, |s| s["comments"] == 1)?;
    let histogram: Vec<u64> =
        summary["scales"][0]["histogram"].as_array().map(|h| h.iter().filter_map(|b| b["count"].as_u64()).collect()).unwrap_or_default();
    println!("2★ then 5★ with a comment: {histogram:?}, total {}", summary["total"]);
    let stored =
        sayso_tests::api::get(&format!("{}/v1/sites/{}/feedback", edge.url, site.id), &[("authorization", &format!("Bearer {}", site.key))])?.json();
    ensure!(stored["items"][0]["comment"] == "Actually it was fine, caf\u{e9}", "NFC by the widget: {stored}");
    ensure!(summary["total"] == 1 && histogram == [0, 0, 0, 0, 1], "one rating, moved to 5: {summary}");
    // Focus lands on the thank-you message, not the top of the page.
    let focused = browser.execute("return document.querySelector('sayso-feedback').shadowRoot.activeElement?.className", vec![])?;
    ensure!(focused == "thanks", "focus moves to the thank-you message: {focused}");
    Ok(())
}

#[test]
fn a_double_click_on_a_rating_counts_once() -> Result<()> {
    let (edge, pages, site, browser) = setup(json!({ "scale": "nps" }))?;
    browser.goto(&format!("{}/basic/", pages.url))?;
    open_tab(&browser)?;
    let nine = browser.wait_in_shadow(HOST, "button[data-value=\"9\"]", UI_TIMEOUT)?;
    browser.double_click(&nine)?;
    summary_when(edge, &site, |s| s["total"] == 1)?;
    // Give any second request time to land before checking it did not count.
    std::thread::sleep(Duration::from_secs(2));
    let summary = edge.summary(&site.id, &site.key)?;
    println!("after a double click: {summary}");
    ensure!(summary["total"] == 1, "counted once: {summary}");
    ensure!(summary["scales"][0]["nps"]["promoters"] == 1, "{summary}");
    Ok(())
}

#[test]
fn the_thumbs_scale_and_a_skipped_comment() -> Result<()> {
    let (edge, pages, site, browser) = setup(json!({ "scale": "thumbs", "thank_you": "Cheers!" }))?;
    browser.goto(&format!("{}/basic/", pages.url))?;
    open_tab(&browser)?;
    browser.click(&browser.wait_in_shadow(HOST, "button[data-value=\"0\"]", UI_TIMEOUT)?)?;
    browser.click(&browser.wait_in_shadow(HOST, "button[data-action=\"skip\"]", UI_TIMEOUT)?)?;
    let thanks = browser.wait_in_shadow(HOST, ".thanks", UI_TIMEOUT)?;
    ensure!(browser.text(&thanks)? == "Cheers!", "the site's thank-you text");
    let summary = summary_when(edge, &site, |s| s["total"] == 1)?;
    ensure!(summary["scales"][0]["histogram"] == json!([{ "value": 0, "count": 1 }, { "value": 1, "count": 0 }]), "{summary}");
    ensure!(summary["comments"] == 0, "{summary}");
    // The widget adds nothing to the host page's styles.
    let host_sheets = browser.execute("return document.styleSheets.length + document.adoptedStyleSheets.length", vec![])?;
    ensure!(host_sheets == 1, "only the page's own stylesheet: {host_sheets}");
    Ok(())
}
