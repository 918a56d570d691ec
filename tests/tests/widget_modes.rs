//! The widget visitors love, shown in a real Chromium against the real Worker: every scale as a
//! keyboard radio group in the page's language, axe-core finding nothing, the floating tab and
//! the popover with its triggers, a single-page app, undo, the page's JS API, a hostile host
//! page, a strict CSP, lazy loading and a browser without WebAssembly. Screenshots of each mode
//! go to `artifacts/`.

use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use sayso_core::strings::{AR, DE, EN, JA};
use sayso_tests::browser::Browser;
use sayso_tests::edge::Edge;
use sayso_tests::pages::ExampleSite;
use sayso_tests::{api, paths, unique_site, wait_for};
use serde_json::{json, Value};

const UI: Duration = Duration::from_secs(30);
const ARROW_RIGHT: &str = "\u{E014}";
const ARROW_LEFT: &str = "\u{E012}";
const SPACE: &str = "\u{E00D}";
const ESCAPE: &str = "\u{E00C}";

struct Setup {
    edge: &'static Edge,
    site: String,
    pages: ExampleSite,
    key: String,
    browser: Browser,
}

fn setup(widget: Value) -> Result<Setup> {
    let edge = Edge::shared()?;
    let site = unique_site("demo")?;
    let pages = ExampleSite::serve(0, &edge.url, &site)?;
    let key = edge.create_site(&site, &[&pages.url], widget)?.owner_key;
    // The example pages show every scale.
    edge.accept_every_scale(&site, &key)?;
    let browser = Browser::start()?;
    Ok(Setup { edge, site, pages, key, browser })
}

impl Setup {
    /// The summary once `done` holds: up to a minute, for a loaded machine (it answers as soon as
    /// it holds; what must not happen is checked by waiting a fixed time elsewhere).
    fn summary_when(&self, what: &str, done: impl Fn(&Value) -> bool) -> Result<Value> {
        wait_for(what, Duration::from_secs(60), || {
            let summary = self.edge.summary(&self.site, &self.key)?;
            Ok(done(&summary).then_some(summary))
        })
    }

    fn feedback(&self) -> Result<Value> {
        Ok(api::get(&format!("{}/v1/sites/{}/feedback", self.edge.url, self.site), &[("authorization", &format!("Bearer {}", self.key))])?.json())
    }

    /// Runs `script` in the page with `root` bound to the shadow root of `host`.
    fn in_shadow(&self, host: &str, script: &str) -> Result<Value> {
        self.browser.execute(&format!("const root = document.querySelector({host:?}).shadowRoot; {script}"), vec![])
    }

    fn shot(&self, name: &str) -> Result<()> {
        self.browser.screenshot(&paths::artifacts().join(name))
    }

    /// Injects axe-core (from `worker/node_modules`) and returns the WCAG 2.x A/AA violations.
    fn axe(&self) -> Result<Vec<Value>> {
        let source = std::fs::read_to_string(paths::node_modules().join("axe-core/axe.min.js")).context("axe-core (npm) is installed")?;
        self.browser.execute(&format!("{source}; return 1"), vec![])?;
        let result = self.browser.execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] })
               .then(r => done(r.violations.map(v => ({ id: v.id, help: v.help, nodes: v.nodes.map(n => n.target) }))), e => done([{ id: 'axe-error', help: String(e) }]));",
            vec![],
        )?;
        Ok(result.as_array().cloned().unwrap_or_default())
    }

    /// Records `sayso:*` events the page sees, from now on.
    fn record_events(&self) -> Result<()> {
        self.browser.execute(
            "window.saysoEvents = [];
             for (const name of ['sayso:opened', 'sayso:submitted'])
               document.addEventListener(name, e => window.saysoEvents.push({ name, detail: e.detail }));",
            vec![],
        )?;
        Ok(())
    }

    fn events(&self) -> Result<Vec<Value>> {
        Ok(self.browser.execute("return window.saysoEvents || []", vec![])?.as_array().cloned().unwrap_or_default())
    }
}

