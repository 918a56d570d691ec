//! Quotes, testimonials and the badge (issue 17), on the real Worker: every way a stranger might
//! consent for a visitor, or make a low rating a testimonial, refused with nothing stored; a
//! display name with markup kept as text; consent, approval, an edit that sends the quote back
//! to review, a withdrawal and an owner's delete each seen in the public list; the badge's
//! numbers are the summary's. Then in Chromium: consent (as the widget sends it) → not on the
//! wall → approved in the inbox (through its UI) → on a page with `<sayso-wall>` (strict CSP) →
//! withdrawn → gone; the wall, the inbox and the badge axe-clean, the wall dark too.
//!
//! The cache, honestly: a consent, a withdrawal and a decision purge the edge's cached list at
//! once (one edge here, as on one Cloudflare location); anything else (an edit, a delete) shows
//! within the list's `max-age` (300 s). So each check of an edit or a delete reads the list only
//! after a purge and before any read refilled the cache: what it sees is the objects' answer.

use std::time::Duration;

use anyhow::{ensure, Context, Result};
use sayso_tests::api::{self, Answer};
use sayso_tests::browser::Browser;
use sayso_tests::edge::Edge;
use sayso_tests::owner_app::{self, axe_finds_nothing, dark_too, view_titled, UI};
use sayso_tests::pages::ExampleSite;
use sayso_tests::{unique_site, wait_for};
use serde_json::{json, Value};

const ORIGIN: &str = "https://docs.example.com";
const HOSTILE: &str = "<img src=x onerror=alert(1)>";

/// Submission `n`'s id.
fn id(n: u32) -> String {
    format!("0190a6e2-7c1d-7abc-8def-{n:012x}")
}

/// A visitor's key for submission `n` (the widget makes 32 random hex digits).
fn key(n: u32) -> String {
    format!("{n:032x}")
}

/// Posts submission `n` (revision `rev`) from a page of `origin` with its key, as the widget does.
fn post(edge: &Edge, site: &str, origin: &str, n: u32, rev: u32, (scale, value): (&str, i64), comment: Option<&str>) -> Result<()> {
    let mut body = json!({ "id": id(n), "site": site, "scale": scale, "value": value, "page": "/docs", "locale": "en",
        "client_ts": 1_763_900_000_000_u64, "widget_version": "0.1.0", "rev": rev, "key": key(n) });
    if let Some(comment) = comment {
        body["comment"] = json!(comment);
    }
    let url = format!("{}/v1/sites/{site}/feedback", edge.url);
    let a = api::post(&url, &[("content-type", "text/plain"), ("origin", origin)], body.to_string().as_bytes())?;
    ensure!(a.status == 201 || a.status == 200, "posting {n} rev {rev}: {a:?}");
    Ok(())
}

/// `method` on submission `n`'s quote of `site`, from `origin`, with `auth` and a JSON body.
fn quote(edge: &Edge, method: &str, site: &str, id: &str, auth: Option<&str>, body: Option<Value>) -> Result<Answer> {
    api::json_call(method, &format!("{}/v1/sites/{site}/feedback/{id}/quote", edge.url), ORIGIN, auth, body)
}

/// The visitor's consent to quote `n`, with their own receipt.
fn consent(edge: &Edge, site: &str, n: u32, name: Value) -> Result<Answer> {
    quote(edge, "PUT", site, &id(n), Some(&format!("Receipt {}", key(n))), Some(json!({ "name": name })))
}

/// The owner's `method` on `path` of `site`.
fn owner(edge: &Edge, method: &str, site: &str, path: &str, owner_key: &str, body: Option<Value>) -> Result<Answer> {
    let auth = format!("Bearer {owner_key}");
    let mut headers = vec![("authorization", auth.as_str())];
    if body.is_some() {
        headers.push(("content-type", "application/json"));
    }
    let body = body.map(|b| b.to_string());
    api::request(method, &format!("{}/v1/sites/{site}{path}", edge.url), &headers, body.as_deref().map(str::as_bytes))
}

/// Submission `n` as the owner's list has it.
fn item(edge: &Edge, site: &str, owner_key: &str, n: u32) -> Result<Value> {
    let a = owner(edge, "GET", site, "/feedback?limit=1000", owner_key, None)?;
    a.json()["items"].as_array().and_then(|i| i.iter().find(|i| i["id"] == id(n).as_str()).cloned()).with_context(|| format!("{} in {a:?}", id(n)))
}

