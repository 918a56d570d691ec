//! The counts derived from the per-day, per-page counts (`daily`): site-wide per day, all-time
//! per page, and the pages ranked by ratings. SQLite's triggers keep them in the transaction of
//! every write to `daily` (a submission, an edit, a delete, a retention batch), so each equals a
//! recount of `daily` at every commit, and no code path can forget one. The summary reads them
//! instead of `daily` wherever they answer the question, so its cost grows with days and listed
//! pages, not with submissions or with every page a site ever had.

use sayso_core::{Breakdown, PagesWindow, Summary, RANKED_PAGES};
use serde::Deserialize;

use super::query::SummaryQuery;
use super::recent::RECENT;
use super::schema::DailyRow;
use super::SiteObject;
use crate::http::Failure;

/// The derived tables (`IF NOT EXISTS`) and the triggers that keep them (made again on every
/// start, after `DROP_TRIGGERS`). Each change of a `daily` row adds its difference to the three
/// rollups.
///
/// - `site_daily`: the site's counts per day and rating (≤ 366 × 22 rows a year): the summary's
///   totals and days for any range.
/// - `page_rating`: each page's all-time counts per rating: the pages of an all-time summary.
/// - `page_rank`: each page's all-time ratings, indexed by count: the top pages and the pages
///   after a cursor, walked on `page_rank_order`, never sorted.
pub const ROLLUPS: &str = concat!(
    "CREATE TABLE IF NOT EXISTS site_daily (
  day TEXT NOT NULL, scale TEXT NOT NULL, value INTEGER NOT NULL, ratings INTEGER NOT NULL, comments INTEGER NOT NULL,
  PRIMARY KEY (day, scale, value)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS daily_page ON daily (page, day);
CREATE TRIGGER daily_added AFTER INSERT ON daily BEGIN
  INSERT INTO site_daily VALUES (new.day, new.scale, new.value, new.ratings, new.comments)
    ON CONFLICT DO UPDATE SET ratings = ratings + excluded.ratings, comments = comments + excluded.comments;
END;
CREATE TRIGGER daily_changed AFTER UPDATE OF ratings, comments ON daily BEGIN
  INSERT INTO site_daily VALUES (new.day, new.scale, new.value, new.ratings - old.ratings, new.comments - old.comments)
    ON CONFLICT DO UPDATE SET ratings = ratings + excluded.ratings, comments = comments + excluded.comments;
END;
CREATE TRIGGER daily_removed AFTER DELETE ON daily WHEN old.ratings <> 0 OR old.comments <> 0 BEGIN
  INSERT INTO site_daily VALUES (old.day, old.scale, old.value, -old.ratings, -old.comments)
    ON CONFLICT DO UPDATE SET ratings = ratings + excluded.ratings, comments = comments + excluded.comments;
END;
",
    page_counts!("page_rating", "page_rank", "1", "1")
);

/// Every trigger that keeps a rollup (and the names of earlier versions): dropped and made
/// again on each start, so a changed trigger reaches every object, and while counts are
/// rebuilt in bulk (they would run once per row).
const DROP_TRIGGERS: &str = "
DROP TRIGGER IF EXISTS daily_added; DROP TRIGGER IF EXISTS daily_changed; DROP TRIGGER IF EXISTS daily_removed;
DROP TRIGGER IF EXISTS page_rating_added; DROP TRIGGER IF EXISTS page_rating_changed; DROP TRIGGER IF EXISTS page_rating_removed;
DROP TRIGGER IF EXISTS recent_rating_added; DROP TRIGGER IF EXISTS recent_rating_changed; DROP TRIGGER IF EXISTS recent_rating_removed;
DROP TRIGGER IF EXISTS recent_added; DROP TRIGGER IF EXISTS recent_changed; DROP TRIGGER IF EXISTS recent_removed;
";

/// The rollups recounted from `daily` (a site from before them, or a bulk rebuild).
const RECOUNT: &str = "
DELETE FROM site_daily; DELETE FROM page_rating; DELETE FROM page_rank;
INSERT INTO site_daily SELECT day, scale, value, sum(ratings), sum(comments) FROM daily GROUP BY 1, 2, 3;
INSERT INTO page_rating SELECT page, scale, value, sum(ratings), sum(comments) FROM daily GROUP BY 1, 2, 3;
INSERT INTO page_rank SELECT page, sum(ratings) FROM daily GROUP BY 1;
";

/// The site's counts per day in `?1`–`?2` (either may be NULL), as `DailyRow`s of no page.
/// (Bounds as `coalesce`, not `?1 IS NULL OR …`, so SQLite seeks to the range.)
pub(super) const SITE_DAYS: &str = "SELECT day, '' AS page, scale, value, ratings, comments FROM site_daily
    WHERE day >= coalesce(?1, '') AND day <= coalesce(?2, '9999-12-31') AND ratings > 0";
