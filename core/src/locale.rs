//! The language a widget was shown in: a BCP 47-shaped tag.

use alloc::borrow::ToOwned;
use alloc::string::String;

use serde::Serialize;

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
        // On bytes: the widget runs this too, and `str::split` costs it bytes.
        let mut parts = raw.as_bytes().split(|b| *b == b'-');
        let lang_ok = parts.next().is_some_and(|l| (2..=3).contains(&l.len()) && l.iter().all(u8::is_ascii_alphabetic));
        let rest_ok = parts.all(|p| (1..=8).contains(&p.len()) && p.iter().all(u8::is_ascii_alphanumeric));
        if lang_ok && rest_ok && raw.len() <= LOCALE_MAX_CHARS {
            Ok(Locale(raw.to_owned()))
        } else {
            Err(ValidationError::InvalidLocale)
        }
    }

    /// The tag as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

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
        for good in ["en", "pt-BR", "zh-Hant-TW", "ast"] {
            assert!(Locale::parse(good).is_ok(), "{good}");
        }
        for bad in ["", "e", "english", "en_US", "en-", "en--US", "en-toolongsubtag"] {
            assert!(Locale::parse(bad).is_err(), "{bad}");
        }
    }
}
