//! The owner's reads: the summary from the counts (`rollups.rs` picks the table), and pages of
//! submissions walked by the index their filters need (`search.rs`).

use sayso_core::{FeedbackPage, Summary};

use super::SiteObject;
use super::{call, search};
use crate::http::Failure;

impl SiteObject {
    /// `ReadSummary`: never reads the submissions; the answer lists at most `SUMMARY_PAGES_MAX`
    /// pages.
    pub(super) fn summary(&self, call: call::ReadSummary) -> Result<Summary, Failure> {
        let record = self.owner(&call.key)?;
        self.count_summary(&record.settings.site, &call.query)
    }

    /// `ReadFeedback`: a page of submissions, newest first. The cursor is the (received_at, id)
    /// of the last item shown, so submissions that arrive meanwhile never shift or repeat a
    /// later page.
    pub(super) fn feedback(&self, call: call::ReadFeedback) -> Result<FeedbackPage, Failure> {
        self.owner(&call.key)?;
        let listed = search::list(&self.sql, &call.query)?;
        Ok(FeedbackPage { items: listed.items, next_cursor: listed.next.map(|next| next.text()) })
    }
}
