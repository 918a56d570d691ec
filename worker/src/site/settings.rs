//! The site's record — settings and keys — as the object stores it: creating it, reading it,
//! checking the owner key against it, changing it, rotating the key.

use sayso_core::{CheckedPatch, OwnerKey, ShardMap, SiteConfig, SiteView};
use serde::{Deserialize, Serialize};

use super::call::{self, Credential};
use super::schema::{RecordRow, INSERT_RECORD, SELECT_RECORD, SITE_TABLE, UPDATE_RECORD};
use super::SiteObject;
use crate::http::{self, Failure};

/// A site as its object stores it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SiteRecord {
    /// Everything the owner may read (and change with `PATCH`).
    #[serde(flatten)]
    pub settings: SiteView,
    /// SHA-256 (hex) of the owner key; the key itself is never stored.
    pub owner_key_sha256: String,
    /// The Turnstile secret, while Turnstile is on (never shown to anyone).
    #[serde(default)]
    pub turnstile_secret: Option<String>,
    /// Which of the site's shards this object is: 0 is the site's first object, where settings
    /// change (`shards.rs` pushes them to the others).
    #[serde(default)]
    pub shard: u32,
    /// Which shard holds which submission (shard 0's, as pushed to every shard).
    #[serde(default)]
    pub shard_map: ShardMap,
    /// How many times shard 0 changed the record: a shard keeps the newest it was pushed, so
    /// two pushes that cross never leave an older one.
    #[serde(default)]
    pub version: u64,
    /// Shard 0 only: the newest `version` every other shard is known to hold (`shards.rs`).
    #[serde(default)]
    pub pushed_version: u64,
    /// Shard 0 only: its erase began (`erase.rs`), stored before any shard is emptied. While
    /// set the site answers as one nobody created, owner calls other than the erase are refused,
    /// and nothing is pushed to the shards.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub erasing: bool,
    /// The key rating links are signed with (`links.rs`; never shown to anyone), made with the
    /// site or, for a site from before links, with its first link. Pushed to every shard with
    /// the record, so the shard a link's id routes to checks it alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_secret: Option<String>,
}

/// A change as the object judges it, on `record`: core's `apply`, then the shard map's move a
/// day ahead (`ShardMap::change`: refused while a change is pending; the view shows what the
/// owner set). The one rule for a change and for its dry run (`dry_run.rs`).
pub(super) fn apply_change(record: &mut SiteRecord, patch: CheckedPatch, secret: impl FnOnce() -> String, now: i64) -> Result<(), Failure> {
    let SiteRecord { settings, turnstile_secret, shard_map, .. } = record;
    patch.apply(settings, turnstile_secret, secret);
    shard_map.change(settings.shards, now)?;
    super::alerts::fit_shards(settings, shard_map)?;
    Ok(())
}

/// A new owner key: `sk_` and 32 random bytes in base32.
pub fn new_owner_key() -> Result<String, Failure> {
    Ok(format!("sk_{}", http::random_token(32)?))
}

/// An unknown site, to a caller who must prove a key: the same answer as a wrong key.
pub(super) fn unknown_is_unauthorized(failure: Failure) -> Failure {
    match failure {
        Failure::SiteNotFound => Failure::Unauthorized,
        other => other,
    }
}

fn record_text(record: &SiteRecord) -> Result<String, Failure> {
    serde_json::to_string(record).map_err(|e| Failure::Internal(e.to_string()))
}

impl SiteObject {
    /// The site's record. An id nobody created has no tables: asking for it writes nothing, so
    /// requests for made-up site ids leave no storage behind.
    pub(super) fn record(&self) -> Result<SiteRecord, Failure> {
        let record = self.stored_record()?;
        if record.erasing {
            return Err(Failure::SiteNotFound);
        }
        Ok(record)
    }

    /// The record as stored, an erase's mark and all.
    pub(super) fn stored_record(&self) -> Result<SiteRecord, Failure> {
        if let (true, Some(record)) = (self.schema_ready.get(), self.record.borrow().as_ref()) {
            return Ok(record.clone());
        }
        if !self.schema_ready.get() {
            let tables: Vec<RecordRow> = self.sql.exec(SITE_TABLE, None)?.to_array()?;
            if tables.is_empty() {
                return Err(Failure::SiteNotFound);
            }
            // Created before: bring its schema up to date (new tables of later versions).
            self.ensure_schema()?;
        }
        let rows: Vec<RecordRow> = self.sql.exec(SELECT_RECORD, None)?.to_array()?;
        let row = rows.into_iter().next().ok_or(Failure::SiteNotFound)?;
        let record: SiteRecord = serde_json::from_str(&row.record).map_err(|e| Failure::Internal(format!("stored site record: {e}")))?;
        *self.record.borrow_mut() = Some(record.clone());
        Ok(record)
    }