#[test]
fn every_scale_is_a_keyboard_radio_group_in_the_pages_language_and_axe_finds_nothing() -> Result<()> {
    let s = setup(json!({ "scale": "stars", "theme": { "accent": "#b3261e" } }))?;
    s.browser.set_window_size(1200, 2400)?;
    s.browser.goto(&format!("{}/scales/", s.pages.url))?;
    for (host, radios) in [("#thumbs", 2), ("#stars", 5), ("#emoji", 5), ("#nps", 11), ("#csat", 5), ("#de", 5), ("#ja", 5), ("#ar", 11)] {
        s.browser.wait_in_shadow(host, "[role=radiogroup]", UI)?;
        let shape = s.in_shadow(host, "return [root.querySelectorAll('[role=radiogroup] > [role=radio]').length, root.querySelectorAll('[role=radio][tabindex=\"0\"]').length, [...root.querySelectorAll('[role=radio]')].every(b => b.getAttribute('aria-label') && b.getBoundingClientRect().width >= 24 && b.getBoundingClientRect().height >= 24)]")?;
        ensure!(shape == json!([radios, 1, true]), "{host}: {radios} radios, one tab stop, named, at least 24×24 px: {shape}");
    }
    s.shot("widget-scales.png")?;

    // Each widget speaks one language: the page's, or its own `lang`.
    let texts = |host: &str| {
        s.in_shadow(host, "return [root.querySelector('.question').textContent, root.querySelector('.panel').getAttribute('dir'), [...root.querySelectorAll('[role=radio]')].map(b => b.getAttribute('aria-label'))]")
    };
    let stars = texts("#stars")?;
    ensure!(stars[0] == "How clear was this guide?" && stars[2][3] == "4 of 5 stars", "the page's own question, English labels: {stars}");
    let de = texts("#de")?;
    ensure!(de[0] == DE[1] && de[2][0] == DE[16].replace("{n}", "1"), "German from the element's lang: {de}");
    let ja = texts("#ja")?;
    ensure!(ja[0] == JA[2] && ja[2][4] == JA[24], "Japanese emoji labels: {ja}");
    let ar = texts("#ar")?;
    ensure!(ar[0] == AR[3] && ar[1] == "rtl" && ar[2][10] == AR[17].replace("{n}", "10"), "Arabic, right to left: {ar}");
    let legend = s.in_shadow("#ar", "return root.querySelector('.legend').textContent")?;
    ensure!(legend.as_str() == Some(&format!("{}{}", AR[18], AR[19])), "no English in the Arabic widget: {legend}");
    let english_left = s.in_shadow("#de", "return root.textContent")?;
    ensure!(!EN.iter().any(|t| t.len() > 4 && english_left.as_str().unwrap_or("").contains(t)), "no English in the German widget: {english_left}");

    // Keyboard: Tab reaches the group once, arrows move, Space chooses (sent at once).
    let first = s.browser.wait_in_shadow("#stars", "[role=radio]", UI)?;
    s.browser.execute("arguments[0].focus()", vec![first.as_arg()])?;
    s.browser.press_keys(&format!("{ARROW_RIGHT}{ARROW_RIGHT}{ARROW_LEFT}{ARROW_RIGHT}"))?;
    let focused = s.in_shadow("#stars", "return root.activeElement && root.activeElement.dataset.value")?;
    ensure!(focused == "3", "arrows moved the tab stop to 3: {focused}");
    s.browser.press_keys(SPACE)?;
    s.summary_when("the keyboard rating", |v| v["total"] == 1)?;
    let checked = s.in_shadow("#stars", "return root.querySelector('[aria-checked=true]').dataset.value")?;
    ensure!(checked == "3", "3 is checked: {checked}");
    // Right to left, ArrowLeft moves forward.
    let zero = s.browser.wait_in_shadow("#ar", "[data-value=\"0\"]", UI)?;
    s.browser.execute("arguments[0].focus()", vec![zero.as_arg()])?;
    s.browser.press_keys(ARROW_LEFT)?;
    let rtl = s.in_shadow("#ar", "return root.activeElement && root.activeElement.dataset.value")?;
    ensure!(rtl == "1", "ArrowLeft goes forward in Arabic: {rtl}");

    // Theme: the site's accent from config, the page's own custom property on top.
    let accent = s.in_shadow(
        "#stars",
        "return getComputedStyle(root.querySelector('[aria-checked=true]') || root.querySelector('button')).getPropertyValue('--a').trim()",
    )?;
    ensure!(accent == "#b3261e", "the site's accent: {accent}");
    s.browser.click(&s.browser.wait_in_shadow("#csat", "[data-value=\"5\"]", UI)?)?;
    let brand = s.in_shadow("#csat", "return getComputedStyle(root.querySelector('[aria-checked=true]')).backgroundColor")?;
    ensure!(brand == "rgb(15, 123, 108)", "the page's --sayso-accent wins: {brand}");
    s.summary_when("the CSAT rating", |v| v["scales"].as_array().is_some_and(|a| a.iter().any(|x| x["scale"] == "csat" && x["score"] == 100.0)))?;

    let violations = s.axe()?;
    println!("axe-core on 8 widgets (5 scales, 4 languages, one in the comment step): {} violations", violations.len());
    ensure!(violations.is_empty(), "axe-core: {violations:#?}");

    // Dark mode follows the visitor's system setting.
    s.browser.cdp("Emulation.setEmulatedMedia", json!({ "features": [{ "name": "prefers-color-scheme", "value": "dark" }] }))?;
    let dark = s.in_shadow("#thumbs", "return getComputedStyle(root.querySelector('.panel')).backgroundColor")?;
    ensure!(dark == "rgb(22, 27, 34)", "dark panel: {dark}");
    s.shot("widget-scales-dark.png")?;
    let violations = s.axe()?;
    ensure!(violations.is_empty(), "axe-core in dark mode: {violations:#?}");
    Ok(())
}

