//! Hundreds of hostile requests against the live Worker: wrong methods, broken JSON, huge and
//! NaN-like numbers, unicode edge cases, wrong site ids, oversized bodies, odd headers. Every
//! answer must be a 4xx with a JSON error, and the site's summary must not move.

use anyhow::{ensure, Result};
use sayso_tests::api;
use sayso_tests::edge::{Edge, EdgeOptions};
use serde_json::{json, Value};

const ORIGIN: &str = "https://docs.example.com";

fn valid() -> Value {
    json!({ "id": "0190a6e2-7c1d-7abc-8def-0123456789ab", "site": "demo", "scale": "stars", "value": 4, "page": "/docs",
        "locale": "en", "client_ts": 1_763_900_000_000_u64, "widget_version": "0.1.0" })
}

/// One request: method, path, headers, body.
type Case = (String, String, Vec<(String, String)>, Option<Vec<u8>>);

fn cases() -> Vec<Case> {
    let mut out: Vec<Case> = Vec::new();
    let feedback = "/v1/sites/demo/feedback".to_owned();
    let post = |body: Vec<u8>, content_type: &str, origin: &str| -> Case {
        ("POST".into(), feedback.clone(), vec![("content-type".into(), content_type.into()), ("origin".into(), origin.into())], Some(body))
    };
    // Broken or wrongly shaped JSON.
    for raw in [
        "",
        " ",
        "{",
        "}",
        "[",
        "null",
        "true",
        "0",
        "\"x\"",
        "[]",
        "{}",
        "{\"id\":}",
        "{'id':1}",
        "{\"id\":\"x\",}",
        "\u{feff}{}",
        "{\"id\":\"a\"\"b\"}",
        "{\"a\":1e999999}",
        "{\"value\":NaN}",
        "{\"value\":Infinity}",
        "{\"value\":-Infinity}",
        "{\"value\":0x10}",
        "\u{0}",
        "{\"id\":\"\\ud800\"}",
        "{\"id\":\"\\u0000\"}",
        "{\"__proto__\":{}}",
        "{\"constructor\":{\"prototype\":{}}}",
    ] {
        out.push(post(raw.as_bytes().to_vec(), "application/json", ORIGIN));
    }
    out.push(post(vec![0xff, 0xfe, 0x00, 0x7b], "application/json", ORIGIN));
    out.push(post(format!("{}{}", "[".repeat(200), "]".repeat(200)).into_bytes(), "application/json", ORIGIN));
    out.push(post(format!("{{\"a\":{}1{}}}", "[".repeat(5000), "]".repeat(5000)).into_bytes(), "application/json", ORIGIN));
    // Every field with hostile values.
    let hostile_values: Vec<Value> = vec![
        json!(null),
        json!(true),
        json!(-1),
        json!(0),
        json!(11),
        json!(1.5),
        json!(-0.0),
        json!(1e308),
        json!(u64::MAX),
        json!(i64::MIN),
        json!("NaN"),
        json!("Infinity"),
        json!(""),
        json!(" "),
        json!("x".repeat(5000)),
        json!("\u{202e}evil"),
        json!("\u{0}"),
        json!("../../etc/passwd"),
        json!("<script>alert(1)</script>"),
        json!("%00"),
        json!("😀"),
        json!([]),
        json!({}),
        json!([1, 2]),
    ];
    for field in ["id", "site", "scale", "value", "page", "locale", "client_ts", "widget_version", "rev"] {
        for v in &hostile_values {
            let mut body = valid();
            body[field] = v.clone();
            if body == valid() {
                continue;
            }
            // Only what the rules refuse is hostile ("NaN" is a fine locale: Min Nan Chinese).
            let acceptable = serde_json::from_value::<sayso_core::SubmissionWire>(body.clone()).is_ok_and(|w| w.validate().is_ok());
            if !acceptable {
                out.push(post(body.to_string().into_bytes(), "application/json", ORIGIN));
            }
        }
    }
    // Comments: too long, or a wrong type.
    for comment in [json!("x".repeat(2001)), json!(5), json!(["a"]), json!({ "a": 1 })] {
        let mut body = valid();
        body["comment"] = comment;
        out.push(post(body.to_string().into_bytes(), "application/json", ORIGIN));
    }
    // Unknown fields, oversized bodies, wrong media types, foreign or odd origins.
    for extra in ["extra", "admin", "received_at", "owner_key"] {
        let mut body = valid();
        body[extra] = json!(1);
        out.push(post(body.to_string().into_bytes(), "application/json", ORIGIN));
    }
    out.push(post(vec![b' '; 16 * 1024 + 1], "application/json", ORIGIN));
    out.push(post(vec![b'a'; 1024 * 1024], "text/plain", ORIGIN));
    for media in ["application/x-www-form-urlencoded", "multipart/form-data", "text/html", "application/xml", "image/png", "application/jsonp", ""] {
        out.push(post(valid().to_string().into_bytes(), media, ORIGIN));
    }
    for origin in [
        "https://evil.example",
        "null",
        "file://",
        "javascript:alert(1)",
        "https://docs.example.com.evil.example",
        "http://docs.example.com",
        "https://docs.example.com:8443",
        "https://DOCS.example.com.",
        "  ",
        "https://docs.example.com https://evil.example",
    ] {
        out.push(post(valid().to_string().into_bytes(), "application/json", origin));
    }
    // Wrong sites, paths and methods.
    for site in ["nope", "NOPE", "a", "%2e%2e", "..", "demo%00", "demo%2fx", &"a".repeat(200), "d\u{0301}emo", "%F0%9F%98%80"] {
        let mut body = valid();
        body["site"] = json!(site);
        out.push((
            "POST".into(),
            format!("/v1/sites/{site}/feedback"),
            vec![("content-type".into(), "application/json".into()), ("origin".into(), ORIGIN.into())],
            Some(body.to_string().into_bytes()),
        ));
        out.push(("GET".into(), format!("/v1/sites/{site}/config"), vec![], None));
    }
    for (method, path) in [
        ("PUT", "/v1/sites/demo/feedback"),
        ("DELETE", "/v1/sites/demo/feedback"),
        ("PATCH", "/v1/sites/demo/feedback"),
        ("PUT", "/v1/sites"),
        ("DELETE", "/v1/sites"),
        ("POST", "/v1/sites/demo/config"),
        ("POST", "/v1/sites/demo/summary"),
        ("DELETE", "/healthz"),
        ("POST", "/v1/embed.js"),
        ("GET", "/v1"),
        ("GET", "/v1/"),
        ("GET", "/v1/sites/demo/feedback/"),
        ("GET", "/.env"),
        ("GET", "/wp-admin"),
        ("GET", "/v1/widget/../../wrangler.toml"),
        ("GET", "/v1/sites/demo/summary"),
        ("GET", "/v1/sites/demo/export.csv"),
        ("GET", "/v1/sites/demo"),
        ("POST", "/v1/sites/demo/keys"),
        ("DELETE", "/v1/sites/demo/feedback/0190a6e2-7c1d-7abc-8def-0123456789ab"),
        ("PATCH", "/v1/sites/demo"),
        ("GET", "/v1/sites"),
    ] {
        out.push((method.into(), path.into(), vec![], None));
    }
    // Keys that are almost right.
    for auth in ["", "Bearer", "Bearer ", "Basic ZGVtbzpkZW1v", "Bearer sk_", "Receipt 00", "bearer  ", "Bearer ' OR 1=1 --"] {
        out.push(("GET".into(), "/v1/sites/demo/summary".into(), vec![("authorization".into(), auth.into())], None));
    }
    out
}

