//! How far a score can be trusted given the ratings behind it: the confidence-aware rules the
//! dashboard reads the summary by (pages ranked by a Bayesian mean with a minimum sample, a
//! change between two periods called only beyond noise). Written once, here, so the page and
//! its tests apply the same rule.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::scale::Scale;
use crate::summary::{ScaleSummary, Slice, RANKED_MIN_RATINGS};

/// A page with fewer ratings than this on the ranked scale is listed apart ("too few ratings
/// yet"): the API's own `best_page`/`worst_page` rule, so the two never disagree on who counts.
pub const PAGE_MIN_RATINGS: u64 = RANKED_MIN_RATINGS;
/// How many ratings at the site's own score a page's score is blended with (the prior's
/// weight): a page needs about this many ratings before its own score outweighs the site's.
pub const PRIOR_RATINGS: f64 = 10.0;
/// The fewest ratings in each period for a change to be called at all: below it the normal
/// approximation behind the test is not worth trusting.
pub const CHANGE_MIN_RATINGS: u64 = 30;
/// |z| at or above this is a change beyond noise (two-sided, 95%).
pub const CHANGE_Z: f64 = 1.96;

/// The rule as the page states it, next to every change it colours.
pub fn change_rule() -> String {
    format!(
        "Coloured only when the change is beyond noise: at least {CHANGE_MIN_RATINGS} ratings in both periods and |z| ≥ {CHANGE_Z} \
         (Welch's test on the per-rating scores; for % scores, a two-proportion test), and at least one shown step (0.1, or 1 point)."
    )
}

/// What one rating adds to its scale's headline score: the score is the mean of these (stars and
/// faces: the value; thumbs: 100 if up; CSAT: 100 if 4–5; NPS: +100 promoter, −100 detractor).
pub fn per_rating(scale: Scale, value: u8) -> f64 {
    match scale {
        Scale::Stars | Scale::Emoji => f64::from(value),
        Scale::Thumbs => hundred_if(value >= 1),
        Scale::Csat => hundred_if(value >= 4),
        Scale::Nps if value >= 9 => 100.0,
        Scale::Nps if value <= 6 => -100.0,
        Scale::Nps => 0.0,
    }
}

fn hundred_if(yes: bool) -> f64 {
    if yes {
        100.0
    } else {
        0.0
    }
}

/// The smallest change the dashboard shows for a scale's score (one decimal, or whole points).
pub fn shown_step(scale: Scale) -> f64 {
    match scale {
        Scale::Stars | Scale::Emoji => 0.1,
        Scale::Thumbs | Scale::Csat | Scale::Nps => 1.0,
    }
}

/// A scale's ratings as a sample of per-rating scores.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    /// Ratings.
    pub count: u64,
    /// Their mean (the unrounded headline score).
    pub mean: f64,
    /// Their sample variance (n − 1).
    pub variance: f64,
}

/// The spread of a scale's ratings, from its histogram.
pub fn spread(summary: &ScaleSummary) -> Spread {
    let scores = || summary.histogram.iter().map(|b| (per_rating(summary.scale, b.value), b.count as f64));
    let n: f64 = scores().map(|(_, c)| c).sum();
    if n == 0.0 {
        return Spread { count: 0, mean: 0.0, variance: 0.0 };
    }
    let mean = scores().map(|(x, c)| x * c).sum::<f64>() / n;
    let squares: f64 = scores().map(|(x, c)| (x - mean) * (x - mean) * c).sum();
    let variance = if n > 1.0 { squares / (n - 1.0) } else { 0.0 };
    Spread { count: n as u64, mean, variance }
}

/// What a change between two periods is called.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    /// Beyond noise, for the better.
    Better,
    /// Beyond noise, for the worse.
    Worse,
    /// Within noise, or too small to show.
    NoClearChange,
    /// Fewer than `CHANGE_MIN_RATINGS` in one of the periods.
    TooFew,
}

/// A change of a scale's score from the previous period to this one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Change {
    /// This period's score minus the previous one's (the API's scores).
    pub delta: f64,
    /// Whether it is beyond noise.
    pub call: Call,
}

/// Compares a scale's score over two periods by `change_rule()`. Welch's test reads the
/// per-rating scores, so for thumbs and CSAT it is the unpooled two-proportion z-test and for
/// NPS the test of a difference of two three-valued means; with 30 or more ratings a side the
/// t distribution is close enough to the normal that 1.96 is the bound.
pub fn compare(before: &ScaleSummary, now: &ScaleSummary) -> Change {
    let delta = now.score - before.score;
    let (a, b) = (spread(before), spread(now));
    if a.count < CHANGE_MIN_RATINGS || b.count < CHANGE_MIN_RATINGS {
        return Change { delta, call: Call::TooFew };
    }
    let difference = b.mean - a.mean;
    let variance = a.variance / a.count as f64 + b.variance / b.count as f64;
    // Compared squared: no square root in `no_std`. No spread at all (every rating the same,
    // in both periods): any difference is a real one.
    let beyond = if variance == 0.0 { difference != 0.0 } else { difference * difference >= CHANGE_Z * CHANGE_Z * variance };
    // A change the page would print as "0.0" is never coloured, however many ratings.
    let visible = delta.abs() >= shown_step(now.scale) - 1e-9;
    let call = match (beyond && visible, delta > 0.0) {
        (false, _) => Call::NoClearChange,
        (true, true) => Call::Better,
        (true, false) => Call::Worse,
    };
    Change { delta, call }
}

