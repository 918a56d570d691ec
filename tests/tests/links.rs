//! Rating links on the real Worker, clicked as a mail client or a QR scanner would (a plain
//! HTTP client, no script): a link counts once however often it is clicked, another value is a
//! revision of its one submission, the thank-you page's form stores a comment; every tampered
//! token (a changed byte of payload or MAC, another campaign's MAC, another site's token, a
//! forged site or id) is refused and counts nothing; clicks spend the visitor's rate limit; the
//! channel is in the summary (a sharded site's merged), the list and the export; and in a real
//! Chromium the page is axe-clean light and dark, fits a phone, and its inline style runs under
//! its strict CSP.

use anyhow::{ensure, Context, Result};
use sayso_core::link::{base64url, unbase64url};
use sayso_tests::api::{self, Answer};
use sayso_tests::browser::Browser;
use sayso_tests::edge::Edge;
use sayso_tests::owner_app::{self, axe_finds_nothing, dark_too, fits_a_phone, UI};
use sayso_tests::unique_site;
use serde_json::{json, Value};

const ORIGIN: &str = "https://shop.example.com";

/// A site with rate limits off, accepting every scale; its owner key.
fn site(edge: &Edge, prefix: &str) -> Result<(String, String)> {
    let site = unique_site(prefix)?;
    let key = edge.create_site(&site, &[ORIGIN], json!({ "scale": "nps" }))?.owner_key;
    edge.accept_every_scale(&site, &key)?;
    Ok((site, key))
}

/// `POST …/links` by the owner.
fn make(edge: &Edge, site: &str, key: &str, body: Value) -> Result<Answer> {
    api::post(
        &format!("{}/v1/sites/{site}/links", edge.url),
        &[("authorization", &format!("Bearer {key}")), ("content-type", "application/json")],
        body.to_string().as_bytes(),
    )
}

/// A new link of `campaign` on `scale`; its answer.
fn link(edge: &Edge, site: &str, key: &str, campaign: &str, scale: &str) -> Result<Value> {
    let answer = make(edge, site, key, json!({ "campaign": campaign, "scale": scale, "reference": "T-17" }))?;
    ensure!(answer.status == 201, "making a link: {answer:?}");
    Ok(answer.json())
}

/// The URL of `value` in a link's answer.
fn url_of(link: &Value, value: i64) -> Result<String> {
    let links = link["links"].as_array().context("links")?;
    let found = links.iter().find(|l| l["value"] == value).with_context(|| format!("value {value} in {link}"))?;
    Ok(found["url"].as_str().context("url")?.to_owned())
}

/// A click as a mail client makes it: a plain GET, no cookies, no script.
fn click(url: &str) -> Result<Answer> {
    api::get(url, &[])
}

/// A click asking for JSON.
fn click_json(url: &str) -> Result<Answer> {
    api::get(url, &[("accept", "application/json")])
}

/// The summary's channels as `(channel, total, comments)`.
fn channels(summary: &Value) -> Vec<(String, u64, u64)> {
    let list = summary["channels"].as_array().cloned().unwrap_or_default();
    list.iter()
        .map(|c| (c["channel"].as_str().unwrap_or("?").to_owned(), c["total"].as_u64().unwrap_or(0), c["comments"].as_u64().unwrap_or(0)))
        .collect()
}

/// How many ratings of `value` the summary's `scale` histogram holds.
fn histogram(summary: &Value, scale: &str, value: i64) -> u64 {
    let scales = summary["scales"].as_array().cloned().unwrap_or_default();
    let scale = scales.iter().find(|s| s["scale"] == scale);
    let buckets = scale.and_then(|s| s["histogram"].as_array().cloned()).unwrap_or_default();
    buckets.iter().find(|b| b["value"] == value).and_then(|b| b["count"].as_u64()).unwrap_or(0)
}

/// The site's feedback list, as JSON.
fn feedback(edge: &Edge, site: &str, key: &str) -> Result<Vec<Value>> {
    let answer = api::get(&format!("{}/v1/sites/{site}/feedback?limit=100", edge.url), &[("authorization", &format!("Bearer {key}"))])?;
    ensure!(answer.status == 200, "{answer:?}");
    Ok(answer.json()["items"].as_array().cloned().unwrap_or_default())
}

/// The token of a link URL, split at its dot: (payload, MAC), both base64url.
fn halves(url: &str) -> Result<(String, String, String)> {
    let (base, token) = url.split_once("/r/").context("a /r/ URL")?;
    let token = token.split('?').next().unwrap_or_default();
    let (payload, mac) = token.split_once('.').context("a dot in the token")?;
    Ok((base.to_owned(), payload.to_owned(), mac.to_owned()))
}

