//! A settings change tried and stored nowhere (`PATCH /v1/sites/{site}?dry_run=true`): the
//! object judges the patch exactly as it would judge the change, on a copy of its record.

use sayso_core::{CheckedPatch, SiteView};
use serde::{Deserialize, Serialize};

use super::call;
use super::SiteObject;
use crate::http::Failure;

/// The settings before and after a change that was only tried.
#[derive(Serialize, Deserialize)]
pub struct Tried {
    /// The settings as they are.
    pub before: SiteView,
    /// The settings as the change would leave them. A webhook set where none was has no
    /// signing secret yet: saving makes one.
    pub after: SiteView,
    /// Whether the Turnstile secret would change (never its value: the secret is not in the
    /// settings), and whether one is set before and after; `None`: it stays.
    #[serde(default)]
    pub secret: Option<SecretChange>,
}

/// A change of the Turnstile secret, as the list of changes may show it: set or not, never what.
#[derive(Serialize, Deserialize)]
pub struct SecretChange {
    /// Whether a secret is set now.
    pub before: bool,
    /// Whether one would be set after the change.
    pub after: bool,
}

impl SiteObject {
    /// Applies the change to a copy of the record, as `change_settings` would (core's `apply`,
    /// the shard map's refusal of a change while one is pending), and writes nothing.
    pub(super) fn try_settings(&self, call: call::TrySettings) -> Result<Tried, Failure> {
        let mut record = self.owner(&call.key)?;
        let (before, secret_before) = (record.settings.clone(), record.turnstile_secret.clone());
        let patch = CheckedPatch::try_from(call.change)?;
        let now = worker::Date::now().as_millis() as i64;
        super::settings::apply_change(&mut record, patch, String::new, now)?;
        // The secret made above is a placeholder: the real one is made when the change is saved.
        if record.settings.webhook_secret.as_deref() == Some("") {
            record.settings.webhook_secret = None;
        }
        let secret = (record.turnstile_secret != secret_before)
            .then(|| SecretChange { before: secret_before.is_some(), after: record.turnstile_secret.is_some() });
        Ok(Tried { before, after: record.settings, secret })
    }
}
