//! `POST /v1/sites/{site}/links`: the owner makes a rating link (`Authorization: Bearer
//! OWNER_KEY`, `{campaign, scale, reference?}`) and gets its token and one URL per value of the
//! scale (`/r/{token}?v=N`), for an email, a receipt or a QR code. Each call makes a new link,
//! with its own submission: one link per recipient, so each recipient counts once.

use sayso_core::{Campaign, Reference, Scale, ValidationError};
use serde::{Deserialize, Serialize};
use worker::{Env, Request, Response};

use crate::http::{self, Failure};
use crate::site::{self, MakeLink};

/// The body: a campaign (the channel its ratings count under), a scale the site accepts, and
/// an optional reference of the owner's (a ticket id).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkWire {
    campaign: String,
    scale: String,
    #[serde(default)]
    reference: Option<String>,
}

/// The answer: the token, its submission id, and the URL of each value.
#[derive(Serialize)]
struct Made {
    token: String,
    id: String,
    campaign: String,
    scale: String,
    reference: Option<String>,
    links: Vec<ValueLink>,
}

/// One value's URL.
#[derive(Serialize)]
struct ValueLink {
    value: u8,
    url: String,
}

/// Checks the body by core's rules, then shard 0 signs the link.
pub async fn post(mut req: Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let key = super::credential(&req)?;
    let body = http::read_body(&mut req, &["application/json"], "application/json").await?;
    let client = site::client(env, &site)?;
    let (wire, scale) = client.owners(&key, checked(&body)).await?;
    let origin = req.url()?.origin().ascii_serialization();
    let made =
        client.make_link(MakeLink { key, campaign: wire.campaign.clone(), scale: wire.scale.clone(), reference: wire.reference.clone() }).await?;
    let links = scale.values().map(|value| ValueLink { value, url: format!("{origin}/r/{}?v={value}", made.token) }).collect();
    http::json(201, &Made { token: made.token, id: made.id, campaign: wire.campaign, scale: wire.scale, reference: wire.reference, links })
}

/// The body, each field by its rule (an empty reference is none).
fn checked(body: &[u8]) -> Result<(LinkWire, Scale), Failure> {
    let mut wire = http::parse_json::<LinkWire>(body)?;
    Campaign::parse(&wire.campaign)?;
    let scale = Scale::parse(&wire.scale).ok_or_else(|| ValidationError::UnknownScale(wire.scale.clone()))?;
    wire.reference = wire.reference.filter(|r| !r.is_empty());
    if let Some(reference) = &wire.reference {
        Reference::parse(reference)?;
    }
    Ok((wire, scale))
}
