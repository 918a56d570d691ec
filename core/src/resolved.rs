//! What the edge sends one visitor's widget: the owner's settings resolved to one language.

use alloc::borrow::ToOwned;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::config::{Placement, Position, Theme, Triggers, WidgetConfig};
use crate::i18n;
use crate::scale::Scale;

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
    /// Whether the site shows testimonials, so a happy visitor with a comment is asked once
    /// whether the site may quote them (`quote::invites_quote`).
    #[serde(default)]
    pub quotes: bool,
}

impl WidgetConfig {
    /// What a visitor whose browser or page asks for `wanted` (a language tag, maybe empty)
    /// gets: a bundled language (else the site's own), with every string in it, the owner's
    /// wording where the owner wrote some in that language.
    pub fn resolve(&self, wanted: &str) -> ResolvedWidget {
        let lang = i18n::bundled_language(wanted).or_else(|| i18n::bundled_language(&self.language)).unwrap_or("en");
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
            quotes: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
