//! A submission's JSON, written by hand (`SubmissionWire::to_json`, `Submission::to_json`) so the
//! widget ships no JSON library; tested equal to serde's output (`submission.rs`' tests and the
//! property tests).

use alloc::string::String;

use crate::attributes::AttributesWire;
use crate::authorship::AuthorKey;
use crate::json::{push_int, push_json_str};
use crate::submission::{Submission, SubmissionWire};
use crate::validate::Comment;

impl SubmissionWire {
    /// The same JSON as `serde_json::to_string(self)`, written by hand so the widget ships no
    /// JSON library (tested equal to serde's output).
    pub fn to_json(&self) -> String {
        let texts = [&self.id, &self.site, &self.scale].map(String::as_str);
        let rest = [&self.page, &self.locale, &self.widget_version].map(String::as_str);
        let members = match &self.attributes {
            Some(AttributesWire::Object(pairs)) => crate::attributes::members_of(pairs),
            _ => String::new(),
        };
        write_json(
            texts,
            self.value,
            self.comment.as_deref(),
            rest,
            (self.client_ts, self.rev, self.key.as_deref()),
            (self.trap.as_deref(), self.dwell_ms, self.turnstile.as_deref()),
            match &self.attributes {
                Some(AttributesWire::Object(_)) => Written::Members(&members),
                Some(AttributesWire::Element(text)) => Written::Element(text),
                None => Written::None,
            },
        )
    }
}

/// The `attributes` `write_json` writes (`AttributesWire`'s two forms).
enum Written<'a> {
    /// An object, by its members.
    Members(&'a str),
    /// The element's text.
    Element(&'a str),
    None,
}

/// The one JSON writer behind `SubmissionWire::to_json` and `Submission::to_json`.
fn write_json(
    id_site_scale: [&str; 3],
    value: i64,
    comment: Option<&str>,
    page_locale_version: [&str; 3],
    (client_ts, rev, key): (i64, u32, Option<&str>),
    spam: (Option<&str>, Option<u32>, Option<&str>),
    attributes: Written,
) -> String {
    let [id, site, scale] = id_site_scale;
    let [page, locale, widget_version] = page_locale_version;
    let mut out = String::with_capacity(256);
    out.push_str("{\"id\":");
    push_json_str(&mut out, id);
    out.push_str(",\"site\":");
    push_json_str(&mut out, site);
    out.push_str(",\"scale\":");
    push_json_str(&mut out, scale);
    out.push_str(",\"value\":");
    push_int(&mut out, value);
    if let Some(comment) = comment {
        out.push_str(",\"comment\":");
        push_json_str(&mut out, comment);
    }
    out.push_str(",\"page\":");
    push_json_str(&mut out, page);
    out.push_str(",\"locale\":");
    push_json_str(&mut out, locale);
    out.push_str(",\"client_ts\":");
    push_int(&mut out, client_ts);
    out.push_str(",\"widget_version\":");
    push_json_str(&mut out, widget_version);
    out.push_str(",\"rev\":");
    push_int(&mut out, i64::from(rev));
    if let Some(key) = key {
        out.push_str(",\"key\":");
        push_json_str(&mut out, key);
    }
    if let Some(trap) = spam.0 {
        out.push_str(",\"trap\":");
        push_json_str(&mut out, trap);
    }
    if let Some(dwell) = spam.1 {
        out.push_str(",\"dwell_ms\":");
        push_int(&mut out, i64::from(dwell));
    }
    if let Some(token) = spam.2 {
        out.push_str(",\"turnstile\":");
        push_json_str(&mut out, token);
    }
    match attributes {
        Written::Members(members) => {
            out.push_str(",\"attributes\":{");
            out.push_str(members);
            out.push('}');
        }
        Written::Element(text) => {
            out.push_str(",\"attributes\":");
            push_json_str(&mut out, text);
        }
        Written::None => {}
    }
    out.push('}');
    out
}

impl Submission {
    /// `to_wire().to_json()` without building the wire form first.
    pub fn to_json(&self) -> String {
        self.to_json_with("")
    }

    /// `to_json`, with the element's attributes text (`attrs`, as the page wrote it) as the
    /// submission's `attributes` when it has none of its own: what the widget sends, for the
    /// edge to check (`AttributesWire::Element`).
    pub fn to_json_with(&self, element_attributes: &str) -> String {
        let texts = [self.id.as_str(), self.site.as_str(), self.rating.scale().as_str()];
        let rest = [self.page.as_str(), self.locale.as_str(), self.widget_version.as_str()];
        write_json(
            texts,
            i64::from(self.rating.value()),
            self.comment.as_ref().map(Comment::as_str),
            rest,
            (self.client_ts, self.rev, self.key.as_ref().map(AuthorKey::as_str)),
            (self.trap.as_deref(), self.dwell_ms, self.turnstile.as_deref()),
            match (self.attributes.members(), element_attributes) {
                ("", "") => Written::None,
                ("", text) => Written::Element(text),
                (members, _) => Written::Members(members),
            },
        )
    }
}
