//! The weekly digest event, Mondays at 08:00 UTC from the alarm: its numbers are the summary's
//! own (`count_summary`, the code `GET …/summary?from=&to=` runs), with the latest unhappy
//! comments and the replies sent. And the owner's test button for alerts and the digest.

use sayso_core::alarm::DAY_MS;
use sayso_core::digest::{days_before, digest, last_due, UnhappyComment, DIGEST_LIST};
use sayso_core::{format_day, PagesWindow, Rating, Scale, Sentiment, SUMMARY_PAGES_MAX};
use serde::{Deserialize, Serialize};

use super::alerts::judged_here;
use super::call::Credential;
use super::query::SummaryQuery;
use super::settings::SiteRecord;
use super::webhooks::TestEvent;
use super::SiteObject;
use crate::http::Failure;

/// The newest commented submissions received in `?1`–`?2` (ms, end excluded), among the newest
/// 5000 of those days, walked on `submission_newest` (`Commented`). The unhappy ones are picked
/// by `Rating::sentiment` (the rule written once); the bound keeps a busy week's digest to a few
/// thousand rows read, at the price of quoting fewer than three when the week's last 5000
/// submissions hold fewer unhappy comments.
const COMMENTED: &str = "SELECT id, scale, value, comment, page, received_at FROM (
      SELECT id, scale, value, comment, page, received_at FROM submission
      WHERE received_at >= ?1 AND received_at < ?2 ORDER BY received_at DESC, id DESC LIMIT 5000)
    WHERE comment IS NOT NULL";
/// Replies sent in `?1`–`?2` (ms, end excluded), from the replies room's table (`Sent`).
const REPLIES_SENT: &str = "SELECT count(*) AS n FROM reply WHERE at >= ?1 AND at < ?2";

#[derive(Deserialize)]
struct Commented {
    id: String,
    scale: String,
    value: i64,
    comment: String,
    page: String,
    received_at: i64,
}

#[derive(Deserialize)]
struct Sent {
    n: i64,
}

/// What the test button sends.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TestKind {
    /// A sample score-drop alert on the site's numbers now, marked `test`.
    Alert,
    /// A real digest of the seven days before today, marked `test`.
    Digest,
}

/// Queues one alert or digest event now (owner key; `POST …/alert-test`).
#[derive(Serialize, Deserialize)]
pub struct AlertTest {
    /// The owner key.
    pub key: Credential,
    /// Which event.
    pub kind: TestKind,
}

/// Bench builds only: judges the alerts now, as the alarm would, and arms the alarm for the
/// deliveries (the tests' way to run the hourly check at once).
#[cfg(feature = "bench")]
#[derive(Serialize, Deserialize)]
pub struct JudgeAlerts {}

impl SiteObject {
    /// Sends the digest due at the last Monday 08:00 if it was not sent yet, in one
    /// transaction with its state. The first check after the digest is turned on only notes
    /// the time: the first digest comes at the next due time, never at once for a week the
    /// owner did not ask about.
    pub(super) fn send_digest_if_due(&self, record: &SiteRecord, now: i64) -> Result<(), Failure> {
        if !record.settings.alerts.digest || !judged_here(record) {
            return Ok(());
        }
        let due = last_due(now);
        self.transaction(|| {
            match self.state_at("digest")? {
                Some(sent) if sent >= due => {}
                Some(_) => {
                    let event = format!("digest:{}", format_day(days_before(due).0));
                    let body = self.digest_body(record, &event, due, false)?;
                    if self.queue_alert(&event, body, now)? {
                        self.set_state("digest", due)?;
                    }
                }
                None => self.set_state("digest", due)?,
            }
            Ok(())
        })
    }

