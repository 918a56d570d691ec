//! The owner's triage in storage: each submission's `status` column and its tags
//! (`submission_tag`), and the one call that changes them for up to `TRIAGE_IDS_MAX`
//! submissions in one transaction.
//!
//! Tags and status go with their submission: the status is a column of its row, and the
//! trigger `submission_tags_gone` takes a deleted row's tags out in the same transaction,
//! whatever deleted it (the owner, the visitor's undo, retention's batches).

use sayso_core::{FeedbackItem, Status, SubmissionId, Triage, TAGS_PER_SUBMISSION_MAX, TRIAGE_IDS_MAX};
use serde::{Deserialize, Serialize};
use worker::SqlStorageValue;

use super::call::{Credential, Routed};
use super::search::ITEM;
use super::SiteObject;
use crate::http::Failure;

/// The tag table, its index for the `tag` filter (a tag's submissions newest first, with the
/// time copied from the row: a submission's `received_at` never changes), the status index
/// for the `status` filter and the status-and-scale index for both at once (`status=new&
/// scale=csat` walks only its rows, not every new one), and the trigger that deletes tags with
/// their submission. Run on every start, after the `status` column is added
/// (`schema::ADDED_COLUMNS`).
const TRIAGE: &str = "
CREATE TABLE IF NOT EXISTS submission_tag (
  id TEXT NOT NULL,
  tag TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (id, tag)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS submission_tag_newest ON submission_tag (tag, received_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS submission_status ON submission (status, received_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS submission_status_scale ON submission (status, scale, received_at DESC, id DESC);
CREATE TRIGGER IF NOT EXISTS submission_tags_gone AFTER DELETE ON submission BEGIN
  DELETE FROM submission_tag WHERE id = old.id;
END;
";

/// Sets the status of submission `?1` to `?2`.
const SET_STATUS: &str = "UPDATE submission SET status = ?2 WHERE id = ?1";
/// Tags submission `?1` (received at `?3`) with `?2`; a tag it has stays as it is.
const ADD_TAG: &str = "INSERT INTO submission_tag (id, tag, received_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING";
/// Takes tag `?2` off submission `?1`.
const REMOVE_TAG: &str = "DELETE FROM submission_tag WHERE id = ?1 AND tag = ?2";
/// How many tags submission `?1` has (a `TagCount`).
const COUNT_TAGS: &str = "SELECT count(*) AS tags FROM submission_tag WHERE id = ?1";

/// Changes the owner's triage of one or more submissions of this shard (`ChangeTriage`).
#[derive(Serialize, Deserialize)]
pub struct ChangeTriage {
    /// The owner key.
    pub key: Credential,
    /// 1 to `TRIAGE_IDS_MAX` distinct submission ids, parsed at the route.
    pub ids: Vec<String>,
    /// What changes, checked at the route.
    pub change: Triage,
    /// Only try it: judged exactly as the change, then rolled back (answers no items). A bulk
    /// change over several shards tries every shard's part before any shard applies its own.
    #[serde(default)]
    pub trial: bool,
}

/// The rollback of a trial (`ChangeTriage::trial`): never leaves this room.
const TRIAL: &str = "a triage trial, rolled back";

#[derive(Deserialize)]
struct Found {
    id: String,
    received_at: i64,
}

#[derive(Deserialize)]
struct TagCount {
    tags: i64,
}

impl SiteObject {
    /// Makes the tag table and the triage indexes (inside `ensure_schema`).
    pub(super) fn ensure_triage(&self) -> Result<(), Failure> {
        self.sql.exec(TRIAGE, None)?;
        Ok(())
    }

    /// `ChangeTriage`: every id must be one of this site's stored submissions, and none may end
    /// with more than `TAGS_PER_SUBMISSION_MAX` tags, or nothing changes (one transaction).
    /// Answers the changed submissions, newest first.
    pub(super) fn change_triage(&self, call: ChangeTriage) -> Result<Routed<Vec<FeedbackItem>>, Failure> {
        let record = self.owner(&call.key)?;
        let mut ids = call.ids.iter().map(|id| SubmissionId::parse(id).map_err(|_| Failure::FeedbackNotFound)).collect::<Result<Vec<_>, _>>()?;
        ids.sort();
        ids.dedup();
        if ids.is_empty() || ids.len() > TRIAGE_IDS_MAX {
            return Err(sayso_core::ValidationError::TooManyIds.into());
        }
        // Another shard's id (by this shard's map): refused before anything is written.
        if let Some(elsewhere) = ids.iter().find_map(|id| Self::elsewhere(&record, id)) {
            return Ok(elsewhere);
        }
        let bound: Vec<SqlStorageValue> = ids.iter().map(|id| id.as_str().into()).collect();
        let changed = self.transaction(|| {
            // One statement binds every id: a Durable Object's SQLite binds at most 100
            // parameters, which is what makes `TRIAGE_IDS_MAX` 100.
            let found: Vec<Found> =
                self.sql.exec(&format!("SELECT id, received_at FROM submission WHERE id IN ({})", numbered(ids.len())), bound.clone())?.to_array()?;
            if found.len() != ids.len() {
                return Err(Failure::FeedbackNotFound);
            }
            for row in &found {
                if let Some(status) = call.change.status {
                    self.sql.exec(SET_STATUS, vec![row.id.as_str().into(), status.as_str().into()])?;
                }
                for tag in &call.change.remove_tags {
                    self.sql.exec(REMOVE_TAG, vec![row.id.as_str().into(), tag.as_str().into()])?;
                }
                for tag in &call.change.add_tags {
                    self.sql.exec(ADD_TAG, vec![row.id.as_str().into(), tag.as_str().into(), row.received_at.into()])?;
                }
                if !call.change.add_tags.is_empty() {
                    let count: Vec<TagCount> = self.sql.exec(COUNT_TAGS, vec![row.id.as_str().into()])?.to_array()?;
                    if count.first().is_some_and(|c| c.tags > TAGS_PER_SUBMISSION_MAX as i64) {
                        return Err(sayso_core::ValidationError::TooManyTags.into());
                    }
                }
            }
            if call.trial {
                return Err(Failure::Internal(TRIAL.into()));
            }
            let statement =
                format!("SELECT {ITEM} FROM submission AS s WHERE s.id IN ({}) ORDER BY s.received_at DESC, s.id DESC", numbered(ids.len()));
            let mut items: Vec<FeedbackItem> = self.sql.exec(&statement, bound)?.to_array()?;
            super::replies::attach(&self.sql, &mut items)?;
            Ok(Routed::Here(items))
        });
        match changed {
            Err(Failure::Internal(rolled_back)) if call.trial && rolled_back == TRIAL => Ok(Routed::Here(Vec::new())),
            other => other,
        }
    }
}

/// A stored submission's status and tags (`TriageOf`).
const TRIAGE_OF: &str =
    "SELECT s.status, (SELECT group_concat(tag, ',') FROM (SELECT own.tag FROM submission_tag AS own WHERE own.id = s.id ORDER BY own.tag)) AS tags
    FROM submission AS s WHERE s.id = ?1";

#[derive(Deserialize)]
struct TriageOf {
    status: Status,
    #[serde(default, deserialize_with = "sayso_core::triage::tags_from_list_or_text")]
    tags: Vec<String>,
}

impl SiteObject {
    /// Submission `id`'s status and tags (`new` and none if it is not stored).
    pub(super) fn triage_of(&self, id: &str) -> Result<(Status, Vec<String>), Failure> {
        let rows: Vec<TriageOf> = self.sql.exec(TRIAGE_OF, vec![id.into()])?.to_array()?;
        Ok(rows.into_iter().next().map_or((Status::New, Vec::new()), |row| (row.status, row.tags)))
    }
}

/// `?1, ?2, … ?n`.
fn numbered(n: usize) -> String {
    (1..=n).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
}
