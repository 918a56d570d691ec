//! Replies in storage: the owner's one reply to a submission (`reply`, one row per replied
//! submission, on the submission's shard) and its visitor's one follow-up, read and answered
//! only with the submission's authorship key.
//!
//! A reply goes with its submission: the trigger `submission_reply_gone` deletes it in the
//! transaction that deletes the submission, whatever deleted it (the owner, the visitor's undo,
//! retention's batches); a site's erase empties the whole object (`erase.rs`).

use sayso_core::reply::{ReplyFilter, ReplyView};
use sayso_core::{FeedbackItem, SubmissionId};
use serde::{Deserialize, Serialize};

use super::call::{Credential, Routed};
use super::meter::Sql;
use super::SiteObject;
use crate::http::Failure;

pub use super::replies_visitor::{CheckReplies, Followup};

/// The table, the indexes the inbox's `reply` filter walks (each submission's time copied from
/// its row, as `submission_tag` does: a submission's `received_at` never changes), the index
/// the weekly digest counts replies sent on (`at`), and the trigger that takes a reply with its
/// submission. Run on every start (`IF NOT EXISTS`).
const REPLIES: &str = "
CREATE TABLE IF NOT EXISTS reply (
  id TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  fixed INTEGER NOT NULL,
  at INTEGER NOT NULL,
  seen_at INTEGER,
  followup TEXT,
  followup_at INTEGER,
  received_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS reply_newest ON reply (received_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS reply_unseen ON reply (received_at DESC, id DESC) WHERE seen_at IS NULL;
CREATE INDEX IF NOT EXISTS reply_followup ON reply (received_at DESC, id DESC) WHERE followup IS NOT NULL;
CREATE INDEX IF NOT EXISTS reply_at ON reply (at);
CREATE TRIGGER IF NOT EXISTS submission_reply_gone AFTER DELETE ON submission BEGIN
  DELETE FROM reply WHERE id = old.id;
END;
";

/// The reply to submission `?1` as the owner reads it (a `ReplyView`).
const VIEW: &str = "SELECT body AS text, fixed, at, seen_at, followup, followup_at FROM reply WHERE id = ?1";
/// Submission `?1`'s arrival and author (an `Owned`), if it is stored.
const SUBMISSION: &str = "SELECT received_at, author FROM submission WHERE id = ?1";
/// Writes the reply `?2` (fixed `?3`, at `?4`) to submission `?1` (received at `?5`). A changed
/// text or mark is news to the visitor again (`seen_at` cleared); the same one resent (a
/// double click, a retry) changes nothing. A follow-up stays.
const PUT: &str = "INSERT INTO reply (id, body, fixed, at, received_at) VALUES (?1, ?2, ?3, ?4, ?5)
    ON CONFLICT (id) DO UPDATE SET body = excluded.body, fixed = excluded.fixed, at = excluded.at, seen_at = NULL
    WHERE body IS NOT excluded.body OR fixed IS NOT excluded.fixed";
/// Removes the reply to `?1` (its follow-up with it); `RETURNING` says whether there was one.
const REMOVE: &str = "DELETE FROM reply WHERE id = ?1 RETURNING at";

/// The replies to the submissions `?1` names (a JSON array of ids): one bound parameter for
/// a page of any size (a Durable Object's SQLite binds at most 100), each read on the key.
const OF_PAGE: &str = "SELECT id, body AS text, fixed, at, seen_at, followup, followup_at FROM reply WHERE id IN (SELECT value FROM json_each(?1))";

/// The replies to submissions that arrived from `?1` to `?2` (ms), on `reply_newest`: for a
/// long page (an export's 1,000 rows), whose ids `json_each` would read and sort once more (the
/// export's rows read doubled), this reads only the replies in the page's span of time.
const OF_SPAN: &str = "SELECT id, body AS text, fixed, at, seen_at, followup, followup_at FROM reply WHERE received_at BETWEEN ?1 AND ?2";
/// The most items a page names by id (`OF_PAGE`); a longer one reads its span (`OF_SPAN`).
const BY_ID_MAX: usize = 100;

/// A row of `OF_PAGE`.
#[derive(Deserialize)]
struct OfPage {
    id: String,
    text: String,
    fixed: i64,
    at: i64,
    seen_at: Option<i64>,
    followup: Option<String>,
    followup_at: Option<i64>,
}

/// Gives each listed item its reply (the list, the export, a triage change's answer): one
/// statement after the page's, reading as many rows as the page has replies.
pub(super) fn attach(sql: &Sql, items: &mut [FeedbackItem]) -> Result<(), Failure> {
    if items.is_empty() {
        return Ok(());
    }
    let rows: Vec<OfPage> = if items.len() > BY_ID_MAX {
        let (from, to) = items.iter().fold((i64::MAX, i64::MIN), |(lo, hi), item| (lo.min(item.received_at), hi.max(item.received_at)));
        sql.exec(OF_SPAN, vec![from.into(), to.into()])?.to_array()?
    } else {
        let ids: Vec<&str> = items.iter().map(|item| item.id.as_str()).collect();
        let ids = serde_json::to_string(&ids).map_err(|e| Failure::Internal(format!("a page's ids: {e}")))?;
        sql.exec(OF_PAGE, vec![ids.into()])?.to_array()?
    };
    let mut by_id: std::collections::HashMap<String, ReplyView> = rows
        .into_iter()
        .map(|r| {
            (r.id, ReplyView { text: r.text, fixed: r.fixed != 0, at: r.at, seen_at: r.seen_at, followup: r.followup, followup_at: r.followup_at })
        })
        .collect();
    for item in items.iter_mut() {
        item.reply = by_id.remove(&item.id);
    }
    Ok(())
}

/// The list's condition for `filter`: on the walk of the replies' index (`walked`: the list's
/// `FROM` is `reply AS r`), only what the partial index holds (nothing for `Sent`: every reply
/// is there); else an `EXISTS` on the reply's key. Literals only: nothing here is bound.
pub(super) fn condition(filter: ReplyFilter, walked: bool) -> String {
    let only = match filter {
        ReplyFilter::Sent => "1",
        ReplyFilter::Unseen => "r.seen_at IS NULL",
        ReplyFilter::Followup => "r.followup IS NOT NULL",
    };
    if walked {
        only.to_owned()
    } else {
        format!("EXISTS (SELECT 1 FROM reply AS r WHERE r.id = s.id AND {only})")
    }
}

/// The owner's reply to one submission (`PutReply`), checked at the route.
#[derive(Serialize, Deserialize)]
pub struct PutReply {
    /// The owner key.
    pub key: Credential,
    /// The submission id, parsed at the route.
    pub id: String,
    /// The text (`ReplyText`'s rule, checked at the route).
    pub text: String,
    /// Marked fixed.
    pub fixed: bool,
}

/// Removes the owner's reply (`DeleteReply`).
#[derive(Serialize, Deserialize)]
pub struct DeleteReply {
    /// The owner key.
    pub key: Credential,
    /// The submission id, parsed at the route.
    pub id: String,
}

#[derive(Deserialize)]
pub(super) struct Owned {
    /// When the submission arrived.
    pub received_at: i64,
    /// Its author's key hash, if it was sent with a key.
    pub author: Option<String>,
}

#[derive(Deserialize)]
struct Removed {}

impl SiteObject {
    /// Makes the reply table, its indexes and its trigger (inside `ensure_schema`).
    pub(super) fn ensure_replies(&self) -> Result<(), Failure> {
        self.sql.exec(REPLIES, None)?;
        Ok(())
    }

    /// The reply to submission `id` as the owner reads it, if any.
    pub(super) fn reply_view(&self, id: &str) -> Result<Option<ReplyView>, Failure> {
        Ok(self.sql.exec(VIEW, vec![id.into()])?.to_array::<ReplyView>()?.into_iter().next())
    }

    /// `PutReply`: the owner's key, the submission stored on this shard, one write.
    pub(super) fn put_reply(&self, call: PutReply) -> Result<Routed<ReplyView>, Failure> {
        let record = self.owner(&call.key)?;
        let id = SubmissionId::parse(&call.id).map_err(|_| Failure::FeedbackNotFound)?;
        if let Some(elsewhere) = Self::elsewhere(&record, &id) {
            return Ok(elsewhere);
        }
        let now = worker::Date::now().as_millis() as i64;
        self.transaction(|| {
            let owned = self.owned(id.as_str())?.ok_or(Failure::FeedbackNotFound)?;
            let values = vec![id.as_str().into(), call.text.as_str().into(), i64::from(call.fixed).into(), now.into(), owned.received_at.into()];
            self.sql.exec(PUT, values)?;
            let view = self.reply_view(id.as_str())?.ok_or_else(|| Failure::Internal("a reply written is not stored".into()))?;
            Ok(Routed::Here(view))
        })
    }

    /// `DeleteReply`: `ReplyNotFound` if the submission has none (or is not stored).
    pub(super) fn delete_reply(&self, call: DeleteReply) -> Result<Routed<()>, Failure> {
        let record = self.owner(&call.key)?;
        let id = SubmissionId::parse(&call.id).map_err(|_| Failure::FeedbackNotFound)?;
        if let Some(elsewhere) = Self::elsewhere(&record, &id) {
            return Ok(elsewhere);
        }
        let removed: Vec<Removed> = self.sql.exec(REMOVE, vec![id.as_str().into()])?.to_array()?;
        if removed.is_empty() {
            return Err(Failure::ReplyNotFound);
        }
        Ok(Routed::Here(()))
    }

    /// Submission `id`'s arrival and author, if it is stored on this shard.
    pub(super) fn owned(&self, id: &str) -> Result<Option<Owned>, Failure> {
        Ok(self.sql.exec(SUBMISSION, vec![id.into()])?.to_array::<Owned>()?.into_iter().next())
    }
}
