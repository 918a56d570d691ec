//! Bounded cardinality, tried as an attacker with curl would against the real Worker under
//! `wrangler dev`: invented locales, a site's summary swollen with invented pages, pages with one
//! invented rating put forward as the best, and the owner's choice of accepted scales. Each test
//! starts its own Worker with fresh storage. (The per-day page cap and the refusal of a scale the
//! site does not accept are proved with the submission path's tests.)

use std::collections::BTreeSet;

use anyhow::{ensure, Context, Result};
use sayso_tests::api::{self, Answer};
use sayso_tests::edge::{Edge, EdgeOptions};
use sayso_tests::unique_site;
use serde_json::{json, Value};

const ORIGIN: &str = "https://docs.example.com";

/// The languages the widget bundles, and `und` for every other.
const KNOWN_LOCALES: [&str; 11] = ["en", "de", "fr", "es", "pt", "it", "nl", "ja", "zh", "ar", "und"];

/// Submission `n`: a star rating of `value` on `page`, shown in `locale`.
fn submission(site: &str, n: u32, value: i64, page: &str, locale: &str) -> Value {
    json!({
        "id": format!("0190a6e2-7c1d-7abc-8def-{n:012x}"), "site": site, "scale": "stars", "value": value, "page": page,
        "locale": locale, "client_ts": 1_763_900_000_000_i64, "widget_version": "0.1.0",
    })
}

/// POSTs `body` to the site's feedback route; it must be stored (201).
fn post(edge: &Edge, site: &str, body: &Value) -> Result<()> {
    let headers = [("content-type", "application/json"), ("origin", ORIGIN)];
    let answer = api::post(&format!("{}/v1/sites/{site}/feedback", edge.url), &headers, body.to_string().as_bytes())?;
    ensure!(answer.status == 201, "{body} was not stored: {answer:?}");
    Ok(())
}

/// `GET` an owner route of the site with its key.
fn owner_get(edge: &Edge, site: &str, path: &str, key: &str) -> Result<Answer> {
    api::get(&format!("{}/v1/sites/{site}/{path}", edge.url), &[("authorization", &format!("Bearer {key}"))])
}

#[test]
fn invented_locales_are_stored_as_the_known_set_and_no_visitor_is_refused() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    let key = edge.create_site(&site, &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    // Three-letter languages nobody speaks, each with its own region: 80 distinct tags.
    let letter = |i: u32| char::from(b'a' + (i % 26) as u8);
    let invented: Vec<String> = (0..80).map(|n| format!("q{}{}-x{n}", letter(n), letter(n / 26))).collect();
    let real = [("en-US", "en"), ("pt-BR", "pt"), ("zh-Hant-TW", "zh"), ("DE", "de"), ("sv-SE", "und"), ("ar", "ar")];
    let sent: Vec<&str> = invented.iter().map(String::as_str).chain(real.iter().map(|(tag, _)| *tag)).collect();
    for (n, tag) in sent.iter().enumerate() {
        post(edge, &site, &submission(&site, n as u32, 4, "/docs", tag))?;
    }
    let items = owner_get(edge, &site, "feedback?limit=1000", &key)?.json()["items"].as_array().cloned().unwrap_or_default();
    let stored: BTreeSet<String> = items.iter().filter_map(|i| i["locale"].as_str()).map(str::to_owned).collect();
    println!("{} tags sent, {} submissions stored, locales kept: {stored:?}", sent.len(), items.len());
    ensure!(items.len() == sent.len(), "every visitor's rating is stored, whatever their language: {} of {}", items.len(), sent.len());
    ensure!(stored.iter().all(|l| KNOWN_LOCALES.contains(&l.as_str())), "only known locales are stored: {stored:?}");
    for (n, (tag, kept)) in real.iter().enumerate() {
        let id = format!("0190a6e2-7c1d-7abc-8def-{:012x}", invented.len() + n);
        let item = items.iter().find(|i| i["id"] == id.as_str()).context(id)?;
        ensure!(item["locale"] == *kept, "{tag} is kept as {kept}: {item}");
    }
    Ok(())
}

