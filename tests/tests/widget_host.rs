//! The widget's JS host: the outbox's state machine under Node's test runner
//! (`widget/js/*.test.js`), the Rust↔JS boundary (`widget/src/boundary.rs`) against the JS that
//! names it, the view (laid out by `widget/js/view.js`: the same layout written in Rust cost twice
//! its bytes) writing every id, class and button the host finds; and in Chromium, a removed
//! element releasing its listeners, and a widget whose config cannot load starting from the
//! config kept from an earlier visit, or not at all (the widget has no strings of its own).

use std::collections::BTreeSet;
use std::process::Command;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use sayso_tests::browser::Browser;
use sayso_tests::edge::Edge;
use sayso_tests::pages::ExampleSite;
use sayso_tests::paths::{self, repo_root};
use sayso_tests::unique_site;
use serde_json::json;

#[allow(dead_code, unused_imports, reason = "the tests read the table and some constants only")]
#[path = "../../widget/src/boundary.rs"]
mod boundary;

fn read(path: &str) -> Result<String> {
    std::fs::read_to_string(repo_root().join(path)).with_context(|| format!("reading {path}"))
}

/// The JS files in `widget/js/`, by name.
fn js_files() -> Result<Vec<String>> {
    let mut names: Vec<String> = std::fs::read_dir(repo_root().join("widget/js"))?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".js"))
        .collect();
    names.sort();
    Ok(names)
}

#[test]
fn the_outboxs_transitions_pass_their_tests_under_node() -> Result<()> {
    let tests: Vec<String> = js_files()?.into_iter().filter(|name| name.ends_with(".test.js")).map(|name| format!("widget/js/{name}")).collect();
    ensure!(!tests.is_empty(), "no widget/js/*.test.js");
    let output = Command::new(paths::node())
        .arg("--test")
        .args(&tests)
        .current_dir(repo_root())
        .output()
        .with_context(|| format!("running {} (cargo xtask installs it)", paths::node().display()))?;
    let report = String::from_utf8_lossy(&output.stdout);
    for line in report.lines().filter(|l| l.starts_with("not ok") || l.starts_with("# pass") || l.starts_with("# fail")) {
        println!("{line}");
    }
    ensure!(output.status.success(), "node --test failed:\n{report}\n{}", String::from_utf8_lossy(&output.stderr));
    ensure!(report.lines().any(|l| l.starts_with("# pass") && l != "# pass 0"), "no test ran:\n{report}");
    Ok(())
}

