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

/// The channels of a summary: `web` first (if it has ratings), then the campaigns by name.
/// `site` is the site's counts per rating over the range; `campaigns` each campaign's, over the
/// same range. A campaign's count above the site's (never, with counts kept in one
/// transaction) leaves `web` at zero rather than wrapping.
pub fn channels(site: &[(Rating, Tally)], campaigns: &[(String, Rating, Tally)]) -> Vec<ChannelSummary> {
    let mut web: BTreeMap<Rating, Tally> = BTreeMap::new();
    for (rating, tally) in site {
        let entry = web.entry(*rating).or_default();
        entry.ratings += tally.ratings;
        entry.comments += tally.comments;
    }
    let mut by_campaign: BTreeMap<&str, Aggregate> = BTreeMap::new();
    for (campaign, rating, tally) in campaigns {
        by_campaign.entry(campaign.as_str()).or_default().add_tally(*rating, *tally);
        let entry = web.entry(*rating).or_default();
        entry.ratings = entry.ratings.saturating_sub(tally.ratings);
        entry.comments = entry.comments.saturating_sub(tally.comments);
    }
    let mut web_counts = Aggregate::default();
    for (rating, tally) in web {
        web_counts.add_tally(rating, tally);
    }
    core::iter::once((WEB_CHANNEL, web_counts)).chain(by_campaign).filter_map(|(channel, counts)| summary_of(channel, &counts)).collect()
}

/// A channel's numbers, or `None` when it has no ratings.
fn summary_of(channel: &str, counts: &Aggregate) -> Option<ChannelSummary> {
    let scales: Vec<ScaleSummary> = Scale::ALL.into_iter().filter_map(|s| counts.scale_summary(s)).collect();
    let total = scales.iter().map(|s| s.count).sum();
    (total > 0).then(|| ChannelSummary { channel: channel.into(), total, comments: scales.iter().map(|s| s.comments).sum(), scales })
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
    fn no_ratings_no_channels() {
        assert!(channels(&[], &[]).is_empty());
    }
}
