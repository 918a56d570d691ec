//! A sharded site's export: every shard's stream read at once and merged line by line, newest
//! first by `(received_at, id)`, so the file is the one a single object would stream.
//!
//! Each shard streams its own rows in that order (`export.rs`), a call of
//! `EXPORT_CALL_ROWS` at a time; the merge holds each shard's next lines only (a chunk each), so
//! memory stays flat at any size. Calls: each shard's own, about one per 100,000 of its rows, at
//! most `SHARDS_MAX` streams open at once.

use std::collections::VecDeque;

use futures_util::StreamExt;
use sayso_core::export::ExportFormat;
use serde::Deserialize;

use super::call::Credential;
use super::client::{ExportCall, SiteClient};
use crate::http::Failure;

/// The most bytes one chunk of the merged stream holds.
const CHUNK_BYTES: usize = 64 * 1024;

/// Where a line sorts: its `received_at` and id (the list's order, newest first when reversed).
type Key = (i64, String);

/// One shard's stream: the call being read, its complete lines not yet sent, and the bytes of
/// the line being read.
struct ShardRows {
    shard: u32,
    call: ExportCall,
    lines: VecDeque<(Key, Vec<u8>)>,
    partial: Vec<u8>,
    done: bool,
}

/// The merge's state between chunks.
pub struct MergedExport {
    client: SiteClient,
    key: Credential,
    format: ExportFormat,
    shards: Vec<ShardRows>,
    /// The CSV header, sent first (shard 0's first call starts with it).
    header: Option<Vec<u8>>,
    started: bool,
}

/// The export line's `id` and `received_at` (NDJSON; other fields are not read).
#[derive(Deserialize)]
struct LineKey {
    id: String,
    received_at: i64,
}

impl MergedExport {
    /// Starts the merge with shard 0's first call (`header`: it starts with the CSV header) and
    /// the first call of each of shards `1..shards`.
    pub async fn start(client: SiteClient, key: Credential, format: ExportFormat, first: ExportCall, header: bool) -> Result<MergedExport, Failure> {
        let shards = first.shards;
        let mut rows = vec![ShardRows { shard: 0, call: first, lines: VecDeque::new(), partial: Vec::new(), done: false }];
        for shard in 1..shards {
            let call = client.export(shard, &key, format, None, false).await?;
            rows.push(ShardRows { shard, call, lines: VecDeque::new(), partial: Vec::new(), done: false });
        }
        let header = (header && format == ExportFormat::Csv).then(Vec::new);
        Ok(MergedExport { client, key, format, shards: rows, header, started: false })
    }

    /// The next chunk of the merged file; `None` at its end.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, Failure> {
        let mut out = Vec::new();
        if !self.started {
            self.started = true;
            if self.header.take().is_some() {
                out.extend(self.csv_header().await?);
            }
        }
        while out.len() < CHUNK_BYTES {
            let mut newest: Option<(usize, Key)> = None;
            for i in 0..self.shards.len() {
                if let Some(key) = self.head(i).await? {
                    if newest.as_ref().is_none_or(|(_, best)| key > *best) {
                        newest = Some((i, key));
                    }
                }
            }
            let Some((i, _)) = newest else { break };
            if let Some((_, line)) = self.shards[i].lines.pop_front() {
                out.extend(line);
            }
        }
        Ok((!out.is_empty()).then_some(out))
    }

    /// Shard 0's first line, the CSV header, taken off its stream.
    async fn csv_header(&mut self) -> Result<Vec<u8>, Failure> {
        let rows = &mut self.shards[0];
        loop {
            if let Some(at) = rows.partial.iter().position(|b| *b == b'\n') {
                return Ok(rows.partial.drain(..=at).collect());
            }
            match rows.call.body.next().await {
                Some(chunk) => rows.partial.extend(chunk?),
                None => return Ok(std::mem::take(&mut rows.partial)),
            }
        }
    }

    /// The key of shard `i`'s next line, reading (and calling) on as needed; `None` once the
    /// shard has sent every row.
    async fn head(&mut self, i: usize) -> Result<Option<Key>, Failure> {
        loop {
            let format = self.format;
            let rows = &mut self.shards[i];
            if let Some((key, _)) = rows.lines.front() {
                return Ok(Some(key.clone()));
            }
            if rows.done {
                return Ok(None);
            }
            match rows.call.body.next().await {
                Some(chunk) => {
                    rows.partial.extend(chunk?);
                    rows.split_lines(format)?;
                }
                None => {
                    // Lines left from before (after the CSV header), then one without its newline.
                    rows.split_lines(format)?;
                    if !rows.partial.is_empty() {
                        let line = std::mem::take(&mut rows.partial);
                        rows.lines.push_back((line_key(&line, format)?, line));
                    }
                    match rows.call.next.take() {
                        Some(after) => {
                            let shard = rows.shard;
                            self.shards[i].call = self.client.export(shard, &self.key, format, Some(after), false).await?;
                        }
                        None => rows.done = true,
                    }
                }
            }
        }
    }
}

impl ShardRows {
    /// Moves every complete line read so far to `lines`, with its key. A CSV record ends at a
    /// line break outside quotes: a comment may hold line breaks, and its cell is then quoted
    /// with its own quotes doubled (RFC 4180), so an even count of `"` before a break means it
    /// ends the record. (An NDJSON line ends at any: JSON escapes line breaks.)
    fn split_lines(&mut self, format: ExportFormat) -> Result<(), Failure> {
        let csv = matches!(format, ExportFormat::Csv);
        loop {
            let mut quoted = false;
            let end = self.partial.iter().position(|b| {
                quoted ^= csv && *b == b'"';
                *b == b'\n' && !quoted
            });
            let Some(at) = end else { return Ok(()) };
            let line: Vec<u8> = self.partial.drain(..=at).collect();
            self.lines.push_back((line_key(&line, format)?, line));
        }
    }
}

/// Where an export line sorts: CSV lines start `id,received_at,` (an id has no comma), NDJSON
/// lines are objects with both.
fn line_key(line: &[u8], format: ExportFormat) -> Result<Key, Failure> {
    let unreadable = || Failure::Internal("a shard's export line without its id and time".into());
    match format {
        ExportFormat::Csv => {
            let text = std::str::from_utf8(line).map_err(|_| unreadable())?;
            let mut fields = text.splitn(3, ',');
            let id = fields.next().ok_or_else(unreadable)?;
            let received_at = fields.next().and_then(|t| t.parse().ok()).ok_or_else(unreadable)?;
            Ok((received_at, id.to_owned()))
        }
        ExportFormat::Ndjson => {
            let key: LineKey = serde_json::from_slice(line).map_err(|_| unreadable())?;
            Ok((key.received_at, key.id))
        }
    }
}
