//! The owner's list of stored submissions: one item, and a page of them.

use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::triage::Status;

/// One stored submission, as the owner reads it: `GET …/feedback` and the exports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackItem {
    /// The submission id.
    pub id: String,
    /// The scale.
    pub scale: String,
    /// The rating.
    pub value: i64,
    /// The comment, if any.
    pub comment: Option<String>,
    /// The page path.
    pub page: String,
    /// The language tag.
    pub locale: String,
    /// The visitor's clock at the click (ms since 1970).
    pub client_ts: i64,
    /// When the edge first received it (ms since 1970).
    pub received_at: i64,
    /// When it last changed (ms since 1970).
    pub updated_at: i64,
    /// Its revision.
    pub rev: u32,
    /// Where the owner's triage has it (`new` until the owner changes it).
    #[serde(default)]
    pub status: Status,
    /// The owner's tags, sorted (storage hands them over as one text: `triage::tags_from_list_or_text`).
    #[serde(default, deserialize_with = "crate::triage::tags_from_list_or_text")]
    pub tags: Vec<String>,
    /// The owner's reply and the visitor's follow-up (`reply::ReplyView`), if the owner replied.
    #[serde(default)]
    pub reply: Option<crate::reply::ReplyView>,
    /// The visitor's consent to be quoted and where the owner's review has it (`quote.rs`);
    /// absent when the visitor gave none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<crate::quote::QuoteState>,
    /// The display name the visitor chose for the quote, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote_name: Option<String>,
    /// Where it came from: `web` (the widget) or a rating link's campaign (`link.rs`).
    #[serde(default = "web_channel")]
    pub channel: String,
    /// The page's attributes (`attributes.rs`), as an object; absent when it sent none.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "crate::attributes::serialize_pairs",
        deserialize_with = "crate::attributes::object_or_list"
    )]
    pub attributes: Vec<(String, String)>,
}

/// The channel of a submission stored before channels: the widget's.
fn web_channel() -> String {
    crate::link::WEB_CHANNEL.into()
}

/// A page of `GET …/feedback`, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackPage {
    /// The submissions.
    pub items: Vec<FeedbackItem>,
    /// Pass as `cursor` for the next (older) page; `None` on the last page.
    pub next_cursor: Option<String>,
}
