//! A submission, as it travels (`SubmissionWire`) and once checked (`Submission`).
//!
//! `SubmissionWire` is what arrives, with only JSON's types checked; `validate` turns it into a
//! `Submission`. Field names are the wire's and the API reference's.

use alloc::borrow::ToOwned;
use alloc::string::String;

use serde::{Deserialize, Serialize};

use crate::attributes::{Attributes, AttributesWire};
use crate::authorship::AuthorKey;
use crate::revision::rev_in_bounds;
use crate::scale::{Rating, Scale};
use crate::site::Limits;
use crate::validate::{self, Comment, Locale, PagePath, SiteId, SubmissionId, ValidationError};

/// A submission as it travels: `POST /v1/sites/{site}/feedback`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmissionWire {
    /// Client-made UUID; the idempotency key.
    pub id: String,
    /// The site id, the same as in the URL.
    pub site: String,
    /// `thumbs`, `stars` or `nps`.
    pub scale: String,
    /// The rating on that scale.
    pub value: i64,
    /// What the visitor wrote, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// `location.pathname` of the page.
    pub page: String,
    /// The language the widget was shown in.
    pub locale: String,
    /// When the visitor clicked, in the browser's clock (ms since 1970).
    pub client_ts: i64,
    /// The widget's version.
    pub widget_version: String,
    /// Edit revision: 0 for the first send, +1 for each change of the same submission.
    #[serde(default)]
    pub rev: u32,
    /// The sender's secret for this submission (`AuthorKey`), the same on every revision: only a
    /// request with it may change, undo or delete the submission. Without one, nobody can.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// A honeypot: a field people never see. Anything in it marks the sender as a bot, and the
    /// edge answers as if it stored the submission, but does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trap: Option<String>,
    /// Milliseconds from the comment box appearing to the comment being sent; a comment sent
    /// sooner than the site's `limits.min_comment_ms` is refused (`too_fast`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dwell_ms: Option<u32>,
    /// A Cloudflare Turnstile token, for sites that require one with comments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turnstile: Option<String>,
    /// What the page said of its visitor's segment (`attributes`' rules): a JSON object of at
    /// most `ATTRIBUTES_MAX` texts, e.g. `{"plan":"pro"}`.
    /// Or the element's text, `"plan=pro app=2.3"`, whose pairs that break a rule are left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<AttributesWire>,
}

/// A checked submission.
///
/// Its JSON is the wire's (`SubmissionWire`'s fields), so the Worker can hand it to the site's
/// object typed; reading it back runs the rules again (they are idempotent on a checked
/// submission), so no deserialized `Submission` can hold what the rules refuse.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "SubmissionWire", try_from = "SubmissionWire")]
pub struct Submission {
    /// The idempotency key.
    pub id: SubmissionId,
    /// The site it belongs to.
    pub site: SiteId,
    /// The rating.
    pub rating: Rating,
    /// The comment, if any.
    pub comment: Option<Comment>,
    /// The page path.
    pub page: PagePath,
    /// The language tag.
    pub locale: Locale,
    /// Client clock, ms since 1970.
    pub client_ts: i64,
    /// Widget version.
    pub widget_version: String,
    /// Edit revision.
    pub rev: u32,
    /// The sender's secret, if it sent one.
    pub key: Option<AuthorKey>,
    /// The honeypot's content, if a bot filled it.
    pub trap: Option<String>,
    /// Time spent on the comment (ms), if the sender measured it.
    pub dwell_ms: Option<u32>,
    /// A Turnstile token, if the widget got one.
    pub turnstile: Option<String>,
    /// The page's attributes (none: empty).
    pub attributes: Attributes,
}

impl SubmissionWire {
    /// Brings the comment to Unicode NFC with the platform's normalizer (browsers and the
    /// Workers runtime both have `String.prototype.normalize`, so neither ships Unicode tables);
    /// the widget does it before sending and the edge again before `validate`.
    /// The page loses its hidden characters (`PagePath::without_hidden_characters`) here too.
    pub fn normalize(&mut self, nfc: impl Fn(&str) -> String) {
        if let Some(comment) = &self.comment {
            self.comment = Some(nfc(comment));
        }
        self.page = PagePath::without_hidden_characters(&self.page);
    }