/// The public testimonials of `site` (their texts), checking the answer's public headers.
fn wall(edge: &Edge, site: &str) -> Result<Vec<Value>> {
    let a = api::get(&format!("{}/v1/sites/{site}/testimonials", edge.url), &[])?;
    ensure!(a.status == 200, "{a:?}");
    ensure!(a.header("access-control-allow-origin") == Some("*") && a.header("cache-control") == Some("public, max-age=300"), "{a:?}");
    a.json()["testimonials"].as_array().cloned().context("testimonials")
}

/// The texts on the wall.
fn texts(quotes: &[Value]) -> Vec<String> {
    quotes.iter().filter_map(|q| q["text"].as_str().map(str::to_owned)).collect()
}

/// A site of the test's own on the shared edge allowing `origin`, every scale accepted; its key.
fn site(edge: &Edge, prefix: &str, origin: &str) -> Result<(String, String)> {
    let site = unique_site(prefix)?;
    let created = edge.create_site(&site, &[origin], json!({ "scale": "stars" }))?;
    edge.accept_every_scale(&site, &created.owner_key)?;
    Ok((site, created.owner_key))
}

/// Turns the site's public features on or off.
fn publish(edge: &Edge, site: &str, owner_key: &str, public: Value) -> Result<()> {
    let a = owner(edge, "PATCH", site, "", owner_key, Some(json!({ "public": public })))?;
    ensure!(a.status == 200 && a.json()["public"].is_object(), "{a:?}");
    Ok(())
}

