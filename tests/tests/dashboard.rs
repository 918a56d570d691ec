//! The owner's dashboard in a real Chromium, through its UI only: sign in with the owner key,
//! see a card per scale with the API's numbers, a change coloured only beyond noise, pages ranked
//! by a confidence-aware score, a page's drill-down (bookmarkable, back button), comments as text
//! (never as HTML), axe-core finding nothing on any view, light or dark, on a laptop and a phone.

use anyhow::{bail, ensure, Context, Result};
use sayso_tests::api;
use sayso_tests::browser::Browser;
use sayso_tests::edge::{Edge, EdgeOptions};
use sayso_tests::owner_app::{self, axe_finds_nothing, dark_too, fits_a_phone, screenshots, text, view_titled, UI};
use sayso_tests::{paths, wait_for};
use serde_json::{json, Value};

const ORIGIN: &str = "https://docs.example.com";
const HOSTILE: &str = "<img src=x onerror=alert(1)> \"quoted\" & 'single'";

/// Posts one rating to `site` as a visitor's page would.
fn rate(edge: &Edge, site: &str, n: usize, scale: &str, value: i64, page: &str, comment: Option<&str>) -> Result<()> {
    owner_app::rate(edge, site, ORIGIN, owner_app::Rating { n: n as u64, scale, value, page, comment })
}

/// The API's summary of the last 30 days (the dashboard's default range), of one page if given.
fn summary(edge: &Edge, site: &str, key: &str, page: Option<&str>) -> Result<Value> {
    let day = |ms: i64| {
        let days = ms / 86_400_000;
        sayso_core::format_day(days)
    };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis() as i64;
    let mut url = format!("{}/v1/sites/{site}/summary?from={}&to={}", edge.url, day(now - 29 * 86_400_000), day(now));
    if let Some(page) = page {
        url.push_str(&format!("&page={page}"));
    }
    let a = api::get(&url, &[("authorization", &format!("Bearer {key}"))])?;
    ensure!(a.status == 200, "{a:?}");
    Ok(a.json())
}

/// The summary's entry for `scale`.
fn scale<'a>(summary: &'a Value, name: &str) -> Result<&'a Value> {
    summary["scales"].as_array().and_then(|s| s.iter().find(|s| s["scale"] == name)).with_context(|| format!("{name} in {summary}"))
}

/// Chromium on the dashboard's overview, signed in to `site`.
fn signed_in(edge: &Edge, site: &str, key: &str) -> Result<Browser> {
    owner_app::signed_in(edge, site, key, "", "All pages")
}

