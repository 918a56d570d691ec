//! `GET /v1/sites/{site}/badge.svg`: the public score badge ("4.6 / 5 · 1,203 ratings",
//! `sayso_core::badge`), where the owner opted in (`public.badge`), for a README or a footer.
//!
//! Its numbers are the site's summary with no range (what `GET …/summary` answers with no
//! parameters), so the badge and the dashboard's headline agree. It is an image that can run
//! nothing: `image/svg+xml` with `default-src 'none'; style-src 'unsafe-inline'` (an SVG opened
//! on its own is a document), `nosniff`, and cached for `PUBLIC_MAX_AGE_SECONDS` (the edge's
//! cache and browsers': a new rating shows within that).

use sayso_core::badge;
use sayso_core::quote::PUBLIC_MAX_AGE_SECONDS;
use worker::{Cache, Env, Request, Response};

use crate::http::Failure;
use crate::site::{self, SummaryQuery};

/// The badge; 404 `badge_off` (JSON) unless the owner opted in.
pub async fn get(req: &Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let key = format!("{}/v1/sites/{}/badge.svg", req.url()?.origin().ascii_serialization(), site.as_str());
    let cache = Cache::default();
    // A cached answer's text, in a response of our own (a cached response's headers may not
    // be changed, and every answer gets the house headers).
    if let Ok(Some(mut hit)) = cache.get(key.as_str(), true).await {
        if let Ok(svg) = hit.text().await {
            return image(svg);
        }
    }
    let client = site::client(env, &site)?;
    if !client.public_settings().await?.badge {
        return Err(Failure::BadgeOff);
    }
    // No pages: the badge needs only the scales' figures (the cheapest summary).
    let summary = client.glance(SummaryQuery { pages: sayso_core::PagesWindow::NONE, ..SummaryQuery::default() }).await?;
    let svg = badge::svg(badge::LABEL, &badge::message(&summary.scales));
    if let Err(e) = cache.put(key.as_str(), image(svg.clone())?).await {
        worker::console_error!("caching the badge: {e}");
    }
    image(svg)
}

/// The SVG with the headers that keep it an image.
fn image(svg: String) -> Result<Response, Failure> {
    let response = Response::ok(svg)?;
    let headers = response.headers();
    headers.set("content-type", "image/svg+xml; charset=utf-8")?;
    headers.set("cache-control", &format!("public, max-age={PUBLIC_MAX_AGE_SECONDS}"))?;
    headers.set("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'")?;
    headers.set("x-content-type-options", "nosniff")?;
    headers.set("access-control-allow-origin", "*")?;
    Ok(response)
}
