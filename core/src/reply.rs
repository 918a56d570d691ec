//! The owner's reply to a submission and the visitor's one follow-up: the text rule both obey,
//! and the wire types of the three routes (`PUT …/feedback/{id}/reply`, `POST …/replies`,
//! `POST …/feedback/{id}/followup`).
//!
//! Who may read a reply: only the holder of the submission's authorship key (its receipt). The
//! visitor's browser asks for up to `RECEIPTS_MAX` of its submissions at once; a receipt that
//! does not match (a wrong key, an unknown id, another site's id, a malformed one) is answered
//! exactly as a submission without a reply is: it is left out.

use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::comment::is_bidi_override;
use crate::validate::{char_len, ValidationError};

/// The longest reply, and the longest follow-up, in characters.
pub const REPLY_MAX_CHARS: usize = 1000;
/// The most receipts one check names (the widget keeps at most this many: bounded storage).
pub const RECEIPTS_MAX: usize = 20;

/// A reply's or follow-up's text: control characters (but line breaks and tabs) and
/// bidirectional overrides removed, trimmed, 1 to `REPLY_MAX_CHARS` characters. (Unicode NFC
/// is applied before, with the platform's normalizer, as for comments.)
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ReplyText(String);

impl ReplyText {
    /// Checks `raw` as the text of `field` (`text` for a reply, `comment` for a follow-up).
    pub fn parse(field: &'static str, raw: &str) -> Result<ReplyText, ValidationError> {
        let cleaned: String = raw.chars().filter(|c| (!c.is_control() || *c == '\n' || *c == '\t') && !is_bidi_override(*c)).collect();
        let trimmed = cleaned.trim();
        if trimmed.is_empty() || char_len(trimmed) > REPLY_MAX_CHARS {
            return Err(ValidationError::InvalidReply { field });
        }
        Ok(ReplyText(trimmed.to_owned()))
    }

    /// The checked text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `PUT …/feedback/{id}/reply` as the owner sends it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplyWire {
    /// The reply (`ReplyText`'s rule).
    pub text: String,
    /// Whether the owner marks the submission's matter fixed.
    #[serde(default)]
    pub fixed: bool,
}

/// A reply as the owner reads it (the `PUT` answer, and `FeedbackItem::reply` in the list).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyView {
    /// The owner's text.
    pub text: String,
    /// Marked fixed.
    #[serde(deserialize_with = "flag")]
    pub fixed: bool,
    /// When the owner last wrote it (ms since 1970).
    pub at: i64,
    /// When the visitor's browser first read this text (ms), if it did.
    #[serde(default)]
    pub seen_at: Option<i64>,
    /// The visitor's one answer, if they sent it.
    #[serde(default)]
    pub followup: Option<String>,
    /// When they sent it (ms).
    #[serde(default)]
    pub followup_at: Option<i64>,
}

/// One receipt the widget holds: a submission id and its authorship key, as sent (each is
/// checked by the edge; a malformed one matches nothing).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// The submission id.
    pub id: String,
    /// Its authorship key.
    pub key: String,
}

/// `POST …/replies`: the receipts to look for replies to.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplyCheck {
    /// 1 to `RECEIPTS_MAX` receipts.
    pub receipts: Vec<Receipt>,
}

impl ReplyCheck {
    /// Refuses a check of no receipt or of more than `RECEIPTS_MAX`.
    pub fn check(&self) -> Result<(), ValidationError> {
        if (1..=RECEIPTS_MAX).contains(&self.receipts.len()) {
            Ok(())
        } else {
            Err(ValidationError::TooManyReceipts)
        }
    }
}

/// A reply as its visitor reads it: nothing about the owner, the site or other visitors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorReply {
    /// The submission it answers.
    pub id: String,
    /// The owner's text.
    pub text: String,
    /// Marked fixed.
    pub fixed: bool,
    /// When the owner wrote it (ms).
    pub at: i64,
    /// Whether the visitor may still send their one follow-up.
    pub can_answer: bool,
}

/// The answer to `POST …/replies`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorReplies {
    /// The replies to the receipts that match, in no particular order.
    pub replies: Vec<VisitorReply>,
}

/// `POST …/feedback/{id}/followup` as the visitor sends it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowupWire {
    /// The visitor's answer (`ReplyText`'s rule).
    pub comment: String,
}

/// The inbox's filter by reply (`GET …/feedback?reply=…`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReplyFilter {
    /// The owner replied.
    Sent,
    /// The owner replied and the visitor's browser has not read it yet.
    Unseen,
    /// The visitor answered the reply.
    Followup,
}

