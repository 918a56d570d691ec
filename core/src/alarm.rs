//! When a site's one alarm comes back: a rule over what a run of it found. A Durable Object has
//! one alarm, which webhook deliveries, retention and forgetting tombstones share, so every path
//! through a run, failed or not, arms it again while any of them has work left.

/// After a failed step, the alarm comes back in a minute: soon enough to finish the work, late
/// enough that a step failing every time (storage trouble, a bad event) never spins.
pub const RETRY_MS: i64 = 60_000;

/// How soon the alarm comes back while expired submissions remain: soon enough that a large
/// backlog goes within minutes, late enough that visitors' requests run between batches.
pub const NEXT_BATCH_MS: i64 = 1_000;

/// A day in milliseconds.
pub const DAY_MS: i64 = 86_400_000;

/// Where retention stands after one run of the alarm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retention {
    /// The site keeps feedback for ever.
    Off,
    /// Nothing past the period is left; the next expires tomorrow at the earliest check.
    CaughtUp,
    /// Expired submissions remain for the next batch.
    More,
}

/// What one run of the alarm found, for deciding when it comes back: plain values, so the
/// rule is plain code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Work {
    /// The earliest due time (ms) of a queued webhook event; `Err` when the queue could not be
    /// read (then it may hold events, and the alarm must come back).
    pub webhook_due: Result<Option<i64>, ()>,
    /// Whether the deliveries failed part-way (a storage error): their events stay queued,
    /// maybe already due.
    pub deliveries_failed: bool,
    /// Retention's state; `Err` when its batch failed (rolled back, so the rows are still there).
    pub retention: Result<Retention, ()>,
    /// When the next tombstone is due to be forgotten (ms), if any is left; `Err` when
    /// forgetting failed.
    pub tombstone_due: Result<Option<i64>, ()>,
    /// Shard 0 of a sharded site: a shard does not have the newest record yet (its push
    /// failed), so the alarm pushes it again.
    pub push_pending: bool,
}

/// The delay (ms) until the alarm should run again, or `None` when nothing is left to do.
pub fn next_alarm(work: Work, now: i64) -> Option<i64> {
    // A queue that failed to deliver (or to be read) is retried later, not at its due time:
    // events it could not move are still due, and due now would be a loop.
    let webhook = match work.webhook_due {
        Ok(due) if work.deliveries_failed => due.map(|at| (at - now).max(RETRY_MS)),
        Ok(due) => due.map(|at| (at - now).max(1)),
        Err(()) => Some(RETRY_MS),
    };
    let retention = match work.retention {
        Ok(Retention::Off) => None,
        Ok(Retention::CaughtUp) => Some(DAY_MS),
        Ok(Retention::More) => Some(NEXT_BATCH_MS),
        Err(()) => Some(RETRY_MS),
    };
    let tombstones = match work.tombstone_due {
        Ok(due) => due.map(|at| (at - now).max(1)),
        Err(()) => Some(RETRY_MS),
    };
    let push = work.push_pending.then_some(RETRY_MS);
    webhook.into_iter().chain(retention).chain(tombstones).chain(push).min()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_764_000_000_000;

    fn work(webhook_due: Result<Option<i64>, ()>, deliveries_failed: bool, retention: Result<Retention, ()>) -> Work {
        Work { webhook_due, deliveries_failed, retention, tombstone_due: Ok(None), push_pending: false }
    }

    #[test]
    fn a_pending_push_comes_back_within_a_minute_and_never_delays_sooner_work() {
        let pending = Work { push_pending: true, ..work(Ok(None), false, Ok(Retention::Off)) };
        assert_eq!(next_alarm(pending, NOW), Some(RETRY_MS));
        let with_batch = Work { push_pending: true, ..work(Ok(None), false, Ok(Retention::More)) };
        assert_eq!(next_alarm(with_batch, NOW), Some(NEXT_BATCH_MS));
    }

    #[test]
    fn no_work_arms_nothing() {
        assert_eq!(next_alarm(work(Ok(None), false, Ok(Retention::Off)), NOW), None);
    }

    #[test]
    fn a_due_event_comes_first_and_a_backlog_of_expired_rows_comes_back_in_a_second() {
        assert_eq!(next_alarm(work(Ok(Some(NOW - 5)), false, Ok(Retention::More)), NOW), Some(1));
        assert_eq!(next_alarm(work(Ok(Some(NOW + 3_600_000)), false, Ok(Retention::More)), NOW), Some(NEXT_BATCH_MS));
        assert_eq!(next_alarm(work(Ok(None), false, Ok(Retention::CaughtUp)), NOW), Some(DAY_MS));
    }

    #[test]
    fn tombstones_left_bring_the_alarm_back_when_the_oldest_expires() {
        let tombstones = |due| Work { tombstone_due: due, ..work(Ok(None), false, Ok(Retention::Off)) };
        assert_eq!(next_alarm(tombstones(Ok(Some(NOW + 7_200_000))), NOW), Some(7_200_000));
        assert_eq!(next_alarm(tombstones(Ok(None)), NOW), None);
        assert_eq!(next_alarm(tombstones(Err(())), NOW), Some(RETRY_MS));
    }

    #[test]
    fn every_failure_arms_a_retry_never_a_loop() {
        assert_eq!(next_alarm(work(Ok(None), false, Err(())), NOW), Some(RETRY_MS));
        assert_eq!(next_alarm(work(Err(()), false, Ok(Retention::Off)), NOW), Some(RETRY_MS));
        assert_eq!(next_alarm(work(Ok(Some(NOW - 5)), true, Ok(Retention::CaughtUp)), NOW), Some(RETRY_MS));
        assert_eq!(next_alarm(work(Ok(Some(NOW + 2 * RETRY_MS)), true, Ok(Retention::Off)), NOW), Some(2 * RETRY_MS));
        // A failed delivery never delays a retention batch that is due sooner.
        assert_eq!(next_alarm(work(Ok(Some(NOW - 5)), true, Ok(Retention::More)), NOW), Some(NEXT_BATCH_MS));
    }
}