#[test]
fn the_floating_tab_opens_by_keyboard_and_by_the_pages_js_and_undo_takes_a_rating_back() -> Result<()> {
    let s = setup(json!({ "scale": "stars", "follow_up_low": "Sorry! What went wrong?" }))?;
    s.browser.goto(&format!("{}/basic/", s.pages.url))?;
    s.record_events()?;
    let tab = s.browser.wait_in_shadow("sayso-feedback", ".tab", UI)?;
    s.shot("widget-floating-closed.png")?;
    // Keyboard: Enter on the tab opens it, Escape closes it and gives focus back to the tab.
    s.browser.execute("arguments[0].focus()", vec![tab.as_arg()])?;
    s.browser.press_keys("\u{E007}")?;
    s.browser.wait_in_shadow("sayso-feedback", "[role=dialog]", UI)?;
    let violations = s.axe()?;
    ensure!(violations.is_empty(), "axe-core on the open floating widget: {violations:#?}");
    s.browser.press_keys(ESCAPE)?;
    wait_for("the panel to close", UI, || Ok(s.browser.find_in_shadow("sayso-feedback", "[role=dialog]")?.is_none().then_some(())))?;
    let back = s.in_shadow("sayso-feedback", "return root.activeElement && root.activeElement.className")?;
    ensure!(back == "tab", "focus returns to the tab: {back}");

    // The page's own code opens it.
    s.browser.execute("document.querySelector('sayso-feedback').open()", vec![])?;
    s.browser.click(&s.browser.wait_in_shadow("sayso-feedback", "[data-value=\"2\"]", UI)?)?;
    let prompt = s.browser.text(&s.browser.wait_in_shadow("sayso-feedback", ".follow-up", UI)?)?;
    ensure!(prompt == "Sorry! What went wrong?", "an unhappy rating gets the low follow-up: {prompt}");
    // A hostile comment is text everywhere: in the widget's echo and in storage.
    let hostile = "<img src=x onerror=alert(1)> it broke";
    s.browser.type_text(&s.browser.wait_in_shadow("sayso-feedback", "#comment", UI)?, hostile)?;
    s.browser.click(&s.browser.wait_in_shadow("sayso-feedback", "[data-action=send]", UI)?)?;
    let echo = s.browser.text(&s.browser.wait_in_shadow("sayso-feedback", ".echo", UI)?)?;
    ensure!(echo == hostile, "the comment is echoed as text: {echo:?}");
    let images = s.in_shadow("sayso-feedback", "return root.querySelectorAll('img').length + document.querySelectorAll('img').length")?;
    ensure!(images == 0 && s.browser.dialog_text().is_none(), "no element was made from it and no dialog opened");
    s.shot("widget-thanks-echo.png")?;
    let stored = wait_for("the comment to be stored", UI, || {
        let items = s.feedback()?;
        Ok(items["items"][0]["comment"].as_str().map(str::to_owned))
    })?;
    ensure!(stored == hostile, "stored exactly as shown: {stored:?}");

    let events = s.events()?;
    let names: Vec<&str> = events.iter().filter_map(|e| e["name"].as_str()).collect();
    ensure!(names == ["sayso:opened", "sayso:opened", "sayso:submitted", "sayso:submitted"], "events: {events:?}");
    ensure!(events[2]["detail"]["value"] == 2 && events[3]["detail"]["comment"] == hostile && events[3]["detail"]["rev"] == 1, "{events:?}");
    // The revision carrying the comment was stored, so it carried the first send's key; the
    // page's code never sees that key (it is what authorship rests on).
    ensure!(events.iter().all(|e| e["detail"].get("key").is_none() && !e.to_string().contains("\"key\"")), "no key in events: {events:?}");

    // Undo: the submission is deleted at the edge with its receipt, and the counts drop.
    s.summary_when("the rating", |v| v["total"] == 1 && v["comments"] == 1)?;
    s.browser.click(&s.browser.wait_in_shadow("sayso-feedback", "[data-action=undo]", UI)?)?;
    let undone = s.summary_when("the undo", |v| v["total"] == 0)?;
    ensure!(undone["comments"] == 0, "{undone}");
    let message = s.browser.text(&s.browser.wait_in_shadow("sayso-feedback", ".thanks", UI)?)?;
    ensure!(message == EN[11], "the widget says it was removed: {message}");
    ensure!(s.feedback()?["items"].as_array().is_some_and(Vec::is_empty), "nothing stored");
    Ok(())
}

