//! The export (`GET …/export.csv`, `export.ndjson`): every submission, newest first, streamed
//! by the object in pages of `EXPORT_PAGE_ROWS`, `EXPORT_CALL_ROWS` to a call.
//!
//! Two platform limits shape it. Each Worker→object call is a subrequest, and a request may
//! make 1,000 on the Free plan (10,000 by default on Paid): paged by the Worker 1,000 rows a
//! call, an export stopped near a million rows. And an object's CPU limit (30 s by default) is
//! per incoming call: one call streaming ten million rows would run out. So a call streams
//! 100,000 rows (well under a second of CPU) and says where the next starts: 100 calls at ten
//! million rows.

use futures_util::stream;
use sayso_core::export::{csv_line, ExportFormat, CSV_HEADER};
use serde::Deserialize;
use worker::Response;

use super::call;
use super::meter::Sql;
use super::query::{FeedbackQuery, ListCursor};
use super::search;
use super::SiteObject;
use crate::http::Failure;

/// Rows per page of the stream: one synchronous statement each, so the object answers other
/// requests between pages.
const EXPORT_PAGE_ROWS: i64 = 1000;

/// Rows per call.
pub const EXPORT_CALL_ROWS: i64 = 100_000;

/// The header on the object's answer that says its body is the export (else it is a refusal,
/// as JSON).
pub const STREAMED: &str = "sayso-streamed";
/// The header that names where the next call starts (a `ListCursor`'s text); absent on the last.
pub const NEXT: &str = "sayso-next";
/// The header of a sharded site's shard: how many shards hold its rows (the Worker exports
/// each in turn); absent on a site of one shard.
pub const SHARDS: &str = "sayso-shards";

/// The last row of the first call and whether one follows it (`?1`: `EXPORT_CALL_ROWS - 1`),
/// walked on `submission_newest`.
const FIRST_CALL_END: &str = "SELECT received_at, id FROM submission ORDER BY received_at DESC, id DESC LIMIT 2 OFFSET ?1";
/// The same for a call after `(?1, ?2)`: a row value, so SQLite seeks to it (an `?1 IS NULL OR`
/// would walk every row before it, once per call).
const CALL_END: &str = "SELECT received_at, id FROM submission WHERE (received_at, id) < (?1, ?2)
    ORDER BY received_at DESC, id DESC LIMIT 2 OFFSET ?3";

#[derive(Deserialize)]
struct End {
    received_at: i64,
    id: String,
}

impl SiteObject {
    /// `Export`: the owner's key, this call's rows and the first page of them (a refusal or a
    /// failure so far is answered as any call's), then the stream of the rest.
    pub(super) fn export(&self, call: call::Export) -> Result<Response, Failure> {
        let shards = self.owner(&call.key)?.shard_map.span();
        let offset = EXPORT_CALL_ROWS - 1;
        let ends: Vec<End> = match &call.after {
            Some(ListCursor::At(ts, id)) => self.sql.exec(CALL_END, vec![(*ts).into(), id.as_str().into(), offset.into()])?,
            Some(ListCursor::Stored(_)) => return Err(Failure::InvalidQuery("an export continues after a time and id".into())),
            None => self.sql.exec(FIRST_CALL_END, vec![offset.into()])?,
        }
        .to_array()?;
        // This call ends at its last row, inclusive; the next starts after it, if a row follows.
        let next = (ends.len() == 2).then(|| ends[0].received_at).map(|ts| ListCursor::At(ts, ends[0].id.clone()));
        let until = ends.into_iter().next().map(|end| ListCursor::At(end.received_at, end.id));
        // The owner's filters skip rows inside this call's range; the calls' ranges stay those of
        // every row, so a filtered export costs as many calls as a whole one.
        let query = FeedbackQuery { limit: EXPORT_PAGE_ROWS, cursor: call.after, until, ..call.filters };
        let (first, more) = page(&self.sql, &query, call.format, call.header)?;
        let sql = self.sql.clone();
        let format = call.format;
        let rest = stream::unfold(more.map(|after| FeedbackQuery { cursor: Some(after), ..query }), move |state| {
            let sql = sql.clone();
            async move {
                let query = state?;
                match page(&sql, &query, format, false) {
                    Ok((chunk, more)) => Some((Ok(chunk.into_bytes()), more.map(|after| FeedbackQuery { cursor: Some(after), ..query }))),
                    // The owner already has a 200: a failure now can only end the stream early.
                    Err(failure) => {
                        worker::console_error!("export stopped early: {failure}");
                        Some((Err(worker::Error::from("export interrupted")), None))
                    }
                }
            }
        });
        let response = Response::from_stream(futures_util::StreamExt::chain(stream::iter([Ok(first.into_bytes())]), rest))?;
        response.headers().set(STREAMED, "1")?;
        if let Some(next) = next {
            response.headers().set(NEXT, &next.text())?;
        }
        if shards > 1 {
            response.headers().set(SHARDS, &shards.to_string())?;
        }
        Ok(response)
    }
}

/// One page of the export as text (with the CSV header if `header`), and the cursor after it
/// if more of this call follow.
fn page(sql: &Sql, query: &FeedbackQuery, format: ExportFormat, header: bool) -> Result<(String, Option<ListCursor>), Failure> {
    let listed = search::list(sql, query)?;
    let mut chunk = String::new();
    if header && format == ExportFormat::Csv {
        chunk.push_str(CSV_HEADER);
    }
    for item in &listed.items {
        match format {
            ExportFormat::Csv => chunk.push_str(&csv_line(item)),
            ExportFormat::Ndjson => {
                let line = serde_json::to_string(item).map_err(|e| Failure::Internal(format!("an export line: {e}")))?;
                chunk.push_str(&line);
                chunk.push('\n');
            }
        }
    }
    Ok((chunk, listed.next))
}