#[test]
fn a_link_counts_once_however_often_it_is_clicked() -> Result<()> {
    let edge = Edge::shared()?;
    let (site, key) = site(edge, "links-once")?;
    let made = link(edge, &site, &key, "support", "nps")?;
    ensure!(made["links"].as_array().map(Vec::len) == Some(11), "one URL per NPS value: {made}");
    ensure!(made["reference"] == "T-17" && made["campaign"] == "support" && made["scale"] == "nps", "{made}");
    let nine = url_of(&made, 9)?;
    for n in 0..5 {
        let answer = click(&nine)?;
        ensure!(answer.status == 200, "click {n}: {answer:?}");
        ensure!(answer.header("content-type").is_some_and(|t| t.starts_with("text/html")), "click {n} answers a page: {answer:?}");
        ensure!(answer.body.contains("9 out of 10"), "the page says the answer stored: {}", answer.body);
        ensure!(answer.header("cache-control") == Some("no-store"), "never cached: {answer:?}");
    }
    let again = click_json(&nine)?;
    ensure!(again.status == 200 && again.json()["status"] == "duplicate" && again.json()["channel"] == "support", "{again:?}");
    let head = api::request("HEAD", &nine, &[], None)?;
    ensure!(head.status == 405, "a scanner's HEAD records nothing: {head:?}");
    let summary = edge.summary(&site, &key)?;
    ensure!(summary["total"] == 1 && histogram(&summary, "nps", 9) == 1, "five clicks and a HEAD count once: {summary}");
    ensure!(channels(&summary) == vec![("support".to_owned(), 1, 0)], "counted under its campaign: {summary}");

    // Another value is the same submission, revised: still one rating, now a 3.
    let three = click_json(&url_of(&made, 3)?)?;
    ensure!(three.status == 200 && three.json()["status"] == "updated" && three.json()["value"] == 3, "{three:?}");
    let summary = edge.summary(&site, &key)?;
    ensure!(summary["total"] == 1 && histogram(&summary, "nps", 3) == 1 && histogram(&summary, "nps", 9) == 0, "{summary}");

    // A second link is a second recipient: a second rating. A widget's rating is `web`.
    let other = link(edge, &site, &key, "support", "nps")?;
    ensure!(other["token"] != made["token"] && other["id"] != made["id"], "each link has its own submission: {other}");
    ensure!(click_json(&url_of(&other, 10)?)?.status == 201, "the first click of a link creates");
    owner_app::rate(edge, &site, ORIGIN, owner_app::Rating { n: 7, scale: "nps", value: 8, page: "/checkout", comment: None })?;
    let summary = edge.summary(&site, &key)?;
    ensure!(summary["total"] == 3, "{summary}");
    ensure!(channels(&summary) == vec![("web".to_owned(), 1, 0), ("support".to_owned(), 2, 0)], "web first, then campaigns: {summary}");
    let items = feedback(edge, &site, &key)?;
    let by_link: Vec<&Value> = items.iter().filter(|i| i["channel"] == "support").collect();
    ensure!(by_link.len() == 2 && by_link.iter().all(|i| i["page"] == "/r/support"), "the list names the channel: {items:?}");
    ensure!(items.iter().filter(|i| i["channel"] == "web").count() == 1, "{items:?}");
    let export = api::get(&format!("{}/v1/sites/{site}/export.ndjson", edge.url), &[("authorization", &format!("Bearer {key}"))])?;
    let lines: Vec<Value> = export.body.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    ensure!(lines.iter().filter(|l| l["channel"] == "support").count() == 2, "the export names the channel: {}", export.body);
    let csv = api::get(&format!("{}/v1/sites/{site}/export.csv", edge.url), &[("authorization", &format!("Bearer {key}"))])?;
    ensure!(
        csv.body.starts_with("id,") && csv.body.lines().next().is_some_and(|h| h.ends_with(",channel,attributes")),
        "the CSV's last columns: {}",
        csv.body
    );
    ensure!(csv.body.matches(",support,\r\n").count() == 2 && csv.body.matches(",web,\r\n").count() == 1, "{}", csv.body);
    Ok(())
}

