//! `/dashboard`: the owner's page. The shell, its script and its stylesheet are static files
//! (so the page's CSP allows no inline script or style); `/dashboard/view` renders the signed-in
//! dashboard server-side — headline score with its change, trend and distribution as inline SVG,
//! pages that need attention, latest comments, exports, the snippet — with every visitor-written
//! string HTML-escaped here.

use std::fmt::Write as _;

use sayso_core::scale::EMOJI_FACES;
use sayso_core::{FeedbackPage, PagesWindow, Rating, Scale, ScaleSummary, Sentiment, SiteId, Summary, SUMMARY_PAGES_MAX};
use worker::{Env, Request, Response};

use crate::http::Failure;
use crate::site::{self, FeedbackQuery, SummaryQuery};
use sayso_core::{format_day, parse_day};

const SHELL: &str = include_str!("../../dashboard/shell.html");
const SCRIPT: &str = include_str!("../../dashboard/app.js");
const STYLE: &str = include_str!("../../dashboard/app.css");

/// The dashboard's own policy: its files only, no inline code, never framed.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
                   form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/// `GET /dashboard`, `/dashboard/app.js`, `/dashboard/app.css`.
pub fn file(name: &str) -> Result<Response, Failure> {
    let (body, content_type) = match name {
        "" => (SHELL, "text/html; charset=utf-8"),
        "app.js" => (SCRIPT, "text/javascript; charset=utf-8"),
        "app.css" => (STYLE, "text/css; charset=utf-8"),
        _ => return Err(Failure::NotFound),
    };
    let response = Response::ok(body)?;
    let headers = response.headers();
    headers.set("content-type", content_type)?;
    headers.set("content-security-policy", CSP)?;
    headers.set("x-frame-options", "DENY")?;
    headers.set("cache-control", "no-cache")?;
    Ok(response)
}

/// `GET /dashboard/view?site=…&days=7|30|90` or `&from=…&to=…`, with the owner key.
pub async fn view(req: &Request, env: &Env) -> Result<Response, Failure> {
    let url = req.url()?;
    let (mut site, mut days, mut from, mut to) = (None, 30i64, None, None);
    for (name, value) in url.query_pairs() {
        match name.as_ref() {
            "site" => site = Some(SiteId::parse(&value).map_err(|_| Failure::SiteNotFound)?),
            "days" => {
                days = value.parse().ok().filter(|d| (1..=366).contains(d)).ok_or_else(|| Failure::InvalidQuery("days must be 1 to 366".into()))?
            }
            "from" => from = Some(parse_day(&value).ok_or_else(|| Failure::InvalidQuery("from must be YYYY-MM-DD".into()))?),
            "to" => to = Some(parse_day(&value).ok_or_else(|| Failure::InvalidQuery("to must be YYYY-MM-DD".into()))?),
            _ => {}
        }
    }
    let site = site.ok_or(Failure::SiteNotFound)?;
    let today = worker::Date::now().as_millis() as i64 / 86_400_000;
    let (from, to) = match (from, to) {
        (Some(f), Some(t)) if f <= t => (f, t),
        (Some(_), Some(_)) => return Err(Failure::InvalidQuery("from must not be after to".into())),
        _ => (today - days + 1, today),
    };
    let span = to - from + 1;
    let key = super::credential(req)?;
    let client = site::client(env, &site)?;
    // The page is for its owner only: whatever the object refuses, the dashboard answers 401.
    // The pages that need attention are looked for among the most rated ones, as many as one
    // summary lists: a page with a rating or two is not yet one to act on. The previous period
    // is compared by its headline only: no pages.
    let range = |from: i64, to: i64, pages: PagesWindow| SummaryQuery { from: Some(format_day(from)), to: Some(format_day(to)), page: None, pages };
    let current = client.summary(&key, range(from, to, PagesWindow { limit: SUMMARY_PAGES_MAX, after: None })).await.map_err(refused)?;
    let previous = client.summary(&key, range(from - span, from - 1, PagesWindow::NONE)).await.map_err(refused)?;
    let latest = FeedbackQuery { limit: 50, has_comment: Some(true), ..FeedbackQuery::default() };
    let comments = client.feedback(&key, latest).await.map_err(refused)?;
    let edge = url.origin().ascii_serialization();
    let html = render(&current, &previous, &comments, from, to, &edge);
    let response = Response::ok(html)?;
    response.headers().set("content-type", "text/html; charset=utf-8")?;
    Ok(response)
}

/// Any refusal by the site's object, as the dashboard answers it. Transport failures too.
fn refused(_: Failure) -> Failure {
    Failure::Unauthorized
}