#[test]
fn two_hundred_hostile_requests_get_4xx_json_errors_and_change_nothing() -> Result<()> {
    let edge = Edge::start(EdgeOptions::default())?;
    let key = edge.create_site("demo", &[ORIGIN], json!({ "scale": "stars" }))?.owner_key;
    let before = edge.summary("demo", &key)?;
    let cases = cases();
    let mut failures = Vec::new();
    let mut statuses = std::collections::BTreeMap::new();
    for (method, path, headers, body) in &cases {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        match api::request(method, &format!("{}{path}", edge.url), &headers, body.as_deref()) {
            Ok(a) => {
                *statuses.entry(a.status).or_insert(0) += 1;
                let json_error = a.json()["error"]["code"].as_str().is_some_and(|c| !c.is_empty()) && a.json()["error"]["message"].is_string();
                if !(400..500).contains(&a.status) || !json_error {
                    let sent = body.as_deref().map(|b| String::from_utf8_lossy(b).chars().take(200).collect::<String>()).unwrap_or_default();
                    failures.push(format!("{method} {path} {sent}: {} {}", a.status, a.body.chars().take(120).collect::<String>()));
                }
            }
            // The HTTP client refusing to send a request (e.g. a header value it deems invalid)
            // is not an answer; those cases are counted separately.
            Err(e) => failures.push(format!("{method} {path}: not sent: {e}")),
        }
    }
    let after = edge.summary("demo", &key)?;
    println!("{} hostile requests; answers by status: {statuses:?}; summary total before {} after {}", cases.len(), before["total"], after["total"]);
    ensure!(cases.len() >= 200, "at least 200 cases: {}", cases.len());
    ensure!(failures.is_empty(), "{} not a 4xx JSON error:\n{}", failures.len(), failures.join("\n"));
    ensure!(before == after, "nothing changed");
    Ok(())
}
