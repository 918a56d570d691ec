//! Rating scales and the `Rating` newtype: a value that is always inside its scale's range.

use serde::{Deserialize, Serialize};

use crate::validate::ValidationError;

/// How a visitor rates: the widget draws it, the aggregates interpret it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    /// Thumbs down (0) or up (1).
    Thumbs,
    /// One to five stars.
    Stars,
    /// Net Promoter Score question: 0 (not likely) to 10 (extremely likely).
    Nps,
    /// Five faces, from terrible (1) to great (5).
    Emoji,
    /// Customer satisfaction: very unsatisfied (1) to very satisfied (5).
    Csat,
}

impl Scale {
    /// Every scale, in the order summaries list them.
    pub const ALL: [Scale; 5] = [Scale::Thumbs, Scale::Stars, Scale::Nps, Scale::Emoji, Scale::Csat];

    /// The lowest valid value.
    pub fn lowest(self) -> u8 {
        match self {
            Scale::Thumbs | Scale::Nps => 0,
            Scale::Stars | Scale::Emoji | Scale::Csat => 1,
        }
    }

    /// The highest valid value.
    pub fn highest(self) -> u8 {
        match self {
            Scale::Thumbs => 1,
            Scale::Stars | Scale::Emoji | Scale::Csat => 5,
            Scale::Nps => 10,
        }
    }

    /// Every valid value, lowest first.
    pub fn values(self) -> impl DoubleEndedIterator<Item = u8> {
        self.lowest()..=self.highest()
    }

    /// The name used on the wire, in storage and in the `scale` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Scale::Thumbs => "thumbs",
            Scale::Stars => "stars",
            Scale::Nps => "nps",
            Scale::Emoji => "emoji",
            Scale::Csat => "csat",
        }
    }

    /// Parses the wire name; `None` for anything else.
    pub fn parse(name: &str) -> Option<Scale> {
        Scale::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl core::fmt::Display for Scale {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The faces of the emoji scale, for values 1 to 5 (the widget draws them, the dashboard
/// shows them next to comments).
pub const EMOJI_FACES: [&str; 5] = ["\u{1F620}", "\u{1F615}", "\u{1F610}", "\u{1F642}", "\u{1F60D}"];

/// A value on a scale; holding one proves the value is in range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rating {
    scale: Scale,
    value: u8,
}

impl Rating {
    /// Checks `value` against the scale's range.
    pub fn new(scale: Scale, value: i64) -> Result<Rating, ValidationError> {
        if value < i64::from(scale.lowest()) || value > i64::from(scale.highest()) {
            return Err(ValidationError::RatingOutOfRange { scale, value });
        }
        // In range, so it fits in a u8.
        Ok(Rating { scale, value: value as u8 })
    }

    /// The scale this rating is on.
    pub fn scale(self) -> Scale {
        self.scale
    }

    /// The value, within `scale().lowest()..=scale().highest()`.
    pub fn value(self) -> u8 {
        self.value
    }

    /// How the visitor feels: thumbs down, 1–2 of five, or an NPS detractor (0–6) is unhappy;
    /// thumbs up, 4–5 of five, or a promoter (9–10) is happy; the rest is neutral. The widget
    /// picks its follow-up question by it and the dashboard colours comments by it.
    pub fn sentiment(self) -> Sentiment {
        let (unhappy_to, happy_from) = match self.scale {
            Scale::Thumbs => (0, 1),
            Scale::Nps => (6, 9),
            Scale::Stars | Scale::Emoji | Scale::Csat => (2, 4),
        };
        if self.value <= unhappy_to {
            Sentiment::Unhappy
        } else if self.value >= happy_from {
            Sentiment::Happy
        } else {
            Sentiment::Neutral
        }
    }
}

/// The mood behind a rating (see `Rating::sentiment`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sentiment {
    /// Thumbs down, 1–2 of five, NPS 0–6.
    Unhappy,
    /// Three of five, NPS 7–8.
    Neutral,
    /// Thumbs up, 4–5 of five, NPS 9–10.
    Happy,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for scale in Scale::ALL {
            assert_eq!(Scale::parse(scale.as_str()), Some(scale));
        }
        assert_eq!(Scale::parse("Stars"), None);
        assert_eq!(Scale::parse(""), None);
    }

    #[test]
    fn ratings_outside_the_scale_are_refused() {
        assert!(Rating::new(Scale::Stars, 0).is_err());
        assert!(Rating::new(Scale::Stars, 6).is_err());
        assert!(Rating::new(Scale::Thumbs, 2).is_err());
        assert!(Rating::new(Scale::Nps, -1).is_err());
        assert!(Rating::new(Scale::Nps, 11).is_err());
        assert_eq!(Rating::new(Scale::Nps, 10).map(Rating::value), Ok(10));
        assert_eq!(Rating::new(Scale::Stars, 1).map(Rating::value), Ok(1));
        for scale in [Scale::Emoji, Scale::Csat] {
            assert!(Rating::new(scale, 0).is_err() && Rating::new(scale, 6).is_err());
            assert!(Rating::new(scale, 1).is_ok() && Rating::new(scale, 5).is_ok());
        }
    }

    #[test]
    fn sentiment_splits_each_scale_at_its_conventional_lines() {
        let mood = |scale, value| Rating::new(scale, value).map(Rating::sentiment);
        assert_eq!(mood(Scale::Thumbs, 0), Ok(Sentiment::Unhappy));
        assert_eq!(mood(Scale::Thumbs, 1), Ok(Sentiment::Happy));
        assert_eq!(mood(Scale::Nps, 6), Ok(Sentiment::Unhappy));
        assert_eq!(mood(Scale::Nps, 7), Ok(Sentiment::Neutral));
        assert_eq!(mood(Scale::Nps, 9), Ok(Sentiment::Happy));
        for scale in [Scale::Stars, Scale::Emoji, Scale::Csat] {
            assert_eq!(mood(scale, 2), Ok(Sentiment::Unhappy));
            assert_eq!(mood(scale, 3), Ok(Sentiment::Neutral));
            assert_eq!(mood(scale, 4), Ok(Sentiment::Happy));
        }
    }
}
