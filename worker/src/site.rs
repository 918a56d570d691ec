//! The `SiteObject` Durable Object: one per site (`id_from_name(site)`), on SQLite storage, the
//! single writer of that site's settings, submissions and counts.
//!
//! The Worker talks to it over internal requests (`ask`); every write is one transaction, so a
//! submission and the counts it moves are stored together or not at all.

use std::cell::Cell;

use sayso_core::{
    Breakdown, FeedbackItem, FeedbackPage, OwnerKey, PagePath, SitePatch, SiteView, Rating, Scale, SiteConfig, SiteId, Submission, SubmissionId, SubmissionWire, SubmitOutcome,
    SubmitStatus, Tally,
};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use worker::{durable_object, DurableObject, Env, Method, Request, RequestInit, Response, SqlStorage, State};

use crate::http::{self, Failure};

/// How long after its first arrival a submission may still be changed (a comment added, the
/// rating corrected), in milliseconds.
pub const EDIT_WINDOW_MS: i64 = 30 * 60 * 1000;

/// The internal header carrying the origin the Worker checked the request came from.
pub const ORIGIN_HEADER: &str = "x-sayso-origin";
/// The internal header carrying the visitor's IP and user agent, to be hashed, never stored.
pub const VISITOR_HEADER: &str = "x-sayso-visitor";
/// The internal header saying the browser sent `Sec-GPC: 1` or `DNT: 1`.
pub const OPT_OUT_HEADER: &str = "x-sayso-opt-out";