#[test]
fn a_summary_of_many_invented_pages_lists_a_bounded_window_and_its_cursor_walks_each_page_once() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    let key = edge.create_site(&site, &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    // 120 invented paths with 1 to 3 ratings each: ties everywhere, broken by path.
    let mut n = 0;
    let mut posted = BTreeSet::new();
    for page in 0..120u32 {
        let path = format!("/invented/{page:03}");
        for _ in 0..=(page % 3) {
            post(edge, &site, &submission(&site, n, 3, &path, "en"))?;
            n += 1;
        }
        posted.insert(path);
    }
    let first = owner_get(edge, &site, "summary", &key)?;
    let summary = first.json();
    let listed = summary["pages"].as_array().map_or(0, Vec::len);
    println!("{n} ratings on {} pages: the summary lists {listed} ({} bytes), cursor {}", posted.len(), first.body.len(), summary["pages_cursor"]);
    ensure!(listed == 50 && summary["pages_total"] == 120 && summary["pages_cursor"].is_string(), "50 pages by default: {summary}");
    ensure!(summary["total"] == n && summary["days"].as_array().map_or(0, Vec::len) == 1, "the totals still count every page: {summary}");

    let mut walked: Vec<(u64, String)> = Vec::new();
    let mut path = "summary?pages_limit=37".to_owned();
    let mut requests = 0;
    loop {
        let answer = owner_get(edge, &site, &path, &key)?;
        ensure!(answer.status == 200, "{answer:?}");
        let page = answer.json();
        let pages = page["pages"].as_array().context("pages")?;
        ensure!(pages.len() <= 37, "at most pages_limit pages: {}", pages.len());
        walked.extend(pages.iter().map(|p| (p["count"].as_u64().unwrap_or(0), p["key"].as_str().unwrap_or("").to_owned())));
        requests += 1;
        ensure!(requests <= 4, "120 pages in windows of 37 take 4 requests");
        match page["pages_cursor"].as_str() {
            Some(cursor) => path = format!("summary?pages_limit=37&pages_cursor={}", urlencode(cursor)),
            None => break,
        }
    }
    let mut ranked = walked.clone();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    ensure!(walked == ranked, "most rated first, ties by path, across requests");
    let keys: BTreeSet<String> = walked.iter().map(|(_, k)| k.clone()).collect();
    ensure!(keys.len() == walked.len() && keys == posted, "each page exactly once: {} listed, {} distinct", walked.len(), keys.len());

    for (query, why) in
        [("pages_limit=201", "above the maximum"), ("pages_limit=-1", "negative"), ("pages_cursor=%2Fetc%2Fpasswd", "a forged cursor")]
    {
        let answer = owner_get(edge, &site, &format!("summary?{query}"), &key)?;
        ensure!(answer.status == 400 && answer.error_code().as_deref() == Some("invalid_query"), "{why}: {answer:?}");
    }
    let most = owner_get(edge, &site, "summary?pages_limit=200", &key)?.json();
    ensure!(most["pages"].as_array().map_or(0, Vec::len) == 120 && most["pages_cursor"].is_null(), "all 120 fit the maximum: {most}");
    Ok(())
}

