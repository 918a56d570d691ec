//! What one widget shows: the site's config (as the edge resolved it for this visitor's
//! language) with the element's own attributes on top. The popover's timing, the corner and the
//! colours are the host's (`js/host.js`); what decides the content and the counting is here.

use alloc::string::String;
use alloc::vec::Vec;

use sayso_core::i18n::{self, question_key, KEYS};
use sayso_core::{Scale, Triggers};

use crate::boundary::setting::{
    AUTO_ATTRIBUTE, DIR, EXCLUDE, FLOATING_ATTRIBUTE, INCLUDE, LANG, NONE, PLACEMENT, POPOVER, QUESTION_ATTRIBUTE, SCALE, SCALE_ATTRIBUTE, STRINGS,
    TURNSTILE,
};
use crate::boundary::Mode;
use crate::cat;
use crate::host::setting;
use crate::view::number;

/// One widget's settings.
pub struct Settings {
    pub scale: Scale,
    /// Every string, by `i18n::KEYS` index, in one language.
    pub strings: Vec<String>,
    pub lang: String,
    pub dir: String,
    pub mode: Mode,
    /// Whether the snippet placed this element (URL patterns and sampling apply to it only).
    pub auto: bool,
    /// The page patterns (the other triggers are the host's).
    pub triggers: Triggers,
    /// Whether this visitor is in the site's sample.
    pub sampled: bool,
    /// Whether the site wants a Turnstile token with comments.
    pub turnstile: bool,
}

impl Settings {
    /// Reads widget `n`'s config (the `widget` object the edge answered, parsed by the
    /// browser's `JSON.parse`, so the widget ships no JSON parser) and the element's attributes.
    pub fn read(n: u32, sampled: bool) -> Settings {
        let attribute = |name: &str| setting(n, name).filter(|v| !v.trim_ascii().is_empty());
        let scale = attribute(SCALE_ATTRIBUTE).or_else(|| setting(n, SCALE)).and_then(|s| Scale::parse(&s)).unwrap_or(Scale::Stars);
        let mut strings: Vec<String> = KEYS
            .iter()
            .zip(i18n::english())
            .map(|(key, fallback)| setting(n, &cat(&[STRINGS, key])).unwrap_or_else(|| String::from(*fallback)))
            .collect();
        if let (Some(question), Some(slot)) = (attribute(QUESTION_ATTRIBUTE), strings.get_mut(question_key(scale))) {
            *slot = question;
        }
        let auto = setting(n, AUTO_ATTRIBUTE).is_some();
        let mode = if setting(n, FLOATING_ATTRIBUTE).is_some() {
            Mode::Floating
        } else if !auto {
            Mode::Inline
        } else {
            match setting(n, PLACEMENT).as_deref() {
                Some(POPOVER) => Mode::Popover,
                Some(NONE) => Mode::Off,
                _ => Mode::Floating,
            }
        };
        let patterns = |name: &str| {
            let mut list = Vec::new();
            while let Some(pattern) = setting(n, &cat(&[name, &number(list.len() as i64)])) {
                list.push(pattern);
            }
            list
        };
        Settings {
            scale,
            strings,
            lang: setting(n, LANG).unwrap_or_else(|| String::from("en")),
            dir: setting(n, DIR).unwrap_or_else(|| String::from("ltr")),
            mode,
            auto,
            triggers: Triggers { include: patterns(INCLUDE), exclude: patterns(EXCLUDE), ..Triggers::default() },
            sampled,
            turnstile: setting(n, TURNSTILE).is_some(),
        }
    }

    /// A string by `i18n::key` index.
    pub fn text(&self, key: usize) -> &str {
        self.strings.get(key).map_or("", String::as_str)
    }
}
