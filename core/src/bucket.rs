//! The token bucket every rate limit is: a capacity that is both the burst and the refill per minute.
//!
//! The arithmetic is in whole numbers so that what the tests check is exact. A token is
//! `PARTS` parts, one per millisecond of a minute, so a bucket of capacity `c` gains exactly `c`
//! parts a millisecond and holds at most `c × PARTS`. The Worker stores tokens as a real number;
//! `TokenBucket::stored` and `TokenBucket::tokens` convert at that boundary.
//!
//! What it guarantees, for a bucket of capacity `c ≥ 1` (`r = c / 60 000` tokens a millisecond):
//! - **A run of requests takes at most `c + (latest − first) × r`**, where `first` is the time
//!   of the run's first request and `latest` the latest time among its requests (the clock may
//!   go backwards in between). Proof: when the run starts the bucket holds at most `c`, as of a
//!   time `E ≥ first`. Parts are only added when a request's time passes the bucket's own time,
//!   which then moves to it and never back, so within the run at most `(latest − E) × r ≤
//!   (latest − first) × r` tokens are added (the cap only removes). A request is admitted only
//!   if a whole token is there and takes exactly one, so the bucket never goes below zero:
//!   admitted ≤ held + added. Hence at most `c` at one instant, and at most `2c` within a closed
//!   60 s window (`c` at its start, `c` refilled by its end); both bounds are reached.
//! - **It refills to exactly `c`, never beyond**: `REFILL_MS` after its last admitted request a
//!   bucket holds exactly `c` tokens, and it never holds more.
//! - **A clock going backwards adds nothing**: a request older than the bucket's time refills
//!   nothing and leaves the bucket's time where it was.
//! - **A refusal's wait is exact**: at least one second, a request that many seconds later is
//!   admitted, and one a second sooner would not be.
//! - **`fewer` is never more permissive than either bucket**: from `now` on it holds no more
//!   tokens than either, so whatever it admits, each of them would have admitted.

/// An empty bucket is full again after this long (ms): its capacity is its rate per minute.
pub const REFILL_MS: i64 = 60_000;

/// The parts of one token: one per millisecond of `REFILL_MS`, so refilling is a whole number.
const PARTS: i64 = REFILL_MS;

/// A token bucket as it was last spent: its parts as of `at` (ms since the epoch).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenBucket {
    parts: i64,
    at: i64,
}

/// A refusal: the whole seconds until the bucket holds a token again (at least 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wait {
    /// Seconds to wait, for `Retry-After`.
    pub seconds: u32,
}

/// The most parts a bucket of `capacity` holds.
fn capacity_parts(capacity: u32) -> i64 {
    i64::from(capacity) * PARTS
}

impl TokenBucket {
    /// A bucket nobody has spent from: it holds `capacity` tokens at any time.
    pub fn full(capacity: u32) -> Self {
        // Its time is the earliest there is, so it never stands in the way of a later one.
        TokenBucket { parts: capacity_parts(capacity), at: i64::MIN }
    }

    /// A bucket as the Worker stores it: `tokens` left at `at` (ms). A value that is not a number
    /// reads as empty, never as a way past the limit.
    pub fn stored(tokens: f64, at: i64) -> Self {
        // `as` saturates (and makes NaN 0); adding a half rounds to the nearest part, since
        // `tokens` was written as parts / PARTS and may come back a hair below.
        let parts = tokens * PARTS as f64;
        let parts = if parts < 0.0 { (parts - 0.5) as i64 } else { (parts + 0.5) as i64 };
        TokenBucket { parts, at }
    }

    /// The tokens left, as the Worker stores them.
    pub fn tokens(&self) -> f64 {
        self.parts as f64 / PARTS as f64
    }

    /// The time (ms) the tokens are counted at: the latest time a request was admitted.
    pub fn at(&self) -> i64 {
        self.at
    }

    /// The parts at `now`: refilled by `capacity` a millisecond since the bucket's time (none if
    /// `now` is earlier), up to the capacity.
    fn parts_at(&self, capacity: u32, now: i64) -> i64 {
        let elapsed = now.saturating_sub(self.at).max(0);
        self.parts.saturating_add(elapsed.saturating_mul(i64::from(capacity))).min(capacity_parts(capacity))
    }

    /// Takes one token at `now`: the bucket left, or how long to wait if it holds less than one.
    /// A capacity of 0 is a limit turned off: everything is admitted.
    pub fn take(self, capacity: u32, now: i64) -> Result<TokenBucket, Wait> {
        if capacity == 0 {
            return Ok(self);
        }
        let parts = self.parts_at(capacity, now);
        if parts < PARTS {
            return Err(self.wait(parts, capacity, now));
        }
        // A request from a clock gone backwards keeps the bucket's time: moving it back would
        // count the same milliseconds of refill twice.
        Ok(TokenBucket { parts: parts - PARTS, at: self.at.max(now) })
    }

