//! The owner's triage of a submission: its `Status`, its owner-defined tags (`Tag`) and the
//! change an owner asks (`TriageWire` as sent, `Triage` once checked).
//!
//! The tag rule: 1 to `TAG_MAX_CHARS` (32) characters of `a-z`, `0-9`, `-` and `_`, so a tag
//! is safe in a URL, a CSV cell and a comma-separated list without escaping; at most
//! `TAGS_PER_SUBMISSION_MAX` (10) per submission.

use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::validate::ValidationError;

/// The longest tag, in characters.
pub const TAG_MAX_CHARS: usize = 32;
/// The most tags one submission holds (and one change adds or removes).
pub const TAGS_PER_SUBMISSION_MAX: usize = 10;
/// The most submissions one bulk change names (the Worker binds them in one statement).
pub const TRIAGE_IDS_MAX: usize = 100;

/// Where a submission is in the owner's work.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Nobody looked at it yet (every submission starts here).
    #[default]
    New,
    /// The owner read it.
    Seen,
    /// The owner acted on it.
    Resolved,
    /// Put away: kept, counted, out of the way.
    Archived,
}

impl Status {
    /// Every status, in the order an owner moves through them.
    pub const ALL: [Status; 4] = [Status::New, Status::Seen, Status::Resolved, Status::Archived];

    /// The status named `raw` (lower case, as the API writes it).
    pub fn parse(raw: &str) -> Result<Status, ValidationError> {
        Status::ALL.into_iter().find(|s| s.as_str() == raw).ok_or_else(|| ValidationError::UnknownStatus(raw.chars().take(40).collect()))
    }

    /// The name the API and storage use.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Seen => "seen",
            Status::Resolved => "resolved",
            Status::Archived => "archived",
        }
    }
}

/// An owner-defined tag, checked (see the module's rule).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Tag(String);

impl Tag {
    /// Accepts 1 to `TAG_MAX_CHARS` characters of `a-z`, `0-9`, `-` and `_`. Upper case is
    /// refused rather than folded, so the tag stored is the tag sent.
    pub fn parse(raw: &str) -> Result<Tag, ValidationError> {
        let ok = !raw.is_empty()
            && raw.len() <= TAG_MAX_CHARS
            && raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if ok {
            Ok(Tag(raw.to_owned()))
        } else {
            Err(ValidationError::InvalidTag)
        }
    }

    /// The tag's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A triage change as the owner sends it (`PATCH …/feedback/{id}`, the bulk form's fields).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriageWire {
    /// The new status, if it changes.
    #[serde(default)]
    pub status: Option<String>,
    /// Tags to add.
    #[serde(default)]
    pub add_tags: Vec<String>,
    /// Tags to remove.
    #[serde(default)]
    pub remove_tags: Vec<String>,
}

/// A checked triage change: a status, tags to add and tags to remove, each tag once, none both
/// added and removed, something to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Triage {
    /// The new status, if it changes.
    pub status: Option<Status>,
    /// Tags to add (sorted, distinct).
    pub add_tags: Vec<Tag>,
    /// Tags to remove (sorted, distinct).
    pub remove_tags: Vec<Tag>,
}

impl Triage {
    /// Checks what the owner sent.
    pub fn check(wire: &TriageWire) -> Result<Triage, ValidationError> {
        let status = wire.status.as_deref().map(Status::parse).transpose()?;
        let add_tags = tags(&wire.add_tags)?;
        let remove_tags = tags(&wire.remove_tags)?;
        if add_tags.iter().any(|t| remove_tags.contains(t)) {
            return Err(ValidationError::InvalidTriage("a tag cannot be both added and removed"));
        }
        if status.is_none() && add_tags.is_empty() && remove_tags.is_empty() {
            return Err(ValidationError::InvalidTriage("send status, add_tags or remove_tags"));
        }
        Ok(Triage { status, add_tags, remove_tags })
    }
}

/// Tags as sent, checked, sorted and made distinct; at most `TAGS_PER_SUBMISSION_MAX`.
fn tags(raw: &[String]) -> Result<Vec<Tag>, ValidationError> {
    if raw.len() > TAGS_PER_SUBMISSION_MAX {
        return Err(ValidationError::TooManyTags);
    }
    let mut tags = raw.iter().map(|t| Tag::parse(t)).collect::<Result<Vec<_>, _>>()?;
    tags.sort();
    tags.dedup();
    Ok(tags)
}

/// The ids of a bulk change: 1 to `TRIAGE_IDS_MAX`.
pub fn check_ids(count: usize) -> Result<(), ValidationError> {
    if (1..=TRIAGE_IDS_MAX).contains(&count) {
        Ok(())
    } else {
        Err(ValidationError::TooManyIds)
    }
}