    /// Writes the record back (inside the caller's transaction).
    pub(super) fn store(&self, record: &SiteRecord) -> Result<(), Failure> {
        self.forget_record();
        self.sql.exec(UPDATE_RECORD, vec![record_text(record)?.into()])?;
        Ok(())
    }

    /// Empties the remembered record before a write of it: the next `record()` reads the stored
    /// one, and so does the first after the transaction ends (`tx.rs`).
    pub(super) fn forget_record(&self) {
        self.record.borrow_mut().take();
        self.written.set(true);
    }

    /// The site's record, if `key` is its owner key; 401 for an unknown site too, so that no
    /// owner route tells a caller without the key whether a site exists.
    pub(super) fn owner(&self, key: &Credential) -> Result<SiteRecord, Failure> {
        let record = self.keyed(key)?;
        if record.erasing {
            // Said only to the key's holder: to anyone else the site answers as before.
            return Err(Failure::SiteBeingErased);
        }
        Ok(record)
    }

    /// The stored record, erase's mark and all, if `key` is its owner key (`owner`'s check).
    pub(super) fn keyed(&self, key: &Credential) -> Result<SiteRecord, Failure> {
        let token = http::bearer(key.0.as_deref())?;
        let record = self.stored_record().map_err(unknown_is_unauthorized)?;
        if !http::same_secret(&token, &record.owner_key_sha256) {
            return Err(Failure::Unauthorized);
        }
        Ok(record)
    }

    /// Stores the record of a new site, and its copy on each other shard; `SiteExists` if
    /// this object holds one already.
    pub(super) async fn create(&self, call: call::Create) -> Result<(), Failure> {
        self.ensure_schema()?;
        let text = record_text(&call.record)?;
        self.transaction(|| {
            let existing: Vec<RecordRow> = self.sql.exec(SELECT_RECORD, None)?.to_array()?;
            if !existing.is_empty() {
                return Err(Failure::SiteExists);
            }
            self.forget_record();
            self.sql.exec(INSERT_RECORD, vec![text.into()])?;
            Ok(())
        })?;
        self.push_or_retry(&call.record).await
    }

    /// The widget's settings in the language the visitor's page asks for.
    pub(super) fn config(&self, call: call::Config) -> Result<SiteConfig, Failure> {
        let record = self.record()?;
        let mut widget = record.settings.widget.resolve(&call.lang);
        widget.turnstile = record.settings.turnstile.map(|t| t.site_key);
        widget.quotes = record.settings.public.testimonials;
        Ok(SiteConfig { site: record.settings.site, widget })
    }

    /// What the owner may read of the record (never the key's hash).
    pub(super) fn read_settings(&self, call: call::ReadSettings) -> Result<SiteView, Failure> {
        Ok(self.owner(&call.key)?.settings)
    }

    /// Only the owner check.
    pub(super) fn vouch(&self, call: call::Vouch) -> Result<(), Failure> {
        self.owner(&call.key).map(|_| ())
    }

    /// Changes the name, origins, widget, webhook, retention, limits or Turnstile; answers the
    /// new settings.
    pub(super) async fn change_settings(&self, call: call::ChangeSettings) -> Result<SiteView, Failure> {
        self.owner(&call.key)?;
        let patch = CheckedPatch::try_from(call.change)?;
        let secret = http::random_token(32)?;
        let now = worker::Date::now().as_millis() as i64;
        let record = self.transaction(|| {
            let mut record = self.record()?;
            apply_change(&mut record, patch.clone(), || secret, now)?;
            record.version += 1;
            self.store(&record)?;
            Ok(record)
        })?;
        if record.settings.retention_days.is_some() || record.settings.alerts.needs_alarm() {
            // Enforce the new period now, then daily; judge the alerts now, then hourly.
            self.alarms.set_alarm(1).await?;
        }
        // Answered once every shard judges submissions by the new settings, or once the alarm
        // has the push to retry (the change is committed here either way).
        self.push_or_retry(&record).await?;
        Ok(record.settings)
    }

    /// Replaces the owner key; the old one stops working at once, on every shard.
    pub(super) async fn rotate_key(&self, call: call::RotateKey) -> Result<OwnerKey, Failure> {
        self.owner(&call.key)?;
        let owner_key = new_owner_key()?;
        let record = self.transaction(|| {
            let mut record = self.record()?;
            record.owner_key_sha256 = http::sha256_hex(owner_key.as_bytes());
            record.version += 1;
            self.store(&record)?;
            Ok(record)
        })?;
        // A shard the push has not reached yet still holds the old key's hash, so an owner call
        // routed to a shard > 0 is vouched for by shard 0 first (`SiteClient::delete`).
        self.push_or_retry(&record).await?;
        Ok(OwnerKey { owner_key })
    }
}
