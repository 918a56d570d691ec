//! A site as its owner creates and reads it: the new site and its checks, its rate limits, its
//! stored view, and the answers that carry its keys.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::config::{ResolvedWidget, WidgetConfig};
use crate::quote::PublicSettings;
use crate::scale::Scale;
use crate::shards::SHARDS_MAX;
use crate::turnstile::TurnstileView;
use crate::validate::{self, Origin, SiteId, ValidationError};
use crate::webhook::WebhookSettings;

/// The most allowed origins one site may list.
pub const MAX_ORIGINS: usize = 20;

/// A site's public configuration: `GET /v1/sites/{site}/config`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteConfig {
    /// The site id.
    pub site: String,
    /// What the widget shows, in the visitor's language.
    pub widget: ResolvedWidget,
}

/// The body of `POST /v1/sites` (admin).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSite {
    /// A chosen id; a random one when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// A name for people.
    pub name: String,
    /// Origins whose pages may send feedback, e.g. `https://example.com`.
    pub origins: Vec<String>,
    /// What the widget shows.
    #[serde(default)]
    pub widget: WidgetConfig,
    /// How many new submissions a visitor and the whole site may send.
    #[serde(default)]
    pub limits: Limits,
    /// The scales the site accepts ratings on; absent or null: only `widget.scale`.
    #[serde(default)]
    pub scales: Option<Vec<String>>,
    /// How many objects share the site's submissions (1 to `SHARDS_MAX`; in force at once).
    #[serde(default = "one_shard")]
    pub shards: u32,
}

/// A site's shards when none are asked for: one object, as every site before shards.
fn one_shard() -> u32 {
    1
}

/// Checks a site's `shards`: 1 to `SHARDS_MAX`.
pub(crate) fn shards(n: u32) -> Result<u32, ValidationError> {
    if (1..=SHARDS_MAX).contains(&n) {
        Ok(n)
    } else {
        Err(ValidationError::InvalidWidgetSetting { field: "shards", reason: "use 1 to 16 objects for the site's submissions" })
    }
}

/// Rate limits for new submissions (token buckets in the site's object); 0 turns one off.
/// Resends and edits of a submission already stored are never limited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Per visitor (a daily-salted hash of the network: the IPv4 address or the IPv6 /64), per
    /// minute, as a burst too.
    pub visitor_per_minute: u32,
    /// For the whole site, per minute.
    pub site_per_minute: u32,
    /// When the browser sends `Sec-GPC: 1` or `DNT: 1`, keep its visitor bucket in memory only
    /// (it is limited all the same; nothing about it is stored).
    pub honor_gpc: bool,
    /// A comment must come at least this many ms after its box appeared (people read and
    /// type; bots post at once). 0 turns the check off.
    pub min_comment_ms: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { visitor_per_minute: 10, site_per_minute: 600, honor_gpc: true, min_comment_ms: 1500 }
    }
}

/// A checked `NewSite`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteSettings {
    /// The chosen id, if any.
    pub id: Option<SiteId>,
    /// The name.
    pub name: String,
    /// Allowed origins, 1 to `MAX_ORIGINS`, without repeats.
    pub origins: Vec<Origin>,
    /// Widget configuration.
    pub widget: WidgetConfig,
    /// Rate limits.
    pub limits: Limits,
    /// The scales accepted, if the owner chose them (see `SiteView::accepts`).
    pub scales: Option<Vec<Scale>>,
    /// How many shards (1 to `SHARDS_MAX`).
    pub shards: u32,
}

impl NewSite {
    /// Applies the site rules.
    pub fn validate(&self) -> Result<SiteSettings, ValidationError> {
        Ok(SiteSettings {
            id: self.id.as_deref().map(SiteId::parse).transpose()?,
            name: validate::text("name", &self.name)?,
            origins: origins(&self.origins)?,
            widget: self.widget.validate()?,
            limits: self.limits,
            scales: self.scales.as_deref().map(scales).transpose()?,
            shards: shards(self.shards)?,
        })
    }
}

/// Checks a site's `scales`: 1 to 5 known scale names, each once. (Only five scales exist, so
/// "each once" is the bound; a client cannot make a site count scales it never shows.)
pub(crate) fn scales(raw: &[String]) -> Result<Vec<Scale>, ValidationError> {
    let mut scales = Vec::new();
    for name in raw {
        let scale = Scale::parse(name).ok_or_else(|| ValidationError::UnknownScale(name.chars().take(20).collect()))?;
        if scales.contains(&scale) {
            return Err(SCALES_RULE);
        }
        scales.push(scale);
    }
    if scales.is_empty() {
        return Err(SCALES_RULE);
    }
    Ok(scales)
}

/// The refusal of a `scales` list that is empty or names a scale twice. (A variant of its own
/// would have to cross the site's object too; this rule is checked at the route only.)
const SCALES_RULE: ValidationError =
    ValidationError::InvalidWidgetSetting { field: "scales", reason: "list 1 to 5 different scales of thumbs, stars, emoji, nps, csat, or null" };

/// Checks a site's allowed origins: 1 to `MAX_ORIGINS`, normalized, without repeats.
pub(crate) fn origins(raw: &[String]) -> Result<Vec<Origin>, ValidationError> {
    let mut origins = raw.iter().map(|o| Origin::parse(o)).collect::<Result<Vec<_>, _>>()?;
    origins.sort();
    origins.dedup();
    if origins.is_empty() || origins.len() > MAX_ORIGINS {
        return Err(ValidationError::InvalidOrigin(format!("{} origins (1 to {MAX_ORIGINS} allowed)", origins.len())));
    }
    Ok(origins)
}

