//! `GET /v1/sites/{site}/feedback` (a page of submissions, newest first) and
//! `DELETE /v1/sites/{site}/feedback/{id}`: the owner's view of what visitors said, and the
//! visitor's "undo" (a delete with the submission's receipt, from the widget, with its CORS
//! preflight).

use worker::{Env, Method, Request, Response};

use crate::http::{self, Failure};
use crate::site::{self, ORIGIN_HEADER};

/// Forwards the owner's key and the filters to the site's object.
pub async fn list(req: &Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let query = req.url()?.query().map(|q| format!("?{q}")).unwrap_or_default();
    let auth = req.headers().get("authorization")?.unwrap_or_default();
    site::ask(env, &site, Method::Get, &format!("/feedback{query}"), &[("authorization", &auth)], None).await
}

/// Deletes one submission; the counts drop with it. A page (the widget's undo) may read the
/// answer: the receipt or owner key is the permission, not the origin.
pub async fn delete(req: &Request, env: &Env, site: &str, id: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let auth = req.headers().get("authorization")?.unwrap_or_default();
    let answer = match site::ask(env, &site, Method::Delete, &format!("/feedback/{id}"), &[("authorization", &auth)], None).await {
        Ok(answer) => answer,
        Err(failure) => http::error_response(&failure)?,
    };
    match http::request_origin(req) {
        Ok(origin) => http::allow_origin_to(answer, &origin, "DELETE, OPTIONS", "authorization"),
        Err(_) => Ok(answer),
    }
}

/// `OPTIONS`: lets a page of an allowed origin send the widget's undo.
pub async fn preflight(req: &Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let origin = http::request_origin(req)?;
    let answer = site::ask(env, &site, Method::Post, "/check-origin", &[(ORIGIN_HEADER, origin.as_str())], None).await?;
    if answer.status_code() == 403 {
        return Ok(answer);
    }
    http::allow_origin_to(answer, &origin, "DELETE, OPTIONS", "authorization")
}
