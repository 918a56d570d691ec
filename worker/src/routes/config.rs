//! `GET /v1/sites/{site}/config?lang=…`: the widget's public configuration in the visitor's
//! language, cacheable, with an ETag.

use worker::{Env, Request, Response};

use crate::http::{self, Failure};
use crate::site;

/// How long browsers and the edge may reuse a config before asking again, in seconds.
const MAX_AGE: u32 = 60;

/// Answers 304 when the client's ETag is current.
pub async fn get(req: &Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    // Only a language tag's letters, digits and '-' go on: the object picks a bundled language.
    let lang: String = req
        .url()?
        .query_pairs()
        .find(|(k, _)| k == "lang")
        .map(|(_, v)| v.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(35).collect())
        .unwrap_or_default();
    let config = match site::client(env, &site)?.config(lang).await {
        Ok(config) => config,
        Err(failure) => return http::allow_any_origin(http::error_response(&failure)?),
    };
    // The same bytes as the JSON answer would be: the ETag is their hash.
    let body = serde_json::to_vec(&config).map_err(|e| Failure::Internal(format!("config: {e}")))?;
    let etag = format!("\"{}\"", &http::sha256_hex(&body)[..32]);
    // Compared weakly: a proxy that compresses the body may have turned it into W/"…".
    let fresh = req
        .headers()
        .get("if-none-match")?
        .is_some_and(|tags| tags.split(',').map(|t| t.trim().trim_start_matches("W/")).any(|t| t == etag || t == "*"));
    let response = if fresh { Response::empty()?.with_status(304) } else { Response::from_bytes(body)? };
    let headers = response.headers();
    headers.set("content-type", "application/json")?;
    headers.set("etag", &etag)?;
    headers.set("cache-control", &format!("public, max-age={MAX_AGE}"))?;
    http::allow_any_origin(response)
}
