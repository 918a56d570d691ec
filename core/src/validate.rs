//! The rules without a newtype of their own: owner-written texts, widget versions and client
//! timestamps (all three are checks of one field against its bounds).
//!
//! Values are parsed once at the boundary into newtypes (`ids`, `comment`, `page`, `locale`,
//! `origin`); code past the boundary cannot hold an invalid one. The widget runs these before
//! sending and the Worker runs them again on arrival. The newtypes and `ValidationError` were
//! first written here, so their old paths (`validate::SiteId`, …) stay valid.

use alloc::borrow::ToOwned;
use alloc::string::String;

pub use crate::comment::{Comment, COMMENT_MAX_CHARS};
pub use crate::error::ValidationError;
pub use crate::ids::{SiteId, SubmissionId};
pub use crate::locale::{Locale, LOCALE_MAX_CHARS};
pub use crate::origin::Origin;
pub use crate::page::{PagePath, PAGE_MAX_CHARS};

/// Longest widget text an owner may configure (question, thank-you, …), in characters.
pub const TEXT_MAX_CHARS: usize = 200;
/// Latest plausible client timestamp: 2100-01-01T00:00:00Z in milliseconds.
pub const TIMESTAMP_MAX_MS: i64 = 4_102_444_800_000;

/// Length in characters. A plain fold, not `chars().count()`, whose fast path costs the widget
/// about a kilobyte; these strings are short.
pub(crate) fn char_len(text: &str) -> usize {
    text.chars().fold(0, |n, _| n + 1)
}

/// Checks an owner-configured text (question, thank-you, …): trimmed, 1–`TEXT_MAX_CHARS` chars.
pub fn text(field: &'static str, raw: &str) -> Result<String, ValidationError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() || char_len(trimmed) > TEXT_MAX_CHARS || trimmed.chars().any(char::is_control) {
        return Err(ValidationError::InvalidText { field });
    }
    Ok(trimmed.to_owned())
}

/// Checks a widget version such as `0.1.0`.
pub fn widget_version(raw: &str) -> Result<String, ValidationError> {
    let ok = (1..=32).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-'));
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(ValidationError::InvalidWidgetVersion)
    }
}

/// Checks a client timestamp in milliseconds since the Unix epoch.
pub fn client_timestamp(ms: i64) -> Result<i64, ValidationError> {
    if ms > 0 && ms < TIMESTAMP_MAX_MS {
        Ok(ms)
    } else {
        Err(ValidationError::InvalidTimestamp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_versions_and_timestamps() {
        assert_eq!(text("question", "  Was this helpful? "), Ok("Was this helpful?".to_owned()));
        assert!(text("question", " ").is_err());
        assert!(text("question", &"x".repeat(TEXT_MAX_CHARS + 1)).is_err());
        assert!(widget_version("0.1.0").is_ok());
        assert!(widget_version("0.1.0 beta").is_err());
        assert!(client_timestamp(1_700_000_000_000).is_ok());
        assert!(client_timestamp(0).is_err());
        assert!(client_timestamp(TIMESTAMP_MAX_MS).is_err());
    }
}
