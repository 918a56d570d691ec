//! A shard's side of a sharded site: its record as shard 0 pushes it, and the map's verdict on
//! whether a submission is its own.
//!
//! Settings live in one place: shard 0 (the site's first object, `id_from_name(site)`) changes
//! them and pushes its whole record to shards `1..span` (`id_from_name("{site}/{k}")`: a `/` no
//! site id holds, so no site's object is another's shard). Every shard then judges submissions
//! (origins, scales, limits, Turnstile) and owner keys by the same record. Each holds only the
//! submissions its map gives it, and refuses the others with its map (`Routed::Elsewhere`), so a
//! Worker routing by a stale map can never store a submission twice: it re-routes once.
//!
//! Webhook events are queued and sent by the shard that stores the submission: each submission
//! is stored by exactly one shard, so each event is sent once, and no shard waits on another.
//! Retention runs in each shard's own alarm, on its own submissions.
//!
//! A push that fails (a shard unreachable) is retried by shard 0's alarm until every shard
//! holds the newest record (`pushed_version`); until then, owner calls on a shard > 0 are
//! vouched for by shard 0 (`SiteClient::delete`), so a rotated-out key opens nothing.

use futures_util::future::join_all;
use sayso_core::alarm::RETRY_MS;
use sayso_core::SubmissionId;

use super::call::{self, Routed};
use super::client::SiteClient;
use super::schema::{RecordRow, INSERT_RECORD, SELECT_RECORD};
use super::settings::SiteRecord;
use super::SiteObject;
use crate::http::Failure;

impl SiteObject {
    /// `Elsewhere` if `id` is another shard's by this shard's map.
    pub(super) fn elsewhere<T>(record: &SiteRecord, id: &SubmissionId) -> Option<Routed<T>> {
        (record.shard_map.shard_of(id) != record.shard).then(|| Routed::Elsewhere(record.shard_map.clone()))
    }

    /// Pushes shard 0's record to every other shard that may hold submissions, at once; answers
    /// when all have it. A site of one shard pushes nothing.
    pub(super) async fn push_record(&self, record: &SiteRecord) -> Result<(), Failure> {
        if record.shard != 0 {
            return Err(Failure::Internal("only shard 0 changes a site's record".into()));
        }
        // An erase began (`erase.rs`): no shard is given a record again.
        if record.erasing {
            return Ok(());
        }
        let site = sayso_core::SiteId::parse(&record.settings.site)?;
        let pushes = (1..record.shard_map.span()).map(|shard| {
            let copy = SiteRecord { shard, ..record.clone() };
            let site = site.clone();
            async move { SiteClient::shard(&self.env, &site, shard)?.replicate(copy).await }
        });
        join_all(pushes).await.into_iter().collect()
    }

    /// Pushes shard 0's record to the other shards and notes that they hold it. A shard that
    /// cannot be reached gets it from the alarm (`push_pending`), a minute later and every minute
    /// until it has it: the change is committed here, and its caller is told so.
    pub(super) async fn push_or_retry(&self, record: &SiteRecord) -> Result<(), Failure> {
        if record.shard_map.span() <= 1 {
            return Ok(());
        }
        if let Err(failure) = self.push_record(record).await.and_then(|()| self.note_pushed(record.version)) {
            worker::console_error!("pushing the site's record to its shards (the alarm retries): {failure}");
            let now = worker::Date::now().as_millis() as i64;
            self.arm_by(now + RETRY_MS, now).await?;
        }
        Ok(())
    }

    /// The alarm's part on shard 0: pushes the record again while a shard may lack its newest
    /// version; true while one still does.
    pub(super) async fn push_pending(&self, record: &SiteRecord) -> bool {
        if record.shard != 0 || record.erasing || record.shard_map.span() <= 1 || record.pushed_version >= record.version {
            return false;
        }
        match self.push_record(record).await.and_then(|()| self.note_pushed(record.version)) {
            Ok(()) => false,
            Err(failure) => {
                worker::console_error!("pushing the site's record to its shards: {failure}");
                true
            }
        }
    }

    /// Notes that every shard holds `version` (unless the record changed since: that change
    /// pushes, or retries, its own).
    fn note_pushed(&self, version: u64) -> Result<(), Failure> {
        self.transaction(|| {
            let mut record = self.record()?;
            if record.version == version && record.pushed_version < version {
                record.pushed_version = version;
                self.store(&record)?;
            }
            Ok(())
        })
    }

    /// `Replicate`: stores shard 0's record here unless a newer one is stored already; with a
    /// retention period, the alarm enforces it on this shard's submissions too. A record of
    /// another creation of the site id (erased, then created anew: `erase.rs`) is taken only if
    /// newer, and this shard is emptied first: nothing of the old creation stays beside it.
    pub(super) async fn replicate(&self, call: call::Replicate) -> Result<(), Failure> {
        let record = call.record;
        if record.shard == 0 {
            return Err(Failure::Internal("shard 0's record is never pushed to it".into()));
        }
        match self.record() {
            // A late push of an older creation's record.
            Ok(stored) if stored.settings.created_at > record.settings.created_at => return Ok(()),
            Ok(stored) if stored.settings.created_at < record.settings.created_at => self.empty().await?,
            Ok(_) | Err(Failure::SiteNotFound) => {}
            Err(failure) => return Err(failure),
        }
        self.ensure_schema()?;
        let text = serde_json::to_string(&record).map_err(|e| Failure::Internal(e.to_string()))?;
        self.transaction(|| {
            let stored: Vec<RecordRow> = self.sql.exec(SELECT_RECORD, None)?.to_array()?;
            match stored.first() {
                None => {
                    self.forget_record();
                    self.sql.exec(INSERT_RECORD, vec![text.into()])?;
                }
                Some(row) => {
                    let stored: SiteRecord = serde_json::from_str(&row.record).map_err(|e| Failure::Internal(format!("stored site record: {e}")))?;
                    // The same creation's (another's emptied this shard above, or was older).
                    if stored.version < record.version && stored.settings.created_at == record.settings.created_at {
                        self.store(&record)?;
                    }
                }
            }
            Ok(())
        })?;
        if record.settings.retention_days.is_some() {
            self.alarms.set_alarm(1).await?;
        }
        Ok(())
    }
}