impl ReplyFilter {
    /// Every filter, in the order the inbox offers them.
    pub const ALL: [ReplyFilter; 3] = [ReplyFilter::Sent, ReplyFilter::Unseen, ReplyFilter::Followup];

    /// The filter named `raw`, if it is one.
    pub fn parse(raw: &str) -> Option<ReplyFilter> {
        ReplyFilter::ALL.into_iter().find(|f| f.as_str() == raw)
    }

    /// The name the API uses.
    pub fn as_str(self) -> &'static str {
        match self {
            ReplyFilter::Sent => "sent",
            ReplyFilter::Unseen => "unseen",
            ReplyFilter::Followup => "followup",
        }
    }
}

/// A flag as JSON writes it (`true`) or as storage does (`1`).
fn flag<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    struct Flag;
    impl serde::de::Visitor<'_> for Flag {
        type Value = bool;
        fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
            f.write_str("a boolean or 0/1")
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<bool, E> {
            Ok(v != 0)
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<bool, E> {
            Ok(v != 0)
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<bool, E> {
            Ok(v != 0.0)
        }
    }
    deserializer.deserialize_any(Flag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_reply_is_cleaned_trimmed_and_bounded() {
        assert_eq!(ReplyText::parse("text", "  Thanks,\n fixed \u{7}").map(|t| t.0), Ok("Thanks,\n fixed".to_owned()));
        assert_eq!(ReplyText::parse("text", "\u{202e}ok\u{202c}").map(|t| t.0), Ok("ok".to_owned()));
        assert!(ReplyText::parse("text", &"é".repeat(REPLY_MAX_CHARS)).is_ok());
        for bad in ["", "   ", "\u{0}\u{1b}", &"é".repeat(REPLY_MAX_CHARS + 1)] {
            assert_eq!(ReplyText::parse("comment", bad), Err(ValidationError::InvalidReply { field: "comment" }), "{bad:?}");
        }
        assert_eq!(ValidationError::InvalidReply { field: "text" }.code(), "invalid_reply");
    }

    #[test]
    fn a_check_names_1_to_20_receipts() {
        let receipt = Receipt { id: "i".into(), key: "k".into() };
        let of = |n: usize| ReplyCheck { receipts: alloc::vec![receipt.clone(); n] }.check().map_err(|e| e.code());
        assert_eq!(of(0), Err("too_many_receipts"));
        assert_eq!(of(1), Ok(()));
        assert_eq!(of(RECEIPTS_MAX), Ok(()));
        assert_eq!(of(RECEIPTS_MAX + 1), Err("too_many_receipts"));
    }

    #[test]
    fn wires_refuse_unknown_fields() {
        assert!(serde_json::from_str::<ReplyWire>(r#"{"text":"hi"}"#).is_ok_and(|w| !w.fixed));
        assert!(serde_json::from_str::<ReplyWire>(r#"{"text":"hi","fixed":true,"seen_at":1}"#).is_err());
        assert!(serde_json::from_str::<ReplyCheck>(r#"{"receipts":[{"id":"a","key":"b","x":1}]}"#).is_err());
        assert!(serde_json::from_str::<FollowupWire>(r#"{"comment":"ok","text":"no"}"#).is_err());
    }

    #[test]
    fn a_stored_reply_reads_its_flag_as_a_number_or_a_boolean() {
        let stored = r#"{"text":"t","fixed":1,"at":5,"seen_at":null,"followup":null,"followup_at":null}"#;
        assert_eq!(serde_json::from_str::<ReplyView>(stored).map(|r| (r.fixed, r.at)).ok(), Some((true, 5)));
        let json = r#"{"text":"t","fixed":false,"at":5}"#;
        assert_eq!(serde_json::from_str::<ReplyView>(json).map(|r| (r.fixed, r.seen_at)).ok(), Some((false, None)));
    }

    #[test]
    fn filters_read_and_write_their_names() {
        for filter in ReplyFilter::ALL {
            assert_eq!(ReplyFilter::parse(filter.as_str()), Some(filter));
        }
        assert_eq!(ReplyFilter::parse("Sent"), None);
        assert_eq!(ReplyFilter::parse(""), None);
    }

    proptest! {
        #[test]
        fn checking_never_panics_and_bounds_the_text(raw in ".{0,1200}") {
            if let Ok(text) = ReplyText::parse("text", &raw) {
                prop_assert!((1..=REPLY_MAX_CHARS).contains(&text.as_str().chars().count()));
                prop_assert!(!text.as_str().chars().any(|c| (c.is_control() && c != '\n' && c != '\t') || is_bidi_override(c)));
            }
        }
    }
}
