//! The Worker's view of a sharded site: the shard maps it routes by, and the merge of every
//! shard's part of a read into the answer one object would give.
//!
//! Bounds: a read of a site of `n` shards is `n` object calls (at most `SHARDS_MAX`, 16, of the
//! 1,000 subrequests a Free plan request may make), made at once; an export is each shard's own
//! calls one after the other (`export::EXPORT_CALL_ROWS` rows each), so ten million rows over 16
//! shards are still about 100 calls plus one a shard. No merge binds a parameter of its own:
//! each shard runs the statement one object would.

use std::cell::RefCell;
use std::collections::HashMap;

use sayso_core::{Breakdown, FeedbackPage, ShardMap, SiteId, Summary};

use super::counts::ShardCounts;
use super::query::{FeedbackQuery, ListCursor, SummaryQuery};
use crate::http::Failure;

/// The most sites whose maps an isolate keeps: past it the cache starts again (a map is one
/// shard's answer away, and routing by none is only a detour: `SiteClient::routed`).
const MAPS_MAX: usize = 10_000;

thread_local! {
    /// The shard maps shards answered (`Routed::Elsewhere`), by site. Never trusted: a shard
    /// refuses a submission its own map gives to another, so a stale map costs one detour and
    /// never a double count; shard 0 is on no submission's path once its site's map is here.
    static MAPS: RefCell<HashMap<String, ShardMap>> = RefCell::new(HashMap::new());
}

/// The map this isolate last learnt for `site`, if any (none: route as one shard).
pub fn cached_map(site: &SiteId) -> Option<ShardMap> {
    MAPS.with(|maps| maps.borrow().get(site.as_str()).cloned())
}

/// Keeps `map` as `site`'s, unless the one kept is newer: a creation's map only grows (entries
/// are appended), so a shard that answers with an older map of it (one a push has not reached),
/// a beginning of the kept one, never replaces it. A map the kept one does not begin with is of
/// another creation (the site erased, then created anew) and replaces it.
pub fn remember_map(site: &SiteId, map: &ShardMap) {
    MAPS.with(|maps| {
        let mut maps = maps.borrow_mut();
        if maps.get(site.as_str()).is_some_and(|kept| kept.entries().len() > map.entries().len() && kept.entries().starts_with(map.entries())) {
            return;
        }
        if maps.len() >= MAPS_MAX {
            maps.clear();
        }
        maps.insert(site.as_str().to_owned(), map.clone());
    });
}

/// Forgets `site`'s map (its site erased, or the map found stale): the next call asks shard 0.
pub fn forget_map(site: &SiteId) {
    MAPS.with(|maps| maps.borrow_mut().remove(site.as_str()));
}

/// The summary of every shard's counts: the same `Breakdown` one object builds, fed every
/// shard's rows (counts add up exactly: `Aggregate` is a monoid). The pages come whole from each
/// shard, so their ranking, the window after the cursor, best and worst, and `pages_total` are
/// those of the summed counts, exactly as one object's.
pub fn summary(site: &str, query: &SummaryQuery, parts: Vec<ShardCounts>) -> Result<Summary, Failure> {
    let mut breakdown = Breakdown::default();
    for part in parts {
        for row in part.days {
            let (rating, tally) = row.count()?;
            match query.page {
                Some(_) => breakdown.add(&row.day, &row.page, rating, tally),
                None => breakdown.add_day(&row.day, rating, tally),
            }
        }
        for row in part.pages {
            let (rating, tally) = row.count()?;
            breakdown.add_listed(&row.page, rating, tally);
        }
    }
    Ok(breakdown.summary(site, query.from.as_deref(), query.to.as_deref(), query.page.as_deref(), &query.pages))
}

/// The first `query.limit` items of every shard's page, newest first by `(received_at, id)`,
/// the list's own order. Each shard answered its first `limit` after the same cursor, so the
/// merged first `limit` are exactly the site's; the next page starts after the last one shown
/// (an `At` cursor, which every shard reads the same way). A search's pages are merged the same
/// way: within one shard, its index's order (first arrival) is the order of `received_at`.
pub fn feedback(query: &FeedbackQuery, pages: Vec<FeedbackPage>) -> FeedbackPage {
    let more_on_a_shard = pages.iter().any(|p| p.next_cursor.is_some());
    let mut items: Vec<_> = pages.into_iter().flat_map(|p| p.items).collect();
    items.sort_by(|a, b| (b.received_at, &b.id).cmp(&(a.received_at, &a.id)));
    let limit = usize::try_from(query.limit).unwrap_or(0);
    let more = more_on_a_shard || items.len() > limit;
    items.truncate(limit);
    let next_cursor = if more { items.last().map(|last| ListCursor::At(last.received_at, last.id.clone()).text()) } else { None };
    FeedbackPage { items, next_cursor }
}
