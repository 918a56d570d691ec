//! The OpenAPI document served at `/v1/openapi.json` is true: every documented operation is
//! called on the real Worker, and every answer's status is documented and its JSON body matches
//! the documented schema.

use std::collections::BTreeSet;

use anyhow::{bail, ensure, Context, Result};
use sayso_tests::api::{self, Answer};
use sayso_tests::edge::{Edge, EdgeOptions};
use serde_json::{json, Value};

const ORIGIN: &str = "https://docs.example.com";

/// Checks `value` against a JSON Schema subset: `$ref`, `oneOf`, `type` (one or several),
/// `enum`, `properties`, `required`, `additionalProperties: false`, `items`.
fn conforms(value: &Value, schema: &Value, doc: &Value, at: &str) -> Result<()> {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        return conforms(value, &doc["components"]["schemas"][name], doc, at);
    }
    if let Some(choices) = schema["oneOf"].as_array() {
        ensure!(choices.iter().any(|c| conforms(value, c, doc, at).is_ok()), "{at}: {value} matches none of oneOf");
        return Ok(());
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let is = |t: &str| match t {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "null" => value.is_null(),
        _ => false,
    };
    ensure!(types.is_empty() || types.iter().any(|t| is(t)), "{at}: {value} is not {types:?}");
    if let Some(allowed) = schema["enum"].as_array() {
        ensure!(allowed.contains(value), "{at}: {value} not in {allowed:?}");
    }
    if let Some(object) = value.as_object() {
        for key in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            ensure!(object.contains_key(key), "{at}: missing required {key:?}");
        }
        for (key, field) in object {
            match schema["properties"].get(key) {
                Some(field_schema) => conforms(field, field_schema, doc, &format!("{at}.{key}"))?,
                None if schema["additionalProperties"] == false => bail!("{at}: undocumented field {key:?}"),
                None => {}
            }
        }
    }
    if let (Some(items), Some(schema)) = (value.as_array(), schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            conforms(item, schema, doc, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

struct Contract {
    doc: Value,
    called: BTreeSet<(String, String)>,
    answers: usize,
}

impl Contract {
    /// Checks one real answer against the operation `method template`.
    fn check(&mut self, method: &str, template: &str, answer: &Answer) -> Result<()> {
        let operation = &self.doc["paths"][template][method.to_ascii_lowercase()];
        ensure!(operation.is_object(), "{method} {template} is not documented");
        let documented = &operation["responses"][answer.status.to_string()];
        ensure!(documented.is_object(), "{method} {template} answered {} which is not documented: {}", answer.status, answer.body);
        if let Some(contents) = documented["content"].as_object().filter(|c| !c.is_empty()) {
            // A response may be documented in several media types (the rating link's page, or its
            // JSON with `Accept: application/json`): the answer's must be one of them.
            let actual = answer.header("content-type").unwrap_or_default();
            let found = contents.iter().find(|(media, _)| actual.starts_with(media.as_str()));
            let media: Vec<&String> = contents.keys().collect();
            let Some((media, content)) = found else { bail!("{method} {template}: content-type {actual} is not one of {media:?}") };
            if media == "application/json" {
                conforms(&answer.json(), &content["schema"], &self.doc, &format!("{method} {template} {}", answer.status))?;
            }
        }
        self.called.insert((method.to_ascii_lowercase(), template.to_owned()));
        self.answers += 1;
        Ok(())
    }
}

#[test]
fn every_documented_operation_answers_as_documented() -> Result<()> {
    let edge = Edge::start(EdgeOptions::default())?;
    let e = edge.url.clone();
    let served = api::get(&format!("{e}/v1/openapi.json"), &[])?;
    let mut c = Contract { doc: served.json(), called: BTreeSet::new(), answers: 0 };
    ensure!(c.doc["openapi"] == "3.1.0", "an OpenAPI 3.1 document");
    c.check("GET", "/v1/openapi.json", &served)?;
    let admin = format!("Bearer {}", edge.admin_token);
    let json_type = ("content-type", "application/json");

    c.check("GET", "/healthz", &api::get(&format!("{e}/healthz"), &[])?)?;
    let loader = api::get(&format!("{e}/v1/embed.js"), &[])?;
    c.check("GET", "/v1/embed.js", &loader)?;
    let glue = loader
        .body
        .match_indices("sayso-")
        .filter_map(|(i, _)| loader.body[i..].split('"').next())
        .find(|n| n.ends_with(".js"))
        .context("glue name")?
        .to_owned();
    c.check("GET", "/v1/widget/{file}", &api::get(&format!("{e}/v1/widget/{glue}"), &[])?)?;
    c.check("GET", "/v1/widget/{file}", &api::get(&format!("{e}/v1/widget/nope.js"), &[])?)?;

    let new_site = json!({ "id": "demo", "name": "Docs", "origins": [ORIGIN], "widget": { "scale": "stars" } }).to_string();
    let created = api::post(&format!("{e}/v1/sites"), &[("authorization", &admin), json_type], new_site.as_bytes())?;
    c.check("POST", "/v1/sites", &created)?;
    let key = created.json()["owner_key"].as_str().context("owner key")?.to_owned();
    c.check("POST", "/v1/sites", &api::post(&format!("{e}/v1/sites"), &[("authorization", &admin), json_type], new_site.as_bytes())?)?;
    c.check("POST", "/v1/sites", &api::post(&format!("{e}/v1/sites"), &[("authorization", "Bearer x"), json_type], new_site.as_bytes())?)?;
    c.check("POST", "/v1/sites", &api::post(&format!("{e}/v1/sites"), &[("authorization", &admin), json_type], b"{\"name\":\"x\",\"origins\":[]}")?)?;
    c.check("GET", "/v1/sites", &api::get(&format!("{e}/v1/sites"), &[("authorization", &admin)])?)?;
    c.check("GET", "/v1/sites", &api::get(&format!("{e}/v1/sites"), &[])?)?;

    let owner = format!("Bearer {key}");
    let site = format!("{e}/v1/sites/demo");
    let patch = |auth: &str, body: Value| api::request("PATCH", &site, &[("authorization", auth), json_type], Some(body.to_string().as_bytes()));
    c.check("GET", "/v1/sites/{site}", &api::get(&site, &[("authorization", &owner)])?)?;
    c.check("GET", "/v1/sites/{site}", &api::get(&site, &[("authorization", "Bearer x")])?)?;
    c.check("GET", "/v1/sites/{site}", &api::get(&format!("{e}/v1/sites/nope"), &[("authorization", &owner)])?)?;
    c.check(
        "PATCH",
        "/v1/sites/{site}",
        &patch(&owner, json!({ "webhook": { "url": "http://127.0.0.1:9/hook", "comments": true }, "retention_days": 365 }))?,
    )?;
    c.check("PATCH", "/v1/sites/{site}", &patch(&owner, json!({ "scales": ["stars", "nps"] }))?)?;
    c.check("PATCH", "/v1/sites/{site}", &patch(&owner, json!({ "scales": null }))?)?;
    let dry_run = |body: Value| {
        api::request("PATCH", &format!("{site}?dry_run=true&lang=de"), &[("authorization", &owner), json_type], Some(body.to_string().as_bytes()))
    };
    let tried = dry_run(json!({ "widget": { "question": "Did this help?" } }))?;
    ensure!(tried.status == 200 && tried.json()["changes"].as_array().is_some_and(|c| !c.is_empty()), "{tried:?}");
    c.check("PATCH", "/v1/sites/{site}", &tried)?;
    c.check("PATCH", "/v1/sites/{site}", &dry_run(json!({ "origins": ["not an origin"] }))?)?;
    c.check("PATCH", "/v1/sites/{site}", &patch(&owner, json!({ "origins": [] }))?)?;
    c.check("PATCH", "/v1/sites/{site}", &patch("Bearer x", json!({}))?)?;

    let config = api::get(&format!("{site}/config"), &[])?;
    c.check("GET", "/v1/sites/{site}/config", &config)?;
    let etag = config.header("etag").unwrap_or_default().to_owned();
    c.check("GET", "/v1/sites/{site}/config", &api::get(&format!("{site}/config"), &[("if-none-match", &etag)])?)?;
    c.check("GET", "/v1/sites/{site}/config", &api::get(&format!("{e}/v1/sites/nope/config"), &[])?)?;

    let body = |value: i64, rev: u32| {
        json!({ "id": "0190a6e2-7c1d-7abc-8def-0000000000c1", "site": "demo", "scale": "stars", "value": value, "comment": "Nice",
        "page": "/docs", "locale": "en", "client_ts": 1_763_900_000_000_u64, "widget_version": "0.1.0", "rev": rev,
        "attributes": { "plan": "pro" } })
        .to_string()
    };
    let post =
        |b: &str, ctype: &str, origin: &str| api::post(&format!("{site}/feedback"), &[("content-type", ctype), ("origin", origin)], b.as_bytes());
    c.check("POST", "/v1/sites/{site}/feedback", &post(&body(4, 0), "application/json", ORIGIN)?)?;
    c.check("POST", "/v1/sites/{site}/feedback", &post(&body(4, 0), "text/plain", ORIGIN)?)?;
    c.check("POST", "/v1/sites/{site}/feedback", &post(&body(5, 0), "application/json", ORIGIN)?)?;
    c.check("POST", "/v1/sites/{site}/feedback", &post(&body(9, 1), "application/json", ORIGIN)?)?;
    c.check("POST", "/v1/sites/{site}/feedback", &post(&body(4, 0), "application/json", "https://evil.example")?)?;
    c.check("POST", "/v1/sites/{site}/feedback", &post(&body(4, 0), "application/xml", ORIGIN)?)?;
    c.check("POST", "/v1/sites/{site}/feedback", &post(&" ".repeat(20_000), "application/json", ORIGIN)?)?;
    let with_email = body(4, 0).replace(r#"{"plan":"pro"}"#, r#"{"email":"ann@example.com"}"#);
    c.check("POST", "/v1/sites/{site}/feedback", &post(&with_email, "application/json", ORIGIN)?)?;
    let preflight =
        |origin: &str| api::request("OPTIONS", &format!("{site}/feedback"), &[("origin", origin), ("access-control-request-method", "POST")], None);
    c.check("OPTIONS", "/v1/sites/{site}/feedback", &preflight(ORIGIN)?)?;
    c.check("OPTIONS", "/v1/sites/{site}/feedback", &preflight("https://evil.example")?)?;
    c.check("GET", "/v1/sites/{site}/feedback", &api::get(&format!("{site}/feedback?limit=10"), &[("authorization", &owner)])?)?;
    c.check("GET", "/v1/sites/{site}/feedback", &api::get(&format!("{site}/feedback?attribute=plan:pro"), &[("authorization", &owner)])?)?;
    c.check("GET", "/v1/sites/{site}/feedback", &api::get(&format!("{site}/feedback?limit=0"), &[("authorization", &owner)])?)?;
    c.check("GET", "/v1/sites/{site}/feedback", &api::get(&format!("{site}/feedback"), &[])?)?;

    for path in [
        "summary",
        "summary?from=2026-01-01&page=/docs",
        "summary?pages_limit=1",
        "summary?pages_limit=200&pages_cursor=1_%2Fdocs",
        "summary?by=plan",
    ] {
        c.check("GET", "/v1/sites/{site}/summary", &api::get(&format!("{site}/{path}"), &[("authorization", &owner)])?)?;
    }
    c.check("GET", "/v1/sites/{site}/summary", &api::get(&format!("{site}/summary?from=never"), &[("authorization", &owner)])?)?;
    c.check("GET", "/v1/sites/{site}/summary", &api::get(&format!("{site}/summary?pages_limit=201"), &[("authorization", &owner)])?)?;
    c.check("GET", "/v1/sites/{site}/summary", &api::get(&format!("{site}/summary"), &[])?)?;
    c.check("GET", "/v1/sites/{site}/summary", &api::get(&format!("{e}/v1/sites/nope/summary"), &[("authorization", &owner)])?)?;
    for format in ["csv", "ndjson"] {
        let template = format!("/v1/sites/{{site}}/export.{format}");
        c.check("GET", &template, &api::get(&format!("{site}/export.{format}"), &[("authorization", &owner)])?)?;
        c.check("GET", &template, &api::get(&format!("{site}/export.{format}"), &[])?)?;
    }
    c.check("GET", "/v1/sites/{site}/webhook-deliveries", &api::get(&format!("{site}/webhook-deliveries"), &[("authorization", &owner)])?)?;
    c.check("GET", "/v1/sites/{site}/webhook-deliveries", &api::get(&format!("{site}/webhook-deliveries"), &[])?)?;
    c.check("POST", "/v1/sites/{site}/webhook-test", &api::post(&format!("{site}/webhook-test"), &[("authorization", &owner)], b"")?)?;
    c.check("POST", "/v1/sites/{site}/webhook-test", &api::post(&format!("{site}/webhook-test"), &[], b"")?)?;
    // Alerts (issue 17): the test button's alert and digest, a bad body, a wrong type, no key.
    let json_owner = [("authorization", owner.as_str()), ("content-type", "application/json")];
    for body in [r#"{"kind":"alert"}"#, r#"{"kind":"digest"}"#, r#"{"kind":"sms"}"#] {
        c.check("POST", "/v1/sites/{site}/alert-test", &api::post(&format!("{site}/alert-test"), &json_owner, body.as_bytes())?)?;
    }
    c.check("POST", "/v1/sites/{site}/alert-test", &api::post(&format!("{site}/alert-test"), &[("authorization", &owner)], b"kind=alert")?)?;
    c.check("POST", "/v1/sites/{site}/alert-test", &api::post(&format!("{site}/alert-test"), &[], b"")?)?;

    // Triage (issue 16): one submission, and the bulk form, each answer checked.
    let triage = |key: &str, method: &str, path: &str, body: Value| {
        let url = format!("{site}/feedback/{path}");
        api::request(method, &url, &[("authorization", key), ("content-type", "application/json")], Some(body.to_string().as_bytes()))
    };
    let c1 = "0190a6e2-7c1d-7abc-8def-0000000000c1";
    c.check("PATCH", "/v1/sites/{site}/feedback/{id}", &triage(&owner, "PATCH", c1, json!({ "status": "resolved", "add_tags": ["bug"] }))?)?;
    c.check("PATCH", "/v1/sites/{site}/feedback/{id}", &triage(&owner, "PATCH", c1, json!({ "status": "done" }))?)?;
    c.check("PATCH", "/v1/sites/{site}/feedback/{id}", &triage("Bearer x", "PATCH", c1, json!({ "status": "seen" }))?)?;
    c.check(
        "PATCH",
        "/v1/sites/{site}/feedback/{id}",
        &triage(&owner, "PATCH", "0190a6e2-7c1d-7abc-8def-0000000000ff", json!({ "status": "seen" }))?,
    )?;
    c.check("POST", "/v1/sites/{site}/feedback/triage", &triage(&owner, "POST", "triage", json!({ "ids": [c1], "status": "seen" }))?)?;
    c.check("POST", "/v1/sites/{site}/feedback/triage", &triage(&owner, "POST", "triage", json!({ "ids": [], "status": "seen" }))?)?;
    c.check("GET", "/v1/sites/{site}/feedback", &api::get(&format!("{site}/feedback?status=seen&tag=bug"), &[("authorization", &owner)])?)?;
    c.check("GET", "/v1/sites/{site}/export.csv", &api::get(&format!("{site}/export.csv?tag=Nope"), &[("authorization", &owner)])?)?;

    // Quotes, testimonials and the badge (issue 17): off until the owner opts in.
    c.check("GET", "/v1/sites/{site}/testimonials", &api::get(&format!("{site}/testimonials"), &[])?)?;
    c.check("GET", "/v1/sites/{site}/badge.svg", &api::get(&format!("{site}/badge.svg"), &[])?)?;
    c.check("PATCH", "/v1/sites/{site}", &patch(&owner, json!({ "public": { "testimonials": true, "badge": true } }))?)?;
    let quote_key = "q".repeat(32);
    let quoted = |id: &str, value: i64| {
        json!({ "id": id, "site": "demo", "scale": "stars", "value": value, "comment": "Lovely docs", "page": "/docs", "locale": "en",
        "client_ts": 1_763_900_000_000_u64, "widget_version": "0.1.0", "rev": 0, "key": quote_key, "dwell_ms": 5000 })
        .to_string()
    };
    let (q5, q3) = ("0190a6e2-7c1d-7abc-8def-0000000000d5", "0190a6e2-7c1d-7abc-8def-0000000000d3");
    for (id, value) in [(q5, 5), (q3, 3)] {
        let stored = post(&quoted(id, value), "application/json", ORIGIN)?;
        ensure!(stored.status == 201, "{stored:?}");
        c.check("POST", "/v1/sites/{site}/feedback", &stored)?;
    }
    let receipt = format!("Receipt {quote_key}");
    let quote = |method: &str, id: &str, auth: &str, body: Option<Value>| {
        let mut headers = vec![("authorization", auth), ("origin", ORIGIN)];
        if body.is_some() {
            headers.push(json_type);
        }
        api::request(method, &format!("{site}/feedback/{id}/quote"), &headers, body.map(|b| b.to_string()).as_deref().map(str::as_bytes))
    };
    c.check(
        "PUT",
        "/v1/sites/{site}/feedback/{id}/quote",
        &quote("PUT", q5, "Receipt wrong-key-wrong-key-wrong-key-00", Some(json!({ "name": "Ana" })))?,
    )?;
    c.check("PUT", "/v1/sites/{site}/feedback/{id}/quote", &quote("PUT", q3, &receipt, Some(json!({ "name": "Ana" })))?)?;
    c.check("PUT", "/v1/sites/{site}/feedback/{id}/quote", &quote("PUT", q5, &receipt, Some(json!({ "name": "A".repeat(41) })))?)?;
    let consented = quote("PUT", q5, &receipt, Some(json!({ "name": "Ana" })))?;
    ensure!(consented.status == 200 && consented.json()["quote"] == "pending", "{consented:?}");
    c.check("PUT", "/v1/sites/{site}/feedback/{id}/quote", &consented)?;
    c.check("PATCH", "/v1/sites/{site}/feedback/{id}/quote", &quote("PATCH", q5, "Bearer x", Some(json!({ "approved": true })))?)?;
    c.check("PATCH", "/v1/sites/{site}/feedback/{id}/quote", &quote("PATCH", q3, &owner, Some(json!({ "approved": true })))?)?;
    c.check("PATCH", "/v1/sites/{site}/feedback/{id}/quote", &quote("PATCH", q5, &owner, Some(json!({ "approve": true })))?)?;
    c.check("PATCH", "/v1/sites/{site}/feedback/{id}/quote", &quote("PATCH", q5, &owner, Some(json!({ "approved": true })))?)?;
    c.check("GET", "/v1/sites/{site}/feedback", &api::get(&format!("{site}/feedback?quote=approved"), &[("authorization", &owner)])?)?;
    let wall = api::get(&format!("{site}/testimonials?limit=5"), &[])?;
    ensure!(wall.json()["testimonials"][0]["name"] == "Ana", "{wall:?}");
    c.check("GET", "/v1/sites/{site}/testimonials", &wall)?;
    c.check("GET", "/v1/sites/{site}/testimonials", &api::get(&format!("{site}/testimonials?limit=51"), &[])?)?;
    c.check("GET", "/v1/sites/{site}/badge.svg", &api::get(&format!("{site}/badge.svg"), &[])?)?;
    let quote_preflight = |origin: Option<&str>| {
        let mut headers = vec![("access-control-request-method", "PUT"), ("access-control-request-headers", "authorization, content-type")];
        headers.extend(origin.map(|o| ("origin", o)));
        api::request("OPTIONS", &format!("{site}/feedback/{q5}/quote"), &headers, None)
    };
    c.check("OPTIONS", "/v1/sites/{site}/feedback/{id}/quote", &quote_preflight(Some(ORIGIN))?)?;
    c.check("OPTIONS", "/v1/sites/{site}/feedback/{id}/quote", &quote_preflight(None)?)?;
    c.check("DELETE", "/v1/sites/{site}/feedback/{id}/quote", &quote("DELETE", q5, "Receipt nope", None)?)?;
    c.check("DELETE", "/v1/sites/{site}/feedback/{id}/quote", &quote("DELETE", q5, &receipt, None)?)?;

    // Replies (issue 17): the owner's, a visitor's check by receipt, its one follow-up.
    let reply_key = "r".repeat(32);
    let r1 = "0190a6e2-7c1d-7abc-8def-0000000000e1";
    let replied = json!({ "id": r1, "site": "demo", "scale": "stars", "value": 2, "comment": "Search is broken", "page": "/docs",
        "locale": "en", "client_ts": 1_763_900_000_000_u64, "widget_version": "0.1.0", "rev": 0, "key": reply_key, "dwell_ms": 9000 })
    .to_string();
    c.check("POST", "/v1/sites/{site}/feedback", &post(&replied, "application/json", ORIGIN)?)?;
    let reply = |method: &str, id: &str, auth: &str, body: Option<Value>| {
        let mut headers = vec![("authorization", auth)];
        if body.is_some() {
            headers.push(json_type);
        }
        api::request(method, &format!("{site}/feedback/{id}/reply"), &headers, body.map(|b| b.to_string()).as_deref().map(str::as_bytes))
    };
    let sent = reply("PUT", r1, &owner, Some(json!({ "text": "Fixed in 2.1, thanks!", "fixed": true })))?;
    ensure!(sent.status == 200 && sent.json()["fixed"] == true && sent.json()["seen_at"].is_null(), "{sent:?}");
    c.check("PUT", "/v1/sites/{site}/feedback/{id}/reply", &sent)?;
    c.check("PUT", "/v1/sites/{site}/feedback/{id}/reply", &reply("PUT", r1, "Bearer x", Some(json!({ "text": "hi" })))?)?;
    c.check("PUT", "/v1/sites/{site}/feedback/{id}/reply", &reply("PUT", r1, &owner, Some(json!({ "text": " " })))?)?;
    c.check(
        "PUT",
        "/v1/sites/{site}/feedback/{id}/reply",
        &reply("PUT", "0190a6e2-7c1d-7abc-8def-0000000000ff", &owner, Some(json!({ "text": "hi" })))?,
    )?;
    let check = |receipts: Value| {
        let body = json!({ "receipts": receipts }).to_string();
        api::post(&format!("{site}/replies"), &[("content-type", "text/plain"), ("origin", ORIGIN)], body.as_bytes())
    };
    let found = check(json!([{ "id": r1, "key": reply_key }, { "id": c1, "key": reply_key }]))?;
    ensure!(found.json()["replies"].as_array().map(Vec::len) == Some(1), "{found:?}");
    c.check("POST", "/v1/sites/{site}/replies", &found)?;
    c.check("POST", "/v1/sites/{site}/replies", &check(json!(vec![json!({ "id": r1, "key": reply_key }); 21]))?)?;
    let listed = api::get(&format!("{site}/feedback?reply=sent"), &[("authorization", &owner)])?;
    ensure!(listed.json()["items"][0]["reply"]["seen_at"].is_i64(), "{listed:?}");
    c.check("GET", "/v1/sites/{site}/feedback", &listed)?;
    let preflight_of = |path: &str, headers: &'static str| {
        api::request(
            "OPTIONS",
            &format!("{site}/{path}"),
            &[("origin", ORIGIN), ("access-control-request-method", "POST"), ("access-control-request-headers", headers)],
            None,
        )
    };
    c.check("OPTIONS", "/v1/sites/{site}/replies", &preflight_of("replies", "content-type")?)?;
    c.check("OPTIONS", "/v1/sites/{site}/feedback/{id}/followup", &preflight_of(&format!("feedback/{r1}/followup"), "authorization, content-type")?)?;
    let followup = |auth: &str| {
        let body = json!({ "comment": "Works now, thank you" }).to_string();
        api::post(&format!("{site}/feedback/{r1}/followup"), &[("authorization", auth), json_type, ("origin", ORIGIN)], body.as_bytes())
    };
    c.check("POST", "/v1/sites/{site}/feedback/{id}/followup", &followup(&format!("Receipt {}", "w".repeat(32)))?)?;
    c.check("POST", "/v1/sites/{site}/feedback/{id}/followup", &followup(&format!("Receipt {reply_key}"))?)?;
    c.check("POST", "/v1/sites/{site}/feedback/{id}/followup", &followup(&format!("Receipt {reply_key}"))?)?;
    c.check("DELETE", "/v1/sites/{site}/feedback/{id}/reply", &reply("DELETE", r1, "Bearer x", None)?)?;
    c.check("DELETE", "/v1/sites/{site}/feedback/{id}/reply", &reply("DELETE", r1, &owner, None)?)?;
    c.check("DELETE", "/v1/sites/{site}/feedback/{id}/reply", &reply("DELETE", r1, &owner, None)?)?;

    // Rating links (issue 17): made by the owner, clicked and commented on without script.
    let make = |auth: &str, body: Value| api::post(&format!("{site}/links"), &[("authorization", auth), json_type], body.to_string().as_bytes());
    let made = make(&owner, json!({ "campaign": "support-email", "scale": "stars", "reference": "T-1" }))?;
    ensure!(made.status == 201 && made.json()["links"].as_array().map(Vec::len) == Some(5), "{made:?}");
    c.check("POST", "/v1/sites/{site}/links", &made)?;
    c.check("POST", "/v1/sites/{site}/links", &make(&owner, json!({ "campaign": "web", "scale": "stars" }))?)?;
    c.check("POST", "/v1/sites/{site}/links", &make("Bearer x", json!({ "campaign": "mail", "scale": "stars" }))?)?;
    let link = format!("{e}/r/{}", made.json()["token"].as_str().context("token")?);
    let clicked = api::get(&format!("{link}?v=4"), &[("accept", "application/json")])?;
    ensure!(clicked.status == 201 && clicked.json()["channel"] == "support-email", "{clicked:?}");
    c.check("GET", "/r/{token}", &clicked)?;
    c.check("GET", "/r/{token}", &api::get(&format!("{link}?v=4"), &[])?)?;
    c.check("GET", "/r/{token}", &api::get(&format!("{link}?v=6"), &[])?)?;
    let forged = format!("{e}/r/x{}?v=4", &link[link.len() - 20..]);
    c.check("GET", "/r/{token}", &api::get(&forged, &[])?)?;
    c.check("GET", "/r/{token}", &api::get(&forged, &[("accept", "application/json")])?)?;
    let form = |ctype: &str, body: &str| api::post(&link, &[("content-type", ctype)], body.as_bytes());
    c.check("POST", "/r/{token}", &form("application/x-www-form-urlencoded", "v=4&comment=Quick+answer")?)?;
    c.check("POST", "/r/{token}", &form("text/plain", "v=4")?)?;

    let one = format!("{site}/feedback/0190a6e2-7c1d-7abc-8def-0000000000c1");
    let undo_preflight = |origin: &str| {
        api::request(
            "OPTIONS",
            &one,
            &[("origin", origin), ("access-control-request-method", "DELETE"), ("access-control-request-headers", "authorization")],
            None,
        )
    };
    let granted = undo_preflight(ORIGIN)?;
    ensure!(
        granted.header("access-control-allow-headers") == Some("authorization") && granted.header("access-control-allow-origin") == Some(ORIGIN),
        "{granted:?}"
    );
    c.check("OPTIONS", "/v1/sites/{site}/feedback/{id}", &granted)?;
    c.check("OPTIONS", "/v1/sites/{site}/feedback/{id}", &undo_preflight("https://evil.example")?)?;
    let widget_config = api::get(&format!("{site}/config?lang=ar-EG"), &[])?;
    ensure!(widget_config.json()["widget"]["dir"] == "rtl", "{}", widget_config.json());
    c.check("GET", "/v1/sites/{site}/config", &widget_config)?;
    c.check("DELETE", "/v1/sites/{site}/feedback/{id}", &api::request("DELETE", &one, &[], None)?)?;
    c.check("DELETE", "/v1/sites/{site}/feedback/{id}", &api::request("DELETE", &one, &[("authorization", &owner)], None)?)?;
    c.check("DELETE", "/v1/sites/{site}/feedback/{id}", &api::request("DELETE", &one, &[("authorization", &owner)], None)?)?;

    c.check("POST", "/v1/sites/{site}/keys", &api::post(&format!("{site}/keys"), &[("authorization", "Bearer x")], b"")?)?;
    let rotated = api::post(&format!("{site}/keys"), &[("authorization", &owner)], b"")?;
    c.check("POST", "/v1/sites/{site}/keys", &rotated)?;
    let owner = format!("Bearer {}", rotated.json()["owner_key"].as_str().context("the new key")?);
    c.check("DELETE", "/v1/sites/{site}", &api::request("DELETE", &site, &[("authorization", "Bearer x")], None)?)?;
    c.check("DELETE", "/v1/sites/{site}", &api::request("DELETE", &format!("{e}/v1/sites/Not_A_Site"), &[("authorization", &owner)], None)?)?;
    c.check("DELETE", "/v1/sites/{site}", &api::request("DELETE", &site, &[("authorization", &owner)], None)?)?;

    let documented: BTreeSet<(String, String)> = c.doc["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            item.as_object().into_iter().flatten().filter(|(m, _)| *m != "parameters").map(move |(m, _)| (m.clone(), path.clone()))
        })
        .collect();
    let untested: Vec<_> = documented.difference(&c.called).collect();
    println!("{} answers from {} documented operations conform to the OpenAPI document", c.answers, documented.len());
    ensure!(untested.is_empty(), "documented but never called: {untested:?}");
    Ok(())
}

#[test]
fn the_schema_check_rejects_wrong_types_missing_and_undocumented_fields() -> Result<()> {
    let doc = json!({ "components": { "schemas": { "Item": { "type": "object", "properties": { "n": { "type": "integer" }, "s": { "type": ["string", "null"] } }, "required": ["n"], "additionalProperties": false } } } });
    let item = json!({ "$ref": "#/components/schemas/Item" });
    ensure!(conforms(&json!({ "n": 1, "s": null }), &item, &doc, "ok").is_ok());
    ensure!(conforms(&json!({ "n": "1" }), &item, &doc, "type").is_err(), "a wrong type is caught");
    ensure!(conforms(&json!({ "s": "x" }), &item, &doc, "required").is_err(), "a missing field is caught");
    ensure!(conforms(&json!({ "n": 1, "extra": true }), &item, &doc, "extra").is_err(), "an undocumented field is caught");
    ensure!(conforms(&json!([{ "n": 1.5 }]), &json!({ "type": "array", "items": item }), &doc, "items").is_err(), "array items are checked");
    Ok(())
}
