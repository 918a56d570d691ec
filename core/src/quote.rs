//! Quotes: a happy visitor's consent to be quoted (`invites_quote`, `DisplayName`,
//! `QuoteConsent`), the owner's decision (`QuoteState`, `QuoteDecision`) and the public
//! testimonials that approved quotes become (`Testimonial`, `Testimonials`).
//!
//! The rule a quote follows: only the top of a scale with a comment invites one; consent is
//! stored with the submission; the owner approves; only approved quotes are public; the visitor
//! may withdraw at any time, and a comment edited after approval goes back to pending, so the
//! owner never publishes words they did not approve.

use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::comment::is_bidi_override;
use crate::scale::{Rating, Scale};
use crate::validate::{char_len, ValidationError};

/// Longest display name, in characters.
pub const DISPLAY_NAME_MAX_CHARS: usize = 40;
/// Most testimonials one public read returns (`?limit`).
pub const TESTIMONIALS_MAX: usize = 50;
/// Testimonials a public read returns without `?limit`.
pub const TESTIMONIALS_DEFAULT: usize = 20;
/// How long an edge cache and a browser may keep the public testimonials and badge, in seconds:
/// the bound on how long a withdrawn quote can still show where the purge did not reach.
pub const PUBLIC_MAX_AGE_SECONDS: u32 = 300;

/// Whether a rating may lead to the quote question: the top of its scale (five stars, NPS 9 or
/// 10, thumbs up, the happiest face, very satisfied).
pub fn invites_quote(rating: Rating) -> bool {
    match rating.scale() {
        Scale::Nps => rating.value() >= 9,
        scale => rating.value() == scale.highest(),
    }
}

/// The name a visitor wants shown under their quote: control characters and bidirectional
/// overrides removed, trimmed, at most `DISPLAY_NAME_MAX_CHARS` characters. It is text, never
/// markup: every view shows it with `textContent` or escaping templates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DisplayName(String);

impl DisplayName {
    /// Cleans a name; `Ok(None)` when nothing is left of it (the quote is then anonymous).
    pub fn parse(raw: &str) -> Result<Option<DisplayName>, ValidationError> {
        let cleaned: String = raw.chars().filter(|c| !c.is_control() && !is_bidi_override(*c)).collect();
        let trimmed = cleaned.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        if char_len(trimmed) > DISPLAY_NAME_MAX_CHARS {
            return Err(ValidationError::InvalidDisplayName);
        }
        Ok(Some(DisplayName(trimmed.to_owned())))
    }

    /// The cleaned name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The visitor's consent as sent (`PUT …/feedback/{id}/quote`): `{"name": "Ana"}` or
/// `{"name": null}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuoteConsent {
    /// The display name, unchecked (`DisplayName::parse` checks it).
    #[serde(default)]
    pub name: Option<String>,
}

impl QuoteConsent {
    /// The checked display name.
    pub fn display_name(&self) -> Result<Option<DisplayName>, ValidationError> {
        self.name.as_deref().map(DisplayName::parse).transpose().map(Option::flatten)
    }
}

/// Where a consented quote is in the owner's review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteState {
    /// Consent given; the owner has not decided (or the comment changed since they did).
    Pending,
    /// The owner approved it: it is public where the site shows testimonials.
    Approved,
    /// The owner declined it.
    Rejected,
}

impl QuoteState {
    /// Every state, in review order.
    pub const ALL: [QuoteState; 3] = [QuoteState::Pending, QuoteState::Approved, QuoteState::Rejected];

    /// The name the API and storage use.
    pub fn as_str(self) -> &'static str {
        match self {
            QuoteState::Pending => "pending",
            QuoteState::Approved => "approved",
            QuoteState::Rejected => "rejected",
        }
    }

    /// The state named `raw`; `None` for anything else.
    pub fn parse(raw: &str) -> Option<QuoteState> {
        QuoteState::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// The state after the owner decides.
    pub fn decided(approved: bool) -> QuoteState {
        if approved {
            QuoteState::Approved
        } else {
            QuoteState::Rejected
        }
    }

    /// The state after the visitor's comment changes: an approval covered the old words only.
    pub fn after_edit(self) -> QuoteState {
        match self {
            QuoteState::Approved => QuoteState::Pending,
            other => other,
        }
    }
}

/// The answer to the visitor's consent: `{"quote": "pending"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteReceipt {
    /// The quote's state after the consent.
    pub quote: QuoteState,
}

/// The owner's decision as sent (`PATCH …/feedback/{id}/quote`): `{"approved": true}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuoteDecision {
    /// Approve (public) or reject.
    pub approved: bool,
}

/// A quote as the owner's inbox shows it on its submission's row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteView {
    /// Its review state.
    pub state: QuoteState,
    /// The display name, if the visitor gave one.
    pub name: Option<String>,
    /// When consent was given or the state last changed (ms since 1970).
    pub at: i64,
}

