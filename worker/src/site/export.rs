//! The export (`GET …/export.csv`, `export.ndjson`): every submission, newest first, streamed
//! by the object itself in pages of `EXPORT_PAGE_ROWS`, so an export of any size is one call
//! from the Worker to the object. Each Worker→object call is a subrequest, and a request may
//! make 1,000 on the Free plan (10,000 by default on Paid): an export paged by the Worker
//! stopped near a million rows; this one makes one call at any size.

use futures_util::stream;
use sayso_core::export::{csv_line, ExportFormat, CSV_HEADER};
use worker::Response;

use super::call;
use super::meter::Sql;
use super::query::FeedbackQuery;
use super::search;
use super::SiteObject;
use crate::http::Failure;

/// Rows per page of the stream: one synchronous statement each, so the object answers other
/// requests between pages.
const EXPORT_PAGE_ROWS: i64 = 1000;

/// The header on the object's answer that says its body is the export (else it is a refusal,
/// as JSON).
pub const STREAMED: &str = "sayso-streamed";

impl SiteObject {
    /// `Export`: the owner's key first (a refusal is answered as any call's), then the stream.
    pub(super) fn export(&self, call: call::Export) -> Result<Response, Failure> {
        self.owner(&call.key)?;
        let sql = self.sql.clone();
        let format = call.format;
        let first = FeedbackQuery { limit: EXPORT_PAGE_ROWS, ..FeedbackQuery::default() };
        let pages = stream::unfold(Some((first, true)), move |state| {
            let sql = sql.clone();
            async move {
                let (query, is_first) = state?;
                match page(&sql, &query, format, is_first) {
                    Ok((chunk, cursor)) => {
                        let next = cursor.map(|cursor| (FeedbackQuery { cursor: Some(cursor), ..query }, false));
                        Some((Ok::<Vec<u8>, worker::Error>(chunk.into_bytes()), next))
                    }
                    // The owner already has a 200: a failure now can only end the stream early.
                    Err(failure) => {
                        worker::console_error!("export stopped early: {failure}");
                        Some((Err(worker::Error::from("export interrupted")), None))
                    }
                }
            }
        });
        let response = Response::from_stream(pages)?;
        response.headers().set(STREAMED, "1")?;
        Ok(response)
    }
}

/// One page of the export as text, and the cursor after it if more follow.
fn page(sql: &Sql, query: &FeedbackQuery, format: ExportFormat, is_first: bool) -> Result<(String, Option<(i64, String)>), Failure> {
    let mut items = search::list(sql, query)?;
    let more = items.len() > query.limit as usize;
    items.truncate(query.limit as usize);
    let mut chunk = String::new();
    if is_first && format == ExportFormat::Csv {
        chunk.push_str(CSV_HEADER);
    }
    for item in &items {
        match format {
            ExportFormat::Csv => chunk.push_str(&csv_line(item)),
            ExportFormat::Ndjson => {
                let line = serde_json::to_string(item).map_err(|e| Failure::Internal(format!("an export line: {e}")))?;
                chunk.push_str(&line);
                chunk.push('\n');
            }
        }
    }
    let cursor = if more { items.last().map(|last| (last.received_at, last.id.clone())) } else { None };
    Ok((chunk, cursor))
}