#[test]
fn the_popover_opens_on_its_triggers_once_and_respects_dont_ask_again() -> Result<()> {
    let s = setup(
        json!({ "scale": "thumbs", "placement": "popover", "position": "bottom-left", "triggers": { "delay_seconds": 2, "snooze_days": 30 } }),
    )?;
    s.browser.goto(&format!("{}/basic/", s.pages.url))?;
    let loaded = Instant::now();
    s.record_events()?;
    std::thread::sleep(Duration::from_millis(800));
    ensure!(s.browser.find_in_shadow("sayso-feedback", "[role=dialog]")?.is_none(), "not before its delay");
    s.browser.wait_in_shadow("sayso-feedback", "[role=dialog]", UI)?;
    let after = loaded.elapsed();
    println!("the popover opened {} ms after the page loaded (delay 2 s)", after.as_millis());
    ensure!(after >= Duration::from_millis(1500), "it waited for its delay: {after:?}");
    let side = s.in_shadow("sayso-feedback", "const r = root.querySelector('.panel').getBoundingClientRect(); return r.left < innerWidth / 2")?;
    ensure!(side == true, "bottom-left");
    let focus = s.browser.execute("return document.activeElement.tagName", vec![])?;
    ensure!(focus == "BODY", "a trigger never takes the visitor's focus: {focus}");
    s.shot("widget-popover.png")?;
    ensure!(s.events()?.iter().filter(|e| e["name"] == "sayso:opened").count() == 1, "sayso:opened fired");
    s.browser.click(&s.browser.wait_in_shadow("sayso-feedback", ".close", UI)?)?;
    let snooze = s.browser.execute("return localStorage.getItem('sayso.snooze.' + arguments[0])", vec![json!(s.site)])?;
    ensure!(snooze.is_string(), "closing it snoozes: {snooze}");
    ensure!(s.browser.execute("return document.cookie", vec![])? == "", "no cookies");
    // Next visit: it does not ask again, but the page can still open it.
    s.browser.goto(&format!("{}/basic/", s.pages.url))?;
    std::thread::sleep(Duration::from_secs(4));
    ensure!(s.browser.find_in_shadow("sayso-feedback", "[role=dialog]")?.is_none(), "snoozed: no popover");
    s.browser.execute("document.querySelector('sayso-feedback').open()", vec![])?;
    s.browser.wait_in_shadow("sayso-feedback", "[role=dialog]", UI)?;

    // Exit intent and sampling, on a second site.
    let (exit_site, sampled_site) = (unique_site("exit")?, unique_site("sampled-out")?);
    let exit = s.edge.create_site(
        &exit_site,
        &[&s.pages.url],
        json!({ "placement": "popover", "triggers": { "exit_intent": true, "include": ["/basic/*"] } }),
    )?;
    let _ = exit;
    let none = s.edge.create_site(&sampled_site, &[&s.pages.url], json!({ "placement": "floating", "triggers": { "sample_percent": 0 } }))?;
    let _ = none;
    let swap = |site: &str| -> Result<()> {
        s.browser.goto(&format!("{}/basic/", s.pages.url))?;
        s.browser.execute(
            "localStorage.clear(); const old = document.querySelector('sayso-feedback'); const el = document.createElement('sayso-feedback');
             el.setAttribute('auto', ''); el.setAttribute('site', arguments[0]); old.replaceWith(el);",
            vec![json!(site)],
        )?;
        Ok(())
    };
    swap(&exit_site)?;
    std::thread::sleep(Duration::from_secs(2));
    ensure!(s.browser.find_in_shadow("sayso-feedback", "[role=dialog]")?.is_none(), "exit intent waits for the pointer to leave");
    s.browser.execute("document.dispatchEvent(new MouseEvent('mouseout', { clientY: -1, relatedTarget: null }))", vec![])?;
    s.browser.wait_in_shadow("sayso-feedback", "[role=dialog]", UI)?;
    swap(&sampled_site)?;
    std::thread::sleep(Duration::from_secs(3));
    let shown = s.in_shadow("sayso-feedback", "return root ? root.querySelectorAll('button').length : -1")?;
    ensure!(shown == 0, "a visitor outside the 0% sample sees nothing: {shown}");
    Ok(())
}

