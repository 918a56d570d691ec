//! `GET /v1/sites/{site}/summary?from=&to=&page=&pages_limit=&pages_cursor=`: the owner's
//! numbers, per scale, per day and for the most rated pages (`Authorization: Bearer OWNER_KEY`).

use worker::{Env, Request, Response};

use crate::http::{self, Failure};
use crate::site::{self, SummaryQuery};

/// Parses the range and the pages asked for here; the site's object checks the key and reads the counts.
pub async fn get(req: &Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let key = super::credential(req)?;
    let client = site::client(env, &site)?;
    let query = client.owners(&key, SummaryQuery::parse(&req.url()?)).await?;
    http::json(200, &client.summary(&key, query).await?)
}
