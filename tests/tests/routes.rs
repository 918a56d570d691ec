//! The Worker's one route table (`worker/src/routes/table.rs`, compiled here as it is) agrees
//! with the OpenAPI document, operation for operation, and derives the `Allow` headers the API
//! has always answered.

#[allow(dead_code)]
#[path = "../../worker/src/routes/table.rs"]
mod table;

use std::collections::BTreeSet;

use anyhow::{ensure, Context, Result};
use serde_json::Value;
use table::{find, Handler, Lookup, BENCH_ROUTES, ROUTES};

/// The (method, path) pairs `worker/openapi.json` documents.
fn documented_operations() -> Result<BTreeSet<(String, String)>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../worker/openapi.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).context(path)?)?;
    let paths = doc["paths"].as_object().context("openapi.json has no paths")?;
    Ok(paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object().into_iter().flatten().filter(|(m, _)| *m != "parameters").map(move |(m, _)| (m.to_ascii_uppercase(), path.clone()))
        })
        .collect())
}

#[test]
fn every_documented_route_is_in_openapi_json_and_every_operation_there_is_routed() -> Result<()> {
    let documented = documented_operations()?;
    let table: BTreeSet<(String, String)> = ROUTES.iter().filter(|r| r.documented).map(|r| (r.method.to_owned(), r.path.to_owned())).collect();
    let missing_from_doc: Vec<_> = table.difference(&documented).collect();
    let missing_from_table: Vec<_> = documented.difference(&table).collect();
    ensure!(missing_from_doc.is_empty(), "routed and marked documented, but not in worker/openapi.json: {missing_from_doc:?}");
    ensure!(missing_from_table.is_empty(), "in worker/openapi.json but not routed (or marked documented: false): {missing_from_table:?}");
    Ok(())
}

#[test]
fn undocumented_routes_are_head_twins_the_dashboard_or_bench_only() {
    let odd: Vec<_> = ROUTES
        .iter()
        .chain(BENCH_ROUTES)
        .filter(|r| {
            !r.documented
                && r.method != "HEAD"
                && !r.path.starts_with("/dashboard")
                && !matches!(r.handler, Handler::BenchSeed | Handler::BenchMeter | Handler::BenchRewind | Handler::BenchAlerts)
        })
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(odd.is_empty(), "document these in worker/openapi.json: {odd:?}");
}

#[test]
fn every_route_is_reachable_and_answered_by_its_own_handler() {
    for route in ROUTES {
        let path = route.path.replace("{site}", "demo").replace("{id}", "0190a6e2-7c1d-7abc-8def-0123456789ab").replace("{file}", "x.js");
        match find(&[ROUTES], route.method, &path) {
            Lookup::Route(handler, _) => assert_eq!(handler, route.handler, "{} {path} is shadowed by an earlier route", route.method),
            other => panic!("{} {path}: {other:?}", route.method),
        }
    }
}

#[test]
fn the_allow_header_of_every_known_path_is_the_one_the_api_has_always_sent() {
    let cases = [
        ("/healthz", "GET, HEAD"),
        ("/v1/embed.js", "GET, HEAD"),
        ("/v1/widget/sayso.wasm", "GET, HEAD"),
        ("/v1/openapi.json", "GET"),
        ("/v1/sites", "GET, POST"),
        ("/v1/sites/demo", "GET, PATCH, DELETE"),
        ("/v1/sites/demo/webhook-test", "POST"),
        ("/v1/sites/demo/alert-test", "POST"),
        ("/v1/sites/demo/keys", "POST"),
        ("/v1/sites/demo/webhook-deliveries", "GET"),
        ("/dashboard", "GET"),
        ("/dashboard/view", "GET"),
        ("/v1/sites/demo/config", "GET, HEAD"),
        ("/v1/sites/demo/feedback", "GET, POST, OPTIONS"),
        ("/v1/sites/demo/feedback/some-id", "PATCH, DELETE, OPTIONS"),
        ("/v1/sites/demo/feedback/triage", "POST, PATCH, DELETE, OPTIONS"),
        ("/v1/sites/demo/export.csv", "GET"),
        ("/v1/sites/demo/export.ndjson", "GET"),
        ("/v1/sites/demo/summary", "GET"),
    ];
    for (path, allow) in cases {
        assert_eq!(find(&[ROUTES], "PUT", path), Lookup::MethodNotAllowed(allow.to_owned()), "PUT {path}");
    }
    // Quotes (issue 17): a path with PUT, probed with POST.
    for (path, allow) in [
        ("/v1/sites/demo/testimonials", "GET"),
        ("/v1/sites/demo/badge.svg", "GET"),
        ("/v1/sites/demo/feedback/x/quote", "PUT, PATCH, DELETE, OPTIONS"),
    ] {
        assert_eq!(find(&[ROUTES], "POST", path), Lookup::MethodNotAllowed(allow.to_owned()), "POST {path}");
    }
    // Replies (issue 17): the owner's PUT and DELETE, the visitor's POSTs with their preflights.
    assert_eq!(find(&[ROUTES], "POST", "/v1/sites/demo/feedback/x/reply"), Lookup::MethodNotAllowed("PUT, DELETE".to_owned()));
    for path in ["/v1/sites/demo/replies", "/v1/sites/demo/feedback/x/followup"] {
        assert_eq!(find(&[ROUTES], "GET", path), Lookup::MethodNotAllowed("POST, OPTIONS".to_owned()), "GET {path}");
    }
    assert_eq!(find(&[ROUTES], "PUT", "/v1/sites/demo/feedback/abc/reply"), Lookup::Route(Handler::PutReply, vec!["demo", "abc"]));
    assert_eq!(find(&[ROUTES], "POST", "/v1/sites/demo/replies"), Lookup::Route(Handler::CheckReplies, vec!["demo"]));
    assert_eq!(find(&[ROUTES], "GET", "/nowhere"), Lookup::NotFound);
    // The bench route is routed in bench builds only and never changes a 404 into a 405.
    assert_eq!(find(&[ROUTES], "POST", "/v1/sites/demo/bench-seed"), Lookup::NotFound);
    assert_eq!(find(&[ROUTES, BENCH_ROUTES], "GET", "/v1/sites/demo/bench-seed"), Lookup::NotFound);
    assert_eq!(find(&[ROUTES, BENCH_ROUTES], "POST", "/v1/sites/demo/bench-seed"), Lookup::Route(Handler::BenchSeed, vec!["demo"]));
}

#[test]
fn path_segments_are_captured_in_order() {
    assert_eq!(find(&[ROUTES], "DELETE", "/v1/sites/demo/feedback/abc"), Lookup::Route(Handler::Delete, vec!["demo", "abc"]));
    assert_eq!(find(&[ROUTES], "GET", "/dashboard/app.js"), Lookup::Route(Handler::DashboardFile, vec!["app.js"]));
}
