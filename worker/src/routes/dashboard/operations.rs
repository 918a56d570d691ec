//! The operations view (`/dashboard/view/operations`, owner key): the webhook's state with its
//! test button and delivery log, Turnstile and retention as they are (each linking to its group
//! in the settings form, which owns changing them), key rotation and deleting the site, both
//! confirmed (`operations.js` does the asking).

use maud::{html, Markup};
use sayso_core::{SiteView, Threshold, WebhookSettings};
use worker::{Env, Request};

use crate::http::Failure;
use crate::site::{self, Attempt};

/// Renders the view for the signed-in owner: two reads of shard 0 (settings, delivery log).
pub async fn view(req: &Request, env: &Env) -> Result<Markup, Failure> {
    let site = super::site_param(&req.url()?)?;
    let key = super::super::credential(req)?;
    let client = site::client(env, &site)?;
    let settings = match client.settings(&key).await {
        // An erase stopped half-way: only finishing it is left to do.
        Err(Failure::SiteBeingErased) => return Ok(being_erased(site.as_str())),
        other => other.map_err(super::refused)?,
    };
    let log = client.deliveries(&key).await.map_err(super::refused)?;
    Ok(html! {
        section.card.wide aria-labelledby="view-title" {
            h1 #view-title { "Operations" }
            p.counts { (settings.name) " · " code #ops-site { (settings.site) } }
        }
        (webhook(&settings, log.pending, &log.deliveries))
        (protection(&settings))
        (data(&settings))
        (owner_key())
        (delete(&settings.site))
    })
}

/// The webhook: set or not, what fires it, the test button and the log.
fn webhook(settings: &SiteView, pending: i64, deliveries: &[Attempt]) -> Markup {
    let hook = settings.webhook.as_ref();
    html! {
        section.card.wide #webhook-card aria-labelledby="webhook-title" {
            h2 #webhook-title { "Webhook" }
            @if let Some(hook) = hook {
                p #webhook-state { "Posts to " code { (hook.url) } " for " (fires(hook)) ", signed with the site's webhook secret." }
                p { a href="?view=settings#webhook" data-settings { "Change the webhook in Settings" } }
            } @else {
                p #webhook-state { "No webhook is set: nothing is sent when feedback arrives." }
                p { a href="?view=settings#webhook" data-settings { "Set up a webhook in Settings" } }
            }
            div.actions {
                button.primary type="button" #send-test disabled[hook.is_none()] { "Send a test event" }
                button type="button" #refresh-log { "Refresh the log" }
            }
            p #test-status role="status" {}
            h3 #log-title { "Delivery log" }
            p.meta #log-pending { (pending) " waiting to be sent · the last 100 attempts, newest first" }
            @if deliveries.is_empty() {
                p.empty #log-empty { "Nothing sent yet." }
            } @else {
                table #delivery-log aria-labelledby="log-title" {
                    thead { tr { th scope="col" { "Time" } th scope="col" { "Event" } th scope="col" { "Status" } th.num scope="col" { "Attempt" } } }
                    tbody {
                        @for attempt in deliveries {
                            tr data-outcome=(attempt.outcome) {
                                td { time data-ms=(attempt.at) { (attempt.at) } }
                                td { code.event { (attempt.event) } }
                                td { (outcome(attempt)) }
                                td.num { (attempt.attempt) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What fires the webhook, in words.
fn fires(hook: &WebhookSettings) -> String {
    let ratings = match &hook.at_or_below {
        Some(Threshold::Every(n)) => Some(format!("ratings of {n} or lower")),
        Some(Threshold::PerScale(per_scale)) if !per_scale.is_empty() => {
            Some(per_scale.iter().map(|(scale, n)| format!("{} {n} or lower", scale.as_str())).collect::<Vec<_>>().join(", "))
        }
        _ => None,
    };
    match (hook.comments, ratings) {
        (true, Some(ratings)) => format!("every comment and {ratings}"),
        (true, None) => "every comment".to_owned(),
        (false, Some(ratings)) => ratings,
        (false, None) => "nothing".to_owned(),
    }
}

/// An attempt's outcome and status, in words.
fn outcome(attempt: &Attempt) -> String {
    let status = if attempt.status == 0 { "no answer".to_owned() } else { format!("HTTP {}", attempt.status) };
    match attempt.outcome.as_str() {
        "delivered" => format!("Delivered ({status})"),
        "retrying" => format!("Failed ({status}), will retry"),
        "gave_up" => format!("Failed ({status}), gave up"),
        "dropped" => "Dropped: the queue was full".to_owned(),
        other => format!("{other} ({status})"),
    }
}

/// Turnstile, as it is.
fn protection(settings: &SiteView) -> Markup {
    html! {
        section.card #protection-card aria-labelledby="protection-title" {
            h2 #protection-title { "Protection" }
            @if let Some(turnstile) = &settings.turnstile {
                p #turnstile-state { "Turnstile is on: comments need a passed check (site key " code { (turnstile.site_key) } ")." }
            } @else {
                p #turnstile-state { "Turnstile is off: comments are limited by rate only." }
            }
            p { a href="?view=settings#protection" data-settings { "Change protection in Settings" } }
        }
    }
}

/// Retention, as it is.
fn data(settings: &SiteView) -> Markup {
    html! {
        section.card #data-card aria-labelledby="data-title" {
            h2 #data-title { "Data" }
            @if let Some(days) = settings.retention_days {
                p #retention-state { "Submissions are deleted " (days) " days after they arrive." }
            } @else {
                p #retention-state { "Submissions are kept until you delete them." }
            }
            p { a href="?view=settings#data" data-settings { "Change retention in Settings" } }
        }
    }
}

/// Key rotation: a button, then its confirmation, then the new key once.
fn owner_key() -> Markup {
    html! {
        section.card #key-card aria-labelledby="key-title" {
            h2 #key-title { "Owner key" }
            p { "A new key replaces the one this tab signed in with. Every script and tab that uses the old one must sign in again." }
            button type="button" #rotate { "Rotate the key…" }
            div #rotate-confirm .confirm hidden {
                p #rotate-warning { strong { "The current key stops working at once." } " Rotate it now?" }
                div.actions {
                    button.danger type="button" #rotate-yes { "Yes, rotate the key" }
                    button type="button" #rotate-cancel { "Cancel" }
                }
            }
            div #new-key .confirm hidden {
                h3 #new-key-title { "New owner key (shown only now)" }
                pre #new-key-text {}
                button type="button" #copy-key { "Copy key" }
                p { "This tab is signed in with the new key; the old one no longer works." }
            }
            p #rotate-error .error role="alert" {}
        }
    }
}

/// The view of a site whose erase began and did not finish: the delete card alone.
fn being_erased(site: &str) -> Markup {
    html! {
        section.card.wide aria-labelledby="view-title" {
            h1 #view-title { "Operations" }
            p.counts { code #ops-site { (site) } }
            p #being-erased role="status" { "The site may be partly erased: delete again to finish." }
        }
        (delete(site))
    }
}

/// Deleting the site, confirmed by typing its id.
fn delete(site: &str) -> Markup {
    html! {
        section.card.wide.danger-zone #delete-card aria-labelledby="delete-title" {
            h2 #delete-title { "Delete this site" }
            p { "Erases every submission, count and webhook log of this site, its key and secrets, for good. Visitors' widgets stop at once. This cannot be undone." }
            label.confirm-id {
                span { "Type the site id " code { (site) } " to confirm" }
                input #delete-confirm type="text" autocomplete="off" spellcheck="false" data-site=(site);
            }
            div.actions { button.danger type="button" #delete-site disabled { "Delete this site forever" } }
            p #delete-error .error role="alert" {}
        }
    }
}
