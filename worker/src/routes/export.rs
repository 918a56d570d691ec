//! `GET /v1/sites/{site}/export.csv` and `export.ndjson`: every submission, streamed by the
//! site's object a call of `EXPORT_CALL_ROWS` at a time (`site/export.rs`), so an export of any
//! size never sits whole in memory and stays far inside the subrequest and CPU limits. A
//! sharded site's shards stream at once, merged newest first (`site/merged_export.rs`).

use futures_util::{stream, StreamExt};
use sayso_core::export::ExportFormat;
use worker::{Env, Request, Response};

use crate::http::Failure;
use crate::site::{self, Credential, ExportCall, FeedbackQuery, MergedExport, SiteClient};

/// The first call's refusal (before any byte is sent), or the download.
pub async fn get(req: &Request, env: &Env, site: &str, format: ExportFormat) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let key = super::credential(req)?;
    let client = site::client(env, &site)?;
    let filters = client.owners(&key, export_filters(&req.url()?)).await?;
    let client = client.filtered(filters);
    let first = client.export(0, &key, format, None, true).await?;
    let name = site.as_str().to_owned();
    let response = if first.shards > 1 {
        let merged = MergedExport::start(client, key, format, first, true).await?;
        Response::from_stream(stream::unfold(Some(merged), merged_chunk))?
    } else {
        Response::from_stream(stream::unfold(Some(Reading { client, key, format, call: first }), next_chunk))?
    };
    let (content_type, extension) = match format {
        ExportFormat::Csv => ("text/csv; charset=utf-8", "csv"),
        ExportFormat::Ndjson => ("application/x-ndjson", "ndjson"),
    };
    response.headers().set("content-type", content_type)?;
    response.headers().set("content-disposition", &format!("attachment; filename=\"sayso-{name}.{extension}\""))?;
    Ok(response)
}

/// The list's filters (`GET …/feedback`'s), so the file holds exactly the rows the inbox shows;
/// a page's `cursor` and `limit` mean nothing to an export.
fn export_filters(url: &worker::Url) -> Result<FeedbackQuery, Failure> {
    let filters = FeedbackQuery::parse(url)?;
    if filters.cursor.is_some() || url.query_pairs().any(|(name, _)| name == "limit") {
        return Err(Failure::InvalidQuery("an export takes the list's filters, not cursor or limit".into()));
    }
    Ok(filters)
}

/// Where the download of a site of one shard stands: the call being read (which says where
/// the next starts).
struct Reading {
    client: SiteClient,
    key: Credential,
    format: ExportFormat,
    call: ExportCall,
}

/// The next chunk of a sharded site's merged export (`site/merged_export.rs`).
async fn merged_chunk(state: Option<MergedExport>) -> Option<(worker::Result<Vec<u8>>, Option<MergedExport>)> {
    let mut merged = state?;
    match merged.next_chunk().await {
        Ok(Some(chunk)) => Some((Ok(chunk), Some(merged))),
        Ok(None) => None,
        // The owner already has a 200: a failure now can only end the stream early.
        Err(failure) => {
            worker::console_error!("export stopped early: {failure}");
            Some((Err(worker::Error::from("export interrupted")), None))
        }
    }
}

/// The next bytes of the call being read; at its end, the next call (an empty chunk meanwhile).
async fn next_chunk(state: Option<Reading>) -> Option<(worker::Result<Vec<u8>>, Option<Reading>)> {
    let mut reading = state?;
    match reading.call.body.next().await {
        Some(Ok(chunk)) => Some((Ok(chunk), Some(reading))),
        Some(Err(e)) => Some((Err(e), None)),
        None => {
            let after = reading.call.next.take()?;
            match reading.client.export(0, &reading.key, reading.format, Some(after), false).await {
                Ok(call) => Some((Ok(Vec::new()), Some(Reading { call, ..reading }))),
                // The owner already has a 200: a failure now can only end the stream early.
                Err(failure) => {
                    worker::console_error!("export stopped early: {failure}");
                    Some((Err(worker::Error::from("export interrupted")), None))
                }
            }
        }
    }
}
