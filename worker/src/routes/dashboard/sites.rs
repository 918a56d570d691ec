//! The admin's sites view (`/dashboard/view/sites`, with the admin token): a page of sites,
//! newest first, each with its headline score of the last 30 days and its ratings this week,
//! and the form that creates a site (its key and snippet are shown once, by `sites.js`).
//!
//! How the numbers are read, and what bounds the calls: one call to the directory for the list,
//! then one `Glance` per listed site (its summary of the last 30 days, no pages, read from the
//! daily rollups: it never scans submissions), at most `PER_PAGE` sites a page; a sharded site
//! adds one call per further shard, so a page is at most 1 + 20 × 16 = 321 Worker→object calls,
//! within the 1,000 a request may make on the Free plan. This week's ratings are the summary's
//! last seven days.

use futures_util::future::join_all;
use maud::{html, Markup};
use sayso_core::{format_day, PagesWindow, Scale, SiteId, Summary};
use worker::{Env, Request};

use super::words;
use crate::directory::{self, Entry};
use crate::http::Failure;
use crate::site::{self, SummaryQuery};

/// The most sites one page lists.
const PER_PAGE: usize = 20;

/// Renders the view for the signed-in admin.
pub async fn view(req: &Request, env: &Env) -> Result<Markup, Failure> {
    crate::routes::sites::require_admin(req, env)?;
    let url = req.url()?;
    let start = url.query_pairs().find(|(name, _)| name == "start").and_then(|(_, v)| v.parse::<usize>().ok()).unwrap_or(0);
    let mut entries = directory::entries(env).await?;
    entries.reverse();
    let total = entries.len();
    let shown: Vec<Entry> = entries.into_iter().skip(start).take(PER_PAGE).collect();
    let today = worker::Date::now().as_millis() as i64 / 86_400_000;
    let query = SummaryQuery { from: Some(format_day(today - 29)), to: Some(format_day(today)), page: None, pages: PagesWindow::NONE, by: None };
    let glances = join_all(shown.iter().map(|entry| {
        let query = query.clone();
        async move { site::client(env, &SiteId::parse(&entry.site)?)?.glance(query).await }
    }))
    .await;
    let week_from = format_day(today - 6);
    let rows: Vec<Row> = shown
        .iter()
        .zip(glances)
        .map(|(entry, glance)| {
            let glance = glance
                .map_err(|failure| {
                    worker::console_error!("sites view: the glance at {}: {failure}", entry.site);
                })
                .ok();
            Row { entry, glance, week_from: &week_from }
        })
        .collect();
    let (shown_from, shown_to) = (start + 1, start + rows.len());
    Ok(html! {
        section.card.wide aria-labelledby="view-title" {
            h1 #view-title { "Your sites" }
            @if rows.is_empty() {
                p.empty #sites-empty { "No sites here yet: create one below." }
            } @else {
                p.counts { "Sites " (shown_from) "–" (shown_to) " of " (total) ", newest first · scores of the last 30 days (UTC)" }
                ul.site-list #site-list {
                    @for row in &rows { (row.render()) }
                }
            }
            nav.pager aria-label="Pages of sites" {
                @if start > 0 { a href=(format!("?view=sites&start={}", start.saturating_sub(PER_PAGE))) data-nav { "← Newer" } }
                @if start + PER_PAGE < total { a href=(format!("?view=sites&start={}", start + PER_PAGE)) data-nav #sites-older { "Older →" } }
            }
        }
        (new_site())
    })
}

/// One listed site and its glance (none if it could not be read).
struct Row<'a> {
    entry: &'a Entry,
    glance: Option<Summary>,
    week_from: &'a str,
}

impl Row<'_> {
    fn render(&self) -> Markup {
        let site = &self.entry.site;
        // The headline is the most used scale's, as the overview's.
        let main = self.glance.as_ref().and_then(|g| g.scales.iter().max_by_key(|s| s.count));
        let week: Option<u64> = self.glance.as_ref().map(|g| g.days.iter().filter(|d| d.key.as_str() >= self.week_from).map(|d| d.count).sum());
        html! {
            li data-site=(site) {
                div.site-name { strong { (self.entry.name) } " " code { (site) } }
                div.site-score {
                    @match (main, &self.glance) {
                        (Some(main), _) => {
                            span.big data-score { (words::score(main.scale, main.score)) }
                            " " span.muted { (words::label(main.scale)) }
                        }
                        (None, Some(_)) => { span.big data-score { "–" } " " span.muted { "no ratings in 30 days" } }
                        (None, None) => { span.muted { "could not be read just now" } }
                    }
                }
                div.site-week {
                    @if let Some(week) = week { span.big data-week { (week) } } @else { "–" }
                    " " span.muted { "ratings this week" }
                }
            }
        }
    }
}

/// The form that creates a site, and the place its key and snippet are shown once.
fn new_site() -> Markup {
    html! {
        section.card.wide aria-labelledby="new-site-title" {
            h2 #new-site-title { "New site" }
            form #new-site .stack novalidate {
                label { "Name" input #new-name name="name" required maxlength="100" autocomplete="off"; }
                label {
                    "Origins, one per line (the pages that may send feedback)"
                    textarea #new-origins name="origins" rows="3" required placeholder="https://example.com" {}
                }
                label {
                    "Scale"
                    select #new-scale name="scale" {
                        @for scale in Scale::ALL {
                            option value=(scale.as_str()) selected[scale == Scale::Stars] { (words::title(scale)) }
                        }
                    }
                }
                p #new-site-error .error role="alert" {}
                div.actions { button.primary type="submit" { "Create site" } }
            }
            div #created .created hidden {
                h3 { "Site " code #created-site {} " created" }
                p.warn-text { strong { "The owner key is shown only now." } " Copy it to a safe place: it cannot be shown again (a new one can be made in Operations)." }
                h3 { "Owner key" }
                pre #created-key {}
                button type="button" data-copy-from="created-key" { "Copy key" }
                h3 { "Snippet for your pages" }
                pre #created-snippet {}
                button type="button" data-copy-from="created-snippet" { "Copy snippet" }
                p { button.primary type="button" #open-created { "Open this site's dashboard" } }
            }
        }
    }
}
