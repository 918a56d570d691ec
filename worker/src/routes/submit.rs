//! `POST /v1/sites/{site}/feedback`: a visitor's submission (JSON, or `text/plain` from
//! `navigator.sendBeacon`), and its CORS preflight.

use sayso_core::{Origin, SubmissionWire, SubmitOutcome, SubmitStatus};
use worker::{Env, Request, Response};

use crate::http::{self, Failure};
use crate::site::{self, Visitor};

/// Checks origin, size, type and every submission rule, then hands it to the site's object.
///
/// Every answer carries CORS headers for the request's origin, errors included, 403s
/// (`origin_not_allowed`, `turnstile_failed`) too: the widget must read a refusal to stop
/// sending it, and an unreadable one looks like a network error, retried. Granting a page a
/// read of an error is harmless (no credentials, nothing written); the allowed origins decide
/// what is stored, never what may be read as an error.
pub async fn post(mut req: Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let origin = http::request_origin(&req)?;
    let answer = submit(&mut req, env, site, &origin).await.and_then(|outcome| {
        let status = if outcome.status == SubmitStatus::Created { 201 } else { 200 };
        http::json(status, &outcome)
    });
    http::readable_by(answer, &origin, METHODS, "content-type")
}

/// What a page may send to the submission route.
const METHODS: &str = "POST, OPTIONS";

/// Parses and validates the submission once, here; the object receives it typed.
async fn submit(req: &mut Request, env: &Env, site: &str, origin: &Origin) -> Result<SubmitOutcome, Failure> {
    let site = super::site_id(site)?;
    let body = http::read_body(req, &["application/json", "text/plain"], "application/json").await?;
    let mut wire = http::parse_json::<SubmissionWire>(&body)?;
    wire.normalize(http::nfc);
    let submission = wire.validate()?;
    if submission.site != site {
        return Err(Failure::SiteMismatch);
    }
    site::client(env, &site)?.submit(submission, origin.as_str(), visitor(req)?).await
}

/// The visitor's address goes to the object only to be hashed with today's salt for the rate
/// limit; it is never stored or logged. The user agent plays no part (a client changes it at
/// will). `Sec-GPC`/`DNT` travel so the site can honour them.
pub fn visitor(req: &Request) -> Result<Visitor, Failure> {
    let headers = req.headers();
    let said = |name: &str| -> Result<bool, Failure> { Ok(headers.get(name)?.is_some_and(|v| v.trim() == "1")) };
    Ok(Visitor { address: headers.get("cf-connecting-ip")?.unwrap_or_default(), opted_out: said("sec-gpc")? || said("dnt")? })
}

/// `OPTIONS`: lets any page send JSON (see `super::preflight`).
pub async fn preflight(req: &Request, env: &Env, site: &str) -> Result<Response, Failure> {
    super::preflight(req, env, site, METHODS, "content-type").await
}
