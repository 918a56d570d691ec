//! The owner's reads: the summary from the counts (`rollups.rs` picks the table), and pages of
//! submissions walked by the index their filters need (`search.rs`).

use sayso_core::{FeedbackPage, Summary};

use super::call::Fanned;
use super::counts::ShardCounts;
use super::SiteObject;
use super::{call, search};
use crate::http::Failure;

impl SiteObject {
    /// `ReadSummary`: never reads the submissions; the answer lists at most `SUMMARY_PAGES_MAX`
    /// pages. A sharded site's shard answers its counts, for the Worker to merge.
    pub(super) fn summary(&self, call: call::ReadSummary) -> Result<Fanned<Summary, ShardCounts>, Failure> {
        let record = self.owner(&call.key)?;
        match record.shard_map.span() {
            1 => Ok(Fanned::Whole(self.count_summary(&record.settings.site, &call.query)?)),
            shards => Ok(Fanned::Part { shards, part: self.shard_counts(&call.query)? }),
        }
    }

    /// `ReadFeedback`: a page of submissions, newest first. The cursor is the (received_at, id)
    /// of the last item shown, so submissions that arrive meanwhile never shift or repeat a
    /// later page.
    /// A sharded site's shard answers the same page as its part (`merge.rs`).
    pub(super) fn feedback(&self, call: call::ReadFeedback) -> Result<Fanned<FeedbackPage, FeedbackPage>, Failure> {
        let record = self.owner(&call.key)?;
        let listed = search::list(&self.sql, &call.query)?;
        let page = FeedbackPage { items: listed.items, next_cursor: listed.next.map(|next| next.text()) };
        match record.shard_map.span() {
            1 => Ok(Fanned::Whole(page)),
            shards => Ok(Fanned::Part { shards, part: page }),
        }
    }
}