#[test]
fn only_the_author_consents_only_to_a_top_rating_with_a_comment_and_only_approved_words_are_public() -> Result<()> {
    let edge = Edge::shared()?;
    let (s, k) = site(edge, "quotes", ORIGIN)?;
    post(edge, &s, ORIGIN, 1, 0, ("stars", 5), Some("Clear and quick, thank you"))?;
    post(edge, &s, ORIGIN, 2, 0, ("stars", 3), Some("It was fine"))?;
    post(edge, &s, ORIGIN, 3, 0, ("stars", 5), None)?;
    post(edge, &s, ORIGIN, 4, 0, ("nps", 9), Some("Would recommend"))?;
    post(edge, &s, ORIGIN, 5, 0, ("nps", 8), Some("Good"))?;
    let no_quote = |n: u32| -> Result<()> {
        let stored = item(edge, &s, &k, n)?;
        ensure!(stored.get("quote").is_none() && stored.get("quote_name").is_none(), "nothing stored for {n}: {stored}");
        Ok(())
    };

    // Off: the site does not ask, so it stores nothing; the public routes say so.
    let refused = consent(edge, &s, 1, json!("Ana"))?;
    ensure!(refused.status == 409 && refused.error_code().as_deref() == Some("quote_not_invited"), "{refused:?}");
    no_quote(1)?;
    for (path, code) in [("testimonials", "testimonials_off"), ("badge.svg", "badge_off")] {
        let off = api::get(&format!("{}/v1/sites/{s}/{path}", edge.url), &[])?;
        ensure!(off.status == 404 && off.error_code().as_deref() == Some(code), "{path}: {off:?}");
    }
    publish(edge, &s, &k, json!({ "testimonials": true }))?;
    let config = api::get(&format!("{}/v1/sites/{s}/config", edge.url), &[])?;
    ensure!(config.json()["widget"]["quotes"] == true, "the widget is told to ask: {config:?}");

    // Strangers: a wrong key, no key, the owner key as a receipt, another site's id and key.
    let (other, _) = site(edge, "quotes-other", ORIGIN)?;
    post(edge, &other, ORIGIN, 9, 0, ("stars", 5), Some("Someone else's words"))?;
    let attempts = [
        (s.clone(), id(1), Some(format!("Receipt {}", key(2)))),
        (s.clone(), id(1), None),
        (s.clone(), id(1), Some(format!("Bearer {k}"))),
        (s.clone(), id(1), Some(format!("Receipt {}", "x".repeat(20)))),
        (s.clone(), id(9), Some(format!("Receipt {}", key(9)))),
        (s.clone(), "not-an-id".to_owned(), Some(format!("Receipt {}", key(1)))),
    ];
    for (site_id, target, auth) in &attempts {
        let a = quote(edge, "PUT", site_id, target, auth.as_deref(), Some(json!({ "name": "Mallory" })))?;
        ensure!(a.status == 404 && a.error_code().as_deref() == Some("feedback_not_found"), "{target} {auth:?}: {a:?}");
        ensure!(a.header("access-control-allow-origin") == Some(ORIGIN), "the page reads the refusal: {a:?}");
    }
    no_quote(1)?;
    // Below the top of the scale, or no comment: not invited, nothing stored.
    for n in [2, 3, 5] {
        let a = consent(edge, &s, n, json!("Ana"))?;
        ensure!(a.status == 409 && a.error_code().as_deref() == Some("quote_not_invited"), "{n}: {a:?}");
        no_quote(n)?;
    }
    let long = consent(edge, &s, 1, json!("A".repeat(41)))?;
    ensure!(long.status == 400 && long.error_code().as_deref() == Some("invalid_display_name"), "{long:?}");
    no_quote(1)?;

    // The author consents; a name with markup is stored as the text it is. Not public yet.
    let given = consent(edge, &s, 1, json!(format!("  {HOSTILE}\u{202e} ")))?;
    ensure!(given.status == 200 && given.json() == json!({ "quote": "pending" }), "{given:?}");
    let stored = item(edge, &s, &k, 1)?;
    ensure!(stored["quote"] == "pending" && stored["quote_name"] == HOSTILE, "{stored}");
    ensure!(wall(edge, &s)?.is_empty(), "pending is not public");
    let pending = owner(edge, "GET", &s, "/feedback?quote=pending", &k, None)?;
    ensure!(pending.json()["items"].as_array().map(Vec::len) == Some(1), "the inbox's filter: {pending:?}");

    // Only the owner decides.
    let by_visitor = quote(edge, "PATCH", &s, &id(1), Some(&format!("Receipt {}", key(1))), Some(json!({ "approved": true })))?;
    ensure!(by_visitor.status == 401, "{by_visitor:?}");
    let unconsented = owner(edge, "PATCH", &s, &format!("/feedback/{}/quote", id(4)), &k, Some(json!({ "approved": true })))?;
    ensure!(unconsented.status == 409 && unconsented.error_code().as_deref() == Some("quote_not_consented"), "{unconsented:?}");
    ensure!(wall(edge, &s)?.is_empty(), "a refused decision published nothing");
    let approved = owner(edge, "PATCH", &s, &format!("/feedback/{}/quote", id(1)), &k, Some(json!({ "approved": true })))?;
    ensure!(approved.status == 200 && approved.json() == json!({ "quote": "approved" }), "{approved:?}");
    let public = wall(edge, &s)?;
    ensure!(texts(&public) == ["Clear and quick, thank you"] && public[0]["name"] == HOSTILE, "{public:?}");
    let mut fields: Vec<&str> = public[0].as_object().context("a testimonial")?.keys().map(String::as_str).collect();
    fields.sort_unstable();
    ensure!(fields == ["at", "name", "scale", "text", "value"], "no id, page or key is public: {fields:?}");

    // An edit after approval: back to review (the consent stays), so the new words are not
    // public. The approval above purged the cache and the read after it refilled it: the
    // approval of the next quote purges it again before the list is read.
    post(edge, &s, ORIGIN, 1, 1, ("stars", 5), Some("Clear and quick, thank you! Edited"))?;
    ensure!(item(edge, &s, &k, 1)?["quote"] == "pending", "an edited quote goes back to review");
    ensure!(consent(edge, &s, 4, Value::Null)?.status == 200, "an anonymous NPS 9 quote");
    owner(edge, "PATCH", &s, &format!("/feedback/{}/quote", id(4)), &k, Some(json!({ "approved": true })))?;
    let public = wall(edge, &s)?;
    ensure!(texts(&public) == ["Would recommend"] && public[0]["name"].is_null(), "only approved words: {public:?}");
    // A revision down to 3 stars drops the consent: no longer a top rating.
    post(edge, &s, ORIGIN, 1, 2, ("stars", 3), Some("Clear and quick, thank you! Edited"))?;
    ensure!(item(edge, &s, &k, 1)?.get("quote").is_none(), "a rating below the top drops the quote");

    // The owner's delete takes the quote with it (the withdrawal first purges the cache, so
    // the read after the delete is the objects' answer).
    post(edge, &s, ORIGIN, 6, 0, ("thumbs", 1), Some("Spot on"))?;
    ensure!(consent(edge, &s, 6, json!("Bo"))?.status == 200, "a thumbs up quote");
    owner(edge, "PATCH", &s, &format!("/feedback/{}/quote", id(6)), &k, Some(json!({ "approved": true })))?;
    ensure!(quote(edge, "DELETE", &s, &id(4), Some(&format!("Receipt {}", key(4))), None)?.status == 204, "withdrawn");
    ensure!(quote(edge, "DELETE", &s, &id(4), Some(&format!("Receipt {}", key(4))), None)?.status == 204, "withdrawing twice is fine");
    let deleted = owner(edge, "DELETE", &s, &format!("/feedback/{}", id(6)), &k, None)?;
    ensure!(deleted.status == 204, "{deleted:?}");
    ensure!(wall(edge, &s)?.is_empty(), "withdrawn and deleted quotes are gone");
    Ok(())
}

