//! The widget's languages: which bundled language a visitor gets, and every string's key.
//!
//! The strings themselves are in `strings.rs`, one complete array per language. The edge
//! resolves a visitor's language and sends the whole set with the widget's config, so the
//! widget carries no strings of its own (when the config cannot load, it uses the one it kept
//! from an earlier visit) and never mixes languages.

use crate::scale::Scale;
use crate::strings::{BUNDLED, COUNT, EN};

/// Every string's key, in the order of the arrays in `strings.rs`.
pub const KEYS: [&str; COUNT] = [
    "q_thumbs",
    "q_stars",
    "q_emoji",
    "q_nps",
    "q_csat",
    "follow_up",
    "follow_up_low",
    "thank_you",
    "send",
    "skip",
    "undo",
    "undone",
    "close",
    "tab",
    "yes",
    "no",
    "star",
    "nps_value",
    "nps_low",
    "nps_high",
    "emoji_1",
    "emoji_2",
    "emoji_3",
    "emoji_4",
    "emoji_5",
    "csat_1",
    "csat_2",
    "csat_3",
    "csat_4",
    "csat_5",
    "undo_failed",
    "reply_title",
    "reply_fixed",
    "answer",
    "answer_label",
    "answer_sent",
    "dismiss",
    "quote_ask",
    "quote_name",
    "quote_yes",
    "quote_thanks",
    "withdraw",
    "quote_withdrawn",
    "loop_failed",
];

/// Indexes into a language's strings (`KEYS[i]`) that Rust reads by name: the settings that
/// replace a default string (`resolved.rs`); the widget reads its words by key (`js/view.js`).
pub mod key {
    pub const FOLLOW_UP: usize = 5;
    pub const FOLLOW_UP_LOW: usize = 6;
    pub const THANK_YOU: usize = 7;
    /// `EMOJI_1 + value - 1` for values 1–5.
    pub const EMOJI_1: usize = 20;
    /// `CSAT_1 + value - 1` for values 1–5.
    pub const CSAT_1: usize = 25;
    pub const UNDO_FAILED: usize = 30;
}

/// The key of a scale's default question.
pub fn question_key(scale: Scale) -> usize {
    match scale {
        Scale::Thumbs => 0,
        Scale::Stars => 1,
        Scale::Emoji => 2,
        Scale::Nps => 3,
        Scale::Csat => 4,
    }
}

/// The index of a key's name, if it is one.
pub fn key_index(name: &str) -> Option<usize> {
    KEYS.iter().position(|k| *k == name)
}

/// English, the language of last resort.
pub fn english() -> &'static [&'static str; COUNT] {
    &EN
}

/// A bundled language's strings.
pub fn bundled(lang: &str) -> Option<&'static [&'static str; COUNT]> {
    BUNDLED.iter().find(|(code, _)| *code == lang).map(|(_, strings)| *strings)
}

/// The bundled languages' codes (`en`, `de`, …), English first: the ones a site's texts may be
/// written in, and the ones a form offers.
pub fn languages() -> impl Iterator<Item = &'static str> {
    BUNDLED.iter().map(|(code, _)| *code)
}

/// Whether `lang` is written right to left.
pub fn is_rtl(lang: &str) -> bool {
    matches!(lang, "ar" | "he" | "fa" | "ur")
}

/// The bundled language for a language tag (`pt-BR` → `pt`, `zh-Hant-TW` → `zh`), if any.
pub fn bundled_language(tag: &str) -> Option<&'static str> {
    let primary = tag.split(['-', '_']).next().unwrap_or_default();
    BUNDLED.iter().map(|(code, _)| *code).find(|code| code.eq_ignore_ascii_case(primary))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_string_and_no_english_leaks_into_others() {
        for (code, strings) in BUNDLED {
            for (i, text) in strings.iter().enumerate() {
                assert!(!text.trim().is_empty(), "{code}: {} is empty", KEYS[i]);
                let placeholders = |t: &str| t.matches("{n}").count();
                assert_eq!(placeholders(text), placeholders(EN[i]), "{code}: {} keeps the {{n}} placeholder", KEYS[i]);
            }
            if code != "en" {
                // A sentence left in English would mix languages in one widget.
                // The reply notice and the quote question (keys 31–43) too, but for words some
                // languages share with English.
                for i in [0, 1, 3, 5, 6, 7, 30, 31, 35, 36, 37, 39, 41, 42, 43] {
                    assert_ne!(strings[i], EN[i], "{code}: {} is still English", KEYS[i]);
                }
            }
        }
    }

    #[test]
    fn tags_map_to_their_primary_language() {
        assert_eq!(bundled_language("pt-BR"), Some("pt"));
        assert_eq!(bundled_language("zh-Hant-TW"), Some("zh"));
        assert_eq!(bundled_language("DE"), Some("de"));
        assert_eq!(bundled_language("sv-SE"), None);
        assert!(is_rtl("ar") && !is_rtl("en"));
        assert_eq!(key_index("thank_you"), Some(key::THANK_YOU));
        assert_eq!(KEYS[key::UNDO_FAILED], "undo_failed");
        assert_eq!(KEYS[key::CSAT_1], "csat_1");
        assert_eq!(KEYS[key::EMOJI_1], "emoji_1");
    }
}
