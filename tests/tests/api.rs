//! The Worker's HTTP API against the real Worker under `wrangler dev`: idempotency, origins,
//! errors, auth and caching. The tests share one Worker (`Edge::shared`), each on sites of its own.

use anyhow::{ensure, Context, Result};
use sayso_tests::api::{self, Answer};
use sayso_tests::edge::Edge;
use sayso_tests::unique_site;
use serde_json::{json, Value};

const PAGE_ORIGIN: &str = "https://docs.example.com";

struct Fixture {
    edge: &'static Edge,
    site: String,
    key: String,
}

impl Fixture {
    fn new(scale: &str) -> Result<Fixture> {
        let edge = Edge::shared()?;
        let site = unique_site("api")?;
        let key = edge.create_site(&site, &[PAGE_ORIGIN], json!({ "scale": scale }))?.owner_key;
        Ok(Fixture { edge, site, key })
    }

    fn feedback_url(&self) -> String {
        format!("{}/v1/sites/{}/feedback", self.edge.url, self.site)
    }

    /// A submission to this fixture's site.
    fn submission(&self, id: &str, value: i64) -> Value {
        submission(&self.site, id, value)
    }

    fn send(&self, body: &Value) -> Result<Answer> {
        self.send_raw(body.to_string().as_bytes(), "application/json", Some(PAGE_ORIGIN))
    }

    fn send_raw(&self, body: &[u8], content_type: &str, origin: Option<&str>) -> Result<Answer> {
        let mut headers = vec![("content-type", content_type)];
        if let Some(origin) = origin {
            headers.push(("origin", origin));
        }
        api::post(&self.feedback_url(), &headers, body)
    }

    fn summary(&self) -> Result<Value> {
        self.edge.summary(&self.site, &self.key)
    }
}

fn submission(site: &str, id: &str, value: i64) -> Value {
    json!({
        "id": id, "site": site, "scale": "stars", "value": value, "page": "/docs/start",
        "locale": "en-GB", "client_ts": 1_763_900_000_000_i64, "widget_version": "0.1.0",
        // The sender's secret: the same on every revision of the id, as the widget's is.
        "key": format!("key-{}", id.replace('-', "")),
    })
}

const ID: &str = "0190a6e2-7c1d-7abc-8def-0123456789ab";

/// Sends raw bytes over TCP (for requests an HTTP client will not make) and reads the answer.
fn raw_http(base: &str, request: &str) -> Result<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(base.trim_start_matches("http://"))?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    stream.write_all(request.as_bytes())?;
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    Ok(answer)
}

#[test]
fn the_same_id_sent_twice_counts_once() -> Result<()> {
    let f = Fixture::new("stars")?;
    let first = f.send(&f.submission(ID, 5))?;
    ensure!(first.status == 201 && first.json()["status"] == "created", "{first:?}");
    // The widget sends text/plain (no preflight), and as a beacon would: the same rules apply.
    let again = f.send_raw(f.submission(ID, 5).to_string().as_bytes(), "text/plain;charset=UTF-8", Some(PAGE_ORIGIN))?;
    ensure!(again.status == 200 && again.json()["status"] == "duplicate", "{again:?}");
    ensure!(again.header("access-control-allow-origin") == Some(PAGE_ORIGIN), "CORS echoes the origin");
    let summary = f.summary()?;
    println!("sent twice, counted: {}", summary["total"]);
    ensure!(summary["total"] == 1, "{summary}");
    Ok(())
}

#[test]
fn an_edit_moves_the_counts_and_stale_or_conflicting_edits_change_nothing() -> Result<()> {
    let f = Fixture::new("stars")?;
    ensure!(f.send(&f.submission(ID, 2))?.status == 201);
    let mut edit = f.submission(ID, 5);
    edit["rev"] = json!(1);
    edit["comment"] = json!("Found it after all");
    let updated = f.send(&edit)?;
    ensure!(updated.status == 200 && updated.json()["status"] == "updated", "{updated:?}");
    // A late copy of the first send is recognised as older and ignored.
    let stale = f.send(&f.submission(ID, 2))?;
    ensure!(stale.json()["status"] == "superseded", "{stale:?}");
    // The same revision with other content is a conflict.
    edit["value"] = json!(1);
    let conflict = f.send(&edit)?;
    ensure!(conflict.status == 409 && conflict.error_code().as_deref() == Some("edit_conflict"), "{conflict:?}");
    ensure!(conflict.header("access-control-allow-origin") == Some(PAGE_ORIGIN), "{conflict:?}");
    let summary = f.summary()?;
    let histogram: Vec<&Value> = summary["scales"][0]["histogram"].as_array().map(|h| h.iter().map(|b| &b["count"]).collect()).unwrap_or_default();
    println!("after edit 2★ → 5★: {histogram:?}, comments {}", summary["comments"]);
    ensure!(summary["total"] == 1 && summary["comments"] == 1, "{summary}");
    ensure!(histogram == [&json!(0), &json!(0), &json!(0), &json!(0), &json!(1)], "{summary}");
    Ok(())
}

