//! Who said it: up to `ATTRIBUTES_MAX` attributes a page attaches to its widget (`plan=pro`,
//! `app=2.3`), stored with each submission, filterable in the inbox and counted in the
//! summary's breakdown.
//!
//! An attribute is a segment, never a person: sayso stores nothing that identifies a visitor,
//! and an email or a customer number in an attribute would undo that. So the rules refuse what
//! looks like one: no `@` (emails), no run of `DIGITS_RUN_MAX` + 1 digits (phone, card,
//! account and customer numbers), no run of `HEX_RUN_MAX` + 1 hexadecimal characters with a
//! digit in it (UUIDs, hashes, session tokens). Versions (`2.3.10`), plans, locales, experiment
//! arms and dates (`2026-12`) pass.
//!
//! Two forms: the element's `attrs="plan=pro app=2.3"` (`parse_list`: a pair that breaks a rule
//! is left out, so a bad attribute never costs a rating) and the API's JSON object (`parse`: the
//! first bad pair is refused). Not on the wire yet: the submission, its storage, the inbox
//! filter and the summary's breakdown come next (issue 17, item 4).

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::ValidationError;

/// At most this many attributes per submission.
pub const ATTRIBUTES_MAX: usize = 5;
/// A key's longest length: `a-z` first, then `a-z`, `0-9` and `_`.
pub const KEY_MAX_CHARS: usize = 24;
/// A value's longest length: `A-Z`, `a-z`, `0-9`, `.`, `_`, `-`, `:`, `/` and `+`.
pub const VALUE_MAX_CHARS: usize = 40;
/// The longest run of digits a value may hold.
pub const DIGITS_RUN_MAX: usize = 5;
/// The longest run of hexadecimal characters, with a digit among them, a value may hold.
pub const HEX_RUN_MAX: usize = 11;

/// A submission's attributes: keys unique, in byte order (so two equal sets store the same).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attributes(Vec<(String, String)>);

impl Attributes {
    /// Checks `pairs` (the API's object): the first broken rule is the error.
    pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Attributes, ValidationError> {
        let mut attributes = Attributes::default();
        for (key, value) in pairs {
            attributes.insert(key, value)?;
        }
        Ok(attributes)
    }

    /// The widget's form: `key=value` pairs separated by spaces. Each pair that breaks a rule
    /// (or comes after the fifth) is left out; the second answer says whether any was.
    pub fn parse_list(list: &str) -> (Attributes, bool) {
        let mut attributes = Attributes::default();
        let mut dropped = false;
        for pair in list.split_ascii_whitespace() {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            dropped |= attributes.insert(key, value).is_err();
        }
        (attributes, dropped)
    }

    fn insert(&mut self, key: &str, value: &str) -> Result<(), ValidationError> {
        let invalid = || ValidationError::InvalidAttribute(key.chars().take(KEY_MAX_CHARS).collect());
        if !key_ok(key) || !value_ok(value) {
            return Err(invalid());
        }
        match self.0.binary_search_by(|(k, _)| k.as_str().cmp(key)) {
            Ok(_) => Err(invalid()),
            Err(_) if self.0.len() == ATTRIBUTES_MAX => Err(ValidationError::TooManyAttributes),
            Err(at) => {
                self.0.insert(at, (key.into(), value.into()));
                Ok(())
            }
        }
    }

    /// The pairs, by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Whether `key` is a key: 1 to `KEY_MAX_CHARS` of `a-z`, `0-9` and `_`, a letter first.
pub fn key_ok(key: &str) -> bool {
    key.len() <= KEY_MAX_CHARS
        && key.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
        && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Whether `value` is a value: 1 to `VALUE_MAX_CHARS` of its characters, and nothing that looks
/// like an identity (the module's rules).
pub fn value_ok(value: &str) -> bool {
    let (mut digits, mut hex, mut hex_digit) = (0, 0, false);
    !value.is_empty()
        && value.len() <= VALUE_MAX_CHARS
        && value.bytes().all(|b| {
            digits = if b.is_ascii_digit() { digits + 1 } else { 0 };
            if b.is_ascii_hexdigit() {
                hex += 1;
                hex_digit |= b.is_ascii_digit();
            } else {
                (hex, hex_digit) = (0, false);
            }
            (b.is_ascii_alphanumeric() || b".-_:/+".contains(&b)) && digits <= DIGITS_RUN_MAX && (hex <= HEX_RUN_MAX || !hex_digit)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_pass_and_identities_do_not() {
        for value in ["pro", "2.3.10", "de-CH", "2026-12", "arm:b", "v2beta", "deadbeefcafe", "ios/17.4+build", "12345"] {
            assert!(value_ok(value), "{value} is a segment");
        }
        let identities = [
            "ann@example.com",
            "0791234567",
            "4111111111111111",
            "123456",
            "0190a6e2-7c1d-7abc-8def-0123456789ab",
            "9f86d081884c7d659a2feaa0c55ad015",
            "a1b2c3d4e5f6",
            "two words",
            "",
            "é",
        ];
        for value in identities {
            assert!(!value_ok(value), "{value:?} is refused");
        }
        assert!(!value_ok(&"a".repeat(VALUE_MAX_CHARS + 1)));
        assert!(value_ok(&"a".repeat(VALUE_MAX_CHARS)));
    }

    #[test]
    fn keys_are_short_lowercase_names() {
        for key in ["plan", "app_version", "ab2"] {
            assert!(key_ok(key), "{key}");
        }
        for key in ["", "Plan", "2fa", "app-version", "plan ", "_x", &"k".repeat(KEY_MAX_CHARS + 1)] {
            assert!(!key_ok(key), "{key:?}");
        }
    }

    #[test]
    fn the_api_refuses_the_first_bad_pair_and_a_sixth() {
        let ok = Attributes::parse([("plan", "pro"), ("app", "2.3")]).expect("valid");
        assert_eq!(ok.iter().collect::<Vec<_>>(), [("app", "2.3"), ("plan", "pro")], "sorted by key");
        assert_eq!(Attributes::parse([("email", "ann@example.com")]), Err(ValidationError::InvalidAttribute("email".into())));
        assert_eq!(Attributes::parse([("plan", "pro"), ("plan", "free")]), Err(ValidationError::InvalidAttribute("plan".into())));
        let six = ["a", "b", "c", "d", "e", "f"].map(|k| (k, "x"));
        assert_eq!(Attributes::parse(six), Err(ValidationError::TooManyAttributes));
        assert_eq!(Attributes::parse(six.into_iter().take(5)).map(|a| a.iter().count()), Ok(5));
        let message = ValidationError::InvalidAttribute("email".into()).to_string();
        assert!(message.contains("1 to 24 characters") && message.contains("no run of 6 digits or of 12 hexadecimal"), "{message}");
        assert_eq!(ValidationError::TooManyAttributes.to_string(), "a submission carries at most 5 attributes");
    }

    #[test]
    fn the_widget_keeps_what_passes_and_says_it_dropped_the_rest() {
        let (kept, dropped) = Attributes::parse_list("  plan=pro user=ann@example.com app=2.3 bare  ");
        assert_eq!(kept.iter().collect::<Vec<_>>(), [("app", "2.3"), ("plan", "pro")]);
        assert!(dropped);
        assert_eq!(Attributes::parse_list(""), (Attributes::default(), false));
        assert_eq!(Attributes::parse_list("a=1 b=2 c=3 d=4 e=5 f=6").0.iter().count(), ATTRIBUTES_MAX);
    }
}
