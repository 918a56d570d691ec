//! `GET /v1/sites/{site}/export.csv` and `export.ndjson`: every submission, streamed page by
//! page from the site's object, so an export of any size never sits whole in memory.

use futures_util::stream;
use sayso_core::export::{csv_line, CSV_HEADER};
use sayso_core::{FeedbackPage, SiteId};
use worker::{Env, Request, Response};

use crate::http::Failure;
use crate::site::{self, Credential, FeedbackQuery, FEEDBACK_PAGE_MAX};

/// The export formats.
#[derive(Clone, Copy)]
pub enum Format {
    /// RFC 4180 CSV with a header line.
    Csv,
    /// One JSON object per line.
    Ndjson,
}

/// Answers the first page (or its error) at once, then streams the rest.
pub async fn get(req: &Request, env: &Env, site: &str, format: Format) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let key = super::credential(req)?;
    let first = fetch_page(env, &site, &key, None).await?;
    let (env, name) = (env.clone(), site.as_str().to_owned());
    let chunks = stream::unfold(Some((first, true)), move |state| {
        let (env, site, key) = (env.clone(), site.clone(), key.clone());
        async move {
            let (page, is_first) = state?;
            let mut chunk = String::new();
            if is_first && matches!(format, Format::Csv) {
                chunk.push_str(CSV_HEADER);
            }
            for item in &page.items {
                match format {
                    Format::Csv => chunk.push_str(&csv_line(item)),
                    Format::Ndjson => {
                        chunk.push_str(&serde_json::to_string(item).unwrap_or_default());
                        chunk.push('\n');
                    }
                }
            }
            let next = match page.next_cursor {
                None => None,
                Some(cursor) => match fetch_page(&env, &site, &key, Some(&cursor)).await {
                    Ok(page) => Some((page, false)),
                    // The owner already has a 200: a failure now can only end the stream early.
                    Err(_) => {
                        worker::console_error!("export of {} stopped early", site.as_str());
                        return Some((Err(worker::Error::from("export interrupted")), None));
                    }
                },
            };
            Some((Ok::<Vec<u8>, worker::Error>(chunk.into_bytes()), next))
        }
    });
    let response = Response::from_stream(chunks)?;
    let (content_type, extension) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
        Format::Ndjson => ("application/x-ndjson", "ndjson"),
    };
    response.headers().set("content-type", content_type)?;
    response.headers().set("content-disposition", &format!("attachment; filename=\"sayso-{name}.{extension}\""))?;
    Ok(response)
}

/// One page from the object, after `cursor` (a page's `next_cursor`).
async fn fetch_page(env: &Env, site: &SiteId, key: &Credential, cursor: Option<&str>) -> Result<FeedbackPage, Failure> {
    let query = FeedbackQuery { limit: FEEDBACK_PAGE_MAX, cursor: cursor.map(site::query::cursor).transpose()?, ..FeedbackQuery::default() };
    site::client(env, site)?.feedback(key, query).await
}
