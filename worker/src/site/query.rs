//! The owner's read filters (`GET …/summary`, `GET …/feedback`): parsed once from the query
//! string at the route, handed to the object typed.

use sayso_core::{PageCursor, PagePath, PagesWindow, Scale, Status, SubmissionId, Tag, OTHER_PAGE, SUMMARY_PAGES_MAX};
use serde::{Deserialize, Serialize};

use crate::http::Failure;

/// The most items one page may hold (exports read in pages of this size).
pub const FEEDBACK_PAGE_MAX: i64 = 1000;

/// The filters of `GET …/summary`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SummaryQuery {
    /// First day counted (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Last day counted.
    pub to: Option<String>,
    /// The one page counted.
    pub page: Option<String>,
    /// Which of the ranked pages are listed (`pages_limit`, `pages_cursor`).
    #[serde(default)]
    pub pages: PagesWindow,
    /// The attribute whose values break the ratings down (`by`, a key: `attributes.rs`).
    #[serde(default)]
    pub by: Option<String>,
}

impl SummaryQuery {
    /// `from`, `to`, `page`, `pages_limit` and `pages_cursor` from a query string; anything
    /// else is refused.
    pub fn parse(url: &worker::Url) -> Result<SummaryQuery, Failure> {
        let bad = |what: &str| Failure::InvalidQuery(what.to_owned());
        let mut query = SummaryQuery::default();
        for (name, value) in url.query_pairs() {
            match name.as_ref() {
                "from" => query.from = Some(day(&value)?),
                "to" => query.to = Some(day(&value)?),
                "page" if value == OTHER_PAGE => query.page = Some(OTHER_PAGE.to_owned()),
                "page" => query.page = Some(PagePath::parse(&value)?.as_str().to_owned()),
                "pages_limit" => {
                    query.pages.limit = value
                        .parse()
                        .ok()
                        .filter(|n| (0..=SUMMARY_PAGES_MAX).contains(n))
                        .ok_or_else(|| bad(&format!("pages_limit must be 0 to {SUMMARY_PAGES_MAX}")))?
                }
                "pages_cursor" => {
                    query.pages.after = Some(PageCursor::parse(&value).ok_or_else(|| bad("pages_cursor is not one this API gave out"))?)
                }
                "by" if sayso_core::attributes::key_ok(&value) => query.by = Some(value.into_owned()),
                "by" => return Err(bad("by must be an attribute's key: 1 to 24 of a-z, 0-9 and _, a letter first")),
                _ => return Err(bad(&format!("unknown parameter {name:?}: use from, to, page, pages_limit, pages_cursor, by"))),
            }
        }
        Ok(query)
    }
}

/// The filters of `GET …/feedback`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FeedbackQuery {
    /// Where the previous page ended.
    pub cursor: Option<ListCursor>,
    /// The oldest submission listed, inclusive (an export call's last row; never from a URL).
    #[serde(default)]
    pub until: Option<ListCursor>,
    /// At most this many items (1 to `FEEDBACK_PAGE_MAX`).
    pub limit: i64,
    /// Lowest value.
    pub min: Option<i64>,
    /// Highest value.
    pub max: Option<i64>,
    /// One page path.
    pub page: Option<String>,
    /// With (or without) a comment.
    pub has_comment: Option<bool>,
    /// Text the comment contains.
    pub q: Option<String>,
    /// The owner's triage status.
    #[serde(default)]
    pub status: Option<Status>,
    /// One of the owner's tags.
    #[serde(default)]
    pub tag: Option<Tag>,
    /// The first day (`YYYY-MM-DD`, UTC) a submission arrived on, as days since 1970.
    #[serde(default)]
    pub from: Option<i64>,
    /// The last day, inclusive.
    #[serde(default)]
    pub to: Option<i64>,
    /// One scale.
    #[serde(default)]
    pub scale: Option<Scale>,
    /// Replied to, replied and not yet seen, or answered by the visitor (`replies.rs`).
    #[serde(default)]
    pub reply: Option<sayso_core::reply::ReplyFilter>,
    /// Only quotes in this review state (`quote=pending`: awaiting the owner's approval).
    #[serde(default)]
    pub quote: Option<sayso_core::quote::QuoteState>,
    /// Only submissions whose page gave attribute `.0` the value `.1` (`attribute=plan:pro`).
    #[serde(default)]
    pub attribute: Option<(String, String)>,
}

impl Default for FeedbackQuery {
    fn default() -> FeedbackQuery {
        FeedbackQuery {
            cursor: None,
            until: None,
            limit: 50,
            min: None,
            max: None,
            page: None,
            has_comment: None,
            q: None,
            status: None,
            tag: None,
            from: None,
            to: None,
            scale: None,
            reply: None,
            quote: None,
            attribute: None,
        }
    }
}

