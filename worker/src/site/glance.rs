//! The admin's glance at a site (`Glance`): its summary for a range, read without the owner
//! key, for the dashboard's site list. The admin token is checked by the Worker's route before
//! it sends the call; nothing outside the Worker reaches an object.

use sayso_core::Summary;

use super::call::{self, Fanned};
use super::counts::ShardCounts;
use super::SiteObject;
use crate::http::Failure;

impl SiteObject {
    /// `Glance`: the whole summary for a site of one shard, else this shard's counts (every
    /// shard answers its own part; the Worker merges them as it does an owner's summary).
    pub(super) fn glance(&self, call: call::Glance) -> Result<Fanned<Summary, ShardCounts>, Failure> {
        let record = self.record()?;
        match record.shard_map.span() {
            1 => Ok(Fanned::Whole(self.count_summary(&record.settings.site, &call.query)?)),
            shards => Ok(Fanned::Part { shards, part: self.shard_counts(&call.query)? }),
        }
    }
}
