//! The charts, as inline SVG drawn from the summary (attributes only: the CSP allows no inline
//! style): the daily trend of a scale's score over its volume, and one scale's distribution.

use maud::{html, Markup};
use sayso_core::{format_day, parse_day, Scale, ScaleSummary, Summary};

use super::words;

/// The daily score as a line over the range, with the number of ratings as bars beneath.
pub fn trend(summary: &Summary, scale: Scale, from: i64, to: i64) -> Markup {
    let (w, h, pad, volume_h) = (1000.0, 240.0, 32.0, 40.0);
    let (lo, hi) = words::bounds(scale);
    let days = (to - from).max(1) as f64;
    let x = |day: i64| pad + (day - from) as f64 * (w - 2.0 * pad) / days;
    let chart_h = h - pad - volume_h - 10.0;
    let y = |score: f64| 10.0 + (hi - score) / (hi - lo) * chart_h;
    let max_count = summary.days.iter().map(|d| d.count).max().unwrap_or(1).max(1) as f64;
    let dated: Vec<_> = summary.days.iter().filter_map(|slice| Some((parse_day(&slice.key)?, slice))).collect();
    let points: Vec<(f64, f64, &str, f64)> = dated
        .iter()
        .filter_map(|(day, slice)| slice.scores.iter().find(|s| s.scale == scale).map(|s| (x(*day), y(s.score), slice.key.as_str(), s.score)))
        .collect();
    let line: Vec<String> = points.iter().map(|(px, py, _, _)| format!("{px:.1},{py:.1}")).collect();
    let n = |v: f64| format!("{v:.1}");
    html! {
        svg viewBox=(format!("0 0 {w} {h}")) role="img" aria-label=(format!("{} per day, {} to {}", words::label(scale), format_day(from), format_day(to))) {
            line.axis x1=(pad) y1=(n(y(lo))) x2=(w - pad) y2=(n(y(lo))) {}
            text x="0" y=(n(y(hi) + 4.0)) { (words::score(scale, hi)) }
            text x="0" y=(n(y(lo))) { (words::score(scale, lo)) }
            @for (day, slice) in &dated {
                @let bar = slice.count as f64 / max_count * volume_h;
                rect.volume x=(n(x(*day) - 3.0)) y=(n(h - pad + 10.0 - bar)) width="6" height=(n(bar)) {
                    title { (slice.key) ": " (slice.count) " ratings" }
                }
            }
            @if points.len() > 1 {
                polyline.line points=(line.join(" ")) {}
            }
            @for (px, py, key, score) in &points {
                circle.dot cx=(n(*px)) cy=(n(*py)) r="4" { title { (key) ": " (words::score(scale, *score)) } }
            }
            text x=(pad) y=(h) { (format_day(from)) }
            text x=(w - pad) y=(h) text-anchor="end" { (format_day(to)) }
        }
    }
}

/// One bar per value of the scale, with its count.
pub fn distribution(s: &ScaleSummary) -> Markup {
    let (w, h, pad) = (320.0, 180.0, 20.0);
    let slot = (w - 2.0 * pad) / s.histogram.len().max(1) as f64;
    let max = s.histogram.iter().map(|b| b.count).max().unwrap_or(1).max(1) as f64;
    let n = |v: f64| format!("{v:.1}");
    html! {
        svg #distribution viewBox=(format!("0 0 {w} {h}")) role="img" aria-label=(format!("How many ratings each value of the {} scale got", s.scale.as_str())) {
            @for (i, b) in s.histogram.iter().enumerate() {
                @let bar = b.count as f64 / max * (h - 2.0 * pad - 10.0);
                @let bx = pad + i as f64 * slot + slot * 0.15;
                @let value = words::value(s.scale, i64::from(b.value));
                rect.bar x=(n(bx)) y=(n(h - pad - bar)) width=(n(slot * 0.7)) height=(n(bar)) data-value=(b.value) data-count=(b.count) {
                    title { (value) ": " (b.count) }
                }
                text x=(n(bx + slot * 0.35)) y=(n(h - pad - bar - 4.0)) text-anchor="middle" { (b.count) }
                text x=(n(bx + slot * 0.35)) y=(h - 4.0) text-anchor="middle" { (value) }
            }
        }
    }
}
