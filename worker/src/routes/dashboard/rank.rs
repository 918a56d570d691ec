//! The site's pages ranked by `sayso_core::ranking::rank_pages` (a Bayesian mean with a minimum
//! sample), lowest first; pages with too few ratings yet listed apart; each links to its
//! drill-down.

use maud::{html, Markup};
use sayso_core::ranking::{rank_pages, PAGE_MIN_RATINGS, PRIOR_RATINGS};
use sayso_core::{ScaleSummary, Summary};

use super::place::Place;
use super::words;

/// How many ranked pages the card lists, and how many of those with too few ratings.
const SHOWN: usize = 20;

/// The pages card, for the main scale `main` of `summary`.
pub fn pages(summary: &Summary, main: &ScaleSummary, place: &Place) -> Markup {
    let ranking = rank_pages(&summary.pages, main.scale, main.score);
    let scale = main.scale;
    html! {
        section.card.wide #pages aria-labelledby="pages-title" {
            h2 #pages-title { "Pages, lowest score first" }
            p.note {
                "Ranked by a Bayesian mean: each page's score blended with " (PRIOR_RATINGS) " ratings at the site's own ("
                (words::score(scale, main.score)) "), so a page's ratings outweigh the site's only once it has a few; a page needs "
                (PAGE_MIN_RATINGS) " ratings to be ranked. " (words::title(scale)) ", among the " (summary.pages.len()) " most rated of "
                (summary.pages_total) " pages."
            }
            @if ranking.ranked.is_empty() {
                p.empty { "No page has " (PAGE_MIN_RATINGS) " ratings on this scale yet." }
            } @else {
                table #ranked {
                    thead { tr { th scope="col" { "Page" } th.num scope="col" { "Ratings" } th.num scope="col" { "Score" } th.num scope="col" { "Ranked by" } } }
                    tbody {
                        @for p in ranking.ranked.iter().take(SHOWN) {
                            @let low = {
                                let (lo, hi) = words::bounds(scale);
                                (p.adjusted - lo) / (hi - lo) < 0.5
                            };
                            tr data-page=(p.page) {
                                td { a href=(place.link(Some(p.page))) data-nav { (p.page) } }
                                td.num data-count { (p.count) }
                                td.num.low[low] { (words::score(scale, p.score)) }
                                td.num { (words::score(scale, p.adjusted)) }
                            }
                        }
                    }
                }
                @if ranking.ranked.len() > SHOWN { p.note { "and " (ranking.ranked.len() - SHOWN) " more." } }
            }
            @if !ranking.too_few.is_empty() {
                h3 #too-few-title { "Too few ratings yet (fewer than " (PAGE_MIN_RATINGS) ")" }
                ul.too-few #too-few aria-labelledby="too-few-title" {
                    @for p in ranking.too_few.iter().take(SHOWN) {
                        li data-page=(p.page) {
                            a href=(place.link(Some(p.page))) data-nav { (p.page) } " · " (p.count) " ratings · " (words::score(scale, p.score))
                        }
                    }
                }
                @if ranking.too_few.len() > SHOWN { p.note { "and " (ranking.too_few.len() - SHOWN) " more." } }
            }
        }
    }
}