#[test]
fn in_a_single_page_app_the_widget_follows_navigation_and_a_prompt_for_a_page_left_never_shows() -> Result<()> {
    let s = setup(json!({ "scale": "stars", "placement": "popover", "triggers": { "delay_seconds": 2, "exclude": ["/spa/pricing"] } }))?;
    s.browser.goto(&format!("{}/spa/", s.pages.url))?;
    s.browser.wait_for_element("sayso-feedback", UI)?;
    // Leave for an excluded page before the home page's prompt is due.
    s.browser.click(&s.browser.wait_for_element("a[href='/spa/pricing']", UI)?)?;
    std::thread::sleep(Duration::from_secs(4));
    ensure!(s.browser.find_in_shadow("sayso-feedback", "[role=dialog]")?.is_none(), "the prompt scheduled on / never shows on /spa/pricing");
    // A page it belongs on: its own prompt comes after its own delay.
    s.browser.click(&s.browser.wait_for_element("a[href='/spa/docs']", UI)?)?;
    s.browser.click(&s.browser.wait_in_shadow("sayso-feedback", "[data-value=\"4\"]", UI)?)?;
    s.browser.click(&s.browser.wait_in_shadow("sayso-feedback", "[data-action=skip]", UI)?)?;
    s.browser.wait_in_shadow("sayso-feedback", ".thanks", UI)?;
    let stored = wait_for("the rating", UI, || Ok(s.feedback()?["items"][0]["page"].as_str().map(str::to_owned)))?;
    ensure!(stored == "/spa/docs", "the page is the route the visitor was on: {stored}");
    // Back (popstate): per-page state resets, and answering snoozed the popover.
    s.browser.execute("history.back()", vec![])?;
    wait_for("the thank-you to go", UI, || Ok(s.browser.find_in_shadow("sayso-feedback", ".thanks")?.is_none().then_some(())))?;
    std::thread::sleep(Duration::from_secs(3));
    ensure!(s.browser.find_in_shadow("sayso-feedback", "[role=dialog]")?.is_none(), "answered: not asked again");
    ensure!(s.edge.summary(&s.site, &s.key)?["total"] == 1, "one rating");
    Ok(())
}