#[test]
fn tampered_links_are_refused_and_count_nothing() -> Result<()> {
    let edge = Edge::shared()?;
    let (a, a_key) = site(edge, "links-a")?;
    let (b, b_key) = site(edge, "links-b")?;
    let mail = url_of(&link(edge, &a, &a_key, "mail", "stars")?, 5)?;
    let qr = url_of(&link(edge, &a, &a_key, "qr", "stars")?, 5)?;
    let theirs = url_of(&link(edge, &b, &b_key, "mail", "stars")?, 5)?;
    let (base, payload, mac) = halves(&mail)?;
    let (_, _, qr_mac) = halves(&qr)?;
    let (_, b_payload, b_mac) = halves(&theirs)?;
    let flip = |text: &str, i: usize| -> String {
        let mut chars: Vec<char> = text.chars().collect();
        chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
        chars.into_iter().collect()
    };
    // What a payload says, changed as an attacker would, and encoded again.
    let forged = |payload: &str, from: &str, to: &str| -> Result<String> {
        let text = String::from_utf8(unbase64url(payload).map_err(|e| anyhow::anyhow!("{e}"))?)?;
        ensure!(text.contains(from), "{text:?} holds {from:?}");
        Ok(base64url(text.replacen(from, to, 1).as_bytes()))
    };
    let fresh_id = "0190a6e2-7c1d-7abc-8def-00000000beef";
    let a_id = String::from_utf8(unbase64url(&payload).map_err(|e| anyhow::anyhow!("{e}"))?)?.rsplit('\n').next().unwrap_or_default().to_owned();
    let attempts = vec![
        ("a byte of the payload", format!("{}.{mac}", flip(&payload, 3))),
        ("the payload's last byte", format!("{}.{mac}", flip(&payload, payload.len() - 2))),
        ("a byte of the MAC", format!("{payload}.{}", flip(&mac, 10))),
        ("the MAC's last byte", format!("{payload}.{}", flip(&mac, mac.len() - 1))),
        ("another campaign's MAC", format!("{payload}.{qr_mac}")),
        ("another site's MAC", format!("{payload}.{b_mac}")),
        ("another site's token, its site changed to this one", format!("{}.{b_mac}", forged(&b_payload, &b, &a)?)),
        ("this link's payload for another campaign", format!("{}.{mac}", forged(&payload, "\nmail\n", "\nqr\n")?)),
        ("this link's payload for another id", format!("{}.{mac}", forged(&payload, &a_id, fresh_id)?)),
        ("this link's payload for another scale", format!("{}.{mac}", forged(&payload, "\nstars\n", "\nnps\n")?)),
        ("no MAC", payload.clone()),
        ("a padded MAC", format!("{payload}.{mac}=")),
        ("a site nobody created", format!("{}.{mac}", forged(&payload, &a, "nobody-made-this")?)),
    ];
    for (what, token) in &attempts {
        let json = click_json(&format!("{base}/r/{token}?v=5"))?;
        ensure!(json.status == 400 && json.error_code().as_deref() == Some("invalid_link"), "{what}: {json:?}");
        let page = click(&format!("{base}/r/{token}?v=5"))?;
        ensure!(page.status == 400 && page.body.contains("This rating link is not valid"), "{what}, as a page: {page:?}");
        let form = api::post(&format!("{base}/r/{token}"), &[("content-type", "application/x-www-form-urlencoded")], b"v=5&comment=forged")?;
        ensure!(form.status == 400, "{what}, the form: {form:?}");
    }
    let out_of_range = click_json(&mail.replace("?v=5", "?v=6"))?;
    ensure!(out_of_range.status == 400 && out_of_range.error_code().as_deref() == Some("rating_out_of_range"), "{out_of_range:?}");
    for (site, key) in [(&a, &a_key), (&b, &b_key)] {
        let summary = edge.summary(site, key)?;
        ensure!(summary["total"] == 0 && channels(&summary).is_empty(), "{} refusals counted nothing on {site}: {summary}", attempts.len());
    }
    // The untouched links still count (so the refusals above were the tampering's).
    ensure!(click_json(&mail)?.status == 201 && click_json(&theirs)?.status == 201, "the genuine links count");
    ensure!(edge.summary(&a, &a_key)?["total"] == 1 && edge.summary(&b, &b_key)?["total"] == 1, "once each");
    Ok(())
}

