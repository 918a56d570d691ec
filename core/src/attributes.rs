//! Who said it: up to `ATTRIBUTES_MAX` attributes a page attaches to its widget (`plan=pro`,
//! `app=2.3`), stored with each submission, filterable in the inbox and counted in the
//! summary's breakdown.
//!
//! An attribute is a segment, never a person: sayso stores nothing that identifies a visitor,
//! and an email or a customer number in an attribute would undo that. So the rules refuse what
//! looks like one: no `@` (emails), no run of `DIGITS_RUN_MAX` + 1 digits and no more than
//! `DIGITS_MAX` digits in all, whatever separates them (phone, card, account and customer
//! numbers, addresses), no run of `HEX_RUN_MAX` + 1 hexadecimal characters with a digit in it
//! (UUIDs, hashes, session tokens), and no key that names a person's data (`PERSONAL_KEYS`).
//! Versions (`2.3.10`), plans, locales, experiment arms and dates (`2026-12-01`) pass; a
//! date of birth would too, which is why the README asks for segments, never people.
//!
//! Two forms: the element's `attrs="plan=pro app=2.3"` (`parse_list`: a pair that breaks a rule
//! is left out, so a bad attribute never costs a rating) and the API's JSON object (`parse`: the
//! first bad pair is refused), both on the wire (`AttributesWire`: the widget sends the element's
//! text and the edge applies `parse_list`, so the widget ships none of these rules). Stored as a
//! JSON object (`{"plan":"pro"}`); the owner's list reads them back as the element's form
//! (`object_or_list`).

use alloc::string::String;
use alloc::vec::Vec;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::ValidationError;
use crate::json::push_json_str;

/// At most this many attributes per submission.
pub const ATTRIBUTES_MAX: usize = 5;
/// A key's longest length: `a-z` first, then `a-z`, `0-9` and `_`.
pub const KEY_MAX_CHARS: usize = 24;
/// A value's longest length: `A-Z`, `a-z`, `0-9`, `.`, `_`, `-`, `:`, `/` and `+`.
pub const VALUE_MAX_CHARS: usize = 40;
/// The longest run of digits a value may hold.
pub const DIGITS_RUN_MAX: usize = 5;
/// The most digits a value may hold in all (`2026-12-01` has 8; `+41-79-123-45-67` has 11).
pub const DIGITS_MAX: usize = 8;
/// Keys that name a person's data, refused whatever their value.
pub const PERSONAL_KEYS: [&str; 12] = ["email", "mail", "phone", "tel", "mobile", "name", "user", "user_id", "userid", "uid", "ip", "address"];
/// The longest element text (`attrs`) read: five of the longest pairs and their spaces, with room
/// to spare. A longer one is a page's mistake; its attributes are all left out (never the rating).
pub const ELEMENT_TEXT_MAX: usize = 512;
/// The longest run of hexadecimal characters, with a digit among them, a value may hold.
pub const HEX_RUN_MAX: usize = 11;

/// A submission's attributes: keys unique, in the order given, kept as the members of their
/// JSON object (`"plan":"pro","app":"2.3"`; no character of a key or a value needs escaping).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attributes(String);

/// Why a pair was not added.
enum Refused {
    /// It breaks a rule, or its key is there already.
    Invalid,
    /// There are `ATTRIBUTES_MAX` already.
    Full,
}

impl Attributes {
    /// Checks `pairs` (the API's object): the first broken rule is the error.
    pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Attributes, ValidationError> {
        let mut attributes = Attributes::default();
        for (key, value) in pairs {
            attributes.insert(key.as_bytes(), value.as_bytes()).map_err(|refused| match refused {
                Refused::Invalid => ValidationError::InvalidAttribute(key.chars().take(KEY_MAX_CHARS).collect()),
                Refused::Full => ValidationError::TooManyAttributes,
            })?;
        }
        Ok(attributes)
    }

    /// The widget's form: `key=value` pairs separated by spaces. Each pair that breaks a rule
    /// (or comes after the fifth) is left out; the second answer says whether any was.
    pub fn parse_list(list: &str) -> (Attributes, bool) {
        // By bytes: `str`'s searchers and slicing by `char` boundaries cost the widget hundreds
        // of bytes, and a pair that passes is ASCII.
        let mut attributes = Attributes::default();
        let mut dropped = false;
        for pair in list.as_bytes().split(u8::is_ascii_whitespace).filter(|p| !p.is_empty()) {
            let eq = pair.iter().position(|b| *b == b'=').unwrap_or(pair.len());
            dropped |= attributes.insert(&pair[..eq], pair.get(eq + 1..).unwrap_or_default()).is_err();
        }
        (attributes, dropped)
    }

