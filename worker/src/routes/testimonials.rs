//! `GET /v1/sites/{site}/testimonials?limit=`: a site's approved quotes, public where its owner
//! opted in (`public.testimonials`), for `<sayso-wall>` and anyone's page.
//!
//! Public means: no submission id, page, key or time of the rating, only what the visitor agreed
//! to show (`quote::Testimonial`). Cached at the edge (the Workers Cache API, one entry per site
//! holding the newest `TESTIMONIALS_MAX`, sliced per `limit`) and in browsers for
//! `PUBLIC_MAX_AGE_SECONDS`: a consent, withdrawal or decision purges this edge's entry at once
//! (`quotes.rs`); elsewhere, and after a delete, an undo, retention or a settings change, the
//! `max-age` bounds how long the old list shows.

use sayso_core::quote::{testimonials_limit, Testimonial, Testimonials, PUBLIC_MAX_AGE_SECONDS, TESTIMONIALS_MAX};
use sayso_core::SiteId;
use worker::{Cache, Env, Request, Response};

use crate::http::{self, Failure};
use crate::site;

/// The one cache entry of a site's testimonials, on this Worker's own host (no query: every
/// `limit` is a slice of it).
pub fn cache_key(req: &Request, site: &SiteId) -> Result<String, Failure> {
    let url = req.url()?;
    Ok(format!("{}/v1/sites/{}/testimonials", url.origin().ascii_serialization(), site.as_str()))
}

/// Approved only, newest first, at most `limit` (1–50, 20 by default); 404 `testimonials_off`
/// unless the owner opted in.
pub async fn get(req: &Request, env: &Env, site: &str) -> Result<Response, Failure> {
    match listed(req, env, site).await {
        Ok(response) => http::allow_any_origin(response),
        Err(failure) => http::allow_any_origin(http::error_response(&failure)?),
    }
}

async fn listed(req: &Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let raw = req.url()?.query_pairs().find(|(k, _)| k == "limit").map(|(_, v)| v.into_owned());
    let limit = testimonials_limit(raw.as_deref())?;
    let mut all = newest(req, env, &site).await?;
    all.truncate(limit);
    let response = http::json(200, &Testimonials { testimonials: all })?;
    response.headers().set("cache-control", &format!("public, max-age={PUBLIC_MAX_AGE_SECONDS}"))?;
    Ok(response)
}

/// The newest `TESTIMONIALS_MAX`, from this edge's cache, else from the site's objects (then
/// cached). A cache that fails is only logged: the objects answer.
async fn newest(req: &Request, env: &Env, site: &SiteId) -> Result<Vec<Testimonial>, Failure> {
    let key = cache_key(req, site)?;
    let cache = Cache::default();
    match cache.get(key.as_str(), true).await {
        Ok(Some(mut hit)) => {
            if let Ok(cached) = serde_json::from_slice::<Testimonials>(&hit.bytes().await?) {
                return Ok(cached.testimonials);
            }
        }
        Ok(None) => {}
        Err(e) => worker::console_error!("reading the testimonials' cache: {e}"),
    }
    let testimonials = site::client(env, site)?.testimonials(TESTIMONIALS_MAX as u32).await?;
    let entry = http::json(200, &Testimonials { testimonials: testimonials.clone() })?;
    entry.headers().set("cache-control", &format!("public, max-age={PUBLIC_MAX_AGE_SECONDS}"))?;
    if let Err(e) = cache.put(key.as_str(), entry).await {
        worker::console_error!("caching the testimonials: {e}");
    }
    Ok(testimonials)
}