/// A site as its object stores it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SiteRecord {
    /// Everything the owner may read (and change with `PATCH`).
    #[serde(flatten)]
    pub settings: SiteView,
    /// SHA-256 (hex) of the owner key; the key itself is never stored.
    pub owner_key_sha256: String,
    /// The key receipts are derived from (HMAC of the submission id); made on first use.
    #[serde(default)]
    pub receipt_key: Option<String>,
    /// The Turnstile secret, while Turnstile is on (never shown to anyone).
    #[serde(default)]
    pub turnstile_secret: Option<String>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS site (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  record TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS submission (
  id TEXT PRIMARY KEY,
  scale TEXT NOT NULL,
  value INTEGER NOT NULL,
  comment TEXT,
  page TEXT NOT NULL,
  locale TEXT NOT NULL,
  client_ts INTEGER NOT NULL,
  widget_version TEXT NOT NULL,
  rev INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS daily (
  day TEXT NOT NULL,
  page TEXT NOT NULL,
  scale TEXT NOT NULL,
  value INTEGER NOT NULL,
  ratings INTEGER NOT NULL,
  comments INTEGER NOT NULL,
  PRIMARY KEY (day, page, scale, value)
);
CREATE INDEX IF NOT EXISTS submission_newest ON submission (received_at DESC, id DESC);
CREATE TABLE IF NOT EXISTS bucket (
  key TEXT PRIMARY KEY,
  tokens REAL NOT NULL,
  at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS salt (
  day TEXT PRIMARY KEY,
  salt TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS webhook_outbox (
  event TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS webhook_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event TEXT NOT NULL,
  at INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  status INTEGER NOT NULL,
  outcome TEXT NOT NULL
);
";

#[wasm_bindgen]
extern "C" {
    /// The JS `DurableObjectStorage`, for `transactionSync`, which workers-rs does not wrap.
    type JsStorage;

    /// Runs `body` in a SQLite transaction; a thrown error rolls it back.
    #[wasm_bindgen(method, catch, js_name = transactionSync)]
    fn transaction_sync(this: &JsStorage, body: &mut dyn FnMut() -> Result<JsValue, JsValue>) -> Result<JsValue, JsValue>;
}

/// One site's storage.
#[durable_object]
pub struct SiteObject {
    sql: SqlStorage,
    /// For alarms (webhook deliveries).
    alarms: worker::Storage,
    storage: Option<JsStorage>,
    schema_ready: Cell<bool>,
}

impl DurableObject for SiteObject {
    fn new(state: State, _env: Env) -> Self {
        let alarms = state.storage();
        let sql = alarms.sql();
        let storage = state._inner().storage().ok().map(JsCast::unchecked_into);
        Self { sql, alarms, storage, schema_ready: Cell::new(false) }
    }

    async fn alarm(&self) -> worker::Result<Response> {
        if let Err(failure) = self.enforce_retention() {
            worker::console_error!("retention: {failure}");
        }
        if let Err(failure) = self.deliver_webhooks().await {
            worker::console_error!("webhook deliveries: {failure}");
        }
        Response::empty()
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let result = match (req.method(), req.path().as_str()) {
            (Method::Post, "/create") => self.create(&mut req).await,
            (Method::Get, "/config") => self.config(&req),
            (Method::Post, "/check-origin") => self.check_origin(&req).and_then(|_| Ok(Response::empty()?.with_status(204))),
            (Method::Post, "/submit") => self.submit(&mut req).await,
            (Method::Get, "/summary") => self.summary(&req),
            (Method::Get, "/feedback") => self.feedback(&req),
            (Method::Get, "/settings") => self.owner(&req).map(|r| view_of(&r)).and_then(|v| http::json(200, &v)),
            (Method::Patch, "/settings") => self.patch(&mut req).await,
            (Method::Post, "/keys") => self.rotate_key(&req),
            (Method::Get, "/webhook-deliveries") => self.deliveries(&req),
            (Method::Delete, path) if path.starts_with("/feedback/") => self.delete(&req, &path["/feedback/".len()..]),
            #[cfg(feature = "bench")]
            (Method::Post, "/bench-seed") => self.bench_seed(&mut req).await,
            _ => Err(Failure::NotFound),
        };
        match result {
            Ok(response) => Ok(response),
            Err(failure) => http::error_response(&failure),
        }
    }
}

#[derive(Deserialize)]
struct RecordRow {
    record: String,
}

#[derive(Deserialize)]
struct SubmissionRow {
    scale: String,
    value: i64,
    comment: Option<String>,
    page: String,
    locale: String,
    rev: u32,
    received_at: i64,
}

#[derive(Deserialize)]
struct DailyRow {
    day: String,
    page: String,
    scale: String,
    value: i64,
    ratings: i64,
    comments: i64,
}

#[derive(Deserialize)]
struct Exists {
    present: i64,
}

/// Rebuilds the per-day, per-page counts from the stored submissions.
const REBUILD_DAILY: &str = "INSERT INTO daily (day, page, scale, value, ratings, comments)
    SELECT date(received_at / 1000, 'unixepoch'), page, scale, value, count(*), count(comment) FROM submission GROUP BY 1, 2, 3, 4";

impl SiteObject {
    fn ensure_schema(&self) -> Result<(), Failure> {
        if !self.schema_ready.get() {
            self.sql.exec(SCHEMA, None)?;
            // Sites from before per-day counts had one all-time `tally`: rebuild once.
            let exists = |sql: &str| -> Result<bool, Failure> { Ok(self.sql.exec(sql, None)?.to_array::<Exists>()?.first().is_some_and(|e| e.present == 1)) };
            if !exists("SELECT EXISTS (SELECT 1 FROM daily) AS present")? && exists("SELECT EXISTS (SELECT 1 FROM submission) AS present")? {
                self.transaction(|| Ok(self.sql.exec(REBUILD_DAILY, None).map(|_| ())?))?;
            }
            self.sql.exec("DROP TABLE IF EXISTS tally", None)?;
            self.schema_ready.set(true);
        }
        Ok(())
    }

    /// Runs `body` as one transaction: its writes all land, or none do.
    fn transaction<T>(&self, body: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
        let storage = self.storage.as_ref().ok_or_else(|| Failure::Internal("no storage on this object".into()))?;
        let mut body = Some(body);
        let mut outcome = None;
        let ran = storage.transaction_sync(&mut || {
            let result = body.take().map(|f| f());
            let failed = !matches!(result, Some(Ok(_)));
            outcome = result;
            if failed {
                Err(JsValue::from_str("sayso: rolled back"))
            } else {
                Ok(JsValue::UNDEFINED)
            }
        });
        match (outcome, ran) {
            (Some(Ok(value)), Ok(_)) => Ok(value),
            (Some(Err(failure)), _) => Err(failure),
            (_, Err(e)) => Err(Failure::Internal(format!("transaction failed: {e:?}"))),
            (None, Ok(_)) => Err(Failure::Internal("transaction body did not run".into())),
        }
    }

    /// The site's record. An id nobody created has no tables: asking for it writes nothing, so
    /// requests for made-up site ids leave no storage behind.
    fn record(&self) -> Result<SiteRecord, Failure> {
        if !self.schema_ready.get() {
            let tables: Vec<RecordRow> = self.sql.exec("SELECT name AS record FROM sqlite_master WHERE type = 'table' AND name = 'site'", None)?.to_array()?;
            if tables.is_empty() {
                return Err(Failure::SiteNotFound);
            }
            // Created before: bring its schema up to date (new tables of later versions).
            self.ensure_schema()?;
        }
        let rows: Vec<RecordRow> = self.sql.exec("SELECT record FROM site WHERE one = 1", None)?.to_array()?;
        let row = rows.into_iter().next().ok_or(Failure::SiteNotFound)?;
        serde_json::from_str(&row.record).map_err(|e| Failure::Internal(format!("stored site record: {e}")))
    }

    async fn create(&self, req: &mut Request) -> Result<Response, Failure> {
        let record: SiteRecord = http::parse_json(&req.bytes().await?)?;
        self.ensure_schema()?;
        let text = serde_json::to_string(&record).map_err(|e| Failure::Internal(e.to_string()))?;
        self.transaction(|| {
            let existing: Vec<RecordRow> = self.sql.exec("SELECT record FROM site WHERE one = 1", None)?.to_array()?;
            if !existing.is_empty() {
                return Err(Failure::SiteExists);
            }
            self.sql.exec("INSERT INTO site (one, record) VALUES (1, ?)", vec![text.into()])?;
            Ok(())
        })?;
        http::json(201, &serde_json::json!({ "site": record.settings.site }))
    }

    /// The widget's settings in the language the visitor's page asks for (`?lang=`).
    fn config(&self, req: &Request) -> Result<Response, Failure> {
        let record = self.record()?;
        let lang = req.url()?.query_pairs().find(|(k, _)| k == "lang").map(|(_, v)| v.into_owned()).unwrap_or_default();
        let mut widget = record.settings.widget.resolve(&lang);
        widget.turnstile = record.settings.turnstile.map(|t| t.site_key);
        http::json(200, &SiteConfig { site: record.settings.site, widget })
    }

    fn check_origin(&self, req: &Request) -> Result<SiteRecord, Failure> {
        let record = self.record()?;
        let origin = req.headers().get(ORIGIN_HEADER)?.ok_or(Failure::OriginRequired)?;
        if record.settings.origins.iter().any(|allowed| *allowed == origin) {
            Ok(record)
        } else {
            Err(Failure::OriginNotAllowed)
        }
    }

    async fn submit(&self, req: &mut Request) -> Result<Response, Failure> {
        let mut record = self.check_origin(req)?;
        if record.receipt_key.is_none() {
            let key = http::random_token(32)?;
            record = self.transaction(|| {
                let mut fresh = self.record()?;
                fresh.receipt_key.get_or_insert(key);
                self.store(&fresh)?;
                Ok(fresh)
            })?;
        }
        let visitor = req.headers().get(VISITOR_HEADER)?.unwrap_or_default();
        let opted_out = req.headers().get(OPT_OUT_HEADER)?.as_deref() == Some("1");
        let mut wire: SubmissionWire = http::parse_json(&req.bytes().await?)?;
        wire.normalize(http::nfc);
        let submission = wire.validate()?;
        let now = worker::Date::now().as_millis() as i64;
        if submission.is_trapped() {
            // A bot filled the honeypot: answer exactly as if it were stored, so it learns
            // nothing, and store nothing.
            let receipt = receipt(&record, submission.id.as_str())?;
            return http::json(201, &SubmitOutcome { id: submission.id.as_str().to_owned(), status: SubmitStatus::Created, receipt });
        }
        // The spam rules judge what is new: a resend of a stored revision passes as it passed
        // before (its Turnstile token is spent by now). Turnstile's check is a fetch, so it runs
        // before the transaction.
        if !self.stored_at(&submission)? {
            submission.check_pace(&record.settings.limits)?;
            if let (Some(view), Some(secret), Some(_)) = (&record.settings.turnstile, &record.turnstile_secret, &submission.comment) {
                verify_turnstile(&view.verify_url, secret, submission.turnstile.as_deref(), submission.id.as_str()).await?;
            }
        }
        let (status, queued) = self.transaction(|| {
            let status = self.upsert(&submission, now)?;
            if status == SubmitStatus::Created {
                // Only new submissions spend tokens: resends and edits are never limited, so
                // the outbox's retries cannot lock a visitor out. A refusal rolls the insert back.
                let limits = record.settings.limits;
                self.spend("site", limits.site_per_minute, now)?;
                if !(limits.honor_gpc && opted_out) {
                    let hash = self.visitor_hash(&record.settings.site, &visitor, now)?;
                    self.spend(&format!("v:{hash}"), limits.visitor_per_minute, now)?;
                }
            }
            let queued = matches!(status, SubmitStatus::Created | SubmitStatus::Updated) && self.enqueue_webhook(&record, &submission, now)?;
            Ok((status, queued))
        })?;
        if queued {
            self.schedule_deliveries(&record, now).await?;
        }
        let code = if status == SubmitStatus::Created { 201 } else { 200 };
        let receipt = receipt(&record, submission.id.as_str())?;
        http::json(code, &SubmitOutcome { id: submission.id.as_str().to_owned(), status, receipt })
    }

    /// Whether this revision (or a newer one) of the submission is already stored.
    fn stored_at(&self, submission: &Submission) -> Result<bool, Failure> {
        #[derive(Deserialize)]
        struct Rev {
            rev: u32,
        }
        let rows: Vec<Rev> = self.sql.exec("SELECT rev FROM submission WHERE id = ?", vec![submission.id.as_str().into()])?.to_array()?;
        Ok(rows.first().is_some_and(|r| r.rev >= submission.rev))
    }

    /// Stores a submission by id and moves the counts: the heart of exactly-once.
    fn upsert(&self, new: &Submission, now: i64) -> Result<SubmitStatus, Failure> {
        let id = new.id.as_str();
        let rows: Vec<SubmissionRow> = self
            .sql
            .exec("SELECT scale, value, comment, page, locale, rev, received_at FROM submission WHERE id = ?", vec![id.into()])?
            .to_array()?;
        let Some(row) = rows.into_iter().next() else {
            self.sql.exec(
                "INSERT INTO submission (id, scale, value, comment, page, locale, client_ts, widget_version, rev, received_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                submission_values(new, now, now),
            )?;
            self.count(new.rating, new.comment.is_some(), new.page.as_str(), now, 1)?;
            return Ok(SubmitStatus::Created);
        };
        // The stored row is read as stored, not re-validated: a rule tightened in a later
        // version must not turn resends of older submissions into errors.
        let old_rating = Scale::parse(&row.scale)
            .and_then(|scale| Rating::new(scale, row.value).ok())
            .ok_or_else(|| Failure::Internal(format!("stored submission {id} has rating {}:{}", row.scale, row.value)))?;
        if new.rev < row.rev {
            return Ok(SubmitStatus::Superseded);
        }
        if new.rev == row.rev {
            let same = old_rating == new.rating
                && row.comment.as_deref() == new.comment.as_ref().map(|c| c.as_str())
                && row.page == new.page.as_str()
                && row.locale == new.locale.as_str();
            return if same { Ok(SubmitStatus::Duplicate) } else { Err(Failure::EditConflict) };
        }
        if now - row.received_at > EDIT_WINDOW_MS {
            return Err(Failure::EditWindowClosed);
        }
        self.sql.exec(
            "UPDATE submission SET scale = ?, value = ?, comment = ?, page = ?, locale = ?, client_ts = ?, widget_version = ?, rev = ?, received_at = ?, updated_at = ? WHERE id = ?",
            {
                let mut values = submission_values(new, row.received_at, now);
                values.remove(0);
                values.push(id.into());
                values
            },
        )?;
        // An edit stays on the day the submission first arrived.
        self.count(old_rating, row.comment.is_some(), &row.page, row.received_at, -1)?;
        self.count(new.rating, new.comment.is_some(), new.page.as_str(), row.received_at, 1)?;
        Ok(SubmitStatus::Updated)
    }

    /// Adds `sign` (±1) of a rating, with or without a comment, to the counts of its page on
    /// the (UTC) day it arrived.
    fn count(&self, rating: Rating, has_comment: bool, page: &str, received_at: i64, sign: i32) -> Result<(), Failure> {
        let comments = if has_comment { sign } else { 0 };
        self.sql.exec(
            "INSERT INTO daily (day, page, scale, value, ratings, comments) VALUES (date(?1 / 1000, 'unixepoch'), ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (day, page, scale, value) DO UPDATE SET ratings = ratings + excluded.ratings, comments = comments + excluded.comments",
            vec![received_at.into(), page.into(), rating.scale().as_str().into(), i32::from(rating.value()).into(), sign.into(), comments.into()],
        )?;
        Ok(())
    }

    /// The site's record, if the request carries its owner key.
    fn owner(&self, req: &Request) -> Result<SiteRecord, Failure> {
        let record = self.record()?;
        let token = http::bearer_token(req)?;
        if !http::same_secret(&token, &record.owner_key_sha256) {
            return Err(Failure::Unauthorized);
        }
        Ok(record)
    }

    /// Writes the record back (inside the caller's transaction).
    fn store(&self, record: &SiteRecord) -> Result<(), Failure> {
        let text = serde_json::to_string(record).map_err(|e| Failure::Internal(e.to_string()))?;
        self.sql.exec("UPDATE site SET record = ? WHERE one = 1", vec![text.into()])?;
        Ok(())
    }

    /// Changes the name, origins or widget configuration; answers the new settings.
    async fn patch(&self, req: &mut Request) -> Result<Response, Failure> {
        self.owner(req)?;
        let patch: SitePatch = http::parse_json(&req.bytes().await?)?;
        let patch = patch.validate()?;
        let secret = http::random_token(32)?;
        let record = self.transaction(|| {
            let mut record = self.record()?;
            if let Some(name) = patch.name {
                record.settings.name = name;
            }
            if let Some(origins) = patch.origins {
                record.settings.origins = origins.iter().map(|o| o.as_str().to_owned()).collect();
            }
            if let Some(widget) = patch.widget {
                record.settings.widget = widget;
            }
            if let Some(limits) = patch.limits {
                record.settings.limits = limits;
            }
            if let Some(turnstile) = patch.turnstile.clone() {
                let (view, secret) = turnstile.unzip();
                record.settings.turnstile = view;
                record.turnstile_secret = secret;
            }
            if let Some(days) = patch.retention_days {
                record.settings.retention_days = days;
            }
            if let Some(webhook) = patch.webhook {
                // A signing secret comes with the first webhook and stays while one is set.
                record.settings.webhook_secret = webhook.as_ref().map(|_| record.settings.webhook_secret.clone().unwrap_or(secret));
                record.settings.webhook = webhook;
            }
            self.store(&record)?;
            Ok(record)
        })?;
        if record.settings.retention_days.is_some() {
            // Enforce the new period now, then daily.
            self.alarms.set_alarm(1).await?;
        }
        http::json(200, &view_of(&record))
    }

    /// Replaces the owner key; the old one stops working at once.
    fn rotate_key(&self, req: &Request) -> Result<Response, Failure> {
        self.owner(req)?;
        let owner_key = new_owner_key()?;
        self.transaction(|| {
            let mut record = self.record()?;
            record.owner_key_sha256 = http::sha256_hex(owner_key.as_bytes());
            self.store(&record)
        })?;
        http::json(200, &OwnerKey { owner_key })
    }

    /// A page of submissions, newest first. The cursor is the (received_at, id) of the last
    /// item shown, so submissions that arrive meanwhile never shift or repeat a later page.
    fn feedback(&self, req: &Request) -> Result<Response, Failure> {
        self.owner(req)?;
        let query = FeedbackQuery::parse(&req.url()?)?;
        let like = query.q.as_ref().map(|q| {
            let escaped: String = q.chars().flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] }).collect();
            format!("%{escaped}%")
        });
        let (after_ts, after_id) = match &query.cursor {
            Some((ts, id)) => (Some(*ts), Some(id.clone())),
            None => (None, None),
        };
        let rows: Vec<FeedbackItem> = self
            .sql
            .exec(
                "SELECT id, scale, value, comment, page, locale, client_ts, received_at, updated_at, rev FROM submission
                 WHERE (?1 IS NULL OR received_at < ?1 OR (received_at = ?1 AND id < ?2))
                   AND (?3 IS NULL OR value >= ?3) AND (?4 IS NULL OR value <= ?4)
                   AND (?5 IS NULL OR page = ?5)
                   AND (?6 IS NULL OR (comment IS NOT NULL) = ?6)
                   AND (?7 IS NULL OR comment LIKE ?7 ESCAPE '\\')
                 ORDER BY received_at DESC, id DESC LIMIT ?8",
                vec![
                    after_ts.into(),
                    after_id.into(),
                    query.min.into(),
                    query.max.into(),
                    query.page.clone().into(),
                    query.has_comment.map(i32::from).into(),
                    like.into(),
                    (query.limit + 1).into(),
                ],
            )?
            .to_array()?;
        let mut items = rows;
        let next_cursor = if items.len() > query.limit as usize {
            items.truncate(query.limit as usize);
            items.last().map(|last| format!("{}_{}", last.received_at, last.id))
        } else {
            None
        };
        http::json(200, &FeedbackPage { items, next_cursor })
    }

    /// Deletes one submission and takes it out of the counts, in one transaction.
    /// Deletes one submission: by the owner (`Bearer OWNER_KEY`) or by the visitor who sent it
    /// (`Receipt RECEIPT`, as answered to the submission).
    fn delete(&self, req: &Request, id: &str) -> Result<Response, Failure> {
        let id = SubmissionId::parse(id).map_err(|_| Failure::FeedbackNotFound)?;
        let by_receipt = req.headers().get("authorization")?.and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("receipt").then(|| token.trim().to_owned())
        });
        match by_receipt {
            Some(token) => {
                let expected = receipt(&self.record()?, id.as_str())?;
                if !http::same_secret(&token, &http::sha256_hex(expected.as_bytes())) {
                    return Err(Failure::Unauthorized);
                }
            }
            None => {
                self.owner(req)?;
            }
        }
        self.transaction(|| {
            let rows: Vec<SubmissionRow> = self
                .sql
                .exec("SELECT scale, value, comment, page, locale, rev, received_at FROM submission WHERE id = ?", vec![id.as_str().into()])?
                .to_array()?;
            let row = rows.into_iter().next().ok_or(Failure::FeedbackNotFound)?;
            let rating = Scale::parse(&row.scale)
                .and_then(|scale| Rating::new(scale, row.value).ok())
                .ok_or_else(|| Failure::Internal(format!("stored submission {} has rating {}:{}", id.as_str(), row.scale, row.value)))?;
            self.sql.exec("DELETE FROM submission WHERE id = ?", vec![id.as_str().into()])?;
            self.count(rating, row.comment.is_some(), &row.page, row.received_at, -1)
        })?;
        Ok(Response::empty()?.with_status(204))
    }

    /// Reads the per-day, per-page counts in range: the cost grows with days and pages, never
    /// with the number of submissions.
    fn summary(&self, req: &Request) -> Result<Response, Failure> {
        let record = self.owner(req)?;
        let (mut from, mut to, mut page) = (None, None, None);
        for (name, value) in req.url()?.query_pairs() {
            match name.as_ref() {
                "from" => from = Some(day(&value)?),
                "to" => to = Some(day(&value)?),
                "page" => page = Some(PagePath::parse(&value)?.as_str().to_owned()),
                _ => return Err(Failure::InvalidQuery(format!("unknown parameter {name:?}: use from, to, page"))),
            }
        }
        let rows: Vec<DailyRow> = self
            .sql
            .exec(
                "SELECT day, page, scale, value, ratings, comments FROM daily
                 WHERE ratings > 0 AND (?1 IS NULL OR day >= ?1) AND (?2 IS NULL OR day <= ?2) AND (?3 IS NULL OR page = ?3)",
                vec![from.clone().into(), to.clone().into(), page.clone().into()],
            )?
            .to_array()?;
        let mut breakdown = Breakdown::default();
        for row in rows {
            let rating = Scale::parse(&row.scale)
                .and_then(|scale| Rating::new(scale, row.value).ok())
                .ok_or_else(|| Failure::Internal(format!("stored count {}:{} is not a rating", row.scale, row.value)))?;
            let (Ok(ratings), Ok(comments)) = (u64::try_from(row.ratings), u64::try_from(row.comments)) else {
                return Err(Failure::Internal(format!("negative count {}:{} ({}, {})", row.scale, row.value, row.ratings, row.comments)));
            };
            breakdown.add(&row.day, &row.page, rating, Tally { ratings, comments });
        }
        http::json(200, &breakdown.summary(&record.settings.site, from.as_deref(), to.as_deref(), page.as_deref()))
    }
}

