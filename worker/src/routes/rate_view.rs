//! The rating link's pages: the thanks (the question, the answer stored, and a plain HTML form
//! for a comment) and the refusal. No script; the one stylesheet is inline and allowed by its
//! hash alone (`CSP`), so the page needs no other request and nothing else can run or load.

use maud::{html, Markup, DOCTYPE};
use sha2::{Digest, Sha256};
use worker::Response;

use crate::http::Failure;
use crate::site::LinkRated;

/// The page's whole style: readable on a phone, light or dark, focus always visible.
const STYLE: &str = "body{margin:0;font:1.05rem/1.5 system-ui,sans-serif;color:#1a1a1a;background:#fff}\
main{max-width:32rem;margin:0 auto;padding:2rem 1.25rem}h1{font-size:1.5rem;margin:0 0 1rem}\
label{display:block;font-weight:600;margin:1.5rem 0 .5rem}textarea{box-sizing:border-box;width:100%;font:inherit;padding:.5rem;\
border:2px solid #555;border-radius:6px;color:inherit;background:inherit}button{margin-top:.75rem;font:inherit;font-weight:600;\
padding:.6rem 1.4rem;border:0;border-radius:6px;color:#fff;background:#1f4fd1;cursor:pointer}\
:focus-visible{outline:3px solid #c2410c;outline-offset:2px}\
@media (prefers-color-scheme:dark){body{color:#f2f2f2;background:#121212}textarea{border-color:#aaa}button{background:#3b6cf0}}";

/// Nothing but the style above; forms post back to this edge only; never framed.
fn csp() -> String {
    let hash = standard_base64(&Sha256::digest(STYLE.as_bytes()));
    format!("default-src 'none'; style-src 'sha256-{hash}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
}

/// Standard base64 with padding (what a CSP hash is written in), from core's base64url.
fn standard_base64(bytes: &[u8]) -> String {
    let mut text: String = sayso_core::link::base64url(bytes)
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    while !text.len().is_multiple_of(4) {
        text.push('=');
    }
    text
}

/// A whole page: `lang`, `dir`, title and the body in a `main` landmark.
fn page(lang: &str, dir: &str, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang) dir=(dir) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                meta name="robots" content="noindex";
                title { (title) }
                style { (maud::PreEscaped(STYLE)) }
            }
            body { main { (body) } }
        }
    }
}

/// The page's response: HTML with `status`, the CSP and no sniffing.
fn respond(status: u16, markup: Markup) -> Result<Response, Failure> {
    let response = Response::from_html(markup.into_string())?.with_status(status);
    let headers = response.headers();
    headers.set("content-security-policy", &csp())?;
    headers.set("x-content-type-options", "nosniff")?;
    headers.set("referrer-policy", "no-referrer")?;
    Ok(response)
}

/// The thanks: the question and the answer stored, and the comment form (the stored comment in
/// it, so sending it again changes nothing). The form posts to this same URL, the value with it.
pub fn thanks(rated: &LinkRated) -> Result<Response, Failure> {
    let body = html! {
        h1 { (rated.thanks) }
        p { (rated.question) " " strong { (rated.answer) } }
        form method="post" {
            input type="hidden" name="v" value=(rated.value);
            label for="comment" { (rated.follow_up) }
            textarea id="comment" name="comment" rows="4" maxlength=(sayso_core::comment::COMMENT_MAX_CHARS) {
                (rated.comment.as_deref().unwrap_or(""))
            }
            button type="submit" { (rated.send) }
        }
    };
    respond(200, page(&rated.lang, &rated.dir, &rated.thanks, body))
}

/// A refusal, in English (a refused link names no site whose language could be used), with
/// the API's status and its message.
pub fn refused(failure: &Failure) -> Result<Response, Failure> {
    let (status, code, message) = failure.status_code_message();
    if let Failure::Internal(detail) = failure {
        worker::console_error!("rating link: {detail}");
    }
    let title = match code {
        "invalid_link" => "This rating link is not valid",
        "rate_limited" => "Too many ratings just now",
        _ => "Your rating was not recorded",
    };
    let body = html! {
        h1 { (title) }
        p { (message) }
    };
    let response = respond(status, page("en", "ltr", title, body))?;
    if let Failure::RateLimited(seconds) = failure {
        response.headers().set("retry-after", &seconds.to_string())?;
    }
    Ok(response)
}
