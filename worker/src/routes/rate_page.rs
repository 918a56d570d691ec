//! `GET /r/{token}?v=N` and `POST /r/{token}`: a rating link clicked (in a mail, on a receipt,
//! from a QR code) and its thank-you page's comment form. No script anywhere: the click records
//! the rating and answers a small HTML page (`rate_view.rs`); the form posts back here.
//!
//! Once per link: the link's token names its one submission id, so a second click of the same
//! value changes nothing (`duplicate`), another value is a revision of that submission (the
//! clicker changed their mind; within the widget's edit window and revision limit, then the
//! earlier answer stands), and the comment is a revision too. A tampered token is refused
//! before anything is stored (`invalid_link`, 400), as is a token of a site that does not exist
//! (the same answer: a token tells nothing of which sites exist).
//!
//! Mail link scanners fetch links before people do. What is done about it: only `GET` records
//! (scanners that probe with `HEAD` get 405 and record nothing); every answer is `no-store`, so
//! no cache replays it; and a scanner that does fetch a value spends the same per-visitor token
//! bucket as a widget (`visitor_per_minute`), and its click is a revision the recipient's own
//! click replaces (within the edit window). What is not: a scanner that fetches every value of
//! a link leaves the last one it fetched until the recipient clicks; the ratings are counted
//! under the link's campaign (`channels` in the summary), never mixed into `web`.
//!
//! A client that asks for `Accept: application/json` gets the API's JSON instead: the outcome,
//! or the error body every route answers.

use sayso_core::{RatingLink, ValidationError};
use serde::Serialize;
use worker::{Env, Request, Response};

use super::rate_view;
use crate::http::{self, Failure};
use crate::site::{self, LinkRated, RateByLink};

/// What a JSON client reads of a click.
#[derive(Serialize)]
struct Rated<'a> {
    status: sayso_core::SubmitStatus,
    channel: &'a str,
    scale: &'a str,
    value: i64,
    comment: Option<&'a str>,
}

/// A click: the value from `?v=`.
pub async fn get(req: &Request, env: &Env, token: &str) -> Result<Response, Failure> {
    let url = req.url()?;
    let value = url.query_pairs().find(|(k, _)| k == "v").map(|(_, v)| v.into_owned());
    let result = match value.as_deref().map(parse_value) {
        Some(Ok(value)) => rate(req, env, token, value, None).await,
        Some(Err(failure)) => Err(failure),
        None => Err(Failure::InvalidQuery("the link has no value: ?v=N".into())),
    };
    answer(req, result)
}

/// The thank-you page's form: `v` and `comment`, urlencoded.
pub async fn post(mut req: Request, env: &Env, token: &str) -> Result<Response, Failure> {
    let result = async {
        let body = http::read_body(&mut req, &["application/x-www-form-urlencoded"], "application/x-www-form-urlencoded").await?;
        let (value, comment) = form(&body)?;
        rate(&req, env, token, value, Some(http::nfc(&comment))).await
    }
    .await;
    answer(&req, result)
}

/// Reads the token's payload (to route; the shard checks its MAC), then asks the shard.
async fn rate(req: &Request, env: &Env, token: &str, value: i64, comment: Option<String>) -> Result<LinkRated, Failure> {
    let link = RatingLink::peek(token)?;
    let lang = req.headers().get("accept-language")?.unwrap_or_default();
    let lang = lang.split([',', ';']).next().unwrap_or_default().trim().chars().take(35).collect();
    let call = RateByLink { token: token.to_owned(), value, comment, lang, visitor: super::submit::visitor(req)? };
    match site::client(env, &link.site)?.rate_by_link(&link.id, call).await {
        // The site of a well-formed token does not exist: the same refusal as a forged one.
        Err(Failure::SiteNotFound) => Err(ValidationError::InvalidLink.into()),
        other => other,
    }
}

/// `v` as a whole number (the scale's range is the shard's check, by core's rule).
fn parse_value(text: &str) -> Result<i64, Failure> {
    text.trim().parse::<i64>().map_err(|_| Failure::InvalidQuery("v must be a whole number on the link's scale".into()))
}

/// The form's `v` and `comment` (a missing comment is an empty one).
fn form(body: &[u8]) -> Result<(i64, String), Failure> {
    let text = std::str::from_utf8(body).map_err(|_| Failure::BadJson("the form is not UTF-8".into()))?;
    let url = worker::Url::parse(&format!("https://form.invalid/?{text}")).map_err(|_| Failure::InvalidQuery("the form could not be read".into()))?;
    let (mut value, mut comment) = (None, String::new());
    for (key, text) in url.query_pairs() {
        match key.as_ref() {
            "v" => value = Some(parse_value(&text)?),
            "comment" => comment = text.into_owned(),
            _ => {}
        }
    }
    Ok((value.ok_or_else(|| Failure::InvalidQuery("the form has no value (v)".into()))?, comment))
}

/// The page (or, for `Accept: application/json`, the JSON) of `result`.
fn answer(req: &Request, result: Result<LinkRated, Failure>) -> Result<Response, Failure> {
    let json = req.headers().get("accept")?.is_some_and(|a| a.contains("application/json"));
    let response = match (result, json) {
        (Ok(rated), true) => {
            let status = if rated.status == sayso_core::SubmitStatus::Created { 201 } else { 200 };
            let body =
                Rated { status: rated.status, channel: &rated.channel, scale: &rated.scale, value: rated.value, comment: rated.comment.as_deref() };
            http::json(status, &body)?
        }
        (Err(failure), true) => return Err(failure),
        (Ok(rated), false) => rate_view::thanks(&rated)?,
        (Err(failure), false) => rate_view::refused(&failure)?,
    };
    response.headers().set("cache-control", "no-store")?;
    Ok(response)
}
