//! The two shapes of a call's answer that shards add (`call.rs`): a read fanned out over the
//! site's shards, and a call about one submission routed to the shard that holds it.

use sayso_core::ShardMap;
use serde::{Deserialize, Serialize};

/// A read of shard 0: the whole answer for a site of one shard, else shard 0's part of it and
/// how many shards the Worker asks for theirs (`ShardMap::span`). A site of one shard pays no
/// extra call for shards.
#[derive(Serialize, Deserialize)]
pub enum Fanned<T, P> {
    /// The site has one shard: the answer.
    Whole(T),
    /// The site has `shards` shards: this one's part.
    Part {
        /// Shards `0..shards` hold the site's submissions.
        shards: u32,
        /// This shard's part of the answer.
        part: P,
    },
}

/// Where a call about one submission was answered: here, or (its shard map says) on another
/// shard, with the map to route it by.
#[derive(Serialize, Deserialize)]
pub enum Routed<T> {
    /// This shard holds the submission; its answer.
    Here(T),
    /// Another shard holds it: this shard's map (the one shard 0 pushed last).
    Elsewhere(ShardMap),
}
