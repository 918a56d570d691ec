//! Submissions: storing one exactly once (by id and revision, by its author only, inside the
//! edit window and `REVISIONS_MAX`), moving the counts with it, and deleting it for good (by its
//! key or the owner's), leaving a tombstone.

use sayso_core::{
    may_change, same_sender, Author, AuthorKey, Locale, Rating, Submission, SubmissionId, SubmitOutcome, SubmitStatus, OTHER_PAGE, PAGES_PER_DAY_MAX,
    REVISIONS_MAX,
};
use worker::SqlStorageValue;

use super::abuse::{verify_turnstile, Remember};
use super::call::{self, CheckOrigin, Routed};
use super::schema::{
    PagesRow, RevRow, SubmissionRow, ADMIT_PAGE_ON, COUNT, DELETE_SUBMISSION, DROP_EVENT_OF, FORGET_PAGE_DAYS, FORGET_TOMBSTONES, INSERT_SUBMISSION,
    INSERT_TOMBSTONE, PAGE_COUNTED_ON, SELECT_REV, SELECT_SUBMISSION, TOMBSTONED, UPDATE_SUBMISSION,
};
use super::settings::SiteRecord;
use super::SiteObject;
use crate::http::Failure;

/// How long after its first arrival a submission may still be changed (ms).
pub const EDIT_WINDOW_MS: i64 = 30 * 60 * 1000;

/// How long a deleted submission's tombstone is kept (ms): longer than any copy of it can still
/// arrive. The widget's outbox sends nothing older than 7 days (`MAX_AGE` in outbox.js), a
/// beacon arrives within seconds, so 8 days covers every late copy a browser sends.
pub const TOMBSTONE_MS: i64 = 8 * 86_400_000;

/// The most tombstones one alarm forgets, so a purge stays far inside one request's CPU.
const TOMBSTONES_PER_RUN: i64 = 5_000;

/// A forgotten tombstone (a row of `FORGET_TOMBSTONES`' `RETURNING`; only the rows count).
#[derive(serde::Deserialize)]
struct Forgotten {}

impl SiteObject {
    /// `Submit`: origin, receipt key, spam rules, then one transaction for the row, the counts,
    /// the limits and the webhook event.
    pub(super) async fn submit(&self, call: call::Submit) -> Result<Routed<SubmitOutcome>, Failure> {
        let record = self.check_origin(&CheckOrigin { origin: call.origin })?;
        let submission = call.submission;
        // Another shard's by the map: refused before anything is judged or written.
        if let Some(elsewhere) = Self::elsewhere(&record, &submission.id) {
            return Ok(elsewhere);
        }
        let now = worker::Date::now().as_millis() as i64;
        let id = submission.id.as_str().to_owned();
        // The receipt is the key this request presented, echoed: every 2xx about a stored
        // submission went to its author (anyone else is refused `NotAuthor`), so it tells
        // nobody anything they did not send. Nothing is derived from the id.
        let receipt = submission.key.as_ref().map(|k| k.as_str().to_owned());
        if submission.is_trapped() {
            // A bot filled the honeypot: answer exactly as if it were stored, so it learns
            // nothing, and store nothing. The receipt is its own key, which changes nothing.
            return Ok(Routed::Here(SubmitOutcome { receipt, id, status: SubmitStatus::Created }));
        }
        // The accepted scales are the site's: a client cannot grow the counts by scales.
        let scale = submission.rating.scale();
        if !record.settings.accepts(scale) {
            return Err(Failure::ScaleNotAccepted(scale));
        }
        // The spam rules judge what is new: a resend of a stored revision passes as it passed
        // before (its Turnstile token is spent by now). Turnstile's check is a fetch, so it runs
        // before the transaction.
        let mut prepaid = false;
        if !self.stored_at(&submission)? {
            submission.check_pace(&record.settings.limits)?;
            if let (Some(view), Some(secret), Some(_)) = (&record.settings.turnstile, &record.turnstile_secret, &submission.comment) {
                // Turnstile's check is a fetch: the visitor pays its tokens first, so junk
                // tokens cannot make the object call out without limit.
                let spent = self.transaction(|| self.spend_tokens(&record, &call.visitor, now))?;
                self.remember_all(spent);
                prepaid = true;
                verify_turnstile(&view.verify_url, secret, submission.turnstile.as_deref(), &id).await?;
            }
        }
        // Stored at the time of its commit, not of its arrival: other requests commit during
        // Turnstile's fetch, and a submission stored with a time older than theirs could land
        // behind a list cursor an owner already holds (the lists page by `(received_at, id)`).
        let now = if prepaid { worker::Date::now().as_millis() as i64 } else { now };
        let (status, queued, remember) = self.transaction(|| {
            let (status, received_at) = self.upsert(&submission, now)?;
            let stored = matches!(status, SubmitStatus::Created | SubmitStatus::Updated);
            // Every stored revision spends tokens (resends of a stored one never do, so the
            // outbox's retries cannot lock a visitor out). A refusal rolls the write back too.
            let remember = if stored && !prepaid { self.spend_tokens(&record, &call.visitor, now)? } else { None };
            let queued = stored && self.enqueue_webhook(&record, &submission, received_at, now)?;
            let alerted = stored && self.queue_words_alert(&record, &submission, now)?;
            Ok((status, queued || alerted, remember))
        })?;
        self.remember_all(remember);
        if queued {
            // Stored and committed: failing to arm the alarm must not tell the widget otherwise
            // (the next submission or alarm arms it).
            if let Err(failure) = self.schedule_deliveries(&record, now).await {
                worker::console_error!("arming the alarm: {failure}");
            }
        }
        Ok(Routed::Here(SubmitOutcome { receipt, id, status }))
    }

