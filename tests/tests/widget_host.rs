//! The widget's JS host: the outbox's state machine under Node's test runner
//! (`widget/js/*.test.js`), the Rust↔JS boundary (`widget/src/boundary.rs`) against the JS that
//! names it and the view that writes what the JS finds, and (in Chromium) a removed element
//! releasing its listeners.

use std::collections::BTreeSet;
use std::process::Command;

use anyhow::{ensure, Context, Result};
use sayso_tests::browser::Browser;
use sayso_tests::edge::{Edge, EdgeOptions};
use sayso_tests::pages::ExampleSite;
use sayso_tests::paths::{self, repo_root};
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
        // What Rust defines is not spelled again: the view's separator never appears raw.
        ensure!(!text.contains("\\x1f") && !text.contains('\u{1f}'), "widget/js/{name} spells the view's separator: use BOUNDARY.SEPARATOR");
        used.extend(names);
    }
    let unused: Vec<_> = defined.difference(&used).collect();
    ensure!(unused.is_empty(), "widget/src/boundary.rs gives the JS {unused:?}, which no widget/js file uses");
    println!("{} names from widget/src/boundary.rs, each used by the JS", defined.len());
    Ok(())
}

/// The token the view writes for an element the host finds by `selector` (`#id`, `.class`,
/// `[name=value]`, or a bare id).
fn token_for(selector: &str) -> String {
    if let Some(class) = selector.strip_prefix('.') {
        format!("@class={class}")
    } else if let Some(attribute) = selector.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        format!("@{attribute}")
    } else {
        format!("@id={}", selector.trim_start_matches('#'))
    }
}

#[test]
fn what_the_host_finds_in_the_view_is_what_the_view_writes() -> Result<()> {
    use boundary::{action, dom, SKELETON};
    let view = read("widget/src/view.rs")?;
    let written = |token: &str| view.contains(&format!("\"{token}\"")) || SKELETON.split('\u{1f}').any(|t| t == token);
    for selector in [dom::BOX, dom::COMMENT, dom::HONEYPOT, dom::TURNSTILE, dom::LIVE, dom::MESSAGE, dom::TAB, dom::SEND] {
        let token = token_for(selector);
        ensure!(written(&token), "the host looks for `{selector}`, but neither widget/src/view.rs nor the skeleton writes `{token}`");
    }
    // Buttons carry their action as the host passes it to `act`.
    for name in [action::SEND, action::SKIP, action::UNDO, action::CLOSE, action::TAB] {
        ensure!(written(&format!("@data-action={name}")), "widget/src/view.rs writes no button for the action `{name}`");
    }
    let actions = view.matches("@data-action=").count();
    ensure!(actions == 5, "widget/src/view.rs writes {actions} button actions; list the new one in this test and in boundary::action");
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
    let edge = Edge::start(EdgeOptions::default())?;
    let pages = ExampleSite::serve(0, &edge.url, "demo")?;
    edge.create_site("demo", &[&pages.url], json!({ "scale": "stars" }))?;
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
