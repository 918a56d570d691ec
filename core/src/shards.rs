//! The shard map of a hot site: which of its objects holds a submission, decided by the id alone.
//!
//! A site's submissions may be spread over `shards` objects (shard 0 is the site's first object,
//! the one every site had before shards). A submission goes to shard `shard_hash(id) mod n`, where `n`
//! is the entry in force at the **id's own UUIDv7 time**: every copy of a submission (a late
//! outbox retry, a beacon, an edit, the author's undo) carries the same id, so it meets the same
//! shard, also after the owner changes `shards`.
//!
//! The map is a list of `(from_ms, shards)` entries, append-only. A change takes effect `SHARD_CHANGE_DELAY_MS` after it is made: an id made by a clock
//! that is right, or wrong by up to `ID_AHEAD_MS`, is dated before the change's time, so every
//! id already routed keeps its shard (see `SHARD_CHANGE_DELAY_MS` for why that is enough, and
//! what it leaves).

use alloc::vec;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::ids::SubmissionId;
use crate::validate::ValidationError;

/// The most shards a site may have: a read fans out to every shard, one object call each, so
/// this bounds a read's calls (16 of the 1,000 a Free plan request may make).
pub const SHARDS_MAX: u32 = 16;

/// How far ahead of the true time a visitor's clock may be and its ids still keep their shard
/// across a change (ms). Core refuses no id for its time (a visitor whose clock is wrong is still
/// heard); a day covers a device set to the wrong time zone (UTC±14 h) with hours to spare.
pub const ID_AHEAD_MS: i64 = 24 * 3_600_000;

/// How long after the owner changes `shards` the change is in force (ms): `ID_AHEAD_MS` and an
/// hour's margin for the clock of the object that makes the change.
///
/// Why it is enough: an id already routed when the change is made was made by a clock at most
/// `ID_AHEAD_MS` ahead, so it is dated before `now + ID_AHEAD_MS`, before the change's time:
/// the entry in force at its time is the one it was routed by. The residual: an id dated more
/// than this ahead of its first arrival (a clock more than a day fast, or a script) that is sent
/// again after the change meets the new entry's shard and counts there once more, and the
/// author's edit or undo reaches that copy. A script gains nothing by it (a fresh id counts
/// once too, and every stored revision spends its rate-limit tokens); a real visitor needs a
/// clock a day fast and a resend after a change.
pub const SHARD_CHANGE_DELAY_MS: i64 = ID_AHEAD_MS + 3_600_000;

/// One entry: ids dated `from_ms` or later (until the next entry) spread over `shards`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardEntry {
    /// The first id time (ms since 1970) the entry routes.
    pub from_ms: i64,
    /// How many shards (1 to `SHARDS_MAX`).
    pub shards: u32,
}

/// A site's shard map, oldest entry first; its first entry routes every id before the second.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ShardMap(Vec<ShardEntry>);

impl Default for ShardMap {
    /// One shard for every id: every site before shards.
    fn default() -> ShardMap {
        ShardMap::new(1)
    }
}

impl ShardMap {
    /// A new site's map: `shards` for every id (no id was routed yet, so no delay).
    pub fn new(shards: u32) -> ShardMap {
        ShardMap(vec![ShardEntry { from_ms: i64::MIN, shards: shards.clamp(1, SHARDS_MAX) }])
    }

    /// The entries, oldest first.
    pub fn entries(&self) -> &[ShardEntry] {
        &self.0
    }

    /// How many shards route the ids dated `at` (ms).
    pub fn shards_at(&self, at: i64) -> u32 {
        self.0.iter().rev().find(|e| e.from_ms <= at).or(self.0.first()).map_or(1, |e| e.shards.clamp(1, SHARDS_MAX))
    }

    /// The shard that holds submission `id`: its hash modulo the shards in force at its time.
    pub fn shard_of(&self, id: &SubmissionId) -> u32 {
        (shard_hash(id) % u64::from(self.shards_at(id_time(id)))) as u32
    }

    /// How many shards may hold submissions: every entry's, the ones not yet in force too (an id
    /// dated ahead is routed by them already). Reads fan out to shards `0..span()`.
    pub fn span(&self) -> u32 {
        self.0.iter().map(|e| e.shards.clamp(1, SHARDS_MAX)).max().unwrap_or(1)
    }

