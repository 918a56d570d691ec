//! `POST /v1/sites/{site}/feedback`: a visitor's submission (JSON, or `text/plain` from
//! `navigator.sendBeacon`), and its CORS preflight.

use sayso_core::{Origin, SubmissionWire};
use worker::{Env, Method, Request, Response};

use crate::http::{self, Failure};
use crate::site::{self, ORIGIN_HEADER};

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
    let submission = http::parse_json::<SubmissionWire>(&body)?.validate()?;
    if submission.site != site {
        return Err(Failure::SiteMismatch);
    }
    site::ask(env, &site, Method::Post, "/submit", &[(ORIGIN_HEADER, origin.as_str())], Some(body)).await
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
