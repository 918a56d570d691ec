//! Counts by channel: `channel_daily`, each campaign's counts per day and rating, kept by
//! triggers on `submission` in the transaction of every write that changes a row's channel,
//! rating, comment or day (a click, a widget's edit, a delete, a retention batch), so it equals
//! a recount of the stored submissions at every commit; and the summary's `channels`, from it
//! and `site_daily`, merged over a sharded site's shards.
//!
//! Only campaigns are kept: `web` is the site's counts less the campaigns' (`core::channel`),
//! so a widget's submission, the bulk seeding and retention of widget rows pay nothing for
//! channels (each trigger's `WHEN` skips `web` rows).

use futures_util::future::join_all;
use sayso_core::{AttributeBreakdown, ChannelSummary, Tally};
use serde::{Deserialize, Serialize};

use super::attributes::{KeyCount, KEYS_LISTED};
use super::call::{self, Credential, Fanned};
use super::client::SiteClient;
use super::query::SummaryQuery;
use super::rollups::SITE_DAYS;
use super::schema::DailyRow;
use super::SiteObject;
use crate::http::Failure;

/// The table and its triggers (made again on every start, so a changed trigger reaches every
/// object). A row's day is that of its first arrival, as `daily`'s; a count that falls to zero
/// is deleted at once, so a deleted or expired campaign's rows leave nothing behind (the
/// `WHERE old.channel <> 'web'` insert leaves a `web` row's line untouched, and its delete
/// finds nothing).
const CHANNELS: &str = "
CREATE TABLE IF NOT EXISTS channel_daily (
  day TEXT NOT NULL, channel TEXT NOT NULL, scale TEXT NOT NULL, value INTEGER NOT NULL, ratings INTEGER NOT NULL, comments INTEGER NOT NULL,
  PRIMARY KEY (day, channel, scale, value)
) WITHOUT ROWID;
DROP TRIGGER IF EXISTS channel_added; DROP TRIGGER IF EXISTS channel_changed; DROP TRIGGER IF EXISTS channel_removed;
CREATE TRIGGER channel_added AFTER INSERT ON submission WHEN new.channel <> 'web' BEGIN
  INSERT INTO channel_daily VALUES (date(new.received_at / 1000, 'unixepoch'), new.channel, new.scale, new.value, 1, new.comment IS NOT NULL)
    ON CONFLICT DO UPDATE SET ratings = ratings + excluded.ratings, comments = comments + excluded.comments;
END;
CREATE TRIGGER channel_changed AFTER UPDATE OF channel, scale, value, comment, received_at ON submission
  WHEN (old.channel <> 'web' OR new.channel <> 'web') AND (old.channel IS NOT new.channel OR old.scale IS NOT new.scale
    OR old.value IS NOT new.value OR (old.comment IS NULL) <> (new.comment IS NULL) OR old.received_at IS NOT new.received_at) BEGIN
  INSERT INTO channel_daily SELECT date(old.received_at / 1000, 'unixepoch'), old.channel, old.scale, old.value, -1, -(old.comment IS NOT NULL)
    WHERE old.channel <> 'web'
    ON CONFLICT DO UPDATE SET ratings = ratings + excluded.ratings, comments = comments + excluded.comments;
  DELETE FROM channel_daily WHERE day = date(old.received_at / 1000, 'unixepoch') AND channel = old.channel AND scale = old.scale
    AND value = old.value AND ratings = 0 AND comments = 0;
  INSERT INTO channel_daily SELECT date(new.received_at / 1000, 'unixepoch'), new.channel, new.scale, new.value, 1, new.comment IS NOT NULL
    WHERE new.channel <> 'web'
    ON CONFLICT DO UPDATE SET ratings = ratings + excluded.ratings, comments = comments + excluded.comments;
END;
CREATE TRIGGER channel_removed AFTER DELETE ON submission WHEN old.channel <> 'web' BEGIN
  INSERT INTO channel_daily VALUES (date(old.received_at / 1000, 'unixepoch'), old.channel, old.scale, old.value, -1, -(old.comment IS NOT NULL))
    ON CONFLICT DO UPDATE SET ratings = ratings + excluded.ratings, comments = comments + excluded.comments;
  DELETE FROM channel_daily WHERE day = date(old.received_at / 1000, 'unixepoch') AND channel = old.channel AND scale = old.scale
    AND value = old.value AND ratings = 0 AND comments = 0;
END;
";

/// The campaigns' counts per rating in the days `?1`–`?2` (either may be NULL), as `DailyRow`s
/// whose `page` is the campaign: at most days × campaigns × ratings rows, never submissions.
const CAMPAIGN_COUNTS: &str = "SELECT '' AS day, channel AS page, scale, value, sum(ratings) AS ratings, sum(comments) AS comments
    FROM channel_daily WHERE day >= coalesce(?1, '') AND day <= coalesce(?2, '9999-12-31') GROUP BY channel, scale, value HAVING sum(ratings) > 0";

/// One shard's counts for the channels: the site's per day and rating (`SITE_DAYS`) and the
/// campaigns' per rating; and for the breakdown by attribute (`attributes.rs`), the values' of
/// the key asked for (`by`) and the keys it holds.
#[derive(Default, Serialize, Deserialize)]
pub struct ChannelCounts {
    /// The site's counts (`page` empty).
    pub site: Vec<DailyRow>,
    /// The campaigns' (`page` is the campaign).
    pub campaigns: Vec<DailyRow>,
    /// The values' of key `by` (`page` is the value).
    #[serde(default)]
    pub values: Vec<DailyRow>,
    /// The attribute keys most of this shard's submissions carry, at most `KEYS_LISTED`.
    #[serde(default)]
    pub keys: Vec<KeyCount>,
}

