//! The Worker's side of a triage change: the ids grouped by the shard that holds them, one call
//! per shard, and once more by the map a shard answers if the cached one was stale.
//!
//! Each shard's part is one transaction. Across shards there is none, so a bulk change whose ids
//! span shards is first tried on each (`ChangeTriage::trial`: judged, then rolled back) and
//! applied only if every part passed: an unknown id or an 11th tag on any shard changes nothing.
//! Only a submission deleted between the trial and the change can still stop a later part.

use std::collections::BTreeMap;

use sayso_core::{FeedbackItem, ShardMap, SubmissionId, Triage};

use super::call::{ChangeTriage, Credential, Routed};
use super::client::SiteClient;
use super::merge;
use crate::http::Failure;

/// Changes the triage of `ids` on the shards that hold them; answers the items newest first.
pub async fn triage(client: &SiteClient, key: &Credential, ids: Vec<SubmissionId>, change: Triage) -> Result<Vec<FeedbackItem>, Failure> {
    let mut map = merge::cached_map(&client.site);
    let groups = by_shard(map.as_ref(), ids.clone());
    if groups.len() > 1 {
        for (shard, group) in &groups {
            let call =
                ChangeTriage { key: key.clone(), ids: group.iter().map(|id| id.as_str().to_owned()).collect(), change: change.clone(), trial: true };
            match client.ask_at(*shard, call).await {
                // A stale map: the change itself routes by the fresh one (and refuses as the trial would).
                Ok(Routed::Here(_) | Routed::Elsewhere(_)) => {}
                Err(Failure::SiteNotFound) if *shard > 0 => return Err(Failure::Internal(format!("shard {shard} of the site has no settings yet"))),
                Err(failure) => return Err(failure),
            }
        }
    }
    let mut pending = ids;
    let mut items = Vec::new();
    for _ in 0..2 {
        let mut stale = Vec::new();
        for (shard, group) in by_shard(map.as_ref(), pending) {
            let call =
                ChangeTriage { key: key.clone(), ids: group.iter().map(|id| id.as_str().to_owned()).collect(), change: change.clone(), trial: false };
            match client.ask_at(shard, call).await {
                Ok(Routed::Here(changed)) => items.extend(changed),
                Ok(Routed::Elsewhere(fresh)) => {
                    merge::remember_map(&client.site, &fresh);
                    map = Some(fresh);
                    stale.extend(group);
                }
                // A shard the site's record has not reached yet: retryable, never a final 404.
                Err(Failure::SiteNotFound) if shard > 0 => return Err(Failure::Internal(format!("shard {shard} of the site has no settings yet"))),
                Err(failure) => return Err(failure),
            }
        }
        if stale.is_empty() {
            items.sort_by(|a, b| (b.received_at, &b.id).cmp(&(a.received_at, &a.id)));
            return Ok(items);
        }
        pending = stale;
    }
    Err(Failure::Internal("the site's shards disagree on a submission's shard".into()))
}

/// The ids by the shard `map` gives them (shard 0 without a map), shards in order.
fn by_shard(map: Option<&ShardMap>, ids: Vec<SubmissionId>) -> BTreeMap<u32, Vec<SubmissionId>> {
    let mut groups: BTreeMap<u32, Vec<SubmissionId>> = BTreeMap::new();
    for id in ids {
        groups.entry(map.map_or(0, |m| m.shard_of(&id))).or_default().push(id);
    }
    groups
}