/// A submission's tags as storage hands them over (one comma-separated text, or none: the
/// rule leaves commas out of tags) or as JSON writes them (a list). For `FeedbackItem::tags`.
pub fn tags_from_list_or_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    struct ListOrText;
    impl<'de> Visitor<'de> for ListOrText {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
            f.write_str("a list of tags or a comma-separated text")
        }
        fn visit_str<E: de::Error>(self, text: &str) -> Result<Vec<String>, E> {
            Ok(text.split(',').filter(|t| !t.is_empty()).map(ToOwned::to_owned).collect())
        }
        fn visit_none<E: de::Error>(self) -> Result<Vec<String>, E> {
            Ok(Vec::new())
        }
        fn visit_unit<E: de::Error>(self) -> Result<Vec<String>, E> {
            Ok(Vec::new())
        }
        fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Vec<String>, D::Error> {
            inner.deserialize_any(ListOrText)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
            let mut tags = Vec::new();
            while let Some(tag) = seq.next_element::<String>()? {
                tags.push(tag);
            }
            Ok(tags)
        }
    }
    deserializer.deserialize_any(ListOrText)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn wire(status: Option<&str>, add: &[&str], remove: &[&str]) -> TriageWire {
        TriageWire {
            status: status.map(Into::into),
            add_tags: add.iter().map(|t| (*t).into()).collect(),
            remove_tags: remove.iter().map(|t| (*t).into()).collect(),
        }
    }

    #[test]
    fn statuses_read_and_write_lower_case() {
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str()), Ok(status));
            assert_eq!(serde_json::to_string(&status).ok(), Some(format!("\"{}\"", status.as_str())));
        }
        assert_eq!(Status::default(), Status::New);
        assert_eq!(Status::parse("Resolved").map_err(|e| e.code()), Err("invalid_status"));
        assert_eq!(Status::parse("").map_err(|e| e.code()), Err("invalid_status"));
    }

    #[test]
    fn tags_follow_the_rule() {
        for ok in ["bug", "a", "needs-reply", "v2_ui", &"x".repeat(TAG_MAX_CHARS)] {
            assert!(Tag::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "Bug", "two words", "a,b", "é", &"x".repeat(TAG_MAX_CHARS + 1), "<b>"] {
            assert_eq!(Tag::parse(bad).map_err(|e| e.code()), Err("invalid_tag"), "{bad}");
        }
    }

    #[test]
    fn a_change_is_checked_whole() {
        let change = Triage::check(&wire(Some("resolved"), &["bug", "bug", "api"], &["old"])).map_err(|e| e.code());
        assert_eq!(change.map(|c| (c.status, c.add_tags.len(), c.remove_tags.len())), Ok((Some(Status::Resolved), 2, 1)), "duplicates count once");
        assert_eq!(Triage::check(&wire(None, &[], &[])).map_err(|e| e.code()), Err("invalid_triage"));
        assert_eq!(Triage::check(&wire(None, &["bug"], &["bug"])).map_err(|e| e.code()), Err("invalid_triage"));
        assert_eq!(Triage::check(&wire(Some("done"), &[], &[])).map_err(|e| e.code()), Err("invalid_status"));
        let eleven: Vec<String> = (0..11).map(|n| format!("t{n}")).collect();
        let eleven: Vec<&str> = eleven.iter().map(String::as_str).collect();
        assert_eq!(Triage::check(&wire(None, &eleven, &[])).map_err(|e| e.code()), Err("too_many_tags"));
    }

    #[test]
    fn unknown_fields_are_refused() {
        assert!(serde_json::from_str::<TriageWire>(r#"{"status":"seen","tag":"x"}"#).is_err());
        assert!(serde_json::from_str::<TriageWire>(r#"{"status":"seen"}"#).is_ok());
    }

    #[test]
    fn bulk_ids_are_1_to_100() {
        assert!(check_ids(0).is_err());
        assert!(check_ids(1).is_ok());
        assert!(check_ids(TRIAGE_IDS_MAX).is_ok());
        assert_eq!(check_ids(TRIAGE_IDS_MAX + 1).map_err(|e| e.code()), Err("too_many_ids"));
    }

    #[test]
    fn stored_tags_read_as_a_list() {
        #[derive(Deserialize)]
        struct Row {
            #[serde(default, deserialize_with = "tags_from_list_or_text")]
            tags: Vec<String>,
        }
        let read = |json: &str| serde_json::from_str::<Row>(json).map(|r| r.tags).unwrap_or_else(|e| vec![e.to_string()]);
        assert_eq!(read(r#"{"tags":"a,b"}"#), ["a", "b"]);
        assert_eq!(read(r#"{"tags":["a","b"]}"#), ["a", "b"]);
        assert!(read(r#"{"tags":null}"#).is_empty());
        assert!(read(r#"{}"#).is_empty());
    }

    proptest! {
        #[test]
        fn checking_never_panics(status in ".{0,50}", add in proptest::collection::vec(".{0,40}", 0..12)) {
            let _ = Triage::check(&TriageWire { status: Some(status), add_tags: add, remove_tags: Vec::new() });
        }

        #[test]
        fn a_parsed_tag_obeys_the_rule(raw in "[a-z0-9_-]{0,40}") {
            let parsed = Tag::parse(&raw);
            prop_assert_eq!(parsed.is_ok(), !raw.is_empty() && raw.len() <= TAG_MAX_CHARS);
        }
    }
}
