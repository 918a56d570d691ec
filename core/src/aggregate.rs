//! `Aggregate`: the counts every summary is derived from.
//!
//! It is a commutative monoid: `Aggregate::default()` is the identity and `merge` is associative
//! and commutative, so `merge(aggregate(a), aggregate(b)) == aggregate(a ++ b)`. That is what
//! lets a site's counts be kept per shard (or per day, or per page) and added up at read time.

use alloc::borrow::ToOwned;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::scale::{Rating, Scale};
use crate::wire::{Bucket, Nps, ScaleSummary, Submission, Summary};

/// How many ratings of one value were given, and how many of them came with a comment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Ratings.
    pub ratings: u64,
    /// Ratings with a comment.
    pub comments: u64,
}

/// Counts per rating (scale and value).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Aggregate {
    tallies: BTreeMap<Rating, Tally>,
}

impl Aggregate {
    /// Counts one submission.
    pub fn add(&mut self, rating: Rating, has_comment: bool) {
        self.add_tally(rating, Tally { ratings: 1, comments: u64::from(has_comment) });
    }

    /// Adds a stored tally, as read back from storage.
    pub fn add_tally(&mut self, rating: Rating, tally: Tally) {
        let entry = self.tallies.entry(rating).or_default();
        entry.ratings += tally.ratings;
        entry.comments += tally.comments;
    }

    /// Folds another aggregate into this one.
    pub fn merge(&mut self, other: &Aggregate) {
        for (rating, tally) in &other.tallies {
            self.add_tally(*rating, *tally);
        }
    }

    /// The tally of one rating.
    pub fn tally(&self, rating: Rating) -> Tally {
        self.tallies.get(&rating).copied().unwrap_or_default()
    }

    /// The tallies of one scale, every value of the scale, lowest first.
    fn scale_tallies(&self, scale: Scale) -> impl Iterator<Item = (u8, Tally)> + '_ {
        scale.values().map(move |value| {
            let tally = Rating::new(scale, i64::from(value)).map(|r| self.tally(r)).unwrap_or_default();
            (value, tally)
        })
    }

    /// The numbers for one scale, or `None` when it has no ratings.
    pub fn scale_summary(&self, scale: Scale) -> Option<ScaleSummary> {
        let histogram: Vec<Bucket> = self.scale_tallies(scale).map(|(value, t)| Bucket { value, count: t.ratings }).collect();
        let count: u64 = histogram.iter().map(|b| b.count).sum();
        if count == 0 {
            return None;
        }
        let sum: u64 = histogram.iter().map(|b| u64::from(b.value) * b.count).sum();
        let comments = self.scale_tallies(scale).map(|(_, t)| t.comments).sum();
        let nps = (scale == Scale::Nps).then(|| {
            let in_range = |lo: u8, hi: u8| histogram.iter().filter(|b| (lo..=hi).contains(&b.value)).map(|b| b.count).sum::<u64>();
            let (promoters, passives, detractors) = (in_range(9, 10), in_range(7, 8), in_range(0, 6));
            Nps { score: round1((promoters as f64 - detractors as f64) * 100.0 / count as f64), promoters, passives, detractors }
        });
        Some(ScaleSummary { scale, count, comments, mean: round2(sum as f64 / count as f64), histogram, nps })
    }

    /// The site's summary.
    pub fn summary(&self, site: &str) -> Summary {
        let scales: Vec<ScaleSummary> = Scale::ALL.into_iter().filter_map(|s| self.scale_summary(s)).collect();
        Summary {
            site: site.to_owned(),
            total: scales.iter().map(|s| s.count).sum(),
            comments: scales.iter().map(|s| s.comments).sum(),
            scales,
        }
    }
}

impl<'a> FromIterator<&'a Submission> for Aggregate {
    fn from_iter<I: IntoIterator<Item = &'a Submission>>(submissions: I) -> Aggregate {
        let mut aggregate = Aggregate::default();
        for s in submissions {
            aggregate.add(s.rating, s.comment.is_some());
        }
        aggregate
    }
}

fn round1(x: f64) -> f64 {
    round_half_away(x * 10.0) / 10.0
}

fn round2(x: f64) -> f64 {
    round_half_away(x * 100.0) / 100.0
}

/// `f64::round` without std (which `no_std` lacks); exact for the magnitudes summaries hold.
fn round_half_away(x: f64) -> f64 {
    (if x < 0.0 { x - 0.5 } else { x + 0.5 }) as i64 as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rating(scale: Scale, value: i64) -> Rating {
        Rating::new(scale, value).expect("test ratings are in range")
    }

    #[test]
    fn nps_counts_promoters_passives_and_detractors() {
        let mut a = Aggregate::default();
        for v in [10, 9, 9, 8, 7, 6, 0, 10] {
            a.add(rating(Scale::Nps, v), v == 0);
        }
        let s = a.scale_summary(Scale::Nps).expect("has ratings");
        assert_eq!(s.count, 8);
        assert_eq!(s.comments, 1);
        let nps = s.nps.expect("nps scale");
        assert_eq!((nps.promoters, nps.passives, nps.detractors), (4, 2, 2));
        assert_eq!(nps.score, 25.0);
        assert_eq!(s.histogram.len(), 11);
        assert_eq!(s.histogram[9], Bucket { value: 9, count: 2 });
    }

    #[test]
    fn stars_mean_and_empty_scales_are_left_out() {
        let mut a = Aggregate::default();
        for v in [5, 4, 4] {
            a.add(rating(Scale::Stars, v), false);
        }
        let summary = a.summary("demo");
        assert_eq!(summary.total, 3);
        assert_eq!(summary.scales.len(), 1);
        assert_eq!(summary.scales[0].mean, 4.33);
        assert_eq!(summary.scales[0].nps, None);
        assert_eq!(summary.scales[0].histogram.iter().map(|b| b.count).collect::<Vec<_>>(), [0, 0, 0, 2, 1]);
    }

    fn any_rating() -> impl Strategy<Value = (Rating, bool)> {
        (0usize..3, 0i64..=10, any::<bool>()).prop_map(|(s, v, c)| {
            let scale = Scale::ALL[s];
            let value = scale.lowest() as i64 + v % (i64::from(scale.highest() - scale.lowest()) + 1);
            (rating(scale, value), c)
        })
    }

    fn aggregate_of(items: &[(Rating, bool)]) -> Aggregate {
        let mut a = Aggregate::default();
        for (r, c) in items {
            a.add(*r, *c);
        }
        a
    }

    proptest! {
        #[test]
        fn merge_of_parts_equals_aggregate_of_the_whole(a in prop::collection::vec(any_rating(), 0..60), b in prop::collection::vec(any_rating(), 0..60)) {
            let mut merged = aggregate_of(&a);
            merged.merge(&aggregate_of(&b));
            let whole: Vec<_> = a.iter().chain(&b).copied().collect();
            prop_assert_eq!(&merged, &aggregate_of(&whole));
            // Commutative, and the identity changes nothing.
            let mut other_way = aggregate_of(&b);
            other_way.merge(&aggregate_of(&a));
            prop_assert_eq!(&other_way, &merged);
            other_way.merge(&Aggregate::default());
            prop_assert_eq!(other_way.summary("s"), merged.summary("s"));
            prop_assert_eq!(merged.summary("s").total, whole.len() as u64);
        }
    }
}
