//! A shard's counts for a summary of a sharded site, merged by the Worker (`merge.rs`): the
//! counts themselves, not a summary, because only counts add up (core's `Aggregate` is a monoid;
//! a mean or a rank is not).
//!
//! The pages come whole (every page with ratings in the range, with its counts per rating), so
//! the Worker ranks the sum: each shard's own top pages would not add up to the site's, and a
//! page's rank, best and worst and `pages_total` need every shard's count of it. This grows with
//! the pages a range has (the per-page rollups hold one row per page and rating), not with
//! submissions; a site of one shard never takes this path.

use serde::{Deserialize, Serialize};

use super::call;
use super::query::SummaryQuery;
use super::rollups::{ONE_PAGE, SITE_DAYS};
use super::schema::DailyRow;
use super::SiteObject;
use crate::http::Failure;

/// Every page's all-time counts per rating.
const ALL_TIME_PAGES: &str = "SELECT '' AS day, page, scale, value, ratings, comments FROM page_rating WHERE ratings > 0";
/// The same, the last 30 days (`recent.rs`).
const RECENT_PAGES: &str = "SELECT '' AS day, page, scale, value, ratings, comments FROM recent_rating WHERE ratings > 0";
/// The same for the days `?1`–`?2`, counted from `daily`.
const RANGE_PAGES: &str = "SELECT '' AS day, page, scale, value, sum(ratings) AS ratings, sum(comments) AS comments FROM daily
    WHERE day >= ?1 AND day <= ?2 GROUP BY page, scale, value HAVING sum(ratings) > 0";

/// One shard's counts for a summary.
#[derive(Default, Serialize, Deserialize)]
pub struct ShardCounts {
    /// With a page asked for: its counts per day (`day` and `page` set). Else the site's counts
    /// per day (`page` empty).
    pub days: Vec<DailyRow>,
    /// Without a page asked for and with pages asked for: every page's counts (`day` empty).
    pub pages: Vec<DailyRow>,
}

impl SiteObject {
    /// `ReadCounts`: this shard's counts for `query`.
    pub(super) fn read_counts(&self, call: call::ReadCounts) -> Result<ShardCounts, Failure> {
        self.owner(&call.key)?;
        self.shard_counts(&call.query)
    }

    /// The counts `query` needs, from the rollups that answer it.
    pub(super) fn shard_counts(&self, query: &SummaryQuery) -> Result<ShardCounts, Failure> {
        let (from, to) = (query.from.clone(), query.to.clone());
        if let Some(page) = &query.page {
            let days = self.sql.exec(ONE_PAGE, vec![page.clone().into(), from.into(), to.into()])?.to_array()?;
            return Ok(ShardCounts { days, pages: Vec::new() });
        }
        let days = self.sql.exec(SITE_DAYS, vec![from.clone().into(), to.clone().into()])?.to_array()?;
        if query.pages.limit == 0 {
            return Ok(ShardCounts { days, pages: Vec::new() });
        }
        let pages = if from.is_none() && to.is_none() {
            self.sql.exec(ALL_TIME_PAGES, None)?.to_array()?
        } else if self.is_recent(from.as_deref(), to.as_deref())? {
            self.sql.exec(RECENT_PAGES, None)?.to_array()?
        } else {
            let (from, to) = (from.unwrap_or_else(|| "0000-00-00".into()), to.unwrap_or_else(|| "9999-12-31".into()));
            self.sql.exec(RANGE_PAGES, vec![from.into(), to.into()])?.to_array()?
        };
        Ok(ShardCounts { days, pages })
    }
}
