//! The inbox's filters as the address holds them (`?view=inbox&q=…&page=…`): read as typed, so
//! the form shows them back; handed to the API's own parser (`FeedbackQuery::parse`), so a
//! filter means in the inbox exactly what it means on `GET …/feedback`; and written back into
//! the links that page (`Older`, `Newest`).

use maud::{html, Markup};
use sayso_core::{Scale, Status};

use crate::http::Failure;

/// The filters' names, as the API and the address spell them.
const NAMES: [&str; 13] = ["q", "page", "status", "tag", "scale", "min", "max", "has_comment", "from", "to", "quote", "reply", "attribute"];

/// The address's filters, as typed (empty ones dropped), and its cursor.
pub struct Filters {
    values: Vec<(&'static str, String)>,
    /// Where this page starts (an earlier page's `next_cursor`).
    pub cursor: Option<String>,
}

impl Filters {
    /// The filters of the view's address; its other parameters (`site`, `view`) are not theirs.
    pub fn read(url: &worker::Url) -> Filters {
        let mut values = Vec::new();
        let mut cursor = None;
        for (name, value) in url.query_pairs() {
            if value.is_empty() {
                continue;
            }
            if name == "cursor" {
                cursor = Some(value.into_owned());
            } else if let Some(known) = NAMES.iter().find(|n| **n == name) {
                values.push((*known, value.into_owned()));
            }
        }
        Filters { values, cursor }
    }

    /// The value of filter `name`, or "".
    fn get(&self, name: &str) -> &str {
        self.values.iter().find(|(n, _)| *n == name).map_or("", |(_, v)| v.as_str())
    }

    /// The filters (and the cursor) as a `GET …/feedback` query, for the API's parser.
    pub fn api_url(&self) -> Result<worker::Url, Failure> {
        self.url(self.cursor.as_deref())
    }

    /// An address whose query is the filters and `cursor`.
    fn url(&self, cursor: Option<&str>) -> Result<worker::Url, Failure> {
        let mut url = worker::Url::parse("https://inbox.internal/").map_err(|e| Failure::Internal(format!("inbox filters: {e}")))?;
        {
            let mut query = url.query_pairs_mut();
            for (name, value) in &self.values {
                query.append_pair(name, value);
            }
            if let Some(cursor) = cursor {
                query.append_pair("cursor", cursor);
            }
        }
        Ok(url)
    }

    /// The filters and `cursor` as a query string.
    fn query(&self, cursor: Option<&str>) -> String {
        self.url(cursor).ok().and_then(|url| url.query().map(str::to_owned)).unwrap_or_default()
    }

    /// The filters as an export's query (`GET …/export.csv?…`): every page's rows, so no cursor.
    pub fn export_query(&self) -> String {
        self.query(None)
    }

    /// The inbox's address with these filters, starting at `cursor` (none: the newest).
    pub fn link(&self, cursor: Option<&str>) -> String {
        let query = self.query(cursor);
        if query.is_empty() {
            "?view=inbox".into()
        } else {
            format!("?view=inbox&{query}")
        }
    }

    /// The filter form; `inbox.js` turns its values into the address (the page's CSP lets no
    /// form submit itself).
    pub fn form(&self) -> Markup {
        let choice = |name: &str, value: &str| self.get(name) == value;
        html! {
            form #inbox-filters .inbox-filters role="search" aria-label="Filter the inbox" {
                label { "Text " input type="search" name="q" maxlength="200" value=(self.get("q")); }
                label { "Page " input type="text" name="page" placeholder="/path" value=(self.get("page")); }
                label { "Status "
                    select name="status" {
                        option value="" selected[choice("status", "")] { "Any" }
                        @for status in Status::ALL { option value=(status.as_str()) selected[choice("status", status.as_str())] { (status.as_str()) } }
                    }
                }
                label { "Tag " input type="text" name="tag" maxlength="32" pattern="[a-z0-9_\\-]{1,32}" value=(self.get("tag")); }
                label { "Attribute " input type="text" name="attribute" maxlength="65" placeholder="plan:pro" pattern="[a-z][a-z0-9_]{0,23}:[A-Za-z0-9._:\\/+\\-]{1,40}" value=(self.get("attribute")); }
                label { "Scale "
                    select name="scale" {
                        option value="" selected[choice("scale", "")] { "Any" }
                        @for scale in Scale::ALL { option value=(scale.as_str()) selected[choice("scale", scale.as_str())] { (scale.as_str()) } }
                    }
                }
                label { "Lowest value " input type="number" name="min" value=(self.get("min")); }
                label { "Highest value " input type="number" name="max" value=(self.get("max")); }
                label { "Comment "
                    select name="has_comment" {
                        option value="" selected[choice("has_comment", "")] { "With or without" }
                        option value="true" selected[choice("has_comment", "true")] { "With a comment" }
                        option value="false" selected[choice("has_comment", "false")] { "Without" }
                    }
                }
                label { "Quotes "
                    select name="quote" {
                        option value="" selected[choice("quote", "")] { "Any" }
                        option value="pending" selected[choice("quote", "pending")] { "Awaiting approval" }
                        option value="approved" selected[choice("quote", "approved")] { "Approved" }
                        option value="rejected" selected[choice("quote", "rejected")] { "Rejected" }
                    }
                }
                label { "Replies "
                    select name="reply" {
                        option value="" selected[choice("reply", "")] { "Any" }
                        @for (value, name) in super::inbox_replies::filter_choices() { option value=(value) selected[choice("reply", value)] { (name) } }
                    }
                }
                label { "From " input type="date" name="from" value=(self.get("from")); }
                label { "To " input type="date" name="to" value=(self.get("to")); }
                div.filter-actions {
                    button.primary type="submit" { "Filter" }
                    a href="?view=inbox" data-nav { "Clear filters" }
                }
            }
        }
    }
}
