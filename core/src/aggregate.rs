//! `Aggregate`: the counts every summary is derived from.
//!
//! It is a commutative monoid: `Aggregate::default()` is the identity and `merge` is associative
//! and commutative, so `merge(aggregate(a), aggregate(b)) == aggregate(a ++ b)`. That is what
//! lets a site's counts be kept per shard (or per day, or per page) and added up at read time.

use alloc::borrow::ToOwned;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use crate::scale::{Rating, Scale};
use crate::submission::Submission;
use crate::summary::{Bucket, Nps, PageCursor, PagesWindow, ScaleSummary, Score, Slice, Summary, RANKED_PAGES, SUMMARY_PAGES_MAX};

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
        let share = |lo: u8| round1(histogram.iter().filter(|b| b.value >= lo).map(|b| b.count).sum::<u64>() as f64 * 100.0 / count as f64);
        let mean = round2(sum as f64 / count as f64);
        let csat = matches!(scale, Scale::Stars | Scale::Emoji | Scale::Csat).then(|| share(4));
        // The headline is the mean of what each rating adds to it (`ranking::per_rating`, the
        // rule the dashboard's tests of change and its ranking use too), in exact sums.
        let points = histogram.iter().map(|b| crate::ranking::per_rating(scale, b.value) * b.count as f64).sum::<f64>() / count as f64;
        let score = match scale {
            Scale::Stars | Scale::Emoji => round2(points),
            Scale::Thumbs | Scale::Nps | Scale::Csat => round1(points),
        };
        Some(ScaleSummary { scale, count, comments, mean, score, csat, histogram, nps })
    }

    /// The site's summary over all it holds (no days or pages).
    pub fn summary(&self, site: &str) -> Summary {
        Breakdown { total: self.clone(), ..Breakdown::default() }.summary(site, None, None, None, &PagesWindow::default())
    }

    /// A day's or a page's headline numbers.
    fn slice(&self, key: &str) -> Slice {
        let scores: Vec<Score> =
            Scale::ALL.into_iter().filter_map(|s| self.scale_summary(s)).map(|s| Score { scale: s.scale, count: s.count, score: s.score }).collect();
        let comments = self.tallies.values().map(|t| t.comments).sum();
        Slice { key: key.to_owned(), count: scores.iter().map(|s| s.count).sum(), comments, scores }
    }
}

/// Counts by day and by page, as the site's object stores them; builds the `Summary`.
///
/// Either every row is added with its day and page (`add`: the pages are all there is), or the
/// store adds the days (`add_day`), the pages it lists (`add_listed`), the most-rated pages
/// (`add_ranked`) and how many pages there are (`set_pages_total`) from its rollups. Both give
/// the same summary for the same counts.
#[derive(Clone, Debug, Default)]
pub struct Breakdown {
    total: Aggregate,
    days: BTreeMap<String, Aggregate>,
    pages: BTreeMap<String, Aggregate>,
    /// The store's `RANKED_PAGES` most-rated pages, if it chose them.
    ranked: Option<BTreeMap<String, Aggregate>>,
    /// How many pages have ratings, if the store counted them.
    pages_total: Option<u64>,
}

impl Breakdown {
    /// Adds one stored row: the tally of `rating` on `day` for `page`.
    pub fn add(&mut self, day: &str, page: &str, rating: Rating, tally: Tally) {
        self.add_day(day, rating, tally);
        self.add_listed(page, rating, tally);
    }

    /// Adds a day's tally of `rating` (all pages) to the totals and the days.
    pub fn add_day(&mut self, day: &str, rating: Rating, tally: Tally) {
        self.total.add_tally(rating, tally);
        self.days.entry(day.to_owned()).or_default().add_tally(rating, tally);
    }

    /// Adds a page's tally of `rating` to the pages that may be listed.
    pub fn add_listed(&mut self, page: &str, rating: Rating, tally: Tally) {
        self.pages.entry(page.to_owned()).or_default().add_tally(rating, tally);
    }

    /// Adds a page's tally of `rating` to the pages best and worst are chosen from.
    pub fn add_ranked(&mut self, page: &str, rating: Rating, tally: Tally) {
        self.ranked.get_or_insert_with(BTreeMap::new).entry(page.to_owned()).or_default().add_tally(rating, tally);
    }

    /// How many pages have ratings (the store's count; else the pages added).
    pub fn set_pages_total(&mut self, pages: u64) {
        self.pages_total = Some(pages);
    }

