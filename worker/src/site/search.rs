//! The owner's list of submissions (`GET …/feedback`, the export): one statement per set of
//! filters, each walking the index that answers it newest first, and the comment search index
//! (SQLite FTS5 with the trigram tokenizer) that SQLite's triggers keep in every write's
//! transaction.
//!
//! Which index answers: the text search's (`comment_text`) when `q` has 3 characters or more;
//! else the tag's (`submission_tag_newest`, `triage.rs`) when a tag is asked for; else the
//! attribute's (`submission_attribute_newest`, `attributes.rs`) when an attribute is; else the
//! replies' (`reply_newest` and its partial twins, `replies.rs`) when a reply filter is; else SQLite
//! picks among the page's (`submission_page`, by the page sent), the status and scale's
//! (`submission_status_scale`, when both are asked), the status's (`submission_status`), the
//! scale's (`submission_scale`) and `submission_newest`, each of which walks its rows newest
//! first; `from`/`to` bound the walk's time range. Every other filter only skips rows on that
//! walk. The bound, then: a page of 50 costs the walked rows up to its 50th match. For the
//! rating and comment filters alone (each keeps a share of all rows) that is about the same at
//! any size; but two filters that are each on an index and together rare walk every row of the
//! one walked (SQLite keeps no statistics here, so it cannot know which is rarer): a tag with
//! a status or a page walks all the tag's rows (at most the tag's count), a page with a status
//! the page's or the status's. Status with scale is exact on its own index.

use sayso_core::alarm::DAY_MS;
use sayso_core::{FeedbackItem, OTHER_PAGE};
use worker::SqlStorageValue;

use super::meter::Sql;
use super::query::{FeedbackQuery, ListCursor};
use super::SiteObject;
use crate::http::Failure;

/// The search index and the page index (`IF NOT EXISTS`: run on every start). Trigram: any
/// substring of 3 characters or more is found (inside words, across punctuation, in any
/// script), as the list's `q` always promised. The index holds no text of its own
/// (`content='submission'`): it reads comments from their rows, by rowid, which SQLite keeps
/// for a row's life (no `VACUUM` runs on a Durable Object).
pub const SEARCH: &str = "
CREATE VIRTUAL TABLE IF NOT EXISTS comment_text USING fts5(comment, content='submission', content_rowid='rowid', tokenize='trigram', columnsize=0);
CREATE TRIGGER IF NOT EXISTS comment_added AFTER INSERT ON submission WHEN new.comment IS NOT NULL BEGIN
  INSERT INTO comment_text (rowid, comment) VALUES (new.rowid, new.comment);
END;
CREATE TRIGGER IF NOT EXISTS comment_removed AFTER DELETE ON submission WHEN old.comment IS NOT NULL BEGIN
  INSERT INTO comment_text (comment_text, rowid, comment) VALUES ('delete', old.rowid, old.comment);
END;
CREATE TRIGGER IF NOT EXISTS comment_changed AFTER UPDATE OF comment ON submission WHEN old.comment IS NOT new.comment BEGIN
  INSERT INTO comment_text (comment_text, rowid, comment) SELECT 'delete', old.rowid, old.comment WHERE old.comment IS NOT NULL;
  INSERT INTO comment_text (rowid, comment) SELECT new.rowid, new.comment WHERE new.comment IS NOT NULL;
