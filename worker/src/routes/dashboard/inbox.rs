//! The inbox view (`/dashboard/view/inbox`): every submission, newest first, a page at a time,
//! as the address's filters keep them (`inbox_filters.rs`), each row with its triage
//! (`inbox_rows.rs`); `inbox.js` wires the triage, the bulk actions and the keyboard.

use maud::{html, Markup};
use worker::{Env, Request};

use super::inbox_filters::Filters;
use super::inbox_rows;
use crate::http::Failure;
use crate::site::{self, FeedbackQuery};

/// Renders the view for the signed-in owner. A filter the API refuses is said beside the form
/// (the owner fixes it there); a wrong key or an unknown site is the dashboard's 401.
pub async fn view(req: &Request, env: &Env) -> Result<Markup, Failure> {
    let url = req.url()?;
    let site = super::site_param(&url)?;
    let key = super::super::credential(req)?;
    let client = site::client(env, &site)?;
    let filters = Filters::read(&url);
    let listed = match FeedbackQuery::parse(&filters.api_url()?) {
        Ok(query) => Ok(client.feedback(&key, query).await.map_err(super::refused)?),
        Err(Failure::Invalid(refusal)) => Err(refusal.to_string()),
        Err(Failure::InvalidQuery(refusal)) => Err(refusal),
        Err(other) => return Err(other),
    };
    // A refused filter still needs the key checked: the page is for its owner only.
    if listed.is_err() {
        client.settings(&key).await.map_err(super::refused)?;
    }
    Ok(html! {
        section.card.wide.inbox aria-labelledby="view-title" {
            h1 #view-title { "Inbox" }
            p.note { "Every submission, newest first. Filters live in the address, so a view can be bookmarked." }
            (filters.form())
            @match &listed {
                Err(refusal) => p.error role="alert" { "That filter cannot be used: " (refusal) },
                Ok(page) => {
                    (inbox_rows::bulk_bar())
                    // A refused triage, shown (the polite region below says only what changed).
                    p #inbox-alert .error .inbox-alert role="alert" {}
                    (inbox_rows::shortcuts())
                    (inbox_rows::rows(&page.items))
                    nav.pager aria-label="Pages" {
                        @if filters.cursor.is_some() { a href=(filters.link(None)) data-nav { "Newest" } }
                        @if let Some(next) = &page.next_cursor { a href=(filters.link(Some(next))) data-nav rel="next" { "Older" } }
                    }
                    // The filters as read here (the address may hold others, or empty ones).
                    div.actions {
                        button type="button" data-inbox-export="csv" data-query=(filters.export_query()) { "Export these (CSV)" }
                        button type="button" data-inbox-export="ndjson" data-query=(filters.export_query()) { "Export these (NDJSON)" }
                    }
                }
            }
            p #inbox-live .visually-hidden role="status" aria-live="polite" {}
        }
    })
}
