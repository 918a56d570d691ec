//! `PATCH /v1/sites/{site}/feedback/{id}` and `POST /v1/sites/{site}/feedback/triage`: the
//! owner's triage of one submission, or of up to `TRIAGE_IDS_MAX` at once (the inbox's bulk
//! actions). The body is checked here, whole, before the site's object is asked.

use sayso_core::{triage::check_ids, SubmissionId, Triage, TriageWire};
use serde::{Deserialize, Serialize};
use worker::{Env, Request, Response};

use crate::http::{self, Failure};
use crate::site;

/// The bulk form's body: the ids and the change, as `TriageWire` names it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BulkWire {
    ids: Vec<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    add_tags: Vec<String>,
    #[serde(default)]
    remove_tags: Vec<String>,
}

/// The bulk form's answer.
#[derive(Serialize)]
struct Changed {
    items: Vec<sayso_core::FeedbackItem>,
}

/// One submission's triage; answers the item as the list shows it.
pub async fn patch(mut req: Request, env: &Env, site: &str, id: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let key = super::credential(&req)?;
    let body = http::read_body(&mut req, &["application/json"], "application/json").await?;
    let client = site::client(env, &site)?;
    let input = SubmissionId::parse(id)
        .map_err(|_| Failure::FeedbackNotFound)
        .and_then(|id| Ok((id, Triage::check(&http::parse_json::<TriageWire>(&body)?)?)));
    let (id, change) = client.owners(&key, input).await?;
    let mut items = client.triage(&key, vec![id], change).await?;
    let item = items.pop().ok_or(Failure::FeedbackNotFound)?;
    http::json(200, &item)
}

/// The same change for every id in `ids` (1 to `TRIAGE_IDS_MAX`); answers `{items}`.
pub async fn bulk(mut req: Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let key = super::credential(&req)?;
    let body = http::read_body(&mut req, &["application/json"], "application/json").await?;
    let client = site::client(env, &site)?;
    let (ids, change) = client.owners(&key, bulk_input(&body)).await?;
    http::json(200, &Changed { items: client.triage(&key, ids, change).await? })
}

/// The bulk body, checked: the ids' number, each id, then the change.
fn bulk_input(body: &[u8]) -> Result<(Vec<SubmissionId>, Triage), Failure> {
    let wire = http::parse_json::<BulkWire>(body)?;
    check_ids(wire.ids.len())?;
    // An id that is not one is no submission of this site.
    let ids = wire.ids.iter().map(|id| SubmissionId::parse(id).map_err(|_| Failure::FeedbackNotFound)).collect::<Result<Vec<_>, _>>()?;
    let change = Triage::check(&TriageWire { status: wire.status, add_tags: wire.add_tags, remove_tags: wire.remove_tags })?;
    Ok((ids, change))
}
