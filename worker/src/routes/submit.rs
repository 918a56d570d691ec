//! `POST /v1/sites/{site}/feedback`: a visitor's submission (JSON, or `text/plain` from
//! `navigator.sendBeacon`), and its CORS preflight.

use sayso_core::{Origin, SubmissionWire};
use worker::{Env, Method, Request, Response};

use crate::http::{self, Failure};
use crate::site::{self, OPT_OUT_HEADER, ORIGIN_HEADER, VISITOR_HEADER};

/// Checks origin, size, type and every submission rule, then hands it to the site's object.
///
/// Every answer but the object's `origin_not_allowed` carries CORS headers for the request's
/// origin, errors included: the widget must read a 4xx to stop retrying it. Granting a read of
/// an error to a page is harmless (no credentials, nothing written); a grant for a page of a
/// foreign origin is withheld all the same.
pub async fn post(mut req: Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let origin = http::request_origin(&req)?;
    let answer = match submit(&mut req, env, site, &origin).await {
        Ok(answer) => answer,
        Err(failure) => http::error_response(&failure)?,
    };
    grant_unless_refused(answer, &origin)
}

async fn submit(req: &mut Request, env: &Env, site: &str, origin: &Origin) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let body = http::read_body(req, &["application/json", "text/plain"], "application/json").await?;
    let mut wire = http::parse_json::<SubmissionWire>(&body)?;
    wire.normalize(http::nfc);
    let submission = wire.validate()?;
    if submission.site != site {
        return Err(Failure::SiteMismatch);
    }
    // The visitor's IP and user agent go to the object only to be hashed with today's salt for
    // the rate limit; neither is stored or logged. `Sec-GPC`/`DNT` travel so the site can honour them.
    let headers = req.headers();
    let ip = headers.get("cf-connecting-ip")?.unwrap_or_default();
    let agent = headers.get("user-agent")?.unwrap_or_default();
    let opted_out = headers.get("sec-gpc")?.is_some_and(|v| v.trim() == "1") || headers.get("dnt")?.is_some_and(|v| v.trim() == "1");
    let internal = [(ORIGIN_HEADER, origin.as_str()), (VISITOR_HEADER, &format!("{}:{ip} {agent}", ip.len())), (OPT_OUT_HEADER, if opted_out { "1" } else { "0" })];
    site::ask(env, &site, Method::Post, "/submit", &internal, Some(body)).await
}

/// `OPTIONS`: lets a page of an allowed origin send JSON.
pub async fn preflight(req: Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let origin = http::request_origin(&req)?;
    let answer = site::ask(env, &site, Method::Post, "/check-origin", &[(ORIGIN_HEADER, origin.as_str())], None).await?;
    grant_unless_refused(answer, &origin)
}

fn grant_unless_refused(answer: Response, origin: &Origin) -> Result<Response, Failure> {
    if answer.status_code() == 403 {
        Ok(answer)
    } else {
        http::allow_origin(answer, origin)
    }
}
