//! `PATCH /v1/sites/{site}?dry_run=true[&lang=…]` (owner key): what a settings change would
//! make of the site — its settings, the widget config visitors would get, the list of changes —
//! with nothing stored. The dashboard's preview and its "save" diff are this answer.

use sayso_core::{SiteConfig, SiteView};
use serde::Serialize;
use serde_json::Value;
use worker::Url;

use crate::http::{self, Failure};
use crate::site::{Credential, SettingsChange, SiteClient};

/// Settings that never appear in the list of changes: fixed, or secret.
const UNLISTED: [&str; 3] = ["site", "created_at", "webhook_secret"];

/// The answer of a dry run.
#[derive(Serialize)]
struct DryRun {
    /// The settings as the change would leave them (as `PATCH` would answer them).
    settings: SiteView,
    /// What `GET /v1/sites/{site}/config?lang=…` would answer after the change.
    config: SiteConfig,
    /// Every setting the change moves, by path in alphabetical order.
    changes: Vec<Changed>,
}

/// One setting a change moves, by its path in the settings (`widget.question`).
#[derive(Serialize)]
struct Changed {
    field: String,
    from: Value,
    to: Value,
}

/// Whether the request asks for a dry run: `dry_run=true` in its query (`false`, or none: a real
/// change). Any other value is refused (400 `invalid_query`): a mistyped `?dry_run=1` must never
/// store the change it meant only to try.
pub fn asked(url: &Url) -> Result<bool, Failure> {
    let mut asked = false;
    for (name, value) in url.query_pairs() {
        match (name.as_ref(), value.as_ref()) {
            ("dry_run", "true") => asked = true,
            ("dry_run", "false") => {}
            ("dry_run", other) => {
                return Err(Failure::InvalidQuery(format!("dry_run is true or false, not {:?}", other.chars().take(20).collect::<String>())))
            }
            _ => {}
        }
    }
    Ok(asked)
}

/// Tries the checked change at the site's object and answers what it would do.
pub async fn answer(url: &Url, client: &SiteClient, key: &Credential, change: SettingsChange) -> Result<worker::Response, Failure> {
    let tried = client.try_settings(key, change).await?;
    // The language as `GET …/config` reads it: a tag's letters, digits and '-' only.
    let lang: String = url
        .query_pairs()
        .find(|(name, _)| name == "lang")
        .map(|(_, v)| v.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(35).collect())
        .unwrap_or_default();
    let after = &tried.after;
    let mut widget = after.widget.resolve(&lang);
    widget.turnstile = after.turnstile.as_ref().map(|t| t.site_key.clone());
    widget.quotes = after.public.testimonials;
    let config = SiteConfig { site: after.site.clone(), widget };
    let json = |view: &SiteView| serde_json::to_value(view).map_err(|e| Failure::Internal(format!("settings as JSON: {e}")));
    let mut changes = changes(&json(&tried.before)?, &json(after)?);
    // The secret is in no settings: the object says whether it would change, never its value.
    if let Some(secret) = &tried.secret {
        let shown = |set: bool, word: &str| if set { Value::from(word) } else { Value::Null };
        changes.push(Changed { field: "turnstile.secret".into(), from: shown(secret.before, "(kept)"), to: shown(secret.after, "(new)") });
        changes.sort_by(|a, b| a.field.cmp(&b.field));
    }
    http::json(200, &DryRun { settings: tried.after, config, changes })
}

/// The settings that differ between `before` and `after`, each by its path: objects are walked
/// (a field absent on one side is `null` there), anything else (a list too) is one setting.
fn changes(before: &Value, after: &Value) -> Vec<Changed> {
    let mut out = Vec::new();
    walk("", before, after, &mut out);
    out.retain(|c| !UNLISTED.contains(&c.field.as_str()));
    out
}

fn walk(at: &str, before: &Value, after: &Value, out: &mut Vec<Changed>) {
    if let (Value::Object(_), _) | (_, Value::Object(_)) = (before, after) {
        let mut names: Vec<&String> = before.as_object().into_iter().chain(after.as_object()).flat_map(|o| o.keys()).collect();
        names.sort();
        names.dedup();
        for name in names {
            let path = if at.is_empty() { name.clone() } else { format!("{at}.{name}") };
            walk(&path, before.get(name).unwrap_or(&Value::Null), after.get(name).unwrap_or(&Value::Null), out);
        }
    } else if before != after {
        out.push(Changed { field: at.to_owned(), from: before.clone(), to: after.clone() });
    }
}
