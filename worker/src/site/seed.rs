//! Bench builds only (`--features bench`): bulk-seeding a site with synthetic submissions for
//! the reads-at-scale benchmark and the retention test.

use super::call::{Seed, Seeded};
use super::schema::REBUILD_DAILY;
use super::SiteObject;
use crate::http::Failure;

/// `count` star ratings numbered from `?1` to `?2`, every tenth with a comment, received at `?3`.
const SEED: &str = "WITH RECURSIVE seq(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?2)
    INSERT OR IGNORE INTO submission (id, scale, value, comment, page, locale, client_ts, widget_version, rev, received_at, updated_at)
    SELECT printf('00000000-0000-7000-8000-%012x', i), 'stars', 1 + i % 5,
           CASE WHEN i % 10 = 0 THEN 'seeded comment ' || i END, '/p/' || (i % 50), 'en',
           1763900000000 + i, '0.0.0-bench', 0, ?3, ?3
    FROM seq";

impl SiteObject {
    /// Inserts the synthetic submissions, then rebuilds the counts from the submissions, in one
    /// transaction.
    pub(super) fn seed(&self, seed: Seed) -> Result<Seeded, Failure> {
        self.record()?;
        let now = worker::Date::now().as_millis() as i64 - seed.days_ago * 86_400_000;
        self.transaction(|| {
            self.sql.exec(SEED, vec![seed.from.into(), (seed.from + seed.count - 1).into(), now.into()])?;
            self.sql.exec("DELETE FROM daily", None)?;
            self.sql.exec(REBUILD_DAILY, None)?;
            Ok(())
        })?;
        Ok(Seeded { seeded: seed.count })
    }
}
