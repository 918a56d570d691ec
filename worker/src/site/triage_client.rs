//! The Worker's side of a triage change: the ids grouped by the shard that holds them, every
//! group tried before any is applied, and the whole again by the map a shard answers if the one
//! routed by was stale.
//!
//! Each shard's part is one transaction, so one group (every id on one shard, as for `PATCH`)
//! is simply applied: a refusal changes nothing. Across shards there is no transaction, so a
//! change whose ids span shards is first tried on every group (`ChangeTriage::trial`: judged,
//! then rolled back) and applied only once every group's shard answered `Here`: an unknown id,
//! an 11th tag or a stale map on any shard changes nothing. The window left: a submission
//! deleted (by its visitor, the owner or retention) between the trial and the change stops its
//! shard's part after the parts before it were applied.

use std::collections::BTreeMap;

use sayso_core::{FeedbackItem, ShardMap, SubmissionId, Triage};

use super::call::{ChangeTriage, Credential, Routed, Vouch};
use super::client::SiteClient;
use super::merge;
use crate::http::Failure;

/// How many times the ids are routed anew by a fresher map before giving up (as `routed`).
const ROUNDS: usize = 3;

/// What one shard answered of its part.
enum Part {
    /// It holds every id of its part: the changed items (none for a trial).
    Here(Vec<FeedbackItem>),
    /// Route the ids again by this map (a shard's, fresher), or from shard 0 if none.
    Reroute(Option<ShardMap>),
}

/// Changes the triage of `ids` on the shards that hold them; answers the items newest first.
pub async fn triage(client: &SiteClient, key: &Credential, ids: Vec<SubmissionId>, change: Triage) -> Result<Vec<FeedbackItem>, Failure> {
    let mut map = merge::cached_map(&client.site);
    // Whether `map` is one a shard answered in this call (else the isolate's cache).
    let mut answered = false;
    // Shard 0 holds the site's newest record, a shard > 0 perhaps a push behind (a key rotated
    // out there still, `shards.rs`): shard 0 checks the key before any other shard is asked.
    let mut vouched = false;
    for _ in 0..ROUNDS {
        let groups = by_shard(map.as_ref(), &ids);
        if !vouched && !groups.contains_key(&0) {
            client.ask_at(0, Vouch { key: key.clone() }).await?;
        }
        // Else shard 0's part is asked first (the groups are in shard order), and it checks the key.
        vouched = true;
        let call = |group: &[SubmissionId], trial: bool| ChangeTriage {
            key: key.clone(),
            ids: group.iter().map(|id| id.as_str().to_owned()).collect(),
            change: change.clone(),
            trial,
        };
        let mut reroute = None;
        if groups.len() > 1 {
            for (shard, group) in &groups {
                if let Part::Reroute(fresh) = part(client, *shard, call(group, true), answered).await? {
                    reroute = Some(fresh);
                    break;
                }
            }
        }
        if let Some(fresh) = reroute {
            answered = fresh.is_some();
            map = fresh;
            continue;
        }
        let mut items = Vec::new();
        for (n, (shard, group)) in groups.iter().enumerate() {
            match part(client, *shard, call(group, false), answered).await? {
                Part::Here(changed) => items.extend(changed),
                // The lone group: its shard wrote nothing.
                Part::Reroute(fresh) if groups.len() == 1 => reroute = Some(fresh),
                Part::Reroute(_) => {
                    return Err(Failure::Internal(format!("the site's shard map changed after the triage was tried ({n} parts applied)")))
                }
            }
        }
        match reroute {
            Some(fresh) => {
                answered = fresh.is_some();
                map = fresh;
            }
            None => {
                items.sort_by(|a, b| (b.received_at, &b.id).cmp(&(a.received_at, &a.id)));
                return Ok(items);
            }
        }
    }
    Err(Failure::Internal("the site's shards disagree on a submission's shard".into()))
}

/// One shard's answer to its part, `Elsewhere`'s map remembered for the isolate's next calls.
async fn part(client: &SiteClient, shard: u32, call: ChangeTriage, answered: bool) -> Result<Part, Failure> {
    match client.ask_at(shard, call).await {
        Ok(Routed::Here(items)) => Ok(Part::Here(items)),
        Ok(Routed::Elsewhere(fresh)) => {
            merge::remember_map(&client.site, &fresh);
            Ok(Part::Reroute(Some(fresh)))
        }
        // Shard 0 took the key, so a shard > 0 that refuses it holds an older record or none
        // (an unknown site answers 401 to a key, `owner`). Routed by the isolate's cached map,
        // it may be a site erased since, with fewer shards now: shard 0 routes anew. Routed by a
        // map a shard just answered, the record's push has not reached it yet: a retryable 5xx.
        Err(Failure::Unauthorized) if shard > 0 && !answered => {
            merge::forget_map(&client.site);
            Ok(Part::Reroute(None))
        }
        Err(Failure::Unauthorized) if shard > 0 => Err(Failure::Internal(format!("shard {shard} of the site has not got its record yet"))),
        Err(failure) => Err(failure),
    }
}

/// The ids by the shard `map` gives them (shard 0 without a map), shards in order.
fn by_shard(map: Option<&ShardMap>, ids: &[SubmissionId]) -> BTreeMap<u32, Vec<SubmissionId>> {
    let mut groups: BTreeMap<u32, Vec<SubmissionId>> = BTreeMap::new();
    for id in ids {
        groups.entry(map.map_or(0, |m| m.shard_of(id))).or_default().push(id.clone());
    }
    groups
}
