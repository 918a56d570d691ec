//! The Worker's typed calls for operating a site, beside `client.rs` (same envelope, its
//! `ask_at`): shard 0's vouch for an owner key, the owner's erase and webhook test event, and
//! the admin's glance at a site.

use futures_util::future::join_all;
use sayso_core::Summary;

use super::call::{self, Credential, Fanned};
use super::client::SiteClient;
use super::merge;
use super::query::SummaryQuery;
use super::webhooks::{Deliveries, TestEvent};
use crate::http::Failure;

impl SiteClient {
    /// Only checks the owner key on shard 0 (an unknown site answers `Unauthorized`, as every
    /// owner call).
    pub async fn vouch(&self, key: &Credential) -> Result<(), Failure> {
        self.ask_at(0, call::Vouch { key: key.clone() }).await
    }

    /// An owner's call about a submission on a shard > 0 is vouched for by shard 0 first: it
    /// holds the site's newest record, and another shard's copy may be a push behind (a key
    /// rotated out there still, `shards.rs`). A receipt is the submission's own, judged by its
    /// shard. With no map cached the call meets shard 0 first anyway, which checks the key.
    /// Answers whether shard 0 vouched.
    pub(super) async fn vouched_beyond_shard_0(&self, key: &Credential, id: &sayso_core::SubmissionId) -> Result<bool, Failure> {
        let by_receipt = key.0.as_deref().and_then(|v| v.split_once(' ')).is_some_and(|(scheme, _)| scheme.eq_ignore_ascii_case("receipt"));
        if by_receipt || merge::cached_map(&self.site).is_none_or(|map| map.shard_of(id) == 0) {
            return Ok(false);
        }
        self.ask_at(0, call::Vouch { key: key.clone() }).await.map(|()| true)
    }

    /// Erases the site: shard 0 empties every other shard, then itself (`erase.rs`).
    pub async fn erase(&self, key: &Credential) -> Result<(), Failure> {
        self.ask_at(0, call::Erase { key: key.clone() }).await
    }

    /// Empties shard `shard` of the site (shard 0's own call, `erase.rs`).
    pub async fn erase_shard(&self, shard: u32) -> Result<(), Failure> {
        self.ask_at(shard, call::EraseShard {}).await
    }

    /// The webhook and its delivery log; a sharded site's merged from every shard's log (each
    /// shard logs the events of the submissions it stores): one call a shard, at most 16.
    pub async fn deliveries(&self, key: &Credential) -> Result<Deliveries, Failure> {
        let first = self.ask_at(0, call::ReadDeliveries { key: key.clone() }).await?;
        let Some(shards) = first.shards else { return Ok(first) };
        let rest = join_all((1..shards).map(|shard| self.ask_at(shard, call::ReadDeliveries { key: key.clone() }))).await;
        let parts = std::iter::once(Ok(first)).chain(rest).collect::<Result<Vec<_>, Failure>>()?;
        Ok(Deliveries::merged(parts))
    }

    /// Queues one signed `test` event for the site's webhook.
    pub async fn webhook_test(&self, key: &Credential) -> Result<TestEvent, Failure> {
        self.ask_at(0, call::WebhookTest { key: key.clone() }).await
    }

    /// The admin's glance (the caller checked the admin token): the site's summary for
    /// `query`, a sharded site's merged from every shard's counts (one call each).
    pub async fn glance(&self, query: SummaryQuery) -> Result<Summary, Failure> {
        let (shards, first) = match self.ask_at(0, call::Glance { query: query.clone() }).await? {
            Fanned::Whole(summary) => return Ok(summary),
            Fanned::Part { shards, part } => (shards, part),
        };
        let rest = join_all((1..shards).map(|shard| self.ask_at(shard, call::Glance { query: query.clone() }))).await;
        let mut parts = vec![first];
        for answer in rest {
            match answer? {
                Fanned::Part { part, .. } => parts.push(part),
                Fanned::Whole(_) => return Err(Failure::Internal("a shard of a sharded site answered a whole summary".into())),
            }
        }
        merge::summary(self.site.as_str(), &query, parts)
    }
}
