//! A headline card per scale in use: its score, what stands behind it (CSAT share, the NPS
//! groups, thumbs, faces) and its change against the previous period, coloured only when
//! `sayso_core::ranking::compare` calls it beyond noise.

use maud::{html, Markup};
use sayso_core::ranking::{self, Call};
use sayso_core::scale::EMOJI_FACES;
use sayso_core::{Nps, Scale, ScaleSummary};

use super::words;

/// The card of one scale; `before` is the same scale over the previous `span` days. The
/// `headline` card (the main scale's) carries the ids the page has always had for its headline
/// (`headline-score`, and its change as the page's first `div.delta`), which tests read.
pub fn headline(now: &ScaleSummary, before: Option<&ScaleSummary>, span: i64, headline: bool) -> Markup {
    let name = now.scale.as_str();
    let score_id = if headline { "headline-score".to_owned() } else { format!("score-{name}") };
    html! {
        section.card.scale-card #(format!("card-{name}")) aria-labelledby=(format!("title-{name}")) {
            h2 #(format!("title-{name}")) { (words::title(now.scale)) }
            div.score #(score_id) { (words::score(now.scale, now.score)) }
            p.label {
                (words::label(now.scale)) " · "
                span #(format!("count-{name}")) { (now.count) } " ratings"
            }
            (detail(now))
            (change(now, before, span, headline))
        }
    }
}

/// What the score is made of, per scale.
fn detail(s: &ScaleSummary) -> Markup {
    let count = |lo: u8, hi: u8| s.histogram.iter().filter(|b| (lo..=hi).contains(&b.value)).map(|b| b.count).sum::<u64>();
    match s.scale {
        Scale::Stars | Scale::Csat => html! {
            p.detail {
                "CSAT " strong #(format!("csat-{}", s.scale.as_str())) { (words::score(Scale::Csat, s.csat.unwrap_or(0.0))) }
                " · " (count(4, 5)) " of " (s.count) " rated 4 or 5"
            }
        },
        Scale::Thumbs => html! {
            p.detail { "👍 " span #thumbs-up { (count(1, 1)) } " · 👎 " span #thumbs-down { (count(0, 0)) } }
        },
        Scale::Emoji => html! {
            ul.faces aria-label="Ratings per face" {
                @for (face, n) in EMOJI_FACES.iter().zip(1u8..) {
                    li { span.face { (face) } " " span data-face=(n) { (count(n, n)) } " (" (words::percent(count(n, n), s.count)) ")" }
                }
            }
        },
        Scale::Nps => s.nps.map(|nps| groups(&nps, s.count)).unwrap_or_default(),
    }
}

/// The promoters / passives / detractors bar (its widths are SVG attributes: no inline style)
/// and their counts and shares.
fn groups(nps: &Nps, total: u64) -> Markup {
    let share = |n: u64| if total == 0 { 0.0 } else { n as f64 * 100.0 / total as f64 };
    let (p, q, d) = (share(nps.promoters), share(nps.passives), share(nps.detractors));
    let said = format!(
        "Promoters {}, passives {}, detractors {}",
        words::percent(nps.promoters, total),
        words::percent(nps.passives, total),
        words::percent(nps.detractors, total)
    );
    html! {
        svg.nps-bar viewBox="0 0 100 6" preserveAspectRatio="none" role="img" aria-label=(said) {
            rect.promoters x="0" y="0" height="6" width=(format!("{p:.2}")) {}
            rect.passives x=(format!("{p:.2}")) y="0" height="6" width=(format!("{q:.2}")) {}
            rect.detractors x=(format!("{:.2}", p + q)) y="0" height="6" width=(format!("{d:.2}")) {}
        }
        ul.legend {
            li { span.swatch.promoters {} "Promoters (9–10) " strong #nps-promoters { (nps.promoters) } " · " (words::percent(nps.promoters, total)) }
            li { span.swatch.passives {} "Passives (7–8) " strong #nps-passives { (nps.passives) } " · " (words::percent(nps.passives, total)) }
            li { span.swatch.detractors {} "Detractors (0–6) " strong #nps-detractors { (nps.detractors) } " · " (words::percent(nps.detractors, total)) }
        }
    }
}

/// The change against the previous period: green or red only beyond noise, grey otherwise,
/// with the reason said in words (colour is never the only signal).
fn change(now: &ScaleSummary, before: Option<&ScaleSummary>, span: i64, headline: bool) -> Markup {
    let Some(before) = before else {
        return html! { div.change data-call="none" { p.call { "No ratings on this scale in the previous " (span) " days" } } };
    };
    let change = ranking::compare(before, now);
    let (class, note) = match change.call {
        Call::Better => ("better", "beyond noise"),
        Call::Worse => ("worse", "beyond noise"),
        Call::NoClearChange => ("neutral", "no clear change"),
        Call::TooFew => ("neutral", "too few ratings to tell"),
    };
    // The arrow follows the sign, so "▲ 0.0" can be shown, but only in grey: `compare` never
    // calls a change that prints as zero.
    let arrow = if change.delta > 0.0 {
        "▲"
    } else if change.delta < 0.0 {
        "▼"
    } else {
        "="
    };
    let line = format!("{arrow} {:.1} vs the previous {span} days", change.delta.abs());
    let delta = format!("delta {class}");
    let rule = ranking::change_rule();
    html! {
        div.change data-call=(class) {
            @if headline { div class=(delta) title=(rule) { (line) } } @else { p class=(delta) title=(rule) { (line) } }
            p.call { "Before: " (words::score(now.scale, before.score)) " · " (note) }
        }
    }
}
