//! A change to a site's settings, from the `PATCH /v1/sites/{site}` body to the stored settings:
//! only the fields given change.

use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Deserializer, Serialize};

use crate::config::WidgetConfig;
use crate::quote::PublicPatch;
use crate::scale::Scale;
use crate::site::{origins, scales, shards, Limits, SiteView};
use crate::turnstile::{TurnstileSettings, TurnstileView};
use crate::validate::{self, Origin, ValidationError};
use crate::webhook::WebhookSettings;

/// The body of `PATCH /v1/sites/{site}` (owner): only the fields given change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SitePatch {
    /// A new name.
    #[serde(default)]
    pub name: Option<String>,
    /// The new list of allowed origins (replaces the old one).
    #[serde(default)]
    pub origins: Option<Vec<String>>,
    /// The new widget configuration (replaces the old one; omitted fields take defaults).
    #[serde(default)]
    pub widget: Option<WidgetConfig>,
    /// The webhook (`url: ""` removes it).
    #[serde(default)]
    pub webhook: Option<WebhookSettings>,
    /// Keep submissions this many days (1–3650); 0 keeps them for ever.
    #[serde(default)]
    pub retention_days: Option<u32>,
    /// New rate limits.
    #[serde(default)]
    pub limits: Option<Limits>,
    /// Require a Cloudflare Turnstile token with every comment (`site_key: ""` turns it off).
    #[serde(default)]
    pub turnstile: Option<TurnstileSettings>,
    /// The scales the site accepts (replaces the list); `null`: back to only the widget's scale.
    #[serde(default, deserialize_with = "given", skip_serializing_if = "Option::is_none")]
    pub scales: Option<Option<Vec<String>>>,
    /// How many objects share the site's submissions (1 to `SHARDS_MAX`); in force a day later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shards: Option<u32>,
    /// Public features (testimonials, badge): each field given changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<PublicPatch>,
    /// The alert rules and the weekly digest (replaces them; `{}` turns every alert off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alerts: Option<crate::alerts::AlertRules>,
}

/// A field that was given, `null` included: `Some(None)` for `null`, `Some(Some(_))` for a
/// value; `#[serde(default)]` leaves an absent field `None`.
fn given<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A checked `SitePatch`; `webhook: Some(None)` removes the webhook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedPatch {
    /// A new name.
    pub name: Option<String>,
    /// New origins.
    pub origins: Option<Vec<Origin>>,
    /// New widget configuration.
    pub widget: Option<WidgetConfig>,
    /// A new webhook, or its removal.
    pub webhook: Option<Option<WebhookSettings>>,
    /// A new retention period in days, or `Some(None)`: keep for ever.
    pub retention_days: Option<Option<u32>>,
    /// New rate limits.
    pub limits: Option<Limits>,
    /// Turnstile on (settings and secret) or off (`Some(None)`).
    pub turnstile: Option<Option<(TurnstileView, String)>>,
    /// New accepted scales, or `Some(None)`: only the widget's scale.
    pub scales: Option<Option<Vec<Scale>>>,
    /// New shards (the site's object moves its shard map: `ShardMap::change`).
    pub shards: Option<u32>,
    /// Changes of the public features.
    pub public: Option<PublicPatch>,
    /// New alert rules, checked (`AlertRules::validate`).
    pub alerts: Option<crate::alerts::AlertRules>,
}

impl SitePatch {
    /// Applies the site rules to what is given.
    pub fn validate(&self) -> Result<CheckedPatch, ValidationError> {
        Ok(CheckedPatch {
            name: self.name.as_deref().map(|n| validate::text("name", n)).transpose()?,
            origins: self.origins.as_deref().map(origins).transpose()?,
            widget: self.widget.as_ref().map(WidgetConfig::validate).transpose()?,
            webhook: self.webhook.as_ref().map(|w| if w.url.is_empty() { Ok(None) } else { w.validate().map(Some) }).transpose()?,
            retention_days: match self.retention_days {
                None => None,
                Some(0) => Some(None),
                Some(days @ 1..=3650) => Some(Some(days)),
                Some(_) => return Err(ValidationError::InvalidRetention),
            },
            limits: self.limits,
            turnstile: self.turnstile.as_ref().map(TurnstileSettings::validate).transpose()?,
            scales: self.scales.as_ref().map(|list| list.as_deref().map(scales).transpose()).transpose()?,
            shards: self.shards.map(shards).transpose()?,
            public: self.public,
            alerts: self.alerts.as_ref().map(crate::alerts::AlertRules::validate).transpose()?,
        })
    }
}

