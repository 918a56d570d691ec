//! The links view (`/dashboard/view/links`): the form that makes a rating link (campaign, scale,
//! reference) for an email, a receipt or a QR code, and the site's ratings of the last 30 days
//! by channel (`web` and each campaign). `links.js` posts the form to `POST …/links` and shows
//! the link's URLs, each copyable, and all of them as a plain list (one a line, for a mail
//! merge or a QR generator).

use maud::{html, Markup};
use sayso_core::{format_day, ChannelSummary, PagesWindow, Scale, ScaleSummary};
use worker::{Env, Request};

use super::words;
use crate::http::Failure;
use crate::site::{self, SummaryQuery};

/// Renders the view for the signed-in owner.
pub async fn view(req: &Request, env: &Env) -> Result<Markup, Failure> {
    let site = super::site_param(&req.url()?)?;
    let key = super::super::credential(req)?;
    let client = site::client(env, &site)?;
    let settings = client.settings(&key).await.map_err(super::refused)?;
    let today = worker::Date::now().as_millis() as i64 / 86_400_000;
    let query = SummaryQuery { from: Some(format_day(today - 29)), to: Some(format_day(today)), page: None, pages: PagesWindow::NONE, by: None };
    let channels = client.channels(&key, &query).await.map_err(super::refused)?;
    let scales: Vec<Scale> = Scale::ALL.into_iter().filter(|s| settings.accepts(*s)).collect();
    Ok(html! {
        section.card.wide aria-labelledby="view-title" {
            h1 #view-title { "Rating links" }
            p.note { "A link rates without any script: put one in an email, on a receipt or behind a QR code. Each link counts once however often it is clicked; make one per recipient. Its ratings count under its campaign." }
            form #new-link.stack novalidate aria-labelledby="new-link-title" {
                h2 #new-link-title { "New link" }
                label for="link-campaign" { "Campaign" }
                input #link-campaign name="campaign" required maxlength="32" pattern="[a-z0-9_-]{1,32}" aria-describedby="link-campaign-hint" autocomplete="off";
                p.muted #link-campaign-hint { "Lower-case letters, digits, - and _ (not “web”), e.g. support-email." }
                label for="link-scale" { "Scale" }
                select #link-scale name="scale" {
                    @for scale in &scales {
                        option value=(scale.as_str()) selected[*scale == settings.widget.scale] { (words::title(*scale)) }
                    }
                }
                label for="link-reference" { "Reference (optional)" }
                input #link-reference name="reference" maxlength="64" aria-describedby="link-reference-hint" autocomplete="off";
                p.muted #link-reference-hint { "A ticket or order id, signed into the link: letters, digits and - _ . : # /." }
                p.error #new-link-error role="alert" {}
                div.actions { button.primary type="submit" { "Make link" } }
            }
            section #made-link.created hidden aria-labelledby="made-link-title" {
                h2 #made-link-title tabindex="-1" { "Your link" }
                ul #made-links.link-list {}
                label for="made-plain" { "Every URL, one a line" }
                textarea #made-plain readonly rows="6" {}
                button type="button" #copy-plain { "Copy every URL" }
                p #made-status role="status" {}
            }
            section #channels aria-labelledby="channels-title" {
                h2 #channels-title { "By channel, last 30 days" }
                (channel_table(&channels))
            }
        }
    })
}

/// The overview's card of the range by channel (shown once a link has ratings in it).
pub(super) fn channels_card(channels: &[ChannelSummary]) -> Markup {
    html! {
        section.card #channels-card aria-labelledby="channels-card-title" {
            h2 #channels-card-title { "By channel" }
            (channel_table(channels))
        }
    }
}

/// One line of a table by slice (a channel, an attribute's value): its name, ratings, comments
/// and each scale's headline score, comma-separated.
pub(super) fn slice_row(name: &str, total: u64, comments: u64, scales: &[ScaleSummary]) -> Markup {
    html! {
        tr {
            th scope="row" { (name) }
            td { (total) }
            td { (comments) }
            td {
                @for (i, scale) in scales.iter().enumerate() {
                    @if i > 0 { ", " }
                    (words::score(scale.scale, scale.score)) " (" (words::title(scale.scale)) ")"
                }
            }
        }
    }
}

/// Ratings, comments and the headline of each scale, by channel.
fn channel_table(channels: &[ChannelSummary]) -> Markup {
    html! {
        @if channels.is_empty() {
            p.empty #channels-empty { "No ratings in the last 30 days." }
        } @else {
            table.channels {
                thead { tr { th scope="col" { "Channel" } th scope="col" { "Ratings" } th scope="col" { "Comments" } th scope="col" { "Score" } } }
                tbody {
                    @for c in channels { (slice_row(&c.channel, c.total, c.comments, &c.scales)) }
                }
            }
        }
    }
}
