//! The webhook queue: one pending event per submission, queued in the submission's
//! transaction (or a `test` event the owner asks for), bounded, posted signed from the alarm
//! with retries, every attempt logged.

use sayso_core::{chat_escape, FeedbackItem, Submission, WebhookSettings};
use serde::{Deserialize, Serialize};
use worker::{Method, Request, RequestInit};

use super::call;
use super::settings::SiteRecord;
use super::SiteObject;
use crate::http::Failure;

/// Webhook deliveries stop after this many attempts (about 17 minutes of backoff in all).
const WEBHOOK_MAX_ATTEMPTS: i64 = 10;

/// The most events one site's queue holds; past it, an event of a submission not yet pending
/// is dropped and logged (`dropped`), so a flood cannot grow the queue without bound.
pub(super) const PENDING_MAX: i64 = 1000;

/// Queues event `?1` (body `?2`, due at `?3`) of submission `?4`. A submission has at most one
/// pending event: a newer one takes its place and carries the latest state, keeping its
/// schedule (an event already being retried is not sent sooner). An event id already queued
/// (a re-created submission's) is left as it is.
const ENQUEUE: &str = "INSERT INTO webhook_outbox (event, body, attempts, next_at, submission) VALUES (?1, ?2, 0, ?3, ?4)
    ON CONFLICT (submission) DO UPDATE SET event = excluded.event, body = excluded.body
    ON CONFLICT DO NOTHING";
/// Whether submission `?1` has an event pending (as a `NextAt`: 1 or 0).
const IS_PENDING: &str = "SELECT EXISTS (SELECT 1 FROM webhook_outbox WHERE submission = ?1) AS next_at";
/// How many events wait, counted up to `?1` (as a `NextAt`).
const COUNT_PENDING_UP_TO: &str = "SELECT count(*) AS next_at FROM (SELECT 1 FROM webhook_outbox LIMIT ?1)";
/// Takes the pending event of submission `?1`, if any, out of the queue.
const UNQUEUE_SUBMISSION: &str = "DELETE FROM webhook_outbox WHERE submission = ?1";
/// The earliest due time (`NextAt`).
const NEXT_DUE: &str = "SELECT min(next_at) AS next_at FROM webhook_outbox";
/// The events due at `?1`, oldest first (`OutboxRow`).
const SELECT_DUE: &str = "SELECT event, body, attempts FROM webhook_outbox WHERE next_at <= ?1 ORDER BY next_at LIMIT 20";
/// Schedules a retry: attempts `?1`, due at `?2`, of event `?3`.
const RETRY: &str = "UPDATE webhook_outbox SET attempts = ?1, next_at = ?2 WHERE event = ?3";
/// Takes an event out of the outbox.
const DEQUEUE: &str = "DELETE FROM webhook_outbox WHERE event = ?1";
/// Logs an attempt.
const LOG: &str = "INSERT INTO webhook_log (event, at, attempt, status, outcome) VALUES (?1, ?2, ?3, ?4, ?5)";
/// Keeps the last 1000 log lines.
const TRIM_LOG: &str = "DELETE FROM webhook_log WHERE seq <= (SELECT max(seq) - 1000 FROM webhook_log)";
/// The last 100 attempts, newest first (`Attempt`).
const SELECT_LOG: &str = "SELECT event, at, attempt, status, outcome FROM webhook_log ORDER BY seq DESC LIMIT 100";
/// How many events wait (as a `NextAt`).
const COUNT_PENDING: &str = "SELECT count(*) AS next_at FROM webhook_outbox";

#[derive(Deserialize)]
struct OutboxRow {
    event: String,
    body: String,
    attempts: i64,
}

#[derive(Deserialize)]
struct NextAt {
    next_at: Option<i64>,
}

/// One line of the webhook delivery log.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Attempt {
    /// The event's id (`{submission}:{rev}`, or `test:…` for a test event).
    pub event: String,
    /// When it was tried (ms since 1970).
    pub at: i64,
    /// Which attempt this was (1 the first; 0 for an event dropped by a full queue).
    pub attempt: i64,
    /// The receiver's HTTP status (0: no answer).
    pub status: i64,
    /// `delivered`, `retrying`, `gave_up` or `dropped`.
    pub outcome: String,
}

/// `GET …/webhook-deliveries`: the webhook and its last 100 delivery attempts. Answered
/// through `serde_json::to_value`, with the fields in this order, so the JSON is the same
/// bytes the `json!` literal of earlier versions gave.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Deliveries {
    /// The webhook, if one is set.
    pub webhook: Option<WebhookSettings>,
    /// Events waiting for delivery.
    pub pending: i64,
    /// Newest first.
    pub deliveries: Vec<Attempt>,
    /// Shard 0 of a sharded site: how many shards to read the rest of the log from (each logs
    /// the events of the submissions it stores); the Worker merges them and answers none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shards: Option<u32>,
}

