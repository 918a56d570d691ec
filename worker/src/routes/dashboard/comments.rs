//! The latest comments of the site or of the page drilled into, newest first, each with its
//! rating, its page (a link to the page's drill-down) and when it came.

use maud::{html, Markup};
use sayso_core::{FeedbackPage, Rating, Scale, Sentiment};

use super::place::Place;
use super::words;

/// The comments card.
pub fn latest(page: &FeedbackPage, place: &Place) -> Markup {
    html! {
        section.card.wide aria-labelledby="comments-title" {
            h2 #comments-title { "Latest comments" }
            p.note { "Newest first, from any date." }
            div.filters role="group" aria-label="Show" {
                button type="button" data-filter="all" aria-pressed="true" { "All" }
                button type="button" data-filter="low" aria-pressed="false" { "Unhappy" }
                button type="button" data-filter="high" aria-pressed="false" { "Happy" }
            }
            @if page.items.is_empty() {
                p.empty { "No comments yet." }
            } @else {
                ul.comments {
                    @for item in &page.items {
                        @let scale = Scale::parse(&item.scale).unwrap_or(Scale::Stars);
                        @let tone = match Rating::new(scale, item.value).map(Rating::sentiment) {
                            Ok(Sentiment::Unhappy) => "low",
                            Ok(Sentiment::Happy) => "high",
                            _ => "mid",
                        };
                        li data-tone=(tone) {
                            div { strong { (words::value(scale, item.value)) } " " span.text { (item.comment.as_deref().unwrap_or("")) } }
                            div.meta {
                                @if place.page.is_some() { (item.page) } @else { a href=(place.link(Some(&item.page))) data-nav { (item.page) } }
                                " · " time data-ms=(item.received_at) {}
                            }
                        }
                    }
                }
            }
        }
    }
}
