//! `POST /v1/sites/{site}/feedback`: a visitor's submission (JSON, or `text/plain` from
//! `navigator.sendBeacon`), and its CORS preflight.

use sayso_core::SubmissionWire;
use worker::{Env, Method, Request, Response};

use crate::http::{self, Failure};
use crate::site::{self, ORIGIN_HEADER};

/// Checks origin, size, type and every submission rule, then hands it to the site's object.
pub async fn post(mut req: Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let origin = http::request_origin(&req)?;
    let body = http::read_body(&mut req, &["application/json", "text/plain"], "application/json").await?;
    let submission = http::parse_json::<SubmissionWire>(&body)?.validate()?;
    if submission.site != site {
        return Err(Failure::SiteMismatch);
    }
    let answer = site::ask(env, &site, Method::Post, "/submit", &[(ORIGIN_HEADER, origin.as_str())], Some(body)).await?;
    Ok(if answer.status_code() < 300 { http::allow_origin(answer, &origin) } else { answer })
}

/// `OPTIONS`: lets a page of an allowed origin send JSON.
pub async fn preflight(req: Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let origin = http::request_origin(&req)?;
    let answer = site::ask(env, &site, Method::Post, "/check-origin", &[(ORIGIN_HEADER, origin.as_str())], None).await?;
    Ok(if answer.status_code() < 300 { http::allow_origin(answer, &origin) } else { answer })
}
