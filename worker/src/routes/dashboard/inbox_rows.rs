//! The inbox's rows and what acts on them: one row per submission (its value, comment as text,
//! page, time, status and tags, with its own triage), the bulk bar for the checked rows, and
//! the keyboard shortcuts' help. Every visitor's or owner's text goes through maud's escaper.

use maud::{html, Markup};
use sayso_core::{FeedbackItem, Scale, Status};

use super::words;

/// The rows, newest first; the first row is the keyboard's way in (a roving tabindex).
pub fn rows(items: &[FeedbackItem]) -> Markup {
    html! {
        @if items.is_empty() {
            p.empty { "No submission matches these filters." }
        } @else {
            ol #inbox-rows .inbox-rows aria-label="Submissions" {
                @for (n, item) in items.iter().enumerate() { (row(item, n == 0)) }
            }
        }
    }
}

/// One submission's row.
fn row(item: &FeedbackItem, first: bool) -> Markup {
    let scale = Scale::parse(&item.scale);
    let value = scale.map_or_else(|| item.value.to_string(), |s| words::value(s, item.value));
    let about = format!("{value} on {}", item.page);
    html! {
        li.row tabindex=(if first { "0" } else { "-1" }) data-id=(item.id) {
            input.pick type="checkbox" aria-label=(format!("Select {about}"));
            div.row-body {
                p.row-head {
                    strong.value { (value) } " "
                    span.meta {
                        (item.scale) " · " span.row-page { (item.page) } " · " time data-ms=(item.received_at) {}
                        // A rating link's campaign (the widget's `web` goes unsaid).
                        @if item.channel != sayso_core::WEB_CHANNEL { " · via " span.row-channel { (item.channel) } }
                    }
                    // The page's attributes, each a link to the inbox of that segment.
                    @if !item.attributes.is_empty() {
                        " " span.row-attributes {
                            @for (key, value) in &item.attributes {
                                a.attribute href=(format!("?view=inbox&attribute={}", super::place::encode(&format!("{key}:{value}")))) data-nav
                                    aria-label=(format!("Only {key} {value}")) { (key) "=" (value) } " "
                            }
                        }
                    }
                    " " span.status-badge data-status=(item.status.as_str()) { (item.status.as_str()) }
                }
                @match &item.comment {
                    Some(comment) => p.text { (comment) },
                    None => p.no-comment { "No comment" },
                }
                (quote(item, &about))
                (super::inbox_replies::block(item, &about))
                div.triage {
                    label { "Status "
                        select.row-status aria-label=(format!("Status of {about}")) {
                            @for status in Status::ALL { option value=(status.as_str()) selected[status == item.status] { (status.as_str()) } }
                        }
                    }
                    ul.tags aria-label="Tags" {
                        @for tag in &item.tags {
                            li { span.tag { (tag) } button.tag-remove type="button" data-tag=(tag) aria-label=(format!("Remove tag {tag}")) { "×" } }
                        }
                    }
                    form.tag-add {
                        label { "Add a tag " input.tag-input type="text" name="tag" maxlength="32" pattern="[a-z0-9_\\-]{1,32}" autocomplete="off"; }
                        button type="submit" { "Add" }
                    }
                }
            }
        }
    }
}

/// The visitor's consent to be quoted, where the owner's review has it, and the owner's two
/// answers (`inbox.js`'s quote block sends them: `PATCH …/feedback/{id}/quote`). Nothing
/// without consent. The display name is the visitor's text: escaped like every other.
fn quote(item: &FeedbackItem, about: &str) -> Markup {
    let Some(state) = item.quote else { return html! {} };
    html! {
        div.quote data-quote=(state.as_str()) {
            span.quote-state { "Quote " (state.as_str()) }
            @match &item.quote_name {
                Some(name) => { " · as " span.quote-name { (name) } }
                None => { " · anonymous" }
            }
            " "
            button.quote-decide type="button" data-approved="true" aria-label=(format!("Approve quote: {about}")) { "Approve quote" }
            " "
            button.quote-decide type="button" data-approved="false" aria-label=(format!("Reject quote: {about}")) { "Reject quote" }
        }
    }
}

/// The bulk bar: what applies to every checked row.
pub fn bulk_bar() -> Markup {
    html! {
        div.bulk role="group" aria-label="With the checked submissions" {
            label.pick-all { input #pick-all type="checkbox"; " Select all on this page" }
            span #picked-count { "0 checked" }
            button type="button" data-bulk-status="seen" { "Mark seen" }
            button type="button" data-bulk-status="resolved" { "Resolve" }
            button type="button" data-bulk-status="archived" { "Archive" }
            button type="button" data-bulk-status="new" { "Mark new" }
            label { "Tag " input #bulk-tag type="text" maxlength="32" pattern="[a-z0-9_\\-]{1,32}" autocomplete="off"; }
            button type="button" data-bulk-tag="add" { "Add tag" }
            button type="button" data-bulk-tag="remove" { "Remove tag" }
        }
    }
}

/// The keyboard's help, shown to everyone (`?` opens and closes it).
pub fn shortcuts() -> Markup {
    html! {
        details #shortcuts .shortcuts {
            summary { "Keyboard shortcuts (press ?)" }
            dl {
                dt { kbd { "j" } " / " kbd { "↓" } } dd { "next submission (from anywhere on the page: the submissions)" }
                dt { kbd { "k" } " / " kbd { "↑" } } dd { "previous submission" }
                dt { kbd { "x" } } dd { "check or uncheck it" }
                dt { kbd { "s" } " " kbd { "r" } " " kbd { "a" } " " kbd { "n" } } dd { "mark seen, resolved, archived, new (the checked ones, or this one)" }
                dt { kbd { "t" } } dd { "add a tag to it (" kbd { "Esc" } " goes back to the row)" }
                dt { kbd { "/" } } dd { "search the text" }
            }
            p.note { "Every control is also reachable with Tab." }
        }
    }
}
