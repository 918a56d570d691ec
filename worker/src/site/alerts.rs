//! Alerts: score drops judged on the alarm from the site-wide per-day rollups, watched words
//! judged as a comment is stored; each alert queued once in the webhook outbox, so it is signed,
//! retried and logged as every event is. Its episode state lives in `alert_state`.

use sayso_core::alarm::{DAY_MS, RETRY_MS};
use sayso_core::alerts::{episode_key, judge, scored, ScoreDrop, Scored, Verdict, Window, NEED_ONE_SHARD};
use sayso_core::digest::shown;
use sayso_core::{chat_escape, format_day, Scale, ShardMap, SiteView, Submission};
use serde::Deserialize;

use super::settings::SiteRecord;
use super::webhooks::PENDING_MAX;
use super::SiteObject;
use crate::http::Failure;

/// What the alerts remember, one row a key: `drop:{scale}:{window}` while that rule's episode
/// has alerted (gone once the score recovers), `judged` when the hourly check last ran,
/// `digest` with the due time of the last digest sent, `words:{submission}` once a comment's
/// words alerted (kept 30 days: an edit of the comment never alerts twice). Bounded: 5 rules,
/// 2 times, the words alerts of 30 days.
const ALERT_STATE: &str = "CREATE TABLE IF NOT EXISTS alert_state (key TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID";
/// When key `?1` was set (`StateAt`).
const STATE_AT: &str = "SELECT at FROM alert_state WHERE key = ?1";
/// Sets key `?1` at `?2`.
const SET_STATE: &str = "INSERT INTO alert_state (key, at) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET at = excluded.at";
/// Forgets key `?1`.
const CLEAR_STATE: &str = "DELETE FROM alert_state WHERE key = ?1";
/// Forgets the words alerts older than `?1` (a range of the primary key, no pattern).
const TRIM_WORDS: &str = "DELETE FROM alert_state WHERE key >= 'words:' AND key < 'words;' AND at < ?1";
/// Scale `?1`'s ratings per value over the days `?2`–`?3` (`ValueCount`): at most 37 days ×
/// 11 values of `site_daily`, so an hourly check reads a few hundred rows at most.
const SCALE_COUNTS: &str = "SELECT value, sum(ratings) AS ratings FROM site_daily
    WHERE day >= ?2 AND day <= ?3 AND scale = ?1 GROUP BY value HAVING sum(ratings) > 0";
/// How many events wait, counted up to `?1` (`Count`).
const PENDING_UP_TO: &str = "SELECT count(*) AS n FROM (SELECT 1 FROM webhook_outbox LIMIT ?1)";
/// Queues alert `?1` (body `?2`, due at `?3`); it belongs to no submission, so its `submission`
/// is its own id, unique like it. An id already queued is left as it is.
const ENQUEUE_ALERT: &str =
    "INSERT INTO webhook_outbox (event, body, attempts, next_at, submission) VALUES (?1, ?2, 0, ?3, ?1) ON CONFLICT DO NOTHING";
/// Logs an alert a full queue dropped.
const LOG_DROPPED: &str = "INSERT INTO webhook_log (event, at, attempt, status, outcome) VALUES (?1, ?2, 0, 0, 'dropped')";

/// How often score drops are judged: the rollups move with every rating, an hour is soon enough
/// to be told and late enough to cost nothing (one alarm, a few hundred rows read).
pub(super) const JUDGE_EVERY_MS: i64 = 3_600_000;
/// How long a comment's words alert is remembered.
const WORDS_KEPT_MS: i64 = 30 * DAY_MS;

#[derive(Deserialize)]
struct StateAt {
    at: i64,
}

#[derive(Deserialize)]
struct ValueCount {
    value: i64,
    ratings: i64,
}

#[derive(Deserialize)]
struct Count {
    n: i64,
}

/// Refuses score drops and the digest on a sharded site: they read site-wide counts, which
/// shard 0 holds only for its own submissions, and a call from the alarm to every shard (with
/// their counts merged) is not built. Watched words work on any shard: the shard that stores a
/// comment queues its alert and delivers it. Called on every settings change.
pub(super) fn fit_shards(view: &SiteView, map: &ShardMap) -> Result<(), Failure> {
    if view.alerts.needs_alarm() && (view.shards > 1 || map.span() > 1) {
        return Err(NEED_ONE_SHARD.into());
    }
    Ok(())
}

/// Whether `record` may run score drops and the digest (shard 0 of a one-shard site with a webhook).
pub(super) fn judged_here(record: &SiteRecord) -> bool {
    record.shard == 0 && record.shard_map.span() == 1 && record.settings.webhook.is_some()
}

