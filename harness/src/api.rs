//! A small blocking HTTP client for the Worker's API (ureq, no TLS: everything is on loopback).

use anyhow::{Context, Result};
use serde_json::Value;

/// A response, read whole.
#[derive(Debug)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// Headers, names lowercase.
    pub headers: Vec<(String, String)>,
    /// The body as text.
    pub body: String,
}

impl Answer {
    /// The body parsed as JSON (`Null` if it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// `error.code` of a JSON error body.
    pub fn error_code(&self) -> Option<String> {
        self.json()["error"]["code"].as_str().map(str::to_owned)
    }
}

/// Sends one request; any status is an answer, only transport failures are errors.
pub fn request(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Result<Answer> {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut builder = ureq::http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let request = builder.body(body.map(<[u8]>::to_vec).unwrap_or_default()).context("building the request")?;
    let mut response = agent.run(request).with_context(|| format!("{method} {url}"))?;
    let status = response.status().as_u16();
    let headers = response.headers().iter().map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned())).collect();
    let body = response.body_mut().read_to_string().unwrap_or_default();
    Ok(Answer { status, headers, body })
}

/// `GET url`.
pub fn get(url: &str, headers: &[(&str, &str)]) -> Result<Answer> {
    request("GET", url, headers, None)
}

/// `POST url` with a body.
pub fn post(url: &str, headers: &[(&str, &str)], body: &[u8]) -> Result<Answer> {
    request("POST", url, headers, Some(body))
}

/// `method` on `url` from a page of `origin`, with `auth` (a whole `Authorization` value, or
/// none) and a JSON body if given.
pub fn json_call(method: &str, url: &str, origin: &str, auth: Option<&str>, body: Option<Value>) -> Result<Answer> {
    let mut headers = vec![("origin", origin)];
    headers.extend(auth.map(|a| ("authorization", a)));
    if body.is_some() {
        headers.push(("content-type", "application/json"));
    }
    let body = body.map(|b| b.to_string());
    request(method, url, &headers, body.as_deref().map(str::as_bytes))
}