#[test]
fn the_badge_says_what_the_summary_says_and_can_run_nothing() -> Result<()> {
    let edge = Edge::shared()?;
    let (s, k) = site(edge, "badge", ORIGIN)?;
    for (n, value) in [(1, 5), (2, 4), (3, 4), (4, 2)] {
        post(edge, &s, ORIGIN, n, 0, ("stars", value), None)?;
    }
    post(edge, &s, ORIGIN, 5, 0, ("nps", 10), None)?;
    publish(edge, &s, &k, json!({ "badge": true }))?;
    let badge = api::get(&format!("{}/v1/sites/{s}/badge.svg", edge.url), &[])?;
    ensure!(badge.status == 200, "{badge:?}");
    for (name, value) in [
        ("content-type", "image/svg+xml; charset=utf-8"),
        ("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'"),
        ("x-content-type-options", "nosniff"),
        ("cache-control", "public, max-age=300"),
        ("access-control-allow-origin", "*"),
    ] {
        ensure!(badge.header(name) == Some(value), "{name}: {badge:?}");
    }
    // The summary's numbers for its most rated scale, in the badge's words.
    let summary = edge.summary(&s, &k)?;
    let stars = summary["scales"].as_array().and_then(|l| l.iter().find(|x| x["scale"] == "stars")).context("stars in the summary")?;
    let words = format!("feedback: {:.1} / 5 · {} ratings", stars["score"].as_f64().context("score")?, stars["count"]);
    ensure!(words == "feedback: 3.8 / 5 · 4 ratings", "{words}");
    ensure!(
        badge.body.contains(&format!("<title>{words}</title>")) && badge.body.contains(&format!("role=\"img\" aria-label=\"{words}\"")),
        "{}",
        badge.body
    );
    ensure!(!badge.body.contains("<script") && !badge.body.contains("href"), "nothing to run or follow: {}", badge.body);
    Ok(())
}

/// The wall's page anew, as a visitor who has not read the list in the last 300 s sees it (the
/// browser may keep the list that long: `cache-control`), once it has fetched its testimonials.
fn open_wall(browser: &Browser, pages: &ExampleSite) -> Result<()> {
    browser.cdp("Network.clearBrowserCache", json!({}))?;
    browser.goto(&format!("{}/wall/", pages.url))?;
    wall_fetched(browser)
}

/// Waits until the page's wall has fetched its testimonials (a resource entry for them).
fn wall_fetched(browser: &Browser) -> Result<()> {
    wait_for("the wall's fetch", UI, || {
        let done = browser.execute(
            "return !!document.querySelector('sayso-wall')?.shadowRoot && performance.getEntriesByType('resource').some(e => e.name.includes('/testimonials') && e.responseEnd > 0)",
            vec![],
        )?;
        Ok(done.as_bool().filter(|d| *d).map(|_| ()))
    })?;
    // Its answer is drawn in the same task as it is read: a moment more is plenty.
    std::thread::sleep(Duration::from_millis(300));
    Ok(())
}