#[test]
fn the_form_stores_a_comment_and_clicks_spend_the_visitors_limit() -> Result<()> {
    let edge = Edge::shared()?;
    let site = unique_site("links-form")?;
    let limits = json!({ "visitor_per_minute": 3, "site_per_minute": 0, "min_comment_ms": 1500 });
    let key = edge.create_site_limited(&site, &[ORIGIN], json!({ "scale": "stars" }), limits)?.owner_key;
    let made = link(edge, &site, &key, "receipts", "stars")?;
    let four = url_of(&made, 4)?;
    ensure!(click(&four)?.status == 200, "a click");
    let post = |body: &str| api::post(&four, &[("content-type", "application/x-www-form-urlencoded")], body.as_bytes());
    let hostile = "Slow <script>alert(1)</script> & \"quoted\"";
    let body = format!("v=4&comment={}", hostile.replace(' ', "+").replace('&', "%26").replace('"', "%22").replace('<', "%3C").replace('>', "%3E"));
    let page = post(&body)?;
    ensure!(page.status == 200, "{page:?}");
    ensure!(
        page.body.contains("Slow &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;"),
        "the comment, escaped, in the form: {}",
        page.body
    );
    ensure!(!page.body.contains("<script>"), "never as markup");
    let summary = edge.summary(&site, &key)?;
    ensure!(summary["total"] == 1 && summary["comments"] == 1, "the comment is a revision of the one rating: {summary}");
    ensure!(channels(&summary) == vec![("receipts".to_owned(), 1, 1)], "{summary}");
    let items = feedback(edge, &site, &key)?;
    ensure!(items.len() == 1 && items[0]["comment"] == hostile && items[0]["rev"] == 1, "{items:?}");
    // The same form again changes nothing (and spends nothing).
    let again = api::post(&four, &[("content-type", "application/x-www-form-urlencoded"), ("accept", "application/json")], body.as_bytes())?;
    ensure!(again.status == 200 && again.json()["status"] == "duplicate", "{again:?}");
    // Two revisions spent the visitor's 3 a minute with the click: one more, then refused.
    ensure!(click_json(&url_of(&made, 2)?)?.status == 200, "a third stored revision");
    let refused = click(&url_of(&made, 1)?)?;
    ensure!(refused.status == 429 && refused.header("retry-after").is_some(), "the fourth in a minute is limited: {refused:?}");
    ensure!(refused.body.contains("Too many ratings"), "{}", refused.body);
    let summary = edge.summary(&site, &key)?;
    ensure!(
        summary["total"] == 1 && histogram(&summary, "stars", 2) == 1 && histogram(&summary, "stars", 1) == 0,
        "the limited click changed nothing: {summary}"
    );
    Ok(())
}

#[test]
fn a_sharded_sites_links_count_on_their_shards_and_merge() -> Result<()> {
    let edge = Edge::shared()?;
    let site = unique_site("links-shards")?;
    let body = json!({ "id": site, "name": "Sharded links", "origins": [ORIGIN], "widget": { "scale": "thumbs" }, "shards": 4,
        "limits": { "visitor_per_minute": 0, "site_per_minute": 0, "min_comment_ms": 0 } });
    let created = api::post(
        &format!("{}/v1/sites", edge.url),
        &[("authorization", &format!("Bearer {}", edge.admin_token)), ("content-type", "application/json")],
        body.to_string().as_bytes(),
    )?;
    ensure!(created.status == 201, "{created:?}");
    let key = created.json()["owner_key"].as_str().context("owner key")?.to_owned();
    let mut yes = 0;
    for n in 0..8 {
        let made = link(edge, &site, &key, if n % 2 == 0 { "email" } else { "qr" }, "thumbs")?;
        let value = i64::from(n % 3 != 0);
        yes += value;
        for _ in 0..2 {
            ensure!(click(&url_of(&made, value)?)?.status == 200, "link {n}");
        }
    }
    let summary = edge.summary(&site, &key)?;
    ensure!(summary["total"] == 8 && histogram(&summary, "thumbs", 1) == yes as u64, "16 clicks of 8 links: 8 ratings: {summary}");
    ensure!(channels(&summary) == vec![("email".to_owned(), 4, 0), ("qr".to_owned(), 4, 0)], "merged over the shards: {summary}");
    Ok(())
}

#[test]
fn the_thank_you_page_is_accessible_strict_and_posts_its_comment() -> Result<()> {
    let edge = Edge::shared()?;
    let (site, key) = site(edge, "links-page")?;
    let made = link(edge, &site, &key, "email", "emoji")?;
    let url = url_of(&made, 5)?;
    let plain = click(&url)?;
    let csp = plain.header("content-security-policy").unwrap_or_default().to_owned();
    for part in ["default-src 'none'", "style-src 'sha256-", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"] {
        ensure!(csp.contains(part), "the CSP has {part}: {csp}");
    }
    ensure!(!csp.contains("script-src") && !plain.body.contains("<script"), "no script at all");
    let browser = Browser::start()?;
    browser.set_window_size(1280, 900)?;
    browser.goto(&url)?;
    let heading = browser.text(&browser.wait_for_element("h1", UI)?)?;
    ensure!(heading == "Thank you for your feedback!", "{heading}");
    // The inline style ran: its hash is the one the CSP allows.
    let colour = browser.execute("return getComputedStyle(document.querySelector('button')).backgroundColor", vec![])?;
    ensure!(colour == "rgb(31, 79, 209)", "the page's style applies under its CSP: {colour}");
    axe_finds_nothing(&browser, "the rating link's page")?;
    dark_too(&browser, "the rating link's page", "rate-page-dark.png")?;
    fits_a_phone(&browser, "rate-page-phone.png")?;
    browser.type_text(&browser.wait_for_element("#comment", UI)?, "Quick delivery")?;
    browser.click(&browser.wait_for_element("button[type=submit]", UI)?)?;
    sayso_tests::wait_for("the comment stored", UI, || {
        let summary = edge.summary(&site, &key)?;
        Ok((summary["comments"] == 1).then_some(()))
    })?;
    let stored = browser.text(&browser.wait_for_element("#comment", UI)?)?;
    ensure!(stored.contains("Quick delivery"), "the page after the post shows the comment: {stored:?}");
    ensure!(edge.summary(&site, &key)?["total"] == 1, "the form revised the one rating");
    Ok(())
}