/// Every `BOUNDARY.NAME` in `text`.
fn boundary_names(text: &str) -> BTreeSet<String> {
    text.split("BOUNDARY.")
        .skip(1)
        .map(|rest| rest.chars().take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_').collect::<String>())
        .filter(|name| !name.is_empty())
        .collect()
}

#[test]
fn every_name_the_js_shares_with_rust_is_defined_once_in_the_boundary_and_used() -> Result<()> {
    let defined: BTreeSet<String> = boundary::js().map(|(name, _)| name.to_owned()).collect();
    let mut used = BTreeSet::new();
    for name in js_files()?.into_iter().filter(|name| !name.ends_with(".test.js")) {
        let text = read(&format!("widget/js/{name}"))?;
        let names = boundary_names(&text);
        let unknown: Vec<_> = names.difference(&defined).collect();
        ensure!(unknown.is_empty(), "widget/js/{name} uses {unknown:?}, which widget/src/boundary.rs does not define");
        used.extend(names);
    }
    let unused: Vec<_> = defined.difference(&used).collect();
    ensure!(unused.is_empty(), "widget/src/boundary.rs gives the JS {unused:?}, which no widget/js file uses");
    println!("{} names from widget/src/boundary.rs, each used by the JS", defined.len());
    Ok(())
}

#[test]
fn what_the_host_finds_in_the_view_is_what_the_view_writes() -> Result<()> {
    use boundary::{action, dom};
    // The skeleton (the live region and the box) is host.js's; the rest view.js's.
    let js = read("widget/js/view.js")? + &read("widget/js/host.js")?;
    for (name, id) in [("BOX", dom::BOX), ("COMMENT", dom::COMMENT), ("HONEYPOT", dom::HONEYPOT), ("TURNSTILE", dom::TURNSTILE)] {
        ensure!(js.contains(&format!("id: BOUNDARY.{name}")), "the host looks for #{id}, but no element gets `id: BOUNDARY.{name}`");
    }
    for selector in [dom::LIVE, dom::MESSAGE, dom::TAB] {
        let class = selector.trim_start_matches('.');
        ensure!(js.contains(&format!("class: \"{class}\"")), "the host looks for `{selector}`, but the view writes no `class: \"{class}\"`");
    }
    // Buttons carry their action's name (`BUTTONS`, by the number the host passes to `act`):
    // view.js writes each with `button(parent, BOUNDARY.<action>, …)`.
    let view = read("widget/js/view.js")?;
    let written: Vec<&str> = view.split("button(").skip(1).filter_map(|call| call.split_once(", BOUNDARY.")?.1.split(',').next()).collect();
    ensure!(
        written.len() == 5,
        "widget/js/view.js writes {} buttons with an action ({written:?}); list the new one here and in boundary::action",
        written.len()
    );
    for name in ["SEND", "SKIP", "UNDO", "CLOSE", "TAB"] {
        ensure!(written.contains(&name), "widget/js/view.js writes no button for the action {name}");
    }
    for (number, name) in [(action::SEND, "send"), (action::SKIP, "skip"), (action::UNDO, "undo"), (action::CLOSE, "close"), (action::TAB, "tab")] {
        ensure!(action::BUTTONS.get(number as usize) == Some(&name), "action {number} is not the `{name}` button");
    }
    ensure!(dom::SEND == "[data-action=send]", "the host's Send selector is the Send button's action");
    Ok(())
}

/// The quoted names inside `text`.
fn quoted(text: &str) -> Vec<&str> {
    text.split('"').skip(1).step_by(2).collect()
}

#[test]
fn every_word_the_view_shows_is_a_key_core_sends_and_every_scale_it_lays_out_has_cores_values() -> Result<()> {
    use sayso_core::{i18n::KEYS, Scale};
    // The widget has no words of its own: a key view.js names that core does not send shows nothing.
    let view = read("widget/js/view.js")?;
    let line = |start: &str| view.lines().find(|l| l.trim_start().starts_with(start)).with_context(|| format!("view.js has no `{start}`"));
    let mut named: Vec<String> = Vec::new();
    for call in view.split("say(w, ").skip(1) {
        let argument = call.split(')').next().unwrap_or_default();
        for name in quoted(argument) {
            match name {
                "q_" => named.extend(Scale::ALL.iter().map(|s| format!("q_{}", s.as_str()))),
                "emoji_" | "csat_" => named.extend(Scale::Emoji.values().map(|v| format!("{name}{v}"))),
                _ => named.push(name.to_owned()),
            }
        }
    }
    named.extend(quoted(line("const OUTCOMES")?).into_iter().map(str::to_owned));
    named.extend(quoted(line("const ends")?).into_iter().filter(|n| n.contains('_')).map(str::to_owned));
    let unknown: Vec<&String> = named.iter().filter(|n| !KEYS.contains(&n.as_str())).collect();
    ensure!(named.len() > 25 && unknown.is_empty(), "widget/js/view.js names {unknown:?}, which core's i18n::KEYS lacks ({} named)", named.len());
    // The config's fields as the boundary names them (`setting::*`, checked against core's config by the build).
    for field in [boundary::setting::STRINGS.trim_end_matches('.'), boundary::setting::LANG, boundary::setting::DIR] {
        ensure!(view.contains(&format!("config.{field}")), "widget/js/view.js does not read `config.{field}`");
    }
    // The values it lays out for each scale are core's.
    let values = line("const VALUES")?;
    for scale in Scale::ALL {
        let js: BTreeSet<u8> = match values.split_once(&format!("{}: [", scale.as_str())) {
            Some((_, rest)) => rest.split(']').next().unwrap_or_default().split(',').filter_map(|v| v.trim().parse().ok()).collect(),
            None => (1..=5).collect(),
        };
        ensure!(js == scale.values().collect::<BTreeSet<u8>>(), "view.js lays out {js:?} for {}, core has other values", scale.as_str());
    }
    Ok(())
}

/// In the page: an inline widget at the top, rated 4, then moved, removed and put back; after
/// each, a click on 2 (the host's click listener is what turns it into a rating) tells whether
/// the widget still listens.
const SCRIPT: &str = "const done = arguments[arguments.length - 1];
    const wait = async (what, probe) => {
      for (let i = 0; i < 400; i++) { const value = probe(); if (value) return value; await new Promise((r) => setTimeout(r, 50)); }
      throw new Error('timed out waiting for ' + what);
    };
    const pause = (ms) => new Promise((r) => setTimeout(r, ms));
    const chosen = (el) => el.shadowRoot?.querySelector('[aria-checked=true]')?.dataset.value;
    const choose = async (el, value) => {
      (await wait('the scale', () => el.shadowRoot?.querySelector(`button[data-value=\"${value}\"]`))).click();
      await pause(300);
      return chosen(el);
    };
    (async () => {
      const el = document.createElement('sayso-feedback');
      document.body.prepend(el);
      const first = await choose(el, 4);
      // Moved (out and in again at once): the same widget, still listening.
      document.body.prepend(el);
      await pause(200);
      const afterMove = await choose(el, 2);
      // Removed: its listeners are gone.
      el.remove();
      await pause(200);
      const afterRemoval = await choose(el, 5);
      // Connected again: a fresh widget (nothing chosen) that listens.
      document.body.prepend(el);
      await wait('the widget to start afresh', () => el.shadowRoot.querySelector('button[data-value]') && !chosen(el));
      const afterReturn = await choose(el, 3);
      done({ first, afterMove, afterRemoval, afterReturn });
    })().catch((e) => done({ error: String(e) }));";

#[test]
fn a_removed_element_releases_its_listeners_a_moved_one_keeps_them_and_one_put_back_starts_afresh() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    let pages = ExampleSite::serve(0, &edge.url, &site)?;
    edge.create_site(&site, &[&pages.url], json!({ "scale": "stars" }))?;
    let browser = Browser::start()?;
    browser.goto(&format!("{}/basic/", pages.url))?;
    let outcome = browser.execute_async(SCRIPT, vec![])?;
    println!("chosen after each click (4, moved 2, removed 5, put back 3): {outcome}");
    ensure!(outcome["error"].is_null(), "{outcome}");
    ensure!(outcome["first"] == "4" && outcome["afterMove"] == "2", "a moved widget still listens: {outcome}");
    ensure!(outcome["afterRemoval"] == "2", "a removed widget no longer listens: {outcome}");
    ensure!(outcome["afterReturn"] == "3", "put back, it starts afresh and listens: {outcome}");
    Ok(())
}

