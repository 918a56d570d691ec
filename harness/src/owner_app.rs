//! The owner's app in Chromium, as its browser tests drive it: signing in, waiting for a view,
//! and the checks every view must pass (axe-core finds no WCAG A/AA violation, light or dark;
//! nothing scrolls sideways on a phone), with the screenshots the README shows.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use serde_json::json;

use crate::browser::Browser;
use crate::edge::Edge;
use crate::{paths, wait_for};

/// How long a view may take to appear.
pub const UI: Duration = Duration::from_secs(30);

/// Chromium on the dashboard at `search` (e.g. `?view=inbox`), signed in to `site` with its
/// owner key; it waits for the view titled `title`.
pub fn signed_in(edge: &Edge, site: &str, key: &str, search: &str, title: &str) -> Result<Browser> {
    let browser = Browser::start()?;
    browser.set_window_size(1280, 2000)?;
    browser.goto(&format!("{}/dashboard{search}", edge.url))?;
    browser.type_text(&browser.wait_for_element("#site", UI)?, site)?;
    browser.type_text(&browser.wait_for_element("#key", UI)?, key)?;
    browser.click(&browser.wait_for_element("#sign-in button[type=submit]", UI)?)?;
    view_titled(&browser, title)?;
    Ok(browser)
}

/// Waits for the view whose title (`#view-title`) is `title`.
pub fn view_titled(browser: &Browser, title: &str) -> Result<()> {
    let found = wait_for(&format!("the view {title:?}"), UI, || {
        let Some(h) = browser.find("#view-title")? else { return Ok(None) };
        Ok(browser.text(&h).ok().filter(|t| t == title).map(|_| ()))
    });
    found.with_context(|| format!("console: {:?}", browser.console()))
}

/// The text of the element `css` in the page, once it is there.
pub fn text(browser: &Browser, css: &str) -> Result<String> {
    browser.text(&browser.wait_for_element(css, UI)?)
}

/// Injects axe-core (from `worker/node_modules`) and fails on any WCAG 2.x A/AA violation.
pub fn axe_finds_nothing(browser: &Browser, view: &str) -> Result<()> {
    let source = std::fs::read_to_string(paths::node_modules().join("axe-core/axe.min.js")).context("axe-core (npm) is installed")?;
    browser.execute(&format!("{source}; return 1"), vec![])?;
    let result = browser.execute_async(
        "const done = arguments[arguments.length - 1];
         axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] })
           .then(r => done(r.violations.map(v => ({ id: v.id, help: v.help, nodes: v.nodes.map(n => n.target) }))), e => done([{ id: 'axe-error', help: String(e) }]));",
        vec![],
    )?;
    let violations = result.as_array().cloned().with_context(|| format!("axe answered no list of violations: {result}"))?;
    println!("axe on {view}: {} violations", violations.len());
    ensure!(violations.is_empty(), "axe on {view}: {}", serde_json::to_string_pretty(&violations)?);
    Ok(())
}

/// At 375 px wide nothing scrolls sideways; a screenshot of the phone view, then the laptop again.
pub fn fits_a_phone(browser: &Browser, shot: &str) -> Result<()> {
    browser.set_window_size(375, 812)?;
    std::thread::sleep(Duration::from_millis(300));
    let widths = browser.execute("return [document.scrollingElement.scrollWidth, window.innerWidth]", vec![])?;
    browser.screenshot(&screenshots().join(shot))?;
    let (scroll, inner) = (widths[0].as_f64().context("scrollWidth")?, widths[1].as_f64().context("innerWidth")?);
    ensure!(scroll <= inner, "no sideways scrolling on a phone: {widths}");
    browser.set_window_size(1280, 2000)?;
    std::thread::sleep(Duration::from_millis(300));
    Ok(())
}

/// Axe in dark mode too (other colours, same contrast rules), with its screenshot.
pub fn dark_too(browser: &Browser, view: &str, shot: &str) -> Result<()> {
    let dark = |on: bool| {
        browser.cdp(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": if on { "dark" } else { "light" } }] }),
        )
    };
    dark(true)?;
    std::thread::sleep(Duration::from_millis(200));
    browser.screenshot(&screenshots().join(shot))?;
    let found = axe_finds_nothing(browser, &format!("{view}, dark"));
    dark(false)?;
    found
}

/// Where the views' screenshots go (`artifacts/screenshots`, git-ignored).
pub fn screenshots() -> PathBuf {
    paths::artifacts().join("screenshots")
}

/// A screenshot of the view as it is, into `screenshots()`.
pub fn screenshot(browser: &Browser, shot: &str) -> Result<()> {
    browser.screenshot(&screenshots().join(shot))
}

/// One rating as a visitor's page posts it, for a test to fill a site with.
pub struct Rating<'a> {
    /// Its id is submission `n`'s: `0190a6e2-7c1d-7abc-8def-{n:012x}`.
    pub n: u64,
    /// The scale's name.
    pub scale: &'a str,
    /// The value.
    pub value: i64,
    /// The page path.
    pub page: &'a str,
    /// A comment (a site's default limits refuse one sent right after the widget was shown).
    pub comment: Option<&'a str>,
}

/// Posts `rating` to `site` from a page of `origin`, as the widget would; fails unless stored.
pub fn rate(edge: &Edge, site: &str, origin: &str, rating: Rating) -> Result<()> {
    let mut body = json!({ "id": format!("0190a6e2-7c1d-7abc-8def-{:012x}", rating.n), "site": site, "scale": rating.scale,
        "value": rating.value, "page": rating.page, "locale": "en", "client_ts": 1_763_900_000_000_u64, "widget_version": "0.1.0" });
    if let Some(comment) = rating.comment {
        body["comment"] = json!(comment);
    }
    let answer = crate::api::post(
        &format!("{}/v1/sites/{site}/feedback", edge.url),
        &[("content-type", "application/json"), ("origin", origin)],
        body.to_string().as_bytes(),
    )?;
    ensure!(answer.status == 201, "{answer:?}");
    Ok(())
}
