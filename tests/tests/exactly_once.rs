//! Exactly once: no rating lost, none counted twice, through offline spells, crashes, retries
//! and visitors who leave at once. Real Worker under `wrangler dev`, real Chromium; each test
//! prints the counts it compared.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Barrier, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Result};
use sayso_tests::api;
use sayso_tests::browser::Browser;
use sayso_tests::edge::{Edge, EdgeOptions};
use sayso_tests::pages::ExampleSite;
use sayso_tests::{unique_site, wait_for};
use serde_json::{json, Value};

const HOST: &str = "sayso-feedback";
const UI: Duration = Duration::from_secs(30);
/// Long enough for the outbox's backoff to come round even if no event wakes it.
const DELIVERY: Duration = Duration::from_secs(120);

fn total(edge: &Edge, site: &str, key: &str) -> Result<u64> {
    Ok(edge.summary(site, key)?["total"].as_u64().unwrap_or(0))
}

fn wait_total(edge: &Edge, site: &str, key: &str, want: u64) -> Result<()> {
    wait_for(&format!("the summary to count {want}"), DELIVERY, || Ok((total(edge, site, key)? == want).then_some(())))
}

fn outbox_len(browser: &Browser, site: &str) -> Result<u64> {
    let n =
        browser.execute("const s = localStorage.getItem('sayso.outbox.' + arguments[0]); return s ? JSON.parse(s).length : 0;", vec![json!(site)])?;
    Ok(n.as_u64().unwrap_or(u64::MAX))
}

/// What a single-page app does on navigation: a new path, and an inline widget rendered afresh.
const NEXT_PAGE: &str = "history.pushState({}, '', arguments[0]);
    const old = document.querySelector('sayso-feedback');
    const el = document.createElement('sayso-feedback');
    old.replaceWith(el);";

/// Opens the snippet's floating widget (a tab until clicked) and waits for its scale.
fn open_tab(browser: &Browser) -> Result<()> {
    browser.click(&browser.wait_in_shadow(HOST, ".tab", UI)?)?;
    browser.wait_in_shadow(HOST, "button[data-value]", UI)?;
    Ok(())
}

/// Rates `value` on the current widget, waiting for it to render first.
fn rate(browser: &Browser, value: u8) -> Result<()> {
    let button = browser.wait_in_shadow(HOST, &format!("button[data-value=\"{value}\"]"), UI)?;
    browser.click(&button)
}

/// A visitor on the example page of a new site of `edge`, its floating widget open.
struct Visit {
    site: String,
    key: String,
    pages: ExampleSite,
    browser: Browser,
}

fn browser_on_example(edge: &Edge, widget: Value) -> Result<Visit> {
    let site = unique_site("once")?;
    let pages = ExampleSite::serve(0, &edge.url, &site)?;
    let key = edge.create_site(&site, &[&pages.url], widget)?.owner_key;
    let browser = Browser::start()?;
    browser.goto(&format!("{}/basic/", pages.url))?;
    open_tab(&browser)?;
    Ok(Visit { site, key, pages, browser })
}

#[test]
fn twenty_ratings_made_offline_on_twenty_pages_count_exactly_twenty() -> Result<()> {
    let edge = Edge::shared()?;
    let Visit { site, key, browser, .. } = browser_on_example(edge, json!({ "scale": "stars" }))?;
    browser.set_offline(true)?;
    for page in 0..20u8 {
        browser.execute(NEXT_PAGE, vec![json!(format!("/basic/page-{page}"))])?;
        rate(&browser, page % 5 + 1)?;
    }
    let waiting = outbox_len(&browser, &site)?;
    let while_offline = total(edge, &site, &key)?;
    println!("offline: {waiting} waiting in the outbox, {while_offline} counted");
    ensure!(waiting == 20 && while_offline == 0, "all 20 wait in the outbox");
    browser.set_offline(false)?;
    wait_total(edge, &site, &key, 20)?;
    std::thread::sleep(Duration::from_secs(2));
    let summary = edge.summary(&site, &key)?;
    let per_value: Vec<u64> =
        summary["scales"][0]["histogram"].as_array().map(|h| h.iter().filter_map(|b| b["count"].as_u64()).collect()).unwrap_or_default();
    println!("back online: counted {} (per star value {per_value:?}), outbox {}", summary["total"], outbox_len(&browser, &site)?);
    ensure!(summary["total"] == 20 && per_value == [4, 4, 4, 4, 4], "{summary}");
    ensure!(outbox_len(&browser, &site)? == 0, "the outbox is empty once delivered");
    Ok(())
}

