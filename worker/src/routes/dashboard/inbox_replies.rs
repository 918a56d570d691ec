//! A row's reply (issue 17): the reply the owner sent and whether the visitor's browser has
//! read it, the visitor's follow-up when it came, and the form that writes the reply
//! (`inbox.js`'s reply block sends it: `PUT …/feedback/{id}/reply`). Every text here (the
//! owner's and the visitor's) goes through maud's escaper.

use maud::{html, Markup};
use sayso_core::reply::{ReplyFilter, ReplyView, REPLY_MAX_CHARS};
use sayso_core::FeedbackItem;

/// The reply block of one row; `about` names the row for screen readers ("4 stars on /docs").
pub fn block(item: &FeedbackItem, about: &str) -> Markup {
    let reply = item.reply.as_ref();
    let state = reply.map_or("none", |r| {
        if r.followup.is_some() {
            "followup"
        } else if r.seen_at.is_some() {
            "seen"
        } else {
            "unseen"
        }
    });
    html! {
        div.reply data-reply=(state) {
            div.reply-shown { @if let Some(reply) = reply { (shown(reply)) } }
            details.reply-compose {
                summary { @if reply.is_some() { "Edit the reply" } @else { "Reply" } }
                form.reply-form {
                    label { "Reply to the visitor (only their browser can read it)"
                        textarea.reply-input name="text" rows="3" maxlength=(REPLY_MAX_CHARS) required aria-label=(format!("Reply to {about}")) {
                            @if let Some(reply) = reply { (reply.text) }
                        }
                    }
                    label.reply-fixed-choice { input.reply-fixed type="checkbox" name="fixed" checked[reply.is_some_and(|r| r.fixed)]; " Mark as fixed" }
                    button.primary type="submit" { "Send reply" }
                }
            }
        }
    }
}

/// The reply as sent, whether it was seen, and the follow-up (the same shape `inbox.js` builds
/// from an answer).
fn shown(reply: &ReplyView) -> Markup {
    html! {
        p.reply-sent {
            strong { "Your reply" } @if reply.fixed { " (marked fixed)" } ": "
            span.reply-text { (reply.text) }
        }
        p.reply-seen {
            @match reply.seen_at {
                Some(seen) => { "Seen by the visitor " time data-ms=(seen) {} }
                None => { "Not seen yet" }
            }
        }
        @if let Some(followup) = &reply.followup {
            div.reply-followup {
                p { strong { "The visitor answered" } @if let Some(at) = reply.followup_at { " " time data-ms=(at) {} } ":" }
                p.reply-followup-text { (followup) }
            }
        }
    }
}

/// The filter's choices: the API's value and what the form calls it.
pub fn filter_choices() -> [(&'static str, &'static str); 3] {
    ReplyFilter::ALL.map(|f| {
        (
            f.as_str(),
            match f {
                ReplyFilter::Sent => "Has a reply",
                ReplyFilter::Unseen => "Awaiting the visitor",
                ReplyFilter::Followup => "With a follow-up",
            },
        )
    })
}
