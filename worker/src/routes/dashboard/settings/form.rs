//! The settings form's groups, filled with the site's settings as they are: one `<fieldset>`
//! per group, each with an id other views link to (`?view=settings#webhook`).

use maud::{html, Markup};
use sayso_core::{i18n, Placement, Position, Scale, SiteView};

use super::fields::{check, json, lines, number, secret, select, text};
use crate::routes::dashboard::words;

/// The bundled languages (core's list, so a new one shows here), each by its own name.
pub fn bundled_languages() -> Vec<(&'static str, &'static str)> {
    i18n::languages().map(|code| (code, own_name(code))).collect()
}

/// A bundled language's name in that language (its code for one not named here yet).
fn own_name(code: &'static str) -> &'static str {
    match code {
        "en" => "English",
        "de" => "Deutsch",
        "fr" => "Français",
        "es" => "Español",
        "pt" => "Português",
        "it" => "Italiano",
        "nl" => "Nederlands",
        "ja" => "日本語",
        "zh" => "中文",
        "ar" => "العربية",
        other => other,
    }
}

/// A setting's JSON name (serde's), for a select's values.
fn wire<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// One group: a fieldset with its id, legend and fields.
fn group(id: &str, legend: &str, fields: Markup) -> Markup {
    html! {
        fieldset.group #(id) {
            legend { (legend) }
            (fields)
        }
    }
}

/// Every group of the form, in the order the owner reads them.
pub fn groups(view: &SiteView) -> Markup {
    html! {
        (site(view))
        (question(view))
        (placement(view))
        (look(view))
        (languages(view))
        (protection(view))
        (data(view))
        (webhook(view))
        (super::alerts::fieldset(view))
        (public(view))
    }
}

fn site(view: &SiteView) -> Markup {
    group("about", "Site", text("name", "Name", &view.name, "For people: the dashboard and the site list show it."))
}

fn question(view: &SiteView) -> Markup {
    let w = &view.widget;
    let scales: Vec<(&str, &str)> = Scale::ALL.iter().map(|s| (s.as_str(), words::title(*s))).collect();
    let accepted = |scale: Scale| view.scales.as_ref().is_some_and(|list| list.contains(&scale));
    // The stored order: `settings.js` keeps it for the scales still ticked.
    let stored = view.scales.iter().flatten().map(|s| s.as_str()).collect::<Vec<_>>().join(" ");
    let own = "Empty: each language's bundled text.";
    group(
        "question",
        "Question & scale",
        html! {
            (select("widget.scale", "Scale", &scales, w.scale.as_str(), "What visitors rate on."))
            (text("widget.question", "Question", w.question.as_deref().unwrap_or(""), own))
            (text("widget.follow_up", "Follow-up after a neutral or happy rating", w.follow_up.as_deref().unwrap_or(""), own))
            (text("widget.follow_up_low", "Follow-up after an unhappy rating", w.follow_up_low.as_deref().unwrap_or(""), own))
            (text("widget.thank_you", "Thank-you message", w.thank_you.as_deref().unwrap_or(""), own))
            fieldset.choices aria-describedby="h-scales e-scales" data-stored-scales=(stored) {
                legend { "Scales the site accepts" }
                @for scale in Scale::ALL {
                    label.choice {
                        input type="checkbox" name="scales" value=(scale.as_str()) checked[accepted(scale)];
                        " " (words::title(scale))
                    }
                }
                span.hint #h-scales { "None ticked: only the widget's scale (pages that place their own elements may use others)." }
                span.field-error #e-scales data-error-for="scales" {}
            }
        },
    )
}

fn placement(view: &SiteView) -> Markup {
    let w = &view.widget;
    let t = &w.triggers;
    let placements = [
        (wire(&Placement::Floating), "A tab in a corner"),
        (wire(&Placement::Popover), "Opens by itself"),
        (wire(&Placement::None), "Only elements the page places"),
    ];
    let placements: Vec<(&str, &str)> = placements.iter().map(|(v, l)| (v.as_str(), *l)).collect();
    let corners = [Position::BottomRight, Position::BottomLeft, Position::TopRight, Position::TopLeft].map(|p| wire(&p));
    let corner_names = ["Bottom right", "Bottom left", "Top right", "Top left"];
    let corners: Vec<(&str, &str)> = corners.iter().map(String::as_str).zip(corner_names).collect();
    group(
        "placement",
        "Placement & triggers",
        html! {
            (select("widget.placement", "The snippet's widget", &placements, &wire(&w.placement), "Elements a page places are always inline."))
            (select("widget.position", "Corner", &corners, &wire(&w.position), ""))
            (number("widget.triggers.delay_seconds", "Open after (seconds)", t.delay_seconds.map(i64::from), (0, 3600), "Popover only; empty: no delay trigger."))
            (number("widget.triggers.scroll_percent", "Open after scrolling (%)", t.scroll_percent.map(i64::from), (1, 100), "Popover only; empty: no scroll trigger."))
            (check("widget.triggers.exit_intent", "Open when the pointer leaves the window (desktop)", t.exit_intent, ""))
            (lines("widget.triggers.include", "Only on pages", &t.include, "One path per line, * matches anything; empty: every page."))
            (lines("widget.triggers.exclude", "Never on pages", &t.exclude, "One path per line."))
            (number("widget.triggers.sample_percent", "Show to this share of visitors (%)", Some(i64::from(t.sample_percent)), (0, 100), ""))
            (number("widget.triggers.snooze_days", "After an answer, wait (days)", Some(i64::from(t.snooze_days)), (0, 3650), "Popover only: before asking the same visitor again."))
        },
    )
}