#[test]
fn a_hostile_host_page_a_strict_csp_lazy_loading_and_no_webassembly() -> Result<()> {
    let s = setup(json!({ "scale": "stars" }))?;
    // A page whose CSS fights widgets: ours still looks and works right, and adds no style.
    s.browser.goto(&format!("{}/hostile/", s.pages.url))?;
    let before = s.browser.execute("return [document.styleSheets.length, document.adoptedStyleSheets.length]", vec![])?;
    s.browser.wait_in_shadow("sayso-feedback", "[role=radio]", UI)?;
    let looks = s.in_shadow("sayso-feedback", "return [...root.querySelectorAll('[role=radio]')].map(b => { const r = b.getBoundingClientRect(), c = getComputedStyle(b); return [r.width >= 24 && r.height >= 24, c.display != 'none', c.fontFamily.includes('Comic')]; })")?;
    ensure!(
        looks.as_array().is_some_and(|a| a.len() == 5 && a.iter().all(|b| *b == json!([true, true, false]))),
        "visible, ≥24 px, our font: {looks}"
    );
    s.browser.click(&s.browser.wait_in_shadow("sayso-feedback", "[data-value=\"5\"]", UI)?)?;
    let area = s.in_shadow("sayso-feedback", "return root.querySelector('#comment').getBoundingClientRect().width")?;
    ensure!(area.as_f64().unwrap_or(0.0) > 100.0, "the comment box keeps its width: {area}");
    s.summary_when("the rating from the hostile page", |v| v["total"] == 1)?;
    let after = s.browser.execute(
        "return [document.styleSheets.length, document.adoptedStyleSheets.length, document.querySelector('sayso-feedback').getAttribute('style')]",
        vec![],
    )?;
    ensure!(after[0] == before[0] && after[1] == before[1] && after[2].is_null(), "no style added to the page: {before} → {after}");
    s.shot("widget-hostile-page.png")?;

    // A strict CSP with Trusted Types: it works, and nothing is refused.
    s.browser.goto(&format!("{}/strict-csp/", s.pages.url))?;
    s.browser.click(&s.browser.wait_in_shadow("sayso-feedback", "[data-value=\"3\"]", UI)?)?;
    s.summary_when("the rating from the strict-CSP page", |v| v["total"] == 2)?;
    let refused: Vec<String> =
        s.browser.console()?.into_iter().filter(|m| m.contains("Content Security Policy") || m.contains("Trusted Type")).collect();
    ensure!(refused.is_empty(), "no CSP or Trusted Types violations: {refused:?}");

    // Lazy: an inline widget far down the page loads nothing until the reader gets near it.
    s.browser.set_window_size(1000, 700)?;
    s.browser.goto(&format!("{}/inline/", s.pages.url))?;
    std::thread::sleep(Duration::from_secs(3));
    let fetched = |kind: &str| -> Result<bool> {
        Ok(s.browser.execute("return performance.getEntriesByType('resource').some(e => e.name.endsWith(arguments[0]))", vec![json!(kind)])? == true)
    };
    ensure!(!fetched(".wasm")?, "no wasm before the widget is near the viewport");
    // The page's code opens it (which loads it and scrolls to it); coming into view after that
    // must not mount it a second time.
    s.browser.execute("document.querySelector('sayso-feedback').open()", vec![])?;
    s.browser.wait_in_shadow("sayso-feedback", "[role=radio]", UI)?;
    ensure!(fetched(".wasm")?, "loaded once asked for");
    s.browser.execute("document.querySelector('sayso-feedback').scrollIntoView()", vec![])?;
    std::thread::sleep(Duration::from_millis(500));
    s.browser.click(&s.browser.wait_in_shadow("sayso-feedback", "[data-value=\"1\"]", UI)?)?;
    s.summary_when("the inline rating", |v| v["total"] == 3)?;
    std::thread::sleep(Duration::from_secs(1));
    ensure!(s.edge.summary(&s.site, &s.key)?["total"] == 3, "one click, one rating: the widget is mounted once");

    // No WebAssembly: one console line, and the page is left as it was.
    s.browser.cdp("Page.addScriptToEvaluateOnNewDocument", json!({ "source": "delete globalThis.WebAssembly" }))?;
    s.browser.goto(&format!("{}/basic/", s.pages.url))?;
    std::thread::sleep(Duration::from_secs(2));
    let untouched =
        s.browser.execute("return document.querySelectorAll('sayso-feedback').length + (customElements.get('sayso-feedback') ? 1 : 0)", vec![])?;
    let said: Vec<String> = s.browser.console()?.into_iter().filter(|m| m.contains("sayso")).collect();
    ensure!(untouched == 0 && said.len() == 1 && said[0].contains("WebAssembly"), "untouched ({untouched}), said once: {said:?}");
    Ok(())
}

