//! The retention period: submissions older than the site keeps are deleted in bounded batches,
//! oldest first, each batch taking exactly its own rows out of the counts, the rows a late
//! copy can still follow leaving their tombstones.

use sayso_core::alarm::{Retention, DAY_MS};
use serde::Deserialize;

use super::submissions::TOMBSTONE_MS;
use super::SiteObject;
use crate::http::Failure;

/// The most submissions one batch deletes. One batch is one synchronous transaction: while it
/// runs the site's object answers nobody, and it must stay far inside the 30 s of CPU an alarm
/// gets (the same default as a request). Measured on `wrangler dev` (2 shared cores, a site
/// seeded with 1,000,000 submissions, all expired): batches of 10,000 took about 40 ms each
/// (1M rows gone in 100 alarm runs, 104 s with `NEXT_BATCH_MS` between them); a summary asked
/// for meanwhile answered in 15 ms at the median, 73 ms at p99, 157 ms at worst. That is under
/// 0.2 % of the CPU budget, and a request waits behind at most one batch.
/// The seeding Worker (`bench`, for the tests only) deletes 2,000 at a time, so a test sees many
/// batches without storing many rows.
pub(super) const BATCH_ROWS: i64 = if cfg!(feature = "bench") { 2_000 } else { 10_000 };

/// The last submission of the next batch and the one after it, if any (`BatchEnd`): the
/// `?2 + 1`-th and `?2 + 2`-th oldest received before `?1`, walked on `submission_newest`.
const BATCH_END: &str = "SELECT received_at, id FROM submission WHERE received_at < ?1 ORDER BY received_at, id LIMIT 2 OFFSET ?2";
/// Takes the submissions up to `(?1, ?2)` (received_at, id) out of the counts: the same
/// statement that moves every count, with the rows of the batch, signed negative.
const UNCOUNT_BATCH: &str = add_to_daily!(
    "SELECT date(received_at / 1000, 'unixepoch'), page, scale, value, -count(*), -count(comment) FROM submission
    WHERE (received_at, id) <= (?1, ?2) GROUP BY 1, 2, 3, 4"
);
/// Drops the pending webhook events of every submission received before `?1`: an expired
/// submission is never announced. Walks the outbox (bounded) by its `submission` column, one
/// key lookup each, so its cost never grows with the number of expired rows.
const UNQUEUE_EXPIRED: &str = "DELETE FROM webhook_outbox WHERE EXISTS
    (SELECT 1 FROM submission WHERE submission.id = webhook_outbox.submission AND submission.received_at < ?1)";
/// Leaves a tombstone dated `?3` (now, so the alarm forgets it `TOMBSTONE_MS` later) for
/// every submission up to `(?1, ?2)` received after `?4` (`TOMBSTONE_MS` before now): a
/// retention period shorter than that ends before the widget's outbox stops resending, and a
/// copy arriving after its row went must not be stored again as new. Older rows leave none (no
/// copy of them can come), so with a period of `TOMBSTONE_MS` or more no batch writes one. At
/// most a batch of them, walked on `submission_newest` like `DELETE_BATCH`.
const TOMBSTONE_BATCH: &str = "INSERT INTO tombstone (id, at)
    SELECT id, ?3 FROM submission WHERE (received_at, id) <= (?1, ?2) AND received_at > ?4 ON CONFLICT (id) DO NOTHING";
/// Deletes the submissions up to `(?1, ?2)`: the batch `UNCOUNT_BATCH` took out of the counts.
const DELETE_BATCH: &str = "DELETE FROM submission WHERE (received_at, id) <= (?1, ?2)";
/// Drops the counts that reached zero on the days up to that of `?1` (ms): the only days a
/// batch can have emptied, since every older day went in an earlier batch.
const DELETE_EMPTY_DAYS: &str = "DELETE FROM daily WHERE day <= date(?1 / 1000, 'unixepoch') AND ratings = 0 AND comments = 0";

/// The same for the site-wide rollup of those days (`rollups.rs`; the triggers took the batch
/// out of it).
const DELETE_EMPTY_SITE_DAYS: &str = "DELETE FROM site_daily WHERE day <= date(?1 / 1000, 'unixepoch') AND ratings = 0 AND comments = 0";

#[derive(Deserialize)]
struct BatchEnd {
    received_at: i64,
    id: String,
}

impl SiteObject {
    /// Deletes one batch of the submissions received more than `days` before `now` — the
    /// oldest `BATCH_ROWS` — and takes exactly those out of the counts, in one transaction, so
    /// after every batch the counts are those of the submissions kept. Webhook events of every
    /// expired submission go in the first batch, before any alarm could deliver them; the rows
    /// a late copy can still follow leave their tombstones in the batch that deletes them.
    pub(super) fn expire_batch(&self, days: Option<u32>, now: i64) -> Result<Retention, Failure> {
        let Some(days) = days else { return Ok(Retention::Off) };
        let cutoff = now - i64::from(days) * DAY_MS;
        self.transaction(|| {
            let ends: Vec<BatchEnd> = self.sql.exec(BATCH_END, vec![cutoff.into(), (BATCH_ROWS - 1).into()])?.to_array()?;
            let more = ends.len() == 2;
            // Fewer than a batch left: `(cutoff, "")` bounds exactly the rows received before
            // the cutoff (no id sorts below the empty string).
            let (at, id) = ends.into_iter().next().map_or((cutoff, String::new()), |end| (end.received_at, end.id));
            self.sql.exec(UNQUEUE_EXPIRED, vec![cutoff.into()])?;
            self.sql.exec(UNCOUNT_BATCH, vec![at.into(), id.clone().into()])?;
            self.sql.exec(TOMBSTONE_BATCH, vec![at.into(), id.clone().into(), now.into(), (now - TOMBSTONE_MS).into()])?;
            self.sql.exec(DELETE_BATCH, vec![at.into(), id.into()])?;
            self.sql.exec(DELETE_EMPTY_DAYS, vec![at.into()])?;
            self.sql.exec(DELETE_EMPTY_SITE_DAYS, vec![at.into()])?;
            Ok(if more { Retention::More } else { Retention::CaughtUp })
        })
    }
}
