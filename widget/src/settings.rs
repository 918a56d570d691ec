//! What one widget shows: the site's config (as the edge resolved it for this visitor's
//! language) with the element's own attributes on top. The popover's timing, the corner and the
//! colours are the host's (`js/host.js`); what decides the content and the counting is here.

use alloc::string::String;
use alloc::vec::Vec;

use sayso_core::i18n::{self, question_key, KEYS};
use sayso_core::{Scale, Triggers};

use crate::view::number;
use crate::{cat, setting};

/// How a widget appears (the number is what `create` answers).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Not shown (the site's placement is `none` and the snippet placed this element).
    Off = 0,
    /// In the page's flow, always open.
    Inline = 1,
    /// A tab in a corner that opens the panel.
    Floating = 2,
    /// Opens by itself in a corner when a trigger fires.
    Popover = 3,
}

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
        let scale = attribute("@scale")
            .or_else(|| setting(n, "scale"))
            .and_then(|s| Scale::parse(&s))
            .unwrap_or(Scale::Stars);
        let mut strings: Vec<String> = KEYS
            .iter()
            .zip(i18n::english())
            .map(|(key, fallback)| setting(n, &cat(&["strings.", key])).unwrap_or_else(|| String::from(*fallback)))
            .collect();
        if let (Some(question), Some(slot)) = (attribute("@question"), strings.get_mut(question_key(scale))) {
            *slot = question;
        }
        let auto = setting(n, "@auto").is_some();
        let mode = if setting(n, "@floating").is_some() {
            Mode::Floating
        } else if !auto {
            Mode::Inline
        } else {
            match setting(n, "placement").as_deref() {
                Some("popover") => Mode::Popover,
                Some("none") => Mode::Off,
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
            lang: setting(n, "lang").unwrap_or_else(|| String::from("en")),
            dir: setting(n, "dir").unwrap_or_else(|| String::from("ltr")),
            mode,
            auto,
            triggers: Triggers { include: patterns("triggers.include."), exclude: patterns("triggers.exclude."), ..Triggers::default() },
            sampled,
            turnstile: setting(n, "turnstile").is_some(),
        }
    }

    /// A string by `i18n::key` index.
    pub fn text(&self, key: usize) -> &str {
        self.strings.get(key).map_or("", String::as_str)
    }
}