#[test]
fn a_bot_that_fills_the_honeypot_or_comments_at_once_leaves_no_comment() -> Result<()> {
    let edge = Edge::shared()?;
    let site = unique_site("demo")?;
    let pages = ExampleSite::serve(0, &edge.url, &site)?;
    // A comment needs 6 s after its box appeared: time enough for the rating to reach the edge
    // first on a loaded machine. (A comment refused as too fast takes its revision with it; sent
    // before the rating arrived, it would take the rating too: the outbox keeps one entry an id.)
    let key = edge
        .create_site_limited(
            &site,
            &[&pages.url],
            json!({ "scale": "stars" }),
            json!({ "visitor_per_minute": 0, "site_per_minute": 0, "min_comment_ms": 6000 }),
        )?
        .owner_key;
    let browser = Browser::start()?;
    let s = Setup { edge, site, pages, key, browser };
    let outbox = format!("return (JSON.parse(localStorage.getItem('sayso.outbox.{}') || '[]')).length", s.site);
    let comment_on = |value: u8, text: &str, wait: Duration, trap: bool| -> Result<()> {
        s.browser.goto(&format!("{}/scales/", s.pages.url))?;
        s.browser.click(&s.browser.wait_in_shadow("#stars", &format!("[data-value=\"{value}\"]"), UI)?)?;
        let comment = s.browser.wait_in_shadow("#stars", "#comment", UI)?;
        if trap {
            s.in_shadow("#stars", "root.querySelector('#hp').value = 'http://cheap-pills.example'")?;
        }
        wait_for("the rating to reach the edge", UI, || Ok((s.browser.execute(&outbox, vec![])?.as_u64() == Some(0)).then_some(())))?;
        std::thread::sleep(wait);
        s.browser.type_text(&comment, text)?;
        s.browser.click(&s.browser.wait_in_shadow("#stars", "[data-action=send]", UI)?)?;
        Ok(())
    };
    comment_on(1, "bot: too fast", Duration::ZERO, false)?;
    comment_on(2, "bot: honeypot", Duration::from_secs(7), true)?;
    comment_on(3, "a person who took their time", Duration::from_secs(7), false)?;
    let summary = s.summary_when("three ratings and one comment", |v| v["total"] == 3 && v["comments"] == 1)?;
    std::thread::sleep(Duration::from_secs(2));
    let items = s.feedback()?;
    let comments: Vec<&str> = items["items"].as_array().into_iter().flatten().filter_map(|i| i["comment"].as_str()).collect();
    println!("3 ratings; comments kept: {comments:?}; summary {}", summary["comments"]);
    ensure!(comments == ["a person who took their time"], "only the person's comment: {comments:?}");
    Ok(())
}

