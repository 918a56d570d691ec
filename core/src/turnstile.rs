//! A site's Cloudflare Turnstile setting: the keys the owner gives, and the part the owner reads back.

use alloc::borrow::ToOwned;
use alloc::string::String;

use serde::{Deserialize, Serialize};

use crate::secure_url::is_secure_url;
use crate::validate::ValidationError;

/// Cloudflare Turnstile for comments: the widget shows the challenge with `site_key`, the edge
/// checks each token with `secret` at `verify_url`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TurnstileSettings {
    /// The public site key (shown to the widget).
    pub site_key: String,
    /// The secret key (stored; never shown again).
    #[serde(default)]
    pub secret: String,
    /// Where tokens are checked; Cloudflare's siteverify when absent (tests use a local one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_url: Option<String>,
}

/// Cloudflare's token check.
pub const TURNSTILE_VERIFY_URL: &str = "https://challenges.cloudflare.com/turnstile/v0/siteverify";

/// What the owner reads back of the Turnstile settings (the secret stays stored).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnstileView {
    /// The public site key.
    pub site_key: String,
    /// Where tokens are checked.
    pub verify_url: String,
}

impl TurnstileSettings {
    /// Checks the keys and the URL; `None`: turn Turnstile off.
    pub fn validate(&self) -> Result<Option<(TurnstileView, String)>, ValidationError> {
        if self.site_key.is_empty() {
            return Ok(None);
        }
        let invalid = ValidationError::InvalidWidgetSetting {
            field: "turnstile",
            reason: "site_key and secret are 1 to 200 printable characters; verify_url is an http(s) URL",
        };
        let printable = |t: &str| (1..=200).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_graphic());
        let url = self.verify_url.clone().unwrap_or_else(|| TURNSTILE_VERIFY_URL.to_owned());
        let url_ok = (url.starts_with("https://") || url.starts_with("http://")) && url.len() <= 2048 && url.bytes().all(|b| b.is_ascii_graphic());
        if !printable(&self.site_key) || !printable(&self.secret) || !url_ok {
            return Err(invalid);
        }
        if !is_secure_url(&url) {
            return Err(ValidationError::InsecureUrl("turnstile.verify_url"));
        }
        Ok(Some((TurnstileView { site_key: self.site_key.clone(), verify_url: url }, self.secret.clone())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_checked_over_https_or_on_this_machine_only() {
        let check = |url: Option<&str>| {
            TurnstileSettings { site_key: "0x4AAA".to_owned(), secret: "shh".to_owned(), verify_url: url.map(str::to_owned) }
                .validate()
                .map(|v| v.is_some())
        };
        assert_eq!(check(None), Ok(true));
        assert_eq!(check(Some("http://localhost:9/verify")), Ok(true));
        assert_eq!(check(Some("http://verify.example/siteverify")), Err(ValidationError::InsecureUrl("turnstile.verify_url")));
    }
}
