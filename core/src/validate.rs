//! Every rule about what a valid submission and a valid site setting are.
//!
//! Values are parsed once at the boundary into newtypes; code past the boundary cannot hold an
//! invalid one. The widget runs these before sending and the Worker runs them again on arrival.

use alloc::borrow::ToOwned;
use alloc::string::String;

use serde::Serialize;
use thiserror::Error;

use crate::scale::Scale;

/// Longest comment, in characters.
pub const COMMENT_MAX_CHARS: usize = 2000;
/// Longest page path, in characters.
pub const PAGE_MAX_CHARS: usize = 512;
/// Longest locale tag (BCP 47 allows more, no browser sends more).
pub const LOCALE_MAX_CHARS: usize = 35;
/// Longest widget text an owner may configure (question, thank-you, …), in characters.
pub const TEXT_MAX_CHARS: usize = 200;
/// Latest plausible client timestamp: 2100-01-01T00:00:00Z in milliseconds.
pub const TIMESTAMP_MAX_MS: i64 = 4_102_444_800_000;

/// Why an input was refused. Each variant has a stable snake_case `code` for the API.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ValidationError {
    /// The submission id is not a UUID (8-4-4-4-12 hex digits).
    #[error("the submission id must be a UUID such as 0190a6e2-7c1d-7abc-8def-0123456789ab")]
    InvalidId,
    /// The site id has characters or a length a site id never has.
    #[error("the site id must be 3 to 40 characters of a-z, 0-9 and '-'")]
    InvalidSite,
    /// The scale name is not one sayso knows.
    #[error("unknown scale {0:?}: use thumbs, stars, emoji, nps or csat")]
    UnknownScale(String),
    /// The rating does not fit its scale.
    #[error("{value} is not a valid {scale} rating: use {} to {}", .scale.lowest(), .scale.highest())]
    RatingOutOfRange {
        /// The scale the value was meant for.
        scale: Scale,
        /// The value that was sent.
        value: i64,
    },
    /// The comment is longer than `COMMENT_MAX_CHARS`.
    #[error("the comment is longer than {COMMENT_MAX_CHARS} characters")]
    CommentTooLong,
    /// The page is not an absolute path without query or fragment.
    #[error("the page must be a path starting with '/', without '?' or '#', at most {PAGE_MAX_CHARS} characters")]
    InvalidPage,
    /// The locale is not a language tag.
    #[error("the locale must be a language tag such as en or pt-BR")]
    InvalidLocale,
    /// The client timestamp is not a plausible time in milliseconds.
    #[error("the client timestamp must be milliseconds since 1970, before the year 2100")]
    InvalidTimestamp,
    /// The widget version is empty, too long or has odd characters.
    #[error("the widget version must be 1 to 32 characters of 0-9, a-z, '.', '+' and '-'")]
    InvalidWidgetVersion,
    /// An allowed origin is not `http(s)://host[:port]`.
    #[error("{0:?} is not an origin: use scheme://host[:port] such as https://example.com")]
    InvalidOrigin(String),
    /// A webhook URL is not an http(s) URL, or its filter fires on nothing.
    #[error("the webhook needs an http(s) URL of at most 2048 characters, and comments: true or at_or_below: a rating")]
    InvalidWebhook,
    /// A retention period outside 0–3650 days.
    #[error("retention_days must be 1 to 3650, or 0 to keep feedback for ever")]
    InvalidRetention,
    /// An owner-configured text is empty or too long.
    #[error("{field} must be 1 to {TEXT_MAX_CHARS} characters")]
    InvalidText {
        /// Which setting.
        field: &'static str,
    },
    /// A widget setting (language, string key, pattern, theme, trigger) is not one sayso knows.
    #[error("widget setting {field}: {reason}")]
    InvalidWidgetSetting {
        /// Which setting.
        field: &'static str,
        /// What is wrong and what is allowed.
        reason: &'static str,
    },
    /// A comment was sent sooner after the widget showed than a person can type.
    #[error("the comment came too quickly after the widget was shown; please try again")]
    TooFast,
}

