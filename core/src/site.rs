//! A site as its owner creates and reads it: the new site and its checks, its rate limits, its
//! stored view, and the answers that carry its keys.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::config::{ResolvedWidget, WidgetConfig};
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
        })
    }
}

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
        };
        assert_eq!(site.validate().map(|s| s.origins.len()), Ok(1));
        let none = NewSite { origins: vec![], ..site.clone() };
        assert_eq!(none.validate().map_err(|e| e.code()), Err("invalid_origin"));
        let blank = NewSite { widget: WidgetConfig { question: Some(" ".into()), ..WidgetConfig::default() }, ..site };
        assert_eq!(blank.validate().map_err(|e| e.code()), Err("invalid_text"));
    }
}