    /// The summary, echoing the range and page it was limited to, listing the pages `window`
    /// names.
    pub fn summary(&self, site: &str, from: Option<&str>, to: Option<&str>, page: Option<&str>, window: &PagesWindow) -> Summary {
        let scales: Vec<ScaleSummary> = Scale::ALL.into_iter().filter_map(|s| self.total.scale_summary(s)).collect();
        let days: Vec<Slice> = self.days.iter().map(|(day, a)| a.slice(day)).collect();
        let ranking = |pages: &BTreeMap<String, Aggregate>| {
            let mut slices: Vec<Slice> = pages.iter().map(|(page, a)| a.slice(page)).collect();
            slices.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
            slices
        };
        let pages = ranking(&self.pages);
        let mut top = match &self.ranked {
            Some(ranked) => ranking(ranked),
            None => pages.clone(),
        };
        top.truncate(RANKED_PAGES);
        // Best and worst on the scale most ratings use, over the most-rated pages, ranked as the
        // dashboard ranks them (`ranking::rank_pages`: enough ratings, a Bayesian mean towards
        // the site's score, `(other)` never): a page is judged once it has a sample, and the
        // choice costs the same at any number of pages. No pages asked for: none judged.
        let main = scales.iter().max_by_key(|s| s.count).filter(|_| window.limit > 0);
        let ranking = main.map(|main| crate::ranking::rank_pages(&top, main.scale, main.score));
        let ranked = ranking.as_ref().map(|r| r.ranked.as_slice()).unwrap_or_default();
        let worst_page = ranked.first().map(|p| p.page.to_owned());
        let best_page = ranked.last().map(|p| p.page.to_owned());
        let (pages_total, pages, pages_cursor) = match window.limit {
            0 => (0, Vec::new(), None),
            _ => {
                let total = self.pages_total.unwrap_or(pages.len() as u64);
                let (pages, cursor) = listed(pages, window);
                (total, pages, cursor)
            }
        };
        Summary {
            site: site.to_owned(),
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
            page: page.map(str::to_owned),
            total: scales.iter().map(|s| s.count).sum(),
            comments: scales.iter().map(|s| s.comments).sum(),
            scales,
            days,
            pages,
            pages_total,
            pages_cursor,
            best_page,
            worst_page,
            channels: Vec::new(),
            breakdown: None,
            attribute_keys: Vec::new(),
        }
    }
}