#[cfg(feature = "bench")]
impl SiteObject {
    /// Inserts `count` synthetic star ratings (every tenth with a comment) numbered from `from`,
    /// then rebuilds the tallies from the submissions, in one transaction.
    async fn bench_seed(&self, req: &mut Request) -> Result<Response, Failure> {
        #[derive(Deserialize)]
        struct Seed {
            from: i64,
            count: i64,
            /// How long ago they "arrived" (for the retention test).
            #[serde(default)]
            days_ago: i64,
        }
        let seed: Seed = http::parse_json(&req.bytes().await?)?;
        self.record()?;
        let now = worker::Date::now().as_millis() as i64 - seed.days_ago * 86_400_000;
        self.transaction(|| {
            self.sql.exec(
                "WITH RECURSIVE seq(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?2)
                 INSERT OR IGNORE INTO submission (id, scale, value, comment, page, locale, client_ts, widget_version, rev, received_at, updated_at)
                 SELECT printf('00000000-0000-7000-8000-%012x', i), 'stars', 1 + i % 5,
                        CASE WHEN i % 10 = 0 THEN 'seeded comment ' || i END, '/p/' || (i % 50), 'en',
                        1763900000000 + i, '0.0.0-bench', 0, ?3, ?3
                 FROM seq",
                vec![seed.from.into(), (seed.from + seed.count - 1).into(), now.into()],
            )?;
            self.sql.exec("DELETE FROM daily", None)?;
            self.sql.exec(REBUILD_DAILY, None)?;
            Ok(())
        })?;
        http::json(200, &serde_json::json!({ "seeded": seed.count }))
    }
}