impl Deliveries {
    /// The log of every shard of a site (`parts` from shard 0 on): the attempts newest first,
    /// the last 100 of them, and every shard's pending events.
    pub fn merged(parts: Vec<Deliveries>) -> Deliveries {
        let mut parts = parts.into_iter();
        let Some(mut whole) = parts.next() else { return Deliveries { webhook: None, pending: 0, deliveries: Vec::new(), shards: None } };
        for part in parts {
            whole.pending += part.pending;
            whole.deliveries.extend(part.deliveries);
        }
        // Stable: one shard's attempts of the same millisecond keep their logged order.
        whole.deliveries.sort_by_key(|attempt| std::cmp::Reverse(attempt.at));
        whole.deliveries.truncate(100);
        whole.shards = None;
        whole
    }
}

/// `POST …/webhook-test`: the test event queued, as its receiver will see its `event` field.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TestEvent {
    /// The queued event's id (`test:<ms>:<random>`).
    pub event: String,
}

/// Queues a test event `?1` (body `?2`, due at `?3`). It belongs to no submission, so its
/// `submission` is its own id (`test:…`, unique, and no submission's id): never NULL, which
/// the schema's backfill would give `test`, the same for every test event, breaking the
/// unique index at the next start.
const ENQUEUE_TEST: &str = "INSERT INTO webhook_outbox (event, body, attempts, next_at, submission) VALUES (?1, ?2, 0, ?3, ?1)";

impl SiteObject {
    /// Queues a webhook post for a submission that matches the site's filter (inside the
    /// submission's transaction: the event is queued exactly when the submission is stored).
    /// Returns whether it queued one.
    pub(super) fn enqueue_webhook(&self, record: &SiteRecord, s: &Submission, received_at: i64, now: i64) -> Result<bool, Failure> {
        let Some(hook) = &record.settings.webhook else { return Ok(false) };
        if !hook.fires_for(s.rating, s.comment.is_some()) {
            // The pending event of an earlier revision would tell the owner a state that is no
            // longer the submission's.
            self.sql.exec(UNQUEUE_SUBMISSION, vec![s.id.as_str().into()])?;
            return Ok(false);
        }
        // The owner's triage as stored (a revision keeps what the owner set).
        let (status, tags) = self.triage_of(s.id.as_str())?;
        let item = FeedbackItem {
            id: s.id.as_str().to_owned(),
            scale: s.rating.scale().as_str().to_owned(),
            value: i64::from(s.rating.value()),
            comment: s.comment.as_ref().map(|c| c.as_str().to_owned()),
            page: s.page.as_str().to_owned(),
            locale: s.locale.as_str().to_owned(),
            client_ts: s.client_ts,
            // An edit's event says when the submission first arrived, as the feedback list does.
            received_at,
            updated_at: now,
            rev: s.rev,
            status,
            tags,
            // A reply comes later, from the owner: an event is about what the visitor sent.
            reply: None,
            // Read back: a rating link's submission gets its channel in the same transaction.
            channel: self.channel_of(s.id.as_str())?,
            // Consent to be quoted comes after the submission too.
            quote: None,
            quote_name: None,
            attributes: s.attributes.pairs(),
        };
        // Slack and compatible chat tools show `text`, and read markup in it: every piece from a
        // visitor (and the site name) is escaped there; the other fields keep the raw text.
        let text = format!(
            "{}/{} on {} for {}{}",
            s.rating.value(),
            s.rating.scale().highest(),
            chat_escape(s.page.as_str()),
            chat_escape(&record.settings.name),
            s.comment.as_ref().map(|c| format!(": \u{201c}{}\u{201d}", chat_escape(c.as_str()))).unwrap_or_default()
        );
        let event = format!("{}:{}", s.id.as_str(), s.rev);
        if self.queue_is_full(s.id.as_str())? {
            self.sql.exec(LOG, vec![event.into(), now.into(), 0.into(), 0.into(), "dropped".into()])?;
            self.sql.exec(TRIM_LOG, None)?;
            return Ok(false);
        }
        let body =
            serde_json::json!({ "type": "feedback", "event": event, "site": record.settings.site, "submission": item, "text": text }).to_string();
        self.sql.exec(ENQUEUE, vec![event.into(), body.into(), now.into(), s.id.as_str().into()])?;
        Ok(true)
    }

    /// Whether a new event of submission `id` finds the queue full (an event replacing the
    /// pending one of its submission always has room).
    fn queue_is_full(&self, id: &str) -> Result<bool, Failure> {
        let count = |sql: &str, params| -> Result<i64, Failure> {
            Ok(self.sql.exec(sql, params)?.to_array::<NextAt>()?.first().and_then(|n| n.next_at).unwrap_or(0))
        };
        Ok(count(IS_PENDING, vec![id.into()])? == 0 && count(COUNT_PENDING_UP_TO, vec![PENDING_MAX.into()])? >= PENDING_MAX)
    }