    /// Spends a visitor's tokens for one stored revision: the visitor's bucket first, the
    /// site's only for what the visitor's admitted, so one client never spends the site's
    /// budget. Inside a transaction (a refusal rolls both back); the opted-out visitor's bucket
    /// comes back, to be remembered once that commits.
    pub(super) fn spend_tokens(&self, record: &SiteRecord, visitor: &call::Visitor, now: i64) -> Result<Option<Remember>, Failure> {
        let limits = record.settings.limits;
        let site_share = limits.site_per_minute.div_ceil(record.shard_map.shards_at(now));
        if limits.visitor_per_minute == 0 {
            // No visitor limit: no visitor key to make (a salt read and a hash saved).
            self.spend("site", site_share, now)?;
            return Ok(None);
        }
        let hash = self.visitor_hash(&record.settings.site, visitor, now)?;
        let private = limits.honor_gpc && visitor.opted_out;
        // On a sharded site each shard keeps a visitor's full bucket: a visitor whose
        // submissions land unevenly is never refused before it would be on one object (a flood
        // gets at most `shards` times its limit, under the site's). The site's limit is shared:
        // each shard allows its part, rounded up.
        let remember = self.spend_visitor(&format!("v:{hash}"), limits.visitor_per_minute, now, private)?;
        self.spend("site", site_share, now)?;
        Ok(remember)
    }

    /// Keeps an opted-out visitor's spent bucket in memory (after its transaction committed).
    fn remember_all(&self, spent: Option<Remember>) {
        if let Some(spent) = spent {
            self.remember(spent);
        }
    }

    /// Whether this revision (or a newer one) of the submission is already stored.
    fn stored_at(&self, submission: &Submission) -> Result<bool, Failure> {
        let rows: Vec<RevRow> = self.sql.exec(SELECT_REV, vec![submission.id.as_str().into()])?.to_array()?;
        Ok(rows.first().is_some_and(|r| r.rev >= submission.rev))
    }

    /// The stored submission with this id, if any.
    fn stored(&self, id: &str) -> Result<Option<SubmissionRow>, Failure> {
        let rows: Vec<SubmissionRow> = self.sql.exec(SELECT_SUBMISSION, vec![id.into()])?.to_array()?;
        Ok(rows.into_iter().next())
    }