#[test]
fn writes_from_origins_the_site_does_not_allow_are_refused() -> Result<()> {
    let f = Fixture::new("stars")?;
    let foreign = f.send_raw(f.submission(ID, 5).to_string().as_bytes(), "application/json", Some("https://evil.example"))?;
    ensure!(foreign.status == 403 && foreign.error_code().as_deref() == Some("origin_not_allowed"), "{foreign:?}");
    // Readable by the refused page (issue 14, item 5): the widget must see a refusal to stop sending it.
    ensure!(foreign.header("access-control-allow-origin") == Some("https://evil.example"), "the refusal is readable: {foreign:?}");
    let anonymous = f.send_raw(f.submission(ID, 5).to_string().as_bytes(), "application/json", None)?;
    ensure!(anonymous.status == 403 && anonymous.error_code().as_deref() == Some("origin_required"), "{anonymous:?}");
    // Referer stands in for a missing Origin.
    let by_referer = api::post(
        &f.feedback_url(),
        &[("content-type", "application/json"), ("referer", "https://docs.example.com/a/b?c")],
        f.submission(ID, 5).to_string().as_bytes(),
    )?;
    ensure!(by_referer.status == 201, "{by_referer:?}");

    let preflight = |origin: &str| api::request("OPTIONS", &f.feedback_url(), &[("origin", origin), ("access-control-request-method", "POST")], None);
    let allowed = preflight(PAGE_ORIGIN)?;
    ensure!(allowed.status == 204 && allowed.header("access-control-allow-origin") == Some(PAGE_ORIGIN), "{allowed:?}");
    ensure!(allowed.header("vary").is_some_and(|v| v.contains("Origin")), "{allowed:?}");
    // Any page may send (the POST's answer says whether it is stored): the preflight grants it.
    let foreign_preflight = preflight("https://evil.example")?;
    ensure!(
        foreign_preflight.status == 204 && foreign_preflight.header("access-control-allow-origin") == Some("https://evil.example"),
        "{foreign_preflight:?}"
    );
    let summary = f.summary()?;
    ensure!(summary["total"] == 1, "only the allowed write counted: {summary}");

    // An origin listed with its scheme's default port matches what browsers send.
    let ports = unique_site("ports")?;
    f.edge.create_site(&ports, &["https://shop.example:443"], json!({}))?;
    let body = submission(&ports, "0190a6e2-7c1d-7abc-8def-0000000000aa", 3);
    let listed_with_port = api::post(
        &format!("{}/v1/sites/{ports}/feedback", f.edge.url),
        &[("content-type", "application/json"), ("origin", "https://shop.example")],
        body.to_string().as_bytes(),
    )?;
    ensure!(listed_with_port.status == 201, "{listed_with_port:?}");
    Ok(())
}

