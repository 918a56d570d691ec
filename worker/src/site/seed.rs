//! Bench builds only (`--features bench`): bulk-seeding a site with synthetic submissions (and,
//! when it has a webhook, their pending events) for the reads-at-scale benchmark and the
//! retention tests.

use super::webhooks::PENDING_MAX;
use super::SiteObject;
use crate::http::Failure;

/// `count` star ratings numbered from `?1` to `?2`, every tenth with a comment, received at `?3`.
const SEED: &str = "WITH RECURSIVE seq(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?2)
    INSERT OR IGNORE INTO submission (id, scale, value, comment, page, locale, client_ts, widget_version, rev, received_at, updated_at)
    SELECT printf('00000000-0000-7000-8000-%012x', i), 'stars', 1 + i % 5,
           CASE WHEN i % 10 = 0 THEN 'seeded comment ' || i END, '/p/' || (i % 50), 'en',
           1763900000000 + i, '0.0.0-bench', 0, ?3, ?3
    FROM seq";
/// The pending webhook event, due at `?3`, of every commented one of the submissions numbered
/// `?1` to `?2` (ids in fixed-width hex sort as their numbers), while the queue holds fewer
/// than `?5`; `?4` is the site. Only what retention needs of an event: its submission.
const SEED_EVENTS: &str = "INSERT OR IGNORE INTO webhook_outbox (event, body, attempts, next_at, submission)
    SELECT id || ':0', json_object('type', 'feedback', 'event', id || ':0', 'site', ?4, 'submission', json_object('id', id)), 0, ?3, id
    FROM submission
    WHERE id BETWEEN printf('00000000-0000-7000-8000-%012x', ?1) AND printf('00000000-0000-7000-8000-%012x', ?2) AND comment IS NOT NULL
    LIMIT max(0, ?5 - (SELECT count(*) FROM webhook_outbox))";

/// Bench builds only: synthetic submissions.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Seed {
    /// First number.
    pub from: i64,
    /// How many.
    pub count: i64,
    /// How long ago they "arrived" (for the retention test).
    #[serde(default)]
    pub days_ago: i64,
}

/// The answer to `Seed`.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Seeded {
    /// How many were asked for.
    pub seeded: i64,
}

impl SiteObject {
    /// Inserts the synthetic submissions, queues their events if the site has a webhook (due
    /// now; no alarm is armed for them), then rebuilds the counts from the submissions, in one
    /// transaction.
    pub(super) fn seed(&self, seed: Seed) -> Result<Seeded, Failure> {
        let record = self.record()?;
        let now = worker::Date::now().as_millis() as i64;
        let received = now - seed.days_ago * 86_400_000;
        let last = seed.from + seed.count - 1;
        self.transaction(|| {
            self.sql.exec(SEED, vec![seed.from.into(), last.into(), received.into()])?;
            if record.settings.webhook.is_some() {
                let site = record.settings.site.clone();
                self.sql.exec(SEED_EVENTS, vec![seed.from.into(), last.into(), now.into(), site.into(), PENDING_MAX.into()])?;
            }
            self.rebuild_counts()
        })?;
        Ok(Seeded { seeded: seed.count })
    }
}
