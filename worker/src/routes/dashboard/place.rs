//! Where the owner is in the app (the site, the range of days, the page drilled into): parsed
//! once from the view's query string, and written back into the links the page offers, so that
//! every view is a URL to bookmark and the back button walks through them.

use sayso_core::{format_day, parse_day, PagePath, SiteId, OTHER_PAGE};

use crate::http::Failure;

/// The range of days the owner picked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Range {
    /// The last so many days, today included.
    Days(i64),
    /// From one day to another, both included.
    Custom,
}

/// A view of the dashboard.
#[derive(Clone, Debug)]
pub struct Place {
    /// The site.
    pub site: SiteId,
    /// How the range was asked for.
    pub range: Range,
    /// First day counted (days since 1970-01-01, UTC).
    pub from: i64,
    /// Last day counted.
    pub to: i64,
    /// The one page drilled into; `None`: the whole site.
    pub page: Option<String>,
    /// The attribute whose values break the ratings down (`by`), if one is chosen.
    pub by: Option<String>,
}

impl Place {
    /// `site=…&days=7|30|90` or `&from=…&to=…`, and `&page=…`; `today` ends a range of days.
    pub fn parse(url: &worker::Url, today: i64) -> Result<Place, Failure> {
        let bad = |what: &str| Failure::InvalidQuery(what.to_owned());
        let (mut site, mut days, mut from, mut to, mut page, mut by) = (None, 30i64, None, None, None, None);
        for (name, value) in url.query_pairs() {
            match name.as_ref() {
                "site" => site = Some(SiteId::parse(&value).map_err(|_| Failure::SiteNotFound)?),
                "days" => days = value.parse().ok().filter(|d| (1..=366).contains(d)).ok_or_else(|| bad("days must be 1 to 366"))?,
                "from" => from = Some(parse_day(&value).ok_or_else(|| bad("from must be YYYY-MM-DD"))?),
                "to" => to = Some(parse_day(&value).ok_or_else(|| bad("to must be YYYY-MM-DD"))?),
                // `(other)`: the page that counts the pages past a day's cap, as the API names it.
                "page" if value == OTHER_PAGE => page = Some(OTHER_PAGE.to_owned()),
                "page" => page = Some(PagePath::parse(&value)?.as_str().to_owned()),
                "by" if sayso_core::attributes::key_ok(&value) => by = Some(value.into_owned()),
                "by" => return Err(bad("by must be an attribute's key")),
                _ => {}
            }
        }
        let site = site.ok_or(Failure::SiteNotFound)?;
        let (range, from, to) = match (from, to) {
            (Some(f), Some(t)) if f <= t => (Range::Custom, f, t),
            (Some(_), Some(_)) => return Err(bad("from must not be after to")),
            _ => (Range::Days(days), today - days + 1, today),
        };
        Ok(Place { site, range, from, to, page, by })
    }

    /// Days in the range (the previous period is as long, just before it).
    pub fn span(&self) -> i64 {
        self.to - self.from + 1
    }

    /// The dashboard's address (a query string relative to `/dashboard`) for this range and
    /// `page`; the site is not in it: it is the signed-in one.
    pub fn link(&self, page: Option<&str>) -> String {
        let mut query = match self.range {
            Range::Days(days) => format!("?days={days}"),
            Range::Custom => format!("?from={}&to={}", format_day(self.from), format_day(self.to)),
        };
        if let Some(page) = page {
            query.push_str("&page=");
            query.push_str(&encode(page));
        }
        query
    }
}

/// Percent-encodes a query value: everything but the unreserved characters and `/`.
pub(super) fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(char::from(byte)),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}
