//! What stands between a page and the site's storage: the allowed origins, the rate limits
//! (token buckets keyed by a salted hash of the visitor's network), the daily salt, and Turnstile.

use std::collections::HashMap;

use sayso_core::{network_prefix, TokenBucket, Wait, REFILL_MS};
use serde::Deserialize;
use worker::{Method, Request, RequestInit};

use super::call::{self, Visitor};
use super::settings::SiteRecord;
use super::SiteObject;
use crate::http::{self, Failure};

/// A bucket's tokens (`BucketRow`).
const SELECT_BUCKET: &str = "SELECT tokens, at FROM bucket WHERE key = ?1";
/// Writes a bucket back.
const UPSERT_BUCKET: &str =
    "INSERT INTO bucket (key, tokens, at) VALUES (?1, ?2, ?3) ON CONFLICT (key) DO UPDATE SET tokens = excluded.tokens, at = excluded.at";
/// The salt of the UTC day of `?1` (ms).
const SELECT_SALT: &str = "SELECT salt FROM salt WHERE day = date(?1 / 1000, 'unixepoch')";
/// Stores the salt `?2` of the UTC day of `?1`.
const INSERT_SALT: &str = "INSERT INTO salt (day, salt) VALUES (date(?1 / 1000, 'unixepoch'), ?2)";

/// The most opted-out visitors' buckets the object keeps in memory. Past it, new ones share
/// `OVERFLOW`: a client inventing networks cannot grow the object's memory, nor escape a limit.
const MEMORY_BUCKETS_MAX: usize = 4096;
/// The bucket of opted-out visitors who find the memory full.
const OVERFLOW: &str = "v:overflow";

/// A visitor's bucket as the object remembers it (the rule is `sayso_core::bucket`).
pub type Bucket = TokenBucket;

/// A `bucket` row: `tokens` left at `at` (ms).
#[derive(Deserialize)]
struct BucketRow {
    tokens: f64,
    at: i64,
}

/// A visitor bucket to keep in memory once the transaction that spent it has committed (memory
/// cannot be rolled back with SQLite, so it is written only after).
pub struct Remember {
    key: String,
    bucket: Bucket,
}

#[derive(Deserialize)]
struct SaltRow {
    salt: String,
}

/// The refusal for an empty bucket: the seconds until it holds a token again.
fn limited(wait: Wait) -> Failure {
    Failure::RateLimited(wait.seconds)
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

    /// Takes one token from a stored bucket of `per_minute` capacity refilled at `per_minute` a
    /// minute; `RateLimited` with the wait if it is empty. 0 means unlimited.
    pub(super) fn spend(&self, key: &str, per_minute: u32, now: i64) -> Result<(), Failure> {
        if per_minute == 0 {
            return Ok(());
        }
        let stored = self.stored_bucket(key)?.unwrap_or(TokenBucket::full(per_minute));
        let left = stored.take(per_minute, now).map_err(limited)?;
        self.store_bucket(key, left)
    }

    /// Takes one token from the visitor's bucket. A visitor has one budget whichever headers it
    /// sends: the tokens are the fewer of its stored and its remembered bucket, and both are
    /// left at the same count. An opted-out request (`private`) writes nothing to storage: its
    /// bucket is returned, to be remembered in memory after the transaction commits.
    pub(super) fn spend_visitor(&self, key: &str, per_minute: u32, now: i64, private: bool) -> Result<Option<Remember>, Failure> {
        if per_minute == 0 {
            return Ok(None);
        }
        let remembered = {
            let mut memory = self.visitors.borrow_mut();
            prune(&mut memory, now);
            memory.get(key).copied()
        };
        // An opted-out visitor the memory has no room for shares the overflow bucket.
        let memory_key = match remembered {
            Some(_) => key,
            None if private && self.visitors.borrow().len() >= MEMORY_BUCKETS_MAX => OVERFLOW,
            None => key,
        };
        let remembered = remembered.or_else(|| self.visitors.borrow().get(memory_key).copied());
        let stored = self.stored_bucket(key)?;
        let fewer = [remembered, stored].into_iter().flatten().fold(TokenBucket::full(per_minute), |a, b| a.fewer(b, per_minute, now));
        let left = fewer.take(per_minute, now).map_err(limited)?;
        if !private {
            self.store_bucket(key, left)?;
        }
        Ok((private || remembered.is_some()).then(|| Remember { key: memory_key.to_owned(), bucket: left }))
    }

    /// Keeps a spent visitor bucket in memory (after its transaction committed).
    pub(super) fn remember(&self, spent: Remember) {
        let mut memory = self.visitors.borrow_mut();
        if memory.len() < MEMORY_BUCKETS_MAX || memory.contains_key(&spent.key) || spent.key == OVERFLOW {
            memory.insert(spent.key, spent.bucket);
        }
    }

    fn stored_bucket(&self, key: &str) -> Result<Option<TokenBucket>, Failure> {
        let rows: Vec<BucketRow> = self.sql.exec(SELECT_BUCKET, vec![key.into()])?.to_array()?;
        Ok(rows.into_iter().next().map(|row| TokenBucket::stored(row.tokens, row.at)))
    }

    fn store_bucket(&self, key: &str, bucket: TokenBucket) -> Result<(), Failure> {
        self.sql.exec(UPSERT_BUCKET, vec![key.into(), bucket.tokens().into(), bucket.at().into()])?;
        Ok(())
    }

    /// SHA-256 of today's salt, the site, and the visitor's network (its IPv4 address or IPv6
    /// /64, `network_prefix`). The salt is made at random each UTC day and yesterday's is
    /// deleted (with the buckets keyed by it), so a hash cannot be linked across days or
    /// reversed into an address. Nothing the client can change at will is part of it.
    pub(super) fn visitor_hash(&self, site: &str, visitor: &Visitor, now: i64) -> Result<String, Failure> {
        let rows: Vec<SaltRow> = self.sql.exec(SELECT_SALT, vec![now.into()])?.to_array()?;
        let salt = match rows.into_iter().next() {
            Some(row) => row.salt,
            None => {
                let salt = http::random_token(32)?;
                self.sql.exec("DELETE FROM salt", None)?;
                self.sql.exec("DELETE FROM bucket WHERE key LIKE 'v:%'", None)?;
                self.sql.exec(INSERT_SALT, vec![now.into(), salt.clone().into()])?;
                self.visitors.borrow_mut().clear();
                salt
            }
        };
        let network = network_prefix(&visitor.address);
        Ok(http::sha256_hex(format!("{salt}\n{site}\n{network}").as_bytes()))
    }
}

/// Forgets the remembered buckets that are full again (untouched for `REFILL_MS`), so they hold
/// nothing worth remembering.
fn prune(memory: &mut HashMap<String, Bucket>, now: i64) {
    memory.retain(|_, bucket| now.saturating_sub(bucket.at()) < REFILL_MS);
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
