//! `/v1/sites` (admin: create, list) and `/v1/sites/{site}` (owner: read and change the
//! settings, rotate the key, read the webhook log): a site's lifecycle.

use sayso_core::{NewSite, ShardMap, SiteCreated, SiteId, SitePatch, SiteView};
use worker::{Env, Request, Response};

use crate::directory;
use crate::http::{self, Failure};
use crate::site::{self, SettingsChange, SiteRecord};

/// Fails unless the request carries the `ADMIN_TOKEN` secret as its bearer token.
pub(crate) fn require_admin(req: &Request, env: &Env) -> Result<(), Failure> {
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
pub async fn bench_seed(req: Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let (client, seed) = bench_call::<site::call::Seed>(req, env, site).await?;
    let seeded = client.seed(seed).await?;
    http::json(200, &serde_json::json!({ "seeded": seeded.seeded }))
}

/// `GET /v1/sites/{site}/bench-meter[?shard=K]` (admin; `bench` builds only): `{"calls",
/// "rows_read", "rows_written"}` of the site's object (or of its shard K) since its instance
/// started, this call not counted; a benchmark reads it before and after an operation.
#[cfg(feature = "bench")]
pub async fn bench_meter(req: &Request, env: &Env, site: &str) -> Result<Response, Failure> {
    require_admin(req, env)?;
    let site = super::site_id(site)?;
    let shard = req.url()?.query_pairs().find(|(name, _)| name == "shard").and_then(|(_, k)| k.parse::<u32>().ok()).unwrap_or(0);
    let metered = site::SiteClient::shard(env, &site, shard.min(sayso_core::SHARDS_MAX))?.meter().await?;
    http::json(200, &metered)
}

/// `POST /v1/sites/{site}/bench-rewind` (admin; `bench` builds only): `{"first_day": "YYYY-MM-DD"}`,
/// the site's last-30-days window as if last read when it started that day.
#[cfg(feature = "bench")]
pub async fn bench_rewind(req: Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let (client, rewind) = bench_call::<site::call::Rewind>(req, env, site).await?;
    client.rewind(rewind.first_day).await?;
    http::json(200, &serde_json::json!({}))
}

/// A bench route's admin check, its site's object and its JSON body.
#[cfg(feature = "bench")]
async fn bench_call<T: serde::de::DeserializeOwned>(mut req: Request, env: &Env, site: &str) -> Result<(site::SiteClient, T), Failure> {
    require_admin(&req, env)?;
    let site = super::site_id(site)?;
    let body = http::read_body(&mut req, &["application/json"], "application/json").await?;
    Ok((site::client(env, &site)?, http::parse_json(&body)?))
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
            scales: settings.scales,
            shards: settings.shards,
            public: sayso_core::quote::PublicSettings::default(),
            alerts: sayso_core::alerts::AlertRules::default(),
        },
        owner_key_sha256: http::sha256_hex(owner_key.as_bytes()),
        turnstile_secret: None,
        // Rating links' key (`site/links.rs`), made with the site.
        link_secret: Some(http::random_token(32)?),
        shard: 0,
        // No id was routed yet: the site's shards are in force at once.
        shard_map: ShardMap::new(settings.shards),
        // Version 1, pushed 0: until every shard has it, the alarm pushes it (`shards.rs`).
        version: 1,
        pushed_version: 0,
        erasing: false,
    };
    site::client(env, &site)?.create(record.clone()).await?;
    // Listed after the object holds the site: a crash in between leaves a site the directory
    // misses (it reappears on its next PATCH), never a listed site that does not exist.
    if let Err(e) = directory::put(
        env,
        &directory::Entry { site: record.settings.site.clone(), name: record.settings.name.clone(), created_at: record.settings.created_at },
    )
    .await
    {
        // The site exists and its key must reach the caller: a missing list entry is the lesser harm.
        worker::console_error!("site {} created but not listed: {e}", record.settings.site);
    }
    let edge = req.url()?.origin().ascii_serialization();
    let snippet = format!(r#"<script async src="{edge}/v1/embed.js" data-site="{}"></script>"#, site.as_str());
    http::json(201, &SiteCreated { site: site.as_str().to_owned(), owner_key, snippet })
}

/// `GET /v1/sites/{site}` (owner key): the settings.
pub async fn settings(req: &Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    http::json(200, &site::client(env, &site)?.settings(&super::credential(req)?).await?)
}

/// `PATCH /v1/sites/{site}` (owner key): the patch is parsed and checked here, applied by the
/// object; the directory keeps the new name. With `?dry_run=true` it is only tried
/// (`dry_run.rs`).
pub async fn change_settings(mut req: Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let key = super::credential(&req)?;
    let body = http::read_body(&mut req, &["application/json"], "application/json").await?;
    let client = site::client(env, &site)?;
    let change = http::parse_json::<SitePatch>(&body).and_then(|patch| Ok(SettingsChange::from(patch.validate()?)));
    let change = client.owners(&key, change).await?;
    let url = req.url()?;
    if super::dry_run::asked(&url)? {
        return super::dry_run::answer(&url, &client, &key, change).await;
    }
    let view: SiteView = client.change_settings(&key, change).await?;
    directory::put(env, &directory::Entry { site: view.site.clone(), name: view.name.clone(), created_at: view.created_at }).await?;
    http::json(200, &view)
}

/// `POST /v1/sites/{site}/keys` (owner key): a new owner key; the old one stops working.
pub async fn rotate_key(req: &Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    http::json(200, &site::client(env, &site)?.rotate_key(&super::credential(req)?).await?)
}

/// `POST /v1/sites/{site}/webhook-test` (owner key): one signed `test` event queued, delivered by
/// the alarm like every event and logged; 409 `webhook_not_set` without a webhook.
pub async fn webhook_test(req: &Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    http::json(202, &site::client(env, &site)?.webhook_test(&super::credential(req)?).await?)
}

/// `GET /v1/sites/{site}/webhook-deliveries` (owner key): the webhook and its delivery log.
pub async fn deliveries(req: &Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let deliveries = site::client(env, &site)?.deliveries(&super::credential(req)?).await?;
    // Through a JSON value, as the `json!` literal of earlier versions did: the same bytes.
    http::json(200, &serde_json::to_value(&deliveries).map_err(|e| Failure::Internal(e.to_string()))?)
}
