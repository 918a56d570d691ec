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
}

impl Scale {
    /// Every scale, in the order summaries list them.
    pub const ALL: [Scale; 3] = [Scale::Thumbs, Scale::Stars, Scale::Nps];

    /// The lowest valid value.
    pub fn lowest(self) -> u8 {
        match self {
            Scale::Thumbs | Scale::Nps => 0,
            Scale::Stars => 1,
        }
    }

    /// The highest valid value.
    pub fn highest(self) -> u8 {
        match self {
            Scale::Thumbs => 1,
            Scale::Stars => 5,
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
    }
}
