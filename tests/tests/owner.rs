//! The owner reads what visitors said: a filtered, paginated list that is stable while new
//! feedback arrives, CSV and NDJSON exports, and deletes that keep the counts exact.

use std::collections::HashSet;

use anyhow::{ensure, Context, Result};
use sayso_tests::edge::Edge;
use sayso_tests::{api, unique_site, utc_day};
use serde_json::{json, Value};

const ORIGIN: &str = "https://docs.example.com";

/// A site of the test's own on the shared edge, and its owner key.
struct Owner {
    edge: &'static Edge,
    site: String,
    key: String,
}

impl Owner {
    fn new() -> Result<Owner> {
        let (edge, site) = (Edge::shared()?, unique_site("demo")?);
        let key = edge.create_site(&site, &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
        Ok(Owner { edge, site, key })
    }

    fn submit(&self, n: u32, value: i64, comment: Option<&str>, page: &str) -> Result<String> {
        let id = format!("0190a6e2-7c1d-7abc-8def-{n:012x}");
        let mut body = json!({ "id": id, "site": self.site, "scale": "stars", "value": value, "page": page, "locale": "en",
            "client_ts": 1_763_900_000_000_u64, "widget_version": "0.1.0" });
        if let Some(c) = comment {
            body["comment"] = json!(c);
        }
        let a = api::post(
            &format!("{}/v1/sites/{}/feedback", self.edge.url, self.site),
            &[("content-type", "application/json"), ("origin", ORIGIN)],
            body.to_string().as_bytes(),
        )?;
        ensure!(a.status == 201, "{a:?}");
        Ok(id)
    }

    fn get(&self, path: &str) -> Result<api::Answer> {
        api::get(&format!("{}/v1/sites/{}/{path}", self.edge.url, self.site), &[("authorization", &format!("Bearer {}", self.key))])
    }

    fn list(&self, query: &str) -> Result<Value> {
        let a = self.get(&format!("feedback?{query}"))?;
        ensure!(a.status == 200, "{query}: {a:?}");
        Ok(a.json())
    }
}

fn ids(page: &Value) -> Vec<String> {
    page["items"].as_array().map(|items| items.iter().filter_map(|i| i["id"].as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

#[test]
fn pages_of_feedback_are_newest_first_and_stable_while_feedback_arrives() -> Result<()> {
    let o = Owner::new()?;
    let mut sent = Vec::new();
    for n in 0..7 {
        sent.push(o.submit(n, 1 + i64::from(n % 5), (n % 2 == 0).then_some("a comment"), "/docs")?);
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let first = o.list("limit=3")?;
    ensure!(ids(&first) == [sent[6].clone(), sent[5].clone(), sent[4].clone()], "newest first: {first}");
    // New feedback arrives between pages: it must neither appear in nor shift the older pages.
    let late = o.submit(100, 5, None, "/docs")?;
    let cursor = first["next_cursor"].as_str().context("a next cursor")?.to_owned();
    let second = o.list(&format!("limit=3&cursor={cursor}"))?;
    let cursor = second["next_cursor"].as_str().context("a next cursor")?.to_owned();
    let third = o.list(&format!("limit=3&cursor={cursor}"))?;
    let seen: Vec<String> = [&first, &second, &third].iter().flat_map(|p| ids(p)).collect();
    println!("pages of 3 while one arrived: {} seen, last page next_cursor {}", seen.len(), third["next_cursor"]);
    ensure!(seen.len() == 7 && seen.iter().collect::<HashSet<_>>().len() == 7 && !seen.contains(&late), "every older item once: {seen:?}");
    ensure!(third["next_cursor"].is_null(), "the last page says so");
    ensure!(ids(&o.list("limit=1")?) == [late], "the newest is on a fresh first page");
    Ok(())
}

#[test]
fn feedback_filters_by_rating_page_comment_and_text() -> Result<()> {
    let o = Owner::new()?;
    o.submit(1, 1, Some("Broken link on the install page"), "/install")?;
    o.submit(2, 2, Some("100% confusing"), "/docs")?;
    o.submit(3, 5, Some("Great"), "/docs")?;
    o.submit(4, 4, None, "/docs")?;
    let count = |q: &str| -> Result<usize> { Ok(ids(&o.list(q)?).len()) };
    ensure!(count("max=2")? == 2);
    ensure!(count("min=4")? == 2);
    ensure!(count("page=/docs")? == 3);
    ensure!(count("has_comment=true")? == 3 && count("has_comment=false")? == 1);
    ensure!(count("q=broken")? == 1, "case-insensitive search");
    ensure!(count("q=100%25")? == 1 && count("q=%25")? == 1, "a literal % is not a wildcard");
    ensure!(count("q=_")? == 0, "a literal _ is not a wildcard");
    for bad in ["limit=0", "limit=1001", "min=x", "cursor=nope", "has_comment=yes", "page=nope", "colour=red"] {
        let a = o.get(&format!("feedback?{bad}"))?;
        ensure!(a.status == 400, "{bad}: {a:?}");
    }
    ensure!(api::get(&format!("{}/v1/sites/{}/feedback", o.edge.url, o.site), &[])?.status == 401);
    Ok(())
}

#[test]
fn exports_hold_every_submission_and_neutralize_formulas() -> Result<()> {
    let o = Owner::new()?;
    let n = 1205; // more than one internal page of 1000
    for i in 0..n {
        let comment = match i {
            0 => Some("=HYPERLINK(\"http://evil.example\",\"click\")"),
            1 => Some("line one\nline \"two\", with a comma"),
            _ => None,
        };
        o.submit(i, 1 + i64::from(i % 5), comment, "/docs")?;
    }
    let csv = o.get("export.csv")?;
    ensure!(csv.status == 200 && csv.header("content-type").is_some_and(|t| t.starts_with("text/csv")), "{:?}", csv.headers);
    ensure!(csv.header("content-disposition").is_some_and(|d| d.contains(&format!("sayso-{}.csv", o.site))), "{:?}", csv.headers);
    let records = csv.body.split("\r\n").filter(|l| !l.is_empty()).count();
    println!("CSV: {} bytes, {records} CRLF-separated records (1 header + {n})", csv.body.len());
    ensure!(csv.body.starts_with(
        "id,received_at,scale,value,comment,page,locale,client_ts,rev,status,tags,reply,reply_fixed,reply_seen_at,followup,channel,attributes\r\n"
    ));
    ensure!(records == n as usize + 1, "{records}");
    ensure!(csv.body.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\""), "formula neutralized and quoted");
    ensure!(csv.body.contains("\"line one\nline \"\"two\"\", with a comma\""), "RFC 4180 quoting");
    let ndjson = o.get("export.ndjson")?;
    let lines: Vec<Value> = ndjson.body.lines().map(serde_json::from_str).collect::<Result<_, _>>()?;
    let unique: HashSet<&str> = lines.iter().filter_map(|l| l["id"].as_str()).collect();
    println!("NDJSON: {} lines, {} distinct ids", lines.len(), unique.len());
    ensure!(lines.len() == n as usize && unique.len() == n as usize);
    ensure!(api::get(&format!("{}/v1/sites/{}/export.csv", o.edge.url, o.site), &[("authorization", "Bearer wrong")])?.status == 401);
    Ok(())
}

#[test]
fn deleting_feedback_keeps_the_counts_exact() -> Result<()> {
    let o = Owner::new()?;
    let keep = o.submit(1, 5, Some("Keep me"), "/")?;
    let gone = o.submit(2, 1, Some("Delete me"), "/")?;
    let delete = |id: &str| {
        api::request("DELETE", &format!("{}/v1/sites/{}/feedback/{id}", o.edge.url, o.site), &[("authorization", &format!("Bearer {}", o.key))], None)
    };
    ensure!(api::request("DELETE", &format!("{}/v1/sites/{}/feedback/{gone}", o.edge.url, o.site), &[], None)?.status == 401);
    ensure!(delete(&gone)?.status == 204);
    let again = delete(&gone)?;
    ensure!(again.status == 404 && again.error_code().as_deref() == Some("feedback_not_found"), "{again:?}");
    let summary = o.edge.summary(&o.site, &o.key)?;
    let histogram: Vec<u64> =
        summary["scales"][0]["histogram"].as_array().map(|h| h.iter().filter_map(|b| b["count"].as_u64()).collect()).unwrap_or_default();
    println!("after deleting the 1★: total {}, comments {}, histogram {histogram:?}", summary["total"], summary["comments"]);
    ensure!(summary["total"] == 1 && summary["comments"] == 1 && histogram == [0, 0, 0, 0, 1], "{summary}");
    ensure!(ids(&o.list("")?) == [keep], "only the kept one is listed");
    Ok(())
}

#[test]
fn the_summary_breaks_down_by_day_and_page_and_limits_to_a_range() -> Result<()> {
    let o = Owner::new()?;
    let mut n = 0;
    for (page, values) in [("/good", [5, 5, 4, 5, 4]), ("/bad", [1, 2, 1, 1, 1]), ("/fine", [4, 3, 4, 3, 4])] {
        for v in values {
            o.submit(n, v, (v == 1).then_some("broken"), page)?;
            n += 1;
        }
    }
    o.submit(n, 1, None, "/rare")?;
    let summary = |q: &str| -> Result<Value> {
        let a = o.get(&format!("summary?{q}"))?;
        ensure!(a.status == 200, "{q}: {a:?}");
        Ok(a.json())
    };
    let all = summary("")?;
    let today = utc_day(0);
    println!(
        "days {} pages {} best {} worst {} csat {}",
        all["days"],
        all["pages"].as_array().map_or(0, Vec::len),
        all["best_page"],
        all["worst_page"],
        all["scales"][0]["csat"]
    );
    ensure!(
        all["total"] == 16
            && all["days"] == json!([{ "key": today, "count": 16, "comments": 4, "scores": [{ "scale": "stars", "count": 16, "score": 3.0 }] }]),
        "{all}"
    );
    ensure!(all["best_page"] == "/good" && all["worst_page"] == "/bad", "a page needs 5 ratings to be ranked: {all}");
    ensure!(all["scales"][0]["csat"] == 50.0 && all["scales"][0]["score"] == 3.0, "{all}");
    ensure!(all["pages"].as_array().map(|p| p.len()) == Some(4) && all["pages"][3]["key"] == "/rare", "most rated first: {all}");
    ensure!(all["pages_total"] == 4 && all["pages_cursor"].is_null(), "all four fit one summary: {all}");
    let two = summary("pages_limit=2")?;
    ensure!(two["pages"][1]["key"] == "/fine" && two["pages_cursor"] == "5_/fine", "the two most rated, ties by path: {two}");
    let rest = summary("pages_limit=2&pages_cursor=5_%2Ffine")?;
    ensure!(rest["pages"][0]["key"] == "/good" && rest["pages"][1]["key"] == "/rare" && rest["pages_cursor"].is_null(), "{rest}");

    let only_bad = summary("page=/bad")?;
    ensure!(only_bad["total"] == 5 && only_bad["page"] == "/bad" && only_bad["comments"] == 4, "{only_bad}");
    ensure!(summary(&format!("from={today}&to={today}"))?["total"] == 16);
    ensure!(summary(&format!("from={}", utc_day(1)))?["total"] == 0, "nothing tomorrow");
    ensure!(summary(&format!("to={}", utc_day(-1)))?["total"] == 0, "nothing yesterday");
    let headline = summary("pages_limit=0")?;
    ensure!(
        headline["total"] == 16 && headline["days"] == all["days"] && headline["pages"] == json!([]) && headline["best_page"].is_null(),
        "pages_limit=0: the totals and days only: {headline}"
    );
    for bad in ["from=2026-13-01", "to=yesterday", "page=nope", "colour=red", "pages_limit=-1", "pages_limit=201", "pages_cursor=x"] {
        let a = o.get(&format!("summary?{bad}"))?;
        ensure!(a.status == 400 && a.error_code().as_deref().is_some_and(|c| c.starts_with("invalid")), "{bad}: {a:?}");
    }
    Ok(())
}

#[test]
fn owners_change_settings_and_rotate_keys_and_admins_list_sites() -> Result<()> {
    let o = Owner::new()?;
    let site_url = format!("{}/v1/sites/{}", o.edge.url, o.site);
    let auth = |key: &str| format!("Bearer {key}");
    let patch = |key: &str, body: Value| {
        api::request("PATCH", &site_url, &[("authorization", &auth(key)), ("content-type", "application/json")], Some(body.to_string().as_bytes()))
    };

    let settings = api::get(&site_url, &[("authorization", &auth(&o.key))])?;
    ensure!(
        settings.status == 200 && settings.json()["origins"] == json!([ORIGIN]) && settings.json().get("owner_key_sha256").is_none(),
        "{settings:?}"
    );
    let changed = patch(
        &o.key,
        json!({ "name": "Docs (new)", "origins": ["https://new.example"], "widget": { "scale": "nps", "question": "Would you recommend us?" } }),
    )?;
    ensure!(changed.status == 200 && changed.json()["widget"]["scale"] == "nps" && changed.json()["name"] == "Docs (new)", "{changed:?}");
    let config = api::get(&format!("{site_url}/config"), &[])?.json();
    ensure!(config["widget"]["strings"]["q_nps"] == "Would you recommend us?", "{config}");
    // The old origin is no longer allowed; the new one is.
    let body = json!({ "id": "0190a6e2-7c1d-7abc-8def-00000000beef", "site": o.site, "scale": "nps", "value": 9, "page": "/", "locale": "en",
        "client_ts": 1_763_900_000_000_u64, "widget_version": "0.1.0" })
    .to_string();
    let from =
        |origin: &str| api::post(&format!("{site_url}/feedback"), &[("content-type", "application/json"), ("origin", origin)], body.as_bytes());
    ensure!(from(ORIGIN)?.status == 403 && from("https://new.example")?.status == 201);

    ensure!(patch(&o.key, json!({ "origins": ["not an origin"] }))?.error_code().as_deref() == Some("invalid_origin"));
    ensure!(patch(&o.key, json!({ "colour": "red" }))?.error_code().as_deref() == Some("invalid_json"));
    ensure!(patch("sk_wrong", json!({ "name": "x" }))?.status == 401);

    let rotated = api::post(&format!("{site_url}/keys"), &[("authorization", &auth(&o.key))], b"")?;
    let new_key = rotated.json()["owner_key"].as_str().unwrap_or_default().to_owned();
    ensure!(rotated.status == 200 && new_key.starts_with("sk_") && new_key != o.key, "{rotated:?}");
    ensure!(api::get(&format!("{site_url}/summary"), &[("authorization", &auth(&o.key))])?.status == 401, "the old key stops working");
    ensure!(o.edge.summary(&o.site, &new_key)?["total"] == 1, "the new key works");

    let blog = unique_site("blog")?;
    o.edge.create_site(&blog, &[ORIGIN], json!({}))?;
    let list = api::get(&format!("{}/v1/sites", o.edge.url), &[("authorization", &auth(&o.edge.admin_token))])?;
    let listed = list.json();
    // The edge is shared: the list holds other tests' sites too; these two are in it, as renamed.
    let mut names: Vec<(&str, &str)> = listed["sites"]
        .as_array()
        .context("a list of sites")?
        .iter()
        .map(|e| (e["site"].as_str().unwrap_or(""), e["name"].as_str().unwrap_or("")))
        .filter(|(id, _)| [o.site.as_str(), blog.as_str()].contains(id))
        .collect();
    names.sort();
    println!("admin list, this test's sites: {names:?}");
    let blog_name = format!("Test site {blog}");
    ensure!(names == [(blog.as_str(), blog_name.as_str()), (o.site.as_str(), "Docs (new)")], "{list:?}");
    ensure!(api::get(&format!("{}/v1/sites", o.edge.url), &[("authorization", "Bearer nope")])?.status == 401);
    Ok(())
}

#[test]
fn a_visitor_deletes_their_own_submission_with_its_receipt() -> Result<()> {
    let o = Owner::new()?;
    let send = |n: u32| -> Result<Value> {
        let body = json!({ "id": format!("0190a6e2-7c1d-7abc-8def-{n:012x}"), "site": o.site, "scale": "stars", "value": 2, "comment": "Oops, wrong button",
            "page": "/", "locale": "en", "client_ts": 1_763_900_000_000_u64, "widget_version": "0.1.0",
            // Each submission's own key, as the widget makes one: its receipt.
            "key": format!("key-{n:028x}") });
        Ok(api::post(
            &format!("{}/v1/sites/{}/feedback", o.edge.url, o.site),
            &[("content-type", "application/json"), ("origin", ORIGIN)],
            body.to_string().as_bytes(),
        )?
        .json())
    };
    let first = send(1)?;
    let again = send(1)?;
    let other = send(2)?;
    let receipt = first["receipt"].as_str().context("a receipt")?.to_owned();
    ensure!(again["receipt"] == first["receipt"] && other["receipt"] != first["receipt"], "one receipt per submission, the same on every answer");
    let delete = |id: u32, token: &str| {
        api::request(
            "DELETE",
            &format!("{}/v1/sites/{}/feedback/0190a6e2-7c1d-7abc-8def-{id:012x}", o.edge.url, o.site),
            &[("authorization", &format!("Receipt {token}"))],
            None,
        )
    };
    ensure!(delete(2, &receipt)?.status == 401, "a receipt deletes only its own submission");
    ensure!(delete(1, "0000")?.status == 401);
    ensure!(delete(1, &receipt)?.status == 204);
    let summary = o.edge.summary(&o.site, &o.key)?;
    println!("after the visitor's delete: total {}, comments {}", summary["total"], summary["comments"]);
    ensure!(summary["total"] == 1 && summary["comments"] == 1, "{summary}");
    Ok(())
}

#[test]
fn comments_are_stored_in_nfc_without_bidi_overrides() -> Result<()> {
    let o = Owner::new()?;
    // "Cafe" + combining acute (NFD), and a right-to-left override that would flip the text.
    o.submit(1, 4, Some("Cafe\u{301} \u{202e}txt.exe\u{202c} ok"), "/")?;
    let stored = o.list("")?["items"][0]["comment"].as_str().unwrap_or_default().to_owned();
    println!("stored comment: {stored:?}");
    ensure!(stored == "Caf\u{e9} txt.exe ok", "NFC and no overrides: {stored:?}");
    // Sending the same text again (in NFD) is recognised as the same submission.
    let body = json!({ "id": "0190a6e2-7c1d-7abc-8def-000000000001", "site": o.site, "scale": "stars", "value": 4, "comment": "Cafe\u{301} \u{202e}txt.exe\u{202c} ok",
        "page": "/", "locale": "en", "client_ts": 1_763_900_000_000_u64, "widget_version": "0.1.0" });
    let again = api::post(
        &format!("{}/v1/sites/{}/feedback", o.edge.url, o.site),
        &[("content-type", "application/json"), ("origin", ORIGIN)],
        body.to_string().as_bytes(),
    )?;
    ensure!(again.json()["status"] == "duplicate", "{again:?}");
    Ok(())
}