    /// Applies every submission rule; the first broken one is the error.
    pub fn validate(&self) -> Result<Submission, ValidationError> {
        let scale = Scale::parse(&self.scale).ok_or_else(|| ValidationError::UnknownScale(self.scale.chars().take(20).collect()))?;
        Ok(Submission {
            id: SubmissionId::parse(&self.id)?,
            site: SiteId::parse(&self.site)?,
            rating: Rating::new(scale, self.value)?,
            comment: match &self.comment {
                Some(text) => Comment::parse(text)?,
                None => None,
            },
            page: PagePath::parse(&self.page)?,
            locale: Locale::parse(&self.locale)?,
            client_ts: validate::client_timestamp(self.client_ts)?,
            widget_version: validate::widget_version(&self.widget_version)?,
            rev: if rev_in_bounds(self.rev) { self.rev } else { return Err(ValidationError::InvalidRev) },
            key: self.key.as_deref().map(AuthorKey::parse).transpose()?,
            trap: self.trap.clone().filter(|t| !t.is_empty()),
            dwell_ms: self.dwell_ms,
            turnstile: self.turnstile.clone().filter(|t| !t.is_empty() && t.len() <= 4096),
            attributes: self.attributes.as_ref().map(AttributesWire::check).transpose()?.unwrap_or_default(),
        })
    }
}

impl Submission {
    /// Whether a bot filled the honeypot.
    pub fn is_trapped(&self) -> bool {
        self.trap.is_some()
    }

    /// The spam rule for comments: one sent sooner than `limits.min_comment_ms` after its box
    /// appeared (or without saying when) was not typed by a person.
    pub fn check_pace(&self, limits: &Limits) -> Result<(), ValidationError> {
        if self.comment.is_some() && self.dwell_ms.unwrap_or(0) < limits.min_comment_ms {
            return Err(ValidationError::TooFast);
        }
        Ok(())
    }

    /// The wire form; `to_wire().validate()` gives back the same submission.
    pub fn to_wire(&self) -> SubmissionWire {
        SubmissionWire {
            id: self.id.as_str().to_owned(),
            site: self.site.as_str().to_owned(),
            scale: self.rating.scale().as_str().to_owned(),
            value: i64::from(self.rating.value()),
            comment: self.comment.as_ref().map(|c| c.as_str().to_owned()),
            page: self.page.as_str().to_owned(),
            locale: self.locale.as_str().to_owned(),
            client_ts: self.client_ts,
            widget_version: self.widget_version.clone(),
            rev: self.rev,
            key: self.key.as_ref().map(|k| k.as_str().to_owned()),
            trap: self.trap.clone(),
            dwell_ms: self.dwell_ms,
            turnstile: self.turnstile.clone(),
            attributes: Some(self.attributes.pairs()).filter(|p| !p.is_empty()).map(AttributesWire::Object),
        }
    }
}

impl From<Submission> for SubmissionWire {
    fn from(submission: Submission) -> SubmissionWire {
        submission.to_wire()
    }
}

impl TryFrom<SubmissionWire> for Submission {
    type Error = ValidationError;