#[test]
fn a_page_with_a_few_invented_ratings_is_never_the_best_or_the_worst() -> Result<()> {
    let (edge, site) = (Edge::shared()?, unique_site("demo")?);
    let key = edge.create_site(&site, &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    let mut n = 0;
    let mut rate = |page: &str, value: i64, times: u32| -> Result<()> {
        for _ in 0..times {
            post(edge, &site, &submission(&site, n, value, page, "en"))?;
            n += 1;
        }
        Ok(())
    };
    rate("/invented-best", 5, 4)?;
    rate("/invented-worst", 1, 4)?;
    let few = edge.summary(&site, &key)?;
    ensure!(few["best_page"].is_null() && few["worst_page"].is_null(), "4 ratings rank nothing: {few}");
    rate("/real-good", 4, 5)?;
    rate("/real-poor", 2, 5)?;
    let ranked = edge.summary(&site, &key)?;
    println!("best {}, worst {}", ranked["best_page"], ranked["worst_page"]);
    ensure!(ranked["best_page"] == "/real-good" && ranked["worst_page"] == "/real-poor", "{ranked}");
    Ok(())
}

#[test]
fn a_site_lists_the_scales_it_accepts_and_refuses_lists_it_could_not_mean() -> Result<()> {
    let edge = Edge::start(EdgeOptions::default())?;
    let admin = format!("Bearer {}", edge.admin_token);
    let json_type = ("content-type", "application/json");
    let create = |body: Value| api::post(&format!("{}/v1/sites", edge.url), &[("authorization", &admin), json_type], body.to_string().as_bytes());
    let created = create(json!({ "id": "chosen", "name": "Docs", "origins": [ORIGIN], "widget": { "scale": "nps" }, "scales": ["stars", "nps"] }))?;
    ensure!(created.status == 201, "{created:?}");
    let key = created.json()["owner_key"].as_str().context("owner key")?.to_owned();
    let settings = |site: &str, key: &str| -> Result<Value> {
        Ok(api::get(&format!("{}/v1/sites/{site}", edge.url), &[("authorization", &format!("Bearer {key}"))])?.json())
    };
    ensure!(settings("chosen", &key)?["scales"] == json!(["stars", "nps"]), "{}", settings("chosen", &key)?);

    let owner = format!("Bearer {key}");
    let patch = |body: Value| {
        api::request("PATCH", &format!("{}/v1/sites/chosen", edge.url), &[("authorization", &owner), json_type], Some(body.to_string().as_bytes()))
    };
    let narrowed = patch(json!({ "scales": ["stars"] }))?;
    ensure!(narrowed.status == 200 && narrowed.json()["scales"] == json!(["stars"]), "{narrowed:?}");
    ensure!(settings("chosen", &key)?["scales"] == json!(["stars"]), "the PATCH is stored");
    let renamed = patch(json!({ "name": "Handbook" }))?;
    ensure!(renamed.json()["scales"] == json!(["stars"]), "a patch without scales keeps them: {renamed:?}");
    for (body, code) in [
        (json!({ "scales": ["stars", "stars"] }), "invalid_widget_setting"),
        (json!({ "scales": [] }), "invalid_widget_setting"),
        (json!({ "scales": ["stars", "hearts"] }), "invalid_scale"),
        (json!({ "scales": ["thumbs", "stars", "nps", "emoji", "csat", "thumbs"] }), "invalid_widget_setting"),
    ] {
        let refused = patch(body.clone())?;
        ensure!(refused.status == 400 && refused.error_code().as_deref() == Some(code), "{body}: {refused:?}");
    }
    ensure!(settings("chosen", &key)?["scales"] == json!(["stars"]), "refused patches change nothing");
    let reset = patch(json!({ "scales": null }))?;
    ensure!(reset.status == 200 && reset.json()["scales"].is_null(), "null: back to the widget's scale: {reset:?}");

    let plain = create(json!({ "id": "plain", "name": "Docs", "origins": [ORIGIN], "widget": { "scale": "stars" } }))?;
    let plain_key = plain.json()["owner_key"].as_str().context("owner key")?.to_owned();
    ensure!(settings("plain", &plain_key)?["scales"].is_null(), "a site that chose none shows null (only its widget's scale)");
    let bad = create(json!({ "id": "bad", "name": "Docs", "origins": [ORIGIN], "scales": ["stars", "stars"] }))?;
    ensure!(bad.status == 400, "{bad:?}");
    Ok(())
}

/// Percent-encodes a query value (a cursor holds a path: `/`, and maybe `%`, `&`, `+`, spaces).
fn urlencode(raw: &str) -> String {
    raw.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { char::from(b).to_string() } else { format!("%{b:02X}") }).collect()
}
