//! A site's webhook setting: where it posts and which submissions fire it.

use alloc::string::String;

use serde::{Deserialize, Serialize};

use crate::scale::Rating;
use crate::secure_url::is_secure_url;
use crate::validate::ValidationError;

/// Where a site's webhook posts, and for what: every comment, and/or ratings at or below a value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSettings {
    /// Receives a signed `POST` per matching submission; `""` in a PATCH removes the webhook.
    pub url: String,
    /// Fire for every submission with a comment.
    #[serde(default)]
    pub comments: bool,
    /// Fire for every rating at or below this value.
    #[serde(default)]
    pub at_or_below: Option<i64>,
}

impl WebhookSettings {
    /// Checks the URL and that the filter can fire.
    pub fn validate(&self) -> Result<WebhookSettings, ValidationError> {
        let url_ok = (self.url.starts_with("https://") || self.url.starts_with("http://"))
            && self.url.len() <= 2048
            && !self.url.chars().any(|c| c.is_whitespace() || c.is_control());
        if !url_ok || (!self.comments && self.at_or_below.is_none()) {
            return Err(ValidationError::InvalidWebhook);
        }
        if !is_secure_url(&self.url) {
            return Err(ValidationError::InsecureUrl("webhook.url"));
        }
        Ok(self.clone())
    }

    /// Whether a submission with this rating (and maybe a comment) is sent.
    pub fn fires_for(&self, rating: Rating, has_comment: bool) -> bool {
        (self.comments && has_comment) || self.at_or_below.is_some_and(|max| i64::from(rating.value()) <= max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::borrow::ToOwned;

    #[test]
    fn webhooks_post_over_https_or_to_this_machine_only() {
        let hook = |url: &str| WebhookSettings { url: url.to_owned(), comments: true, at_or_below: None }.validate().map(|_| ());
        assert_eq!(hook("https://hooks.example.com/x"), Ok(()));
        assert_eq!(hook("http://127.0.0.1:9/hook"), Ok(()));
        assert_eq!(hook("http://hooks.example.com/x"), Err(ValidationError::InsecureUrl("webhook.url")));
        assert_eq!(hook("ftp://hooks.example.com/x"), Err(ValidationError::InvalidWebhook));
    }
}
