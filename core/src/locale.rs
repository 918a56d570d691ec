//! The language a widget was shown in: a BCP 47-shaped tag, and the known set the edge keeps.

use alloc::borrow::ToOwned;
use alloc::string::String;

use serde::Serialize;

use crate::i18n;
use crate::validate::ValidationError;

/// Longest locale tag (BCP 47 allows more, no browser sends more).
pub const LOCALE_MAX_CHARS: usize = 35;

/// A BCP 47-shaped language tag such as `en`, `pt-BR` or `zh-Hant-TW`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Locale(String);

impl Locale {
    /// Checks the tag's shape: a 2–3 letter language, then subtags of 1–8 letters or digits.
    pub fn parse(raw: &str) -> Result<Locale, ValidationError> {
        // One pass on the bytes, a `-` after the last subtag ending it like the others (the
        // widget runs this too: splitting cost it twice the code). `len`: the subtag's so far.
        let (mut ok, mut language, mut len) = (raw.len() <= LOCALE_MAX_CHARS, true, 0);
        for &byte in raw.as_bytes().iter().chain(b"-") {
            if byte == b'-' {
                ok &= if language { (2..=3).contains(&len) } else { (1..=8).contains(&len) };
                (language, len) = (false, 0);
            } else {
                ok &= byte.is_ascii_alphabetic() || (!language && byte.is_ascii_digit());
                len += 1;
            }
        }
        if ok {
            Ok(Locale(raw.to_owned()))
        } else {
            Err(ValidationError::InvalidLocale)
        }
    }

    /// The tag as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The language as the edge keeps it: the bundled language the tag names (`en-US` → `en`,
    /// the way the widget's language is picked), else `und` ("undetermined" in BCP 47). So a
    /// client inventing tags can make at most one locale more than the widget knows, and a
    /// visitor whose browser speaks a language the widget lacks is still counted, never refused.
    /// (The edge's rule only: the widget sends the tag it read and never calls this.)
    pub fn known(&self) -> Locale {
        Locale(i18n::bundled_language(&self.0).unwrap_or(UNDETERMINED).to_owned())
    }
}

/// The locale kept for a language the widget does not bundle.
pub const UNDETERMINED: &str = "und";

impl Default for Locale {
    /// English, the fallback when nothing else says which language to use.
    fn default() -> Self {
        Locale("en".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales() {
        for good in ["en", "pt-BR", "zh-Hant-TW", "ast", "es-419", "en-a-b"] {
            assert!(Locale::parse(good).is_ok(), "{good}");
        }
        for bad in ["", "e", "english", "en_US", "en-", "en--US", "en-toolongsubtag", "-en", "e1", "en-US-", "en-ü"] {
            assert!(Locale::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_edge_keeps_only_known_languages() {
        let known = |tag: &str| Locale::parse(tag).map(|l| l.known().as_str().to_owned());
        for (tag, kept) in [("en", "en"), ("en-US", "en"), ("pt-BR", "pt"), ("zh-Hant-TW", "zh"), ("DE-at", "de"), ("ar", "ar")] {
            assert_eq!(known(tag).as_deref(), Ok(kept), "{tag}");
        }
        for invented in ["sv-SE", "xx", "qaa-x1", "tlh", "en1"] {
            assert_eq!(known(invented).as_deref().unwrap_or(UNDETERMINED), UNDETERMINED, "{invented}");
        }
        assert_eq!(Locale::default().known(), Locale::default(), "what the widget falls back to is known");
    }

    proptest::proptest! {
        #[test]
        fn whatever_tag_a_client_invents_the_edge_keeps_a_known_one(tag in "[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8}){0,3}") {
            let kept = Locale::parse(&tag).map(|l| l.known());
            let known = |l: &Locale| l.as_str() == UNDETERMINED || i18n::bundled(l.as_str()).is_some();
            proptest::prop_assert!(kept.as_ref().is_ok_and(known), "{tag} → {kept:?}");
        }
    }
}
