//! Submissions: storing one exactly once (by id and revision, inside the edit window and
//! `REVISIONS_MAX`), moving the counts with it, answering its receipt, and deleting it by
//! receipt or owner key.

use sayso_core::{Rating, Submission, SubmissionId, SubmitOutcome, SubmitStatus, REVISIONS_MAX};
use worker::SqlStorageValue;

use super::abuse::verify_turnstile;
use super::call::{self, CheckOrigin};
use super::schema::{RevRow, SubmissionRow, COUNT, DELETE_SUBMISSION, INSERT_SUBMISSION, SELECT_REV, SELECT_SUBMISSION, UPDATE_SUBMISSION};
use super::settings::SiteRecord;
use super::SiteObject;
use crate::http::{self, Failure};

/// How long after its first arrival a submission may still be changed (a comment added, the
/// rating corrected), in milliseconds.
pub const EDIT_WINDOW_MS: i64 = 30 * 60 * 1000;

impl SiteObject {
    /// `Submit`: origin, receipt key, spam rules, then one transaction for the row, the counts,
    /// the limits and the webhook event.
    pub(super) async fn submit(&self, call: call::Submit) -> Result<SubmitOutcome, Failure> {
        let mut record = self.check_origin(&CheckOrigin { origin: call.origin })?;
        if record.receipt_key.is_none() {
            let key = http::random_token(32)?;
            record = self.transaction(|| {
                let mut fresh = self.record()?;
                fresh.receipt_key.get_or_insert(key);
                self.store(&fresh)?;
                Ok(fresh)
            })?;
        }
        let submission = call.submission;
        let now = worker::Date::now().as_millis() as i64;
        let id = submission.id.as_str().to_owned();
        if submission.is_trapped() {
            // A bot filled the honeypot: answer exactly as if it were stored, so it learns
            // nothing, and store nothing.
            return Ok(SubmitOutcome { receipt: receipt(&record, &id)?, id, status: SubmitStatus::Created });
        }
        // The spam rules judge what is new: a resend of a stored revision passes as it passed
        // before (its Turnstile token is spent by now). Turnstile's check is a fetch, so it runs
        // before the transaction.
        if !self.stored_at(&submission)? {
            submission.check_pace(&record.settings.limits)?;
            if let (Some(view), Some(secret), Some(_)) = (&record.settings.turnstile, &record.turnstile_secret, &submission.comment) {
                verify_turnstile(&view.verify_url, secret, submission.turnstile.as_deref(), &id).await?;
            }
        }
        let (status, queued, remember) = self.transaction(|| {
            let status = self.upsert(&submission, now)?;
            let stored = matches!(status, SubmitStatus::Created | SubmitStatus::Updated);
            let mut remember = None;
            if stored {
                // Every stored revision spends tokens (resends of a stored one never do, so the
                // outbox's retries cannot lock a visitor out). The visitor's bucket first: the
                // site's is spent only for what the visitor's admitted, so one client never
                // spends the site's budget. A refusal rolls the write and both buckets back.
                let limits = record.settings.limits;
                let hash = self.visitor_hash(&record.settings.site, &call.visitor, now)?;
                let private = limits.honor_gpc && call.visitor.opted_out;
                remember = self.spend_visitor(&format!("v:{hash}"), limits.visitor_per_minute, now, private)?;
                self.spend("site", limits.site_per_minute, now)?;
            }
            let queued = stored && self.enqueue_webhook(&record, &submission, now)?;
            Ok((status, queued, remember))
        })?;
        if let Some(spent) = remember {
            self.remember(spent);
        }
        if queued {
            self.schedule_deliveries(&record, now).await?;
        }
        Ok(SubmitOutcome { receipt: receipt(&record, &id)?, id, status })
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
    fn upsert(&self, new: &Submission, now: i64) -> Result<SubmitStatus, Failure> {
        let Some(row) = self.stored(new.id.as_str())? else {
            self.sql.exec(INSERT_SUBMISSION, values(new, now, now))?;
            self.count(new.rating, new.comment.is_some(), new.page.as_str(), now, 1)?;
            return Ok(SubmitStatus::Created);
        };
        let old_rating = row.rating()?;
        if new.rev < row.rev {
            return Ok(SubmitStatus::Superseded);
        }
        if new.rev == row.rev {
            let same = old_rating == new.rating
                && row.comment.as_deref() == new.comment.as_ref().map(|c| c.as_str())
                && row.page == new.page.as_str()
                && row.locale == new.locale.as_str();
            return if same { Ok(SubmitStatus::Duplicate) } else { Err(Failure::EditConflict) };
        }
        if now - row.received_at > EDIT_WINDOW_MS {
            return Err(Failure::EditWindowClosed);
        }
        if row.revisions >= REVISIONS_MAX {
            return Err(Failure::TooManyRevisions);
        }
        self.sql.exec(UPDATE_SUBMISSION, values(new, row.received_at, now))?;
        // An edit stays on the day the submission first arrived.
        self.count(old_rating, row.comment.is_some(), &row.page, row.received_at, -1)?;
        self.count(new.rating, new.comment.is_some(), new.page.as_str(), row.received_at, 1)?;
        Ok(SubmitStatus::Updated)
    }

    /// Adds `sign` (±1) of a rating, with or without a comment, to the counts of its page on
    /// the (UTC) day it arrived.
    fn count(&self, rating: Rating, has_comment: bool, page: &str, received_at: i64, sign: i32) -> Result<(), Failure> {
        let comments = if has_comment { sign } else { 0 };
        self.sql.exec(
            COUNT,
            vec![received_at.into(), page.into(), rating.scale().as_str().into(), i32::from(rating.value()).into(), sign.into(), comments.into()],
        )?;
        Ok(())
    }

    /// `Delete`: one submission, by the owner (`Bearer OWNER_KEY`) or by the visitor who sent
    /// it (`Receipt RECEIPT`, as answered to the submission); the counts drop with it, in one
    /// transaction.
    pub(super) fn delete(&self, call: call::Delete) -> Result<(), Failure> {
        let id = SubmissionId::parse(&call.id).map_err(|_| Failure::FeedbackNotFound)?;
        let by_receipt = call.key.0.as_deref().and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("receipt").then(|| token.trim().to_owned())
        });
        match by_receipt {
            Some(token) => {
                let expected = receipt(&self.record().map_err(super::settings::unknown_is_unauthorized)?, id.as_str())?;
                if !http::same_secret(&token, &http::sha256_hex(expected.as_bytes())) {
                    return Err(Failure::Unauthorized);
                }
            }
            None => {
                self.owner(&call.key)?;
            }
        }
        self.transaction(|| {
            let row = self.stored(id.as_str())?.ok_or(Failure::FeedbackNotFound)?;
            let rating = row.rating()?;
            self.sql.exec(DELETE_SUBMISSION, vec![id.as_str().into()])?;
            self.count(rating, row.comment.is_some(), &row.page, row.received_at, -1)
        })
    }
}

/// The receipt for a submission id: HMAC-SHA256 of the id under the site's receipt key.
fn receipt(record: &SiteRecord, id: &str) -> Result<String, Failure> {
    use hmac::{Hmac, Mac};
    let key = record.receipt_key.as_deref().ok_or_else(|| Failure::Internal("no receipt key".into()))?;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).map_err(|e| Failure::Internal(e.to_string()))?;
    mac.update(id.as_bytes());
    Ok(mac.finalize().into_bytes().iter().take(20).map(|b| format!("{b:02x}")).collect())
}

/// A submission's row values, numbered `?1`…`?11` as `INSERT_SUBMISSION` and
/// `UPDATE_SUBMISSION` name them.
fn values(s: &Submission, received_at: i64, updated_at: i64) -> Vec<SqlStorageValue> {
    vec![
        s.id.as_str().into(),
        s.rating.scale().as_str().into(),
        i32::from(s.rating.value()).into(),
        s.comment.as_ref().map(|c| c.as_str().to_owned()).into(),
        s.page.as_str().into(),
        s.locale.as_str().into(),
        s.client_ts.into(),
        s.widget_version.as_str().into(),
        i64::from(s.rev).into(),
        received_at.into(),
        updated_at.into(),
    ]
}