    /// Stores a submission by id and moves the counts: the heart of exactly-once.
    /// Answers what happened and when the submission first arrived.
    pub(super) fn upsert(&self, new: &Submission, now: i64) -> Result<(SubmitStatus, i64), Failure> {
        let presented = new.key.as_ref();
        let Some(row) = self.stored(new.id.as_str())? else {
            // Deletes are final: a late copy (a beacon, another tab, a retry) never comes back.
            if self.present(TOMBSTONED, vec![new.id.as_str().into()])? {
                return Err(Failure::SubmissionDeleted);
            }
            let page = self.page_to_count(new.page.as_str(), now)?;
            let author = presented.map(|k| k.author().as_str().to_owned());
            let mut row = values(new, page, now, now);
            row.push(author.into());
            debug_assert_eq!(row.len(), 14, "INSERT_SUBMISSION's ?1–?14");
            self.sql.exec(INSERT_SUBMISSION, row)?;
            self.count(new.rating, new.comment.is_some(), page, now, 1)?;
            return Ok((SubmitStatus::Created, now));
        };
        // Authorship first: whoever is not the sender learns nothing more and changes nothing.
        let author = row.author.clone().map(Author::stored);
        if !same_sender(author.as_ref(), presented) {
            return Err(Failure::NotAuthor);
        }
        let old_rating = row.rating()?;
        if new.rev < row.rev {
            return Ok((SubmitStatus::Superseded, row.received_at));
        }
        if new.rev == row.rev {
            // The locale as the edge keeps it: a row stored before locales were mapped compares
            // as it would be stored now.
            let locale = Locale::parse(&row.locale).map(|l| l.known());
            let same = old_rating == new.rating
                && row.comment.as_deref() == new.comment.as_ref().map(|c| c.as_str())
                && row.sent_page.as_deref().unwrap_or(&row.page) == new.page.as_str()
                && (row.locale == new.locale.as_str() || locale.is_ok_and(|l| l == new.locale))
                && row.attributes == new.attributes.to_json();
            return if same { Ok((SubmitStatus::Duplicate, row.received_at)) } else { Err(Failure::EditConflict) };
        }
        // Only the key's holder edits; a submission sent without a key is never changed.
        if !may_change(author.as_ref(), presented) {
            return Err(Failure::NotAuthor);
        }
        if now - row.received_at > EDIT_WINDOW_MS {
            return Err(Failure::EditWindowClosed);
        }
        if row.revisions >= REVISIONS_MAX {
            return Err(Failure::TooManyRevisions);
        }
        // An edit stays on the day the submission first arrived, and on its page unless it moved.
        let sent = row.sent_page.as_deref().unwrap_or(&row.page);
        let page = if new.page.as_str() == sent { row.page.as_str() } else { self.page_to_count(new.page.as_str(), row.received_at)? };
        self.sql.exec(UPDATE_SUBMISSION, values(new, page, row.received_at, now))?;
        self.count(old_rating, row.comment.is_some(), &row.page, row.received_at, -1)?;
        self.count(new.rating, new.comment.is_some(), page, row.received_at, 1)?;
        Ok((SubmitStatus::Updated, row.received_at))
    }