    fn insert(&mut self, key: &[u8], value: &[u8]) -> Result<(), Refused> {
        // A stored key is the only `"key":` in the members (a value holds no `"`).
        let taken = self.0.as_bytes().windows(key.len() + 3).any(|w| w[0] == b'"' && &w[1..=key.len()] == key && w[key.len() + 1..] == *b"\":");
        if !key_bytes_ok(key) || !value_bytes_ok(value) || taken {
            return Err(Refused::Invalid);
        }
        if self.len() == ATTRIBUTES_MAX {
            return Err(Refused::Full);
        }
        if !self.0.is_empty() {
            self.0.push(',');
        }
        for part in [b"\"", key, b"\":\"", value, b"\""] {
            // ASCII only (the rules checked): each byte is its character.
            part.iter().for_each(|b| self.0.push(char::from(*b)));
        }
        Ok(())
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.bytes().filter(|b| *b == b'"').count() / 4
    }

    /// The pairs, in the order given.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        // No member holds a `,`, a key no `:`, and each side is quoted.
        self.0.split(',').filter_map(|m| m.split_once(':')).map(|(k, v)| (k.trim_matches('"'), v.trim_matches('"')))
    }

    /// The pairs, owned (for a wire form or an event).
    pub fn pairs(&self) -> Vec<(String, String)> {
        self.iter().map(|(k, v)| (k.into(), v.into())).collect()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The members of the JSON object, without its braces (empty: none).
    pub fn members(&self) -> &str {
        &self.0
    }

    /// The stored form: the JSON object, or `None` when there are none.
    pub fn to_json(&self) -> Option<String> {
        (!self.is_empty()).then(|| {
            let mut object = String::from("{");
            object.push_str(&self.0);
            object.push('}');
            object
        })
    }
}

/// `pairs` as the members of a JSON object (no braces), as serde writes them.
pub(crate) fn members_of(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_str(&mut out, key);
        out.push(':');
        push_json_str(&mut out, value);
    }
    out
}

/// The wire's `attributes`: the API's object (each pair checked, the first bad one refused) or
/// the element's text as the page wrote it (`"plan=pro app=2.3"`: `parse_list`, a bad pair left
/// out), which is what the widget sends, so it ships none of these rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttributesWire {
    /// `{"plan":"pro"}`: the pairs in the order given, a repeated key kept (so it is refused).
    Object(Vec<(String, String)>),
    /// `"plan=pro app=2.3"`.
    Element(String),
}

impl AttributesWire {
    /// The checked attributes.
    pub fn check(&self) -> Result<Attributes, ValidationError> {
        match self {
            AttributesWire::Object(pairs) => Attributes::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
            AttributesWire::Element(text) if text.len() > ELEMENT_TEXT_MAX => Ok(Attributes::default()),
            AttributesWire::Element(text) => Ok(Attributes::parse_list(text).0),
        }
    }
}

impl Serialize for AttributesWire {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            AttributesWire::Object(pairs) => serialize_pairs(pairs, serializer),
            AttributesWire::Element(text) => serializer.serialize_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for AttributesWire {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<AttributesWire, D::Error> {
        deserializer.deserialize_any(WireVisitor)
    }
}

/// Reads `AttributesWire`: an object of texts, or a text.
struct WireVisitor;

impl<'de> Visitor<'de> for WireVisitor {
    type Value = AttributesWire;

    fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        f.write_str("an object of attributes, each value a text, or the element's text (plan=pro app=2.3)")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<AttributesWire, E> {
        Ok(AttributesWire::Element(text.into()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AttributesWire, A::Error> {
        let mut pairs = Vec::new();
        while let Some(pair) = map.next_entry::<String, String>()? {
            pairs.push(pair);
        }
        Ok(AttributesWire::Object(pairs))
    }
}

/// Pairs from storage or from another shard: the element's form as text (`plan=pro app=2.3`,
/// what the list's SQL makes of the stored object; stored pairs passed the rules), an object,
/// or nothing.
pub fn object_or_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<(String, String)>, D::Error> {
    Ok(match Option::<AttributesWire>::deserialize(deserializer)? {
        None => Vec::new(),
        Some(AttributesWire::Object(pairs)) => pairs,
        Some(AttributesWire::Element(text)) => {
            text.split_ascii_whitespace().map(|pair| pair.split_once('=').unwrap_or((pair, ""))).map(|(k, v)| (k.into(), v.into())).collect()
        }
    })
}

/// Writes pairs as an object.
pub fn serialize_pairs<S: Serializer>(pairs: &[(String, String)], serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(pairs.len()))?;
    for (key, value) in pairs {
        map.serialize_entry(key, value)?;
    }
    map.end()
}

/// Whether `key` is a key: 1 to `KEY_MAX_CHARS` of `a-z`, `0-9` and `_`, a letter first.
pub fn key_ok(key: &str) -> bool {
    key_bytes_ok(key.as_bytes())
}

/// Whether `value` is a value: 1 to `VALUE_MAX_CHARS` of its characters, and nothing that looks
/// like an identity (the module's rules).
pub fn value_ok(value: &str) -> bool {
    value_bytes_ok(value.as_bytes())
}

fn key_bytes_ok(key: &[u8]) -> bool {
    key.len() <= KEY_MAX_CHARS
        && key.first().is_some_and(u8::is_ascii_lowercase)
        && key.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
        && !PERSONAL_KEYS.iter().any(|p| p.as_bytes() == key)
}

fn value_bytes_ok(value: &[u8]) -> bool {
    let (mut digits, mut hex, mut hex_digit) = (0, 0, false);
    !value.is_empty()
        && value.len() <= VALUE_MAX_CHARS
        && value.iter().filter(|b| b.is_ascii_digit()).count() <= DIGITS_MAX
        && value.iter().all(|&b| {
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
        for value in ["pro", "2.3.10", "de-CH", "2026-12", "arm:b", "v2beta", "deadbeefcafe", "ios/17.4+build", "12345", "2026-12-01"] {
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
            "4111-1111-1111-1111",
            "+41-79-123-45-67",
            "192.168.1.23",
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
        for key in ["", "Plan", "2fa", "app-version", "plan ", "_x", &"k".repeat(KEY_MAX_CHARS + 1), "email", "user_id", "ip"] {
            assert!(!key_ok(key), "{key:?}");
        }
    }

    #[test]
    fn the_api_refuses_the_first_bad_pair_and_a_sixth() {
        let ok = Attributes::parse([("plan", "pro"), ("app", "2.3")]).expect("valid");
        assert_eq!(ok.iter().collect::<Vec<_>>(), [("plan", "pro"), ("app", "2.3")], "in the order given");
        assert_eq!(ok.to_json().as_deref(), Some(r#"{"plan":"pro","app":"2.3"}"#));
        assert_eq!(Attributes::default().to_json(), None);
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
    fn storage_hands_over_the_element_form_and_the_api_reads_an_object() {
        #[derive(serde::Deserialize, serde::Serialize)]
        struct Row {
            #[serde(default, serialize_with = "serialize_pairs", deserialize_with = "object_or_list")]
            attributes: Vec<(String, String)>,
        }
        let read = |json: &str| serde_json::from_str::<Row>(json).map(|r| r.attributes).map_err(|e| e.to_string());
        let pairs = alloc::vec![("plan".to_string(), "pro".to_string()), ("app".into(), "2.3".into())];
        assert_eq!(read(r#"{"attributes":"plan=pro app=2.3"}"#), Ok(pairs.clone()));
        assert_eq!(read(r#"{"attributes":{"plan":"pro","app":"2.3"}}"#), Ok(pairs.clone()));
        assert_eq!(read(r#"{"attributes":null}"#), Ok(alloc::vec![]));
        assert_eq!(read("{}"), Ok(alloc::vec![]));
        assert_eq!(serde_json::to_string(&Row { attributes: pairs }).ok().as_deref(), Some(r#"{"attributes":{"plan":"pro","app":"2.3"}}"#));
    }

    #[test]
    fn an_element_text_past_its_bound_carries_no_attributes() {
        let long = AttributesWire::Element("plan=pro ".repeat(ELEMENT_TEXT_MAX / 9 + 1));
        assert_eq!(long.check(), Ok(Attributes::default()));
        assert_eq!(AttributesWire::Element("plan=pro ".repeat(ELEMENT_TEXT_MAX / 9)).check().map(|a| a.len()), Ok(1));
    }

    #[test]
    fn the_widget_keeps_what_passes_and_says_it_dropped_the_rest() {
        let (kept, dropped) = Attributes::parse_list("  plan=pro user=ann@example.com app=2.3 bare  ");
        assert_eq!(kept.iter().collect::<Vec<_>>(), [("plan", "pro"), ("app", "2.3")]);
        assert!(dropped);
        assert_eq!(Attributes::parse_list(""), (Attributes::default(), false));
        assert_eq!(Attributes::parse_list("a=1 b=2 c=3 d=4 e=5 f=6").0.iter().count(), ATTRIBUTES_MAX);
    }
}