/// A stand-in for Turnstile's siteverify: tokens starting `good-` pass once each; it records
/// every form it was sent.
fn fake_siteverify() -> Result<(String, std::sync::Arc<std::sync::Mutex<Vec<String>>>)> {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://127.0.0.1:{}/siteverify", listener.local_addr()?.port());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let record = std::sync::Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let (mut line, mut length) = (String::new(), 0usize);
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line.trim() != "" {
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut body = vec![0u8; length];
            let _ = reader.read_exact(&mut body);
            let form = String::from_utf8_lossy(&body).into_owned();
            let token = form.split('&').find_map(|kv| kv.strip_prefix("response=")).unwrap_or("").to_owned();
            let fresh = record.lock().map(|mut s| {
                let fresh = !s.iter().any(|f| f.contains(&format!("response={token}&")));
                s.push(form.clone());
                fresh
            });
            let ok = token.starts_with("good-") && form.contains("secret=shh") && fresh.unwrap_or(false);
            let answer = format!("{{\"success\":{ok}}}");
            let _ = write!(
                reader.get_mut(),
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    Ok((url, seen))
}

#[test]
fn with_turnstile_on_a_comment_needs_a_token_the_edge_verifies() -> Result<()> {
    let s = setup(json!({ "scale": "stars" }))?;
    let (verify_url, seen) = fake_siteverify()?;
    let site = format!("{}/v1/sites/{}", s.edge.url, s.site);
    let auth = format!("Bearer {}", s.key);
    let patch = |body: Value| {
        api::request("PATCH", &site, &[("authorization", &auth), ("content-type", "application/json")], Some(body.to_string().as_bytes()))
    };
    let on = patch(json!({ "turnstile": { "site_key": "0x4AAA-test", "secret": "shh", "verify_url": verify_url } }))?;
    ensure!(
        on.status == 200 && on.json()["turnstile"]["site_key"] == "0x4AAA-test" && !on.json().to_string().contains("shh"),
        "the secret is never shown: {on:?}"
    );
    let config = api::get(&format!("{site}/config"), &[])?.json();
    ensure!(config["widget"]["turnstile"] == "0x4AAA-test", "the widget learns the site key: {config}");

    // Straight at the API: no token, a bad token → 403; ratings alone need none.
    let post = |n: u32, extra: Value| {
        let mut body = json!({ "id": format!("0190a6e2-7c1d-7abc-8def-{n:012x}"), "site": s.site, "scale": "stars", "value": 4, "page": "/docs",
            "locale": "en", "client_ts": 1_763_900_000_000_u64, "widget_version": "0.1.0" });
        for (k, v) in extra.as_object().into_iter().flatten() {
            body[k] = v.clone();
        }
        api::post(&format!("{site}/feedback"), &[("content-type", "application/json"), ("origin", &s.pages.url)], body.to_string().as_bytes())
    };
    ensure!(post(1, json!({ "comment": "no token" }))?.error_code().as_deref() == Some("turnstile_failed"));
    ensure!(post(2, json!({ "comment": "bad token", "turnstile": "forged" }))?.error_code().as_deref() == Some("turnstile_failed"));
    ensure!(post(3, json!({}))?.status == 201, "a rating without a comment needs no token");

    // In the browser: a stand-in `turnstile` object (the real one needs Cloudflare's network)
    // hands the widget a token; the comment goes out with it and is stored.
    s.browser.cdp("Page.addScriptToEvaluateOnNewDocument", json!({ "source":
        "window.turnstile = { render(box, o) { box.textContent = 'challenge shown'; setTimeout(() => o.callback('good-' + Math.random().toString(36).slice(2)), 50); } };" }))?;
    s.browser.goto(&format!("{}/scales/", s.pages.url))?;
    s.browser.click(&s.browser.wait_in_shadow("#stars", "[data-value=\"5\"]", UI)?)?;
    let shown = s.browser.text(&s.browser.wait_in_shadow("#stars", "#ts", UI)?)?;
    ensure!(shown == "challenge shown", "the challenge renders in the comment step: {shown:?}");
    std::thread::sleep(Duration::from_millis(300));
    s.browser.type_text(&s.browser.wait_in_shadow("#stars", "#comment", UI)?, "verified human")?;
    s.browser.click(&s.browser.wait_in_shadow("#stars", "[data-action=send]", UI)?)?;
    let stored = wait_for("the verified comment", UI, || {
        let items = s.feedback()?;
        Ok(items["items"].as_array().into_iter().flatten().find_map(|i| i["comment"].as_str().filter(|c| *c == "verified human").map(str::to_owned)))
    })?;
    let forms = seen.lock().map(|f| f.len()).unwrap_or(0);
    println!("turnstile: stored {stored:?} after {forms} siteverify calls");
    ensure!(forms == 2, "the forged token and the widget's were each checked once; no token and plain ratings need no call: {forms}");
    // Off again: comments need no token.
    ensure!(patch(json!({ "turnstile": { "site_key": "" } }))?.json().get("turnstile").is_none());
    ensure!(post(4, json!({ "comment": "no token needed now" }))?.status == 201);
    Ok(())
}