    /// The shards the owner set last (in force now or soon): what the site's view shows.
    pub fn latest(&self) -> u32 {
        self.0.last().map_or(1, |e| e.shards)
    }

    /// The owner sets `shards` at `now`: in force from `now + SHARD_CHANGE_DELAY_MS`. Only
    /// appended: an entry no real id has met yet may have routed an id dated far ahead to a
    /// shard, and dropping it would drop that shard from `span`, so from every read. So a change
    /// while another is still pending is refused: the map (kept in the site's record, pushed to
    /// every shard, read on every submission) grows by at most one entry a day, however often
    /// the owner's key PATCHes. Answers whether the map changed.
    pub fn change(&mut self, shards: u32, now: i64) -> Result<bool, ValidationError> {
        let shards = shards.clamp(1, SHARDS_MAX);
        if self.latest() == shards {
            return Ok(false);
        }
        if self.0.last().is_some_and(|e| e.from_ms > now) {
            return Err(ValidationError::ShardsChangePending);
        }
        self.0.push(ShardEntry { from_ms: now.saturating_add(SHARD_CHANGE_DELAY_MS), shards });
        Ok(true)
    }
}

/// The time a UUIDv7 id was made (its first 48 bits, ms since 1970). Any UUID is accepted as an
/// id, and one that is not v7 (a `crypto.randomUUID()`) has random bits there, most of them a
/// date far ahead, which the newest entry would route from the moment it is made: such an id
/// has no time, `i64::MIN`, and stays with the first entry's shards for good.
pub fn id_time(id: &SubmissionId) -> i64 {
    // `xxxxxxxx-xxxx-Vxxx-…`: the version digit is the 15th character.
    if id.as_str().as_bytes().get(14) != Some(&b'7') {
        return i64::MIN;
    }
    id.as_str().bytes().filter(|b| *b != b'-').take(12).fold(0i64, |ms, b| (ms << 4) | i64::from(hex(b)))
}

fn hex(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        _ => 0,
    }
}

