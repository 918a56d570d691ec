//! The object's one alarm: what each run does and when it comes back. Webhook deliveries,
//! retention and forgetting tombstones share it, so every path through a run, failed or not,
//! arms it again while any of them has work left.

use sayso_core::alarm::{next_alarm, Retention, Work, NEXT_BATCH_MS, RETRY_MS};

use super::settings::SiteRecord;
use super::submissions::TOMBSTONE_MS;
use super::SiteObject;
use crate::http::Failure;

/// When the oldest tombstone was left (`OldestTombstone`), by the `tombstone_at` index.
const OLDEST_TOMBSTONE: &str = "SELECT min(at) AS at FROM tombstone";

#[derive(serde::Deserialize)]
struct OldestTombstone {
    at: Option<i64>,
}

impl SiteObject {
    /// Arms the alarm for the earliest queued delivery (or a day from now, with a retention
    /// period), unless it is armed sooner already: a new event must never push back a
    /// retention batch or a retry that is due first. Called after a submission queued an event.
    pub(super) async fn schedule_deliveries(&self, record: &SiteRecord, now: i64) -> Result<(), Failure> {
        let retention = record.settings.retention_days.map(|_| Retention::CaughtUp).unwrap_or(Retention::Off);
        // Tombstones are not asked about: an armed alarm (or the next one) takes care of them.
        let work = Work {
            webhook_due: Ok(self.next_due()?),
            deliveries_failed: false,
            retention: Ok(retention),
            tombstone_due: Ok(None),
            push_pending: false,
        };
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
    /// are due, a failed push of the site's record to its shards again, then the alarm again
    /// for what is left. Each step runs whatever the one before
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
        // Before the deliveries, so an alert or digest it queues goes out in this run.
        let alerts_due = self.run_alerts(&record, now);
        let deliveries_failed = match self.deliver_webhooks(&record, now).await {
            Ok(()) => false,
            Err(failure) => {
                worker::console_error!("webhook deliveries: {failure}");
                true
            }
        };
        let push_pending = self.push_pending(&record).await;
        // Read after the deliveries: a submission that arrived while they were posting (the
        // object answers requests during a fetch) is in the queue, and its event with it.
        let webhook_due = self.next_due().map_err(|failure| worker::console_error!("webhook queue: {failure}"));
        // The clock moved while the deliveries were posting: delays count from now.
        let now = worker::Date::now().as_millis() as i64;
        let alerts = alerts_due.map(|at| (at - now).max(1));
        if let Some(delay) =
            next_alarm(Work { webhook_due, deliveries_failed, retention, tombstone_due, push_pending }, now).into_iter().chain(alerts).min()
        {
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