    /// The page a submission on `page` is counted under on the UTC day of `at` (ms): its own if
    /// the day already counts it or counts fewer than `PAGES_PER_DAY_MAX` pages, else
    /// `OTHER_PAGE`. Invented paths cannot grow a site's counts without bound.
    fn page_to_count<'a>(&self, page: &'a str, at: i64) -> Result<&'a str, Failure> {
        if self.present(PAGE_COUNTED_ON, vec![at.into(), page.into()])? {
            return Ok(page);
        }
        let admitted = self.sql.exec(ADMIT_PAGE_ON, vec![at.into(), i64::from(PAGES_PER_DAY_MAX).into()])?.to_array::<PagesRow>()?;
        match admitted.first() {
            None => Ok(OTHER_PAGE),
            Some(day) => {
                // A day's first page: the days no edit can reach any more are forgotten.
                if day.pages == 1 {
                    self.sql.exec(FORGET_PAGE_DAYS, vec![(at - 2 * 86_400_000).into()])?;
                }
                Ok(page)
            }
        }
    }

    /// Adds `sign` (±1) of a rating, with or without a comment, to its page's counts on its day.
    fn count(&self, rating: Rating, has_comment: bool, page: &str, received_at: i64, sign: i32) -> Result<(), Failure> {
        let comments = if has_comment { sign } else { 0 };
        self.sql.exec(
            COUNT,
            vec![received_at.into(), page.into(), rating.scale().as_str().into(), i32::from(rating.value()).into(), sign.into(), comments.into()],
        )?;
        Ok(())
    }

    /// `Delete`: one submission, by the owner (`Bearer OWNER_KEY`) or by the browser that sent it
    /// (`Receipt KEY`, the key it was sent with, as answered to it); the counts drop with it, its
    /// pending webhook event is dropped, and its tombstone stays `TOMBSTONE_MS`, all in one
    /// transaction. Deleting what is already gone answers `FeedbackNotFound`.
    pub(super) async fn delete(&self, call: call::Delete) -> Result<Routed<()>, Failure> {
        let id = SubmissionId::parse(&call.id).map_err(|_| Failure::FeedbackNotFound)?;
        let by_receipt = call.key.0.as_deref().and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("receipt").then(|| token.trim().to_owned())
        });
        let (author, record) = match by_receipt {
            Some(token) => {
                // A site nobody created answers as a wrong receipt does.
                let record = self.record().map_err(super::settings::unknown_is_unauthorized)?;
                (Some(AuthorKey::parse(&token).map_err(|_| Failure::Unauthorized)?), record)
            }
            None => (None, self.owner(&call.key)?),
        };
        if let Some(elsewhere) = Self::elsewhere(&record, &id) {
            return Ok(elsewhere);
        }
        let now = worker::Date::now().as_millis() as i64;
        self.transaction(|| {
            let row = self.stored(id.as_str())?.ok_or(Failure::FeedbackNotFound)?;
            if author.is_some() && !may_change(row.author.clone().map(Author::stored).as_ref(), author.as_ref()) {
                return Err(Failure::Unauthorized);
            }
            let rating = row.rating()?;
            self.sql.exec(DELETE_SUBMISSION, vec![id.as_str().into()])?;
            self.sql.exec(INSERT_TOMBSTONE, vec![id.as_str().into(), now.into()])?;
            self.sql.exec(DROP_EVENT_OF, vec![id.as_str().into()])?;
            self.count(rating, row.comment.is_some(), &row.page, row.received_at, -1)
        })?;
        // The alarm forgets the tombstone once it is due, on sites with no other alarm too. The
        // delete is committed: failing to arm must not tell the visitor otherwise.
        if let Err(failure) = self.arm_by(now + TOMBSTONE_MS, now).await {
            worker::console_error!("arming the alarm: {failure}");
        }
        Ok(Routed::Here(()))
    }

    /// Forgets tombstones older than `TOMBSTONE_MS` (at most `TOMBSTONES_PER_RUN`); answers
    /// whether some may remain, so the alarm runs again soon.
    pub(super) fn forget_tombstones(&self, now: i64) -> Result<bool, Failure> {
        let forgotten: Vec<Forgotten> = self.sql.exec(FORGET_TOMBSTONES, vec![(now - TOMBSTONE_MS).into(), TOMBSTONES_PER_RUN.into()])?.to_array()?;
        Ok(forgotten.len() as i64 >= TOMBSTONES_PER_RUN)
    }
}

/// A submission's row values, numbered `?1`…`?13` as `INSERT_SUBMISSION` and
/// `UPDATE_SUBMISSION` name them, with the page it is counted under (`?5`) and, if that is not
/// the page it was sent from, the page it was sent from (`?12`): nothing the visitor sent is lost.
fn values(s: &Submission, page: &str, received_at: i64, updated_at: i64) -> Vec<SqlStorageValue> {
    let sent_page = (page != s.page.as_str()).then(|| s.page.as_str().to_owned());
    vec![
        s.id.as_str().into(),
        s.rating.scale().as_str().into(),
        i32::from(s.rating.value()).into(),
        s.comment.as_ref().map(|c| c.as_str().to_owned()).into(),
        page.into(),
        s.locale.as_str().into(),
        s.client_ts.into(),
        s.widget_version.as_str().into(),
        i64::from(s.rev).into(),
        received_at.into(),
        updated_at.into(),
        sent_page.into(),
        s.attributes.to_json().into(),
    ]
}
