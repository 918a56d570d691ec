//! `POST /v1/sites` (admin): creates a site and answers its owner key, once.

use sayso_core::{NewSite, SiteCreated, SiteId, SiteView};
use worker::{Env, Method, Request, Response};

use crate::directory;
use crate::http::{self, Failure};
use crate::site::{self, SiteRecord};

/// Fails unless the request carries the `ADMIN_TOKEN` secret as its bearer token.
fn require_admin(req: &Request, env: &Env) -> Result<(), Failure> {
    let admin_token = env.secret("ADMIN_TOKEN").map(|s| s.to_string()).map_err(|_| Failure::AdminDisabled)?;
    let given = http::bearer_token(req)?;
    if !http::same_secret(&given, &http::sha256_hex(admin_token.as_bytes())) {
        return Err(Failure::Unauthorized);
    }
    Ok(())
}

/// `POST /v1/sites/{site}/bench-seed` (admin; `bench` builds only): `{"from": N, "count": M}`
/// synthetic submissions written straight into the site's object.
#[cfg(feature = "bench")]
pub async fn bench_seed(mut req: Request, env: &Env, site: &str) -> Result<Response, Failure> {
    require_admin(&req, env)?;
    let site = super::site_id(site)?;
    let body = http::read_body(&mut req, &["application/json"], "application/json").await?;
    site::ask(env, &site, Method::Post, "/bench-seed", &[], Some(body)).await
}

/// `GET /v1/sites` (admin): every site, oldest first.
pub async fn list(req: &Request, env: &Env) -> Result<Response, Failure> {
    require_admin(req, env)?;
    let response = directory::list(env).await?;
    response.headers().set("content-type", "application/json")?;
    Ok(response)
}

/// Checks the admin token, the settings, then creates the site's object.
pub async fn create(mut req: Request, env: &Env) -> Result<Response, Failure> {
    require_admin(&req, env)?;
    let body = http::read_body(&mut req, &["application/json"], "application/json").await?;
    let settings = http::parse_json::<NewSite>(&body)?.validate()?;
    let site = match settings.id {
        Some(id) => id,
        None => SiteId::parse(&http::random_token(10)?)?,
    };
    let owner_key = site::new_owner_key()?;
    let record = SiteRecord {
        settings: SiteView {
            site: site.as_str().to_owned(),
            name: settings.name,
            origins: settings.origins.iter().map(|o| o.as_str().to_owned()).collect(),
            widget: settings.widget,
            created_at: worker::Date::now().as_millis() as i64,
            webhook: None,
            webhook_secret: None,
            retention_days: None,
            limits: settings.limits,
            turnstile: None,
        },
        owner_key_sha256: http::sha256_hex(owner_key.as_bytes()),
        receipt_key: Some(http::random_token(32)?),
        turnstile_secret: None,
    };
    let text = serde_json::to_vec(&record).map_err(|e| Failure::Internal(e.to_string()))?;
    let answer = site::ask(env, &site, Method::Post, "/create", &[], Some(text)).await?;
    if answer.status_code() != 201 {
        return Ok(answer);
    }
    // Listed after the object holds the site: a crash in between leaves a site the directory
    // misses (it reappears on its next PATCH), never a listed site that does not exist.
    if let Err(e) = directory::put(env, &directory::Entry { site: record.settings.site.clone(), name: record.settings.name.clone(), created_at: record.settings.created_at }).await {
        // The site exists and its key must reach the caller: a missing list entry is the lesser harm.
        worker::console_error!("site {} created but not listed: {e}", record.settings.site);
    }
    let edge = req.url()?.origin().ascii_serialization();
    let snippet = format!(r#"<script async src="{edge}/v1/embed.js" data-site="{}"></script>"#, site.as_str());
    http::json(201, &SiteCreated { site: site.as_str().to_owned(), owner_key, snippet })
}

/// `GET`, `PATCH /v1/sites/{site}` and `POST /v1/sites/{site}/keys` (owner key): read and change
/// the site's settings, rotate its key. The object checks the key.
pub async fn owner(mut req: Request, env: &Env, site: &str, method: Method, op: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let auth = req.headers().get("authorization")?.unwrap_or_default();
    let patch = method == Method::Patch;
    let body = if patch { Some(http::read_body(&mut req, &["application/json"], "application/json").await?) } else { None };
    let mut answer = site::ask(env, &site, method, op, &[("authorization", &auth)], body).await?;
    if patch && answer.status_code() == 200 {
        // Keep the directory's name current; the answer is the new settings.
        let bytes = answer.bytes().await?;
        let view: sayso_core::SiteView = serde_json::from_slice(&bytes).map_err(|e| Failure::Internal(e.to_string()))?;
        directory::put(env, &directory::Entry { site: view.site, name: view.name, created_at: view.created_at }).await?;
        let fresh = Response::from_bytes(bytes)?;
        fresh.headers().set("content-type", "application/json")?;
        return Ok(fresh);
    }
    Ok(answer)
}
