//! The operations view (`/dashboard/view/operations`): not built yet.

use maud::{html, Markup};
use worker::{Env, Request};

use crate::http::Failure;

/// Renders the view for the signed-in owner.
pub async fn view(req: &Request, env: &Env) -> Result<Markup, Failure> {
    let site = super::site_param(&req.url()?)?;
    super::super::super::site::client(env, &site)?.settings(&super::super::credential(req)?).await.map_err(super::refused)?;
    Ok(html! { h1 #view-title { "Operations" } p { "Coming soon." } })
}
