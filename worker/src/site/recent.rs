//! The last 30 days' counts per page, the dashboard's default view: kept like the all-time
//! rollups (SQLite triggers on `daily`, in every write's transaction) for the days from
//! `recent.first_day` on, and moved forward a day at a time by taking the days that left the
//! window out again. A 30-day summary then ranks its pages from an index, as an all-time one
//! does, instead of counting 30 days of per-day, per-page rows at read time.

use sayso_core::{format_day, parse_day};
use serde::Deserialize;

use super::SiteObject;
use crate::http::Failure;

/// How many days the window holds, today included.
pub const RECENT_DAYS: i64 = 30;

/// The window's tables and triggers (made on every start, as `rollups::ROLLUPS`). Until the
/// window is first read, `recent` has no row and the triggers add nothing.
pub const RECENT: &str = concat!(
    "CREATE TABLE IF NOT EXISTS recent (one INTEGER PRIMARY KEY CHECK (one = 1), first_day TEXT NOT NULL);\n",
    page_counts!("recent_rating", "recent_rank", "new.day >= (SELECT first_day FROM recent)", "old.day >= (SELECT first_day FROM recent)")
);

/// The window's first day (`FirstDay`).
const FIRST_DAY: &str = "SELECT first_day FROM recent WHERE one = 1";
/// Takes the days from `?1` up to (not including) `?2` out of the window's counts.
const UNCOUNT_RATINGS: &str = "INSERT INTO recent_rating
    SELECT page, scale, value, -sum(ratings), -sum(comments) FROM daily WHERE day >= ?1 AND day < ?2 GROUP BY 1, 2, 3
    ON CONFLICT DO UPDATE SET ratings = ratings + excluded.ratings, comments = comments + excluded.comments";
/// The same for its ranks.
const UNCOUNT_RANKS: &str = "INSERT INTO recent_rank SELECT page, -sum(ratings) FROM daily WHERE day >= ?1 AND day < ?2 GROUP BY 1
    ON CONFLICT DO UPDATE SET ratings = ratings + excluded.ratings";
/// Forgets the pages the window no longer counts.
const DROP_EMPTY: &str = "DELETE FROM recent_rating WHERE ratings = 0 AND comments = 0; DELETE FROM recent_rank WHERE ratings = 0";
/// Forgets every count of the window (before counting it afresh).
const EMPTY: &str = "DELETE FROM recent_rating; DELETE FROM recent_rank";
/// Makes `?1` the window's first day.
const MOVE_TO: &str = "INSERT INTO recent (one, first_day) VALUES (1, ?1) ON CONFLICT (one) DO UPDATE SET first_day = excluded.first_day";
/// Counts the days from `?1` on into the window (its first read, or a site nobody read for
/// longer than the window).
const FILL_RATINGS: &str = "INSERT INTO recent_rating
    SELECT page, scale, value, sum(ratings), sum(comments) FROM daily WHERE day >= ?1 GROUP BY 1, 2, 3 HAVING sum(ratings) > 0";
/// The same for its ranks.
const FILL_RANKS: &str = "INSERT INTO recent_rank SELECT page, sum(ratings) FROM daily WHERE day >= ?1 GROUP BY 1 HAVING sum(ratings) > 0";

/// Bench builds only: the window counted from `first_day` (a call).
#[cfg(feature = "bench")]
#[derive(serde::Serialize, Deserialize)]
pub struct Rewind {
    /// `YYYY-MM-DD`.
    pub first_day: String,
}

#[derive(Deserialize)]
struct FirstDay {
    first_day: String,
}

impl SiteObject {
    /// Whether the range `from`–`to` is the window's (its first day to today, UTC, or later):
    /// if so, the window is brought up to date to answer it.
    pub(super) fn is_recent(&self, from: Option<&str>, to: Option<&str>) -> Result<bool, Failure> {
        let today = (worker::Date::now().as_millis() as i64).div_euclid(86_400_000);
        let first_days = today - (RECENT_DAYS - 1);
        let (today, first) = (format_day(today), format_day(first_days));
        if from != Some(first.as_str()) || to.is_some_and(|to| to < today.as_str()) {
            return Ok(false);
        }
        self.transaction(|| {
            let stored = self.sql.exec(FIRST_DAY, None)?.to_array::<FirstDay>()?.into_iter().next().map(|f| f.first_day);
            match stored {
                // Up to date: a read writes nothing.
                Some(stored) if stored == first => return Ok(()),
                // A day or a few behind: take out the days that left (a day's rows each).
                Some(stored) if stored < first && parse_day(&stored).is_some_and(|d| d > first_days - RECENT_DAYS) => {
                    for uncount in [UNCOUNT_RATINGS, UNCOUNT_RANKS] {
                        self.sql.exec(uncount, vec![stored.clone().into(), first.clone().into()])?;
                    }
                    self.sql.exec(DROP_EMPTY, None)?;
                }
                _ => self.refill(&first)?,
            }
            self.sql.exec(MOVE_TO, vec![first.as_str().into()])?;
            Ok(())
        })?;
        Ok(true)
    }

    /// Counts the window afresh from `first` on; inside the caller's transaction.
    fn refill(&self, first: &str) -> Result<(), Failure> {
        self.sql.exec(EMPTY, None)?;
        for fill in [FILL_RATINGS, FILL_RANKS] {
            self.sql.exec(fill, vec![first.into()])?;
        }
        Ok(())
    }

    /// Bench builds only (`Rewind`): the window as a site last read on an earlier day has it,
    /// counted from `first_day`, so the next 30-day read moves it forward.
    #[cfg(feature = "bench")]
    pub(super) fn rewind(&self, call: Rewind) -> Result<(), Failure> {
        self.ensure_schema()?;
        self.transaction(|| {
            self.refill(&call.first_day)?;
            self.sql.exec(MOVE_TO, vec![call.first_day.as_str().into()])?;
            Ok(())
        })
    }
}