/// The first and last day with ratings (`Span`).
const SPAN: &str = "SELECT (SELECT day FROM site_daily WHERE ratings > 0 ORDER BY day LIMIT 1) AS first,
    (SELECT day FROM site_daily WHERE ratings > 0 ORDER BY day DESC LIMIT 1) AS last";
/// Pages with ratings, all time (`Total`).
const PAGES_TOTAL: &str = "SELECT count(*) AS pages FROM page_rank WHERE ratings > 0";
/// The counts in `$ratings` of the `?3` most-rated pages in `$ranks` ranked after `(?1, ?2)`
/// (ratings, page) — `(i64::MAX, '')` for the top — walked on the ranks' index from the cursor
/// on: the all-time rollups or the last 30 days' (`recent.rs`).
macro_rules! ranked {
    ($ranks:literal, $ratings:literal) => {
        concat!(
            "SELECT '' AS day, p.page, p.scale, p.value, p.ratings, p.comments FROM (SELECT page FROM ",
            $ranks,
            " WHERE ratings > 0 AND ratings <= ?1 AND (ratings < ?1 OR page > ?2) ORDER BY ratings DESC, page LIMIT ?3) AS r JOIN ",
            $ratings,
            " AS p ON p.page = r.page WHERE p.ratings > 0"
        )
    };
}
/// Ranked pages, all time.
const RANKED_ALL_TIME: &str = ranked!("page_rank", "page_rating");
/// Ranked pages, the last 30 days.
const RANKED_RECENT: &str = ranked!("recent_rank", "recent_rating");
/// Pages with ratings in the last 30 days (`Total`).
const RECENT_PAGES_TOTAL: &str = "SELECT count(*) AS pages FROM recent_rank WHERE ratings > 0";
/// The same pages for the days `?4`–`?5`, counted from `daily` (a range that leaves out some
/// days with ratings): one pass over the range's rows, grouped once. `part` says which list a
/// row belongs to: the window after the cursor (`listed`) or the top pages (`ranked`); one row
/// `total` counts the range's pages. `IN`, not a join: SQLite probes an index of the few pages
/// chosen while it scans the range's counts once (a join scanned them once per page). This one
/// grows with the range's pages: a range of days is counted at read time (see BENCHMARKS.md).
const RANKED_IN_RANGE: &str = "WITH counts AS MATERIALIZED (
      SELECT page, scale, value, sum(ratings) AS ratings, sum(comments) AS comments FROM daily
      WHERE day >= ?4 AND day <= ?5 GROUP BY 1, 2, 3 HAVING sum(ratings) > 0),
    ranks AS MATERIALIZED (SELECT page, sum(ratings) AS n FROM counts GROUP BY page)
    SELECT 'listed' AS part, * FROM counts
      WHERE page IN (SELECT page FROM ranks WHERE n <= ?1 AND (n < ?1 OR page > ?2) ORDER BY n DESC, page LIMIT ?3)
    UNION ALL SELECT 'ranked', * FROM counts WHERE page IN (SELECT page FROM ranks ORDER BY n DESC, page LIMIT ?6)
    UNION ALL SELECT 'total', CAST(count(*) AS TEXT), '', 0, 0, 0 FROM ranks";
/// One page's counts per day in `?2`–`?3` (either may be NULL), walked on `daily_page`.
pub(super) const ONE_PAGE: &str = "SELECT day, page, scale, value, ratings, comments FROM daily
    WHERE page = ?1 AND day >= coalesce(?2, '') AND day <= coalesce(?3, '9999-12-31') AND ratings > 0";

#[derive(Deserialize)]
struct Span {
    first: Option<String>,
    last: Option<String>,
}

#[derive(Deserialize)]
struct Total {
    pages: i64,
}

/// A row of `RANKED_IN_RANGE`.
#[derive(Deserialize)]
struct RangeRow {
    part: String,
    page: String,
    scale: String,
    value: i64,
    ratings: i64,
    comments: i64,
}

impl SiteObject {
    /// Makes the rollups and their triggers; recounts them once on a site from before them.
    pub(super) fn ensure_rollups(&self) -> Result<(), Failure> {
        // One transaction: tables made but never filled would never be filled.
        self.transaction(|| {
            let new = !self.has_table("page_rank")?;
            self.sql.exec(DROP_TRIGGERS, None)?;
            self.sql.exec(ROLLUPS, None)?;
            self.sql.exec(RECENT, None)?;
            if new {
                self.sql.exec(RECOUNT, None)?;
            }
            Ok(())
        })
    }

    #[cfg(feature = "bench")]
    /// Recounts `daily` with `rebuild` (a statement over the submissions) and the rollups from
    /// it, the triggers off meanwhile (a bulk rebuild would run them once per row). Inside the
    /// caller's transaction.
    pub(super) fn recount(&self, rebuild: &str) -> Result<(), Failure> {
        self.sql.exec(DROP_TRIGGERS, None)?;
        self.sql.exec("DELETE FROM daily", None)?;
        self.sql.exec(rebuild, None)?;
        self.sql.exec(RECOUNT, None)?;
        // The last 30 days are counted afresh when next read.
        self.sql.exec("DELETE FROM recent", None)?;
        self.sql.exec(ROLLUPS, None)?;
        self.sql.exec(RECENT, None)?;
        Ok(())
    }