/// The stretch of the ranked `pages` that `window` names, and the cursor after it if more follow.
fn listed(ranked: Vec<Slice>, window: &PagesWindow) -> (Vec<Slice>, Option<String>) {
    let limit = window.limit.clamp(1, SUMMARY_PAGES_MAX);
    let mut after: Vec<Slice> = match &window.after {
        Some(cursor) => ranked.into_iter().filter(|p| cursor.precedes(p.count, &p.key)).collect(),
        None => ranked,
    };
    let more = after.len() > limit;
    after.truncate(limit);
    let cursor = more.then(|| after.last().map(|last| PageCursor { count: last.count, page: last.key.clone() }.text())).flatten();
    (after, cursor)
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
    use crate::summary::RANKED_MIN_RATINGS;
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
    fn days_pages_best_and_worst() {
        let mut b = Breakdown::default();
        let stars = |v| rating(Scale::Stars, v);
        b.add("2026-11-22", "/good", stars(5), Tally { ratings: 5, comments: 1 });
        b.add("2026-11-23", "/bad", stars(1), Tally { ratings: 4, comments: 2 });
        b.add("2026-11-23", "/bad", stars(2), Tally { ratings: 1, comments: 0 });
        b.add("2026-11-23", "/rare", stars(1), Tally { ratings: 4, comments: 0 });
        b.add("2026-11-23", "/rare", rating(Scale::Thumbs, 0), Tally { ratings: 1, comments: 0 });
        b.add("2026-11-23", "/good", rating(Scale::Thumbs, 1), Tally { ratings: 1, comments: 0 });
        let s = b.summary("demo", Some("2026-11-22"), None, None, &PagesWindow::default());
        assert_eq!(s.total, 16);
        assert_eq!(s.days.iter().map(|d| (d.key.as_str(), d.count)).collect::<Vec<_>>(), [("2026-11-22", 5), ("2026-11-23", 11)]);
        assert_eq!(s.pages.iter().map(|p| p.key.as_str()).collect::<Vec<_>>(), ["/good", "/bad", "/rare"], "most rated first, ties by path");
        assert_eq!((s.pages_total, s.pages_cursor.as_deref()), (3, None));
        assert_eq!(
            (s.best_page.as_deref(), s.worst_page.as_deref()),
            (Some("/good"), Some("/bad")),
            "/rare has 5 ratings, but only 4 on the main scale: too few to rank"
        );
        let stars_summary = &s.scales[1];
        assert_eq!((stars_summary.scale, stars_summary.csat), (Scale::Stars, Some(35.7)));
        assert_eq!(s.scales[0].score, 50.0, "thumbs: % up");
        assert_eq!(s.from.as_deref(), Some("2026-11-22"));
    }

    #[test]
    fn a_page_with_few_ratings_is_never_best_or_worst() {
        let mut b = Breakdown::default();
        b.add("2026-11-23", "/invented", rating(Scale::Stars, 5), Tally { ratings: RANKED_MIN_RATINGS - 1, comments: 0 });
        b.add("2026-11-23", "/real", rating(Scale::Stars, 3), Tally { ratings: RANKED_MIN_RATINGS, comments: 0 });
        let s = b.summary("demo", None, None, None, &PagesWindow::default());
        assert_eq!((s.best_page.as_deref(), s.worst_page.as_deref()), (Some("/real"), Some("/real")));
    }

    #[test]
    fn best_and_worst_are_the_dashboards_ranking_a_few_perfect_ratings_outranked_by_many_good_ones() {
        let mut b = Breakdown::default();
        let add = |b: &mut Breakdown, page: &str, value: i64, ratings: u64| {
            b.add("2026-11-23", page, rating(Scale::Stars, value), Tally { ratings, comments: 0 })
        };
        add(&mut b, "/five-fives", 5, 5);
        add(&mut b, "/liked", 5, 48);
        add(&mut b, "/liked", 4, 12);
        add(&mut b, "/weak", 3, 300);
        add(&mut b, crate::page::OTHER_PAGE, 1, 50);
        let s = b.summary("demo", None, None, None, &PagesWindow::default());
        // Raw, /five-fives (5.0) would be best and (other) (1.0) worst.
        assert_eq!((s.best_page.as_deref(), s.worst_page.as_deref()), (Some("/liked"), Some("/weak")));
    }

    #[test]
    fn pages_are_listed_in_windows_that_walk_each_page_once() {
        let mut b = Breakdown::default();
        for i in 0..23u64 {
            // Counts repeat (i % 4), so ties are broken by path.
            b.add("2026-11-23", &format!("/p{i:02}"), rating(Scale::Thumbs, 1), Tally { ratings: 1 + i % 4, comments: 0 });
        }
        let mut walked = Vec::new();
        let mut window = PagesWindow { limit: 5, after: None };
        loop {
            let s = b.summary("demo", None, None, None, &window);
            assert!(s.pages.len() <= 5 && s.pages_total == 23);
            walked.extend(s.pages.iter().map(|p| (p.count, p.key.clone())));
            match s.pages_cursor {
                Some(next) => window.after = Some(PageCursor::parse(&next).expect("a cursor the summary gave out")),
                None => break,
            }
        }
        let mut ranked = walked.clone();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        ranked.dedup();
        assert_eq!(walked, ranked, "every page once, in rank order");
        assert_eq!(walked.len(), 23);
        let all = b.summary("demo", None, None, None, &PagesWindow { limit: 1000, after: None });
        assert_eq!((all.pages.len(), all.pages_cursor), (23, None), "a window never exceeds the maximum, 23 fit");
        let none = b.summary("demo", None, None, None, &PagesWindow::NONE);
        assert_eq!((none.pages.len(), none.pages_cursor, none.best_page), (0, None, None), "a limit of 0: no page figures");
        assert_eq!(none.total, all.total, "and the same totals");
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

        /// What a store answers from its rollups (the days, the window of pages after the
        /// cursor plus one, the most-rated pages, the count of pages) gives the summary that
        /// every row gives: the object's two ways of reading agree.
        #[test]
        fn a_summary_from_rollups_equals_one_from_every_row(
            rows in prop::collection::vec((0u8..4, 0u16..260, any_rating(), 1u64..4), 0..400),
            limit in 0usize..8,
            skip in 0usize..300,
        ) {
            let day = |d: u8| format!("2026-11-{:02}", d + 1);
            let page = |p: u16| format!("/p{p}");
            let mut every = Breakdown::default();
            let mut per_page: BTreeMap<String, u64> = BTreeMap::new();
            for (d, p, (r, c), n) in &rows {
                every.add(&day(*d), &page(*p), *r, Tally { ratings: *n, comments: if *c { *n } else { 0 } });
                *per_page.entry(page(*p)).or_default() += n;
            }
            // The ranking a store's index gives: most ratings first, ties by path.
            let mut ranking: Vec<(u64, String)> = per_page.iter().map(|(p, n)| (*n, p.clone())).collect();
            ranking.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            let after = ranking.get(skip).map(|(n, p)| PageCursor { count: *n, page: p.clone() }).filter(|_| skip % 3 != 0);
            let window = PagesWindow { limit, after: after.clone() };
            let listed: Vec<&String> = ranking.iter().filter(|(n, p)| after.as_ref().is_none_or(|a| a.precedes(*n, p))).take(limit + 1).map(|(_, p)| p).collect();
            let top: Vec<&String> = ranking.iter().take(RANKED_PAGES).map(|(_, p)| p).collect();
            let mut store = Breakdown::default();
            for (d, p, (r, c), n) in &rows {
                let tally = Tally { ratings: *n, comments: if *c { *n } else { 0 } };
                store.add_day(&day(*d), *r, tally);
                if limit > 0 && listed.contains(&&page(*p)) {
                    store.add_listed(&page(*p), *r, tally);
                }
                if limit > 0 && top.contains(&&page(*p)) {
                    store.add_ranked(&page(*p), *r, tally);
                }
            }
            if limit > 0 {
                store.set_pages_total(per_page.len() as u64);
            }
            prop_assert_eq!(every.summary("s", None, None, None, &window), store.summary("s", None, None, None, &window));
        }
    }
}
