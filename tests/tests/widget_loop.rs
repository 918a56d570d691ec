//! Closing the loop in the visitor's browser (real Worker, real Chromium): a reply reaches only the
//! browser that wrote the comment, on its next visit, at most once a day, as a polite notice (a
//! live region, no focus taken, no motion when the visitor asks for none, nothing while snoozed),
//! and it may be answered once; a happy comment on a site that shows testimonials is asked once
//! whether it may be quoted, and the consent can be withdrawn; a visitor who never wrote, or wrote
//! a so-so rating, loads nothing of it (`later.js` is fetched on demand only).

use std::time::Duration;

use anyhow::{ensure, Context, Result};
use sayso_tests::api;
use sayso_tests::browser::Browser;
use sayso_tests::edge::Edge;
use sayso_tests::pages::ExampleSite;
use sayso_tests::{paths, unique_site, wait_for};
use serde_json::{json, Value};

const HOST: &str = "sayso-feedback";
const UI: Duration = Duration::from_secs(30);

/// A site of the test's own on the shared edge, the example pages allowed on it, its owner key.
struct Site {
    edge: &'static Edge,
    id: String,
    key: String,
    pages: ExampleSite,
}

impl Site {
    /// A stars site; `testimonials`: the owner shows testimonials (so happy comments are asked).
    fn new(testimonials: bool) -> Result<Site> {
        let edge = Edge::shared()?;
        let id = unique_site("loop")?;
        let pages = ExampleSite::serve(0, &edge.url, &id)?;
        let created = edge.create_site(&id, &[&pages.url], json!({ "scale": "stars" }))?;
        let site = Site { edge, id, key: created.owner_key, pages };
        if testimonials {
            let patched = site.owner("PATCH", "", Some(json!({ "public": { "testimonials": true } })))?;
            ensure!(patched.status == 200, "turning testimonials on: {patched:?}");
        }
        Ok(site)
    }

    /// An owner call on `/v1/sites/{site}{path}`.
    fn owner(&self, method: &str, path: &str, body: Option<Value>) -> Result<api::Answer> {
        let bytes = body.map(|b| b.to_string().into_bytes());
        let auth = format!("Bearer {}", self.key);
        api::request(
            method,
            &format!("{}/v1/sites/{}{path}", self.edge.url, self.id),
            &[("authorization", &auth), ("content-type", "application/json")],
            bytes.as_deref(),
        )
    }

    /// The inbox's rows, newest first, once `done` holds (delivery is asynchronous).
    fn items_when(&self, what: &str, done: impl Fn(&[Value]) -> bool) -> Result<Vec<Value>> {
        wait_for(what, Duration::from_secs(30), || {
            let items = self.owner("GET", "/feedback", None)?.json()["items"].as_array().cloned().unwrap_or_default();
            Ok(done(&items).then_some(items))
        })
    }

    fn page(&self) -> String {
        format!("{}/basic/", self.pages.url)
    }
}

/// Rates `stars` in the floating widget and sends `comment`; waits for the thank-you.
fn rate(browser: &Browser, stars: u8, comment: &str) -> Result<()> {
    browser.click(&browser.wait_in_shadow(HOST, ".tab", UI)?)?;
    browser.click(&browser.wait_in_shadow(HOST, &format!("button[data-value=\"{stars}\"]"), UI)?)?;
    browser.type_text(&browser.wait_in_shadow(HOST, "#comment", UI)?, comment)?;
    browser.click(&browser.wait_in_shadow(HOST, "button[data-action=\"send\"]", UI)?)?;
    browser.wait_in_shadow(HOST, ".thanks", UI)?;
    Ok(())
}

/// The URLs this page has fetched that are about closing the loop: replies asked for, and the
/// on-demand chunk loaded (resource timing lists cross-origin fetches and imports by name).
fn loop_requests(browser: &Browser) -> Result<Vec<String>> {
    let names = browser.execute(
        "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('/replies') || n.includes('/v1/widget/later-'))",
        vec![],
    )?;
    Ok(names.as_array().into_iter().flatten().filter_map(|n| n.as_str().map(str::to_owned)).collect())
}

/// What the page's localStorage holds under `key`.
fn stored(browser: &Browser, key: &str) -> Result<Option<String>> {
    Ok(browser.execute("return localStorage.getItem(arguments[0])", vec![json!(key)])?.as_str().map(str::to_owned))
}

/// Makes the next check due now, as a day passing would (`sayso.asked.SITE` holds its time, see
/// `widget/js/kept.js`); `snooze_hours` sets "don't ask again" for that long.
fn a_day_later(browser: &Browser, site: &Site, snooze_hours: u32) -> Result<()> {
    browser.execute(
        "localStorage.removeItem('sayso.asked.' + arguments[0]);
         arguments[1] ? localStorage.setItem('sayso.snooze.' + arguments[0], String((Date.now() / 3.6e6 | 0) + arguments[1])) : localStorage.removeItem('sayso.snooze.' + arguments[0]);",
        vec![json!(site.id), json!(snooze_hours)],
    )?;
    Ok(())
}