/// Undo while the rating still waits in the outbox (offline): it never leaves, the visitor is
/// told, and the widget goes on working (the answer comes back into the widget from the outbox).
#[test]
fn undo_of_a_rating_still_waiting_offline_takes_it_back_and_the_widget_goes_on() -> Result<()> {
    let edge = Edge::shared()?;
    let Visit { site, key, browser, .. } = browser_on_example(edge, json!({ "scale": "stars" }))?;
    browser.set_offline(true)?;
    rate(&browser, 4)?;
    wait_for("the rating to wait in the outbox", UI, || Ok((outbox_len(&browser, &site)? == 1).then_some(())))?;
    browser.click(&browser.wait_in_shadow(HOST, "button[data-action=\"skip\"]", UI)?)?;
    browser.click(&browser.wait_in_shadow(HOST, "button[data-action=\"undo\"]", UI)?)?;
    let said = wait_for("the widget to say the rating was removed", UI, || {
        let text = browser.execute("return document.querySelector('sayso-feedback').shadowRoot.querySelector('.thanks')?.textContent", vec![])?;
        Ok(text.as_str().filter(|t| t.contains("removed")).map(str::to_owned))
    })?;
    let waiting = outbox_len(&browser, &site)?;
    println!("undone offline: '{said}', outbox {waiting}");
    ensure!(waiting == 0, "the undone rating left the outbox");
    // Still alive: another page of the app, another rating.
    browser.execute("history.pushState({}, '', '/basic/next')", vec![])?;
    rate(&browser, 2)?;
    browser.set_offline(false)?;
    wait_total(edge, &site, &key, 1)?;
    std::thread::sleep(Duration::from_secs(2));
    let summary = edge.summary(&site, &key)?;
    println!("back online: counted {} ({})", summary["total"], summary["scales"][0]["histogram"]);
    ensure!(summary["total"] == 1 && summary["scales"][0]["histogram"][1]["count"] == 1, "only the 2 counts: {summary}");
    Ok(())
}

