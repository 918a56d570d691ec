//! The page a submission came from: a path, never its query or fragment.

use alloc::borrow::ToOwned;
use alloc::string::String;

use serde::Serialize;

use crate::comment::is_bidi_override;
use crate::validate::{char_len, ValidationError};

/// Longest page path, in characters.
pub const PAGE_MAX_CHARS: usize = 512;

/// The most distinct pages a site counts on one (UTC) day. A client inventing paths could
/// otherwise grow the per-day counts and the summary without bound; past the cap, submissions
/// on pages new that day are counted (and stored) under `OTHER_PAGE`.
pub const PAGES_PER_DAY_MAX: u32 = 1000;

/// Where ratings on pages past `PAGES_PER_DAY_MAX` are counted. Not a path (no leading `/`),
/// so it never meets a real page.
pub const OTHER_PAGE: &str = "(other)";

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
        let cut: String =
            pathname.chars().take_while(|c| *c != '?' && *c != '#').filter(|c| !c.is_whitespace() && !c.is_control()).take(PAGE_MAX_CHARS).collect();
        PagePath::parse(&cut).unwrap_or_else(|_| PagePath("/".to_owned()))
    }

    /// `raw` without bidirectional overrides (as comments lose them) and zero-width characters
    /// (U+200B–U+200D, U+2060, U+FEFF): either makes two paths that read the same count as two
    /// pages, or one path read differently from what it is. The edge applies it to every
    /// submission before `parse` (see `SubmissionWire::normalize`).
    pub fn without_hidden_characters(raw: &str) -> String {
        raw.chars().filter(|c| !is_bidi_override(*c) && !matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}')).collect()
    }

    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn hidden_characters_leave_paths() {
        assert_eq!(PagePath::without_hidden_characters("/in\u{202e}voice\u{202c}/\u{200b}a\u{200d}\u{2060}\u{feff}\u{2066}b\u{2069}"), "/invoice/ab");
        assert_eq!(PagePath::without_hidden_characters("/caf\u{e9}/\u{200f}x"), "/caf\u{e9}/\u{200f}x");
    }
}
