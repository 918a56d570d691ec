//! The summary the dashboard shows (`GET /v1/sites/{site}/summary`): per scale, per day, per page.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::page::PAGE_MAX_CHARS;
use crate::scale::Scale;

/// How many pages a summary lists when the request does not say (`pages_limit`).
pub const SUMMARY_PAGES_DEFAULT: usize = 50;
/// The most pages one summary lists; the rest are a `pages_cursor` away.
pub const SUMMARY_PAGES_MAX: usize = 200;
/// How many of the most-rated pages `best_page` and `worst_page` are chosen from.
pub const RANKED_PAGES: usize = 200;
/// The fewest ratings on the main scale a page needs to be `best_page` or `worst_page`, so a
/// page with one invented rating is never the best.
pub const RANKED_MIN_RATINGS: u64 = 5;

/// `GET /v1/sites/{site}/summary`: every number the dashboard shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The site id.
    pub site: String,
    /// First day counted (UTC, `YYYY-MM-DD`), if the request limited it.
    pub from: Option<String>,
    /// Last day counted, if the request limited it.
    pub to: Option<String>,
    /// The one page counted, if the request limited it.
    pub page: Option<String>,
    /// Ratings counted, all scales.
    pub total: u64,
    /// Ratings that came with a comment.
    pub comments: u64,
    /// One entry per scale that has ratings.
    pub scales: Vec<ScaleSummary>,
    /// One entry per day with ratings, oldest first.
    pub days: Vec<Slice>,
    /// The most rated pages, most rated first (ties by path), at most `pages_limit` of them,
    /// after `pages_cursor` if the request gave one.
    pub pages: Vec<Slice>,
    /// How many pages have ratings in all (0 with `pages_limit=0`).
    pub pages_total: u64,
    /// Where the next pages start (`pages_cursor=` of the next request); `None`: no more.
    pub pages_cursor: Option<String>,
    /// The page with the best score on the main scale (the one with most ratings), among the
    /// `RANKED_PAGES` most-rated pages with at least `RANKED_MIN_RATINGS` ratings on it (not
    /// only those listed); `None` with `pages_limit=0`.
    pub best_page: Option<String>,
    /// The page that needs attention: the worst score on the main scale, by the same rule.
    pub worst_page: Option<String>,
    /// The same ratings by channel: `web` (the widget) and each rating link's campaign
    /// (`channel.rs`); filled by the Worker from its per-channel counts, empty with a page.
    #[serde(default)]
    pub channels: Vec<crate::channel::ChannelSummary>,
    /// The same ratings by the values of the attribute asked for (`by`); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breakdown: Option<crate::channel::AttributeBreakdown>,
    /// The attribute keys most of the site's stored submissions carry (most first, ties by key, at
    /// most 20), to choose `by` from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attribute_keys: Vec<String>,
}

/// Which stretch of the ranked pages (most rated first, ties by path) a summary lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PagesWindow {
    /// At most this many pages (0 to `SUMMARY_PAGES_MAX`; 0: no page figures at all).
    pub limit: usize,
    /// Only pages ranked after this one, as an earlier summary's `pages_cursor` named it.
    pub after: Option<PageCursor>,
}

impl PagesWindow {
    /// No pages: the totals and days only (their cheapest summary).
    pub const NONE: PagesWindow = PagesWindow { limit: 0, after: None };
}

impl Default for PagesWindow {
    fn default() -> Self {
        PagesWindow { limit: SUMMARY_PAGES_DEFAULT, after: None }
    }
}

/// A place in the pages' ranking: the last page listed, by its count and path. On the wire it
/// is `{count}_{page}`, meant to be handed back as it came.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageCursor {
    /// The page's ratings.
    pub count: u64,
    /// The page's key (a path, or the page that counts the rest).
    pub page: String,
}

impl PageCursor {
    /// Reads a `pages_cursor`; `None` for anything a summary never gave out.
    pub fn parse(raw: &str) -> Option<PageCursor> {
        let (count, page) = raw.split_once('_')?;
        if !count.bytes().all(|b| b.is_ascii_digit()) || page.is_empty() || page.chars().count() > PAGE_MAX_CHARS {
            return None;
        }
        // Empty or too many digits for a count: `parse` refuses those.
        Some(PageCursor { count: count.parse().ok()?, page: page.into() })
    }

    /// The cursor's text, for `pages_cursor`.
    pub fn text(&self) -> String {
        format!("{}_{}", self.count, self.page)
    }

    /// Whether a page with `count` ratings and key `page` ranks after this place.
    pub fn precedes(&self, count: u64, page: &str) -> bool {
        count < self.count || (count == self.count && page > self.page.as_str())
    }
}

/// The headline numbers of one day or one page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Slice {
    /// The day (`YYYY-MM-DD`) or the page path.
    pub key: String,
    /// Ratings, all scales.
    pub count: u64,
    /// Of those, with a comment.
    pub comments: u64,
    /// Per scale with ratings: its headline score (see `ScaleSummary::score`).
    pub scores: Vec<Score>,
}

/// A scale's headline score within a slice.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// The scale.
    pub scale: Scale,
    /// Ratings on it.
    pub count: u64,
    /// Mean stars or faces, % thumbs up, NPS, or CSAT %.
    pub score: f64,
}

/// The numbers for one scale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScaleSummary {
    /// Which scale.
    pub scale: Scale,
    /// Ratings on it.
    pub count: u64,
    /// Of those, with a comment.
    pub comments: u64,
    /// Mean value (for thumbs: the share of thumbs up).
    pub mean: f64,
    /// The one number to show: mean stars or faces (1–5), % thumbs up (0–100), NPS (-100–100),
    /// or for `csat` the CSAT % (share of 4 and 5).
    pub score: f64,
    /// Five-point scales (stars, emoji, csat): % of ratings that are 4 or 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csat: Option<f64>,
    /// Count per value, every value of the scale, lowest first.
    pub histogram: Vec<Bucket>,
    /// For the NPS scale only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nps: Option<Nps>,
}

/// One bar of a histogram.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    /// The rating value.
    pub value: u8,
    /// How many.
    pub count: u64,
}

/// Net Promoter Score: % promoters (9–10) minus % detractors (0–6), from -100 to 100.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Nps {
    /// The score.
    pub score: f64,
    /// Ratings of 9 or 10.
    pub promoters: u64,
    /// Ratings of 7 or 8.
    pub passives: u64,
    /// Ratings of 0 to 6.
    pub detractors: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_what_they_wrote_and_nothing_else() {
        for cursor in [PageCursor { count: 12, page: "/docs/a_b".into() }, PageCursor { count: 0, page: "(other)".into() }] {
            assert_eq!(PageCursor::parse(&cursor.text()), Some(cursor));
        }
        for foreign in ["", "12", "_/docs", "x_/docs", "-1_/docs", "12_", "99999999999999999999999_/a"] {
            assert_eq!(PageCursor::parse(foreign), None, "{foreign}");
        }
        assert_eq!(PageCursor::parse(&format!("1_/{}", "a".repeat(PAGE_MAX_CHARS))), None, "longer than any page");
    }

    #[test]
    fn a_cursor_precedes_fewer_ratings_and_later_paths_with_as_many() {
        let at = PageCursor { count: 5, page: "/m".into() };
        assert!(at.precedes(4, "/a") && at.precedes(5, "/n"));
        assert!(!at.precedes(5, "/m") && !at.precedes(5, "/a") && !at.precedes(6, "/z"));
    }
}
