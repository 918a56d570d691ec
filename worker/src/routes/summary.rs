//! `GET /v1/sites/{site}/summary?from=&to=&page=`: the owner's numbers, per scale, per day and
//! per page (`Authorization: Bearer OWNER_KEY`).

use worker::{Env, Method, Request, Response};

use crate::http::Failure;
use crate::site;

/// Forwards the owner's key to the site's object, which checks it and reads the tallies.
pub async fn get(req: &Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let auth = req.headers().get("authorization")?.unwrap_or_default();
    let query = req.url()?.query().map(|q| format!("?{q}")).unwrap_or_default();
    site::ask(env, &site, Method::Get, &format!("/summary{query}"), &[("authorization", &auth)], None).await
}
