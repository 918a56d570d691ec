//! How a broken core rule (`ValidationError`) crosses from the site's object to the Worker
//! inside a `Failure`: `#[serde(with = "crate::site::refusal")]` on `Failure::Invalid`.
//!
//! `ValidationError` has no serde of its own (two variants hold `&'static str`), so it travels
//! as a mirror with owned fields and is rebuilt variant for variant on the Worker's side.

use sayso_core::{Scale, ValidationError};
use serde::{de, ser, Deserialize, Deserializer, Serialize, Serializer};

/// `ValidationError`, variant for variant, with owned fields.
#[derive(Serialize, Deserialize)]
enum Rule {
    InvalidId,
    InvalidKey,
    InvalidSite,
    UnknownScale(String),
    RatingOutOfRange { scale: Scale, value: i64 },
    CommentTooLong,
    InvalidPage,
    InvalidLocale,
    InvalidTimestamp,
    InvalidWidgetVersion,
    InvalidOrigin(String),
    InvalidWebhook,
    InsecureUrl,
    InvalidRetention,
    InvalidRev,
    TooFast,
    ShardsChangePending,
    UnknownStatus(String),
    InvalidTag,
    TooManyTags,
    TooManyIds,
    InvalidLink,
    AlertsNeedOneShard,
    InvalidAttribute(String),
    TooManyAttributes,
}

/// Writes the mirror of `rule`. The settings rules that name a field (`InvalidText`,
/// `InvalidWidgetSetting`) are checked at the route, before the object is asked, so they never
/// need to cross; if one ever does, the object answers an internal error instead of a lie.
pub fn serialize<S: Serializer>(rule: &ValidationError, serializer: S) -> Result<S::Ok, S::Error> {
    let mirror = match rule.clone() {
        ValidationError::InvalidId => Rule::InvalidId,
        ValidationError::InvalidKey => Rule::InvalidKey,
        ValidationError::InvalidSite => Rule::InvalidSite,
        ValidationError::UnknownScale(scale) => Rule::UnknownScale(scale),
        ValidationError::RatingOutOfRange { scale, value } => Rule::RatingOutOfRange { scale, value },
        ValidationError::CommentTooLong => Rule::CommentTooLong,
        ValidationError::InvalidPage => Rule::InvalidPage,
        ValidationError::InvalidLocale => Rule::InvalidLocale,
        ValidationError::InvalidTimestamp => Rule::InvalidTimestamp,
        ValidationError::InvalidWidgetVersion => Rule::InvalidWidgetVersion,
        ValidationError::InvalidOrigin(origin) => Rule::InvalidOrigin(origin),
        ValidationError::InvalidWebhook => Rule::InvalidWebhook,
        ValidationError::InsecureUrl(_) => Rule::InsecureUrl,
        ValidationError::InvalidRetention => Rule::InvalidRetention,
        ValidationError::InvalidRev => Rule::InvalidRev,
        ValidationError::TooFast => Rule::TooFast,
        ValidationError::ShardsChangePending => Rule::ShardsChangePending,
        ValidationError::UnknownStatus(status) => Rule::UnknownStatus(status),
        ValidationError::InvalidTag => Rule::InvalidTag,
        ValidationError::TooManyTags => Rule::TooManyTags,
        ValidationError::TooManyIds => Rule::TooManyIds,
        ValidationError::InvalidLink => Rule::InvalidLink,
        ValidationError::InvalidAttribute(key) => Rule::InvalidAttribute(key),
        ValidationError::TooManyAttributes => Rule::TooManyAttributes,
        // The one alerts rule the object judges (`alerts::fit_shards`); the rest are the route's.
        ValidationError::InvalidAlerts { field: "alerts", .. } => Rule::AlertsNeedOneShard,
        other @ ValidationError::InvalidAlerts { .. } => {
            return Err(ser::Error::custom(format!("{other} is checked at the route and cannot cross from the object")));
        }
        // A link's campaign and reference are checked at the route (`routes/links.rs`).
        other @ (ValidationError::InvalidCampaign | ValidationError::InvalidReference) => {
            return Err(ser::Error::custom(format!("{other} is checked at the route and cannot cross from the object")));
        }
        // Quotes' rules are checked at the route (`routes/quotes.rs`).
        other @ (ValidationError::InvalidDisplayName | ValidationError::InvalidLimit) => {
            return Err(ser::Error::custom(format!("{other} is checked at the route and cannot cross from the object")));
        }
        // Replies' rules are checked at the route too (`routes/replies.rs`).
        other @ (ValidationError::InvalidReply { .. } | ValidationError::TooManyReceipts) => {
            return Err(ser::Error::custom(format!("{other} is checked at the route and cannot cross from the object")));
        }
        other @ (ValidationError::InvalidText { .. } | ValidationError::InvalidWidgetSetting { .. } | ValidationError::InvalidTriage(_)) => {
            return Err(ser::Error::custom(format!("{other} is checked at the route and cannot cross from the object")));
        }
    };
    mirror.serialize(serializer)
}

/// Rebuilds the `ValidationError` the object refused with.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<ValidationError, D::Error> {
    Ok(match Rule::deserialize(deserializer).map_err(de::Error::custom)? {
        Rule::InvalidId => ValidationError::InvalidId,
        Rule::InvalidKey => ValidationError::InvalidKey,
        Rule::InvalidSite => ValidationError::InvalidSite,
        Rule::UnknownScale(scale) => ValidationError::UnknownScale(scale),
        Rule::RatingOutOfRange { scale, value } => ValidationError::RatingOutOfRange { scale, value },
        Rule::CommentTooLong => ValidationError::CommentTooLong,
        Rule::InvalidPage => ValidationError::InvalidPage,
        Rule::InvalidLocale => ValidationError::InvalidLocale,
        Rule::InvalidTimestamp => ValidationError::InvalidTimestamp,
        Rule::InvalidWidgetVersion => ValidationError::InvalidWidgetVersion,
        Rule::InvalidOrigin(origin) => ValidationError::InvalidOrigin(origin),
        Rule::InvalidWebhook => ValidationError::InvalidWebhook,
        // Only webhook URLs are checked inside the object; Turnstile's is checked at the route.
        Rule::InsecureUrl => ValidationError::InsecureUrl("webhook.url"),
        Rule::InvalidRetention => ValidationError::InvalidRetention,
        Rule::InvalidRev => ValidationError::InvalidRev,
        Rule::TooFast => ValidationError::TooFast,
        Rule::ShardsChangePending => ValidationError::ShardsChangePending,
        Rule::UnknownStatus(status) => ValidationError::UnknownStatus(status),
        Rule::InvalidTag => ValidationError::InvalidTag,
        Rule::TooManyTags => ValidationError::TooManyTags,
        Rule::TooManyIds => ValidationError::TooManyIds,
        Rule::InvalidLink => ValidationError::InvalidLink,
        Rule::AlertsNeedOneShard => sayso_core::alerts::NEED_ONE_SHARD,
        Rule::InvalidAttribute(key) => ValidationError::InvalidAttribute(key),
        Rule::TooManyAttributes => ValidationError::TooManyAttributes,
    })
}
