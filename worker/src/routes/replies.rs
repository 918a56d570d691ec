//! Replies: the owner's (`PUT`/`DELETE /v1/sites/{site}/feedback/{id}/reply`), a visitor's
//! check for replies to its receipts (`POST /v1/sites/{site}/replies`) and its one follow-up
//! (`POST /v1/sites/{site}/feedback/{id}/followup`), with the visitor routes' CORS preflights.
//! Bodies are checked here, whole, before the site's object is asked.
//!
//! The visitor's routes answer any page, as the undo does: the receipt is the permission, not
//! the origin. Whatever does not match (a wrong key, an unknown id, another site's id) answers
//! as a submission without a reply does: left out of a check, `feedback_not_found` to a follow-up.

use sayso_core::reply::{FollowupWire, ReplyCheck, ReplyText, ReplyWire, VisitorReplies};
use sayso_core::{AuthorKey, SubmissionId};
use worker::{Env, Request, Response};

use crate::http::{self, Failure};
use crate::site;

/// What a page may send to the check.
const CHECK_METHODS: &str = "POST, OPTIONS";
/// What a page may send to the follow-up.
const FOLLOWUP_METHODS: &str = "POST, OPTIONS";

/// The owner's reply: `{"text", "fixed"}`; answers the reply as stored.
pub async fn put(mut req: Request, env: &Env, site: &str, id: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let key = super::credential(&req)?;
    let body = http::read_body(&mut req, &["application/json"], "application/json").await?;
    let client = site::client(env, &site)?;
    let input = SubmissionId::parse(id).map_err(|_| Failure::FeedbackNotFound).and_then(|id| {
        let wire = http::parse_json::<ReplyWire>(&body)?;
        Ok((id, ReplyText::parse("text", &http::nfc(&wire.text))?, wire.fixed))
    });
    let (id, text, fixed) = client.owners(&key, input).await?;
    http::json(200, &client.put_reply(&key, &id, text.as_str(), fixed).await?)
}

/// Removes the owner's reply (and the visitor's follow-up with it): 204.
pub async fn delete(req: &Request, env: &Env, site: &str, id: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let key = super::credential(req)?;
    let client = site::client(env, &site)?;
    let id = client.owners(&key, SubmissionId::parse(id).map_err(|_| Failure::FeedbackNotFound)).await?;
    client.delete_reply(&key, &id).await?;
    Ok(Response::empty()?.with_status(204))
}

/// A visitor's check: `{"receipts": [{"id", "key"}, …]}` (1 to `RECEIPTS_MAX`), as
/// `text/plain` (so a page sends it without a preflight) or JSON; answers `{"replies": […]}`.
pub async fn check(mut req: Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let answer = checked(&mut req, env, site).await.and_then(|replies| http::json(200, &replies));
    readable(&req, answer, CHECK_METHODS, "content-type")
}

async fn checked(req: &mut Request, env: &Env, site: &str) -> Result<VisitorReplies, Failure> {
    let site = super::site_id(site)?;
    let body = http::read_body(req, &["text/plain", "application/json"], "text/plain").await?;
    let wire = http::parse_json::<ReplyCheck>(&body)?;
    wire.check()?;
    // A receipt that is not well formed matches nothing: it is left out, as a wrong key is.
    let mut receipts: Vec<(SubmissionId, AuthorKey)> =
        wire.receipts.iter().filter_map(|r| Some((SubmissionId::parse(&r.id).ok()?, AuthorKey::parse(&r.key).ok()?))).collect();
    receipts.sort_by(|a, b| a.0.cmp(&b.0));
    receipts.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    let visitor = super::submit::visitor(req)?;
    Ok(VisitorReplies { replies: site::client(env, &site)?.check_replies(receipts, &visitor).await? })
}

/// The visitor's one answer to a reply: `Authorization: Receipt KEY`, `{"comment"}`; 201 with
/// the reply and the follow-up as stored.
pub async fn followup(mut req: Request, env: &Env, site: &str, id: &str) -> Result<Response, Failure> {
    let answer = followed_up(&mut req, env, site, id).await.and_then(|reply| http::json(201, &reply));
    readable(&req, answer, FOLLOWUP_METHODS, "authorization, content-type")
}

async fn followed_up(req: &mut Request, env: &Env, site: &str, id: &str) -> Result<sayso_core::reply::ReplyView, Failure> {
    let site = super::site_id(site).map_err(|_| Failure::FeedbackNotFound)?;
    let receipt = receipt(req)?;
    let body = http::read_body(req, &["application/json", "text/plain"], "application/json").await?;
    let wire = http::parse_json::<FollowupWire>(&body)?;
    let comment = ReplyText::parse("comment", &http::nfc(&wire.comment))?;
    // A malformed id or key is no submission's: answered as a wrong one is.
    let id = SubmissionId::parse(id).map_err(|_| Failure::FeedbackNotFound)?;
    let key = AuthorKey::parse(&receipt).map_err(|_| Failure::FeedbackNotFound)?;
    let visitor = super::submit::visitor(req)?;
    match site::client(env, &site)?.followup(&key, &id, comment.as_str(), &visitor).await {
        // No such site: answered as no such submission (the quote's consent says the same).
        Err(Failure::SiteNotFound) => Err(Failure::FeedbackNotFound),
        other => other,
    }
}

/// The token of `Authorization: Receipt KEY`; without one, `FeedbackNotFound`, as a wrong one.
fn receipt(req: &Request) -> Result<String, Failure> {
    let value = req.headers().get("authorization")?.ok_or(Failure::FeedbackNotFound)?;
    let (scheme, token) = value.split_once(' ').ok_or(Failure::FeedbackNotFound)?;
    if !scheme.eq_ignore_ascii_case("receipt") || token.trim().is_empty() {
        return Err(Failure::FeedbackNotFound);
    }
    Ok(token.trim().to_owned())
}

/// The answer, a refusal included, readable by the page that asked (if a page asked).
fn readable(req: &Request, answer: Result<Response, Failure>, methods: &str, headers: &str) -> Result<Response, Failure> {
    match http::request_origin(req) {
        Ok(origin) => http::readable_by(answer, &origin, methods, headers),
        Err(_) => answer,
    }
}

/// `OPTIONS` of the check: lets any page send it as JSON (see `super::preflight`).
pub async fn check_preflight(req: &Request, env: &Env, site: &str) -> Result<Response, Failure> {
    super::preflight(req, env, site, CHECK_METHODS, "content-type").await
}

/// `OPTIONS` of the follow-up: lets any page send it with its receipt.
pub async fn followup_preflight(req: &Request, env: &Env, site: &str) -> Result<Response, Failure> {
    super::preflight(req, env, site, FOLLOWUP_METHODS, "authorization, content-type").await
}