impl ValidationError {
    /// The stable machine-readable code sent as `error.code`.
    pub fn code(&self) -> &'static str {
        match self {
            ValidationError::InvalidId => "invalid_id",
            ValidationError::InvalidSite => "invalid_site",
            ValidationError::UnknownScale(_) => "invalid_scale",
            ValidationError::RatingOutOfRange { .. } => "rating_out_of_range",
            ValidationError::CommentTooLong => "comment_too_long",
            ValidationError::InvalidPage => "invalid_page",
            ValidationError::InvalidLocale => "invalid_locale",
            ValidationError::InvalidTimestamp => "invalid_timestamp",
            ValidationError::InvalidWidgetVersion => "invalid_widget_version",
            ValidationError::InvalidOrigin(_) => "invalid_origin",
            ValidationError::InvalidText { .. } => "invalid_text",
            ValidationError::InvalidWebhook => "invalid_webhook",
            ValidationError::InvalidRetention => "invalid_retention",
            ValidationError::InvalidWidgetSetting { .. } => "invalid_widget_setting",
            ValidationError::TooFast => "too_fast",
        }
    }
}

/// A submission's idempotency key: a UUID in lowercase, made by the client (UUIDv7).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct SubmissionId(String);

impl SubmissionId {
    /// Accepts any UUID in the 8-4-4-4-12 hex form and lowercases it.
    pub fn parse(raw: &str) -> Result<SubmissionId, ValidationError> {
        let bytes = raw.as_bytes();
        let well_formed = bytes.len() == 36
            && bytes.iter().enumerate().all(|(i, b)| match i {
                8 | 13 | 18 | 23 => *b == b'-',
                _ => b.is_ascii_hexdigit(),
            });
        if !well_formed {
            return Err(ValidationError::InvalidId);
        }
        Ok(SubmissionId(raw.to_ascii_lowercase()))
    }

    /// A UUIDv7 (RFC 9562) from a Unix time in milliseconds and 10 random bytes.
    /// Time-ordered ids keep the newest submissions together in storage.
    pub fn v7(unix_ms: u64, random: [u8; 10]) -> SubmissionId {
        let mut b = [0u8; 16];
        b[..6].copy_from_slice(&unix_ms.to_be_bytes()[2..]);
        b[6..].copy_from_slice(&random);
        b[6] = 0x70 | (b[6] & 0x0f); // version 7
        b[8] = 0x80 | (b[8] & 0x3f); // RFC 9562 variant
        let mut s = String::with_capacity(36);
        for (i, byte) in b.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                s.push('-');
            }
            s.push(char::from(HEX[usize::from(byte >> 4)]));
            s.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
        SubmissionId(s)
    }

    /// The canonical lowercase form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// A site's id: 3–40 characters of `a-z`, `0-9`, `-`, not starting or ending with `-`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct SiteId(String);