    fn try_from(wire: SubmissionWire) -> Result<Submission, ValidationError> {
        wire.validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire() -> SubmissionWire {
        SubmissionWire {
            id: "0190a6e2-7c1d-7abc-8def-0123456789ab".into(),
            site: "demo".into(),
            scale: "stars".into(),
            value: 4,
            comment: Some("  Great docs ".into()),
            page: "/docs".into(),
            locale: "en-GB".into(),
            client_ts: 1_763_900_000_000,
            widget_version: "0.1.0".into(),
            rev: 0,
            key: Some("0123456789abcdef0123456789abcdef".into()),
            trap: None,
            dwell_ms: Some(4200),
            turnstile: None,
            attributes: Some(AttributesWire::Object(vec![("plan".into(), "pro".into()), ("app".into(), "2.3".into())])),
        }
    }

    #[test]
    fn a_valid_submission_round_trips_through_json() {
        let submission = wire().validate().expect("valid");
        assert_eq!(submission.comment.as_ref().map(Comment::as_str), Some("Great docs"));
        assert_eq!(submission.to_json(), submission.to_wire().to_json());
        let json = serde_json::to_string(&submission.to_wire()).expect("serializes");
        let back: SubmissionWire = serde_json::from_str(&json).expect("parses");
        assert_eq!(back.validate(), Ok(submission));
    }

    #[test]
    fn a_checked_submission_serializes_as_its_wire_form_and_back() {
        let mut submission = SubmissionWire { trap: Some("bot".into()), turnstile: Some("0.token".into()), ..wire() }.validate().expect("valid");
        let json = serde_json::to_string(&submission).expect("serializes");
        assert_eq!(json, submission.to_json());
        assert_eq!(serde_json::from_str::<Submission>(&json).expect("parses"), submission);
        submission.comment = None;
        let json = serde_json::to_string(&submission).expect("serializes");
        assert_eq!(serde_json::from_str::<Submission>(&json).expect("parses"), submission);
        let refused = serde_json::from_str::<Submission>(&json.replace("\"value\":4", "\"value\":9")).map_err(|e| e.to_string());
        assert!(refused.is_err_and(|e| e.contains("not a valid stars rating")), "what the rules refuse does not deserialize");
    }

    #[test]
    fn hand_written_json_equals_serde_json() {
        let mut w = wire();
        assert_eq!(w.to_json(), serde_json::to_string(&w).expect("serializes"));
        w.trap = Some("http://spam".into());
        w.dwell_ms = None;
        w.turnstile = Some("0.token\"x".into());
        assert_eq!(w.to_json(), serde_json::to_string(&w).expect("serializes"));
        w.comment = Some("quote \" backslash \\ newline \n tab \t bell \u{7} nul \u{0} é 😀 \u{1f}".into());
        w.value = -42;
        w.client_ts = i64::MIN;
        w.rev = u32::MAX;
        w.key = None;
        assert_eq!(w.to_json(), serde_json::to_string(&w).expect("serializes"));
        w.comment = None;
        w.attributes = Some(AttributesWire::Object(vec![("k\"".into(), "\\v".into())]));
        assert_eq!(w.to_json(), serde_json::to_string(&w).expect("serializes"));
        w.attributes = Some(AttributesWire::Element("plan=pro \"x\"".into()));
        assert_eq!(w.to_json(), serde_json::to_string(&w).expect("serializes"));
        w.attributes = None;
        assert_eq!(w.to_json(), serde_json::to_string(&w).expect("serializes"));
    }

    #[test]
    fn attributes_travel_as_an_object_and_follow_their_rules() {
        let json = wire().to_json();
        assert!(json.contains(r#","attributes":{"plan":"pro","app":"2.3"}}"#), "{json}");
        let submission = wire().validate().expect("valid");
        assert_eq!(submission.attributes.iter().collect::<Vec<_>>(), [("plan", "pro"), ("app", "2.3")]);
        let refused = |attributes: &str| {
            let json = json.replace(r#"{"plan":"pro","app":"2.3"}"#, attributes);
            serde_json::from_str::<SubmissionWire>(&json).map_err(|e| e.to_string()).and_then(|w| w.validate().map_err(|e| e.code().into()))
        };
        assert_eq!(refused(r#"{"email":"ann@example.com"}"#).map(|_| ()), Err("invalid_attribute".into()));
        assert_eq!(
            refused(r#"{"plan":"pro","plan":"free"}"#).map(|_| ()),
            Err("invalid_attribute".into()),
            "a repeated key is refused, not overwritten"
        );
        assert_eq!(refused(r#"{"a":"1","b":"1","c":"1","d":"1","e":"1","f":"1"}"#).map(|_| ()), Err("too_many_attributes".into()));
        assert!(refused(r#"["plan=pro"]"#).is_err_and(|e| e.contains("an object of attributes")), "{:?}", refused(r#"["plan=pro"]"#));
        assert!(refused(r#"{"plan":2}"#).is_err());
        let element = refused(r#""plan=pro  user=ann@example.com app=2.3 app=2.4""#).expect("the element's text: bad pairs left out");
        assert_eq!(element.attributes.iter().collect::<Vec<_>>(), [("plan", "pro"), ("app", "2.3")]);
        let sent = SubmissionWire { attributes: None, ..wire() }.validate().expect("valid").to_json_with("plan=pro app=2.3");
        let wired =
            SubmissionWire { attributes: Some(AttributesWire::Element("plan=pro app=2.3".into())), comment: Some("Great docs".into()), ..wire() };
        assert_eq!(serde_json::to_string(&wired).expect("serializes"), sent, "the widget's JSON is the wire's with the element's text");
        assert_eq!(submission.to_json_with("ignored=yes"), submission.to_json(), "its own attributes come first");
        assert_eq!(refused("null").map(|s| s.attributes.is_empty()), Ok(true));
        assert_eq!(refused("{}").map(|s| s.to_wire().attributes), Ok(None), "no attributes: none on the wire");
    }

    #[test]
    fn unknown_fields_and_wrong_types_are_refused() {
        let mut value = serde_json::to_value(wire()).expect("serializes");
        value["extra"] = 1.into();
        assert!(serde_json::from_value::<SubmissionWire>(value.clone()).is_err());
        value.as_object_mut().map(|o| o.remove("extra"));
        value["value"] = "4".into();
        assert!(serde_json::from_value::<SubmissionWire>(value).is_err());
    }

    #[test]
    fn each_broken_rule_has_its_code() {
        /// Breaks one rule of a valid submission.
        type Breaker = fn(&mut SubmissionWire);
        let cases: [(Breaker, &str); 9] = [
            (|w| w.id = "x".into(), "invalid_id"),
            (|w| w.key = Some("short".into()), "invalid_key"),
            (|w| w.site = "X".into(), "invalid_site"),
            (|w| w.scale = "emoji-ish".into(), "invalid_scale"),
            (|w| w.value = 6, "rating_out_of_range"),
            (|w| w.comment = Some("x".repeat(5000)), "comment_too_long"),
            (|w| w.page = "docs".into(), "invalid_page"),
            (|w| w.locale = "english".into(), "invalid_locale"),
            (|w| w.client_ts = -5, "invalid_timestamp"),
        ];
        for (break_it, code) in cases {
            let mut w = wire();
            break_it(&mut w);
            assert_eq!(w.validate().map_err(|e| e.code()), Err(code));
        }
    }

    #[test]
    fn honeypots_and_hasty_comments_are_caught() {
        let limits = Limits::default();
        let typed = wire().validate().expect("valid");
        assert!(!typed.is_trapped());
        assert_eq!(typed.check_pace(&limits), Ok(()));
        let hasty = SubmissionWire { dwell_ms: Some(200), ..wire() }.validate().expect("valid");
        assert_eq!(hasty.check_pace(&limits), Err(ValidationError::TooFast));
        let unsaid = SubmissionWire { dwell_ms: None, ..wire() }.validate().expect("valid");
        assert_eq!(unsaid.check_pace(&limits), Err(ValidationError::TooFast));
        assert_eq!(unsaid.check_pace(&Limits { min_comment_ms: 0, ..limits }), Ok(()));
        let rating_only = SubmissionWire { comment: None, dwell_ms: None, ..wire() }.validate().expect("valid");
        assert_eq!(rating_only.check_pace(&limits), Ok(()));
        assert!(SubmissionWire { trap: Some("x".into()), ..wire() }.validate().expect("valid").is_trapped());
        assert!(!SubmissionWire { trap: Some(String::new()), ..wire() }.validate().expect("valid").is_trapped());
    }
}
