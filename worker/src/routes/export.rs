//! `GET /v1/sites/{site}/export.csv` and `export.ndjson`: every submission, streamed by the
//! site's object in one call (`site/export.rs`), so an export of any size never sits whole in
//! memory and never runs into the subrequest limit.

use sayso_core::export::ExportFormat;
use worker::{Env, Request, Response};

use crate::http::Failure;
use crate::site;

/// The object's stream (or its refusal, before any byte is sent), as a download.
pub async fn get(req: &Request, env: &Env, site: &str, format: ExportFormat) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let key = super::credential(req)?;
    let body = site::client(env, &site)?.export(&key, format).await?;
    let response = Response::from_body(body)?;
    let (content_type, extension) = match format {
        ExportFormat::Csv => ("text/csv; charset=utf-8", "csv"),
        ExportFormat::Ndjson => ("application/x-ndjson", "ndjson"),
    };
    response.headers().set("content-type", content_type)?;
    response.headers().set("content-disposition", &format!("attachment; filename=\"sayso-{}.{extension}\"", site.as_str()))?;
    Ok(response)
}
