//! The settings view (`/dashboard/view/settings`): the form of every setting beside the live
//! preview of the real widget, and the place where a change's diff is shown before it is saved
//! (`settings.js` wires them to `PATCH /v1/sites/{site}?dry_run=true`, then the real `PATCH`).

use maud::{html, Markup};
use worker::{Env, Request};

mod alerts;
mod fields;
mod form;

use crate::http::Failure;
use crate::site;
use form::{bundled_languages, groups};

/// Renders the view for the signed-in owner, the preview showing the saved settings in the
/// widget's own language until the owner changes something.
pub async fn view(req: &Request, env: &Env) -> Result<Markup, Failure> {
    let site = super::site_param(&req.url()?)?;
    let settings = site::client(env, &site)?.settings(&super::super::credential(req)?).await.map_err(super::refused)?;
    // What `GET …/config` answers, less Turnstile: the preview never loads Cloudflare's script
    // (the dashboard's CSP would not let it), and it never sends a comment that would need it.
    let widget = settings.widget.resolve(&settings.widget.language);
    let config = serde_json::to_string(&widget).map_err(|e| Failure::Internal(format!("preview config: {e}")))?;
    Ok(html! {
        section.card.wide.settings aria-labelledby="view-title" {
            h1 #view-title { "Settings" }
            p.note { "Every change shows in the preview first; nothing reaches visitors until you review and save it." }
            div.settings-layout {
                form #settings-form novalidate aria-label="Settings" {
                    (groups(&settings))
                    p.error #form-error role="alert" {}
                    div.actions {
                        button.primary type="submit" { "Review and save…" }
                    }
                }
                aside.preview aria-labelledby="preview-title" {
                    h2 #preview-title { "Preview" }
                    p.note #preview-note { "The real widget, with the unsaved values. It sends nothing and stores nothing; here it is always in the page's flow (placement and triggers apply on your pages)." }
                    div.field {
                        label for="preview-lang" { "Preview in" }
                        select #preview-lang {
                            @for (code, name) in bundled_languages() {
                                option value=(code) selected[code == settings.widget.language] { (name) }
                            }
                        }
                    }
                    div #preview-frame lang=(widget.lang) {
                        sayso-feedback #preview-widget site=(settings.site) preview=(config) {}
                    }
                    p.note #preview-state role="status" {}
                }
            }
            section #review hidden aria-labelledby="review-title" {
                h2 #review-title tabindex="-1" { "Review the changes" }
                ul #changes {}
                div.actions {
                    button.primary #save type="button" { "Save these changes" }
                    button #keep-editing type="button" { "Keep editing" }
                }
            }
            p #saved role="status" tabindex="-1" {}
            div.secret #new-secret hidden {
                p { "Your new webhook signs each delivery with this secret (its sayso-signature header). Copy it now; “Show signing secret” under Webhook shows it again." }
                div.secret-row {
                    code {}
                    button type="button" data-copy { "Copy secret" }
                }
            }
        }
    })
}