END;
CREATE INDEX IF NOT EXISTS submission_page ON submission (coalesce(sent_page, page), received_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS submission_other ON submission (received_at DESC, id DESC) WHERE page = '(other)';
CREATE INDEX IF NOT EXISTS submission_scale ON submission (scale, received_at DESC, id DESC);
";

/// The shortest `q` the index can find (a trigram); shorter ones are looked for row by row.
const INDEXED_CHARS: usize = 3;

/// The columns of a `FeedbackItem`; the page shown is the one sent, also for a submission
/// counted under `OTHER_PAGE`. Its tags come as one comma-separated text, sorted, read on
/// `submission_tag`'s key (a tag holds no comma: `sayso_core::Tag`); its attributes as the
/// element writes them (`plan=pro app=2.3`, read by `sayso_core::attributes::object_or_list`).
pub(super) const ITEM: &str = "s.id, s.scale, s.value, s.comment, coalesce(s.sent_page, s.page) AS page, s.locale, s.client_ts, s.received_at,
    s.updated_at, s.rev, s.status, s.quote, s.quote_name, s.channel, (SELECT group_concat(tag, ',') FROM (SELECT own.tag FROM submission_tag AS own WHERE own.id = s.id ORDER BY own.tag)) AS tags,
    (SELECT group_concat(j.key || '=' || j.value, ' ') FROM json_each(s.attributes) AS j) AS attributes";

/// One list statement being put together: its conditions and their values, numbered in order.
struct Statement {
    conditions: Vec<String>,
    values: Vec<SqlStorageValue>,
}

impl Statement {
    /// Adds a condition whose `?`s are the next values, in order.
    fn when(&mut self, condition: &str, values: Vec<SqlStorageValue>) {
        let mut numbered = String::new();
        for (i, part) in condition.split('?').enumerate() {
            if i > 0 {
                numbered.push_str(&format!("?{}", self.values.len() + i));
            }
            numbered.push_str(part);
        }
        debug_assert_eq!(condition.matches('?').count(), values.len(), "{condition}");
        self.values.extend(values);
        self.conditions.push(numbered);
    }

    /// Adds a condition with no value.
    fn holds(&mut self, condition: &str) {
        self.conditions.push(condition.to_owned());
    }
}

impl SiteObject {
    /// Makes the search and page indexes; fills the search index once on a site from before it.
    pub(super) fn ensure_search(&self) -> Result<(), Failure> {
        // One transaction: an index made but never filled would never be filled.
        self.transaction(|| {
            let new = !self.has_table("comment_text")?;
            self.sql.exec(SEARCH, None)?;
            if new {
                self.sql.exec("INSERT INTO comment_text (comment_text) VALUES ('rebuild')", None)?;
            }
            Ok(())
        })
    }
}

/// A page of the list and where it ended, if more follow.
pub(super) struct Listed {
    /// At most `limit` submissions.
    pub items: Vec<FeedbackItem>,
    /// The cursor of the next page.
    pub next: Option<ListCursor>,
}

/// The first `query.limit` submissions the filters keep after the cursor, newest first (a
/// search: the latest stored first, the order its index walks). A free function of the SQL
/// handle: the export's stream outlives the call that starts it.
pub(super) fn list(sql: &Sql, query: &FeedbackQuery) -> Result<Listed, Failure> {
    let mut s = Statement { conditions: Vec::new(), values: Vec::new() };
    // An export (`until`) walks its calls' time ranges whatever the filters: it reads every
    // row of them anyway, and the search index's order is not the calls' order.
    let searched = query.q.as_deref().filter(|q| q.chars().count() >= INDEXED_CHARS && query.until.is_none());
    // A tag (without a search) walks the tag's own index: the rows it names, newest first.
    let tagged = query.tag.as_ref().filter(|_| searched.is_none());
    // An attribute (without a search or a tag) walks its own index (`attributes.rs`).
    let attributed = query.attribute.as_ref().filter(|_| searched.is_none() && tagged.is_none());
    // A reply filter (without a search, a tag or an attribute) walks the replies' own index (`replies.rs`).
    let replied = query.reply.filter(|_| searched.is_none() && tagged.is_none() && attributed.is_none());
    let k = match (tagged, attributed, replied) {
        (Some(_), _, _) => "g",
        (None, Some(_), _) => "a",
        (None, None, Some(_)) => "r",
        (None, None, None) => "s",
    };
    // A search walks the index in the order comments were stored (rowid), not by time: its
    // pages end at a place in that order (`Stored`), so ties in time never skip or repeat one.
    match (&query.cursor, searched) {
        (Some(ListCursor::Stored(n)), Some(_)) => s.when("t.rowid < ?", vec![(*n).into()]),
        (Some(ListCursor::Stored(_)), None) => return Err(Failure::InvalidQuery("this cursor belongs to a search (q)".into())),
        // A row value: SQLite seeks to it on the index rather than walking the rows before it.
        (Some(ListCursor::At(ts, id)), _) => s.when(&format!("({k}.received_at, {k}.id) < (?, ?)"), vec![(*ts).into(), id.clone().into()]),
        (None, _) => {}
    }
    if let Some(ListCursor::At(ts, id)) = &query.until {
        s.when(&format!("({k}.received_at, {k}.id) >= (?, ?)"), vec![(*ts).into(), id.clone().into()]);
    }
    if let Some(from) = query.from {
        s.when(&format!("{k}.received_at >= ?"), vec![(from * DAY_MS).into()]);
    }
    if let Some(to) = query.to {
        s.when(&format!("{k}.received_at < ?"), vec![((to + 1) * DAY_MS).into()]);
    }
    match (&query.tag, tagged) {
        (Some(tag), Some(_)) => s.when("g.tag = ?", vec![tag.as_str().into()]),
        (Some(tag), None) => s.when("EXISTS (SELECT 1 FROM submission_tag AS g WHERE g.id = s.id AND g.tag = ?)", vec![tag.as_str().into()]),
        (None, _) => {}
    }
    match (&query.attribute, attributed) {
        (Some((key, value)), Some(_)) => s.when("a.key = ? AND a.val = ?", vec![key.as_str().into(), value.as_str().into()]),
        (Some((key, value)), None) => s.when(
            "EXISTS (SELECT 1 FROM submission_attribute AS a WHERE a.id = s.id AND a.key = ? AND a.val = ?)",
            vec![key.as_str().into(), value.as_str().into()],
        ),
        (None, _) => {}
    }
    if let Some(filter) = query.reply {
        s.holds(&super::replies::condition(filter, replied.is_some()));
    }
    if let Some(status) = query.status {
        s.when("s.status = ?", vec![status.as_str().into()]);
    }
    if let Some(scale) = query.scale {
        s.when("s.scale = ?", vec![scale.as_str().into()]);
    }
    // A literal (core's name, not the request's), so SQLite can walk the partial
    // `submission_quote_pending` for the inbox's "quotes awaiting approval" (`quotes.rs`).
    if let Some(quote) = query.quote {
        s.holds(&format!("s.quote = '{}'", quote.as_str()));
    }
    if let Some(min) = query.min {
        s.when("s.value >= ?", vec![min.into()]);
    }
    if let Some(max) = query.max {
        s.when("s.value <= ?", vec![max.into()]);
    }
    match query.page.as_deref() {
        // Rows counted under `OTHER_PAGE` (some from before `sent_page`, which keep none).
        // A literal (ours, not the request's), so SQLite walks the partial `submission_other`.
        Some(OTHER_PAGE) => s.holds(&format!("s.page = '{OTHER_PAGE}'")),
        Some(page) => s.when("coalesce(s.sent_page, s.page) = ?", vec![page.into()]),
        None => {}
    }
    match query.has_comment {
        Some(true) => s.holds("s.comment IS NOT NULL"),
        Some(false) => s.holds("s.comment IS NULL"),
        None => {}
    }
    if let Some(q) = searched {
        // An FTS5 string: the text as it is, its quotes doubled, so no character is syntax.
        s.when("comment_text MATCH ?", vec![format!("\"{}\"", q.replace('"', "\"\"")).into()]);
    }
    // The exact rule, on every row the walk keeps: the phrase, ASCII case ignored. `instr`,
    // not `LIKE`: Durable Object SQLite refuses LIKE patterns over 50 bytes, and no character
    // of the phrase is a wildcard.
    if let Some(q) = &query.q {
        s.when("instr(lower(s.comment), lower(?)) > 0", vec![q.as_str().into()]);
    }
    let (from, order) = match (searched, tagged) {
        (Some(_), _) => ("comment_text AS t JOIN submission AS s ON s.rowid = t.rowid", "t.rowid DESC"),
        (None, Some(_)) => ("submission_tag AS g JOIN submission AS s ON s.id = g.id", "g.received_at DESC, g.id DESC"),
        (None, None) if attributed.is_some() => ("submission_attribute AS a JOIN submission AS s ON s.id = a.id", "a.received_at DESC, a.id DESC"),
        (None, None) if replied.is_some() => ("reply AS r JOIN submission AS s ON s.id = r.id", "r.received_at DESC, r.id DESC"),
        (None, None) => ("submission AS s", "s.received_at DESC, s.id DESC"),
    };
    let filter = if s.conditions.is_empty() { String::new() } else { format!(" WHERE {}", s.conditions.join(" AND ")) };
    s.values.push((query.limit + 1).into());
    let statement = format!("SELECT {ITEM} FROM {from}{filter} ORDER BY {order} LIMIT ?{}", s.values.len());
    let mut items: Vec<FeedbackItem> = sql.exec(&statement, s.values)?.to_array()?;
    let limit = query.limit as usize;
    let more = items.len() > limit;
    items.truncate(limit);
    super::replies::attach(sql, &mut items)?;
    if !more {
        return Ok(Listed { items, next: None });
    }
    let next = match (items.last(), searched) {
        (Some(last), Some(_)) => rowid_of(sql, &last.id)?.map(ListCursor::Stored),
        (Some(last), None) => Some(ListCursor::At(last.received_at, last.id.clone())),
        (None, _) => None,
    };
    Ok(Listed { items, next })
}

/// The rowid of submission `id`, if it is stored.
fn rowid_of(sql: &Sql, id: &str) -> Result<Option<i64>, Failure> {
    #[derive(serde::Deserialize)]
    struct Rowid {
        rowid: i64,
    }
    let rows: Vec<Rowid> = sql.exec("SELECT rowid FROM submission WHERE id = ?1", vec![id.into()])?.to_array()?;
    Ok(rows.first().map(|r| r.rowid))
}
