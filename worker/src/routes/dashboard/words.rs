//! How the dashboard writes a scale's numbers: its name, its score, a rating value, its range.

use sayso_core::scale::EMOJI_FACES;
use sayso_core::Scale;

/// The range a scale's headline score lives in.
pub fn bounds(scale: Scale) -> (f64, f64) {
    match scale {
        Scale::Stars | Scale::Emoji => (1.0, 5.0),
        Scale::Thumbs | Scale::Csat => (0.0, 100.0),
        Scale::Nps => (-100.0, 100.0),
    }
}

/// The card's title for a scale.
pub fn title(scale: Scale) -> &'static str {
    match scale {
        Scale::Stars => "Stars",
        Scale::Emoji => "Mood (emoji)",
        Scale::Thumbs => "Thumbs",
        Scale::Nps => "Net Promoter Score",
        Scale::Csat => "Customer satisfaction (CSAT)",
    }
}

/// What the headline score of a scale is.
pub fn label(scale: Scale) -> &'static str {
    match scale {
        Scale::Stars => "average rating, out of 5 stars",
        Scale::Emoji => "average mood, out of 5",
        Scale::Thumbs => "thumbs up",
        Scale::Nps => "Net Promoter Score",
        Scale::Csat => "satisfied (4 or 5 of 5)",
    }
}

/// A score as the page prints it; `ranking::shown_step` is its precision.
pub fn score(scale: Scale, score: f64) -> String {
    match scale {
        Scale::Stars | Scale::Emoji => format!("{score:.1}"),
        Scale::Thumbs | Scale::Csat => format!("{score:.0}%"),
        Scale::Nps => format!("{score:+.0}"),
    }
}

/// One rating value, as the visitor saw it.
pub fn value(scale: Scale, value: i64) -> String {
    match scale {
        Scale::Stars => format!("{value}★"),
        Scale::Emoji => EMOJI_FACES.get((value as usize).wrapping_sub(1)).unwrap_or(&"?").to_string(),
        Scale::Csat => format!("{value}/5"),
        Scale::Thumbs => (if value == 1 { "👍" } else { "👎" }).to_owned(),
        Scale::Nps => value.to_string(),
    }
}

/// A share as a whole percentage of `total` (0 of nothing is 0%).
pub fn percent(part: u64, total: u64) -> String {
    if total == 0 {
        return "0%".into();
    }
    format!("{:.0}%", part as f64 * 100.0 / total as f64)
}