/// Loads the page again once the widget is up (its tab shown), then waits `settle` for what it
/// would fetch.
fn visit(browser: &Browser, site: &Site, settle: Duration) -> Result<()> {
    browser.goto(&site.page())?;
    browser.wait_in_shadow(HOST, ".tab", UI)?;
    std::thread::sleep(settle);
    Ok(())
}

/// The element focused in the page (its tag) and in the widget's shadow root (its class and id).
fn focus(browser: &Browser) -> Result<Value> {
    browser.execute(
        "const a = document.querySelector('sayso-feedback').shadowRoot.activeElement;
         return [document.activeElement?.tagName, a ? a.className : null, a ? a.id : null]",
        vec![],
    )
}

/// axe-core (WCAG 2.x A/AA) on the widget only (the example page around it is not the widget's).
fn axe_finds_nothing(browser: &Browser, view: &str) -> Result<()> {
    let source = std::fs::read_to_string(paths::node_modules().join("axe-core/axe.min.js")).context("axe-core (npm) is installed")?;
    browser.execute(&format!("{source}; return 1"), vec![])?;
    let result = browser.execute_async(
        "const done = arguments[arguments.length - 1];
         axe.run(document.querySelector('sayso-feedback'), { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] })
           .then(r => done(r.violations.map(v => ({ id: v.id, help: v.help, nodes: v.nodes.map(n => n.target) }))), e => done([{ id: 'axe-error', help: String(e) }]));",
        vec![],
    )?;
    let violations = result.as_array().cloned().with_context(|| format!("axe answered no list of violations: {result}"))?;
    println!("axe on {view}: {} violations", violations.len());
    ensure!(violations.is_empty(), "axe on {view}: {}", serde_json::to_string_pretty(&violations)?);
    Ok(())
}

