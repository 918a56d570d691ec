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
//!   `OTHER_VALUE`, so a script inventing values cannot grow that read;
//! - `attribute_key`, how many stored submissions carry each key, indexed by that count: the
//!   summary's `attribute_keys` are the `KEYS_LISTED` most carried, one index walk, so keys a
//!   script invents (a few submissions each) rank below the page's own (carried by every click)
//!   and cannot hide them, however many there are.
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
CREATE TABLE IF NOT EXISTS attribute_key (key TEXT PRIMARY KEY, carried INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS attribute_key_most ON attribute_key (carried DESC, key);
DROP TRIGGER IF EXISTS attributes_added; DROP TRIGGER IF EXISTS attributes_changed; DROP TRIGGER IF EXISTS attributes_removed;
CREATE TRIGGER attributes_added AFTER INSERT ON submission WHEN new.attributes IS NOT NULL BEGIN
  INSERT INTO submission_attribute SELECT new.id, j.key, j.value, new.received_at, COUNTED(new) FROM json_each(new.attributes) AS j;
  ADD(new);
  CARRY(new);
END;
CREATE TRIGGER attributes_changed AFTER UPDATE OF attributes, scale, value, comment, received_at ON submission
  WHEN (old.attributes IS NOT NULL OR new.attributes IS NOT NULL) AND (old.attributes IS NOT new.attributes OR old.scale IS NOT new.scale
    OR old.value IS NOT new.value OR (old.comment IS NULL) <> (new.comment IS NULL) OR old.received_at IS NOT new.received_at) BEGIN
  DROP_CARRIED(old);
  SUBTRACT(old);
  INSERT INTO submission_attribute SELECT new.id, j.key, j.value, new.received_at, COUNTED(new) FROM json_each(new.attributes) AS j WHERE new.attributes IS NOT NULL;
  ADD(new);
  CARRY(new);
END;
CREATE TRIGGER attributes_removed AFTER DELETE ON submission WHEN old.attributes IS NOT NULL BEGIN
  DROP_CARRIED(old);
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
/// to zero and the row's pairs; `CARRY(row)` counts its keys in `attribute_key`, `DROP_CARRIED(row)`
/// takes them away (before `SUBTRACT` deletes its pairs) and deletes a key no submission carries.
/// (An edit that keeps the keys moves each count down and up again: edits are rare beside clicks.)
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
    let carry = |row: &str| {
        format!(
            "INSERT INTO attribute_key SELECT a.key, 1 FROM submission_attribute AS a WHERE a.id = {row}.id
    ON CONFLICT DO UPDATE SET carried = carried + 1"
        )
    };
    let drop_carried = |row: &str| {
        format!(
            "UPDATE attribute_key SET carried = carried - 1 WHERE key IN (SELECT a.key FROM submission_attribute AS a WHERE a.id = {row}.id);
  DELETE FROM attribute_key WHERE carried <= 0 AND key IN (SELECT a.key FROM submission_attribute AS a WHERE a.id = {row}.id)"
        )
    };
    ATTRIBUTES
        .replace("COUNTED(new)", &counted("new"))
        .replace("ADD(new)", &change("new", ""))
        .replace("CARRY(new)", &carry("new"))
        .replace("DROP_CARRIED(old)", &drop_carried("old"))
        .replace("SUBTRACT(old)", &subtract("old"))
}

/// `attribute_key` counted from the stored pairs when it is new (an object from before it) and
/// there are pairs: once, on the start that makes the table (empty exactly when no submission
/// carries a key, so later starts find one row at most and stop).
const RECOUNT_KEYS: &str = "INSERT INTO attribute_key SELECT key, count(*) FROM submission_attribute
    WHERE NOT EXISTS (SELECT 1 FROM attribute_key) GROUP BY key";

/// The counts per value and rating of key `?1` in the days `?2`–`?3` (either may be NULL), as
/// `DailyRow`s whose `page` is the value: one seek on the key, at most days × values × ratings
/// rows.
const VALUE_COUNTS: &str = "SELECT '' AS day, val AS page, scale, value, sum(ratings) AS ratings, sum(comments) AS comments
    FROM attribute_daily WHERE key = ?1 AND day >= coalesce(?2, '') AND day <= coalesce(?3, '9999-12-31') GROUP BY val, scale, value HAVING sum(ratings) > 0";

/// The most attribute keys a summary names (`attribute_keys`), for the owner to choose a
/// breakdown from.
pub const KEYS_LISTED: usize = 20;

/// The `?1` keys most submissions carry (ties by key), walked on `attribute_key_most`: `?1` rows
/// read however many keys there are.
const KEYS: &str = "SELECT key, carried FROM attribute_key ORDER BY carried DESC, key LIMIT ?1";

/// A key and how many stored submissions carry it (`KEYS`), as a shard answers it.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct KeyCount {
    /// The key.
    pub key: String,
    /// The submissions carrying it.
    pub carried: i64,
}

impl SiteObject {
    /// Makes the tables and the triggers (after `ADDED_COLUMNS` gave `submission` its
    /// `attributes`). No recount: the column and the tables come in the same version, so no
    /// row with attributes is older than the tables.
    pub(super) fn ensure_attributes(&self) -> Result<(), Failure> {
        self.transaction(|| {
            self.sql.exec(&attributes_sql(), None)?;
            Ok(self.sql.exec(RECOUNT_KEYS, None).map(|_| ())?)
        })
    }

    /// The attribute keys most of this shard's submissions carry, most first, at most
    /// `KEYS_LISTED`.
    pub(super) fn attribute_keys(&self) -> Result<Vec<KeyCount>, Failure> {
        Ok(self.sql.exec(KEYS, vec![(KEYS_LISTED as i64).into()])?.to_array()?)
    }

    /// This shard's counts per value of attribute `key` in the days `from`–`to`.
    pub(super) fn value_counts(&self, key: &str, from: Option<String>, to: Option<String>) -> Result<Vec<DailyRow>, Failure> {
        Ok(self.sql.exec(VALUE_COUNTS, vec![key.into(), from.into(), to.into()])?.to_array()?)
    }
}