/// A site's settings as its owner reads them: `GET` and `PATCH /v1/sites/{site}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteView {
    /// The site id.
    pub site: String,
    /// The name.
    pub name: String,
    /// Allowed origins.
    pub origins: Vec<String>,
    /// What the widget shows.
    pub widget: WidgetConfig,
    /// When it was created (ms since 1970).
    pub created_at: i64,
    /// The webhook, if one is set.
    #[serde(default)]
    pub webhook: Option<WebhookSettings>,
    /// The secret that signs webhook posts (`sayso-signature`), if a webhook is set.
    #[serde(default)]
    pub webhook_secret: Option<String>,
    /// Submissions older than this many days are deleted (and uncounted); `None`: kept for ever.
    #[serde(default)]
    pub retention_days: Option<u32>,
    /// Rate limits.
    #[serde(default)]
    pub limits: Limits,
    /// Turnstile for comments, if required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turnstile: Option<TurnstileView>,
    /// The scales the site accepts ratings on; `None`: only the widget's scale. Always written
    /// (`null` too), so a stored site from before this setting (no such field) reads as
    /// accepting every scale, as it did: upgrading refuses no page that already worked.
    #[serde(default = "every_scale")]
    pub scales: Option<Vec<Scale>>,
    /// How many objects share the site's submissions, as the owner set it last (a change is in
    /// force a day later: `shards::SHARD_CHANGE_DELAY_MS`); a site from before shards has one.
    #[serde(default = "one_shard")]
    pub shards: u32,
    /// Public features the owner opted into (testimonials, badge); all off by default.
    #[serde(default)]
    pub public: PublicSettings,
    /// Alert rules and the weekly digest (`alerts.rs`), sent to the webhook; none by default.
    #[serde(default)]
    pub alerts: crate::alerts::AlertRules,
}

/// What a site stored before `scales` existed accepted: every scale.
fn every_scale() -> Option<Vec<Scale>> {
    Some(Scale::ALL.to_vec())
}

impl SiteView {
    /// Whether the site accepts a rating on `scale`: one of its `scales`, or, when it lists none,
    /// the widget's scale. The rest are refused, so a client cannot grow the counts by scales.
    pub fn accepts(&self, scale: Scale) -> bool {
        match &self.scales {
            Some(scales) => scales.contains(&scale),
            None => scale == self.widget.scale,
        }
    }
}

/// The answer to `POST /v1/sites/{site}/keys`: the new owner key, shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerKey {
    /// The new key; the old one stops working at once.
    pub owner_key: String,
}

/// The answer to `POST /v1/sites`: the owner key is shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteCreated {
    /// The site id.
    pub site: String,
    /// The owner key for `Authorization: Bearer …`; only its hash is stored.
    pub owner_key: String,
    /// The line to paste into a page.
    pub snippet: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_sites_are_checked_and_origins_deduplicated() {
        let site = NewSite {
            id: None,
            name: "Docs".into(),
            origins: vec!["https://A.com".into(), "https://a.com".into()],
            widget: WidgetConfig::default(),
            limits: Limits::default(),
            scales: None,
            shards: 1,
        };
        assert_eq!(site.validate().map(|s| s.origins.len()), Ok(1));
        let none = NewSite { origins: vec![], ..site.clone() };
        assert_eq!(none.validate().map_err(|e| e.code()), Err("invalid_origin"));
        let blank = NewSite { widget: WidgetConfig { question: Some(" ".into()), ..WidgetConfig::default() }, ..site };
        assert_eq!(blank.validate().map_err(|e| e.code()), Err("invalid_text"));
    }

    #[test]
    fn scales_are_known_names_each_once() {
        let names = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(scales(&names(&["nps", "stars"])), Ok(vec![Scale::Nps, Scale::Stars]));
        assert_eq!(scales(&names(&["thumbs", "stars", "nps", "emoji", "csat"])).map(|s| s.len()), Ok(5));
        assert_eq!(scales(&names(&["stars", "hearts"])).map_err(|e| e.code()), Err("invalid_scale"));
        assert_eq!(scales(&names(&["stars", "stars"])), Err(SCALES_RULE));
        assert_eq!(scales(&[]), Err(SCALES_RULE));
    }

    #[test]
    fn a_site_accepts_its_scales_or_else_its_widgets() {
        let mut view = SiteView {
            site: "docs".into(),
            name: "Docs".into(),
            origins: vec![],
            widget: WidgetConfig { scale: Scale::Nps, ..WidgetConfig::default() },
            created_at: 0,
            webhook: None,
            webhook_secret: None,
            retention_days: None,
            limits: Limits::default(),
            turnstile: None,
            scales: None,
            shards: 1,
            public: PublicSettings::default(),
            alerts: crate::alerts::AlertRules::default(),
        };
        assert_eq!(Scale::ALL.map(|s| view.accepts(s)), [false, false, true, false, false], "by default only the widget's scale");
        view.scales = Some(vec![Scale::Stars, Scale::Thumbs]);
        assert_eq!(Scale::ALL.map(|s| view.accepts(s)), [true, true, false, false, false], "the list, not the widget's scale");
        let old: SiteView = serde_json::from_value(serde_json::json!({
            "site": "docs", "name": "Docs", "origins": [], "widget": {}, "created_at": 0
        }))
        .expect("a record stored before `scales` existed still reads");
        assert!(Scale::ALL.iter().all(|s| old.accepts(*s)), "and accepts every scale, as it did before");
        view.scales = None;
        let stored: SiteView = serde_json::from_str(&serde_json::to_string(&view).expect("serializes")).expect("reads back");
        assert_eq!(stored.scales, None, "a new site's default survives storage: only the widget's scale");
        assert_eq!(Scale::ALL.map(|s| stored.accepts(s)), [false, false, true, false, false]);
    }
}
