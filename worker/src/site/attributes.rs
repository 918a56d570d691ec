//! Who said it: the page's attributes of each submission (`sayso_core::attributes`), stored as
//! a JSON object in `submission.attributes`, and two tables SQLite's triggers keep in the
//! transaction of every write that changes a row (a click, an edit, a delete, a retention
//! batch), so each equals a recount of the stored submissions at every commit:
//!
//! - `submission_attribute`, one row per submission and key: the inbox's `attribute=key:value`
//!   walks its index newest first (`search.rs`), so a rare value costs its own rows, not the
//!   site's;
//! - `attribute_daily`, each key's and value's counts per day and rating: the summary's
//!   breakdown (`?by=KEY`) reads at most days × values × ratings rows of one key, never
//!   submissions, and merges over a sharded site's shards beside the channels (`channels.rs`);
//!   a day counts at most `VALUES_PER_DAY_MAX` values of a key by name, the rest under
//!   `OTHER_VALUE`, so a script inventing values cannot grow that read.
//!
//! A submission without attributes (every widget that sets none, the bulk seeding, rating
//! links) pays nothing here: each trigger's `WHEN` skips it.

use super::schema::DailyRow;
use super::SiteObject;
use crate::http::Failure;

/// The tables and their triggers (the triggers made again on every start, so a changed one
/// reaches every object). `json_each` reads a stored object's pairs. A count that falls to zero
/// is deleted at once: a deleted or expired submission leaves no value of its behind (an
/// attribute's text is the page's, and the owner's delete must take it), and `KEYS` lists
/// only keys some stored submission carries.
const ATTRIBUTES: &str = "
CREATE TABLE IF NOT EXISTS submission_attribute (
  id TEXT NOT NULL, key TEXT NOT NULL, val TEXT NOT NULL, received_at INTEGER NOT NULL, counted TEXT NOT NULL,
  PRIMARY KEY (id, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS submission_attribute_newest ON submission_attribute (key, val, received_at DESC, id DESC);
CREATE TABLE IF NOT EXISTS attribute_daily (
  key TEXT NOT NULL, day TEXT NOT NULL, val TEXT NOT NULL, scale TEXT NOT NULL, value INTEGER NOT NULL,
  ratings INTEGER NOT NULL, comments INTEGER NOT NULL,
  PRIMARY KEY (key, day, val, scale, value)
) WITHOUT ROWID;
DROP TRIGGER IF EXISTS attributes_added; DROP TRIGGER IF EXISTS attributes_changed; DROP TRIGGER IF EXISTS attributes_removed;
CREATE TRIGGER attributes_added AFTER INSERT ON submission WHEN new.attributes IS NOT NULL BEGIN
  INSERT INTO submission_attribute SELECT new.id, j.key, j.value, new.received_at, COUNTED(new) FROM json_each(new.attributes) AS j;
  ADD(new);
END;
CREATE TRIGGER attributes_changed AFTER UPDATE OF attributes, scale, value, comment, received_at ON submission
  WHEN (old.attributes IS NOT NULL OR new.attributes IS NOT NULL) AND (old.attributes IS NOT new.attributes OR old.scale IS NOT new.scale
    OR old.value IS NOT new.value OR (old.comment IS NULL) <> (new.comment IS NULL) OR old.received_at IS NOT new.received_at) BEGIN
  SUBTRACT(old);
  INSERT INTO submission_attribute SELECT new.id, j.key, j.value, new.received_at, COUNTED(new) FROM json_each(new.attributes) AS j WHERE new.attributes IS NOT NULL;
  ADD(new);
END;
CREATE TRIGGER attributes_removed AFTER DELETE ON submission WHEN old.attributes IS NOT NULL BEGIN
  SUBTRACT(old);
END;
";

/// The most values of one key a day counts by name: a later new value that day is counted
/// under `OTHER_VALUE` (still stored, listed and filtered by its own), so invented values
/// cannot grow what a breakdown reads without bound, as `PAGES_PER_DAY_MAX` bounds pages.
pub const VALUES_PER_DAY_MAX: usize = 100;
/// Where the values past `VALUES_PER_DAY_MAX` are counted (no value holds parentheses).
pub const OTHER_VALUE: &str = "(other)";

/// The triggers' statements: `COUNTED(row)` the value pair `j` of `row` is counted under (its own
/// if the day counts it already or counts fewer than `VALUES_PER_DAY_MAX`), kept in
/// `submission_attribute.counted` so that taking it away subtracts from the same line;
/// `ADD(row)` counts `row`'s pairs; `SUBTRACT(row)` takes them away, deletes the lines that fall
/// to zero and the row's pairs.
fn attributes_sql() -> String {
    let day = |row: &str| format!("date({row}.received_at / 1000, 'unixepoch')");
    let counted = |row: &str| {
        format!(
            "CASE WHEN EXISTS (SELECT 1 FROM attribute_daily AS d WHERE d.key = j.key AND d.day = {day} AND d.val = j.value)
              OR (SELECT count(*) FROM (SELECT DISTINCT d.val FROM attribute_daily AS d WHERE d.key = j.key AND d.day = {day} AND d.val <> '{OTHER_VALUE}' LIMIT {VALUES_PER_DAY_MAX})) < {VALUES_PER_DAY_MAX}
            THEN j.value ELSE '{OTHER_VALUE}' END",
            day = day(row)
        )
    };
    let change = |row: &str, sign: &str| {
        format!(
            "INSERT INTO attribute_daily SELECT a.key, {day}, a.counted, {row}.scale, {row}.value, {sign}1, {sign}({row}.comment IS NOT NULL)
    FROM submission_attribute AS a WHERE a.id = {row}.id
    ON CONFLICT DO UPDATE SET ratings = ratings + excluded.ratings, comments = comments + excluded.comments",
            day = day(row)
        )
    };
    let subtract = |row: &str| {
        format!(
            "{};
  DELETE FROM attribute_daily WHERE ratings = 0 AND comments = 0 AND (key, day, val, scale, value) IN
    (SELECT a.key, {day}, a.counted, {row}.scale, {row}.value FROM submission_attribute AS a WHERE a.id = {row}.id);
  DELETE FROM submission_attribute WHERE id = {row}.id",
            change(row, "-"),
            day = day(row)
        )
    };
    ATTRIBUTES.replace("COUNTED(new)", &counted("new")).replace("ADD(new)", &change("new", "")).replace("SUBTRACT(old)", &subtract("old"))
}

/// The counts per value and rating of key `?1` in the days `?2`–`?3` (either may be NULL), as
/// `DailyRow`s whose `page` is the value: one seek on the key, at most days × values × ratings
/// rows.
const VALUE_COUNTS: &str = "SELECT '' AS day, val AS page, scale, value, sum(ratings) AS ratings, sum(comments) AS comments
    FROM attribute_daily WHERE key = ?1 AND day >= coalesce(?2, '') AND day <= coalesce(?3, '9999-12-31') GROUP BY val, scale, value HAVING sum(ratings) > 0";

/// The most attribute keys a summary names (`attribute_keys`), for the owner to choose a
/// breakdown from.
pub const KEYS_LISTED: usize = 20;

/// The first `?1` keys of `attribute_daily`, one index seek each (a loose index scan: SQLite
/// keeps no statistics here to skip by itself), not one row per count.
const KEYS: &str = "WITH RECURSIVE k(key) AS (SELECT min(key) FROM attribute_daily
    UNION ALL SELECT (SELECT min(key) FROM attribute_daily WHERE key > k.key) FROM k WHERE k.key IS NOT NULL)
    SELECT key FROM k WHERE key IS NOT NULL LIMIT ?1";

/// One key (`KEYS`).
#[derive(serde::Deserialize)]
struct KeyRow {
    key: String,
}

impl SiteObject {
    /// Makes the tables and the triggers (after `ADDED_COLUMNS` gave `submission` its
    /// `attributes`). No recount: the column and the tables come in the same version, so no
    /// row with attributes is older than the tables.
    pub(super) fn ensure_attributes(&self) -> Result<(), Failure> {
        self.transaction(|| Ok(self.sql.exec(&attributes_sql(), None).map(|_| ())?))
    }

    /// The attribute keys this shard has counted, sorted, at most `KEYS_LISTED`.
    pub(super) fn attribute_keys(&self) -> Result<Vec<String>, Failure> {
        let rows: Vec<KeyRow> = self.sql.exec(KEYS, vec![(KEYS_LISTED as i64).into()])?.to_array()?;
        Ok(rows.into_iter().map(|r| r.key).collect())
    }

    /// This shard's counts per value of attribute `key` in the days `from`–`to`.
    pub(super) fn value_counts(&self, key: &str, from: Option<String>, to: Option<String>) -> Result<Vec<DailyRow>, Failure> {
        Ok(self.sql.exec(VALUE_COUNTS, vec![key.into(), from.into(), to.into()])?.to_array()?)
    }
}