/// One public testimonial. It carries no submission id, page or key: nothing in it lets a
/// reader act on the submission or find out more about its author than they chose to show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Testimonial {
    /// The approved comment.
    pub text: String,
    /// The display name, or `null` for an anonymous quote.
    pub name: Option<String>,
    /// The rating's scale.
    pub scale: Scale,
    /// The rating's value.
    pub value: u8,
    /// When the quote was approved (ms since 1970), the order of the list (newest first).
    pub at: i64,
}

/// `GET /v1/sites/{site}/testimonials`: `{"testimonials": [...]}`, newest first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Testimonials {
    /// Approved quotes, newest first.
    pub testimonials: Vec<Testimonial>,
}

/// A site's public features (`public` in its settings), each off until the owner opts in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PublicSettings {
    /// Approved quotes at `GET /v1/sites/{site}/testimonials` and in `<sayso-wall>`, and the
    /// widget's quote question.
    pub testimonials: bool,
    /// The score badge at `GET /v1/sites/{site}/badge.svg`.
    pub badge: bool,
}

/// The change to `public` in a settings patch: each field absent = unchanged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PublicPatch {
    /// New `testimonials`, if sent.
    pub testimonials: Option<bool>,
    /// New `badge`, if sent.
    pub badge: Option<bool>,
}

impl PublicPatch {
    /// `current` with this patch applied.
    pub fn apply(self, current: PublicSettings) -> PublicSettings {
        PublicSettings { testimonials: self.testimonials.unwrap_or(current.testimonials), badge: self.badge.unwrap_or(current.badge) }
    }
}

/// The `?limit` of a public read: absent → `TESTIMONIALS_DEFAULT`, else 1–`TESTIMONIALS_MAX`.
pub fn testimonials_limit(raw: Option<&str>) -> Result<usize, ValidationError> {
    match raw {
        None => Ok(TESTIMONIALS_DEFAULT),
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=TESTIMONIALS_MAX).contains(&n) => Ok(n),
            _ => Err(ValidationError::InvalidLimit),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_top_of_each_scale_invites_a_quote() {
        let invites = |scale, value| invites_quote(Rating::new(scale, value).unwrap());
        assert!(invites(Scale::Stars, 5) && !invites(Scale::Stars, 4) && !invites(Scale::Stars, 3));
        assert!(invites(Scale::Nps, 10) && invites(Scale::Nps, 9) && !invites(Scale::Nps, 8) && !invites(Scale::Nps, 0));
        assert!(invites(Scale::Thumbs, 1) && !invites(Scale::Thumbs, 0));
        assert!(invites(Scale::Emoji, 5) && !invites(Scale::Emoji, 4));
        assert!(invites(Scale::Csat, 5) && !invites(Scale::Csat, 1));
    }

    #[test]
    fn display_names_are_cleaned_bounded_and_kept_as_text() {
        let name = |raw: &str| DisplayName::parse(raw).map(|n| n.map(|n| n.0));
        assert_eq!(name("  Ana "), Ok(Some("Ana".to_owned())));
        assert_eq!(name(" \u{0}\n "), Ok(None));
        assert_eq!(name("<img src=x onerror=alert(1)>"), Ok(Some("<img src=x onerror=alert(1)>".to_owned())));
        assert_eq!(name("\u{202e}nA\u{202c}\nB"), Ok(Some("nAB".to_owned())));
        assert!(name(&"é".repeat(DISPLAY_NAME_MAX_CHARS)).is_ok());
        assert_eq!(name(&"é".repeat(DISPLAY_NAME_MAX_CHARS + 1)), Err(ValidationError::InvalidDisplayName));
        let consent: QuoteConsent = serde_json::from_str(r#"{"name":null}"#).unwrap();
        assert_eq!(consent.display_name(), Ok(None));
        assert!(serde_json::from_str::<QuoteConsent>(r#"{"name":"a","approved":true}"#).is_err());
    }

    #[test]
    fn an_edit_sends_an_approved_quote_back_to_review() {
        assert_eq!(QuoteState::Approved.after_edit(), QuoteState::Pending);
        assert_eq!(QuoteState::Rejected.after_edit(), QuoteState::Rejected);
        assert_eq!(QuoteState::Pending.after_edit(), QuoteState::Pending);
        for state in QuoteState::ALL {
            assert_eq!(QuoteState::parse(state.as_str()), Some(state));
        }
        assert_eq!(QuoteState::parse("Approved"), None);
    }

    #[test]
    fn limits_and_settings() {
        assert_eq!(testimonials_limit(None), Ok(TESTIMONIALS_DEFAULT));
        assert_eq!(testimonials_limit(Some("50")), Ok(50));
        for bad in ["0", "51", "-1", "x", ""] {
            assert_eq!(testimonials_limit(Some(bad)), Err(ValidationError::InvalidLimit));
        }
        let on = PublicPatch { testimonials: Some(true), badge: None }.apply(PublicSettings::default());
        assert_eq!(on, PublicSettings { testimonials: true, badge: false });
    }
}