/// A page's place in the ranking.
#[derive(Clone, Debug, PartialEq)]
pub struct RankedPage<'a> {
    /// The page's key (a path, or the page that counts the rest).
    pub page: &'a str,
    /// Its ratings on the ranked scale.
    pub count: u64,
    /// Its own score on it.
    pub score: f64,
    /// The score it is ranked by: its ratings blended with `PRIOR_RATINGS` at the site's score.
    pub adjusted: f64,
}

/// The pages of a summary on one scale, ranked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageRanking<'a> {
    /// Pages with at least `PAGE_MIN_RATINGS` ratings, lowest adjusted score first (the ones
    /// that need attention), ties by more ratings then by path.
    pub ranked: Vec<RankedPage<'a>>,
    /// The pages with fewer, most rated first, then by path.
    pub too_few: Vec<RankedPage<'a>>,
}

/// A score blended with `PRIOR_RATINGS` ratings at `prior` (a Bayesian mean): two ratings of 5
/// barely move a page off the site's score, two hundred carry it to their own.
pub fn adjusted_score(score: f64, count: u64, prior: f64) -> f64 {
    let n = count as f64;
    (PRIOR_RATINGS * prior + n * score) / (PRIOR_RATINGS + n)
}

/// Ranks `pages` by their score on `scale`, shrunk toward `site_score` (the site's score on it
/// over the same period); pages without ratings on the scale are left out.
pub fn rank_pages(pages: &[Slice], scale: Scale, site_score: f64) -> PageRanking<'_> {
    let mut ranking = PageRanking::default();
    // `OTHER_PAGE` gathers many pages' ratings past a day's cap: no one page to fix, so unranked.
    for page in pages.iter().filter(|p| p.key != crate::page::OTHER_PAGE) {
        let Some(s) = page.scores.iter().find(|s| s.scale == scale) else { continue };
        let entry = RankedPage { page: &page.key, count: s.count, score: s.score, adjusted: adjusted_score(s.score, s.count, site_score) };
        if s.count >= PAGE_MIN_RATINGS {
            ranking.ranked.push(entry);
        } else {
            ranking.too_few.push(entry);
        }
    }
    ranking.ranked.sort_by(|a, b| a.adjusted.total_cmp(&b.adjusted).then(b.count.cmp(&a.count)).then(a.page.cmp(b.page)));
    ranking.too_few.sort_by(|a, b| b.count.cmp(&a.count).then(a.page.cmp(b.page)));
    ranking
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::Aggregate;
    use crate::aggregate::Tally;
    use crate::scale::Rating;
    use crate::summary::Score;

    fn summary_of(scale: Scale, values: &[(u8, u64)]) -> ScaleSummary {
        let mut a = Aggregate::default();
        for &(value, n) in values {
            let rating = Rating::new(scale, i64::from(value)).expect("a value on the scale");
            a.add_tally(rating, Tally { ratings: n, comments: 0 });
        }
        a.scale_summary(scale).expect("ratings")
    }

    fn page(key: &str, scale: Scale, count: u64, score: f64) -> Slice {
        Slice { key: key.into(), count, comments: 0, scores: alloc::vec![Score { scale, count, score }] }
    }

    #[test]
    fn the_mean_of_per_rating_scores_is_each_scales_headline_worked_by_hand() {
        let cases = [
            // (3·1 + 5·4 + 9·5) / 17 stars.
            (Scale::Stars, alloc::vec![(1, 3), (4, 5), (5, 9)], 4.0),
            // (4·2 + 1·3) / 5 faces.
            (Scale::Emoji, alloc::vec![(2, 4), (3, 1)], 2.2),
            // 7 of 10 up.
            (Scale::Thumbs, alloc::vec![(0, 3), (1, 7)], 70.0),
            // 8 of 10 rated 4 or 5.
            (Scale::Csat, alloc::vec![(2, 2), (4, 3), (5, 5)], 80.0),
            // 11 promoters and 5 detractors of 20.
            (Scale::Nps, alloc::vec![(0, 2), (6, 3), (7, 4), (9, 5), (10, 6)], 30.0),
        ];
        for (scale, values, by_hand) in cases {
            let s = summary_of(scale, &values);
            let spread = spread(&s);
            assert_eq!(spread.count, s.count);
            assert_eq!(s.score, by_hand, "{scale:?}: the summary's score");
            assert!((spread.mean - by_hand).abs() < 1e-9, "{scale:?}: {} vs {by_hand}", spread.mean);
        }
    }

    #[test]
    fn a_few_perfect_ratings_do_not_outrank_many_good_ones() {
        let pages = [page("/two-fives", Scale::Stars, 2, 5.0), page("/popular", Scale::Stars, 200, 4.6), page("/weak", Scale::Stars, 20, 3.0)];
        let ranking = rank_pages(&pages, Scale::Stars, 4.4);
        let ranked: Vec<&str> = ranking.ranked.iter().map(|p| p.page).collect();
        assert_eq!(ranked, ["/weak", "/popular"], "lowest first; the 2-rating page is not ranked");
        assert_eq!(ranking.too_few.len(), 1);
        assert_eq!(ranking.too_few[0].page, "/two-fives");
        // Even ranked, two fives barely leave the site's score; 200 ratings carry the page.
        assert!(adjusted_score(5.0, 2, 4.4) < adjusted_score(4.6, 200, 4.4));
    }

    #[test]
    fn the_adjusted_score_moves_from_the_site_score_to_the_page_score() {
        assert_eq!(adjusted_score(1.0, 0, 4.0), 4.0);
        assert_eq!(adjusted_score(2.0, 10, 4.0), 3.0);
        assert!((adjusted_score(2.0, 100_000, 4.0) - 2.0).abs() < 0.001);
    }

    #[test]
    fn the_many_pages_past_a_days_cap_are_never_ranked_as_one() {
        let pages = [page(crate::page::OTHER_PAGE, Scale::Stars, 500, 1.2), page("/docs", Scale::Stars, 50, 4.0)];
        let ranking = rank_pages(&pages, Scale::Stars, 3.0);
        assert_eq!((ranking.ranked.len(), ranking.too_few.len(), ranking.ranked[0].page), (1, 0, "/docs"));
    }

    #[test]
    fn a_page_without_ratings_on_the_scale_is_left_out() {
        let pages = [page("/nps-only", Scale::Nps, 50, 20.0), page("/stars", Scale::Stars, 5, 4.0)];
        let ranking = rank_pages(&pages, Scale::Stars, 4.0);
        assert_eq!(ranking.ranked.len() + ranking.too_few.len(), 1);
        assert_eq!(ranking.ranked[0].page, "/stars", "five ratings is enough");
    }

    #[test]
    fn a_change_within_noise_is_not_called() {
        // 1 to 5 ten times each (3.0) against 50 ratings of 3.14: a change that shows (0.14, over
        // the 0.1 step), so only the noise rule keeps it grey (z ≈ 0.5).
        let before = summary_of(Scale::Stars, &[(1, 10), (2, 10), (3, 10), (4, 10), (5, 10)]);
        let now = summary_of(Scale::Stars, &[(1, 10), (2, 10), (3, 10), (4, 3), (5, 17)]);
        let change = compare(&before, &now);
        assert!(change.delta >= 0.1, "the change shows: {change:?}");
        assert_eq!(change.call, Call::NoClearChange);
    }

    #[test]
    fn a_change_beyond_noise_is_called_either_way() {
        let before = summary_of(Scale::Stars, &[(1, 10), (2, 10), (3, 10), (4, 10), (5, 10)]);
        let now = summary_of(Scale::Stars, &[(4, 20), (5, 30)]);
        let change = compare(&before, &now);
        assert_eq!(change.call, Call::Better, "{change:?}");
        assert_eq!(compare(&now, &before).call, Call::Worse);
    }

    #[test]
    fn too_few_ratings_are_never_called() {
        let before = summary_of(Scale::Thumbs, &[(0, 29)]);
        let now = summary_of(Scale::Thumbs, &[(1, 29)]);
        let change = compare(&before, &now);
        assert_eq!((change.call, change.delta), (Call::TooFew, 100.0));
    }

    #[test]
    fn a_change_that_shows_as_zero_is_never_coloured() {
        // Every rating a 5 before and after: no spread, no difference.
        let same = summary_of(Scale::Stars, &[(5, 1000)]);
        assert_eq!(compare(&same, &same), Change { delta: 0.0, call: Call::NoClearChange });
        // 50.0% against 50.4% thumbs up over a million ratings each is beyond noise (z ≈ 2.8)
        // but prints as "0" points: not coloured.
        let before = summary_of(Scale::Thumbs, &[(0, 500_000), (1, 500_000)]);
        let now = summary_of(Scale::Thumbs, &[(0, 498_000), (1, 502_000)]);
        let change = compare(&before, &now);
        assert!(change.delta.abs() < 1.0, "{change:?}");
        assert_eq!(change.call, Call::NoClearChange);
    }

    #[test]
    fn nps_and_csat_use_their_per_rating_scores() {
        assert_eq!([0, 6, 7, 8, 9, 10].map(|v| per_rating(Scale::Nps, v)), [-100.0, -100.0, 0.0, 0.0, 100.0, 100.0]);
        assert_eq!([1, 3, 4, 5].map(|v| per_rating(Scale::Csat, v)), [0.0, 0.0, 100.0, 100.0]);
        let before = summary_of(Scale::Nps, &[(0, 40), (10, 40)]);
        let now = summary_of(Scale::Nps, &[(0, 10), (10, 70)]);
        assert_eq!(compare(&before, &now).call, Call::Better);
    }
}
