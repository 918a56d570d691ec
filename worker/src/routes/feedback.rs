//! `GET /v1/sites/{site}/feedback` (a page of submissions, newest first) and
//! `DELETE /v1/sites/{site}/feedback/{id}`: the owner's view of what visitors said.

use worker::{Env, Method, Request, Response};

use crate::http::Failure;
use crate::site;

/// Forwards the owner's key and the filters to the site's object.
pub async fn list(req: &Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let query = req.url()?.query().map(|q| format!("?{q}")).unwrap_or_default();
    let auth = req.headers().get("authorization")?.unwrap_or_default();
    site::ask(env, &site, Method::Get, &format!("/feedback{query}"), &[("authorization", &auth)], None).await
}

/// Deletes one submission; the counts drop with it.
pub async fn delete(req: &Request, env: &Env, site: &str, id: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let auth = req.headers().get("authorization")?.unwrap_or_default();
    site::ask(env, &site, Method::Delete, &format!("/feedback/{id}"), &[("authorization", &auth)], None).await
}