/// The filters of `GET …/feedback`.
struct FeedbackQuery {
    cursor: Option<(i64, String)>,
    limit: i64,
    min: Option<i64>,
    max: Option<i64>,
    page: Option<String>,
    has_comment: Option<bool>,
    q: Option<String>,
}

/// The most items one page may hold (exports read in pages of this size).
pub const FEEDBACK_PAGE_MAX: i64 = 1000;

impl FeedbackQuery {
    fn parse(url: &worker::Url) -> Result<FeedbackQuery, Failure> {
        let bad = |what: &str| Failure::InvalidQuery(what.to_owned());
        let mut query = FeedbackQuery { cursor: None, limit: 50, min: None, max: None, page: None, has_comment: None, q: None };
        for (name, value) in url.query_pairs() {
            let int = || value.parse::<i64>().map_err(|_| bad(&format!("{name} must be a whole number")));
            match name.as_ref() {
                "cursor" => {
                    let (ts, id) = value.split_once('_').ok_or_else(|| bad("cursor is not one this API gave out"))?;
                    let ts = ts.parse::<i64>().map_err(|_| bad("cursor is not one this API gave out"))?;
                    let id = SubmissionId::parse(id).map_err(|_| bad("cursor is not one this API gave out"))?;
                    query.cursor = Some((ts, id.as_str().to_owned()));
                }
                "limit" => {
                    query.limit = int()?;
                    if !(1..=FEEDBACK_PAGE_MAX).contains(&query.limit) {
                        return Err(bad(&format!("limit must be 1 to {FEEDBACK_PAGE_MAX}")));
                    }
                }
                "min" => query.min = Some(int()?),
                "max" => query.max = Some(int()?),
                "page" => query.page = Some(PagePath::parse(&value)?.as_str().to_owned()),
                "has_comment" => {
                    query.has_comment = Some(match value.as_ref() {
                        "true" => true,
                        "false" => false,
                        _ => return Err(bad("has_comment must be true or false")),
                    })
                }
                "q" => {
                    if value.chars().count() > 200 {
                        return Err(bad("q must be at most 200 characters"));
                    }
                    query.q = Some(value.into_owned());
                }
                _ => return Err(bad(&format!("unknown parameter {name:?}: use cursor, limit, min, max, page, has_comment, q"))),
            }
        }
        Ok(query)
    }
}

