//! The widget's configuration: what a site owner sets (`WidgetConfig`), and what the edge sends
//! a visitor's widget after choosing the language (`ResolvedWidget`).

use alloc::borrow::ToOwned;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::i18n;
use crate::scale::Scale;
use crate::validate::{self, ValidationError};

/// The most URL patterns in each of `include` and `exclude`.
pub const MAX_PATTERNS: usize = 20;

/// What the widget shows, where and when; set by the site owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WidgetConfig {
    /// The rating scale.
    pub scale: Scale,
    /// The language the texts below are written in (a bundled one: en, de, fr, es, pt, it, nl,
    /// ja, zh, ar). Visitors in another language get that language's bundled texts instead, so
    /// no widget mixes two languages.
    pub language: String,
    /// The question above the scale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// The prompt of the optional comment, after a neutral or happy rating.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<String>,
    /// The prompt of the optional comment after an unhappy rating (thumbs down, 1–2 of 5, NPS 0–6).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follow_up_low: Option<String>,
    /// Shown after the visitor is done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thank_you: Option<String>,
    /// Any bundled string, per language: `{"de": {"send": "Abschicken"}}`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub strings: BTreeMap<String, BTreeMap<String, String>>,
    /// How the widget the snippet adds by itself appears.
    pub placement: Placement,
    /// Which corner the floating tab or the popover sits in.
    pub position: Position,
    /// When the popover opens, and on which pages the snippet's widget appears at all.
    pub triggers: Triggers,
    /// Colours and shape (page CSS can set the same through `--sayso-*` properties).
    pub theme: Theme,
}

impl Default for WidgetConfig {
    fn default() -> Self {
        WidgetConfig {
            scale: Scale::Stars,
            language: "en".to_owned(),
            question: None,
            follow_up: None,
            follow_up_low: None,
            thank_you: None,
            strings: BTreeMap::new(),
            placement: Placement::Floating,
            position: Position::BottomRight,
            triggers: Triggers::default(),
            theme: Theme::default(),
        }
    }
}

/// How the snippet's own widget appears (elements placed in the page are always inline).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// A small tab in a corner, always visible, that opens the widget.
    #[default]
    Floating,
    /// Opens by itself in a corner when a trigger fires.
    Popover,
    /// No widget of its own: only `<sayso-feedback>` elements the page places.
    None,
}

/// A corner of the window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Position {
    #[default]
    BottomRight,
    BottomLeft,
    TopRight,
    TopLeft,
}

/// When the popover opens, and where the snippet's widget appears.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Triggers {
    /// Popover: open this many seconds after the page loads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_seconds: Option<u32>,
    /// Popover: open once the visitor has scrolled this far down the page (1–100 %).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scroll_percent: Option<u8>,
    /// Popover: open when the pointer leaves through the top of the window (desktop).
    pub exit_intent: bool,
    /// Only on pages whose path matches one of these (`*` matches anything); empty: every page.
    pub include: Vec<String>,
    /// Never on pages whose path matches one of these.
    pub exclude: Vec<String>,
    /// Show to this share of visitors (0–100), decided once per visitor and kept locally.
    pub sample_percent: u8,
    /// Popover: after a visitor answers or closes it, do not ask again for this many days.
    pub snooze_days: u16,
}

impl Default for Triggers {
    fn default() -> Self {
        Triggers { delay_seconds: None, scroll_percent: None, exit_intent: false, include: Vec::new(), exclude: Vec::new(), sample_percent: 100, snooze_days: 30 }
    }
}

/// Colours and shape.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Theme {
    /// The accent colour, `#rgb` or `#rrggbb`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accent: Option<String>,
    /// Corner radius in pixels, 0–24.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub radius: Option<u8>,
}

