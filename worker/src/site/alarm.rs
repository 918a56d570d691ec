//! The object's one alarm: what each run does and when it comes back. Webhook deliveries,
//! retention and forgetting tombstones share it, so every path through a run, failed or not,
//! arms it again while any of them has work left.

use super::retention::{Retention, DAY_MS, NEXT_BATCH_MS};
use super::settings::SiteRecord;
use super::submissions::TOMBSTONE_MS;
use super::SiteObject;
use crate::http::Failure;

/// After a failed step, the alarm comes back in a minute: soon enough to finish the work, late
/// enough that a step failing every time (storage trouble, a bad event) never spins.
pub(super) const RETRY_MS: i64 = 60_000;

/// When the oldest tombstone was left (`OldestTombstone`), by the `tombstone_at` index.
const OLDEST_TOMBSTONE: &str = "SELECT min(at) AS at FROM tombstone";

#[derive(serde::Deserialize)]
struct OldestTombstone {
    at: Option<i64>,
}

/// What one run of the alarm found, for deciding when it comes back: plain values, so the
/// rule is plain code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Work {
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
}

/// The delay (ms) until the alarm should run again, or `None` when nothing is left to do.
pub(super) fn next_alarm(work: Work, now: i64) -> Option<i64> {
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
    webhook.into_iter().chain(retention).chain(tombstones).min()
}

impl SiteObject {
    /// Arms the alarm for the earliest queued delivery (or a day from now, with a retention
    /// period), unless it is armed sooner already: a new event must never push back a
    /// retention batch or a retry that is due first. Called after a submission queued an event.
    pub(super) async fn schedule_deliveries(&self, record: &SiteRecord, now: i64) -> Result<(), Failure> {
        let retention = record.settings.retention_days.map(|_| Retention::CaughtUp).unwrap_or(Retention::Off);
        // Tombstones are not asked about: an armed alarm (or the next one) takes care of them.
        let work = Work { webhook_due: Ok(self.next_due()?), deliveries_failed: false, retention: Ok(retention), tombstone_due: Ok(None) };
        let Some(delay) = next_alarm(work, now) else { return Ok(()) };
        self.arm_by(now + delay, now).await
    }

    /// Arms the alarm for `at` (ms) unless it is armed sooner already (whatever it finds then,
    /// the run arms itself again for the rest).
    pub(super) async fn arm_by(&self, at: i64, now: i64) -> Result<(), Failure> {
        let armed = self.alarms.get_alarm().await?;
        if armed.is_none_or(|armed| armed > at) {
            self.alarms.set_alarm((at - now).max(1)).await?;
        }
        Ok(())
    }

    /// The alarm: one retention batch, one purge of old tombstones, the webhook deliveries that
    /// are due, then the alarm again for what is left. Each step runs whatever the one before
    /// did, and a failure is logged and retried on a later alarm rather than ending the chain:
    /// an alarm that is not armed again never runs again.
    pub(super) async fn run_alarm(&self) -> Result<(), Failure> {
        let now = worker::Date::now().as_millis() as i64;
        // Without the record nothing can be planned (is there a webhook, a retention period?):
        // a site nobody created has no work; an unreadable record is retried in a minute.
        let record = match self.record() {
            Ok(record) => record,
            Err(Failure::SiteNotFound) => return Ok(()),
            Err(failure) => {
                worker::console_error!("alarm: the site's record: {failure}");
                self.alarms.set_alarm(RETRY_MS).await?;
                return Ok(());
            }
        };
        let retention = self.expire_batch(record.settings.retention_days, now).map_err(|failure| {
            worker::console_error!("retention: {failure}");
        });
        let tombstone_due = self.forget_expired_tombstones(now).map_err(|failure| worker::console_error!("tombstones: {failure}"));
        let deliveries_failed = match self.deliver_webhooks(&record, now).await {
            Ok(()) => false,
            Err(failure) => {
                worker::console_error!("webhook deliveries: {failure}");
                true
            }
        };
        // Read after the deliveries: a submission that arrived while they were posting (the
        // object answers requests during a fetch) is in the queue, and its event with it.
        let webhook_due = self.next_due().map_err(|failure| worker::console_error!("webhook queue: {failure}"));
        // The clock moved while the deliveries were posting: delays count from now.
        let now = worker::Date::now().as_millis() as i64;
        if let Some(delay) = next_alarm(Work { webhook_due, deliveries_failed, retention, tombstone_due }, now) {
            // Set whatever is armed: only this run knows the work left. If this fails, the
            // error goes back to the runtime, which retries the whole alarm.
            self.alarms.set_alarm(delay).await?;
        }
        Ok(())
    }

    /// Forgets the tombstones past `TOMBSTONE_MS` (a bounded number per run) and answers when
    /// the next one is due: soon if that left some, else when the oldest left expires.
    fn forget_expired_tombstones(&self, now: i64) -> Result<Option<i64>, Failure> {
        if self.forget_tombstones(now)? {
            return Ok(Some(now + NEXT_BATCH_MS));
        }
        let oldest: Vec<OldestTombstone> = self.sql.exec(OLDEST_TOMBSTONE, None)?.to_array()?;
        Ok(oldest.first().and_then(|o| o.at).map(|at| at + TOMBSTONE_MS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_764_000_000_000;

    fn work(webhook_due: Result<Option<i64>, ()>, deliveries_failed: bool, retention: Result<Retention, ()>) -> Work {
        Work { webhook_due, deliveries_failed, retention, tombstone_due: Ok(None) }
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