impl FeedbackQuery {
    /// The filters from a query string; anything unknown or malformed is refused.
    pub fn parse(url: &worker::Url) -> Result<FeedbackQuery, Failure> {
        let bad = |what: &str| Failure::InvalidQuery(what.to_owned());
        let mut query = FeedbackQuery::default();
        for (name, value) in url.query_pairs() {
            let int = || value.parse::<i64>().map_err(|_| bad(&format!("{name} must be a whole number")));
            match name.as_ref() {
                "cursor" => query.cursor = Some(cursor(&value)?),
                "limit" => {
                    query.limit = int()?;
                    if !(1..=FEEDBACK_PAGE_MAX).contains(&query.limit) {
                        return Err(bad(&format!("limit must be 1 to {FEEDBACK_PAGE_MAX}")));
                    }
                }
                "min" => query.min = Some(int()?),
                "max" => query.max = Some(int()?),
                // `(other)`: the submissions on pages past a day's cap (`PAGES_PER_DAY_MAX`).
                "page" if value == OTHER_PAGE => query.page = Some(OTHER_PAGE.to_owned()),
                "page" => query.page = Some(PagePath::parse(&value)?.as_str().to_owned()),
                "has_comment" => {
                    query.has_comment = Some(match value.as_ref() {
                        "true" => true,
                        "false" => false,
                        _ => return Err(bad("has_comment must be true or false")),
                    })
                }
                "q" => {
                    if value.chars().count() > 200 {
                        return Err(bad("q must be at most 200 characters"));
                    }
                    // No comment holds one (they are taken out on the way in).
                    if value.chars().any(char::is_control) {
                        return Err(bad("q must not contain control characters"));
                    }
                    query.q = Some(value.into_owned());
                }
                "status" => query.status = Some(Status::parse(&value)?),
                "tag" => query.tag = Some(Tag::parse(&value)?),
                "from" => query.from = sayso_core::parse_day(&day(&value)?),
                "to" => query.to = sayso_core::parse_day(&day(&value)?),
                "scale" => query.scale = Some(Scale::parse(&value).ok_or_else(|| bad("scale must be thumbs, stars, emoji, nps or csat"))?),
                "reply" => {
                    query.reply = Some(sayso_core::reply::ReplyFilter::parse(&value).ok_or_else(|| bad("reply must be sent, unseen or followup"))?)
                }
                "quote" => {
                    query.quote =
                        Some(sayso_core::quote::QuoteState::parse(&value).ok_or_else(|| bad("quote must be pending, approved or rejected"))?)
                }
                "attribute" => {
                    let pair = value.split_once(':').filter(|(k, v)| sayso_core::attributes::key_ok(k) && sayso_core::attributes::value_ok(v));
                    let (key, value) = pair.ok_or_else(|| bad("attribute must be key:value, each as the attribute rules allow (plan:pro)"))?;
                    query.attribute = Some((key.to_owned(), value.to_owned()));
                }
                _ => {
                    return Err(bad(&format!(
                        "unknown parameter {name:?}: use cursor, limit, min, max, page, has_comment, q, status, tag, from, to, scale, reply, quote, attribute"
                    )))
                }
            }
        }
        if query.from.zip(query.to).is_some_and(|(from, to)| from > to) {
            return Err(bad("from must not be after to"));
        }
        Ok(query)
    }
}

/// Where a page of submissions ended: what its `next_cursor` names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListCursor {
    /// The last item's `received_at` and id (`{received_at}_{id}`): the list's own order.
    At(i64, String),
    /// The last match's place in the order comments were stored in (`s{n}`): a search's order.
    Stored(i64),
}

impl ListCursor {
    /// The cursor's text, for `next_cursor`.
    pub fn text(&self) -> String {
        match self {
            ListCursor::At(ts, id) => format!("{ts}_{id}"),
            ListCursor::Stored(n) => format!("s{n}"),
        }
    }
}

/// A page's `next_cursor` as the position it names.
pub fn cursor(raw: &str) -> Result<ListCursor, Failure> {
    let foreign = || Failure::InvalidQuery("cursor is not one this API gave out".to_owned());
    if let Some(n) = raw.strip_prefix('s') {
        return n.parse::<i64>().ok().filter(|n| *n > 0).map(ListCursor::Stored).ok_or_else(foreign);
    }
    let (ts, id) = raw.split_once('_').ok_or_else(foreign)?;
    let ts = ts.parse::<i64>().map_err(|_| foreign())?;
    let id = SubmissionId::parse(id).map_err(|_| foreign())?;
    Ok(ListCursor::At(ts, id.as_str().to_owned()))
}

/// A `YYYY-MM-DD` day from a query parameter.
fn day(raw: &str) -> Result<String, Failure> {
    let b = raw.as_bytes();
    let digits = |r: core::ops::Range<usize>| raw.get(r).and_then(|d| d.parse::<u32>().ok());
    let ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && digits(5..7).is_some_and(|m| (1..=12).contains(&m))
        && digits(8..10).is_some_and(|d| (1..=31).contains(&d));
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(Failure::InvalidQuery(format!("{raw:?} is not a day: use YYYY-MM-DD")))
    }
}
