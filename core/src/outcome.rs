//! What the edge did with a submission: the body of a 2xx answer to `POST …/feedback`.

use alloc::string::String;

use serde::{Deserialize, Serialize};

/// What happened to a submission; the body of a 2xx answer to `POST …/feedback`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitOutcome {
    /// The submission id.
    pub id: String,
    /// What the edge did with it.
    pub status: SubmitStatus,
    /// Lets the sender undo or delete its own submission: `DELETE …/feedback/{id}` with
    /// `Authorization: Receipt <receipt>`. It is the `key` the submission was sent with, echoed;
    /// `null` for one sent without a key (only the owner can delete that).
    pub receipt: Option<String>,
}

/// The fate of one send.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmitStatus {
    /// First time this id was seen: stored and counted (HTTP 201).
    Created,
    /// The same id and content again: nothing changed (HTTP 200).
    Duplicate,
    /// A newer revision of the same id: the counts moved from the old rating to the new (200).
    Updated,
    /// An older revision arrived after a newer one: ignored (200).
    Superseded,
}