impl SiteId {
    /// Checks the site id's form.
    pub fn parse(raw: &str) -> Result<SiteId, ValidationError> {
        let ok = (3..=40).contains(&raw.len())
            && raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !raw.starts_with('-')
            && !raw.ends_with('-');
        if ok {
            Ok(SiteId(raw.to_owned()))
        } else {
            Err(ValidationError::InvalidSite)
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A visitor's comment: control characters and bidirectional overrides removed, trimmed, never
/// empty, at most `COMMENT_MAX_CHARS` characters. (Unicode NFC is applied before, with the
/// platform's normalizer: see `SubmissionWire::normalize`.)
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Comment(String);

impl Comment {
    /// Normalizes a comment; `Ok(None)` when nothing is left of it.
    pub fn parse(raw: &str) -> Result<Option<Comment>, ValidationError> {
        let cleaned: String = raw
            .chars()
            .filter(|c| (!c.is_control() || *c == '\n' || *c == '\t') && !is_bidi_override(*c))
            .collect();
        let trimmed = cleaned.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        if char_len(trimmed) > COMMENT_MAX_CHARS {
            return Err(ValidationError::CommentTooLong);
        }
        Ok(Some(Comment(trimmed.to_owned())))
    }

    /// The normalized text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) can make stored text
/// display differently from what was typed ("Trojan Source"); marks (U+200E/F) stay.
fn is_bidi_override(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The path of the page a submission came from: no query string and no fragment, because
/// those often carry personal data.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct PagePath(String);

impl PagePath {
    /// Checks a path.
    pub fn parse(raw: &str) -> Result<PagePath, ValidationError> {
        let ok = raw.starts_with('/')
            && char_len(raw) <= PAGE_MAX_CHARS
            && !raw.chars().any(|c| c == '?' || c == '#' || c.is_whitespace() || c.is_control());
        if ok {
            Ok(PagePath(raw.to_owned()))
        } else {
            Err(ValidationError::InvalidPage)
        }
    }

    /// What the widget sends for `location.pathname`: cut to the longest valid path, or `/`.
    pub fn from_location(pathname: &str) -> PagePath {
        let cut: String = pathname
            .chars()
            .take_while(|c| *c != '?' && *c != '#')
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .take(PAGE_MAX_CHARS)
            .collect();
        PagePath::parse(&cut).unwrap_or_else(|_| PagePath("/".to_owned()))
    }

    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A BCP 47-shaped language tag such as `en`, `pt-BR` or `zh-Hant-TW`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Locale(String);

impl Locale {
    /// Checks the tag's shape: a 2–3 letter language, then subtags of 1–8 letters or digits.
    pub fn parse(raw: &str) -> Result<Locale, ValidationError> {
        // On bytes: the widget runs this too, and `str::split` costs it bytes.
        let mut parts = raw.as_bytes().split(|b| *b == b'-');
        let lang_ok = parts.next().is_some_and(|l| (2..=3).contains(&l.len()) && l.iter().all(u8::is_ascii_alphabetic));
        let rest_ok = parts.all(|p| (1..=8).contains(&p.len()) && p.iter().all(u8::is_ascii_alphanumeric));
        if lang_ok && rest_ok && raw.len() <= LOCALE_MAX_CHARS {
            Ok(Locale(raw.to_owned()))
        } else {
            Err(ValidationError::InvalidLocale)
        }
    }

    /// The tag as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Locale {
    /// English, the fallback when nothing else says which language to use.
    fn default() -> Self {
        Locale("en".to_owned())
    }
}

/// A web origin, `scheme://host[:port]`, lowercase, as browsers send it in `Origin`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Origin(String);

impl Origin {
    /// Checks an origin such as `https://example.com` or `http://127.0.0.1:8080`.
    pub fn parse(raw: &str) -> Result<Origin, ValidationError> {
        let invalid = || ValidationError::InvalidOrigin(raw.chars().take(100).collect());
        let lower = raw.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"))
            .ok_or_else(invalid)?;
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        };
        let host_ok = !host.is_empty()
            && host.len() <= 253
            && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
            && !host.starts_with(['.', '-'])
            && !host.ends_with(['.', '-']);
        let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.parse::<u16>().is_ok_and(|n| n > 0));
        if host_ok && port_ok {
            // Browsers never send a scheme's default port: https://x.com:443 is https://x.com.
            let default_port = if lower.starts_with("https://") { ":443" } else { ":80" };
            Ok(Origin(lower.strip_suffix(default_port).map(str::to_owned).unwrap_or(lower)))
        } else {
            Err(invalid())
        }
    }

    /// The origin of a full URL, as from a `Referer` header.
    pub fn of_url(url: &str) -> Result<Origin, ValidationError> {
        let scheme_end = url.find("://").map(|i| i + 3).ok_or_else(|| ValidationError::InvalidOrigin(String::new()))?;
        let end = url[scheme_end..]
            .find(['/', '?', '#'])
            .map_or(url.len(), |i| scheme_end + i);
        Origin::parse(&url[..end])
    }

    /// The origin as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Length in characters. A plain fold, not `chars().count()`, whose fast path costs the widget
/// about a kilobyte; these strings are short.
fn char_len(text: &str) -> usize {
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
    let ok = (1..=32).contains(&raw.len())
        && raw.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-'));
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
    fn uuid_v7_has_version_variant_and_time_prefix() {
        let id = SubmissionId::v7(0x0190_a6e2_7c1d, [0xff; 10]);
        assert_eq!(id.as_str(), "0190a6e2-7c1d-7fff-bfff-ffffffffffff");
        assert_eq!(SubmissionId::parse(id.as_str()), Ok(id));
    }

    #[test]
    fn ids_are_lowercased_and_malformed_ids_refused() {
        let id = SubmissionId::parse("0190A6E2-7C1D-7ABC-8DEF-0123456789AB");
        assert_eq!(id.map(|i| i.as_str().to_owned()), Ok("0190a6e2-7c1d-7abc-8def-0123456789ab".to_owned()));
        for bad in ["", "0190a6e2-7c1d-7abc-8def-0123456789a", "0190a6e2x7c1d-7abc-8def-0123456789ab", "g190a6e2-7c1d-7abc-8def-0123456789ab"] {
            assert_eq!(SubmissionId::parse(bad), Err(ValidationError::InvalidId), "{bad}");
        }
    }

    #[test]
    fn site_ids() {
        assert!(SiteId::parse("demo").is_ok());
        assert!(SiteId::parse("my-site-2").is_ok());
        for bad in ["ab", "Demo", "-demo", "demo-", "de mo", "dé-mo", &"a".repeat(41)] {
            assert!(SiteId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn comments_are_cleaned_trimmed_and_bounded() {
        assert_eq!(Comment::parse("  \u{0}\u{7} "), Ok(None));
        assert_eq!(Comment::parse(" nice\u{1b}[31m \n page ").map(|c| c.map(|c| c.0)), Ok(Some("nice[31m \n page".to_owned())));
        assert!(Comment::parse(&"é".repeat(COMMENT_MAX_CHARS)).is_ok());
        assert_eq!(Comment::parse(&"é".repeat(COMMENT_MAX_CHARS + 1)), Err(ValidationError::CommentTooLong));
        assert_eq!(Comment::parse("\u{202e}gnp.exe\u{202c} \u{2066}x\u{2069} \u{200f}ok").map(|c| c.map(|c| c.0)), Ok(Some("gnp.exe x \u{200f}ok".to_owned())));
    }

    #[test]
    fn pages_are_paths_without_query() {
        assert!(PagePath::parse("/docs/intro").is_ok());
        for bad in ["", "docs", "/a?b=1", "/a#x", "/a b", &format!("/{}", "a".repeat(PAGE_MAX_CHARS))] {
            assert!(PagePath::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(PagePath::from_location("/a b?x").as_str(), "/ab");
        assert_eq!(PagePath::from_location("nope").as_str(), "/");
        assert_eq!(PagePath::from_location(&"/".repeat(1000)).as_str().len(), PAGE_MAX_CHARS);
    }

    #[test]
    fn locales() {
        for good in ["en", "pt-BR", "zh-Hant-TW", "ast"] {
            assert!(Locale::parse(good).is_ok(), "{good}");
        }
        for bad in ["", "e", "english", "en_US", "en-", "en--US", "en-toolongsubtag"] {
            assert!(Locale::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn origins() {
        assert_eq!(Origin::parse("HTTPS://Example.com").map(|o| o.0), Ok("https://example.com".to_owned()));
        assert!(Origin::parse("http://127.0.0.1:8080").is_ok());
        assert_eq!(Origin::parse("https://x.com:443").map(|o| o.0), Ok("https://x.com".to_owned()));
        assert_eq!(Origin::parse("http://x.com:80").map(|o| o.0), Ok("http://x.com".to_owned()));
        assert_eq!(Origin::parse("http://x.com:443").map(|o| o.0), Ok("http://x.com:443".to_owned()));
        for bad in ["example.com", "ftp://x.com", "https://", "https://x.com/", "https://x.com:0", "https://x.com:99999", "https://a b.com"] {
            assert!(Origin::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Origin::of_url("https://x.com:8443/a/b?c#d").map(|o| o.0), Ok("https://x.com:8443".to_owned()));
        assert!(Origin::of_url("/relative").is_err());
    }

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