impl WidgetConfig {
    /// Checks every setting and trims every text.
    pub fn validate(&self) -> Result<WidgetConfig, ValidationError> {
        let setting = |field, reason| ValidationError::InvalidWidgetSetting { field, reason };
        let language = i18n::bundled_language(&self.language)
            .filter(|code| code.len() == self.language.len())
            .ok_or(setting("language", "use one of en, de, fr, es, pt, it, nl, ja, zh, ar"))?;
        let optional = |field, text: &Option<String>| text.as_deref().map(|t| validate::text(field, t)).transpose();
        let mut strings = BTreeMap::new();
        for (lang, texts) in &self.strings {
            if i18n::bundled(lang).is_none() {
                return Err(setting("strings", "languages must be bundled ones: en, de, fr, es, pt, it, nl, ja, zh, ar"));
            }
            let mut checked = BTreeMap::new();
            for (key, text) in texts {
                if i18n::key_index(key).is_none() {
                    return Err(setting("strings", "unknown string key (see the API reference for the list)"));
                }
                checked.insert(key.clone(), validate::text("strings", text)?);
            }
            strings.insert(lang.clone(), checked);
        }
        let triggers = &self.triggers;
        for pattern in triggers.include.iter().chain(&triggers.exclude) {
            if !pattern.starts_with('/') || pattern.len() > 200 || pattern.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(setting("triggers", "a URL pattern is a path starting with '/', at most 200 characters; '*' matches anything"));
            }
        }
        if triggers.include.len() > MAX_PATTERNS || triggers.exclude.len() > MAX_PATTERNS {
            return Err(setting("triggers", "at most 20 patterns in include and in exclude"));
        }
        if triggers.sample_percent > 100 || triggers.scroll_percent.is_some_and(|p| p == 0 || p > 100) {
            return Err(setting("triggers", "sample_percent is 0–100 and scroll_percent 1–100"));
        }
        if triggers.delay_seconds.is_some_and(|s| s > 3600) || triggers.snooze_days > 3650 {
            return Err(setting("triggers", "delay_seconds is at most 3600 and snooze_days at most 3650"));
        }
        if let Some(accent) = &self.theme.accent {
            let hex = accent.strip_prefix('#').unwrap_or("");
            if !matches!(hex.len(), 3 | 6) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(setting("theme", "accent is a colour like #4f46e5 or #44e"));
            }
        }
        if self.theme.radius.is_some_and(|r| r > 24) {
            return Err(setting("theme", "radius is 0 to 24 pixels"));
        }
        Ok(WidgetConfig {
            scale: self.scale,
            language: language.to_owned(),
            question: optional("question", &self.question)?,
            follow_up: optional("follow_up", &self.follow_up)?,
            follow_up_low: optional("follow_up_low", &self.follow_up_low)?,
            thank_you: optional("thank_you", &self.thank_you)?,
            strings,
            placement: self.placement,
            position: self.position,
            triggers: triggers.clone(),
            theme: self.theme.clone(),
        })
    }

    /// What a visitor whose browser or page asks for `wanted` (a language tag, maybe empty)
    /// gets: a bundled language (else the site's own), with every string in it, the owner's
    /// wording where the owner wrote some in that language.
    pub fn resolve(&self, wanted: &str) -> ResolvedWidget {
        let lang = i18n::bundled_language(wanted)
            .or_else(|| i18n::bundled_language(&self.language))
            .unwrap_or("en");
        let base = i18n::bundled(lang).unwrap_or(i18n::english());
        let mut strings: Vec<String> = base.iter().map(|s| (*s).to_owned()).collect();
        if let Some(own) = self.strings.get(lang) {
            for (key, text) in own {
                if let Some(i) = i18n::key_index(key) {
                    strings[i] = text.clone();
                }
            }
        }
        if lang == self.language {
            let own = [
                (i18n::question_key(self.scale), &self.question),
                (i18n::key::FOLLOW_UP, &self.follow_up),
                (i18n::key::FOLLOW_UP_LOW, &self.follow_up_low),
                (i18n::key::THANK_YOU, &self.thank_you),
            ];
            for (i, text) in own {
                if let Some(text) = text {
                    strings[i] = text.clone();
                }
            }
        }
        ResolvedWidget {
            scale: self.scale,
            lang: lang.to_owned(),
            dir: if i18n::is_rtl(lang) { "rtl" } else { "ltr" }.to_owned(),
            strings: i18n::KEYS.iter().map(|k| (*k).to_owned()).zip(strings).collect(),
            placement: self.placement,
            position: self.position,
            triggers: self.triggers.clone(),
            theme: self.theme.clone(),
            turnstile: None,
        }
    }
}

/// The widget's settings for one visitor: `GET /v1/sites/{site}/config?lang=…` → `widget`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedWidget {
    /// The rating scale.
    pub scale: Scale,
    /// The bundled language chosen.
    pub lang: String,
    /// `ltr`, or `rtl` for Arabic.
    pub dir: String,
    /// Every string, by key, in that one language.
    pub strings: BTreeMap<String, String>,
    /// How the snippet's own widget appears.
    pub placement: Placement,
    /// Which corner.
    pub position: Position,
    /// When and where.
    pub triggers: Triggers,
    /// Colours and shape.
    pub theme: Theme,
    /// The Turnstile site key, when comments need a Turnstile token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turnstile: Option<String>,
}

/// Whether a page path matches a pattern in which `*` matches any run of characters.
/// (On bytes, without `str` slicing, whose panic messages would cost the widget kilobytes;
/// matching UTF-8 byte runs is the same as matching the characters.)
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let mut parts = pattern.as_bytes().split(|b| *b == b'*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = path.as_bytes().strip_prefix(first) else { return false };
    let mut parts = parts.peekable();
    if parts.peek().is_none() {
        return rest.is_empty();
    }
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            return rest.ends_with(part);
        }
        match (0..=rest.len().saturating_sub(part.len())).find(|&at| rest.get(at..at + part.len()) == Some(part)) {
            Some(at) => rest = rest.get(at + part.len()..).unwrap_or_default(),
            None => return false,
        }
    }
    true
}