#[test]
fn a_thousand_submissions_through_a_sigkill_of_the_edge_count_exactly_a_thousand() -> Result<()> {
    const N: usize = 1000;
    const ORIGIN: &str = "https://load.example";
    let mut edge = Edge::start(EdgeOptions::default())?;
    let key = edge.create_site("demo", &[ORIGIN], json!({ "scale": "nps" }))?.owner_key;
    let url = format!("{}/v1/sites/demo/feedback", edge.url);
    let bodies: Vec<String> = (0..N)
        .map(|i| {
            json!({
                "id": format!("0190a6e2-7c1d-7abc-8def-{i:012x}"), "site": "demo", "scale": "nps", "value": i % 11,
                "page": format!("/p/{}", i % 7), "locale": "en", "client_ts": 1_763_900_000_000_u64 + i as u64, "widget_version": "0.1.0",
            })
            .to_string()
        })
        .collect();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let retries = AtomicUsize::new(0);
    let statuses = Mutex::new((0usize, 0usize)); // (created, duplicate) as the client saw them
    std::thread::scope(|scope| -> Result<()> {
        let mut workers = Vec::new();
        for _ in 0..8 {
            workers.push(scope.spawn(|| -> Result<()> {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= N {
                        return Ok(());
                    }
                    let started = Instant::now();
                    loop {
                        let answer = api::post(&url, &[("content-type", "text/plain"), ("origin", ORIGIN)], bodies[i].as_bytes());
                        match answer {
                            Ok(a) if a.status == 201 || a.status == 200 => {
                                let mut s = statuses.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
                                if a.status == 201 {
                                    s.0 += 1
                                } else {
                                    s.1 += 1
                                }
                                break;
                            }
                            Ok(a) if a.status < 500 => bail!("submission {i} refused: {} {}", a.status, a.body),
                            _ if started.elapsed() > Duration::from_secs(120) => bail!("submission {i} never delivered"),
                            _ => {
                                retries.fetch_add(1, Ordering::Relaxed);
                                std::thread::sleep(Duration::from_millis(100));
                            }
                        }
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
            }));
        }
        wait_for("300 submissions before the crash", Duration::from_secs(120), || Ok((done.load(Ordering::Relaxed) >= 300).then_some(())))?;
        edge.crash()?;
        println!("SIGKILL after {} acknowledged submissions", done.load(Ordering::Relaxed));
        std::thread::sleep(Duration::from_secs(1));
        edge.restart()?;
        for worker in workers {
            worker.join().map_err(|_| anyhow::anyhow!("a load thread panicked"))??;
        }
        Ok(())
    })?;
    let (created, duplicate) = *statuses.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
    let counted = total(&edge, "demo", &key)?;
    println!("sent {N}: client saw {created} created + {duplicate} duplicate after {} retries; counted {counted}", retries.load(Ordering::Relaxed));
    ensure!(counted == N as u64, "exactly {N} counted, not {counted}");
    // Every id is stored exactly once: each one sent again is recognised as a duplicate.
    let mut again = 0;
    for body in &bodies {
        let a = api::post(&url, &[("content-type", "text/plain"), ("origin", ORIGIN)], body.as_bytes())?;
        ensure!(a.status == 200 && a.json()["status"] == "duplicate", "{a:?}");
        again += 1;
    }
    println!("re-sent all {again}: every one a duplicate; counted still {}", total(&edge, "demo", &key)?);
    ensure!(total(&edge, "demo", &key)? == N as u64);
    Ok(())
}

#[test]
fn the_same_submission_sent_fifty_times_at_once_counts_once() -> Result<()> {
    const ORIGIN: &str = "https://dup.example";
    let edge = Edge::shared()?;
    let site = unique_site("fifty")?;
    let key = edge.create_site(&site, &[ORIGIN], json!({ "scale": "thumbs" }))?.owner_key;
    let url = format!("{}/v1/sites/{site}/feedback", edge.url);
    let body = json!({ "id": "0190a6e2-7c1d-7abc-8def-00000000d0d0", "site": site, "scale": "thumbs", "value": 1, "comment": "Twice is once",
        "page": "/", "locale": "en", "client_ts": 1_763_900_000_000_u64, "widget_version": "0.1.0" })
    .to_string();
    let barrier = Barrier::new(50);
    let answers: Vec<api::Answer> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..50)
            .map(|_| {
                scope.spawn(|| {
                    barrier.wait();
                    api::post(&url, &[("content-type", "application/json"), ("origin", ORIGIN)], body.as_bytes())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().map_err(|_| anyhow::anyhow!("panicked"))?).collect::<Result<Vec<_>>>()
    })?;
    let created = answers.iter().filter(|a| a.status == 201 && a.json()["status"] == "created").count();
    let duplicate = answers.iter().filter(|a| a.status == 200 && a.json()["status"] == "duplicate").count();
    let summary = edge.summary(&site, &key)?;
    println!("50 concurrent sends: {created} created, {duplicate} duplicate; counted {} with {} comment", summary["total"], summary["comments"]);
    ensure!(created == 1 && duplicate == 49, "{answers:?}");
    ensure!(summary["total"] == 1 && summary["comments"] == 1, "{summary}");
    Ok(())
}

#[test]
fn a_visitor_who_clicks_and_leaves_at_once_is_still_counted() -> Result<()> {
    let edge = Edge::shared()?;
    let Visit { site, key, browser, .. } = browser_on_example(edge, json!({ "scale": "stars" }))?;
    // One script: the click and the navigation away, with no chance for anything in between.
    browser.execute(
        "document.querySelector('sayso-feedback').shadowRoot.querySelector('button[data-value=\"5\"]').click();
         location.href = 'about:blank';",
        vec![],
    )?;
    wait_total(edge, &site, &key, 1)?;
    std::thread::sleep(Duration::from_secs(1));
    let counted = total(edge, &site, &key)?;
    println!("clicked and left: counted {counted}");
    ensure!(counted == 1, "counted once: {counted}");
    Ok(())
}

#[test]
fn the_outbox_survives_reloads_while_the_edge_is_down_and_never_exceeds_its_cap() -> Result<()> {
    // Its own edge: this test takes it down.
    let mut edge = Edge::start(EdgeOptions::default())?;
    let Visit { site, key, pages, browser } = browser_on_example(&edge, json!({ "scale": "stars" }))?;
    let page = format!("{}/basic/", pages.url);
    edge.crash()?;
    rate(&browser, 4)?;
    wait_for("the failed send to leave the entry waiting", UI, || Ok((outbox_len(&browser, &site)? == 1).then_some(())))?;
    // A new page load while the edge is still down: the widget comes from the browser's cache,
    // tries again, fails again, and keeps the entry.
    browser.goto(&page)?;
    open_tab(&browser)?;
    ensure!(outbox_len(&browser, &site)? == 1, "still waiting after a reload");

    // 105 more ratings on 105 pages while the edge is down: the outbox keeps the newest 100.
    let kept = browser.execute_async(
        "const done = arguments[arguments.length - 1];
         (async () => {
           for (let i = 0; i < 105; i++) {
             history.pushState({}, '', '/basic/cap-' + i);
             const el = document.createElement('sayso-feedback');
             document.querySelector('sayso-feedback').replaceWith(el);
             let b;
             while (!(b = el.shadowRoot && el.shadowRoot.querySelector('button[data-value=\"3\"]'))) await new Promise(r => setTimeout(r, 5));
             b.click();
           }
           done(JSON.parse(localStorage.getItem('sayso.outbox.' + arguments[0])).length);
         })();",
        vec![json!(site)],
    )?;
    let warnings = browser.console()?.iter().filter(|m| m.contains("outbox is full")).count();
    println!("edge down: 106 ratings made, outbox holds {kept}, {warnings} 'outbox is full' warning(s)");
    ensure!(kept == 100, "capped at 100: {kept}");
    ensure!(warnings == 1, "one console warning, not one per drop: {warnings}");

    edge.restart()?;
    browser.goto(&page)?;
    wait_total(&edge, &site, &key, 100)?;
    // Leaving the old page beaconed everything; the new page confirms each entry (200
    // duplicate) and empties the outbox one by one.
    wait_for("the outbox to empty", DELIVERY, || Ok((outbox_len(&browser, &site)? == 0).then_some(())))?;
    let counted = total(&edge, &site, &key)?;
    let summary = edge.summary(&site, &key)?;
    println!("edge back, page reloaded: counted {counted}, outbox {}", outbox_len(&browser, &site)?);
    ensure!(counted == 100 && summary["scales"][0]["histogram"][2]["count"] == 100, "the newest 100 (all 3 stars): {summary}");
    ensure!(outbox_len(&browser, &site)? == 0);
    Ok(())
}
