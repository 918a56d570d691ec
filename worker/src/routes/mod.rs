//! One module per resource; each route returns `Result<Response, Failure>` and `http::finish`
//! turns failures into JSON errors.

pub mod assets;
pub mod config;
pub mod dashboard;
pub mod export;
pub mod feedback;
pub mod sites;
pub mod submit;
pub mod summary;

use sayso_core::SiteId;
use worker::Response;

use crate::http::Failure;

/// `GET /healthz`: the Worker is up (it touches no storage).
pub fn health() -> Result<Response, Failure> {
    Ok(Response::ok("ok")?)
}

/// `GET /v1/openapi.json`: the API contract (kept true by `tests/tests/openapi.rs`).
pub fn openapi() -> Result<Response, Failure> {
    let response = Response::ok(include_str!("../../openapi.json"))?;
    response.headers().set("content-type", "application/json")?;
    response.headers().set("cache-control", "public, max-age=300")?;
    crate::http::allow_any_origin(response)
}

/// Parses the `{site}` path segment.
pub fn site_id(segment: &str) -> Result<SiteId, Failure> {
    SiteId::parse(segment).map_err(|_| Failure::SiteNotFound)
}

/// The methods a known path accepts, for `405` and its `Allow` header; `None` if no route has
/// this path.
pub fn allowed_methods(segments: &[&str]) -> Option<&'static str> {
    match segments {
        ["healthz"] | ["v1", "embed.js"] | ["v1", "widget", _] => Some("GET, HEAD"),
        ["v1", "openapi.json"] => Some("GET"),
        ["v1", "sites"] => Some("GET, POST"),
        ["v1", "sites", _] => Some("GET, PATCH"),
        ["v1", "sites", _, "keys"] => Some("POST"),
        ["v1", "sites", _, "webhook-deliveries"] => Some("GET"),
        ["dashboard"] | ["dashboard", _] => Some("GET"),
        ["v1", "sites", _, "config"] => Some("GET, HEAD"),
        ["v1", "sites", _, "feedback"] => Some("GET, POST, OPTIONS"),
        ["v1", "sites", _, "feedback", _] => Some("DELETE, OPTIONS"),
        ["v1", "sites", _, "export.csv" | "export.ndjson"] => Some("GET"),
        ["v1", "sites", _, "summary"] => Some("GET"),
        _ => None,
    }
}