/// A submission's hash for its shard: FNV-1a of the id's text, then SplitMix64's finalizer.
/// FNV alone mixes upward only (a change in an id's last digits never reaches the bits a small
/// modulus reads, so ids made one after another would all meet one shard); the finalizer
/// spreads every bit over all of them.
pub fn shard_hash(id: &SubmissionId) -> u64 {
    let mut z = fnv1a(id.as_str().as_bytes());
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// FNV-1a, 64 bits: stable across builds and platforms (unlike std's seeded SipHash), so the
/// Worker, every shard and every version agree on a submission's shard.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(ms: u64, random: [u8; 10]) -> SubmissionId {
        SubmissionId::v7(ms, random)
    }

    #[test]
    fn fnv1a_is_the_documented_hash() {
        // The published FNV-1a 64 test vectors.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn ids_made_one_after_another_spread_evenly() {
        // As a busy page makes them: the same millisecond prefix, the last digits counting up.
        let map = ShardMap::new(4);
        let mut per_shard = [0u32; 4];
        for n in 0..4000u64 {
            let id = SubmissionId::parse(&format!("0190a6e2-0000-7000-8000-{n:012x}")).expect("a UUID");
            per_shard[map.shard_of(&id) as usize] += 1;
        }
        assert!(per_shard.iter().all(|n| (900..=1100).contains(n)), "{per_shard:?}");
        // The hash is fixed: these ids meet these shards on every build and platform.
        let fixed = SubmissionId::parse("0190a6e2-7c1d-7abc-8def-0123456789ab").expect("a UUID");
        assert_eq!(shard_hash(&fixed), 0x1900_c22e_a5ca_3557);
    }

    #[test]
    fn an_ids_time_is_its_first_48_bits() {
        assert_eq!(id_time(&id(0x0190_a6e2_7c1d, [0xff; 10])), 0x0190_a6e2_7c1d);
        assert_eq!(id_time(&id(1_763_900_000_000, [0; 10])), 1_763_900_000_000);
    }

    #[test]
    fn every_site_before_shards_has_one() {
        let map = ShardMap::default();
        assert_eq!((map.span(), map.latest(), map.shard_of(&id(5, [7; 10]))), (1, 1, 0));
        assert_eq!(serde_json::to_string(&ShardMap::default()).ok(), Some(format!(r#"[{{"from_ms":{},"shards":1}}]"#, i64::MIN)));
    }

    #[test]
    fn a_change_is_in_force_only_after_the_delay_and_spreads_ids_then() {
        let now = 1_763_900_000_000i64;
        let mut map = ShardMap::default();
        assert_eq!(map.change(4, now), Ok(true));
        assert_eq!(map.change(4, now + 5), Ok(false), "setting the same number again changes nothing");
        let from = now + SHARD_CHANGE_DELAY_MS;
        assert_eq!(map.entries()[1], ShardEntry { from_ms: from, shards: 4 });
        assert_eq!((map.shards_at(from - 1), map.shards_at(from)), (1, 4));
        assert_eq!((map.span(), map.latest()), (4, 4));
        let shards: std::collections::BTreeSet<u32> = (0..64u8).map(|i| map.shard_of(&id(from as u64, [i; 10]))).collect();
        assert_eq!(shards.into_iter().collect::<Vec<_>>(), [0, 1, 2, 3], "ids after the change spread over the four");
        // Changing again before the first is in force is refused: one entry a day at most.
        assert!(map.change(2, now + 10).is_err());
        assert_eq!(map.entries().len(), 2);
        // Once it is in force, lowering appends; every shard stays read.
        assert_eq!(map.change(2, from), Ok(true));
        assert_eq!(map.entries()[2], ShardEntry { from_ms: from + SHARD_CHANGE_DELAY_MS, shards: 2 });
        assert_eq!((map.span(), map.latest()), (4, 2), "shards 2 and 3 may hold ids dated ahead: still read");
        let later = from + SHARD_CHANGE_DELAY_MS;
        assert_eq!(map.change(1, later), Ok(true));
        assert_eq!(map.shards_at(later + SHARD_CHANGE_DELAY_MS), 1);
    }

    #[test]
    fn an_id_that_is_not_v7_keeps_its_shard_whatever_the_changes() {
        // A v4 id: random where a v7 keeps its time (here a date centuries ahead).
        let v4 = SubmissionId::parse("f47ac10b-58cc-4372-a567-0e02b2c3d479").expect("a UUID");
        assert_eq!(id_time(&v4), i64::MIN);
        let now = 1_763_900_000_000i64;
        let mut map = ShardMap::new(3);
        let before = map.shard_of(&v4);
        assert_eq!(map.change(16, now), Ok(true));
        assert_eq!(map.shard_of(&v4), before, "routed as it was, also once the change is in force");
    }

    #[test]
    fn a_new_sites_shards_are_in_force_at_once_and_bounded() {
        assert_eq!(ShardMap::new(4).shards_at(i64::MIN), 4);
        assert_eq!(ShardMap::new(99).span(), SHARDS_MAX);
        assert_eq!(ShardMap::new(0).span(), 1);
    }

    proptest! {
        /// The map's rule: after any sequence of changes, an id dated before the time of the
        /// change's arrival plus `ID_AHEAD_MS` keeps the shard it had when it arrived.
        #[test]
        fn no_routed_id_changes_shard(
            steps in proptest::collection::vec((1u32..=SHARDS_MAX, 0i64..10 * SHARD_CHANGE_DELAY_MS), 1..12),
            ids in proptest::collection::vec((0i64..ID_AHEAD_MS, any::<[u8; 10]>()), 1..40),
        ) {
            let start = 1_763_900_000_000i64;
            let mut map = ShardMap::default();
            let mut now = start;
            for (shards, pause) in steps {
                // Ids arriving now, made by clocks up to a day fast, routed by today's map.
                let routed: Vec<(SubmissionId, u32)> =
                    ids.iter().map(|(ahead, random)| id((now + ahead) as u64, *random)).map(|i| { let s = map.shard_of(&i); (i, s) }).collect();
                // A change while one is pending is refused (and changes nothing).
                let _ = map.change(shards, now);
                for (i, shard) in &routed {
                    prop_assert_eq!(map.shard_of(i), *shard);
                    prop_assert!(*shard < map.span());
                }
                now += pause;
            }
            // Entries stay in time order, so `shards_at` reads the one in force.
            prop_assert!(map.entries().windows(2).all(|w| w[0].from_ms < w[1].from_ms));
        }
    }
}