#[test]
fn malformed_bodies_get_json_errors_and_change_nothing() -> Result<()> {
    let f = Fixture::new("stars")?;
    let before = f.summary()?;
    let mut cases: Vec<(Vec<u8>, &str, u16, &str)> = vec![
        (b"{not json".to_vec(), "application/json", 400, "invalid_json"),
        (b"".to_vec(), "application/json", 400, "invalid_json"),
        (b"[]".to_vec(), "application/json", 400, "invalid_json"),
        (f.submission(ID, 5).to_string().into_bytes(), "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        (vec![b' '; 17 * 1024], "application/json", 413, "body_too_large"),
    ];
    let mut broken = |edit: fn(&mut Value), code: &'static str| {
        let mut body = f.submission(ID, 5);
        edit(&mut body);
        cases.push((body.to_string().into_bytes(), "application/json", 400, code));
    };
    broken(|b| b["value"] = json!(6), "rating_out_of_range");
    broken(|b| b["value"] = json!("5"), "invalid_json");
    broken(|b| b["value"] = json!(1e308), "invalid_json");
    broken(|b| b["extra"] = json!(true), "invalid_json");
    broken(|b| b["id"] = json!("not-a-uuid"), "invalid_id");
    broken(|b| b["scale"] = json!("hearts"), "invalid_scale");
    broken(|b| b["site"] = json!("other-site"), "site_mismatch");
    broken(|b| b["page"] = json!("https://x.com/a?b"), "invalid_page");
    broken(|b| b["locale"] = json!("<script>"), "invalid_locale");
    broken(|b| b["comment"] = json!("x".repeat(2001)), "comment_too_long");
    broken(|b| b["client_ts"] = json!(-1), "invalid_timestamp");
    for (body, content_type, status, code) in &cases {
        let answer = f.send_raw(body, content_type, Some(PAGE_ORIGIN))?;
        ensure!(answer.status == *status && answer.error_code().as_deref() == Some(*code), "expected {status} {code}, got {answer:?}");
        // The page can read the refusal, so the widget drops it instead of retrying forever.
        ensure!(answer.header("access-control-allow-origin") == Some(PAGE_ORIGIN), "errors carry CORS: {answer:?}");
        ensure!(answer.json()["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "a message for people: {answer:?}");
        ensure!(answer.header("content-type").is_some_and(|t| t.starts_with("application/json")), "{answer:?}");
    }
    // A body without Content-Length (chunked) is refused before it is read.
    let chunked = raw_http(&f.edge.url, &format!(
        "POST /v1/sites/{}/feedback HTTP/1.1\r\nhost: x\r\norigin: {PAGE_ORIGIN}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
    , f.site))?;
    ensure!(chunked.starts_with("HTTP/1.1 411") && chunked.contains("length_required"), "{chunked}");
    let after = f.summary()?;
    println!("{} malformed requests refused; summary total before {} after {}", cases.len() + 1, before["total"], after["total"]);
    ensure!(before == after, "nothing changed: {before} vs {after}");
    Ok(())
}

#[test]
fn owner_and_admin_routes_need_their_keys() -> Result<()> {
    let f = Fixture::new("nps")?;
    let url = format!("{}/v1/sites/{}/summary", f.edge.url, f.site);
    for headers in [vec![], vec![("authorization", "Bearer sk_wrong")], vec![("authorization", f.key.as_str())]] {
        let answer = api::get(&url, &headers)?;
        ensure!(answer.status == 401 && answer.error_code().as_deref() == Some("unauthorized"), "{answer:?}");
        ensure!(answer.header("www-authenticate") == Some("Bearer"), "{answer:?}");
    }
    // The scheme is case-insensitive.
    let ok = api::get(&url, &[("authorization", &format!("bearer {}", f.key))])?;
    ensure!(ok.status == 200 && ok.header("cache-control") == Some("no-store"), "{ok:?}");
    let empty = ok.json();
    ensure!(empty["total"] == 0 && empty["scales"] == json!([]) && empty["days"] == json!([]) && empty["best_page"].is_null(), "{ok:?}");

    let create = |token: &str, body: Value| {
        api::post(
            &format!("{}/v1/sites", f.edge.url),
            &[("authorization", &format!("Bearer {token}")), ("content-type", "application/json")],
            body.to_string().as_bytes(),
        )
    };
    let site = json!({ "name": "Blog", "origins": ["https://blog.example.com"] });
    ensure!(create("wrong", site.clone())?.status == 401);
    let created = create(&f.edge.admin_token, site)?;
    let body = created.json();
    ensure!(created.status == 201, "{created:?}");
    ensure!(body["owner_key"].as_str().is_some_and(|k| k.starts_with("sk_") && k.len() > 40), "{body}");
    ensure!(body["snippet"].as_str().is_some_and(|s| s.contains("/v1/embed.js") && s.contains(body["site"].as_str().unwrap_or("?"))), "{body}");
    let taken = create(&f.edge.admin_token, json!({ "id": f.site, "name": "Again", "origins": [PAGE_ORIGIN] }))?;
    ensure!(taken.status == 409 && taken.error_code().as_deref() == Some("site_exists"), "{taken:?}");
    let bad = create(&f.edge.admin_token, json!({ "name": "Bad", "origins": ["docs.example.com"] }))?;
    ensure!(bad.status == 400 && bad.error_code().as_deref() == Some("invalid_origin"), "{bad:?}");
    Ok(())
}

#[test]
fn public_config_assets_and_unknown_routes() -> Result<()> {
    let f = Fixture::new("thumbs")?;
    let config = api::get(&format!("{}/v1/sites/{}/config", f.edge.url, f.site), &[])?;
    ensure!(config.status == 200 && config.json()["widget"]["scale"] == "thumbs", "{config:?}");
    ensure!(config.header("access-control-allow-origin") == Some("*"), "{config:?}");
    let etag = config.header("etag").unwrap_or_default().to_owned();
    let again = api::get(&format!("{}/v1/sites/{}/config", f.edge.url, f.site), &[("if-none-match", &etag)])?;
    ensure!(again.status == 304, "the ETag is honoured: {again:?}");
    ensure!(api::request("HEAD", &format!("{}/v1/sites/{}/config", f.edge.url, f.site), &[], None)?.status == 200);
    let weak = api::get(&format!("{}/v1/sites/{}/config", f.edge.url, f.site), &[("if-none-match", &format!("W/{etag}"))])?;
    ensure!(weak.status == 304, "a weakened ETag still matches: {weak:?}");

    // Unknown sites are 404, readable cross-origin (the widget shows nothing for them).
    for id in ["nope", "made-up-1"] {
        let missing = api::get(&format!("{}/v1/sites/{id}/config", f.edge.url), &[])?;
        ensure!(
            missing.error_code().as_deref() == Some("site_not_found") && missing.header("access-control-allow-origin") == Some("*"),
            "{missing:?}"
        );
        // An owner route says nothing about existence to a wrong key: 401, as for a real site.
        let summary = api::get(&format!("{}/v1/sites/{id}/summary", f.edge.url), &[("authorization", "Bearer x")])?;
        ensure!(summary.status == 401, "{summary:?}");
    }

    let loader = api::get(&format!("{}/v1/embed.js", f.edge.url), &[])?;
    ensure!(loader.status == 200 && loader.header("content-type").is_some_and(|t| t.starts_with("text/javascript")), "{:?}", loader.headers);
    ensure!(loader.body.len() < 1500, "the loader stays tiny: {} bytes", loader.body.len());
    // The loader names content-hashed files that are cached for a year.
    let names: Vec<&str> = loader.body.match_indices("sayso-").filter_map(|(i, _)| loader.body[i..].split('"').next()).collect();
    for ext in [".js", ".wasm"] {
        let name = names.iter().find(|n| n.ends_with(ext)).with_context(|| format!("the loader names a {ext} file: {}", loader.body))?;
        let file = api::get(&format!("{}/v1/widget/{name}", f.edge.url), &[])?;
        ensure!(file.status == 200 && file.header("cache-control").is_some_and(|c| c.contains("immutable")), "{name}: {:?}", file.headers);
    }

    for (method, path, status, code, allow) in [
        ("GET", "/nope", 404, "not_found", None),
        ("DELETE", "/v1/sites/any/feedback", 405, "method_not_allowed", Some("GET, POST, OPTIONS")),
        ("POST", "/v1/sites/any/export.csv", 405, "method_not_allowed", Some("GET")),
        ("POST", "/v1/sites/any/config", 405, "method_not_allowed", Some("GET, HEAD")),
        ("DELETE", "/v1/sites", 405, "method_not_allowed", Some("GET, POST")),
        ("GET", "/v1/sites/NOT%20A%20SITE/config", 404, "site_not_found", None),
    ] {
        let answer = api::request(method, &format!("{}{path}", f.edge.url), &[], None)?;
        ensure!(answer.status == status && answer.error_code().as_deref() == Some(code), "{method} {path}: {answer:?}");
        ensure!(answer.header("allow") == allow, "{method} {path}: Allow {:?}", answer.header("allow"));
        ensure!(answer.header("x-content-type-options") == Some("nosniff"), "{answer:?}");
    }
    Ok(())
}

#[test]
fn new_submissions_are_rate_limited_per_visitor_and_per_site_but_resends_never() -> Result<()> {
    let edge = Edge::shared()?;
    let site = unique_site("limited")?;
    edge.create_site_limited(&site, &[PAGE_ORIGIN], json!({}), json!({ "visitor_per_minute": 3, "site_per_minute": 5 }))?;
    let url = format!("{}/v1/sites/{site}/feedback", edge.url);
    let send = |n: u32, agent: &str, extra: &[(&str, &str)]| {
        let body = submission(&site, &format!("0190a6e2-7c1d-7abc-8def-{n:012x}"), 4).to_string();
        let mut headers = vec![("content-type", "application/json"), ("origin", PAGE_ORIGIN), ("user-agent", agent)];
        headers.extend_from_slice(extra);
        api::post(&url, &headers, body.as_bytes())
    };
    // A visitor is its network address (the user agent plays no part).
    let address = |agent: &str| if agent == "visitor-b" { "192.0.2.2" } else { "192.0.2.1" };
    let statuses = |range: std::ops::Range<u32>, agent: &str| -> Result<Vec<u16>> {
        range.map(|n| send(n, agent, &[("cf-connecting-ip", address(agent))]).map(|a| a.status)).collect()
    };
    let a = statuses(0..4, "visitor-a")?;
    let limited = send(9, "visitor-a", &[("cf-connecting-ip", address("visitor-a"))])?;
    ensure!(a == [201, 201, 201, 429], "3 per minute for one visitor: {a:?}");
    ensure!(
        limited.error_code().as_deref() == Some("rate_limited")
            && limited.header("retry-after").is_some_and(|s| s.parse::<u32>().is_ok_and(|s| s >= 1)),
        "{limited:?}"
    );
    ensure!(limited.header("access-control-expose-headers").is_some_and(|h| h.contains("Retry-After")), "the widget can read Retry-After");
    // A resend of a stored submission is never limited (the outbox retries must get through).
    ensure!(send(0, "visitor-a", &[("cf-connecting-ip", address("visitor-a"))])?.status == 200);
    // Another visitor has their own bucket, until the site's 5 per minute run out.
    let b = statuses(20..23, "visitor-b")?;
    ensure!(b == [201, 201, 429], "the site's limit: {b:?}");
    println!("visitor a: {a:?}; visitor b: {b:?} (site limit 5/min)");

    // With Sec-GPC the visitor's bucket is kept in memory only, and limits all the same.
    let private = unique_site("private")?;
    edge.create_site_limited(&private, &[PAGE_ORIGIN], json!({}), json!({ "visitor_per_minute": 1, "site_per_minute": 0 }))?;
    let private = |n: u32, gpc: bool| {
        let body = submission(&private, &format!("0190a6e2-7c1d-7abc-8def-{:012x}", 100 + n), 5);
        let mut headers = vec![("content-type", "application/json"), ("origin", PAGE_ORIGIN), ("user-agent", "same")];
        if gpc {
            headers.push(("sec-gpc", "1"));
        }
        api::post(&format!("{}/v1/sites/{private}/feedback", edge.url), &headers, body.to_string().as_bytes()).map(|a| a.status)
    };
    let gpc = [private(0, true)?, private(1, true)?, private(2, true)?];
    ensure!(gpc == [201, 429, 429], "limited under Sec-GPC too: {gpc:?}");
    ensure!([private(3, false)?, private(4, false)?] == [429, 429], "dropping the header is no way around the limit (one budget)");
    Ok(())
}

#[test]
fn a_filled_honeypot_is_answered_as_stored_but_stores_nothing_and_hasty_comments_are_refused() -> Result<()> {
    let edge = Edge::shared()?;
    let site = unique_site("honeypot")?;
    // Default limits: comments need 1.5 s after their box appeared.
    let key = edge.create_site_limited(&site, &[PAGE_ORIGIN], json!({}), json!({ "visitor_per_minute": 0, "site_per_minute": 0 }))?.owner_key;
    let url = format!("{}/v1/sites/{site}/feedback", edge.url);
    let send = |n: u32, extra: Value| {
        let mut body = submission(&site, &format!("0190a6e2-7c1d-7abc-8def-{n:012x}"), 2);
        for (k, v) in extra.as_object().into_iter().flatten() {
            body[k] = v.clone();
        }
        api::post(&url, &[("content-type", "application/json"), ("origin", PAGE_ORIGIN)], body.to_string().as_bytes())
    };
    let trapped = send(1, json!({ "trap": "http://spam.example", "comment": "buy now", "dwell_ms": 9000 }))?;
    ensure!(
        trapped.status == 201 && trapped.json()["status"] == "created" && trapped.json()["receipt"].is_string(),
        "looks stored to the bot: {trapped:?}"
    );
    let hasty = send(2, json!({ "comment": "first!", "dwell_ms": 40 }))?;
    ensure!(hasty.status == 400 && hasty.error_code().as_deref() == Some("too_fast"), "{hasty:?}");
    let unsaid = send(3, json!({ "comment": "no timing" }))?;
    ensure!(unsaid.error_code().as_deref() == Some("too_fast"), "a comment must say how long it took: {unsaid:?}");
    ensure!(send(4, json!({ "comment": "took my time", "dwell_ms": 4000 }))?.status == 201);
    ensure!(send(5, json!({}))?.status == 201, "ratings without comments need no timing");
    let summary = edge.summary(&site, &key)?;
    println!("honeypot, hasty, untimed, timed, rating only → {summary}");
    ensure!(summary["total"] == 2 && summary["comments"] == 1, "only the timed comment and the plain rating: {summary}");
    Ok(())
}