const HOST: &str = "sayso-feedback";
const UI: Duration = Duration::from_secs(30);

/// A single-page app's next page: the element replaced by a new inline one, which mounts afresh.
const NEXT_ELEMENT: &str = "const old = document.querySelector('sayso-feedback');
    const el = document.createElement('sayso-feedback');
    old.replaceWith(el);";

#[test]
fn offline_a_widget_starts_from_the_config_kept_from_an_earlier_visit_and_without_one_stays_away() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    let pages = ExampleSite::serve(0, &edge.url, &site)?;
    edge.create_site(&site, &[&pages.url], json!({ "scale": "nps" }))?;
    let browser = Browser::start()?;
    browser.goto(&format!("{}/basic/", pages.url))?;
    browser.click(&browser.wait_in_shadow(HOST, ".tab", UI)?)?;
    browser.wait_in_shadow(HOST, "button[data-value=\"10\"]", UI)?;
    // The config unreachable from now on (the page, the glue and the wasm are loaded).
    browser.cdp("Network.enable", json!({}))?;
    browser.cdp("Network.setBlockedURLs", json!({ "urls": ["*/config*"] }))?;
    browser.execute(NEXT_ELEMENT, vec![])?;
    let ten = browser.wait_in_shadow(HOST, "button[data-value=\"10\"]", UI)?;
    let label = browser.attribute(&ten, "aria-label")?.unwrap_or_default();
    let question = browser.text(&browser.wait_in_shadow(HOST, ".question", UI)?)?;
    println!("kept config: the site's scale, {label:?}, {question:?}");
    ensure!(label == "10 out of 10" && question.contains("recommend"), "the kept config's scale and words: {label:?}, {question:?}");
    // Nothing kept (a first visit offline): no widget rather than one in words it does not have.
    browser.execute("localStorage.removeItem('sayso.config.' + arguments[0]);", vec![json!(site)])?;
    browser.execute(NEXT_ELEMENT, vec![])?;
    std::thread::sleep(Duration::from_secs(3));
    let shown =
        browser.execute("return document.querySelector('sayso-feedback').shadowRoot?.querySelector('#w .v')?.childElementCount ?? -1", vec![])?;
    // What renders fill is `.v` in the box (later.js's notices go beside it).
    println!("nothing kept: the box holds {shown} elements");
    ensure!(shown == 0, "without a config the widget shows nothing: {shown}");
    Ok(())
}