    /// The least whole second (at least 1) after which a bucket holding `parts` at `now` has a token.
    fn wait(&self, parts: i64, capacity: u32, now: i64) -> Wait {
        let capacity = i64::from(capacity);
        // Nothing refills until the bucket's own time (if the clock is behind it), then
        // `capacity` parts a millisecond.
        let behind = self.at.saturating_sub(now).max(0);
        let missing = PARTS.saturating_sub(parts);
        let refill_ms = missing.saturating_add(capacity - 1) / capacity;
        let seconds = behind.saturating_add(refill_ms).saturating_add(999) / 1000;
        Wait { seconds: u32::try_from(seconds.max(1)).unwrap_or(u32::MAX) }
    }

    /// The bucket with the fewer tokens at `now` of `self` and `other`, counted from the latest of
    /// their times and `now`: one budget kept in two places is spent as the stricter of the two.
    pub fn fewer(self, other: TokenBucket, capacity: u32, now: i64) -> TokenBucket {
        let parts = self.parts_at(capacity, now).min(other.parts_at(capacity, now));
        TokenBucket { parts, at: self.at.max(other.at).max(now) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Requests at `times` against one bucket, as the Worker spends it: a refusal leaves the
    /// bucket as it was. Which were admitted, and the bucket left.
    fn run(capacity: u32, times: &[i64]) -> (Vec<bool>, Option<TokenBucket>) {
        let mut bucket: Option<TokenBucket> = None;
        let admitted = times
            .iter()
            .map(|&now| match bucket.unwrap_or(TokenBucket::full(capacity)).take(capacity, now) {
                Ok(left) => {
                    bucket = Some(left);
                    true
                }
                Err(_) => false,
            })
            .collect();
        (admitted, bucket)
    }

    /// Every run of consecutive requests took at most `c + (latest − first) × c / 60 000`
    /// (compared in whole numbers, so exactly).
    fn within_bound(capacity: u32, times: &[i64], admitted: &[bool]) -> Result<(), TestCaseError> {
        let c = i128::from(capacity);
        for first in 0..times.len() {
            let (mut latest, mut taken) = (times[first], 0i128);
            for at in first..times.len() {
                latest = latest.max(times[at]);
                taken += i128::from(admitted[at]);
                let allowed = c * i128::from(PARTS) + i128::from(latest - times[first]) * c;
                prop_assert!(taken * i128::from(PARTS) <= allowed, "{} taken in {}..={}", taken, first, at);
            }
        }
        Ok(())
    }

    /// Request times from `start`, each step a burst, a short or long pause, or (if `skew`) a
    /// clock gone backwards.
    fn times(skew: bool) -> impl Strategy<Value = Vec<i64>> {
        let step = if skew {
            prop_oneof![3 => Just(0i64), 3 => 0..3_000i64, 1 => 0..130_000i64, 1 => -90_000..0i64].boxed()
        } else {
            prop_oneof![3 => Just(0i64), 3 => 0..3_000i64, 1 => 0..130_000i64].boxed()
        };
        (0..4_000_000_000_000i64, prop::collection::vec(step, 1..120)).prop_map(|(start, steps)| {
            steps
                .iter()
                .scan(start, |now, step| {
                    *now += step;
                    Some(*now)
                })
                .collect()
        })
    }

    fn capacity() -> impl Strategy<Value = u32> {
        prop_oneof![1..=12u32, Just(10u32), 1..=700u32]
    }

    #[test]
    fn one_instant_admits_the_capacity_and_a_60_second_window_twice_it() {
        // 10 at once, then one each 6 s: 20 admitted within [0 s, 60 s], the bound 2c, reached.
        let mut times = vec![0i64; 11];
        times.extend((1..=10).map(|i| i * 6_000));
        let (admitted, _) = run(10, &times);
        assert_eq!(admitted.iter().filter(|&&a| a).count(), 20);
        assert!(!admitted[10], "the 11th at one instant is refused");
        // One millisecond sooner each and the last refill is not there yet.
        let sooner: Vec<i64> = times.iter().map(|&t| (t - 1).max(0)).collect();
        assert_eq!(run(10, &sooner).0.iter().filter(|&&a| a).count(), 19);
    }

    #[test]
    fn the_wait_matches_the_rate() {
        let empty = TokenBucket { parts: 0, at: 0 };
        assert_eq!(empty.take(10, 0), Err(Wait { seconds: 6 }));
        assert_eq!(empty.take(600, 0), Err(Wait { seconds: 1 }));
        assert_eq!(empty.take(1, 0), Err(Wait { seconds: 60 }));
        assert_eq!(empty.take(10, -4_000), Err(Wait { seconds: 10 }), "a clock behind waits for the bucket's time too");
        assert!(empty.take(10, 6_000).is_ok());
        assert_eq!(TokenBucket::full(0).take(0, 0), Ok(TokenBucket::full(0)), "0 is unlimited");
    }

    #[test]
    fn stored_tokens_round_trip_and_garbage_reads_empty() {
        for parts in [0, 1, 7, 59_999, 60_000, 123_457, 600 * PARTS] {
            let bucket = TokenBucket { parts, at: 5 };
            assert_eq!(TokenBucket::stored(bucket.tokens(), bucket.at()), bucket);
        }
        assert_eq!(TokenBucket::stored(f64::NAN, 0).parts, 0);
        assert_eq!(TokenBucket::stored(f64::INFINITY, 0).parts_at(10, 0), capacity_parts(10));
        assert_eq!(TokenBucket::stored(-1.0, 0).parts, -PARTS);
    }

    proptest! {
        #[test]
        fn a_run_never_takes_more_than_its_capacity_and_refill(capacity in capacity(), times in times(false)) {
            let (admitted, _) = run(capacity, &times);
            within_bound(capacity, &times, &admitted)?;
        }

        #[test]
        fn a_clock_going_backwards_adds_nothing(capacity in capacity(), times in times(true), back in 0..200_000i64) {
            let (admitted, bucket) = run(capacity, &times);
            within_bound(capacity, &times, &admitted)?;
            let bucket = bucket.unwrap_or(TokenBucket::full(capacity));
            let at = bucket.at();
            // Earlier than its time, a bucket holds what it held at its time; later, never less.
            prop_assert_eq!(bucket.parts_at(capacity, at.saturating_sub(back)), bucket.parts_at(capacity, at));
            prop_assert!(bucket.parts_at(capacity, at.saturating_add(back)) >= bucket.parts_at(capacity, at));
            if let Ok(left) = bucket.take(capacity, at.saturating_sub(back)) {
                prop_assert_eq!(left.at(), at);
            }
        }

        #[test]
        fn it_refills_to_exactly_the_capacity_and_never_beyond(capacity in capacity(), times in times(true), later in 0..500_000i64) {
            let (_, bucket) = run(capacity, &times);
            let bucket = bucket.unwrap_or(TokenBucket::full(capacity));
            prop_assert!(bucket.parts_at(capacity, bucket.at().saturating_add(later)) <= capacity_parts(capacity));
            let full_at = bucket.at().saturating_add(REFILL_MS + later);
            prop_assert_eq!(bucket.parts_at(capacity, full_at), capacity_parts(capacity));
            // Full means exactly `capacity` more at one instant.
            let mut left = bucket;
            for _ in 0..capacity {
                left = left.take(capacity, full_at).map_err(|wait| TestCaseError::fail(format!("refused early: {wait:?}")))?;
            }
            prop_assert!(left.take(capacity, full_at).is_err());
        }

        #[test]
        fn the_wait_is_at_least_a_second_and_exactly_enough(capacity in capacity(), times in times(true), offset in -120_000..120_000i64) {
            let (_, bucket) = run(capacity, &times);
            let bucket = bucket.unwrap_or(TokenBucket::full(capacity));
            let now = bucket.at().saturating_add(offset);
            if let Err(Wait { seconds }) = bucket.take(capacity, now) {
                prop_assert!(seconds >= 1);
                prop_assert!(bucket.take(capacity, now + i64::from(seconds) * 1000).is_ok());
                prop_assert!(seconds == 1 || bucket.take(capacity, now + i64::from(seconds - 1) * 1000).is_err());
            }
        }

        #[test]
        fn the_fewer_of_two_buckets_is_never_more_permissive_than_either(
            capacity in capacity(),
            a in times(true),
            b in times(true),
            offset in -120_000..120_000i64,
            later in 0..200_000i64,
        ) {
            let full = TokenBucket::full(capacity);
            let (a, b) = (run(capacity, &a).1.unwrap_or(full), run(capacity, &b).1.unwrap_or(full));
            let now = a.at().max(b.at()).saturating_add(offset);
            let fewer = a.fewer(b, capacity, now);
            prop_assert_eq!(fewer, b.fewer(a, capacity, now));
            let then = now + later;
            prop_assert!(fewer.parts_at(capacity, then) <= a.parts_at(capacity, then).min(b.parts_at(capacity, then)));
            if fewer.take(capacity, then).is_ok() {
                prop_assert!(a.take(capacity, then).is_ok() && b.take(capacity, then).is_ok());
            }
        }

        /// The Worker keeps a visitor's bucket in storage and, while it is opted out, in memory
        /// (`private` requests write only the memory). Spending the fewer of the two, whichever
        /// way a client switches its headers, takes no more than one bucket would allow.
        #[test]
        fn switching_between_storage_and_memory_gains_nothing(capacity in capacity(), times in times(true), private in prop::collection::vec(any::<bool>(), 120)) {
            let (mut stored, mut remembered): (Option<TokenBucket>, Option<TokenBucket>) = (None, None);
            let admitted: Vec<bool> = times
                .iter()
                .zip(&private)
                .map(|(&now, &private)| {
                    let bucket = [remembered, stored].into_iter().flatten().fold(TokenBucket::full(capacity), |a, b| a.fewer(b, capacity, now));
                    let Ok(left) = bucket.take(capacity, now) else { return false };
                    if !private {
                        stored = Some(left);
                    }
                    if private || remembered.is_some() {
                        remembered = Some(left);
                    }
                    true
                })
                .collect();
            within_bound(capacity, &times, &admitted)?;
        }
    }
}