    /// The summary's counts for `query`, from the cheapest table that answers it exactly.
    pub(super) fn count_summary(&self, site: &str, query: &SummaryQuery) -> Result<Summary, Failure> {
        let (from, to) = (query.from.clone(), query.to.clone());
        let mut breakdown = Breakdown::default();
        if let Some(page) = &query.page {
            for row in self.sql.exec(ONE_PAGE, vec![page.clone().into(), from.clone().into(), to.clone().into()])?.to_array::<DailyRow>()? {
                let (rating, tally) = row.count()?;
                breakdown.add(&row.day, &row.page, rating, tally);
            }
            return Ok(breakdown.summary(site, from.as_deref(), to.as_deref(), Some(page), &query.pages));
        }
        for row in self.sql.exec(SITE_DAYS, vec![from.clone().into(), to.clone().into()])?.to_array::<DailyRow>()? {
            let (rating, tally) = row.count()?;
            breakdown.add_day(&row.day, rating, tally);
        }
        if query.pages.limit > 0 {
            self.rank_pages(&mut breakdown, from.as_deref(), to.as_deref(), &query.pages)?;
        }
        Ok(breakdown.summary(site, from.as_deref(), to.as_deref(), None, &query.pages))
    }

    /// Adds the listed and the top pages to `breakdown`: from the all-time rollups when the range
    /// holds every day with ratings, else from the range's `daily` rows.
    fn rank_pages(&self, breakdown: &mut Breakdown, from: Option<&str>, to: Option<&str>, window: &PagesWindow) -> Result<(), Failure> {
        let (after_count, after_page) = match &window.after {
            Some(cursor) => (i64::try_from(cursor.count).unwrap_or(i64::MAX), cursor.page.clone()),
            None => (i64::MAX, String::new()),
        };
        // One more than listed: whether a next page of pages exists.
        let listed = (window.limit + 1) as i64;
        let span = self.sql.exec(SPAN, None)?.to_array::<Span>()?.into_iter().next().unwrap_or(Span { first: None, last: None });
        let covers = |bound: Option<&str>, edge: Option<&str>, holds: fn(&str, &str) -> bool| match (bound, edge) {
            (None, _) | (_, None) => true,
            (Some(bound), Some(edge)) => holds(bound, edge),
        };
        // Both rollups have no last day: they answer only a range that holds every day after it.
        let to_the_end = covers(to, span.last.as_deref(), |to, last| to >= last);
        let rollup = if to_the_end && covers(from, span.first.as_deref(), |from, first| from <= first) {
            Some((RANKED_ALL_TIME, PAGES_TOTAL))
        } else if to_the_end && self.is_recent(from, to)? {
            Some((RANKED_RECENT, RECENT_PAGES_TOTAL))
        } else {
            None
        };
        if let Some((ranked, pages_total)) = rollup {
            let read = |cursor: (i64, &str), limit: i64| -> Result<Vec<DailyRow>, Failure> {
                Ok(self.sql.exec(ranked, vec![cursor.0.into(), cursor.1.into(), limit.into()])?.to_array()?)
            };
            for row in read((after_count, &after_page), listed)? {
                let (rating, tally) = row.count()?;
                breakdown.add_listed(&row.page, rating, tally);
            }
            for row in read((i64::MAX, ""), RANKED_PAGES as i64)? {
                let (rating, tally) = row.count()?;
                breakdown.add_ranked(&row.page, rating, tally);
            }
            let total = self.sql.exec(pages_total, None)?.to_array::<Total>()?;
            breakdown.set_pages_total(total.first().map_or(0, |t| t.pages.max(0) as u64));
            return Ok(());
        }
        // A range of days: `from` and `to` bound it (the earliest and latest day when absent).
        let (from, to) = (from.unwrap_or("0000-00-00"), to.unwrap_or("9999-12-31"));
        let params = vec![after_count.into(), after_page.into(), listed.into(), from.into(), to.into(), (RANKED_PAGES as i64).into()];
        for row in self.sql.exec(RANKED_IN_RANGE, params)?.to_array::<RangeRow>()? {
            if row.part == "total" {
                breakdown.set_pages_total(row.page.parse().unwrap_or(0));
                continue;
            }
            let RangeRow { part, page, scale, value, ratings, comments } = row;
            let line = DailyRow { day: String::new(), page, scale, value, ratings, comments };
            let (rating, tally) = line.count()?;
            if part == "listed" {
                breakdown.add_listed(&line.page, rating, tally);
            } else {
                breakdown.add_ranked(&line.page, rating, tally);
            }
        }
        Ok(())
    }
}