#[derive(Deserialize)]
struct BucketRow {
    tokens: f64,
    at: i64,
}

#[derive(Deserialize)]
struct SaltRow {
    salt: String,
}

impl SiteObject {
    /// Takes one token from a bucket of `per_minute` capacity refilled at `per_minute` a minute;
    /// `RateLimited` with the wait if it is empty. 0 means unlimited.
    fn spend(&self, key: &str, per_minute: u32, now: i64) -> Result<(), Failure> {
        if per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(per_minute);
        let rows: Vec<BucketRow> = self.sql.exec("SELECT tokens, at FROM bucket WHERE key = ?", vec![key.into()])?.to_array()?;
        let tokens = rows.first().map_or(capacity, |b| (b.tokens + (now - b.at).max(0) as f64 * capacity / 60_000.0).min(capacity));
        if tokens < 1.0 {
            let wait = ((1.0 - tokens) * 60.0 / capacity).ceil().max(1.0) as u32;
            return Err(Failure::RateLimited(wait));
        }
        self.sql.exec(
            "INSERT INTO bucket (key, tokens, at) VALUES (?1, ?2, ?3) ON CONFLICT (key) DO UPDATE SET tokens = excluded.tokens, at = excluded.at",
            vec![key.into(), (tokens - 1.0).into(), now.into()],
        )?;
        Ok(())
    }