impl CheckedPatch {
    /// Changes what the patch names in a site's settings. The Turnstile secret is the caller's
    /// to keep (it is stored beside the view, never shown in it): it changes with `turnstile`.
    /// `new_webhook_secret` is called only when a webhook is set where none was.
    pub fn apply(self, view: &mut SiteView, turnstile_secret: &mut Option<String>, new_webhook_secret: impl FnOnce() -> String) {
        if let Some(name) = self.name {
            view.name = name;
        }
        if let Some(origins) = self.origins {
            view.origins = origins.iter().map(|o| o.as_str().to_owned()).collect();
        }
        if let Some(widget) = self.widget {
            view.widget = widget;
        }
        if let Some(limits) = self.limits {
            view.limits = limits;
        }
        if let Some(turnstile) = self.turnstile {
            (view.turnstile, *turnstile_secret) = turnstile.unzip();
        }
        if let Some(days) = self.retention_days {
            view.retention_days = days;
        }
        if let Some(scales) = self.scales {
            view.scales = scales;
        }
        if let Some(shards) = self.shards {
            view.shards = shards;
        }
        if let Some(public) = self.public {
            view.public = public.apply(view.public);
        }
        if let Some(alerts) = self.alerts {
            view.alerts = alerts;
        }
        if let Some(webhook) = self.webhook {
            // A signing secret comes with the first webhook and stays while one is set, so
            // receivers keep verifying when the owner only changes the URL or the filter.
            view.webhook_secret = webhook.as_ref().map(|_| view.webhook_secret.take().unwrap_or_else(new_webhook_secret));
            view.webhook = webhook;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Placement;
    use crate::shards::SHARDS_MAX;
    use crate::turnstile::TURNSTILE_VERIFY_URL;

    fn view() -> SiteView {
        SiteView {
            site: "docs".into(),
            name: "Docs".into(),
            origins: vec!["https://docs.example".into()],
            widget: WidgetConfig::default(),
            created_at: 1_763_900_000_000,
            webhook: None,
            webhook_secret: None,
            retention_days: Some(30),
            limits: Limits::default(),
            turnstile: None,
            scales: None,
            shards: 1,
            public: crate::quote::PublicSettings::default(),
            alerts: crate::alerts::AlertRules::default(),
        }
    }

    fn hook(url: &str) -> WebhookSettings {
        WebhookSettings { url: url.into(), comments: true, at_or_below: None }
    }

    fn turnstile(site_key: &str) -> TurnstileSettings {
        TurnstileSettings { site_key: site_key.into(), secret: "ts-secret".into(), verify_url: None }
    }

    /// Applies `patch` to `view` with a Turnstile secret; the webhook secret is `new` if one is made.
    fn apply(patch: SitePatch, view: &mut SiteView, secret: &mut Option<String>, new: &str) {
        patch.validate().expect("valid patch").apply(view, secret, || new.into());
    }

    #[test]
    fn an_empty_patch_changes_nothing_and_makes_no_secret() {
        let mut changed = view();
        let mut secret = Some("kept".to_owned());
        SitePatch::default().validate().expect("valid").apply(&mut changed, &mut secret, || panic!("no webhook was set"));
        assert_eq!((changed, secret), (view(), Some("kept".to_owned())));
    }

    #[test]
    fn every_field_given_is_changed_and_only_those() {
        let widget = WidgetConfig { placement: Placement::Popover, question: Some(" Helpful? ".into()), ..WidgetConfig::default() };
        let limits = Limits { visitor_per_minute: 3, site_per_minute: 40, honor_gpc: false, min_comment_ms: 0 };
        let patch = SitePatch {
            name: Some("  Handbook ".into()),
            origins: Some(vec!["https://B.example".into(), "https://a.example:443".into(), "https://b.example".into()]),
            widget: Some(widget),
            webhook: Some(hook("https://hooks.example/in")),
            retention_days: Some(90),
            limits: Some(limits),
            turnstile: Some(turnstile("ts-site")),
            scales: Some(Some(vec!["nps".into(), "stars".into()])),
            shards: Some(4),
            public: Some(PublicPatch { testimonials: Some(true), badge: None }),
            alerts: Some(crate::alerts::AlertRules { digest: true, ..crate::alerts::AlertRules::default() }),
        };
        let (mut changed, mut secret) = (view(), None);
        apply(patch, &mut changed, &mut secret, "signing");
        let expected = SiteView {
            name: "Handbook".into(),
            origins: vec!["https://a.example".into(), "https://b.example".into()],
            widget: WidgetConfig { placement: Placement::Popover, question: Some("Helpful?".into()), ..WidgetConfig::default() },
            webhook: Some(hook("https://hooks.example/in")),
            webhook_secret: Some("signing".into()),
            retention_days: Some(90),
            limits,
            turnstile: Some(TurnstileView { site_key: "ts-site".into(), verify_url: TURNSTILE_VERIFY_URL.into() }),
            scales: Some(vec![Scale::Nps, Scale::Stars]),
            shards: 4,
            public: crate::quote::PublicSettings { testimonials: true, badge: false },
            alerts: crate::alerts::AlertRules { digest: true, ..crate::alerts::AlertRules::default() },
            ..view()
        };
        assert_eq!(changed, expected);
        assert_eq!(secret.as_deref(), Some("ts-secret"), "the Turnstile secret goes to the caller, not the view");
    }

    #[test]
    fn the_webhook_secret_stays_while_a_webhook_is_set_and_goes_with_it() {
        let (mut changed, mut secret) = (view(), None);
        apply(SitePatch { webhook: Some(hook("https://hooks.example/1")), ..SitePatch::default() }, &mut changed, &mut secret, "first");
        assert_eq!(changed.webhook_secret.as_deref(), Some("first"));
        apply(SitePatch { webhook: Some(hook("https://hooks.example/2")), ..SitePatch::default() }, &mut changed, &mut secret, "second");
        assert_eq!(
            (changed.webhook.as_ref().map(|w| w.url.as_str()), changed.webhook_secret.as_deref()),
            (Some("https://hooks.example/2"), Some("first"))
        );
        apply(SitePatch { name: Some("Other".into()), ..SitePatch::default() }, &mut changed, &mut secret, "third");
        assert_eq!(changed.webhook_secret.as_deref(), Some("first"), "a patch without webhook leaves it alone");
        apply(SitePatch { webhook: Some(hook("")), ..SitePatch::default() }, &mut changed, &mut secret, "fourth");
        assert_eq!((&changed.webhook, &changed.webhook_secret), (&None, &None));
        apply(SitePatch { webhook: Some(hook("https://hooks.example/3")), ..SitePatch::default() }, &mut changed, &mut secret, "fifth");
        assert_eq!(changed.webhook_secret.as_deref(), Some("fifth"), "a webhook set again gets a new secret");
        assert_eq!(secret, None);
    }

    #[test]
    fn turnstile_is_turned_off_by_an_empty_site_key_with_its_secret() {
        let (mut changed, mut secret) = (view(), None);
        let custom = TurnstileSettings { verify_url: Some("http://127.0.0.1:9/verify".into()), ..turnstile("ts-site") };
        apply(SitePatch { turnstile: Some(custom), ..SitePatch::default() }, &mut changed, &mut secret, "unused");
        assert_eq!(changed.turnstile.as_ref().map(|t| t.verify_url.as_str()), Some("http://127.0.0.1:9/verify"));
        assert_eq!(secret.as_deref(), Some("ts-secret"));
        let off = TurnstileSettings { site_key: String::new(), secret: String::new(), verify_url: None };
        apply(SitePatch { turnstile: Some(off), ..SitePatch::default() }, &mut changed, &mut secret, "unused");
        assert_eq!((changed.turnstile, secret), (None, None));
    }

    #[test]
    fn scales_are_kept_when_absent_and_reset_by_null() {
        let parse = |json: &str| serde_json::from_str::<SitePatch>(json).expect("a patch");
        assert_eq!(parse("{}").scales, None);
        assert_eq!(parse(r#"{"scales":null}"#).scales, Some(None));
        assert_eq!(parse(r#"{"scales":["thumbs"]}"#).scales, Some(Some(vec!["thumbs".to_owned()])));
        let (mut changed, mut secret) = (view(), None);
        apply(parse(r#"{"scales":["thumbs","csat"]}"#), &mut changed, &mut secret, "unused");
        assert_eq!(changed.scales, Some(vec![Scale::Thumbs, Scale::Csat]));
        apply(parse(r#"{"name":"Other"}"#), &mut changed, &mut secret, "unused");
        assert_eq!(changed.scales, Some(vec![Scale::Thumbs, Scale::Csat]), "a patch without scales leaves them");
        apply(parse(r#"{"scales":null}"#), &mut changed, &mut secret, "unused");
        assert_eq!(changed.scales, None);
        for bad in [r#"{"scales":[]}"#, r#"{"scales":["nps","nps"]}"#, r#"{"scales":["hearts"]}"#] {
            assert!(parse(bad).validate().is_err(), "{bad}");
        }
    }

    #[test]
    fn shards_are_one_to_sixteen() {
        for bad in [0, SHARDS_MAX + 1] {
            assert_eq!(SitePatch { shards: Some(bad), ..SitePatch::default() }.validate().map_err(|e| e.code()), Err("invalid_widget_setting"));
        }
        assert_eq!(SitePatch { shards: Some(SHARDS_MAX), ..SitePatch::default() }.validate().map(|p| p.shards), Ok(Some(SHARDS_MAX)));
    }

    #[test]
    fn a_refused_patch_names_the_setting_it_is_about() {
        let field = |json: &str| serde_json::from_str::<SitePatch>(json).expect("a patch").validate().err().and_then(|e| e.field());
        assert_eq!(field(r#"{"origins":["not an origin"]}"#).as_deref(), Some("origins"));
        assert_eq!(field(r#"{"name":" "}"#).as_deref(), Some("name"));
        assert_eq!(field(r#"{"widget":{"question":" "}}"#).as_deref(), Some("widget.question"));
        assert_eq!(field(r#"{"widget":{"theme":{"radius":99}}}"#).as_deref(), Some("widget.theme.radius"));
        assert_eq!(field(r#"{"widget":{"triggers":{"include":["docs"]}}}"#).as_deref(), Some("widget.triggers.include"));
        assert_eq!(field(r#"{"widget":{"triggers":{"exclude":["/a b"]}}}"#).as_deref(), Some("widget.triggers.exclude"));
        assert_eq!(field(r#"{"widget":{"triggers":{"sample_percent":101}}}"#).as_deref(), Some("widget.triggers.sample_percent"));
        assert_eq!(field(r#"{"widget":{"theme":{"accent":"red"}}}"#).as_deref(), Some("widget.theme.accent"));
        assert_eq!(field(r#"{"webhook":{"url":"http://hooks.example/x","comments":true}}"#).as_deref(), Some("webhook.url"));
        assert_eq!(field(r#"{"retention_days":4000}"#).as_deref(), Some("retention_days"));
        assert_eq!(field(r#"{"shards":0}"#).as_deref(), Some("shards"));
        assert_eq!(field(r#"{"scales":[]}"#).as_deref(), Some("scales"));
    }

    #[test]
    fn retention_zero_keeps_feedback_for_ever() {
        let (mut changed, mut secret) = (view(), None);
        apply(SitePatch { retention_days: Some(0), ..SitePatch::default() }, &mut changed, &mut secret, "unused");
        assert_eq!(changed.retention_days, None);
        assert_eq!(SitePatch { retention_days: Some(3651), ..SitePatch::default() }.validate().map_err(|e| e.code()), Err("invalid_retention"));
    }
}
