//! The summary the dashboard shows (`GET /v1/sites/{site}/summary`): per scale, per day, per page.

use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::scale::Scale;

/// `GET /v1/sites/{site}/summary`: every number the dashboard shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The site id.
    pub site: String,
    /// First day counted (UTC, `YYYY-MM-DD`), if the request limited it.
    pub from: Option<String>,
    /// Last day counted, if the request limited it.
    pub to: Option<String>,
    /// The one page counted, if the request limited it.
    pub page: Option<String>,
    /// Ratings counted, all scales.
    pub total: u64,
    /// Ratings that came with a comment.
    pub comments: u64,
    /// One entry per scale that has ratings.
    pub scales: Vec<ScaleSummary>,
    /// One entry per day with ratings, oldest first.
    pub days: Vec<Slice>,
    /// One entry per page with ratings, most rated first.
    pub pages: Vec<Slice>,
    /// The page with the best score on the main scale (the one with most ratings).
    pub best_page: Option<String>,
    /// The page that needs attention: the worst score on the main scale.
    pub worst_page: Option<String>,
}

/// The headline numbers of one day or one page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Slice {
    /// The day (`YYYY-MM-DD`) or the page path.
    pub key: String,
    /// Ratings, all scales.
    pub count: u64,
    /// Of those, with a comment.
    pub comments: u64,
    /// Per scale with ratings: its headline score (see `ScaleSummary::score`).
    pub scores: Vec<Score>,
}

/// A scale's headline score within a slice.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// The scale.
    pub scale: Scale,
    /// Ratings on it.
    pub count: u64,
    /// Mean stars or faces, % thumbs up, NPS, or CSAT %.
    pub score: f64,
}

/// The numbers for one scale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScaleSummary {
    /// Which scale.
    pub scale: Scale,
    /// Ratings on it.
    pub count: u64,
    /// Of those, with a comment.
    pub comments: u64,
    /// Mean value (for thumbs: the share of thumbs up).
    pub mean: f64,
    /// The one number to show: mean stars or faces (1–5), % thumbs up (0–100), NPS (-100–100),
    /// or for `csat` the CSAT % (share of 4 and 5).
    pub score: f64,
    /// Five-point scales (stars, emoji, csat): % of ratings that are 4 or 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csat: Option<f64>,
    /// Count per value, every value of the scale, lowest first.
    pub histogram: Vec<Bucket>,
    /// For the NPS scale only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nps: Option<Nps>,
}

/// One bar of a histogram.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    /// The rating value.
    pub value: u8,
    /// How many.
    pub count: u64,
}

/// Net Promoter Score: % promoters (9–10) minus % detractors (0–6), from -100 to 100.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Nps {
    /// The score.
    pub score: f64,
    /// Ratings of 9 or 10.
    pub promoters: u64,
    /// Ratings of 7 or 8.
    pub passives: u64,
    /// Ratings of 0 to 6.
    pub detractors: u64,
}