fn look(view: &SiteView) -> Markup {
    let theme = &view.widget.theme;
    group(
        "look",
        "Look",
        html! {
            (text("widget.theme.accent", "Accent colour", theme.accent.as_deref().unwrap_or(""), "Like #4f46e5; empty: the widget's own."))
            (number("widget.theme.radius", "Corner radius (px)", theme.radius.map(i64::from), (0, 24), "0 to 24; empty: the widget's own."))
        },
    )
}

fn languages(view: &SiteView) -> Markup {
    let strings = if view.widget.strings.is_empty() { String::new() } else { serde_json::to_string_pretty(&view.widget.strings).unwrap_or_default() };
    group(
        "languages",
        "Languages",
        html! {
            (select("widget.language", "The texts above are written in", &bundled_languages(), &view.widget.language, "Visitors in another bundled language get its texts instead."))
            (json("widget.strings", "Own wording per language (JSON)", &strings, true, r#"Like {"de": {"send": "Abschicken"}}; empty: none."#))
        },
    )
}

fn protection(view: &SiteView) -> Markup {
    let limits = &view.limits;
    let turnstile = view.turnstile.as_ref();
    group(
        "protection",
        "Protection",
        html! {
            (lines("origins", "Allowed origins", &view.origins, "One per line, like https://example.com: only their pages may send feedback."))
            (number("limits.visitor_per_minute", "New submissions per visitor per minute", Some(i64::from(limits.visitor_per_minute)), (0, 100_000), "0: no limit."))
            (number("limits.site_per_minute", "New submissions per minute for the site", Some(i64::from(limits.site_per_minute)), (0, 1_000_000), "0: no limit."))
            (number("limits.min_comment_ms", "A comment comes at least (ms) after its box", Some(i64::from(limits.min_comment_ms)), (0, 600_000), "Bots post at once; 0: off."))
            (check("limits.honor_gpc", "Keep nothing about visitors who send Global Privacy Control or Do Not Track", limits.honor_gpc, ""))
            (text("turnstile.site_key", "Turnstile site key", turnstile.map_or("", |t| t.site_key.as_str()), "Cloudflare Turnstile on comments; empty: off."))
            (secret("turnstile.secret", "Turnstile secret", "Needed when you turn Turnstile on or change its key; never shown again."))
            (text("turnstile.verify_url", "Turnstile verify URL", turnstile.map_or("", |t| t.verify_url.as_str()), "Empty: Cloudflare's."))
        },
    )
}

fn data(view: &SiteView) -> Markup {
    group(
        "data",
        "Data",
        html! {
            (number("retention_days", "Keep submissions (days)", Some(view.retention_days.map_or(0, i64::from)), (0, 3650), "1 to 3650; 0: for ever."))
            (number("shards", "Objects sharing the submissions", Some(i64::from(view.shards)), (1, 16), "For very busy sites: 1 to 16; a change takes effect 25 hours later."))
        },
    )
}

fn webhook(view: &SiteView) -> Markup {
    let hook = view.webhook.as_ref();
    let threshold = hook.and_then(|h| h.at_or_below.as_ref()).and_then(|t| serde_json::to_string(t).ok()).unwrap_or_default();
    group(
        "webhook",
        "Webhook",
        html! {
            (text("webhook.url", "Webhook URL", hook.map_or("", |h| h.url.as_str()), "Receives a signed POST per matching submission; empty: none."))
            (check("webhook.comments", "For every submission with a comment", hook.is_none_or(|h| h.comments), ""))
            (json("webhook.at_or_below", "For ratings at or below", &threshold, false, r#"A rating (like 2), or per scale like {"stars": 2, "nps": 6}; empty: none."#))
            div.field.secret #webhook-secret hidden[hook.is_none()] {
                span.hint { "Each delivery carries a sayso-signature header: HMAC-SHA256 of its time and body with this secret." }
                div.secret-row {
                    button #show-secret type="button" { "Show signing secret" }
                    code hidden {}
                    button type="button" data-copy hidden { "Copy" }
                }
            }
        },
    )
}

/// What the site publishes (issue 17): testimonials and the score badge, each off until ticked.
fn public(view: &SiteView) -> Markup {
    let p = &view.public;
    let site = &view.site;
    group(
        "public",
        "Testimonials & badge",
        html! {
            (check("public.testimonials", "Publish approved quotes (and ask happy visitors with a comment whether they may be quoted)", p.testimonials,
                &format!("Approve each quote in the inbox; show them with <sayso-wall site=\"{site}\"></sayso-wall>.")))
            (check("public.badge", "Publish a score badge", p.badge, &format!("An image for a README or a footer: /v1/sites/{site}/badge.svg")))
        },
    )
}