    /// SHA-256 of today's salt, the site, and the visitor's IP and user agent. The salt is made
    /// at random each UTC day and yesterday's is deleted (with the buckets keyed by it), so a
    /// hash cannot be linked across days or reversed into an IP.
    fn visitor_hash(&self, site: &str, visitor: &str, now: i64) -> Result<String, Failure> {
        let rows: Vec<SaltRow> = self.sql.exec("SELECT salt FROM salt WHERE day = date(? / 1000, 'unixepoch')", vec![now.into()])?.to_array()?;
        let salt = match rows.into_iter().next() {
            Some(row) => row.salt,
            None => {
                let salt = http::random_token(32)?;
                self.sql.exec("DELETE FROM salt", None)?;
                self.sql.exec("DELETE FROM bucket WHERE key LIKE 'v:%'", None)?;
                self.sql.exec("INSERT INTO salt (day, salt) VALUES (date(? / 1000, 'unixepoch'), ?)", vec![now.into(), salt.clone().into()])?;
                salt
            }
        };
        Ok(http::sha256_hex(format!("{salt}\n{site}\n{visitor}").as_bytes()))
    }
}

/// Webhook deliveries stop after this many attempts (about 17 minutes of backoff in all).
const WEBHOOK_MAX_ATTEMPTS: i64 = 10;

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
#[derive(Serialize, Deserialize)]
struct LogRow {
    event: String,
    at: i64,
    attempt: i64,
    status: i64,
    outcome: String,
}