/// What the wall shows: each figure's text, empty when it shows nothing.
fn on_the_wall(browser: &Browser) -> Result<Vec<String>> {
    let shown = browser.execute(
        "const root = document.querySelector('sayso-wall').shadowRoot;
         return [...root.querySelectorAll('figure')].map(f => f.querySelector('blockquote').textContent + ' | ' + f.querySelector('figcaption').textContent)",
        vec![],
    )?;
    Ok(shown.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)).collect())
}

#[test]
fn an_approved_quote_shows_on_a_wall_and_leaves_it_when_withdrawn() -> Result<()> {
    let edge = Edge::shared()?;
    let s = unique_site("wall")?;
    let pages = ExampleSite::serve(0, &edge.url, &s)?;
    let k = edge.create_site(&s, &[&pages.url], json!({ "scale": "stars" }))?.owner_key;

    // The owner opts in through the settings form (its own group), reviewed and saved.
    let settings = owner_app::signed_in(edge, &s, &k, "?view=settings", "Settings")?;
    for field in ["#f-public-testimonials", "#f-public-badge"] {
        settings.click(&settings.wait_for_element(field, UI)?)?;
    }
    settings.click(&settings.wait_for_element("#settings-form button[type=submit]", UI)?)?;
    let changes = wait_for("the list of changes", UI, || {
        let Some(list) = settings.find("#review:not([hidden]) #changes")? else { return Ok(None) };
        Ok(Some(settings.text(&list)?).filter(|t| !t.is_empty()))
    })?;
    ensure!(
        changes.contains("Publish a score badge: off → on") && changes.contains("Publish approved quotes") && changes.lines().count() == 2,
        "{changes}"
    );
    settings.click(&settings.wait_for_element("#save", UI)?)?;
    wait_for("saved", UI, || Ok(settings.find("#saved")?.and_then(|e| settings.text(&e).ok()).filter(|t| t.starts_with("Saved")).map(|_| ())))?;
    let stored = owner(edge, "GET", &s, "", &k, None)?.json();
    ensure!(stored["public"] == json!({ "testimonials": true, "badge": true }), "saved: {stored}");
    drop(settings);
    post(edge, &s, &pages.url, 1, 0, ("stars", 5), Some("The guide got me deploying in five minutes."))?;
    ensure!(consent(edge, &s, 1, json!(format!("Ana {HOSTILE}")))?.status == 200, "consented");

    // Not on the wall until approved: the wall ran (its shadow root) and drew nothing.
    let visitor = Browser::start()?;
    visitor.set_window_size(1280, 1000)?;
    open_wall(&visitor, &pages)?;
    ensure!(on_the_wall(&visitor)?.is_empty(), "a pending quote is not shown");

    // The owner approves it in the inbox, through its UI, among the quotes awaiting approval.
    let app = owner_app::signed_in(edge, &s, &k, "?view=inbox&quote=pending", "Inbox")?;
    let approve = app.wait_for_element(".inbox-rows .quote-decide[data-approved=true]", UI)?;
    axe_finds_nothing(&app, "inbox with a quote awaiting approval")?;
    app.click(&approve)?;
    wait_for("the approval", UI, || Ok(owner_app::text(&app, ".quote .quote-state").ok().filter(|t| t == "Quote approved")))?;
    view_titled(&app, "Inbox")?;

    // On the wall: the words as text, the name's markup as text, axe-clean light and dark.
    open_wall(&visitor, &pages)?;
    visitor.wait_in_shadow("sayso-wall", "blockquote", UI)?;
    let shown = on_the_wall(&visitor)?;
    ensure!(shown == [format!("The guide got me deploying in five minutes. | — Ana {HOSTILE}")], "{shown:?}");
    let parsed = visitor.execute("return document.querySelector('sayso-wall').shadowRoot.querySelectorAll('img').length", vec![])?;
    ensure!(parsed == json!(0), "the name's markup was never parsed");
    let region =
        visitor.execute("return document.querySelector('sayso-wall').shadowRoot.querySelector('section').getAttribute('aria-label')", vec![])?;
    ensure!(region == json!("What readers say"), "a labelled region: {region}");
    axe_finds_nothing(&visitor, "a page with <sayso-wall>")?;
    dark_too(&visitor, "a page with <sayso-wall>", "wall-dark.png")?;
    owner_app::screenshot(&visitor, "wall.png")?;
    let console = visitor.console()?;
    ensure!(!console.iter().any(|l| l.contains("Content Security Policy") || l.contains("TrustedHTML")), "strict CSP holds: {console:?}");

    // Withdrawn (as the widget sends it, from the page's origin): gone at the next read.
    let auth = format!("Receipt {}", key(1));
    let withdrawn = api::request(
        "DELETE",
        &format!("{}/v1/sites/{s}/feedback/{}/quote", edge.url, id(1)),
        &[("authorization", &auth), ("origin", &pages.url)],
        None,
    )?;
    ensure!(withdrawn.status == 204 && withdrawn.header("access-control-allow-origin") == Some(pages.url.as_str()), "{withdrawn:?}");
    open_wall(&visitor, &pages)?;
    ensure!(on_the_wall(&visitor)?.is_empty(), "a withdrawn quote leaves the wall");

    // The badge, as a page shows it (inline SVG and as an image with its alt): axe-clean.
    let svg = api::get(&format!("{}/v1/sites/{s}/badge.svg", edge.url), &[])?.body;
    visitor.goto("about:blank")?;
    visitor.execute(
        "document.documentElement.lang = 'en'; document.title = 'Badge';
         const main = document.body.appendChild(document.createElement('main'));
         main.appendChild(new DOMParser().parseFromString(arguments[0], 'image/svg+xml').documentElement);",
        vec![json!(svg)],
    )?;
    let labelled =
        visitor.execute("return document.querySelector('svg').getAttribute('role') + ' ' + !!document.querySelector('svg > title')", vec![])?;
    ensure!(labelled == json!("img true"), "{labelled}");
    axe_finds_nothing(&visitor, "the badge")?;
    Ok(())
}

