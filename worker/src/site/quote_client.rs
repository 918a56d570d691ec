//! The Worker's typed calls for quotes, beside `client.rs` (same envelope): a quote's change on
//! its submission's shard, and the public read of a site's approved quotes, merged over shards.

use futures_util::future::join_all;
use sayso_core::quote::{PublicSettings, QuoteState, Testimonial};
use sayso_core::SubmissionId;

use super::call::Credential;
use super::client::SiteClient;
use super::quotes::{Public, QuoteAct, QuoteChange, Quoted, ReadPublic};
use crate::http::Failure;

impl SiteClient {
    /// Changes the quote of submission `id` on its shard (an owner's decision on a shard > 0 is
    /// vouched for by shard 0 first, as a delete is); answers its state (`None`: withdrawn).
    pub async fn quote(&self, key: &Credential, id: &SubmissionId, act: QuoteAct) -> Result<Option<QuoteState>, Failure> {
        if matches!(act, QuoteAct::Decide(_)) {
            self.vouched_beyond_shard_0(key, id).await?;
        }
        self.routed(id, || QuoteChange { key: key.clone(), id: id.as_str().to_owned(), act: act.clone() }).await
    }

    /// The site's public settings, as shard 0 holds them.
    pub async fn public_settings(&self) -> Result<PublicSettings, Failure> {
        Ok(self.ask_at(0, ReadPublic { limit: 0 }).await?.public)
    }

    /// The newest `limit` approved quotes, `TestimonialsOff` unless the site shows them. A
    /// sharded site's: each shard's newest `limit` (one call each, at most `SHARDS_MAX`), merged
    /// by `(quote_at, id)`, the top `limit` kept: the newest k overall are among each shard's k.
    pub async fn testimonials(&self, limit: u32) -> Result<Vec<Testimonial>, Failure> {
        let first = self.ask_at(0, ReadPublic { limit }).await?;
        if !first.public.testimonials {
            return Err(Failure::TestimonialsOff);
        }
        let rest = join_all((1..first.shards).map(|shard| self.ask_at(shard, ReadPublic { limit }))).await;
        let mut quoted: Vec<Quoted> = first.quoted;
        for part in rest {
            let part: Public = part?;
            quoted.extend(part.quoted);
        }
        Ok(merged(quoted, limit as usize))
    }
}

/// The newest `limit` of several shards' quotes, by `(quote_at, id)`, as testimonials.
fn merged(mut quoted: Vec<Quoted>, limit: usize) -> Vec<Testimonial> {
    quoted.sort_by(|a, b| (b.quote_at, &b.id).cmp(&(a.quote_at, &a.id)));
    quoted.into_iter().take(limit).filter_map(Quoted::testimonial).collect()
}
