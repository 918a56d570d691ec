//! Erasing a site: every shard's storage emptied (submissions, counts, tombstones, the webhook
//! outbox and log, salts, buckets, the record with its key hash and secrets) and its alarm
//! deleted, so the object is as if the site had never been created.
//!
//! Order, so that an erase that stops half-way is finished by the next one: shard 0 checks the
//! owner key, then empties the other shards, and only once every one of them answered empties
//! itself. Until shard 0 is empty its record (and so the owner key) still stands, so the owner
//! can send the same DELETE again; a shard already emptied answers the second erase at once
//! (emptying an empty object is no work). Once shard 0 is empty the site no longer exists.
//! `deleteAll` of a SQLite-backed object is one atomic step: a shard is emptied whole or not at all.
//!
//! One race is left: a settings change the owner sends while the same owner's erase is waiting
//! on the other shards may push the record to a shard already emptied. That shard then holds a
//! record (no submissions) of a site that no longer exists; a site created anew under the id
//! replaces it (`replicate` takes a record of another creation whatever its version).

use futures_util::future::join_all;

use super::call;
use super::SiteObject;
use crate::http::Failure;

impl SiteObject {
    /// `Erase` (shard 0, owner key): the other shards first, then this one.
    pub(super) async fn erase(&self, call: call::Erase) -> Result<(), Failure> {
        let record = self.owner(&call.key)?;
        if record.shard != 0 {
            return Err(Failure::Internal("only shard 0 erases a site".into()));
        }
        let site = sayso_core::SiteId::parse(&record.settings.site)?;
        // Every shard the map ever named: the ones not yet in force may hold ids dated ahead.
        let shards = super::client(&self.env, &site)?;
        let erased = join_all((1..record.shard_map.span()).map(|shard| shards.erase_shard(shard))).await;
        // One shard that could not be emptied keeps shard 0 (and the key) for the retry.
        erased.into_iter().collect::<Result<Vec<()>, Failure>>()?;
        self.empty().await
    }

    /// `EraseShard` (from shard 0 only, after its owner check): this shard emptied. A shard
    /// with no record (emptied before, or never reached by a push) is emptied all the same.
    pub(super) async fn erase_shard(&self, _call: call::EraseShard) -> Result<(), Failure> {
        match self.record() {
            Ok(record) if record.shard == 0 => Err(Failure::Internal("shard 0 is erased by Erase, after its shards".into())),
            Ok(_) | Err(Failure::SiteNotFound) => self.empty().await,
            Err(failure) => Err(failure),
        }
    }

    /// Empties the object's storage, then forgets what this instance kept of it in memory, then
    /// deletes its alarm. An alarm left by a failed delete finds no site and does nothing
    /// (`run_alarm`), so that failure is only logged.
    async fn empty(&self) -> Result<(), Failure> {
        self.alarms.delete_all().await?;
        self.schema_ready.set(false);
        self.record.borrow_mut().take();
        self.visitors.borrow_mut().clear();
        if let Err(e) = self.alarms.delete_alarm().await {
            worker::console_error!("erase: the alarm was not deleted: {e}");
        }
        Ok(())
    }
}
