//! Replies, the visitor's side in storage: a browser's check of its receipts and its one
//! follow-up, each read and written only with the submission's authorship key, and each
//! spending the visitor's own bucket for these routes (`spend_asking`).

use sayso_core::reply::{ReplyView, VisitorReply};
use sayso_core::{may_change, Author, AuthorKey, SubmissionId};
use serde::{Deserialize, Serialize};

use super::call::{Routed, Visitor};
use super::settings::SiteRecord;
use super::SiteObject;
use crate::http::Failure;

/// The reply to `?1` with its submission's author (a `Held`), for the visitor's reads.
const HELD: &str =
    "SELECT s.author, r.body AS text, r.fixed, r.at, r.seen_at, r.followup FROM reply AS r JOIN submission AS s ON s.id = r.id WHERE r.id = ?1";
/// Marks the reply to `?1` seen at `?2`, the first time only.
const SEEN: &str = "UPDATE reply SET seen_at = ?2 WHERE id = ?1 AND seen_at IS NULL";
/// Stores the follow-up `?2` (at `?3`) to the reply to `?1`, if it has none.
const FOLLOWUP: &str = "UPDATE reply SET followup = ?2, followup_at = ?3 WHERE id = ?1 AND followup IS NULL";

/// The replies to this shard's part of a visitor's receipts (`CheckReplies`); each reply read
/// is marked seen.
#[derive(Serialize, Deserialize)]
pub struct CheckReplies {
    /// (id, key) pairs, both well formed (checked at the route), at most `RECEIPTS_MAX`.
    pub receipts: Vec<(String, String)>,
    /// Who asks, for the rate limit (`spend_asking`).
    #[serde(default)]
    pub visitor: Visitor,
}

/// The visitor's follow-up (`Followup`), checked at the route.
#[derive(Serialize, Deserialize)]
pub struct Followup {
    /// The submission's key (`Receipt KEY`), well formed (checked at the route).
    pub key: String,
    /// The submission id, parsed at the route.
    pub id: String,
    /// The follow-up (`ReplyText`'s rule, checked at the route).
    pub comment: String,
    /// Who sends it, for the rate limit (`spend_asking`).
    #[serde(default)]
    pub visitor: Visitor,
}

#[derive(Deserialize)]
struct Held {
    author: Option<String>,
    text: String,
    fixed: i64,
    at: i64,
    seen_at: Option<i64>,
    followup: Option<String>,
}

impl SiteObject {
    /// `CheckReplies`: the replies whose submission's key is the one presented, each marked seen
    /// on its first read (one transaction). A receipt that matches nothing (no such submission,
    /// no reply, another key) is left out, all alike. Another shard's id (by this shard's map):
    /// nothing is read or marked, and the Worker routes the receipts again.
    pub(super) fn check_replies(&self, call: CheckReplies) -> Result<Routed<Vec<VisitorReply>>, Failure> {
        let record = self.record()?;
        let mut receipts = Vec::with_capacity(call.receipts.len());
        for (id, key) in &call.receipts {
            let (Ok(id), Ok(key)) = (SubmissionId::parse(id), AuthorKey::parse(key)) else { continue };
            if let Some(elsewhere) = Self::elsewhere(&record, &id) {
                return Ok(elsewhere);
            }
            receipts.push((id, key));
        }
        let now = worker::Date::now().as_millis() as i64;
        self.spend_asking(&record, &call.visitor, now)?;
        self.transaction(|| {
            let mut replies = Vec::new();
            for (id, key) in &receipts {
                let Some(held) = self.held(id.as_str(), key)? else { continue };
                if held.seen_at.is_none() {
                    self.sql.exec(SEEN, vec![id.as_str().into(), now.into()])?;
                }
                let can_answer = held.followup.is_none();
                replies.push(VisitorReply { id: id.as_str().to_owned(), text: held.text, fixed: held.fixed != 0, at: held.at, can_answer });
            }
            Ok(Routed::Here(replies))
        })
    }

    /// `Followup`: only with the submission's key (else `FeedbackNotFound`, as for an unknown
    /// id), only to a reply (`NoReply`), only once (`FollowupExists`).
    pub(super) fn followup(&self, call: Followup) -> Result<Routed<ReplyView>, Failure> {
        let record = self.record()?;
        let id = SubmissionId::parse(&call.id).map_err(|_| Failure::FeedbackNotFound)?;
        let key = AuthorKey::parse(&call.key).map_err(|_| Failure::FeedbackNotFound)?;
        if let Some(elsewhere) = Self::elsewhere(&record, &id) {
            return Ok(elsewhere);
        }
        let now = worker::Date::now().as_millis() as i64;
        self.spend_asking(&record, &call.visitor, now)?;
        self.transaction(|| {
            let owned = self.owned(id.as_str())?.ok_or(Failure::FeedbackNotFound)?;
            if !may_change(owned.author.map(Author::stored).as_ref(), Some(&key)) {
                return Err(Failure::FeedbackNotFound);
            }
            let reply = self.reply_view(id.as_str())?.ok_or(Failure::NoReply)?;
            if reply.followup.is_some() {
                return Err(Failure::FollowupExists);
            }
            self.sql.exec(FOLLOWUP, vec![id.as_str().into(), call.comment.as_str().into(), now.into()])?;
            // The visitor read the reply they answer, whether or not their browser asked first.
            self.sql.exec(SEEN, vec![id.as_str().into(), now.into()])?;
            let view = self.reply_view(id.as_str())?.ok_or_else(|| Failure::Internal("a follow-up's reply is gone".into()))?;
            Ok(Routed::Here(view))
        })
    }

    /// Spends one token of the visitor's bucket for the replies' routes (`r:` and the visitor's
    /// hash: its own, so a browser's daily check never takes a click's token) at the site's
    /// `visitor_per_minute` (0: none), or `RateLimited`. Committed on its own, before the work:
    /// a wrong key or an unknown id spends as a right one does, so a script probing receipts is
    /// slowed like one flooding the widget. On a sharded site each shard asked keeps its own
    /// bucket, as for submissions.
    fn spend_asking(&self, record: &SiteRecord, visitor: &Visitor, now: i64) -> Result<(), Failure> {
        let limits = record.settings.limits;
        if limits.visitor_per_minute == 0 {
            return Ok(());
        }
        let hash = self.visitor_hash(&record.settings.site, visitor, now)?;
        let private = limits.honor_gpc && visitor.opted_out;
        let spent = self.transaction(|| self.spend_visitor(&format!("r:{hash}"), limits.visitor_per_minute, now, private))?;
        if let Some(spent) = spent {
            self.remember(spent);
        }
        Ok(())
    }

    /// The reply to submission `id`, if it has one and `key` is its key.
    fn held(&self, id: &str, key: &AuthorKey) -> Result<Option<Held>, Failure> {
        let held = self.sql.exec(HELD, vec![id.into()])?.to_array::<Held>()?.into_iter().next();
        Ok(held.filter(|h| may_change(h.author.clone().map(Author::stored).as_ref(), Some(key))))
    }
}