impl SiteObject {
    /// The alarm's part: score drops judged, the digest sent when due, old words alerts
    /// forgotten. Answers when it must come back (`None`: no rule needs it). A failure is
    /// logged and retried in a minute, never ending the alarm's chain.
    pub(super) fn run_alerts(&self, record: &SiteRecord, now: i64) -> Option<i64> {
        let alerts = &record.settings.alerts;
        let here = judged_here(record);
        let ran = self.hourly(record, now);
        let digest = self.send_digest_if_due(record, now);
        let judged = match (ran, digest) {
            (Ok(judged), Ok(())) => judged,
            (Err(failure), _) | (_, Err(failure)) => {
                worker::console_error!("alerts: {failure}");
                return (here && alerts.needs_alarm()).then_some(now + RETRY_MS);
            }
        };
        let judge = (here && !alerts.score_drops.is_empty()).then_some(judged + JUDGE_EVERY_MS);
        let digest = (here && alerts.digest).then(|| sayso_core::digest::last_due(now) + 7 * DAY_MS);
        judge.into_iter().chain(digest).min()
    }

    /// The hourly work (score drops judged, old words alerts forgotten), if an hour has passed
    /// since it last ran: the alarm also runs for deliveries and retention batches, up to once a
    /// second. Answers when it last ran.
    fn hourly(&self, record: &SiteRecord, now: i64) -> Result<i64, Failure> {
        let alerts = &record.settings.alerts;
        if alerts.score_drops.is_empty() && alerts.words.is_empty() {
            return Ok(now);
        }
        match self.state_at("judged")? {
            Some(at) if now - at < JUDGE_EVERY_MS => Ok(at),
            _ => {
                self.sql.exec(TRIM_WORDS, vec![(now - WORDS_KEPT_MS).into()])?;
                self.judge_score_drops(record, now)?;
                self.set_state("judged", now)?;
                Ok(now)
            }
        }
    }

    /// Judges every score-drop rule now, in one transaction; answers how many alerted. A rule
    /// alerts once per episode: its state row stays until the score recovers.
    pub(super) fn judge_score_drops(&self, record: &SiteRecord, now: i64) -> Result<usize, Failure> {
        if record.settings.alerts.score_drops.is_empty() || !judged_here(record) {
            return Ok(0);
        }
        let today = now.div_euclid(DAY_MS);
        self.transaction(|| {
            let mut queued = 0;
            for rule in &record.settings.alerts.score_drops {
                let scale = rule.scale.unwrap_or(record.settings.widget.scale);
                let ((from, to), (base_from, base_to)) = rule.window.ranges(today);
                let (window, baseline) = (self.scale_scored(scale, from, to)?, self.scale_scored(scale, base_from, base_to)?);
                let key = format!("drop:{}", episode_key(scale, rule.window));
                let fired = self.state_at(&key)?.is_some();
                match judge(rule, window, baseline) {
                    Verdict::Fire if !fired => {
                        let (Some(window), Some(baseline)) = (window, baseline) else { continue };
                        let event = format!("alert:{}:{now}", episode_key(scale, rule.window));
                        let body = drop_body(record, &event, rule, scale, window, baseline, (from, to), false);
                        if self.queue_alert(&event, body, now)? {
                            self.set_state(&key, now)?;
                            queued += 1;
                        }
                    }
                    Verdict::Rearm if fired => {
                        self.sql.exec(CLEAR_STATE, vec![key.into()])?;
                    }
                    _ => {}
                }
            }
            Ok(queued)
        })
    }

    /// A sample alert for the test button: the first rule (or a 1-point drop on the widget's
    /// scale) on the site's numbers now, marked `test`.
    pub(super) fn sample_alert(&self, record: &SiteRecord, event: &str, now: i64) -> Result<String, Failure> {
        let rule =
            record.settings.alerts.score_drops.first().copied().unwrap_or(ScoreDrop { window: Window::Day, scale: None, drop: 1.0, min_ratings: 1 });
        let scale = rule.scale.unwrap_or(record.settings.widget.scale);
        let ((from, to), (base_from, base_to)) = rule.window.ranges(now.div_euclid(DAY_MS));
        let none = Scored { count: 0, score: 0.0 };
        let window = self.scale_scored(scale, from, to)?.unwrap_or(none);
        let baseline = self.scale_scored(scale, base_from, base_to)?.unwrap_or(none);
        Ok(drop_body(record, event, &rule, scale, window, baseline, (from, to), true))
    }

