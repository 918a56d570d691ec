//! `DELETE /v1/sites/{site}` (owner key): the site erased, every shard of it, and its entry
//! gone from the admin's directory; afterwards the id answers as one nobody created, and can be
//! created anew, empty.

use worker::{Env, Request, Response};

use crate::directory;
use crate::http::Failure;
use crate::site;

/// Checks the key, unlists the site, then erases its objects (`site/erase.rs`). Unlisted first:
/// an erase that fails half-way leaves a site the directory misses (the same DELETE again
/// finishes the job, and unlisting twice is no work), never a listed site that is gone.
pub async fn delete(req: &Request, env: &Env, site: &str) -> Result<Response, Failure> {
    let site = super::site_id(site)?;
    let key = super::credential(req)?;
    let client = site::client(env, &site)?;
    match client.vouch(&key).await {
        // The key is right and an erase began: this DELETE finishes it.
        Ok(()) | Err(Failure::SiteBeingErased) => {}
        Err(failure) => return Err(failure),
    }
    directory::remove(env, site.as_str()).await?;
    client.erase(&key).await?;
    // This isolate's map of the erased site would send the next calls to shards now empty.
    site::forget_map(&site);
    Ok(Response::empty()?.with_status(204))
}