impl SiteObject {
    /// Queues a webhook post for a submission that matches the site's filter (inside the
    /// submission's transaction: the event is queued exactly when the submission is stored).
    /// Returns whether it queued one.
    fn enqueue_webhook(&self, record: &SiteRecord, s: &Submission, now: i64) -> Result<bool, Failure> {
        let Some(hook) = &record.settings.webhook else { return Ok(false) };
        if !hook.fires_for(s.rating, s.comment.is_some()) {
            return Ok(false);
        }
        let item = FeedbackItem {
            id: s.id.as_str().to_owned(),
            scale: s.rating.scale().as_str().to_owned(),
            value: i64::from(s.rating.value()),
            comment: s.comment.as_ref().map(|c| c.as_str().to_owned()),
            page: s.page.as_str().to_owned(),
            locale: s.locale.as_str().to_owned(),
            client_ts: s.client_ts,
            received_at: now,
            updated_at: now,
            rev: s.rev,
        };
        // Slack and compatible chat tools show `text`.
        let text = format!(
            "{}/{} on {} for {}{}",
            s.rating.value(),
            s.rating.scale().highest(),
            s.page.as_str(),
            record.settings.name,
            s.comment.as_ref().map(|c| format!(": \u{201c}{}\u{201d}", c.as_str())).unwrap_or_default()
        );
        let event = format!("{}:{}", s.id.as_str(), s.rev);
        let body = serde_json::json!({ "type": "feedback", "event": event, "site": record.settings.site, "submission": item, "text": text }).to_string();
        self.sql.exec("INSERT OR IGNORE INTO webhook_outbox (event, body, attempts, next_at) VALUES (?, ?, 0, ?)", vec![event.into(), body.into(), now.into()])?;
        Ok(true)
    }

    /// Deletes submissions past the site's retention period and takes them out of the counts,
    /// in one transaction, so the counts stay exactly those of the submissions kept.
    fn enforce_retention(&self) -> Result<(), Failure> {
        let Some(days) = self.record()?.settings.retention_days else { return Ok(()) };
        let cutoff = worker::Date::now().as_millis() as i64 - i64::from(days) * 86_400_000;
        self.transaction(|| {
            self.sql.exec(
                "INSERT INTO daily (day, page, scale, value, ratings, comments)
                 SELECT date(received_at / 1000, 'unixepoch'), page, scale, value, -count(*), -count(comment) FROM submission
                 WHERE received_at < ?1 GROUP BY 1, 2, 3, 4
                 ON CONFLICT (day, page, scale, value) DO UPDATE SET ratings = ratings + excluded.ratings, comments = comments + excluded.comments",
                vec![cutoff.into()],
            )?;
            self.sql.exec("DELETE FROM submission WHERE received_at < ?", vec![cutoff.into()])?;
            self.sql.exec("DELETE FROM daily WHERE ratings = 0 AND comments = 0", None)?;
            Ok(())
        })
    }

    /// Sets the alarm for the earliest queued delivery, or a day from now when a retention
    /// period is set.
    async fn schedule_deliveries(&self, record: &SiteRecord, now: i64) -> Result<(), Failure> {
        let next: Vec<NextAt> = self.sql.exec("SELECT min(next_at) AS next_at FROM webhook_outbox", None)?.to_array()?;
        let webhook = next.first().and_then(|n| n.next_at).map(|at| (at - now).max(1));
        let retention = record.settings.retention_days.map(|_| 86_400_000);
        if let Some(delay) = webhook.into_iter().chain(retention).min() {
            self.alarms.set_alarm(delay).await?;
        }
        Ok(())
    }

    /// The alarm: posts what is due, signed; retries failures with backoff; logs every attempt.
    async fn deliver_webhooks(&self) -> Result<(), Failure> {
        let record = self.record()?;
        let now = worker::Date::now().as_millis() as i64;
        let due: Vec<OutboxRow> = self.sql.exec("SELECT event, body, attempts FROM webhook_outbox WHERE next_at <= ? ORDER BY next_at LIMIT 20", vec![now.into()])?.to_array()?;
        let (Some(hook), Some(secret)) = (&record.settings.webhook, &record.settings.webhook_secret) else {
            self.sql.exec("DELETE FROM webhook_outbox", None)?;
            // Still re-arm: a retention period needs tomorrow's run even without a webhook.
            return self.schedule_deliveries(&record, now).await;
        };
        for row in due {
            let attempt = row.attempts + 1;
            let (status, outcome) = match post_signed(&hook.url, secret, &row.body, now / 1000).await {
                Ok(status) if (200..300).contains(&status) => (status, "delivered"),
                Ok(status) => (status, if attempt >= WEBHOOK_MAX_ATTEMPTS { "gave_up" } else { "retrying" }),
                Err(_) => (0, if attempt >= WEBHOOK_MAX_ATTEMPTS { "gave_up" } else { "retrying" }),
            };
            if outcome == "retrying" {
                let backoff = 1000_i64 << (attempt - 1).min(20);
                self.sql.exec("UPDATE webhook_outbox SET attempts = ?, next_at = ? WHERE event = ?", vec![attempt.into(), (now + backoff.min(3_600_000)).into(), row.event.clone().into()])?;
            } else {
                self.sql.exec("DELETE FROM webhook_outbox WHERE event = ?", vec![row.event.clone().into()])?;
            }
            self.sql.exec(
                "INSERT INTO webhook_log (event, at, attempt, status, outcome) VALUES (?, ?, ?, ?, ?)",
                vec![row.event.into(), now.into(), attempt.into(), i64::from(status).into(), outcome.into()],
            )?;
        }
        // Keep the last 1000 log lines.
        self.sql.exec("DELETE FROM webhook_log WHERE seq <= (SELECT max(seq) - 1000 FROM webhook_log)", None)?;
        self.schedule_deliveries(&record, now).await
    }