/// What the summary's slices are: its channels and, if one was asked for, its breakdown by an
/// attribute, with the keys there are to choose from.
pub struct Slices {
    /// `web` and the campaigns.
    pub channels: Vec<ChannelSummary>,
    /// By the values of `by`.
    pub breakdown: Option<AttributeBreakdown>,
    /// The attribute keys most submissions carry, most first.
    pub keys: Vec<String>,
}

impl SiteObject {
    /// Makes `channel_daily` and its triggers (after `ADDED_COLUMNS` gave `submission` its
    /// `channel`). No recount: the column and the table come in the same version, so no row of
    /// a campaign is older than the table.
    pub(super) fn ensure_channels(&self) -> Result<(), Failure> {
        self.transaction(|| Ok(self.sql.exec(CHANNELS, None).map(|_| ())?))
    }

    /// `ReadChannels`: this shard's channel counts for `query` (none for one page: channels
    /// slice the site, a page is already one slice), and how many shards to ask on shard 0.
    pub(super) fn read_channels(&self, call: call::ReadChannels) -> Result<Fanned<ChannelCounts, ChannelCounts>, Failure> {
        let record = self.owner(&call.key)?;
        let counts = if call.query.page.is_some() {
            ChannelCounts::default()
        } else {
            let (from, to) = (call.query.from.clone(), call.query.to.clone());
            ChannelCounts {
                site: self.sql.exec(SITE_DAYS, vec![from.clone().into(), to.clone().into()])?.to_array()?,
                campaigns: self.sql.exec(CAMPAIGN_COUNTS, vec![from.clone().into(), to.clone().into()])?.to_array()?,
                values: match &call.query.by {
                    Some(key) => self.value_counts(key, from, to)?,
                    None => Vec::new(),
                },
                keys: self.attribute_keys()?,
            }
        };
        match (record.shard, record.shard_map.span()) {
            (0, shards) if shards > 1 => Ok(Fanned::Part { shards, part: counts }),
            _ => Ok(Fanned::Whole(counts)),
        }
    }
}

/// The channel of submission `?1` (`ChannelRow`).
const CHANNEL_OF: &str = "SELECT channel FROM submission WHERE id = ?1";

#[derive(Deserialize)]
struct ChannelRow {
    channel: String,
}

impl SiteObject {
    /// The stored channel of submission `id` (`web` if it is not stored).
    pub(super) fn channel_of(&self, id: &str) -> Result<String, Failure> {
        let rows: Vec<ChannelRow> = self.sql.exec(CHANNEL_OF, vec![id.into()])?.to_array()?;
        Ok(rows.into_iter().next().map_or_else(|| sayso_core::WEB_CHANNEL.to_owned(), |row| row.channel))
    }
}

impl SiteClient {
    /// The summary's channels for `query`.
    pub async fn channels(&self, key: &Credential, query: &SummaryQuery) -> Result<Vec<ChannelSummary>, Failure> {
        Ok(self.slices(key, query).await?.channels)
    }

    /// The summary's channels and breakdown for `query`: shard 0's counts, and every other
    /// shard's if the site has several (one call each, at once), added up and split.
    pub async fn slices(&self, key: &Credential, query: &SummaryQuery) -> Result<Slices, Failure> {
        let ask = || call::ReadChannels { key: key.clone(), query: query.clone() };
        let mut parts = Vec::new();
        match self.ask_at(0, ask()).await? {
            Fanned::Whole(counts) => parts.push(counts),
            Fanned::Part { shards, part } => {
                parts.push(part);
                for answer in join_all((1..shards).map(|shard| self.ask_at(shard, ask()))).await {
                    parts.push(match answer? {
                        Fanned::Whole(counts) | Fanned::Part { part: counts, .. } => counts,
                    });
                }
            }
        }
        let (mut site, mut campaigns, mut values, mut keys) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for part in parts {
            for row in part.site {
                site.push(row.count()?);
            }
            for (rows, into) in [(part.campaigns, &mut campaigns), (part.values, &mut values)] {
                for row in rows {
                    let (rating, tally): (_, Tally) = row.count()?;
                    into.push((row.page, rating, tally));
                }
            }
            keys.extend(part.keys);
        }
        Ok(Slices {
            channels: sayso_core::channel::channels(&site, &campaigns),
            // A page is one slice already, as for the channels.
            breakdown: query.by.as_deref().filter(|_| query.page.is_none()).map(|by| sayso_core::channel::breakdown(by, &site, &values)),
            keys: most_carried(keys),
        })
    }
}

/// The `KEYS_LISTED` keys most carried over the shards' lists, most first (ties by key). Each
/// shard lists its own top keys only, so a key just below every shard's list may be left out of
/// the merge although its sum would rank: a key that matters to the owner is carried by most
/// clicks, on every shard.
fn most_carried(mut keys: Vec<KeyCount>) -> Vec<String> {
    keys.sort_by(|a, b| a.key.cmp(&b.key));
    let mut summed: Vec<KeyCount> = Vec::with_capacity(keys.len());
    for k in keys {
        match summed.last_mut() {
            Some(last) if last.key == k.key => last.carried += k.carried,
            _ => summed.push(k),
        }
    }
    summed.sort_by(|a, b| b.carried.cmp(&a.carried).then_with(|| a.key.cmp(&b.key)));
    summed.into_iter().take(KEYS_LISTED).map(|k| k.key).collect()
}