#[test]
fn a_reply_reaches_only_the_browser_that_wrote_the_comment_on_its_next_visit_once_a_day_and_is_answered_once() -> Result<()> {
    let site = Site::new(false)?;
    let mine = format!("sayso.mine.{}", site.id);
    let writer = Browser::start()?;
    visit(&writer, &site, Duration::from_secs(1))?;
    ensure!(loop_requests(&writer)?.is_empty(), "nothing kept yet: no replies asked, no later.js: {:?}", loop_requests(&writer)?);
    rate(&writer, 4, "The install step fails on Windows.")?;
    let items = site.items_when("the comment to be stored", |items| items.first().is_some_and(|i| i["comment"].is_string()))?;
    let id = items[0]["id"].as_str().context("the submission's id")?.to_owned();
    // The browser keeps the receipt of what it stored, in localStorage (never a cookie).
    let kept = wait_for("the receipt to be kept", UI, || stored(&writer, &mine))?;
    ensure!(kept.contains(&id), "the kept receipts name the submission: {kept}");
    ensure!(writer.execute("return document.cookie", vec![])? == "", "no cookie");
    ensure!(loop_requests(&writer)?.is_empty(), "storing it loads nothing more on this page: {:?}", loop_requests(&writer)?);

    let text = "Thanks! Fixed in 2.1, see the new install guide.";
    let replied = site.owner("PUT", &format!("/feedback/{id}/reply"), Some(json!({ "text": text, "fixed": true })))?;
    ensure!(replied.status == 200, "the owner replies: {replied:?}");

    // The next visit asks (nothing asked today yet) and shows the reply, politely; the visitor
    // asked for no motion, so nothing moves.
    writer.cdp("Emulation.setEmulatedMedia", json!({ "features": [{ "name": "prefers-reduced-motion", "value": "reduce" }] }))?;
    visit(&writer, &site, Duration::ZERO)?;
    let quoted = writer.wait_in_shadow(HOST, ".note .echo", UI)?;
    ensure!(writer.text(&quoted)? == text, "the reply's words, as text");
    let note = writer.execute(
        "const n = document.querySelector('sayso-feedback').shadowRoot.querySelector('.note');
         return { status: !!n.querySelector('[role=status] .echo'), dialog: !!n.closest('[role=dialog]') || n.matches('[role=dialog]'),
                  animation: getComputedStyle(n).animationName, text: n.textContent }",
        vec![],
    )?;
    ensure!(note["status"] == true && note["dialog"] == false, "a live region, not a dialog: {note}");
    ensure!(note["animation"] == "none", "no fade for a visitor who asked for reduced motion: {note}");
    ensure!(note["text"].as_str().is_some_and(|t| t.contains("replied") && t.contains("fixed")), "says what it is, and that it is fixed: {note}");
    ensure!(focus(&writer)? == json!(["BODY", null, null]), "the notice takes no focus: {}", focus(&writer)?);
    axe_finds_nothing(&writer, "the reply notice")?;
    ensure!(loop_requests(&writer)?.iter().filter(|n| n.ends_with("/replies")).count() == 1, "asked once: {:?}", loop_requests(&writer)?);

    // Within the day: no second question, no notice.
    visit(&writer, &site, Duration::from_secs(2))?;
    ensure!(loop_requests(&writer)?.is_empty(), "at most once a day: {:?}", loop_requests(&writer)?);
    ensure!(writer.find_in_shadow(HOST, ".note")?.is_none(), "no notice without a check");
    // Snoozed ("don't ask again"): not even after a day.
    a_day_later(&writer, &site, 24)?;
    visit(&writer, &site, Duration::from_secs(2))?;
    ensure!(!loop_requests(&writer)?.iter().any(|n| n.ends_with("/replies")), "a snoozed widget asks nothing: {:?}", loop_requests(&writer)?);

    // A day later: the notice again; the visitor answers, once.
    a_day_later(&writer, &site, 0)?;
    visit(&writer, &site, Duration::ZERO)?;
    writer.click(&writer.wait_in_shadow(HOST, ".note .row button", UI)?)?;
    let area = writer.wait_in_shadow(HOST, ".note textarea#answer", UI)?;
    ensure!(focus(&writer)?[2] == "answer", "the visitor pressed Answer: the box takes the focus: {}", focus(&writer)?);
    writer.type_text(&area, "Works now, thank you!")?;
    writer.click(&writer.wait_in_shadow(HOST, ".note .primary", UI)?)?;
    let sent = writer.wait_in_shadow(HOST, ".note [role=status] .t[tabindex]", UI)?;
    ensure!(writer.text(&sent)?.contains("answer was sent"), "the answer is confirmed");
    let items = site.items_when("the follow-up to be stored", |items| items[0]["reply"]["followup"].is_string())?;
    ensure!(items[0]["reply"]["followup"] == "Works now, thank you!", "{}", items[0]);
    // Only once: the same receipt again is refused.
    // The kept text: `id,key,time` lines.
    let kept = stored(&writer, &mine)?.context("kept receipts")?;
    let line = kept.lines().find(|l| l.starts_with(&id)).context("the submission's line")?;
    let key = line.split(',').nth(1).context("the receipt's key")?.to_owned();
    let again = api::post(
        &format!("{}/v1/sites/{}/feedback/{id}/followup", site.edge.url, site.id),
        &[("authorization", &format!("Receipt {key}")), ("content-type", "application/json"), ("origin", &site.pages.url)],
        json!({ "comment": "And another thing" }).to_string().as_bytes(),
    )?;
    ensure!(again.status == 409 && again.error_code().as_deref() == Some("followup_exists"), "one follow-up only: {again:?}");
    // Answered, it does not show again.
    a_day_later(&writer, &site, 0)?;
    visit(&writer, &site, Duration::from_secs(2))?;
    ensure!(loop_requests(&writer)?.iter().any(|n| n.ends_with("/replies")), "asked again after a day: {:?}", loop_requests(&writer)?);
    ensure!(writer.find_in_shadow(HOST, ".note")?.is_none(), "an answered reply does not show again");

    // Another browser (a fresh profile) on the same page: it holds no receipt, so it asks nothing,
    // loads nothing more and sees nothing; guessing a key is no way in either.
    let other = Browser::start()?;
    visit(&other, &site, Duration::from_secs(2))?;
    ensure!(loop_requests(&other)?.is_empty(), "a second browser asks for no replies and loads no later.js: {:?}", loop_requests(&other)?);
    ensure!(other.find_in_shadow(HOST, ".note")?.is_none(), "and shows no notice");
    let forged = json!({ "receipts": [{ "id": id, "key": "A".repeat(key.len()) }] }).to_string();
    let guessed = api::post(
        &format!("{}/v1/sites/{}/replies", site.edge.url, site.id),
        &[("content-type", "text/plain"), ("origin", &site.pages.url)],
        forged.as_bytes(),
    )?;
    ensure!(guessed.status == 200 && guessed.json()["replies"] == json!([]), "a wrong key reads no reply: {guessed:?}");
    Ok(())
}

