//! `GET /v1/sites/{site}/feedback` (a page of submissions, newest first) and
//! `DELETE /v1/sites/{site}/feedback/{id}`: the owner's view of what visitors said, and the
//! visitor's "undo" (a delete with the submission's receipt, from the widget, with its CORS
//! preflight).

use sayso_core::SubmissionId;
use worker::{Env, Request, Response};

use crate::http::{self, Failure};
use crate::site::{self, FeedbackQuery};

/// The owner's filters, parsed here, and the key, checked by the site's object.
pub async fn list(req: &Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let key = super::credential(req)?;
    let client = site::client(env, &site)?;
    let query = client.owners(&key, FeedbackQuery::parse(&req.url()?)).await?;
    http::json(200, &client.feedback(&key, query).await?)
}

/// Deletes one submission; the counts drop with it. A page (the widget's undo) may read the
/// answer: the receipt or owner key is the permission, not the origin.
pub async fn delete(req: &Request, env: &Env, site: &str, id: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let answer = match deleted(req, env, &site, id).await {
        Ok(()) => Response::empty()?.with_status(204),
        Err(failure) => http::error_response(&failure)?,
    };
    match http::request_origin(req) {
        Ok(origin) => http::allow_origin_to(answer, &origin, "DELETE, OPTIONS", "authorization"),
        Err(_) => Ok(answer),
    }
}

async fn deleted(req: &Request, env: &Env, site: &sayso_core::SiteId, id: &str) -> Result<(), Failure> {
    // An id that is not one is no submission of this site, whoever asks.
    let id = SubmissionId::parse(id).map_err(|_| Failure::FeedbackNotFound)?;
    site::client(env, site)?.delete(&super::credential(req)?, id.as_str()).await
}

/// `OPTIONS`: lets any page send the widget's undo (see `super::preflight`): the receipt is the
/// permission, not the origin.
pub async fn preflight(req: &Request, env: &Env, site: &str) -> Result<Response, Failure> {
    super::preflight(req, env, site, "DELETE, OPTIONS", "authorization").await
}
