//! One module per resource; each route returns `Result<Response, Failure>` and `http::finish`
//! turns failures into JSON errors.

pub mod assets;
pub mod config;
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

/// Parses the `{site}` path segment.
pub fn site_id(segment: &str) -> Result<SiteId, Failure> {
    SiteId::parse(segment).map_err(|_| Failure::SiteNotFound)
}
