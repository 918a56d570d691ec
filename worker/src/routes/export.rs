//! `GET /v1/sites/{site}/export.csv` and `export.ndjson`: every submission, streamed by the
//! site's object a call of `EXPORT_CALL_ROWS` at a time (`site/export.rs`), so an export of any
//! size never sits whole in memory and stays far inside the subrequest and CPU limits.

use futures_util::{stream, StreamExt};
use sayso_core::export::ExportFormat;
use worker::{ByteStream, Env, Request, Response};

use crate::http::Failure;
use crate::site::{self, Credential, ListCursor, SiteClient};

/// The first call's refusal (before any byte is sent), or the download.
pub async fn get(req: &Request, env: &Env, site: &str, format: ExportFormat) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let key = super::credential(req)?;
    let client = site::client(env, &site)?;
    let first = client.export(&key, format, None).await?;
    let name = site.as_str().to_owned();
    let response = Response::from_stream(stream::unfold(Some((client, key, format, first)), next_chunk))?;
    let (content_type, extension) = match format {
        ExportFormat::Csv => ("text/csv; charset=utf-8", "csv"),
        ExportFormat::Ndjson => ("application/x-ndjson", "ndjson"),
    };
    response.headers().set("content-type", content_type)?;
    response.headers().set("content-disposition", &format!("attachment; filename=\"sayso-{name}.{extension}\""))?;
    Ok(response)
}

/// Where the download stands: the call being read and where the next starts.
type Reading = (SiteClient, Credential, ExportFormat, (ByteStream, Option<ListCursor>));

/// The next bytes of the call being read; at its end, the next call (an empty chunk meanwhile).
async fn next_chunk(state: Option<Reading>) -> Option<(worker::Result<Vec<u8>>, Option<Reading>)> {
    let (client, key, format, (mut body, next)) = state?;
    match body.next().await {
        Some(Ok(chunk)) => Some((Ok(chunk), Some((client, key, format, (body, next))))),
        Some(Err(e)) => Some((Err(e), None)),
        None => {
            let after = next?;
            match client.export(&key, format, Some(after)).await {
                Ok(call) => Some((Ok(Vec::new()), Some((client, key, format, call)))),
                // The owner already has a 200: a failure now can only end the stream early.
                Err(failure) => {
                    worker::console_error!("export stopped early: {failure}");
                    Some((Err(worker::Error::from("export interrupted")), None))
                }
            }
        }
    }
}