    /// The digest event of the seven days before the day of `at` (ms).
    fn digest_body(&self, record: &SiteRecord, event: &str, at: i64, test: bool) -> Result<String, Failure> {
        let (from, to) = days_before(at);
        let range = |from: i64, to: i64, pages: PagesWindow| SummaryQuery {
            from: Some(format_day(from)),
            to: Some(format_day(to)),
            page: None,
            pages,
            by: None,
        };
        let site = &record.settings.site;
        let week = self.count_summary(site, &range(from, to, PagesWindow { limit: SUMMARY_PAGES_MAX, after: None }))?;
        let before = self.count_summary(site, &range(from - 7, to - 7, PagesWindow::NONE))?;
        let (start, end) = (from * DAY_MS, (to + 1) * DAY_MS);
        let digest = digest(&week, &before, self.unhappy(start, end)?, self.replies_sent(start, end)?);
        let text = format!("{}{}", if test { "[test] " } else { "" }, digest.text(&record.settings.name));
        let mut body = serde_json::json!({ "type": "digest", "event": event, "site": site, "digest": digest, "text": text });
        if test {
            body["test"] = true.into();
        }
        Ok(body.to_string())
    }

    /// The latest unhappy ratings with a comment received in `start`–`end`.
    fn unhappy(&self, start: i64, end: i64) -> Result<Vec<UnhappyComment>, Failure> {
        let rows = self.sql.exec(COMMENTED, vec![start.into(), end.into()])?.to_array::<Commented>()?;
        let unhappy = rows.into_iter().filter_map(|row| {
            let rating = Rating::new(Scale::parse(&row.scale)?, row.value).ok()?;
            (rating.sentiment() == Sentiment::Unhappy).then(|| UnhappyComment {
                id: row.id,
                scale: rating.scale(),
                value: rating.value(),
                comment: row.comment,
                page: row.page,
                received_at: row.received_at,
            })
        });
        Ok(unhappy.take(DIGEST_LIST).collect())
    }

    /// Replies sent in `start`–`end`; 0 on a site from before replies (no `reply` table).
    fn replies_sent(&self, start: i64, end: i64) -> Result<u64, Failure> {
        if !self.has_table("reply")? {
            return Ok(0);
        }
        let sent = self.sql.exec(REPLIES_SENT, vec![start.into(), end.into()])?.to_array::<Sent>()?;
        Ok(sent.first().map_or(0, |s| s.n.max(0) as u64))
    }

    /// `AlertTest`: one alert or digest event queued now and sent by the alarm like every event
    /// (so it shows in the log); `webhook_not_set` without a webhook. The digest reads
    /// site-wide counts, so a sharded site is refused it as its settings are.
    pub(super) async fn queue_alert_test(&self, call: AlertTest) -> Result<TestEvent, Failure> {
        let record = self.owner(&call.key)?;
        if record.settings.webhook.is_none() {
            return Err(Failure::WebhookNotSet);
        }
        let now = worker::Date::now().as_millis() as i64;
        let event = format!("test:{}:{now}:{}", call.kind.name(), crate::http::random_token(5)?);
        let body = match call.kind {
            TestKind::Alert => self.sample_alert(&record, &event, now)?,
            TestKind::Digest => {
                let mut whole = record.settings.clone();
                whole.alerts.digest = true;
                super::alerts::fit_shards(&whole, &record.shard_map)?;
                self.digest_body(&record, &event, now, true)?
            }
        };
        if !self.transaction(|| self.queue_alert(&event, body, now))? {
            return Err(Failure::RateLimited(60));
        }
        self.schedule_deliveries(&record, now).await?;
        Ok(TestEvent { event })
    }

    /// `JudgeAlerts` (bench builds): the alarm's alert work now, then the alarm at once for
    /// the deliveries (the alarm, not this call, posts them: one poster at a time).
    #[cfg(feature = "bench")]
    pub(super) async fn judge_alerts_now(&self, _call: JudgeAlerts) -> Result<(), Failure> {
        let record = self.record()?;
        let now = worker::Date::now().as_millis() as i64;
        self.judge_score_drops(&record, now)?;
        self.alarms.set_alarm(1).await?;
        Ok(())
    }
}

impl TestKind {
    /// Its name in the test event's id.
    fn name(self) -> &'static str {
        match self {
            TestKind::Alert => "alert",
            TestKind::Digest => "digest",
        }
    }
}
