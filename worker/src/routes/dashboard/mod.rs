//! `/dashboard`: the owner's app. The shell, its script and its stylesheet are static files (so
//! the page's CSP allows no inline script or style); `/dashboard/view` renders the signed-in
//! view server-side from the API's own reads, in the rooms below, with maud.
//!
//! Why maud: its `html!` templates are checked at compile time, splice every value through
//! its escaper unless wrapped in `PreEscaped` (which nothing here does), and compile to plain
//! `String` pushes with no runtime and no template files to ship, which suits a Worker whose
//! bytes are its cold start. Askama escapes too, but parses template files and adds more code.

mod breakdown;
mod cards;
mod charts;
mod comments;
mod inbox;
mod inbox_filters;
mod inbox_replies;
mod inbox_rows;
mod links;
mod operations;
mod place;
mod rank;
mod settings;
mod sites;
mod view;
mod words;

use sayso_core::{format_day, PagesWindow, SUMMARY_PAGES_MAX};
use worker::{Env, Request, Response};

use crate::http::Failure;
use crate::site::{self, FeedbackQuery, SummaryQuery};
use place::Place;

const SHELL: &str = include_str!("../../../dashboard/shell.html");

/// The app's static files: the shell's script and stylesheet, and each view's own (a view's
/// script registers itself in `window.saysoViews`, which `app.js` calls after rendering it).
const FILES: &[(&str, &str)] = &[
    ("app.js", include_str!("../../../dashboard/app.js")),
    ("app.css", include_str!("../../../dashboard/app.css")),
    ("inbox.js", include_str!("../../../dashboard/inbox.js")),
    ("inbox.css", include_str!("../../../dashboard/inbox.css")),
    ("settings.js", include_str!("../../../dashboard/settings.js")),
    ("settings.css", include_str!("../../../dashboard/settings.css")),
    ("operations.js", include_str!("../../../dashboard/operations.js")),
    ("operations.css", include_str!("../../../dashboard/operations.css")),
    ("sites.js", include_str!("../../../dashboard/sites.js")),
    ("sites.css", include_str!("../../../dashboard/sites.css")),
    ("links.js", include_str!("../../../dashboard/links.js")),
    ("links.css", include_str!("../../../dashboard/links.css")),
];

/// The dashboard's own policy: its files only, no inline code, never framed. WebAssembly may
/// compile ('wasm-unsafe-eval': no `eval` of text) for the settings view's preview, the real
/// widget loaded from this edge.
const CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
                   form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/// How many of the latest comments a view lists.
const LATEST_COMMENTS: i64 = 50;

/// `GET /dashboard` and its static files (`FILES`).
pub fn file(name: &str) -> Result<Response, Failure> {
    let (body, content_type) = match name {
        "" => (SHELL, "text/html; charset=utf-8"),
        _ => match FILES.iter().find(|(file, _)| *file == name) {
            Some((file, body)) if file.ends_with(".js") => (*body, "text/javascript; charset=utf-8"),
            Some((_, body)) => (*body, "text/css; charset=utf-8"),
            None => return Err(Failure::NotFound),
        },
    };
    let response = Response::ok(body)?;
    let headers = response.headers();
    headers.set("content-type", content_type)?;
    headers.set("content-security-policy", CSP)?;
    headers.set("x-frame-options", "DENY")?;
    headers.set("cache-control", "no-cache")?;
    Ok(response)
}

/// `GET /dashboard/view?site=…&days=7|30|90` or `&from=…&to=…`, optionally `&page=…` (the
/// page's drill-down), with the owner key.
pub async fn view(req: &Request, env: &Env) -> Result<Response, Failure> {
    let url = req.url()?;
    let today = worker::Date::now().as_millis() as i64 / 86_400_000;
    let place = Place::parse(&url, today)?;
    let key = super::credential(req)?;
    let client = site::client(env, &place.site)?;
    // The page is for its owner only: a wrong key or an unknown site answers 401 (`refused`).
    // The site's view ranks the most rated pages, as many as one summary lists; a page's view
    // needs no pages. The previous period is compared by its scales only.
    let pages = if place.page.is_some() { PagesWindow::NONE } else { PagesWindow { limit: SUMMARY_PAGES_MAX, after: None } };
    let range = |from: i64, to: i64, pages: PagesWindow| SummaryQuery {
        from: Some(format_day(from)),
        to: Some(format_day(to)),
        page: place.page.clone(),
        pages,
        by: place.by.clone(),
    };
    let span = place.span();
    let current = client.summary(&key, range(place.from, place.to, pages)).await.map_err(refused)?;
    let previous = client.summary(&key, range(place.from - span, place.from - 1, PagesWindow::NONE)).await.map_err(refused)?;
    let latest = FeedbackQuery { limit: LATEST_COMMENTS, has_comment: Some(true), page: place.page.clone(), ..FeedbackQuery::default() };
    let comments = client.feedback(&key, latest).await.map_err(refused)?;
    let edge = url.origin().ascii_serialization();
    fragment(view::render(&view::Reads { place: &place, current: &current, previous: &previous, comments: &comments, edge: &edge }))
}

/// `GET /dashboard/view/{part}?site=…&…`: one of the app's other views, rendered server-side
/// like the overview (each in its room; `sites` with the admin token, the others with the
/// site's owner key).
pub async fn part(req: &Request, env: &Env, name: &str) -> Result<Response, Failure> {
    let html = match name {
        "inbox" => inbox::view(req, env).await?,
        "settings" => settings::view(req, env).await?,
        "operations" => operations::view(req, env).await?,
        "sites" => sites::view(req, env).await?,
        "links" => links::view(req, env).await?,
        _ => return Err(Failure::NotFound),
    };
    fragment(html)
}

/// A rendered view, as `app.js` puts it into the page.
fn fragment(html: maud::Markup) -> Result<Response, Failure> {
    let response = Response::ok(html.into_string())?;
    response.headers().set("content-type", "text/html; charset=utf-8")?;
    response.headers().set("cache-control", "no-store")?;
    Ok(response)
}

/// The site named by the view's `site` parameter.
fn site_param(url: &worker::Url) -> Result<sayso_core::SiteId, Failure> {
    let site = url.query_pairs().find(|(name, _)| name == "site").map(|(_, value)| value.into_owned()).unwrap_or_default();
    super::site_id(&site)
}

/// A refusal by the site's object, as the dashboard answers it: a wrong key and a site that does
/// not exist alike (401, so the page tells nobody which sites exist); anything else as it is, so
/// the page shows an error and keeps the owner signed in (app.js signs out on 401 only).
fn refused(failure: Failure) -> Failure {
    match failure {
        Failure::Unauthorized | Failure::SiteNotFound => Failure::Unauthorized,
        other => other,
    }
}
