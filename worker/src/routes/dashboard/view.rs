//! The signed-in view, put together: the site's overview (a card per scale, trend,
//! distribution, pages ranked, comments, data) or one page's drill-down (its cards, trend,
//! distribution and comments, with the way back).

use maud::{html, Markup};
use sayso_core::{format_day, FeedbackPage, Summary};

use super::place::Place;
use super::{cards, charts, comments, rank};

/// What one view is drawn from: the API's reads for the place the owner is at.
pub struct Reads<'a> {
    /// Where the owner is.
    pub place: &'a Place,
    /// The summary of the range.
    pub current: &'a Summary,
    /// The summary of the period as long just before it.
    pub previous: &'a Summary,
    /// The latest comments (of the page drilled into, if any).
    pub comments: &'a FeedbackPage,
    /// This edge's origin, for the snippet.
    pub edge: &'a str,
}

/// The view's HTML: every string in it goes through maud's escaper.
pub fn render(reads: &Reads) -> Markup {
    let Reads { place, current, .. } = reads;
    // The scale most ratings use leads (the later one on a tie, as the summary's own rule):
    // its card is the headline, its trend, distribution and ranking are drawn; then the others,
    // most used first.
    let main = current.scales.iter().max_by_key(|s| s.count);
    let mut scales: Vec<_> = current.scales.iter().filter(|s| Some(s.scale) != main.map(|m| m.scale)).collect();
    scales.sort_by_key(|s| std::cmp::Reverse(s.count));
    scales.splice(0..0, main);
    html! {
        section.card.wide.overview aria-labelledby="view-title" {
            @if let Some(page) = &place.page {
                p { a.back href=(place.link(None)) data-nav { "← All pages" } }
                h1 #view-title { "Page " code #view-page { (page) } }
            } @else {
                h1 #view-title { "All pages" }
            }
            div.counts {
                span #headline-total { (current.total) } " ratings · " (current.comments) " with a comment · "
                (format_day(place.from)) " to " (format_day(place.to)) " (UTC)"
            }
            @if main.is_none() {
                div.score #headline-score { "–" }
                p.empty { "No ratings in this range yet." @if place.page.is_none() { " Paste the snippet below into your pages." } }
            }
        }
        @for (i, scale) in scales.iter().enumerate() {
            (cards::headline(scale, reads.previous.scales.iter().find(|p| p.scale == scale.scale), place.span(), i == 0))
        }
        @if let Some(main) = main {
            section.card.wide aria-labelledby="trend-title" {
                h2 #trend-title { "Trend" }
                (charts::trend(current, main.scale, place.from, place.to))
            }
            section.card aria-labelledby="distribution-title" {
                h2 #distribution-title { "Distribution" }
                (charts::distribution(main))
            }
            @if place.page.is_none() {
                (rank::pages(current, main, place))
            }
            // Only once a rating link has ratings in the range: a site of the widget alone has one channel.
            @if current.channels.iter().any(|c| c.channel != sayso_core::WEB_CHANNEL) {
                (super::links::channels_card(&current.channels))
            }
            @if place.page.is_none() && !current.attribute_keys.is_empty() {
                (super::breakdown::card(current, place))
            }
        }
        (comments::latest(reads.comments, place))
        @if place.page.is_none() {
            (data(reads))
        }
        @if !scales.is_empty() {
            p.rule.wide #change-rule { (sayso_core::ranking::change_rule()) }
        }
    }
}

/// The exports and the snippet.
fn data(reads: &Reads) -> Markup {
    let snippet = format!(r#"<script async src="{}/v1/embed.js" data-site="{}"></script>"#, reads.edge, reads.current.site);
    html! {
        section.card aria-labelledby="data-title" {
            h2 #data-title { "Your data" }
            div.actions {
                button type="button" data-export="csv" { "Export CSV" }
                button type="button" data-export="ndjson" { "Export NDJSON" }
            }
            h2 { "Snippet" }
            pre #snippet { (snippet) }
            button type="button" data-copy { "Copy" }
        }
    }
}