#[test]
fn the_dashboard_signs_in_drills_into_a_page_and_shows_comments_as_text() -> Result<()> {
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
        rate(&edge, "demo", n, "stars", *value, page, *comment)?;
    }
    let site = summary(&edge, "demo", &key, None)?;

    let shell = api::get(&format!("{}/dashboard", edge.url), &[])?;
    let csp = shell.header("content-security-policy").unwrap_or_default().to_owned();
    ensure!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && csp.contains("frame-ancestors 'none'"), "strict CSP: {csp}");

    let browser = Browser::start()?;
    browser.set_window_size(1280, 2000)?;
    browser.goto(&format!("{}/dashboard", edge.url))?;
    axe_finds_nothing(&browser, "the sign-in form")?;
    browser.type_text(&browser.wait_for_element("#site", UI)?, "demo")?;
    browser.type_text(&browser.wait_for_element("#key", UI)?, "sk_wrong")?;
    browser.click(&browser.wait_for_element("#sign-in button[type=submit]", UI)?)?;
    // The form is drawn anew with the message, so look the element up each time.
    let message = wait_for("the sign-in error", UI, || {
        let Some(error) = browser.find("#sign-in-error")? else { return Ok(None) };
        Ok(browser.text(&error).ok().filter(|t| t.contains("do not match")))
    });
    ensure!(message.is_ok(), "a wrong key is refused with a message; console: {:?}", browser.console());
    browser.screenshot(&screenshots().join("dashboard-sign-in.png"))?;

    browser.type_text(&browser.wait_for_element("#site", UI)?, "demo")?;
    browser.type_text(&browser.wait_for_element("#key", UI)?, &key)?;
    browser.click(&browser.wait_for_element("#sign-in button[type=submit]", UI)?)?;
    view_titled(&browser, "All pages")?;
    let (score, total) = (text(&browser, "#card-stars .score")?, text(&browser, "#headline-total")?);
    let (api_score, api_total) = (format!("{:.1}", scale(&site, "stars")?["score"].as_f64().unwrap_or(f64::NAN)), site["total"].to_string());
    println!("dashboard shows {score} over {total} ratings; the API says {api_score} over {api_total}");
    ensure!(score == api_score && total == api_total, "the dashboard matches the API");

    // The hostile comment is text: no <img> was created and no dialog opened.
    let comments_as_text = || -> Result<()> {
        let images = browser.execute("return document.querySelectorAll('.comments img').length", vec![])?;
        let shown = browser
            .execute("return [...document.querySelectorAll('.comments .text')].some(e => e.textContent === arguments[0])", vec![json!(HOSTILE)])?;
        ensure!(images == 0 && shown == true, "comment shown as text: images {images}, shown {shown}");
        ensure!(browser.dialog_text().is_none(), "no dialog opened");
        Ok(())
    };
    comments_as_text()?;
    // The key lives in this tab's session storage, never in the URL.
    let stored = browser.execute("return [sessionStorage.getItem('sayso.key') === arguments[0], location.href]", vec![json!(key)])?;
    ensure!(stored[0] == true && !stored[1].as_str().unwrap_or_default().contains("sk_"), "{stored}");
    // Three ratings a page: none is ranked yet, each is listed apart, with its count.
    let too_few = browser.execute("return [...document.querySelectorAll('#too-few li')].map(li => li.dataset.page)", vec![])?;
    ensure!(browser.find("#ranked")?.is_none() && too_few == json!(["/docs", "/pricing", "/start"]), "too few ratings yet: {too_few}");
    axe_finds_nothing(&browser, "the site's view")?;
    browser.screenshot(&screenshots().join("dashboard-site.png"))?;
    dark_too(&browser, "the site's view", "dashboard-site-dark.png")?;
    fits_a_phone(&browser, "dashboard-site-phone.png")?;

    // Drill into /pricing: its numbers, its comments only, the place in the URL.
    browser.click(&browser.wait_for_element("#too-few li[data-page='/pricing'] a", UI)?)?;
    view_titled(&browser, "Page /pricing")?;
    let pricing = summary(&edge, "demo", &key, Some("/pricing"))?;
    let shown = (text(&browser, "#card-stars .score")?, text(&browser, "#headline-total")?);
    ensure!(
        shown == (format!("{:.1}", scale(&pricing, "stars")?["score"].as_f64().unwrap_or(f64::NAN)), pricing["total"].to_string()),
        "{shown:?} vs {pricing}"
    );
    let listed = browser.execute("return [...document.querySelectorAll('.comments .text')].map(e => e.textContent)", vec![])?;
    ensure!(listed == json!(["Too expensive", HOSTILE]), "the page's comments only, newest first: {listed}");
    comments_as_text()?;
    let bars = browser.execute("return [...document.querySelectorAll('#distribution rect')].map(r => Number(r.dataset.count))", vec![])?;
    ensure!(bars == json!([1, 2, 0, 0, 0]), "the page's distribution: {bars}");
    let href = browser.execute("return location.search", vec![])?;
    ensure!(href == "?days=30&page=/pricing", "the place is in the URL: {href}");
    axe_finds_nothing(&browser, "a page's drill-down")?;
    browser.screenshot(&screenshots().join("dashboard-page.png"))?;
    dark_too(&browser, "a page's drill-down", "dashboard-page-dark.png")?;
    fits_a_phone(&browser, "dashboard-page-phone.png")?;

    // The back button returns to the site's view; the drill-down's URL, opened anew, is the drill-down.
    browser.execute("history.back()", vec![])?;
    view_titled(&browser, "All pages")?;
    browser.goto(&format!("{}/dashboard?days=30&page=%2Fpricing", edge.url))?;
    view_titled(&browser, "Page /pricing")?;
    browser.click(&browser.wait_for_element("a.back", UI)?)?;
    view_titled(&browser, "All pages")?;
    Ok(())
}

/// `count` stars ratings received `days_ago` days ago, on the seeding Worker (values 1 to 5 in
/// turn: a mean of 3.0 for any multiple of 5).
fn seed(edge: &Edge, site: &str, from: u32, count: u32, days_ago: u32) -> Result<()> {
    let a = api::post(
        &format!("{}/v1/sites/{site}/bench-seed", edge.url),
        &[("authorization", &format!("Bearer {}", edge.admin_token)), ("content-type", "application/json")],
        json!({ "from": from, "count": count, "days_ago": days_ago }).to_string().as_bytes(),
    )?;
    ensure!(a.status == 200, "{a:?}");
    Ok(())
}

