//! The overview's card of the range by attribute (`?by=KEY`): the keys the site's pages attach
//! (each a link that picks it), and for the one picked its values' ratings, comments and
//! scores, most rated first, with the ratings sent without it.

use maud::{html, Markup};
use sayso_core::{Summary, ValueSummary};

use super::place::{encode, Place};

/// The card (shown once a submission in the site carries an attribute).
pub(super) fn card(current: &Summary, place: &Place) -> Markup {
    html! {
        section.card #breakdown-card aria-labelledby="breakdown-title" {
            h2 #breakdown-title { "By attribute" }
            nav.attribute-keys aria-label="Break down by" {
                @for key in &current.attribute_keys {
                    @let chosen = place.by.as_deref() == Some(key.as_str());
                    a href=(format!("{}&by={}", place.link(None), encode(key))) data-nav aria-current=[chosen.then_some("true")] { (key) } " "
                }
            }
            @match &current.breakdown {
                None => p.muted { "Choose an attribute to see its values' scores." },
                Some(breakdown) if breakdown.values.is_empty() => p.empty #breakdown-empty { "No ratings with " (breakdown.key) " in this range." },
                Some(breakdown) => {
                    table.channels #breakdown {
                        thead { tr { th scope="col" { (breakdown.key) } th scope="col" { "Ratings" } th scope="col" { "Comments" } th scope="col" { "Score" } } }
                        tbody {
                            @for value in &breakdown.values { (row(&value.value, value)) }
                            @if let Some(unset) = &breakdown.unset { (row("(not set)", unset)) }
                        }
                    }
                    @if breakdown.values_total > breakdown.values.len() as u64 {
                        p.muted { "The " (breakdown.values.len()) " most rated of " (breakdown.values_total) " values." }
                    }
                }
            }
        }
    }
}

/// One value's line.
fn row(name: &str, value: &ValueSummary) -> Markup {
    super::links::slice_row(name, value.total, value.comments, &value.scales)
}
