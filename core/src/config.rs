//! What a site owner sets for the widget (`WidgetConfig`: scale, texts, placement, triggers,
//! theme) and the checks those settings pass.

use alloc::borrow::ToOwned;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::i18n;
use crate::scale::Scale;
use crate::validate::{self, ValidationError};

// These were first written here; their old paths (`config::page_wanted`, …) stay valid.
pub use crate::resolved::ResolvedWidget;
pub use crate::targeting::{page_wanted, path_matches};

/// The most URL patterns in each of `include` and `exclude`.
pub const MAX_PATTERNS: usize = 20;

/// The largest corner radius a theme may set, in pixels (the widget's host clamps to it too).
pub const RADIUS_MAX: u8 = 24;
/// The longest a popover may wait before opening by itself, in seconds (the host clamps to it).
pub const DELAY_SECONDS_MAX: u32 = 3600;

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
        Triggers {
            delay_seconds: None,
            scroll_percent: None,
            exit_intent: false,
            include: Vec::new(),
            exclude: Vec::new(),
            sample_percent: 100,
            snooze_days: 30,
        }
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
        // Each refusal names the setting it is about (`triggers.include`), so a form shows it at
        // that field.
        let triggers = &self.triggers;
        for (field, patterns) in [("triggers.include", &triggers.include), ("triggers.exclude", &triggers.exclude)] {
            if patterns.iter().any(|p| !p.starts_with('/') || p.len() > 200 || p.chars().any(|c| c.is_whitespace() || c.is_control())) {
                return Err(setting(field, "a URL pattern is a path starting with '/', at most 200 characters; '*' matches anything"));
            }
            if patterns.len() > MAX_PATTERNS {
                return Err(setting(field, "at most 20 patterns in include and in exclude"));
            }
        }
        if triggers.sample_percent > 100 {
            return Err(setting("triggers.sample_percent", "sample_percent is 0–100"));
        }
        if triggers.scroll_percent.is_some_and(|p| p == 0 || p > 100) {
            return Err(setting("triggers.scroll_percent", "scroll_percent is 1–100"));
        }
        if triggers.delay_seconds.is_some_and(|s| s > DELAY_SECONDS_MAX) {
            return Err(setting("triggers.delay_seconds", "delay_seconds is at most 3600"));
        }
        if triggers.snooze_days > 3650 {
            return Err(setting("triggers.snooze_days", "snooze_days is at most 3650"));
        }
        if let Some(accent) = &self.theme.accent {
            let hex = accent.strip_prefix('#').unwrap_or("");
            if !matches!(hex.len(), 3 | 6) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(setting("theme.accent", "accent is a colour like #4f46e5 or #44e"));
            }
        }
        if self.theme.radius.is_some_and(|r| r > RADIUS_MAX) {
            return Err(setting("theme.radius", "radius is 0 to 24 pixels"));
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
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn widget_config_json_fills_defaults() {
        let config: WidgetConfig = serde_json::from_str(r#"{"scale":"nps"}"#).expect("parses");
        assert_eq!(config.scale, Scale::Nps);
        assert_eq!(config.question, WidgetConfig::default().question);
    }
}
