//! The visitor's comment: cleaned of what could make it display differently from what was typed.

use alloc::borrow::ToOwned;
use alloc::string::String;

use serde::Serialize;

use crate::validate::{char_len, ValidationError};

/// Longest comment, in characters.
pub const COMMENT_MAX_CHARS: usize = 2000;

/// A visitor's comment: control characters and bidirectional overrides removed, trimmed, never
/// empty, at most `COMMENT_MAX_CHARS` characters. (Unicode NFC is applied before, with the
/// platform's normalizer: see `SubmissionWire::normalize`.)
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Comment(String);

impl Comment {
    /// Normalizes a comment; `Ok(None)` when nothing is left of it.
    pub fn parse(raw: &str) -> Result<Option<Comment>, ValidationError> {
        let cleaned: String = raw.chars().filter(|c| (!c.is_control() || *c == '\n' || *c == '\t') && !is_bidi_override(*c)).collect();
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
pub(crate) fn is_bidi_override(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_cleaned_trimmed_and_bounded() {
        assert_eq!(Comment::parse("  \u{0}\u{7} "), Ok(None));
        assert_eq!(Comment::parse(" nice\u{1b}[31m \n page ").map(|c| c.map(|c| c.0)), Ok(Some("nice[31m \n page".to_owned())));
        assert!(Comment::parse(&"é".repeat(COMMENT_MAX_CHARS)).is_ok());
        assert_eq!(Comment::parse(&"é".repeat(COMMENT_MAX_CHARS + 1)), Err(ValidationError::CommentTooLong));
        assert_eq!(
            Comment::parse("\u{202e}gnp.exe\u{202c} \u{2066}x\u{2069} \u{200f}ok").map(|c| c.map(|c| c.0)),
            Ok(Some("gnp.exe x \u{200f}ok".to_owned()))
        );
    }
}
