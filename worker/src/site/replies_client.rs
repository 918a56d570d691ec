//! The Worker's side of replies: the owner's reply and the visitor's follow-up on the shard of
//! their submission, and a visitor's check of up to `RECEIPTS_MAX` receipts grouped by the
//! shard that holds each (one call per shard, all at once), routed again by a fresher map as
//! often as `SiteClient::routed` does.

use std::collections::BTreeMap;

use futures_util::future::join_all;
use sayso_core::reply::{ReplyView, VisitorReply};
use sayso_core::{AuthorKey, ShardMap, SubmissionId};

use super::call::{CheckReplies, Credential, DeleteReply, Followup, PutReply, Routed, Visitor};
use super::client::SiteClient;
use super::merge;
use crate::http::Failure;

/// How many times receipts are routed anew by a fresher map before giving up (as `routed`).
const ROUNDS: usize = 3;

impl SiteClient {
    /// Writes the owner's reply to submission `id` (parsed at the route); answers it as stored.
    pub async fn put_reply(&self, key: &Credential, id: &SubmissionId, text: &str, fixed: bool) -> Result<ReplyView, Failure> {
        let call = || PutReply { key: key.clone(), id: id.as_str().to_owned(), text: text.to_owned(), fixed };
        self.owners_routed(key, id, call).await
    }

    /// Removes the owner's reply to submission `id`.
    pub async fn delete_reply(&self, key: &Credential, id: &SubmissionId) -> Result<(), Failure> {
        self.owners_routed(key, id, || DeleteReply { key: key.clone(), id: id.as_str().to_owned() }).await
    }

    /// Stores the visitor's follow-up to the reply to submission `id`, by its key.
    pub async fn followup(&self, key: &AuthorKey, id: &SubmissionId, comment: &str, visitor: &Visitor) -> Result<ReplyView, Failure> {
        let call = || Followup { key: key.as_str().to_owned(), id: id.as_str().to_owned(), comment: comment.to_owned(), visitor: visitor.clone() };
        self.routed(id, call).await
    }

    /// An owner's call about one submission, as `delete` routes it: on a site whose cached map
    /// puts the id beyond shard 0, shard 0 checks the key first, so a shard > 0 that refuses it
    /// means a stale map (the site erased and created anew with fewer shards): once more by
    /// shard 0's.
    async fn owners_routed<A: super::call::Ask<Answer = Routed<T>>, T>(
        &self,
        key: &Credential,
        id: &SubmissionId,
        call: impl Fn() -> A,
    ) -> Result<T, Failure> {
        let vouched = self.vouched_beyond_shard_0(key, id).await?;
        match self.routed(id, &call).await {
            Err(Failure::Unauthorized) if vouched => {
                merge::forget_map(&self.site);
                self.routed(id, &call).await
            }
            other => other,
        }
    }

    /// The replies to `receipts` (each id and key well formed) that their keys may read, each
    /// marked seen. The receipts go to their shards by the cached map; a shard whose map says
    /// otherwise reads nothing and answers its map, by which its part is routed again.
    pub async fn check_replies(&self, receipts: Vec<(SubmissionId, AuthorKey)>, visitor: &Visitor) -> Result<Vec<VisitorReply>, Failure> {
        let mut map = merge::cached_map(&self.site);
        let mut answered = false;
        let mut pending = receipts;
        let mut replies = Vec::new();
        for _ in 0..ROUNDS {
            let groups = by_shard(map.as_ref(), pending);
            let calls = groups.iter().map(|(shard, group)| {
                let receipts = group.iter().map(|(id, key)| (id.as_str().to_owned(), key.as_str().to_owned())).collect();
                let call = CheckReplies { receipts, visitor: visitor.clone() };
                self.ask_at(*shard, call)
            });
            let answers = join_all(calls).await;
            pending = Vec::new();
            let mut fresh: Option<ShardMap> = None;
            for ((shard, group), answer) in groups.into_iter().zip(answers) {
                match answer {
                    Ok(Routed::Here(found)) => replies.extend(found),
                    Ok(Routed::Elsewhere(theirs)) => {
                        merge::remember_map(&self.site, &theirs);
                        fresh = Some(theirs);
                        pending.extend(group);
                    }
                    // A cached map of a site erased since (as `routed`): shard 0 routes anew.
                    Err(Failure::SiteNotFound) if shard > 0 && !answered => {
                        merge::forget_map(&self.site);
                        pending.extend(group);
                    }
                    Err(Failure::SiteNotFound) if shard > 0 => {
                        return Err(Failure::Internal(format!("shard {shard} of the site has no settings yet")));
                    }
                    Err(failure) => return Err(failure),
                }
            }
            if pending.is_empty() {
                return Ok(replies);
            }
            answered = fresh.is_some();
            map = fresh;
        }
        Err(Failure::Internal("the site's shards disagree on a submission's shard".into()))
    }
}

/// The receipts by the shard `map` gives their ids (shard 0 without a map), shards in order.
fn by_shard(map: Option<&ShardMap>, receipts: Vec<(SubmissionId, AuthorKey)>) -> BTreeMap<u32, Vec<(SubmissionId, AuthorKey)>> {
    let mut groups: BTreeMap<u32, Vec<(SubmissionId, AuthorKey)>> = BTreeMap::new();
    for receipt in receipts {
        groups.entry(map.map_or(0, |m| m.shard_of(&receipt.0))).or_default().push(receipt);
    }
    groups
}
