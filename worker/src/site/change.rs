//! A settings patch as it travels from the route to the site's object: `SettingsChange`, the
//! fields of core's `CheckedPatch`, owned and serde-able, and the way back to it.

use sayso_core::{CheckedPatch, Limits, Origin, Scale, TurnstileView, ValidationError, WebhookSettings, WidgetConfig};
use serde::{Deserialize, Serialize};

/// One setting: left as it is, or set.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Change<T> {
    /// Not in the patch.
    Keep,
    /// The new value.
    Set(T),
}

impl<T> From<Option<T>> for Change<T> {
    fn from(value: Option<T>) -> Change<T> {
        value.map_or(Change::Keep, Change::Set)
    }
}

impl<T> Change<T> {
    fn into_option(self) -> Option<T> {
        match self {
            Change::Keep => None,
            Change::Set(value) => Some(value),
        }
    }
}

/// A `CheckedPatch` as it travels: the same fields, owned and serde-able (a patch's
/// "remove" and "keep" stay apart, which `Option<Option<_>>` in JSON would not).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SettingsChange {
    /// A new name.
    pub name: Change<String>,
    /// New allowed origins.
    pub origins: Change<Vec<String>>,
    /// A new widget configuration.
    pub widget: Change<WidgetConfig>,
    /// A new webhook, or none.
    pub webhook: Change<Option<WebhookSettings>>,
    /// A retention period, or none (keep for ever).
    pub retention_days: Change<Option<u32>>,
    /// New rate limits.
    pub limits: Change<Limits>,
    /// Turnstile on (its view and secret) or off.
    pub turnstile: Change<Option<(TurnstileView, String)>>,
    /// New accepted scales, or none (only the widget's scale).
    pub scales: Change<Option<Vec<Scale>>>,
    /// New shards (absent in calls from before shards: kept).
    #[serde(default = "keep")]
    pub shards: Change<u32>,
    /// New alert rules (absent in calls from before alerts: kept).
    #[serde(default = "keep")]
    pub alerts: Change<sayso_core::alerts::AlertRules>,
    /// Public features' changes (absent in calls from before them: kept).
    #[serde(default = "keep")]
    pub public: Change<sayso_core::quote::PublicPatch>,
}

fn keep<T>() -> Change<T> {
    Change::Keep
}

impl From<CheckedPatch> for SettingsChange {
    fn from(patch: CheckedPatch) -> SettingsChange {
        SettingsChange {
            name: patch.name.into(),
            origins: patch.origins.map(|o| o.iter().map(|o| o.as_str().to_owned()).collect()).into(),
            widget: patch.widget.into(),
            webhook: patch.webhook.into(),
            retention_days: patch.retention_days.into(),
            limits: patch.limits.into(),
            turnstile: patch.turnstile.into(),
            scales: patch.scales.into(),
            shards: patch.shards.into(),
            alerts: patch.alerts.into(),
            public: patch.public.into(),
        }
    }
}

impl TryFrom<SettingsChange> for CheckedPatch {
    type Error = ValidationError;

    /// Back to core's `CheckedPatch` (so core's `apply` is the one rule for changing settings);
    /// the origins, checked at the route, are read back as origins.
    fn try_from(change: SettingsChange) -> Result<CheckedPatch, ValidationError> {
        Ok(CheckedPatch {
            name: change.name.into_option(),
            origins: change.origins.into_option().map(|o| o.iter().map(|o| Origin::parse(o)).collect()).transpose()?,
            widget: change.widget.into_option(),
            webhook: change.webhook.into_option(),
            retention_days: change.retention_days.into_option(),
            limits: change.limits.into_option(),
            turnstile: change.turnstile.into_option(),
            scales: change.scales.into_option(),
            shards: change.shards.into_option(),
            alerts: change.alerts.into_option(),
            public: change.public.into_option(),
        })
    }
}