    /// `GET …/webhook-deliveries`: the webhook and its last 100 delivery attempts, newest first.
    fn deliveries(&self, req: &Request) -> Result<Response, Failure> {
        let record = self.owner(req)?;
        let log: Vec<LogRow> = self.sql.exec("SELECT event, at, attempt, status, outcome FROM webhook_log ORDER BY seq DESC LIMIT 100", None)?.to_array()?;
        let pending: Vec<NextAt> = self.sql.exec("SELECT count(*) AS next_at FROM webhook_outbox", None)?.to_array()?;
        http::json(200, &serde_json::json!({ "webhook": record.settings.webhook, "pending": pending.first().and_then(|p| p.next_at).unwrap_or(0), "deliveries": log }))
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

/// Asks Turnstile's siteverify whether a token is good; anything but `success: true` refuses.
async fn verify_turnstile(url: &str, secret: &str, token: Option<&str>, id: &str) -> Result<(), Failure> {
    let token = token.ok_or(Failure::TurnstileFailed)?;
    let form: String = [("secret", secret), ("response", token), ("idempotency_key", id)]
        .iter()
        .map(|(k, v)| format!("{k}={}", js_sys::encode_uri_component(v)))
        .collect::<Vec<_>>()
        .join("&");
    let headers = worker::Headers::new();
    headers.set("content-type", "application/x-www-form-urlencoded")?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(form.into()));
    let mut response = worker::Fetch::Request(Request::new_with_init(url, &init)?).send().await.map_err(|e| {
        worker::console_error!("turnstile verify: {e}");
        Failure::TurnstileFailed
    })?;
    let answer: serde_json::Value = response.json().await.unwrap_or_default();
    if answer["success"] == true {
        Ok(())
    } else {
        Err(Failure::TurnstileFailed)
    }
}

/// The receipt for a submission id: HMAC-SHA256 of the id under the site's receipt key.
fn receipt(record: &SiteRecord, id: &str) -> Result<String, Failure> {
    use hmac::{Hmac, Mac};
    let key = record.receipt_key.as_deref().ok_or_else(|| Failure::Internal("no receipt key".into()))?;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).map_err(|e| Failure::Internal(e.to_string()))?;
    mac.update(id.as_bytes());
    Ok(mac.finalize().into_bytes().iter().take(20).map(|b| format!("{b:02x}")).collect())
}

/// A new owner key: `sk_` and 32 random bytes in base32.
pub fn new_owner_key() -> Result<String, Failure> {
    Ok(format!("sk_{}", http::random_token(32)?))
}

/// What the owner may read of the record (never the key's hash).
fn view_of(record: &SiteRecord) -> SiteView {
    record.settings.clone()
}

/// A `YYYY-MM-DD` day from a query parameter.
fn day(raw: &str) -> Result<String, Failure> {
    let b = raw.as_bytes();
    let digits = |r: core::ops::Range<usize>| raw.get(r).and_then(|d| d.parse::<u32>().ok());
    let ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && digits(5..7).is_some_and(|m| (1..=12).contains(&m))
        && digits(8..10).is_some_and(|d| (1..=31).contains(&d));
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(Failure::InvalidQuery(format!("{raw:?} is not a day: use YYYY-MM-DD")))
    }
}

fn submission_values(s: &Submission, received_at: i64, updated_at: i64) -> Vec<worker::SqlStorageValue> {
    vec![
        s.id.as_str().into(),
        s.rating.scale().as_str().into(),
        i32::from(s.rating.value()).into(),
        s.comment.as_ref().map(|c| c.as_str().to_owned()).into(),
        s.page.as_str().into(),
        s.locale.as_str().into(),
        s.client_ts.into(),
        s.widget_version.as_str().into(),
        i64::from(s.rev).into(),
        received_at.into(),
        updated_at.into(),
    ]
}

/// Sends an internal request to a site's object and returns its answer as a fresh response
/// (fresh, so routes may add headers to it).
pub async fn ask(env: &worker::Env, site: &SiteId, method: Method, op: &str, headers: &[(&str, &str)], body: Option<Vec<u8>>) -> Result<Response, Failure> {
    let stub = env.durable_object("SITES")?.id_from_name(site.as_str())?.get_stub()?;
    let mut init = RequestInit::new();
    init.with_method(method);
    let request_headers = worker::Headers::new();
    for (name, value) in headers {
        request_headers.set(name, value)?;
    }
    init.with_headers(request_headers);
    if let Some(bytes) = body {
        init.with_body(Some(js_sys::Uint8Array::from(bytes.as_slice()).into()));
    }
    let request = Request::new_with_init(&format!("https://site.internal{op}"), &init)?;
    let mut answer = stub.fetch_with_request(request).await?;
    let status = answer.status_code();
    // Copied into new, mutable headers (Allow, WWW-Authenticate, content type, …).
    let headers = worker::Headers::new();
    for (name, value) in answer.headers().entries() {
        headers.set(&name, &value)?;
    }
    let bytes = answer.bytes().await?;
    Ok(Response::from_bytes(bytes)?.with_status(status).with_headers(headers))
}
