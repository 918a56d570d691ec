//! What stands between a page and the site's storage: the allowed origins, the rate limits
//! (token buckets keyed by a salted visitor hash), the daily salt, and Turnstile.

use serde::Deserialize;
use worker::{Method, Request, RequestInit};

use super::call::{self, Visitor};
use super::settings::SiteRecord;
use super::SiteObject;
use crate::http::{self, Failure};

/// A bucket's tokens (`SELECT_BUCKET`).
const SELECT_BUCKET: &str = "SELECT tokens, at FROM bucket WHERE key = ?1";
/// Writes a bucket back.
const UPSERT_BUCKET: &str =
    "INSERT INTO bucket (key, tokens, at) VALUES (?1, ?2, ?3) ON CONFLICT (key) DO UPDATE SET tokens = excluded.tokens, at = excluded.at";
/// The salt of the UTC day of `?1` (ms).
const SELECT_SALT: &str = "SELECT salt FROM salt WHERE day = date(?1 / 1000, 'unixepoch')";
/// Stores the salt `?2` of the UTC day of `?1`.
const INSERT_SALT: &str = "INSERT INTO salt (day, salt) VALUES (date(?1 / 1000, 'unixepoch'), ?2)";

#[derive(Deserialize)]
struct BucketRow {
    tokens: f64,
    at: i64,
}

#[derive(Deserialize)]
struct SaltRow {
    salt: String,
}

impl SiteObject {
    /// `CheckOrigin`: the record, if the site allows pages of this origin.
    pub(super) fn check_origin(&self, call: &call::CheckOrigin) -> Result<SiteRecord, Failure> {
        let record = self.record()?;
        if record.settings.origins.contains(&call.origin) {
            Ok(record)
        } else {
            Err(Failure::OriginNotAllowed)
        }
    }

    /// Takes one token from a bucket of `per_minute` capacity refilled at `per_minute` a minute;
    /// `RateLimited` with the wait if it is empty. 0 means unlimited.
    pub(super) fn spend(&self, key: &str, per_minute: u32, now: i64) -> Result<(), Failure> {
        if per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(per_minute);
        let rows: Vec<BucketRow> = self.sql.exec(SELECT_BUCKET, vec![key.into()])?.to_array()?;
        let tokens = rows.first().map_or(capacity, |b| (b.tokens + (now - b.at).max(0) as f64 * capacity / 60_000.0).min(capacity));
        if tokens < 1.0 {
            let wait = ((1.0 - tokens) * 60.0 / capacity).ceil().max(1.0) as u32;
            return Err(Failure::RateLimited(wait));
        }
        self.sql.exec(UPSERT_BUCKET, vec![key.into(), (tokens - 1.0).into(), now.into()])?;
        Ok(())
    }

    /// SHA-256 of today's salt, the site, and the visitor's address and user agent. The salt is
    /// made at random each UTC day and yesterday's is deleted (with the buckets keyed by it), so
    /// a hash cannot be linked across days or reversed into an address.
    pub(super) fn visitor_hash(&self, site: &str, visitor: &Visitor, now: i64) -> Result<String, Failure> {
        let rows: Vec<SaltRow> = self.sql.exec(SELECT_SALT, vec![now.into()])?.to_array()?;
        let salt = match rows.into_iter().next() {
            Some(row) => row.salt,
            None => {
                let salt = http::random_token(32)?;
                self.sql.exec("DELETE FROM salt", None)?;
                self.sql.exec("DELETE FROM bucket WHERE key LIKE 'v:%'", None)?;
                self.sql.exec(INSERT_SALT, vec![now.into(), salt.clone().into()])?;
                salt
            }
        };
        // The same bytes as before the visitor was typed (`{len}:{address} {agent}`), so the
        // buckets of today's hashes still apply across an upgrade.
        let who = format!("{}:{} {}", visitor.address.len(), visitor.address, visitor.agent);
        Ok(http::sha256_hex(format!("{salt}\n{site}\n{who}").as_bytes()))
    }
}

/// Asks Turnstile's siteverify whether a token is good; anything but `success: true` refuses.
pub(super) async fn verify_turnstile(url: &str, secret: &str, token: Option<&str>, id: &str) -> Result<(), Failure> {
    let token = token.ok_or(Failure::TurnstileFailed)?;
    let form: String = [("secret", secret), ("response", token), ("idempotency_key", id)]
        .iter()
        .map(|(k, v)| format!("{k}={}", js_sys::encode_uri_component(v)))
        .collect::<Vec<_>>()
        .join("&");
    let headers = worker::Headers::new();
    headers.set("content-type", "application/x-www-form-urlencoded")?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(form.into()));
    let mut response = worker::Fetch::Request(Request::new_with_init(url, &init)?).send().await.map_err(|e| {
        worker::console_error!("turnstile verify: {e}");
        Failure::TurnstileFailed
    })?;
    let answer: serde_json::Value = response.json().await.unwrap_or_default();
    if answer["success"] == true {
        Ok(())
    } else {
        Err(Failure::TurnstileFailed)
    }
}