fn render(current: &Summary, previous: &Summary, comments: &FeedbackPage, from: i64, to: i64, edge: &str) -> String {
    let mut out = String::new();
    let main = current.scales.iter().max_by_key(|s| s.count);
    let span = to - from + 1;
    let _ = write!(out, r#"<section class="card wide headline" aria-label="Headline">"#);
    match main {
        Some(s) => {
            let before = previous.scales.iter().find(|p| p.scale == s.scale);
            let _ = write!(out, r#"<div class="score" id="headline-score">{}</div><div class="label">{}</div>"#, show_score(s.scale, s.score), label(s.scale));
            if let Some(p) = before {
                let delta = s.score - p.score;
                let class = if delta > 0.0 { "up" } else if delta < 0.0 { "down" } else { "" };
                let arrow = if delta > 0.0 { "▲" } else if delta < 0.0 { "▼" } else { "=" };
                let _ = write!(out, r#"<div class="delta {class}">{arrow} {:.1} vs the previous {span} days</div>"#, delta.abs());
            }
            if let Some(csat) = s.csat {
                let _ = write!(out, r#"<div class="label">CSAT {csat:.0}% (4–5 stars)</div>"#);
            }
        }
        None => out.push_str(r#"<div class="score" id="headline-score">–</div><div class="label">No ratings in this range yet. Paste the snippet below into your pages.</div>"#),
    }
    let _ = write!(
        out,
        r#"<div class="counts"><span id="headline-total">{}</span> ratings · {} with a comment · {} to {} (UTC)</div></section>"#,
        current.total,
        current.comments,
        format_day(from),
        format_day(to)
    );
    if let Some(s) = main {
        out.push_str(r#"<section class="card wide"><h2>Trend</h2>"#);
        trend(&mut out, current, s.scale, from, to);
        out.push_str(r#"</section><section class="card"><h2>Distribution</h2>"#);
        distribution(&mut out, s);
        out.push_str("</section>");
        attention(&mut out, current, s.scale);
    }
    latest(&mut out, comments);
    let snippet = format!(r#"<script async src="{edge}/v1/embed.js" data-site="{}"></script>"#, current.site);
    let _ = write!(
        out,
        r#"<section class="card"><h2>Your data</h2><div class="actions"><button type="button" data-export="csv">Export CSV</button><button type="button" data-export="ndjson">Export NDJSON</button></div>
<h2>Snippet</h2><pre id="snippet">{}</pre><button type="button" data-copy>Copy</button></section>"#,
        esc(&snippet)
    );
    out
}

/// Daily score as a line over the range, with the number of ratings as bars beneath.
fn trend(out: &mut String, summary: &Summary, scale: Scale, from: i64, to: i64) {
    let (w, h, pad, volume_h) = (1000.0, 240.0, 32.0, 40.0);
    let (lo, hi) = bounds(scale);
    let days = (to - from).max(1) as f64;
    let x = |day: i64| pad + (day - from) as f64 * (w - 2.0 * pad) / days;
    let chart_h = h - pad - volume_h - 10.0;
    let y = |score: f64| 10.0 + (hi - score) / (hi - lo) * chart_h;
    let max_count = summary.days.iter().map(|d| d.count).max().unwrap_or(1).max(1) as f64;
    let _ = write!(out, r#"<svg viewBox="0 0 {w} {h}" role="img" aria-label="{} per day">"#, label(scale));
    let _ = write!(out, r#"<line class="axis" x1="{pad}" y1="{}" x2="{}" y2="{}"/>"#, y(lo), w - pad, y(lo));
    let _ =
        write!(out, r#"<text x="0" y="{}">{}</text><text x="0" y="{}">{}</text>"#, y(hi) + 4.0, show_score(scale, hi), y(lo), show_score(scale, lo));
    let mut points = Vec::new();
    for slice in &summary.days {
        let Some(day) = parse_day(&slice.key) else { continue };
        let bar = slice.count as f64 / max_count * volume_h;
        let _ = write!(
            out,
            r#"<rect class="volume" x="{:.1}" y="{:.1}" width="6" height="{bar:.1}"><title>{}: {} ratings</title></rect>"#,
            x(day) - 3.0,
            h - pad + 10.0 - bar,
            slice.key,
            slice.count
        );
        if let Some(score) = slice.scores.iter().find(|s| s.scale == scale) {
            points.push((x(day), y(score.score), slice.key.clone(), score.score));
        }
    }
    if points.len() > 1 {
        let path: Vec<String> = points.iter().map(|(px, py, _, _)| format!("{px:.1},{py:.1}")).collect();
        let _ = write!(out, r#"<polyline class="line" points="{}"/>"#, path.join(" "));
    }
    for (px, py, key, score) in &points {
        let _ = write!(out, r#"<circle class="dot" cx="{px:.1}" cy="{py:.1}" r="4"><title>{key}: {}</title></circle>"#, show_score(scale, *score));
    }
    let _ = write!(
        out,
        r#"<text x="{pad}" y="{h}">{}</text><text x="{}" y="{h}" text-anchor="end">{}</text></svg>"#,
        format_day(from),
        w - pad,
        format_day(to)
    );
}

/// One bar per value of the scale.
fn distribution(out: &mut String, s: &ScaleSummary) {
    let (w, h, pad) = (320.0, 180.0, 20.0);
    let n = s.histogram.len().max(1) as f64;
    let slot = (w - 2.0 * pad) / n;
    let max = s.histogram.iter().map(|b| b.count).max().unwrap_or(1).max(1) as f64;
    let _ = write!(out, r#"<svg viewBox="0 0 {w} {h}" role="img" aria-label="How many ratings each value got">"#);
    for (i, b) in s.histogram.iter().enumerate() {
        let bar = b.count as f64 / max * (h - 2.0 * pad - 10.0);
        let bx = pad + i as f64 * slot + slot * 0.15;
        let _ = write!(
            out,
            r#"<rect class="bar" x="{bx:.1}" y="{:.1}" width="{:.1}" height="{bar:.1}"><title>{}: {}</title></rect><text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text><text x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
            h - pad - bar,
            slot * 0.7,
            value_label(s.scale, i64::from(b.value)),
            b.count,
            bx + slot * 0.35,
            h - pad - bar - 4.0,
            b.count,
            bx + slot * 0.35,
            h - 4.0,
            value_label(s.scale, i64::from(b.value)),
        );
    }
    out.push_str("</svg>");
}

/// The pages with the lowest scores on the main scale.
fn attention(out: &mut String, summary: &Summary, scale: Scale) {
    let mut pages: Vec<(&str, u64, f64)> =
        summary.pages.iter().filter_map(|p| p.scores.iter().find(|s| s.scale == scale).map(|s| (p.key.as_str(), s.count, s.score))).collect();
    pages.sort_by(|a, b| a.2.total_cmp(&b.2).then(b.1.cmp(&a.1)));
    out.push_str(r#"<section class="card"><h2>Pages that need attention</h2><table><thead><tr><th>Page</th><th class="num">Ratings</th><th class="num">Score</th></tr></thead><tbody>"#);
    let (lo, hi) = bounds(scale);
    for (page, count, score) in pages.iter().take(8) {
        let low = if (score - lo) / (hi - lo) < 0.5 { " low" } else { "" };
        let _ = write!(out, r#"<tr><td>{}</td><td class="num">{count}</td><td class="num{low}">{}</td></tr>"#, esc(page), show_score(scale, *score));
    }
    out.push_str("</tbody></table></section>");
}

fn latest(out: &mut String, page: &FeedbackPage) {
    out.push_str(r#"<section class="card wide"><h2>Latest comments</h2><div class="filters" role="group" aria-label="Show"><button type="button" data-filter="all" aria-pressed="true">All</button><button type="button" data-filter="low" aria-pressed="false">Unhappy</button><button type="button" data-filter="high" aria-pressed="false">Happy</button></div>"#);
    if page.items.is_empty() {
        out.push_str(r#"<p class="empty">No comments yet.</p></section>"#);
        return;
    }
    out.push_str(r#"<ul class="comments">"#);
    for item in &page.items {
        let scale = Scale::parse(&item.scale).unwrap_or(Scale::Stars);
        let tone = match Rating::new(scale, item.value).map(Rating::sentiment) {
            Ok(Sentiment::Unhappy) => "low",
            Ok(Sentiment::Happy) => "high",
            _ => "mid",
        };
        let _ = write!(
            out,
            r#"<li data-tone="{tone}"><div><strong>{}</strong> <span class="text">{}</span></div><div class="meta">{} · <time data-ms="{}"></time></div></li>"#,
            value_label(scale, item.value),
            esc(item.comment.as_deref().unwrap_or("")),
            esc(&item.page),
            item.received_at,
        );
    }
    out.push_str("</ul></section>");
}

/// The range a scale's headline score lives in.
fn bounds(scale: Scale) -> (f64, f64) {
    match scale {
        Scale::Stars | Scale::Emoji => (1.0, 5.0),
        Scale::Thumbs | Scale::Csat => (0.0, 100.0),
        Scale::Nps => (-100.0, 100.0),
    }
}

fn label(scale: Scale) -> &'static str {
    match scale {
        Scale::Stars => "average rating, out of 5 stars",
        Scale::Emoji => "average mood, out of 5",
        Scale::Thumbs => "thumbs up",
        Scale::Nps => "Net Promoter Score",
        Scale::Csat => "satisfied (CSAT)",
    }
}

fn show_score(scale: Scale, score: f64) -> String {
    match scale {
        Scale::Stars | Scale::Emoji => format!("{score:.1}"),
        Scale::Thumbs | Scale::Csat => format!("{score:.0}%"),
        Scale::Nps => format!("{score:+.0}"),
    }
}

fn value_label(scale: Scale, value: i64) -> String {
    match scale {
        Scale::Stars => format!("{value}★"),
        Scale::Emoji => EMOJI_FACES.get((value as usize).wrapping_sub(1)).unwrap_or(&"?").to_string(),
        Scale::Csat => format!("{value}/5"),
        Scale::Thumbs => (if value == 1 { "👍" } else { "👎" }).to_owned(),
        Scale::Nps => value.to_string(),
    }
}

/// Escapes text for HTML element content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
