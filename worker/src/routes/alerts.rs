//! `POST /v1/sites/{site}/alert-test` (owner key): `{"kind": "alert" | "digest"}`, one signed
//! alert or digest event queued now for the site's webhook (the settings' test button); and the
//! bench builds' `POST /v1/sites/{site}/bench-alerts`, the alarm's alert check run now.

use serde::Deserialize;
use worker::{Env, Request, Response};

use crate::http::{self, Failure};
use crate::site::{self, TestKind};

/// The test button's body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestWire {
    kind: TestKind,
}

/// Queues the event; 202 with its id. A wrong key is answered before a bad body.
pub async fn test(mut req: Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let key = super::credential(&req)?;
    let client = site::client(env, &site)?;
    let body = http::read_body(&mut req, &["application/json"], "application/json").await;
    let wire = client.owners(&key, body.and_then(|body| http::parse_json::<TestWire>(&body))).await?;
    http::json(202, &client.alert_test(&key, wire.kind).await?)
}

/// `POST /v1/sites/{site}/bench-alerts` (admin; `bench` builds only): judges the score drops
/// now, as the hourly alarm would, and arms the alarm to deliver what it queued.
#[cfg(feature = "bench")]
pub async fn bench(req: &Request, env: &Env, site: &str) -> Result<Response, Failure> {
    super::sites::require_admin(req, env)?;
    let site = super::site_id(site)?;
    site::client(env, &site)?.judge_alerts().await?;
    http::json(200, &serde_json::json!({}))
}
