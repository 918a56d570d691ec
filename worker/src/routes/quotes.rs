//! `PUT`/`DELETE /v1/sites/{site}/feedback/{id}/quote` (the visitor's consent to be quoted and
//! its withdrawal, with the submission's receipt) and `PATCH` of the same path (the owner's
//! approval or rejection), with the CORS preflight the widget's calls need.

use sayso_core::quote::{QuoteConsent, QuoteDecision, QuoteReceipt};
use sayso_core::SubmissionId;
use worker::{Env, Request, Response};

use crate::http::{self, Failure};
use crate::site::{self, QuoteAct};

/// The methods a page may send here, and the header it sends them with.
const METHODS: &str = "PUT, DELETE, OPTIONS";

/// `PUT`: the visitor's consent (`Authorization: Receipt KEY`, `{"name": …}`) → 200
/// `{"quote": "pending"}`; readable by the page that sent it, as the undo is.
pub async fn consent(mut req: Request, env: &Env, site: &str, id: &str) -> Result<Response, Failure> {
    let answer = consented(&mut req, env, site, id).await;
    for_the_page(&req, answer)
}

async fn consented(req: &mut Request, env: &Env, site: &str, id: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let key = super::credential(req)?;
    let id = SubmissionId::parse(id).map_err(|_| Failure::FeedbackNotFound)?;
    let body = http::read_body(req, &["application/json"], "application/json").await?;
    let consent: QuoteConsent = http::parse_json(&body)?;
    // NFC first, as comments are: a name is the same name however it was typed.
    let name = QuoteConsent { name: consent.name.as_deref().map(http::nfc) }.display_name()?;
    let state = site::client(env, &site)?.quote(&key, &id, QuoteAct::Consent(name)).await?;
    let quote = state.ok_or_else(|| Failure::Internal("a consent answered no state".into()))?;
    purge(req, &site).await;
    http::json(200, &QuoteReceipt { quote })
}

/// `DELETE`: the visitor withdraws (`Authorization: Receipt KEY`) → 204; an approved quote
/// leaves the wall at once here (this edge's cache is purged; others' within `max-age`).
pub async fn withdraw(req: Request, env: &Env, site: &str, id: &str) -> Result<Response, Failure> {
    let answer = withdrawn(&req, env, site, id).await;
    for_the_page(&req, answer)
}

async fn withdrawn(req: &Request, env: &Env, site: &str, id: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let id = SubmissionId::parse(id).map_err(|_| Failure::FeedbackNotFound)?;
    site::client(env, &site)?.quote(&super::credential(req)?, &id, QuoteAct::Withdraw).await?;
    purge(req, &site).await;
    Ok(Response::empty()?.with_status(204))
}

/// `PATCH` (owner): `{"approved": true|false}` → 200 `{"quote": "approved"|"rejected"}`.
pub async fn decide(mut req: Request, env: &Env, site: &str, id: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let key = super::credential(&req)?;
    let body = http::read_body(&mut req, &["application/json"], "application/json").await?;
    let client = site::client(env, &site)?;
    let input = SubmissionId::parse(id).map_err(|_| Failure::FeedbackNotFound).and_then(|id| Ok((id, http::parse_json::<QuoteDecision>(&body)?)));
    let (id, decision) = client.owners(&key, input).await?;
    let state = client.quote(&key, &id, QuoteAct::Decide(decision.approved)).await?;
    let quote = state.ok_or_else(|| Failure::Internal("a decision answered no state".into()))?;
    purge(&req, &site).await;
    http::json(200, &QuoteReceipt { quote })
}

/// `OPTIONS`: lets any page of the site send the widget's consent and withdrawal.
pub async fn preflight(req: &Request, env: &Env, site: &str) -> Result<Response, Failure> {
    super::preflight(req, env, site, METHODS, "authorization, content-type").await
}

/// The answer, readable by the page that asked (the receipt is the permission, not the origin).
fn for_the_page(req: &Request, answer: Result<Response, Failure>) -> Result<Response, Failure> {
    let answer = match answer {
        Ok(response) => response,
        Err(failure) => http::error_response(&failure)?,
    };
    match http::request_origin(req) {
        Ok(origin) => http::allow_origin_to(answer, &origin, METHODS, "authorization, content-type"),
        Err(_) => Ok(answer),
    }
}

/// Drops this edge's cached testimonials of `site` (`testimonials::cache_key`). The change is
/// committed: a purge that fails leaves the `max-age` bound, and is only logged.
async fn purge(req: &Request, site: &sayso_core::SiteId) {
    let purged = match super::testimonials::cache_key(req, site) {
        Ok(key) => worker::Cache::default().delete(key, true).await.map(|_| ()).map_err(Failure::from),
        Err(failure) => Err(failure),
    };
    if let Err(failure) = purged {
        worker::console_error!("purging the testimonials' cache: {failure}");
    }
}
