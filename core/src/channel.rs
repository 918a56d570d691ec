//! The summary's breakdown by channel: `web` (the widget) and each rating link's campaign
//! (`link.rs`). The store keeps counts for the campaigns only; `web` is the site's counts less
//! theirs, exactly (counts subtract as they add: `Aggregate` is a monoid of whole numbers).

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::aggregate::{Aggregate, Tally};
use crate::link::WEB_CHANNEL;
use crate::scale::{Rating, Scale};
use crate::summary::ScaleSummary;

/// One channel's numbers in a summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelSummary {
    /// `web` or a campaign.
    pub channel: String,
    /// Ratings counted on it, all scales.
    pub total: u64,
    /// Those that came with a comment.
    pub comments: u64,
    /// One entry per scale with ratings on it.
    pub scales: Vec<ScaleSummary>,
}

/// The most values a breakdown lists (the rest are counted in `values_total`), so a key with
/// thousands of values (an app's builds) still answers in a few KB.
pub const BREAKDOWN_VALUES_MAX: usize = 20;

/// One value of the breakdown's attribute in a summary (`?by=KEY`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ValueSummary {
    /// The attribute's value.
    pub value: String,
    /// Ratings counted with it, all scales.
    pub total: u64,
    /// Those that came with a comment.
    pub comments: u64,
    /// One entry per scale with ratings on it.
    pub scales: Vec<ScaleSummary>,
}

/// A summary's ratings by the values of one attribute (`attributes.rs`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttributeBreakdown {
    /// The attribute's key.
    pub key: String,
    /// Its values, most rated first (ties by value), at most `BREAKDOWN_VALUES_MAX`.
    pub values: Vec<ValueSummary>,
    /// How many values have ratings in the range.
    pub values_total: u64,
    /// The ratings sent without this attribute (`value` empty); absent when there are none.
    pub unset: Option<ValueSummary>,
}

/// The channels of a summary: `web` first (if it has ratings), then the campaigns by name.
/// `site` is the site's counts per rating over the range; `campaigns` each campaign's, over the
/// same range. A campaign's count above the site's (never, with counts kept in one
/// transaction) leaves `web` at zero rather than wrapping.
pub fn channels(site: &[(Rating, Tally)], campaigns: &[(String, Rating, Tally)]) -> Vec<ChannelSummary> {
    let (web, by_campaign) = split(site, campaigns);
    core::iter::once((WEB_CHANNEL, web))
        .chain(by_campaign)
        .filter_map(|(channel, counts)| {
            let (total, comments, scales) = numbers(&counts)?;
            Some(ChannelSummary { channel: channel.into(), total, comments, scales })
        })
        .collect()
}

/// The breakdown of a summary by attribute `key`: `values` are each value's counts per rating
/// over the range (a submission holds at most one value of a key), and the unset ratings are
/// the site's less theirs, as `web` is in `channels`.
pub fn breakdown(key: &str, site: &[(Rating, Tally)], values: &[(String, Rating, Tally)]) -> AttributeBreakdown {
    let of = |value: &str, counts: &Aggregate| {
        numbers(counts).map(|(total, comments, scales)| ValueSummary { value: value.into(), total, comments, scales })
    };
    let (unset, by_value) = split(site, values);
    let mut listed: Vec<ValueSummary> = by_value.iter().filter_map(|(value, counts)| of(value, counts)).collect();
    listed.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.value.cmp(&b.value)));
    let values_total = listed.len() as u64;
    listed.truncate(BREAKDOWN_VALUES_MAX);
    AttributeBreakdown { key: key.into(), values: listed, values_total, unset: of("", &unset) }
}

/// The site's counts less the parts', and each part's.
fn split<'a>(site: &[(Rating, Tally)], parts: &'a [(String, Rating, Tally)]) -> (Aggregate, BTreeMap<&'a str, Aggregate>) {
    let mut rest: BTreeMap<Rating, Tally> = BTreeMap::new();
    for (rating, tally) in site {
        let entry = rest.entry(*rating).or_default();
        entry.ratings += tally.ratings;
        entry.comments += tally.comments;
    }
    let mut by_part: BTreeMap<&str, Aggregate> = BTreeMap::new();
    for (part, rating, tally) in parts {
        by_part.entry(part.as_str()).or_default().add_tally(*rating, *tally);
        let entry = rest.entry(*rating).or_default();
        entry.ratings = entry.ratings.saturating_sub(tally.ratings);
        entry.comments = entry.comments.saturating_sub(tally.comments);
    }
    let mut rest_counts = Aggregate::default();
    for (rating, tally) in rest {
        rest_counts.add_tally(rating, tally);
    }
    (rest_counts, by_part)
}

/// Ratings, comments and the scales' numbers of `counts`, or `None` when it has no ratings.
fn numbers(counts: &Aggregate) -> Option<(u64, u64, Vec<ScaleSummary>)> {
    let scales: Vec<ScaleSummary> = Scale::ALL.into_iter().filter_map(|s| counts.scale_summary(s)).collect();
    let total = scales.iter().map(|s| s.count).sum();
    (total > 0).then(|| (total, scales.iter().map(|s| s.comments).sum(), scales))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rating(scale: Scale, value: i64) -> Rating {
        Rating::new(scale, value).expect("a rating")
    }

    #[test]
    fn web_is_the_site_less_its_campaigns() {
        let nine = rating(Scale::Nps, 9);
        let site = [(nine, Tally { ratings: 5, comments: 2 }), (rating(Scale::Thumbs, 1), Tally { ratings: 3, comments: 0 })];
        let campaigns = [("email".into(), nine, Tally { ratings: 2, comments: 1 }), ("qr".into(), nine, Tally { ratings: 3, comments: 1 })];
        let channels = channels(&site, &campaigns);
        let names: Vec<&str> = channels.iter().map(|c| c.channel.as_str()).collect();
        assert_eq!(names, ["web", "email", "qr"]);
        assert_eq!((channels[0].total, channels[0].comments), (3, 0), "web has only the thumbs");
        assert_eq!(channels[0].scales.len(), 1);
        assert_eq!((channels[1].total, channels[1].comments), (2, 1));
        assert_eq!(channels.iter().map(|c| c.total).sum::<u64>(), 8, "every rating in exactly one channel");
    }

    #[test]
    fn a_breakdown_lists_the_most_rated_values_and_what_was_unset() {
        let five = rating(Scale::Stars, 5);
        let site = [(five, Tally { ratings: 30, comments: 4 })];
        let mut values: Vec<(String, Rating, Tally)> = (0..25).map(|n| (format!("v{n:02}"), five, Tally { ratings: 1, comments: 0 })).collect();
        values.push(("pro".into(), five, Tally { ratings: 3, comments: 2 }));
        let breakdown = breakdown("plan", &site, &values);
        assert_eq!(breakdown.values_total, 26);
        assert_eq!(breakdown.values.len(), BREAKDOWN_VALUES_MAX);
        assert_eq!((breakdown.values[0].value.as_str(), breakdown.values[0].total, breakdown.values[0].comments), ("pro", 3, 2));
        assert_eq!(breakdown.values[1].value, "v00", "ties by value");
        let unset = breakdown.unset.expect("two ratings had no plan");
        assert_eq!((unset.total, unset.comments), (2, 2));
        assert_eq!(super::breakdown("plan", &site[..0], &[]).unset, None);
    }

    #[test]
    fn no_ratings_no_channels() {
        assert!(channels(&[], &[]).is_empty());
    }
}