/// Puts `number` where `template` says `{n}` ("{n} of 5 stars"). (Found on bytes and cut with
/// `str::get`: `str::split` and slicing would bring panic messages into the widget.)
pub fn with_number(template: &str, number: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    loop {
        let at = rest.as_bytes().windows(3).position(|w| w == b"{n}");
        match at.and_then(|at| Some((rest.get(..at)?, rest.get(at + 3..)?))) {
            Some((before, after)) => {
                out.push_str(before);
                out.push_str(number);
                rest = after;
            }
            None => {
                out.push_str(rest);
                return out;
            }
        }
    }
}

/// Whether the snippet's widget belongs on `path`: it matches an `include` pattern (or there
/// are none) and no `exclude` pattern.
pub fn page_wanted(triggers: &Triggers, path: &str) -> bool {
    let included = triggers.include.is_empty() || triggers.include.iter().any(|p| path_matches(p, path));
    included && !triggers.exclude.iter().any(|p| path_matches(p, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_whole_paths_with_stars_for_any_run() {
        assert!(path_matches("/", "/"));
        assert!(!path_matches("/", "/docs"));
        assert!(path_matches("/docs/*", "/docs/intro"));
        assert!(path_matches("/docs/*", "/docs/"));
        assert!(!path_matches("/docs/*", "/blog/docs/x"));
        assert!(path_matches("*/pricing", "/en/pricing"));
        assert!(path_matches("/a*b*c", "/axxbyyc"));
        assert!(!path_matches("/a*b*c", "/axxbyy"));
        assert!(path_matches("*", "/anything"));
        let triggers = Triggers { include: alloc::vec!["/docs/*".into()], exclude: alloc::vec!["/docs/private*".into()], ..Triggers::default() };
        assert!(page_wanted(&triggers, "/docs/a"));
        assert!(!page_wanted(&triggers, "/docs/private/a"));
        assert!(!page_wanted(&triggers, "/blog"));
        assert!(page_wanted(&Triggers::default(), "/blog"));
        assert!(path_matches("/*/ü", "/x/ü") && !path_matches("/*/ü", "/x/u"));
    }

    #[test]
    fn numbers_go_where_templates_say() {
        assert_eq!(with_number("{n} of 5 stars", "4"), "4 of 5 stars");
        assert_eq!(with_number("5つ星のうち{n}", "3"), "5つ星のうち3");
        assert_eq!(with_number("{x} {n}", "1"), "{x} 1");
    }

    #[test]
    fn a_visitor_gets_one_language_whole_with_the_owners_wording_only_in_it() {
        let config = WidgetConfig {
            question: Some("Did this help?".into()),
            strings: [("de".to_owned(), [("send".to_owned(), "Abschicken".to_owned())].into())].into(),
            ..WidgetConfig::default()
        };
        let en = config.resolve("en-GB");
        assert_eq!((en.lang.as_str(), en.strings["q_stars"].as_str(), en.strings["send"].as_str()), ("en", "Did this help?", "Send"));
        let de = config.resolve("de-AT");
        assert_eq!(de.lang, "de");
        assert_eq!(de.strings["send"], "Abschicken");
        assert_ne!(de.strings["q_stars"], "Did this help?", "the English question stays out of a German widget");
        assert_eq!(config.resolve("sv").lang, "en", "an unbundled language gets the site's own");
        let ar = config.resolve("ar");
        assert_eq!((ar.lang.as_str(), ar.dir.as_str()), ("ar", "rtl"));
        assert_eq!(ar.strings.len(), i18n::KEYS.len());
    }

    #[test]
    fn settings_outside_their_rules_are_refused() {
        let bad = |f: fn(&mut WidgetConfig)| {
            let mut c = WidgetConfig::default();
            f(&mut c);
            c.validate().is_err()
        };
        assert!(bad(|c| c.language = "sv".into()));
        assert!(bad(|c| c.language = "pt-BR".into()));
        assert!(bad(|c| c.strings = [("sv".to_owned(), BTreeMap::new())].into()));
        assert!(bad(|c| c.strings = [("en".to_owned(), [("nope".to_owned(), "x".to_owned())].into())].into()));
        assert!(bad(|c| c.triggers.include = alloc::vec!["docs".into()]));
        assert!(bad(|c| c.triggers.sample_percent = 101));
        assert!(bad(|c| c.triggers.scroll_percent = Some(0)));
        assert!(bad(|c| c.theme.accent = Some("red;}body{x".into())));
        assert!(bad(|c| c.theme.radius = Some(25)));
        assert!(bad(|c| c.question = Some("  ".into())));
        assert!(!bad(|c| c.theme.accent = Some("#4F46e5".into())));
    }
}