    /// The earliest due time of a queued event, if any.
    pub(super) fn next_due(&self) -> Result<Option<i64>, Failure> {
        let next: Vec<NextAt> = self.sql.exec(NEXT_DUE, None)?.to_array()?;
        Ok(next.first().and_then(|n| n.next_at))
    }

    /// Posts the events due at `now`, signed; retries failures with backoff; logs every
    /// attempt. Without a webhook, the queue is emptied. The alarm arms itself again after it
    /// (`alarm.rs`), whatever this returns.
    pub(super) async fn deliver_webhooks(&self, record: &SiteRecord, now: i64) -> Result<(), Failure> {
        let (Some(hook), Some(secret)) = (&record.settings.webhook, &record.settings.webhook_secret) else {
            self.sql.exec("DELETE FROM webhook_outbox", None)?;
            return Ok(());
        };
        let due: Vec<OutboxRow> = self.sql.exec(SELECT_DUE, vec![now.into()])?.to_array()?;
        for row in due {
            let attempt = row.attempts + 1;
            let (status, outcome) = match post_signed(&hook.url, secret, &row.body, now / 1000).await {
                Ok(status) if (200..300).contains(&status) => (status, "delivered"),
                Ok(status) => (status, if attempt >= WEBHOOK_MAX_ATTEMPTS { "gave_up" } else { "retrying" }),
                Err(_) => (0, if attempt >= WEBHOOK_MAX_ATTEMPTS { "gave_up" } else { "retrying" }),
            };
            if outcome == "retrying" {
                let backoff = 1000_i64 << (attempt - 1).min(20);
                self.sql.exec(RETRY, vec![attempt.into(), (now + backoff.min(3_600_000)).into(), row.event.clone().into()])?;
            } else {
                self.sql.exec(DEQUEUE, vec![row.event.clone().into()])?;
            }
            self.sql.exec(LOG, vec![row.event.into(), now.into(), attempt.into(), i64::from(status).into(), outcome.into()])?;
        }
        self.sql.exec(TRIM_LOG, None)?;
        Ok(())
    }

    /// `WebhookTest`: one signed `test` event in the outbox, sent by the alarm like every event
    /// (so it shows in the log); `webhook_not_set` without a webhook. It counts against the
    /// queue's bound like any event, so a script pressing the button cannot grow the queue.
    pub(super) async fn queue_test_event(&self, call: call::WebhookTest) -> Result<TestEvent, Failure> {
        let record = self.owner(&call.key)?;
        if record.settings.webhook.is_none() {
            return Err(Failure::WebhookNotSet);
        }
        let now = worker::Date::now().as_millis() as i64;
        let event = format!("test:{now}:{}", crate::http::random_token(5)?);
        let text = format!("A test event from sayso for {}", chat_escape(&record.settings.name));
        let body = serde_json::json!({ "type": "test", "event": event, "site": record.settings.site, "text": text }).to_string();
        self.transaction(|| {
            if self.queue_is_full(&event)? {
                return Err(Failure::RateLimited(60));
            }
            self.sql.exec(ENQUEUE_TEST, vec![event.clone().into(), body.into(), now.into()])?;
            Ok(())
        })?;
        self.schedule_deliveries(&record, now).await?;
        Ok(TestEvent { event })
    }

    /// `ReadDeliveries`: the webhook and its last 100 delivery attempts, newest first.
    pub(super) fn deliveries(&self, call: call::ReadDeliveries) -> Result<Deliveries, Failure> {
        let record = self.owner(&call.key)?;
        let deliveries: Vec<Attempt> = self.sql.exec(SELECT_LOG, None)?.to_array()?;
        let pending: Vec<NextAt> = self.sql.exec(COUNT_PENDING, None)?.to_array()?;
        let span = record.shard_map.span();
        let shards = (record.shard == 0 && span > 1).then_some(span);
        Ok(Deliveries { webhook: record.settings.webhook, pending: pending.first().and_then(|p| p.next_at).unwrap_or(0), deliveries, shards })
    }
}

/// POSTs a webhook body with `sayso-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`.
async fn post_signed(url: &str, secret: &str, body: &str, unix_seconds: i64) -> Result<u16, Failure> {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).map_err(|e| Failure::Internal(e.to_string()))?;
    mac.update(format!("{unix_seconds}.{body}").as_bytes());
    let signature: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    let headers = worker::Headers::new();
    headers.set("content-type", "application/json")?;
    headers.set("user-agent", "sayso-webhook/1")?;
    headers.set("sayso-signature", &format!("t={unix_seconds},v1={signature}"))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(body.into()));
    let response = worker::Fetch::Request(Request::new_with_init(url, &init)?).send().await?;
    Ok(response.status_code())
}