#[test]
fn a_sharded_sites_wall_is_the_newest_approvals_of_every_shard() -> Result<()> {
    let edge = Edge::shared()?;
    let s = unique_site("quotes-shards")?;
    let body = json!({ "id": s, "name": "Sharded", "origins": [ORIGIN], "widget": { "scale": "stars" }, "shards": 4,
        "limits": { "visitor_per_minute": 0, "site_per_minute": 0, "min_comment_ms": 0 } });
    let admin = format!("Bearer {}", edge.admin_token);
    let created = api::post(
        &format!("{}/v1/sites", edge.url),
        &[("authorization", &admin), ("content-type", "application/json")],
        body.to_string().as_bytes(),
    )?;
    ensure!(created.status == 201, "{created:?}");
    let k = created.json()["owner_key"].as_str().context("owner key")?.to_owned();
    publish(edge, &s, &k, json!({ "testimonials": true }))?;
    // Eight quotes over the four shards (core's map says which holds which), approved 8, 7, … 1.
    let map = sayso_core::ShardMap::new(4);
    let held: std::collections::BTreeSet<u32> =
        (1..=8).map(|n| sayso_core::SubmissionId::parse(&id(n)).map(|i| map.shard_of(&i))).collect::<Result<_, _>>()?;
    ensure!(held.len() >= 3, "the quotes are on several shards: {held:?}");
    for n in 1..=8 {
        post(edge, &s, ORIGIN, n, 0, ("stars", 5), Some(&format!("Quote {n}")))?;
        ensure!(consent(edge, &s, n, json!(format!("Reader {n}")))?.status == 200, "consent {n}");
    }
    for n in (1..=8).rev() {
        let a = owner(edge, "PATCH", &s, &format!("/feedback/{}/quote", id(n)), &k, Some(json!({ "approved": true })))?;
        ensure!(a.status == 200, "approve {n}: {a:?}");
        // Approvals a millisecond apart at least, so their order is the clock's.
        std::thread::sleep(Duration::from_millis(5));
    }
    let a = api::get(&format!("{}/v1/sites/{s}/testimonials?limit=3", edge.url), &[])?;
    let newest: Vec<String> =
        a.json()["testimonials"].as_array().into_iter().flatten().filter_map(|q| q["text"].as_str().map(str::to_owned)).collect();
    ensure!(newest == ["Quote 1", "Quote 2", "Quote 3"], "the three newest approvals, newest first, from whichever shards: {newest:?}");
    let all = wall(edge, &s)?;
    ensure!(texts(&all) == (1..=8).map(|n| format!("Quote {n}")).collect::<Vec<_>>(), "{all:?}");
    Ok(())
}
