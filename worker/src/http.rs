//! HTTP plumbing shared by every route: JSON errors (of a `Failure`, `failure.rs`), body limits,
//! CORS, security headers, auth.

use sayso_core::{ApiError, Origin};
use sha2::{Digest, Sha256};
use worker::{Request, Response};

pub use crate::failure::Failure;

/// The largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 16 * 1024;

/// A JSON response with the given status.
pub fn json<T: serde::Serialize>(status: u16, body: &T) -> Result<Response, Failure> {
    Ok(Response::from_json(body)?.with_status(status))
}

/// The JSON error response for a failure; internal details are logged, not sent.
pub fn error_response(failure: &Failure) -> worker::Result<Response> {
    if let Failure::Internal(detail) = failure {
        worker::console_error!("internal error: {detail}");
    }
    let (status, code, message) = failure.status_code_message();
    let field = if let Failure::Invalid(refusal) = failure { refusal.field() } else { None };
    let response = Response::from_json(&ApiError::new(code, message).about(field))?.with_status(status);
    match failure {
        Failure::MethodNotAllowed(allowed) => response.headers().set("allow", allowed)?,
        Failure::Unauthorized => response.headers().set("www-authenticate", "Bearer")?,
        Failure::RateLimited(seconds) => response.headers().set("retry-after", &seconds.to_string())?,
        _ => {}
    }
    Ok(response)
}

/// Turns a route's result into the response, adding the headers every response carries.
pub fn finish(result: Result<Response, Failure>) -> worker::Result<Response> {
    let response = match result {
        Ok(response) => response,
        Err(failure) => error_response(&failure)?,
    };
    let headers = response.headers();
    headers.set("x-content-type-options", "nosniff")?;
    headers.set("referrer-policy", "no-referrer")?;
    if !headers.has("cache-control")? {
        headers.set("cache-control", "no-store")?;
    }
    Ok(response)
}

/// Reads a body of at most `BODY_LIMIT` bytes whose media type is one of `accepted`.
pub async fn read_body(req: &mut Request, accepted: &[&str], expected: &'static str) -> Result<Vec<u8>, Failure> {
    let content_type = req.headers().get("content-type")?.unwrap_or_default();
    let media_type = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if !accepted.contains(&media_type.as_str()) {
        return Err(Failure::UnsupportedMediaType(expected.to_owned()));
    }
    // A declared length is required, so an oversized body is refused before it is read.
    let declared = req.headers().get("content-length")?.and_then(|v| v.trim().parse::<usize>().ok()).ok_or(Failure::LengthRequired)?;
    if declared > BODY_LIMIT {
        return Err(Failure::TooLarge);
    }
    let body = req.bytes().await?;
    if body.len() > BODY_LIMIT {
        return Err(Failure::TooLarge);
    }
    Ok(body)
}

/// Parses a JSON body into `T`, mapping serde's complaint into `invalid_json`.
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Failure> {
    serde_json::from_slice(body).map_err(|e| Failure::BadJson(e.to_string()))
}

/// Unicode NFC by the runtime's `String.prototype.normalize`.
pub fn nfc(text: &str) -> String {
    js_sys::JsString::from(text).normalize("NFC").into()
}

/// The origin of the page that made a request: `Origin`, or else the origin of `Referer`.
pub fn request_origin(req: &Request) -> Result<Origin, Failure> {
    let headers = req.headers();
    if let Some(origin) = headers.get("origin")?.filter(|o| o != "null") {
        return Origin::parse(&origin).map_err(|_| Failure::OriginNotAllowed);
    }
    match headers.get("referer")? {
        Some(referer) => Origin::of_url(&referer).map_err(|_| Failure::OriginNotAllowed),
        None => Err(Failure::OriginRequired),
    }
}

/// Adds the CORS headers that let `origin` read the response (its status and `Retry-After`
/// included, so the widget can tell a refusal from a network failure) and send it `methods`
/// with `request_headers`.
pub fn allow_origin_to(response: Response, origin: &Origin, methods: &str, request_headers: &str) -> Result<Response, Failure> {
    let headers = response.headers();
    headers.set("access-control-allow-origin", origin.as_str())?;
    headers.append("vary", "Origin")?;
    headers.set("access-control-allow-methods", methods)?;
    headers.set("access-control-allow-headers", request_headers)?;
    headers.set("access-control-expose-headers", "Retry-After")?;
    headers.set("access-control-max-age", "7200")?;
    Ok(response)
}

/// An answer or its error, readable by `origin` (see `allow_origin_to`): a page must be able to
/// read every refusal, its own origin's included, to stop sending what will never be stored.
pub fn readable_by(answer: Result<Response, Failure>, origin: &Origin, methods: &str, request_headers: &str) -> Result<Response, Failure> {
    let response = match answer {
        Ok(response) => response,
        Err(failure) => error_response(&failure)?,
    };
    allow_origin_to(response, origin, methods, request_headers)
}

/// Adds `Access-Control-Allow-Origin: *` for public, credential-free resources.
pub fn allow_any_origin(response: Response) -> Result<Response, Failure> {
    response.headers().set("access-control-allow-origin", "*")?;
    Ok(response)
}

/// The token of an `Authorization: Bearer …` header.
pub fn bearer_token(req: &Request) -> Result<String, Failure> {
    bearer(req.headers().get("authorization")?.as_deref())
}

/// The token of an `Authorization` header's value if its scheme is `Bearer`.
pub fn bearer(authorization: Option<&str>) -> Result<String, Failure> {
    let value = authorization.ok_or(Failure::Unauthorized)?;
    // The scheme name is case-insensitive (RFC 9110).
    let (scheme, token) = value.split_once(' ').ok_or(Failure::Unauthorized)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(Failure::Unauthorized);
    }
    let token = token.trim();
    if token.is_empty() {
        return Err(Failure::Unauthorized);
    }
    Ok(token.to_owned())
}

/// SHA-256 of `text`, lowercase hex: how keys are stored and ETags are made.
pub fn sha256_hex(text: &[u8]) -> String {
    Sha256::digest(text).iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two secrets' hashes in time independent of where they differ.
pub fn same_secret(given: &str, expected_hash: &str) -> bool {
    let given_hash = sha256_hex(given.as_bytes());
    given_hash.len() == expected_hash.len() && given_hash.bytes().zip(expected_hash.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// `n` random bytes as lowercase base32 (a–z, 2–7): ids and keys that are safe in URLs.
pub fn random_token(n: usize) -> Result<String, Failure> {
    let mut bytes = vec![0u8; n];
    getrandom::getrandom(&mut bytes).map_err(|e| Failure::Internal(format!("getrandom: {e}")))?;
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    Ok(out)
}