#[test]
fn the_links_view_makes_a_link_and_shows_the_channels_axe_clean() -> Result<()> {
    let edge = Edge::shared()?;
    let (site, key) = site(edge, "links-view")?;
    // One link rated beforehand, so the channels table and the overview's card have rows.
    let rated = link(edge, &site, &key, "newsletter", "nps")?;
    ensure!(click(&url_of(&rated, 10)?)?.status == 200, "a click");
    owner_app::rate(edge, &site, ORIGIN, owner_app::Rating { n: 1, scale: "nps", value: 6, page: "/", comment: None })?;
    let browser = owner_app::signed_in(edge, &site, &key, "?view=links", "Rating links")?;
    let rows = owner_app::text(&browser, "table.channels tbody")?;
    ensure!(rows.contains("web") && rows.contains("newsletter"), "both channels listed: {rows}");
    // Refused first (a campaign named web), then made.
    browser.type_text(&browser.wait_for_element("#link-campaign", UI)?, "web")?;
    browser.click(&browser.wait_for_element("#new-link button[type=submit]", UI)?)?;
    sayso_tests::wait_for("the refusal", UI, || Ok(owner_app::text(&browser, "#new-link-error").ok().filter(|t| t.contains("campaign"))))?;
    browser.execute("document.querySelector('#link-campaign').value = ''", vec![])?;
    browser.type_text(&browser.wait_for_element("#link-campaign", UI)?, "support-email")?;
    browser.type_text(&browser.wait_for_element("#link-reference", UI)?, "T-99")?;
    browser.click(&browser.wait_for_element("#new-link button[type=submit]", UI)?)?;
    browser.wait_for_element("#made-links li", UI)?;
    let count = browser.execute("return document.querySelectorAll('#made-links li').length", vec![])?;
    ensure!(count == 11, "one URL per NPS value: {count}");
    let plain = browser.execute("return document.querySelector('#made-plain').value", vec![])?;
    let urls: Vec<&str> = plain.as_str().unwrap_or_default().lines().collect();
    ensure!(urls.len() == 11 && urls.iter().all(|u| u.contains("/r/") && u.contains("?v=")), "the plain list: {plain}");
    // The URL the view made counts, once.
    ensure!(click(urls[8])?.status == 200 && click(urls[8])?.status == 200, "its value 8");
    axe_finds_nothing(&browser, "the links view")?;
    dark_too(&browser, "the links view", "links-dark.png")?;
    fits_a_phone(&browser, "links-phone.png")?;
    owner_app::screenshot(&browser, "links.png")?;
    let summary = edge.summary(&site, &key)?;
    ensure!(channels(&summary) == vec![("web".to_owned(), 1, 0), ("newsletter".to_owned(), 1, 0), ("support-email".to_owned(), 1, 0)], "{summary}");
    // The inbox names a link's campaign on its row.
    browser.click(&browser.wait_for_element("#views a[data-view=inbox]", UI)?)?;
    owner_app::view_titled(&browser, "Inbox")?;
    let channel = owner_app::text(&browser, ".row-channel")?;
    ensure!(["newsletter", "support-email"].contains(&channel.as_str()), "the row says which link it came by: {channel}");
    // The overview's card by channel.
    browser.click(&browser.wait_for_element("#views a[data-view=overview]", UI)?)?;
    owner_app::view_titled(&browser, "All pages")?;
    let card = owner_app::text(&browser, "#channels-card")?;
    ensure!(card.contains("support-email") && card.contains("newsletter"), "{card}");
    axe_finds_nothing(&browser, "the overview with its channels")?;
    Ok(())
}