#[test]
fn a_happy_comment_is_asked_once_whether_it_may_be_quoted_and_the_consent_can_be_withdrawn() -> Result<()> {
    let site = Site::new(true)?;
    let browser = Browser::start()?;
    visit(&browser, &site, Duration::from_secs(1))?;

    // Three stars with a comment: no question (on a site that shows testimonials, later.js looks
    // at each submission stored: core's rule, built into it, says no), and nothing asked.
    rate(&browser, 3, "It was fine.")?;
    site.items_when("the 3-star comment to be stored", |items| items.first().is_some_and(|i| i["comment"] == "It was fine."))?;
    wait_for("later.js to look at it", UI, || Ok(loop_requests(&browser)?.iter().any(|n| n.contains("/later-")).then_some(())))?;
    std::thread::sleep(Duration::from_secs(2));
    ensure!(browser.find_in_shadow(HOST, ".note")?.is_none(), "a 3-star rating is not asked");
    ensure!(!loop_requests(&browser)?.iter().any(|n| n.ends_with("/replies")), "nor are replies asked for: {:?}", loop_requests(&browser)?);

    // Five stars with a comment, on the next page: asked once it is stored, without taking focus.
    visit(&browser, &site, Duration::from_secs(1))?;
    rate(&browser, 5, "Best docs I have read this year.")?;
    let name = browser.wait_in_shadow(HOST, ".note input#quote-name", UI)?;
    let asked = browser.wait_in_shadow(HOST, ".note [role=status] .t", UI)?;
    ensure!(browser.text(&asked)?.contains("quote"), "the question, in the site's words: {}", browser.text(&asked)?);
    ensure!(focus(&browser)?[1] == "thanks", "focus stays on the thank-you: {}", focus(&browser)?);
    let items =
        site.items_when("the 5-star comment", |items| items.first().is_some_and(|i| i["comment"].as_str().is_some_and(|c| c.starts_with("Best"))))?;
    let id = items[0]["id"].as_str().context("id")?.to_owned();
    ensure!(items[0]["quote"].is_null(), "no consent before the visitor says yes: {}", items[0]);
    axe_finds_nothing(&browser, "the quote question")?;

    browser.type_text(&name, "Ana")?;
    browser.click(&browser.wait_in_shadow(HOST, ".note .primary", UI)?)?;
    browser.wait_in_shadow(HOST, ".note [role=status] .t[tabindex]", UI)?;
    let pending = site.items_when("the consent to be stored", |items| items.iter().any(|i| i["id"] == id && i["quote"].is_string()))?;
    let row = pending.iter().find(|i| i["id"] == id).context("the row")?;
    ensure!(row["quote"] == "pending" && row["quote_name"] == "Ana", "consent stored, pending the owner: {row}");

    // Withdrawn with the same receipt: gone.
    let withdraw = browser.wait_in_shadow(HOST, ".note .row button:last-child", UI)?;
    ensure!(browser.text(&withdraw)? == "Withdraw", "the withdraw button: {}", browser.text(&withdraw)?);
    browser.click(&withdraw)?;
    wait_for("the withdrawal to be said", UI, || {
        let Some(said) = browser.find_in_shadow(HOST, ".note [role=status] .t[tabindex]")? else { return Ok(None) };
        Ok(browser.text(&said).ok().filter(|t| t.contains("Withdrawn")).map(|_| ()))
    })?;
    site.items_when("the consent to be withdrawn", |items| items.iter().any(|i| i["id"] == id && i["quote"].is_null()))?;

    // Dismissed, the card goes.
    browser.click(&browser.wait_in_shadow(HOST, ".note .row button", UI)?)?;
    std::thread::sleep(Duration::from_secs(1));
    ensure!(browser.find_in_shadow(HOST, ".note")?.is_none(), "dismissed, the card is gone");
    Ok(())
}

#[test]
fn every_word_later_js_shows_is_a_key_core_sends_in_every_language() -> Result<()> {
    use sayso_core::i18n::KEYS;
    let source = std::fs::read_to_string(paths::repo_root().join("widget/js/later.js"))?;
    // Its words: `say(w, "key")`, and `done(w, card, "key")` (which says the key).
    let mut named: Vec<&str> = Vec::new();
    for call in ["say(w, \"", "done(w, card, \""] {
        named.extend(source.split(call).skip(1).filter_map(|rest| rest.split('"').next()));
    }
    let unknown: Vec<&&str> = named.iter().filter(|n| !KEYS.contains(n)).collect();
    ensure!(named.len() >= 15 && unknown.is_empty(), "widget/js/later.js names {unknown:?}, which core's i18n::KEYS lacks ({} named)", named.len());
    // And every language has each (core's own test checks none is empty).
    for (lang, strings) in sayso_core::strings::BUNDLED {
        for name in &named {
            let i = KEYS.iter().position(|k| k == name).context("a key")?;
            ensure!(!strings[i].trim().is_empty(), "{lang} has no {name}");
        }
    }
    Ok(())
}
