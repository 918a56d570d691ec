//! What one widget is: the site's config (as the edge resolved it for this visitor's language)
//! with the element's own attributes on top. The popover's timing, the corner, the colours and
//! the words (strings, language, the element's own question) are the host's (`js/host.js`,
//! `js/view.js`); what decides the content and the counting is here.

use alloc::vec::Vec;

use sayso_core::{Scale, Triggers};

use crate::boundary::setting::{AUTO_ATTRIBUTE, EXCLUDE, FLOATING_ATTRIBUTE, INCLUDE, NONE, PLACEMENT, POPOVER, SCALE, SCALE_ATTRIBUTE, TURNSTILE};
use crate::boundary::Mode;
use crate::host::{entry, setting};

/// One widget's settings.
pub struct Settings {
    pub scale: Scale,
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
    pub fn read(n: i32, sampled: bool) -> Settings {
        let attribute = |name: &str| setting(n, name).filter(|v| !v.trim_ascii().is_empty());
        let scale = attribute(SCALE_ATTRIBUTE).or_else(|| setting(n, SCALE)).and_then(|s| Scale::parse(&s)).unwrap_or(Scale::Stars);
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
            while let Some(pattern) = entry(n, name, list.len() as i32) {
                list.push(pattern);
            }
            list
        };
        Settings {
            scale,
            mode,
            auto,
            triggers: Triggers { include: patterns(INCLUDE), exclude: patterns(EXCLUDE), ..Triggers::default() },
            sampled,
            turnstile: setting(n, TURNSTILE).is_some(),
        }
    }
}
