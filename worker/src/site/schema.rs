//! The object's SQLite schema, its one-time migrations, and every query it runs, as named
//! constants beside the rows they read.

use sayso_core::{Rating, Scale, Tally};
use serde::Deserialize;

use super::SiteObject;
use crate::http::Failure;

/// Every table; run on first use of a created site (`CREATE … IF NOT EXISTS`, so later
/// versions' tables appear in sites created before them).
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
  updated_at INTEGER NOT NULL,
  revisions INTEGER NOT NULL DEFAULT 1,
  author TEXT,
  sent_page TEXT
);
CREATE TABLE IF NOT EXISTS tombstone (
  id TEXT PRIMARY KEY,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS tombstone_at ON tombstone (at);
CREATE TABLE IF NOT EXISTS day_pages (
  day TEXT PRIMARY KEY,
  pages INTEGER NOT NULL
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
  next_at INTEGER NOT NULL,
  submission TEXT
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

/// Columns added after their table was first made, as (table, column, the `ALTER TABLE` that
/// adds it); each runs once, on sites from before it.
const ADDED_COLUMNS: [(&str, &str, &str); 10] = [
    ("submission", "revisions", "ALTER TABLE submission ADD COLUMN revisions INTEGER NOT NULL DEFAULT 1"),
    ("webhook_outbox", "submission", "ALTER TABLE webhook_outbox ADD COLUMN submission TEXT"),
    // Rows from before authorship have none: nobody but the owner can change them.
    ("submission", "author", "ALTER TABLE submission ADD COLUMN author TEXT"),
    // The path a submission counted under `OTHER_PAGE` was sent from (else NULL).
    ("submission", "sent_page", "ALTER TABLE submission ADD COLUMN sent_page TEXT"),
    // The owner's triage (`triage.rs`): every submission from before it is `new`.
    ("submission", "status", "ALTER TABLE submission ADD COLUMN status TEXT NOT NULL DEFAULT 'new'"),
    // A visitor's consent to be quoted (`quotes.rs`): NULL none, else pending, approved, rejected.
    ("submission", "quote", "ALTER TABLE submission ADD COLUMN quote TEXT"),
    ("submission", "quote_name", "ALTER TABLE submission ADD COLUMN quote_name TEXT"),
    // When consent was given or the owner decided (ms): the wall's order.
    ("submission", "quote_at", "ALTER TABLE submission ADD COLUMN quote_at INTEGER"),
    // Where a submission came from (`channels.rs`): `web` (the widget) or a rating link's campaign.
    ("submission", "channel", "ALTER TABLE submission ADD COLUMN channel TEXT NOT NULL DEFAULT 'web'"),
    // The page's attributes as a JSON object, NULL for none (`attributes.rs`).
    ("submission", "attributes", "ALTER TABLE submission ADD COLUMN attributes TEXT"),
];
/// Whether table `?1` has column `?2` (as an `Exists`).
const HAS_COLUMN: &str = "SELECT EXISTS (SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2) AS present";
/// A test event queued with no submission (before `ENQUEUE_TEST` named its own id) gets its own
/// id: `BACKFILL_OUTBOX` would give every one `test`, and two pending would break the index.
const BACKFILL_TEST_EVENTS: &str = "UPDATE webhook_outbox SET submission = event WHERE submission IS NULL AND event LIKE 'test:%'";
/// Events queued before they named their submission get its id (the newest of each id, only while
/// no event holds that id, so the unique index below holds at every start; older ones go as queued).
const BACKFILL_OUTBOX: &str = "UPDATE webhook_outbox SET submission = substr(event, 1, instr(event, ':') - 1)
    WHERE submission IS NULL AND rowid IN (SELECT max(rowid) FROM webhook_outbox WHERE submission IS NULL GROUP BY substr(event, 1, instr(event, ':') - 1))
    AND NOT EXISTS (SELECT 1 FROM webhook_outbox AS held WHERE held.submission = substr(webhook_outbox.event, 1, instr(webhook_outbox.event, ':') - 1))";
/// At most one pending event per submission: the index events coalesce on.
const OUTBOX_BY_SUBMISSION: &str = "CREATE UNIQUE INDEX IF NOT EXISTS webhook_outbox_submission ON webhook_outbox (submission)";

/// Whether the `site` table exists (a site nobody created has none), as a `RecordRow`.
pub const SITE_TABLE: &str = "SELECT name AS record FROM sqlite_master WHERE type = 'table' AND name = 'site'";
/// The site's record.
pub const SELECT_RECORD: &str = "SELECT record FROM site WHERE one = 1";
/// Stores the record of a new site.
pub const INSERT_RECORD: &str = "INSERT INTO site (one, record) VALUES (1, ?1)";
/// Writes the record back.
pub const UPDATE_RECORD: &str = "UPDATE site SET record = ?1 WHERE one = 1";

/// The stored revision of a submission (`RevRow`).
pub const SELECT_REV: &str = "SELECT rev FROM submission WHERE id = ?1";
/// A stored submission (`SubmissionRow`).
pub const SELECT_SUBMISSION: &str =
    "SELECT scale, value, comment, page, sent_page, locale, rev, received_at, revisions, author, attributes FROM submission WHERE id = ?1";
/// A new submission; its values are `submissions::values`, numbered as in `UPDATE_SUBMISSION`,
/// and `?14` its author (the SHA-256 of its key), which no revision changes.
pub const INSERT_SUBMISSION: &str = "INSERT INTO submission (id, scale, value, comment, page, locale, client_ts, widget_version, rev, received_at,
    updated_at, sent_page, attributes, author) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
/// A new revision, with the numbered values `?1`–`?13` of `INSERT_SUBMISSION`; counts the revision.
pub const UPDATE_SUBMISSION: &str = "UPDATE submission SET scale = ?2, value = ?3, comment = ?4, page = ?5, locale = ?6, client_ts = ?7,
    widget_version = ?8, rev = ?9, received_at = ?10, updated_at = ?11, sent_page = ?12, attributes = ?13, revisions = revisions + 1 WHERE id = ?1";
/// Deletes one submission.
pub const DELETE_SUBMISSION: &str = "DELETE FROM submission WHERE id = ?1";
/// Whether submission `?1` was deleted (an `Exists`).
pub const TOMBSTONED: &str = "SELECT EXISTS (SELECT 1 FROM tombstone WHERE id = ?1) AS present";
/// Leaves the tombstone of submission `?1`, deleted at `?2` (ms): its id and time, no content.
pub const INSERT_TOMBSTONE: &str = "INSERT INTO tombstone (id, at) VALUES (?1, ?2) ON CONFLICT (id) DO NOTHING";
/// Forgets at most `?2` tombstones left before `?1` (ms), oldest first, by their index; its
/// `RETURNING` counts them (the cursor's rows written would count index writes too).
pub const FORGET_TOMBSTONES: &str = "DELETE FROM tombstone WHERE id IN (SELECT id FROM tombstone WHERE at < ?1 ORDER BY at LIMIT ?2) RETURNING at";
/// Drops the pending webhook event of submission `?1` (it was deleted).
pub const DROP_EVENT_OF: &str = "DELETE FROM webhook_outbox WHERE submission = ?1";
/// Whether page `?2` already has counts on the UTC day of `?1` (ms) (an `Exists`).
pub const PAGE_COUNTED_ON: &str = "SELECT EXISTS (SELECT 1 FROM daily WHERE day = date(?1 / 1000, 'unixepoch') AND page = ?2) AS present";
/// Counts one more page on the UTC day of `?1` (ms) if the day has fewer than `?2` (then a row comes back).
pub const ADMIT_PAGE_ON: &str = "INSERT INTO day_pages (day, pages) VALUES (date(?1 / 1000, 'unixepoch'), 1)
    ON CONFLICT (day) DO UPDATE SET pages = pages + 1 WHERE pages < ?2 RETURNING pages";
/// Forgets the page counts of days before the UTC day of `?1` (ms).
pub const FORGET_PAGE_DAYS: &str = "DELETE FROM day_pages WHERE day < date(?1 / 1000, 'unixepoch')";

/// Adds `?5` ratings (±1) and `?6` comments to the counts of page `?2`, rating `?3`:`?4`, on the day of `?1` (ms).
pub const COUNT: &str = add_to_daily!("VALUES (date(?1 / 1000, 'unixepoch'), ?2, ?3, ?4, ?5, ?6)");
/// Rebuilds the per-day, per-page counts from the stored submissions.
pub const REBUILD_DAILY: &str = "INSERT INTO daily (day, page, scale, value, ratings, comments)
    SELECT date(received_at / 1000, 'unixepoch'), page, scale, value, count(*), count(comment) FROM submission GROUP BY 1, 2, 3, 4";

/// One row of `site` (or the name of the table, for `SITE_TABLE`).
#[derive(Deserialize)]
pub struct RecordRow {
    /// The record as JSON.
    pub record: String,
}

/// A stored revision number.
#[derive(Deserialize)]
pub struct RevRow {
    /// The revision.
    pub rev: u32,
}

/// A stored submission, as far as the counts and the edit rules need it.
#[derive(Deserialize)]
pub struct SubmissionRow {
    scale: String,
    value: i64,
    /// The comment, if any.
    pub comment: Option<String>,
    /// The page it is counted under.
    pub page: String,
    /// The page it was sent from, when that is not `page` (counted under `OTHER_PAGE`).
    pub sent_page: Option<String>,
    /// The language tag.
    pub locale: String,
    /// The stored revision.
    pub rev: u32,
    /// When it first arrived (ms).
    pub received_at: i64,
    /// How many revisions were stored (the first send is one).
    pub revisions: u32,
    /// The SHA-256 of its key, if it was sent with one.
    pub author: Option<String>,
    /// Its attributes' JSON object, if any.
    pub attributes: Option<String>,
}

/// One line of the per-day counts (also as a shard sends it to the Worker: `counts.rs`).
#[derive(Deserialize, serde::Serialize)]
pub struct DailyRow {
    /// The UTC day.
    pub day: String,
    /// The page path.
    pub page: String,
    pub(super) scale: String,
    pub(super) value: i64,
    pub(super) ratings: i64,
    pub(super) comments: i64,
}

/// The answer of an `EXISTS` query.
#[derive(Deserialize)]
pub struct Exists {
    present: i64,
}

/// A day's count of pages (`ADMIT_PAGE_ON`'s `RETURNING`).
#[derive(Deserialize)]
pub struct PagesRow {
    /// Distinct pages counted that day.
    pub pages: i64,
}

/// A stored scale and value as a rating. Stored rows are read as stored, not re-validated as
/// new input: a rule tightened in a later version must not make old rows unreadable.
fn stored_rating(scale: &str, value: i64) -> Result<Rating, Failure> {
    Scale::parse(scale)
        .and_then(|s| Rating::new(s, value).ok())
        .ok_or_else(|| Failure::Internal(format!("stored rating {scale}:{value} is not a rating")))
}

impl SubmissionRow {
    /// The stored rating.
    pub fn rating(&self) -> Result<Rating, Failure> {
        stored_rating(&self.scale, self.value)
    }
}

impl DailyRow {
    /// The rating this line counts and its tally.
    pub fn count(&self) -> Result<(Rating, Tally), Failure> {
        let rating = stored_rating(&self.scale, self.value)?;
        let (Ok(ratings), Ok(comments)) = (u64::try_from(self.ratings), u64::try_from(self.comments)) else {
            return Err(Failure::Internal(format!("negative count {}:{} ({}, {})", self.scale, self.value, self.ratings, self.comments)));
        };
        Ok((rating, Tally { ratings, comments }))
    }
}

impl SiteObject {
    /// Whether an `EXISTS (…) AS present` query finds something.
    pub(super) fn present(&self, sql: &str, params: Vec<worker::SqlStorageValue>) -> Result<bool, Failure> {
        Ok(self.sql.exec(sql, params)?.to_array::<Exists>()?.first().is_some_and(|e| e.present == 1))
    }

    /// Recounts every count from the stored submissions (bulk seeding, in its transaction).
    #[cfg(feature = "bench")]
    pub(super) fn rebuild_counts(&self) -> Result<(), Failure> {
        self.recount(REBUILD_DAILY)
    }

    /// Whether the table (or index or trigger) `name` exists.
    pub(super) fn has_table(&self, name: &str) -> Result<bool, Failure> {
        self.present("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = ?1) AS present", vec![name.into()])
    }

    /// Creates the tables and runs the migrations, once per instance.
    pub(super) fn ensure_schema(&self) -> Result<(), Failure> {
        if !self.schema_ready.get() {
            self.sql.exec(SCHEMA, None)?;
            // Sites from before per-day counts had one all-time `tally`: rebuild once.
            let exists =
                |sql: &str| -> Result<bool, Failure> { Ok(self.sql.exec(sql, None)?.to_array::<Exists>()?.first().is_some_and(|e| e.present == 1)) };
            if !exists("SELECT EXISTS (SELECT 1 FROM daily) AS present")? && exists("SELECT EXISTS (SELECT 1 FROM submission) AS present")? {
                self.transaction(|| Ok(self.sql.exec(REBUILD_DAILY, None).map(|_| ())?))?;
            }
            self.sql.exec("DROP TABLE IF EXISTS tally", None)?;
            self.transaction(|| {
                for (table, column, alter) in ADDED_COLUMNS {
                    let present = self.sql.exec(HAS_COLUMN, vec![table.into(), column.into()])?.to_array::<Exists>()?;
                    if present.first().is_none_or(|e| e.present != 1) {
                        self.sql.exec(alter, None)?;
                    }
                }
                self.sql.exec(BACKFILL_TEST_EVENTS, None)?;
                self.sql.exec(BACKFILL_OUTBOX, None)?;
                self.sql.exec(OUTBOX_BY_SUBMISSION, None)?;
                Ok(())
            })?;
            self.ensure_rollups()?;
            self.ensure_search()?;
            self.ensure_triage()?;
            self.ensure_replies()?;
            self.ensure_quotes()?;
            self.ensure_channels()?;
            self.ensure_attributes()?;
            self.schema_ready.set(true);
        }
        Ok(())
    }
}