#[test]
fn the_dashboard_reads_every_scale_right_and_ranks_pages_by_confidence() -> Result<()> {
    let edge = Edge::start(EdgeOptions { entry: Some(paths::seeding_worker_entry()), ..EdgeOptions::default() })?;
    let moved = edge.create_site("moved", &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    let steady = edge.create_site("steady", &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    edge.accept_every_scale("moved", &moved)?;
    // The previous 30 days of both: 50 ratings averaging 3.0, 35 days ago.
    seed(&edge, "moved", 0, 50, 35)?;
    seed(&edge, "steady", 0, 50, 35)?;
    // `moved` now: 200 ratings averaging 4.6 on /popular, two fives on /two-fives, twenty 3s on
    // /weak (a mean of 4.45: beyond noise), and NPS ratings.
    let mut n = 0;
    let mut next = || {
        n += 1;
        n
    };
    for i in 0..200 {
        rate(&edge, "moved", next(), "stars", if i < 120 { 5 } else { 4 }, "/popular", None)?;
    }
    for _ in 0..2 {
        rate(&edge, "moved", next(), "stars", 5, "/two-fives", None)?;
    }
    for _ in 0..20 {
        rate(&edge, "moved", next(), "stars", 3, "/weak", None)?;
    }
    for value in [10, 10, 10, 9, 9, 9, 9, 8, 8, 7, 6, 5, 3, 0, 10, 9, 8, 2, 10, 9] {
        rate(&edge, "moved", next(), "nps", value, "/popular", None)?;
    }
    // `steady` now: 1 to 5 ten times each, the first 1 and 2 made 5s (3.14: within noise).
    for i in 0..50 {
        let value = if i < 2 { 5 } else { 1 + i % 5 };
        rate(&edge, "steady", next(), "stars", value, "/home", None)?;
    }

    let browser = signed_in(&edge, "moved", &moved)?;
    let site = summary(&edge, "moved", &moved, None)?;
    let (stars, nps) = (scale(&site, "stars")?, scale(&site, "nps")?);
    // A card per scale, with the API's numbers.
    ensure!(text(&browser, "#card-stars .score")? == format!("{:.1}", stars["score"].as_f64().unwrap_or(f64::NAN)), "stars score vs {stars}");
    ensure!(text(&browser, "#csat-stars")? == format!("{:.0}%", stars["csat"].as_f64().unwrap_or(f64::NAN)), "CSAT vs {stars}");
    ensure!(text(&browser, "#count-stars")?.parse::<u64>().ok() == stars["count"].as_u64(), "stars count vs {stars}");
    ensure!(text(&browser, "#card-nps .score")? == format!("{:+.0}", nps["score"].as_f64().unwrap_or(f64::NAN)), "NPS vs {nps}");
    for group in ["promoters", "passives", "detractors"] {
        ensure!(text(&browser, &format!("#nps-{group}"))?.parse::<u64>().ok() == nps["nps"][group].as_u64(), "{group} vs {nps}");
    }
    // Beyond noise: coloured. No NPS before: nothing to compare, grey.
    let call = |card: &str| browser.execute(&format!("return document.querySelector('#card-{card} .change').dataset.call"), vec![]);
    ensure!(call("stars")? == "better" && call("nps")? == "none", "stars {} nps {}", call("stars")?, call("nps")?);
    ensure!(text(&browser, "#change-rule")?.contains("1.96"), "the rule is stated on the page");
    // Two fives do not outrank 200 ratings averaging 4.6: they are not ranked at all yet.
    let ranked = browser.execute(
        "return [...document.querySelectorAll('#ranked tbody tr')].map(tr => [tr.dataset.page, tr.querySelector('[data-count]').textContent])",
        vec![],
    )?;
    ensure!(ranked == json!([["/weak", "20"], ["/popular", "200"]]), "ranked, lowest first, with counts: {ranked}");
    let too_few = browser.execute("return [...document.querySelectorAll('#too-few li')].map(li => li.dataset.page)", vec![])?;
    ensure!(too_few.as_array().is_some_and(|p| p.contains(&json!("/two-fives"))), "too few ratings yet: {too_few}");
    axe_finds_nothing(&browser, "the cards of two scales")?;
    browser.screenshot(&screenshots().join("dashboard-scales.png"))?;
    dark_too(&browser, "the cards of two scales", "dashboard-scales-dark.png")?;
    fits_a_phone(&browser, "dashboard-scales-phone.png")?;

    // The drill-down of /popular shows its own cards.
    browser.click(&browser.wait_for_element("#ranked tr[data-page='/popular'] a", UI)?)?;
    view_titled(&browser, "Page /popular")?;
    let popular = summary(&edge, "moved", &moved, Some("/popular"))?;
    ensure!(text(&browser, "#card-stars .score")? == format!("{:.1}", scale(&popular, "stars")?["score"].as_f64().unwrap_or(f64::NAN)), "{popular}");
    ensure!(text(&browser, "#count-nps")?.parse::<u64>().ok() == scale(&popular, "nps")?["count"].as_u64(), "{popular}");
    axe_finds_nothing(&browser, "a page with two scales")?;
    drop(browser);

    // Within noise: grey, and says so.
    let browser = signed_in(&edge, "steady", &steady)?;
    let change = browser.execute(
        "const c = document.querySelector('#card-stars .change'); return [c.dataset.call, c.textContent, getComputedStyle(c.querySelector('.delta')).color]",
        vec![],
    )?;
    let good = browser.execute("const p = document.createElement('p'); p.className = 'delta better'; document.body.append(p); const c = getComputedStyle(p).color; p.remove(); return c", vec![])?;
    println!("steady: {change} (green is {good})");
    let Some(said) = change[1].as_str() else { bail!("no change text: {change}") };
    ensure!(change[0] == "neutral" && said.contains("no clear change") && change[2] != good, "a change within noise is not coloured: {change}");
    Ok(())
}
