//! The public score badge (`GET /v1/sites/{site}/badge.svg`): what it says of a site's summary
//! ("4.6 / 5 · 1,203 ratings") and the shields-style SVG that says it, accessible (`role="img"`,
//! a `<title>` and the same words as its label). Nothing a visitor or an owner wrote reaches the
//! badge (its words are numbers and this file's own), so it needs no escaping.

use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::{String, ToString};

use crate::{Scale, ScaleSummary};

/// The badge's left side.
pub const LABEL: &str = "feedback";

/// What the badge says of a site: the headline of its most rated scale, and the ratings it
/// counts. With no ratings yet: "no ratings yet".
pub fn message(scales: &[ScaleSummary]) -> String {
    let Some(top) = scales.iter().filter(|s| s.count > 0).max_by_key(|s| (s.count, core::cmp::Reverse(s.scale))) else {
        return "no ratings yet".to_owned();
    };
    let score = match top.scale {
        Scale::Stars | Scale::Emoji => format!("{:.1} / 5", top.score),
        Scale::Thumbs => format!("{:.0}% positive", top.score),
        Scale::Nps => format!("NPS {:+.0}", top.score),
        Scale::Csat => format!("{:.0}% satisfied", top.score),
    };
    let noun = if top.count == 1 { "rating" } else { "ratings" };
    format!("{score} · {} {noun}", thousands(top.count))
}

/// `n` with a comma between each group of three digits.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// About how wide `text` is at 11 px in Verdana/DejaVu Sans (shields' font): a few classes of
/// glyph width, enough for the box to fit its words.
fn width(text: &str) -> u32 {
    text.chars()
        .map(|c| match c {
            'i' | 'l' | '.' | ',' | ':' | '\'' | '|' => 4,
            ' ' | 'f' | 'j' | 'r' | 't' | '/' | '·' => 5,
            'm' | 'w' | '%' | 'M' | 'W' => 10,
            c if c.is_ascii_uppercase() => 8,
            _ => 7,
        })
        .sum()
}

/// The badge as SVG: `label` on grey, `message` on the accent colour.
pub fn svg(label: &str, message: &str) -> String {
    let (left, right) = (width(label) + 12, width(message) + 12);
    let total = left + right;
    let (lx, rx) = (left * 5, left * 10 + right * 5);
    let words = format!("{label}: {message}");
    format!(
        concat!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" aria-label="{words}">"##,
            r##"<title>{words}</title>"##,
            r##"<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>"##,
            r##"<clipPath id="r"><rect width="{total}" height="20" rx="3" fill="#fff"/></clipPath>"##,
            r##"<g clip-path="url(#r)"><rect width="{left}" height="20" fill="#555"/><rect x="{left}" width="{right}" height="20" fill="#4f46e5"/><rect width="{total}" height="20" fill="url(#s)"/></g>"##,
            r##"<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="110" transform="scale(.1)" aria-hidden="true">"##,
            r##"<text x="{lx}" y="140">{label}</text><text x="{rx}" y="140">{message}</text></g></svg>"##,
        ),
        total = total,
        words = words,
        left = left,
        right = right,
        lx = lx,
        rx = rx,
        label = label,
        message = message,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Bucket;
    use alloc::vec::Vec;

    fn scale(scale: Scale, count: u64, score: f64) -> ScaleSummary {
        ScaleSummary { scale, count, comments: 0, mean: score, score, csat: None, histogram: Vec::<Bucket>::new(), nps: None }
    }

    #[test]
    fn the_badge_speaks_for_the_most_rated_scale_with_its_count() {
        assert_eq!(message(&[]), "no ratings yet");
        assert_eq!(message(&[scale(Scale::Stars, 1203, 4.5649)]), "4.6 / 5 · 1,203 ratings");
        assert_eq!(message(&[scale(Scale::Stars, 3, 4.0), scale(Scale::Nps, 40, 31.6)]), "NPS +32 · 40 ratings");
        assert_eq!(message(&[scale(Scale::Nps, 2, -50.0)]), "NPS -50 · 2 ratings");
        assert_eq!(message(&[scale(Scale::Thumbs, 1, 100.0)]), "100% positive · 1 rating");
        assert_eq!(message(&[scale(Scale::Csat, 12, 87.49)]), "87% satisfied · 12 ratings");
        assert_eq!(message(&[scale(Scale::Stars, 0, 0.0)]), "no ratings yet");
    }

    #[test]
    fn thousands_are_grouped_by_three() {
        for (n, text) in [(0, "0"), (999, "999"), (1000, "1,000"), (1_234_567, "1,234,567"), (u64::MAX, "18,446,744,073,709,551,615")] {
            assert_eq!(thousands(n), text);
        }
    }

    #[test]
    fn the_svg_is_labelled_for_screen_readers_and_fits_its_words() {
        let svg = svg(LABEL, "4.6 / 5 · 1,203 ratings");
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("role=\"img\" aria-label=\"feedback: 4.6 / 5 · 1,203 ratings\""));
        assert!(svg.contains("<title>feedback: 4.6 / 5 · 1,203 ratings</title>"));
        assert!(svg.ends_with("</svg>"));
        assert!(width("4.6 / 5 · 1,203 ratings") > width("no"), "longer words, wider box");
    }
}
