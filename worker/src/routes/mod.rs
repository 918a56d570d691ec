//! One module per resource; each route parses its input once, calls the site's object through
//! the typed `site::client`, and returns `Result<Response, Failure>` (`http::finish` turns
//! failures into JSON errors). Which route answers what is `table.rs`, the one route table.

pub mod alerts;
pub mod assets;
pub mod badge;
pub mod config;
pub mod dashboard;
pub mod dry_run;
pub mod erase;
pub mod export;
pub mod feedback;
pub mod links;
pub mod quotes;
pub mod rate_page;
mod rate_view;
pub mod replies;
pub mod sites;
pub mod submit;
pub mod summary;
pub mod table;
pub mod testimonials;
pub mod triage;

use sayso_core::SiteId;
use worker::{Env, Request, Response};

use crate::http::Failure;
use crate::site::Credential;

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

/// A CORS preflight for `methods` with `request_headers`: granted to any page of a site that
/// exists, so that the request itself is sent and its answer, a refusal included, read. The
/// request checks the origin; the preflight only asks the site's object whether it exists.
pub async fn preflight(req: &Request, env: &Env, site: &str, methods: &str, request_headers: &str) -> Result<Response, Failure> {
    let site = site_id(site)?;
    let origin = crate::http::request_origin(req)?;
    let answer = match crate::site::client(env, &site)?.check_origin(origin.as_str()).await {
        Ok(()) | Err(Failure::OriginNotAllowed) => Ok(Response::empty()?.with_status(204)),
        Err(failure) => Err(failure),
    };
    crate::http::readable_by(answer, &origin, methods, request_headers)
}

/// The request's `Authorization` header, for the site's object to check.
pub fn credential(req: &Request) -> Result<Credential, Failure> {
    Ok(Credential(req.headers().get("authorization")?))
}
