//! The owner's reads: the summary from the per-day counts, and pages of submissions walked by
//! their newest-first index.

use sayso_core::{Breakdown, FeedbackItem, FeedbackPage, Summary};

use super::call;
use super::schema::{DailyRow, SELECT_DAILY, SELECT_FEEDBACK};
use super::SiteObject;
use crate::http::Failure;

impl SiteObject {
    /// `ReadSummary`: the per-day, per-page counts in range. The cost grows with days and pages,
    /// never with the number of submissions; the answer lists at most `SUMMARY_PAGES_MAX` pages.
    pub(super) fn summary(&self, call: call::ReadSummary) -> Result<Summary, Failure> {
        let record = self.owner(&call.key)?;
        let call::ReadSummary { query, .. } = call;
        let rows: Vec<DailyRow> =
            self.sql.exec(SELECT_DAILY, vec![query.from.clone().into(), query.to.clone().into(), query.page.clone().into()])?.to_array()?;
        let mut breakdown = Breakdown::default();
        for row in rows {
            let (rating, tally) = row.count()?;
            breakdown.add(&row.day, &row.page, rating, tally);
        }
        Ok(breakdown.summary(&record.settings.site, query.from.as_deref(), query.to.as_deref(), query.page.as_deref(), &query.pages))
    }

    /// `ReadFeedback`: a page of submissions, newest first. The cursor is the (received_at, id)
    /// of the last item shown, so submissions that arrive meanwhile never shift or repeat a
    /// later page.
    pub(super) fn feedback(&self, call: call::ReadFeedback) -> Result<FeedbackPage, Failure> {
        self.owner(&call.key)?;
        let query = call.query;
        // Search is `instr`, not `LIKE`: Durable Object SQLite refuses LIKE and GLOB patterns
        // over 50 bytes, and `instr` has no such limit, so every phrase the API accepts works
        // (and no character of it is a wildcard). Both ignore case for ASCII only.
        let phrase = query.q;
        let (after_ts, after_id) = match query.cursor {
            Some((ts, id)) => (Some(ts), Some(id)),
            None => (None, None),
        };
        let mut items: Vec<FeedbackItem> = self
            .sql
            .exec(
                SELECT_FEEDBACK,
                vec![
                    after_ts.into(),
                    after_id.into(),
                    query.min.into(),
                    query.max.into(),
                    query.page.into(),
                    query.has_comment.map(i32::from).into(),
                    phrase.into(),
                    (query.limit + 1).into(),
                ],
            )?
            .to_array()?;
        let next_cursor = if items.len() > query.limit as usize {
            items.truncate(query.limit as usize);
            items.last().map(|last| format!("{}_{}", last.received_at, last.id))
        } else {
            None
        };
        Ok(FeedbackPage { items, next_cursor })
    }
}
