//! The settings form's alerts group: score drops, watched words, the weekly digest, and the
//! buttons that send a test alert or a test digest to the webhook now (`settings.js`).

use maud::{html, Markup};
use sayso_core::SiteView;

use super::fields::{check, json, lines};

/// The fieldset (`?view=settings#alerts`).
pub fn fieldset(view: &SiteView) -> Markup {
    let alerts = &view.alerts;
    let drops = if alerts.score_drops.is_empty() { String::new() } else { serde_json::to_string(&alerts.score_drops).unwrap_or_default() };
    html! {
        fieldset.group #alerts aria-describedby="alerts-note" {
            legend { "Alerts & weekly digest" }
            p.hint #alerts-note { "Sent to the webhook above as signed events, each once, retried and logged like every delivery." }
            (json("alerts.score_drops", "Score drops", &drops, true,
                r#"Up to 5, like [{"window": "day", "scale": "stars", "drop": 0.5, "min_ratings": 20}]: today's (or the last 7 days') score this far below the 30 days before, with at least this many ratings in both. Checked hourly; empty: none."#))
            (lines("alerts.words", "Watched words", &alerts.words,
                "Up to 20, one per line, 2 to 32 characters: a comment holding one as a whole word, in any case, sends an alert."))
            (check("alerts.digest", "Send a weekly digest, Mondays at 08:00 UTC", alerts.digest,
                "Scores and their change, ratings, best and worst pages, the latest unhappy comments, replies sent."))
            div.actions {
                button type="button" data-alert-test="alert" { "Send a test alert" }
                button type="button" data-alert-test="digest" { "Send a test digest" }
            }
            p.note #alert-test-state role="status" {}
        }
    }
}