    /// Queues a words alert for a stored comment holding a watched word, once per submission
    /// (inside the submission's transaction). Judged here, not on the alarm: the comment is in
    /// hand, so no scan of new comments is needed, the alert is queued exactly when the comment
    /// is stored, and the shard storing it (any shard) delivers it. Returns whether it queued.
    pub(super) fn queue_words_alert(&self, record: &SiteRecord, s: &Submission, now: i64) -> Result<bool, Failure> {
        let (Some(comment), Some(_)) = (&s.comment, &record.settings.webhook) else { return Ok(false) };
        let words = record.settings.alerts.words_in(comment.as_str());
        let key = format!("words:{}", s.id.as_str());
        if words.is_empty() || self.state_at(&key)?.is_some() {
            return Ok(false);
        }
        let event = format!("alert:words:{}", s.id.as_str());
        let quoted: Vec<String> = words.iter().map(|w| format!("\u{201c}{}\u{201d}", chat_escape(w))).collect();
        let text = format!(
            "Alert for {}: {} in a comment on {} ({}/{}): \u{201c}{}\u{201d}",
            chat_escape(&record.settings.name),
            quoted.join(", "),
            chat_escape(s.page.as_str()),
            s.rating.value(),
            s.rating.scale().highest(),
            chat_escape(comment.as_str())
        );
        let submission = serde_json::json!({ "id": s.id.as_str(), "scale": s.rating.scale(), "value": s.rating.value(),
            "comment": comment.as_str(), "page": s.page.as_str() });
        let alert = serde_json::json!({ "kind": "words", "words": words, "submission": submission });
        let body = serde_json::json!({ "type": "alert", "event": event, "site": record.settings.site, "alert": alert, "text": text });
        let queued = self.queue_alert(&event, body.to_string(), now)?;
        if queued {
            self.set_state(&key, now)?;
        }
        Ok(queued)
    }

    /// Queues an alert or digest event due now, unless the queue is full (then logged
    /// `dropped`, and a score drop or digest is tried again on a later alarm).
    pub(super) fn queue_alert(&self, event: &str, body: String, now: i64) -> Result<bool, Failure> {
        let pending = self.sql.exec(PENDING_UP_TO, vec![PENDING_MAX.into()])?.to_array::<Count>()?;
        if pending.first().map_or(0, |c| c.n) >= PENDING_MAX {
            self.sql.exec(LOG_DROPPED, vec![event.into(), now.into()])?;
            return Ok(false);
        }
        self.sql.exec(ENQUEUE_ALERT, vec![event.into(), body.into(), now.into()])?;
        Ok(true)
    }

    /// When `key` was set, if it is. Every use of `alert_state` reads it first, so the table is
    /// made here, when first needed (a rule fires, the hourly check runs), not by every object.
    pub(super) fn state_at(&self, key: &str) -> Result<Option<i64>, Failure> {
        self.sql.exec(ALERT_STATE, None)?;
        Ok(self.sql.exec(STATE_AT, vec![key.into()])?.to_array::<StateAt>()?.first().map(|s| s.at))
    }

    /// Sets `key` at `at`.
    pub(super) fn set_state(&self, key: &str, at: i64) -> Result<(), Failure> {
        self.sql.exec(SET_STATE, vec![key.into(), at.into()])?;
        Ok(())
    }

    /// Scale `scale`'s ratings and score over the days `from`–`to` (days since 1970).
    fn scale_scored(&self, scale: Scale, from: i64, to: i64) -> Result<Option<Scored>, Failure> {
        let rows = self.sql.exec(SCALE_COUNTS, vec![scale.as_str().into(), format_day(from).into(), format_day(to).into()])?;
        let counts = rows.to_array::<ValueCount>()?;
        Ok(scored(scale, counts.iter().filter_map(|c| Some((u8::try_from(c.value).ok()?, u64::try_from(c.ratings).ok()?)))))
    }
}

/// A score-drop alert's body, with Slack's `text` (the site's name escaped).
#[allow(clippy::too_many_arguments)]
fn drop_body(
    record: &SiteRecord,
    event: &str,
    rule: &ScoreDrop,
    scale: Scale,
    window: Scored,
    baseline: Scored,
    (from, to): (i64, i64),
    test: bool,
) -> String {
    let when = match rule.window {
        Window::Day => "today",
        Window::Week => "over the last 7 days",
    };
    let text = format!(
        "{}Alert for {}: the {} score {when} is {} ({} ratings), {} below its 30-day baseline of {} ({} ratings).",
        if test { "[test] " } else { "" },
        chat_escape(&record.settings.name),
        scale.as_str(),
        shown(scale, window.score),
        window.count,
        shown(scale, baseline.score - window.score),
        shown(scale, baseline.score),
        baseline.count
    );
    let alert = serde_json::json!({ "kind": "score_drop", "window": rule.window, "scale": scale, "from": format_day(from), "to": format_day(to),
        "score": window.score, "ratings": window.count, "baseline": baseline.score, "baseline_ratings": baseline.count,
        "drop": rule.drop, "min_ratings": rule.min_ratings });
    let mut body = serde_json::json!({ "type": "alert", "event": event, "site": record.settings.site, "alert": alert, "text": text });
    if test {
        body["test"] = true.into();
    }
    body.to_string()
}
