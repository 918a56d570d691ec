//! Erasing a site: every shard's storage emptied (submissions, counts, tombstones, the webhook
//! outbox and log, salts, buckets, the record with its key hash and secrets) and its alarm
//! deleted, so the object is as if the site had never been created.
//!
//! Order, so that an erase that stops half-way is finished by the next one: shard 0 checks the
//! owner key and stores the `erasing` mark in its record (one transaction), then empties the
//! other shards, and only once every one of them answered empties itself. From the mark on the
//! site answers as one nobody created (config, submit: 404), every owner call but the erase is
//! refused (`site_being_erased`), shard 0 pushes its record nowhere, and no PATCH re-lists it:
//! a half-done erase never leaves a live site that silently lost its emptied shards' data.
//! Until shard 0 is empty its record (and so the owner key) still stands, so the owner sends the
//! same DELETE again; a shard already emptied answers the second erase at once (emptying an empty
//! object is no work). `deleteAll` of a SQLite-backed object is one atomic step: a shard is
//! emptied whole or not at all.
//!
//! Left: a push already in flight when the mark is stored (a PATCH committed just before) may
//! reach a shard already emptied, which then holds a record of the erased creation and no
//! submissions; a site created anew replaces it and empties that shard first (`replicate`).
//! A submission the Worker routes to a shard not yet emptied, by a map it cached, is stored
//! there and erased with it.

use futures_util::future::join_all;

use super::call;
use super::SiteObject;
use crate::http::Failure;

impl SiteObject {
    /// `Erase` (shard 0, owner key): the other shards first, then this one.
    pub(super) async fn erase(&self, call: call::Erase) -> Result<(), Failure> {
        let record = self.keyed(&call.key)?;
        if record.shard != 0 {
            return Err(Failure::Internal("only shard 0 erases a site".into()));
        }
        if !record.erasing {
            self.transaction(|| {
                let mut marked = self.stored_record()?;
                marked.erasing = true;
                self.store(&marked)
            })?;
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
    pub(super) async fn empty(&self) -> Result<(), Failure> {
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
