//! The JSON wire format between the widget, the Worker and site owners.
//!
//! `*Wire` types are what arrives, with only JSON's types checked; `validate` turns them into
//! the checked types. Names here are the field names on the wire and in the API reference.

use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

pub use crate::config::WidgetConfig;
use crate::config::ResolvedWidget;
use crate::scale::{Rating, Scale};
use crate::validate::{self, Comment, Locale, Origin, PagePath, SiteId, SubmissionId, ValidationError};

/// The most allowed origins one site may list.
pub const MAX_ORIGINS: usize = 20;

/// A submission as it travels: `POST /v1/sites/{site}/feedback`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmissionWire {
    /// Client-made UUID; the idempotency key.
    pub id: String,
    /// The site id, the same as in the URL.
    pub site: String,
    /// `thumbs`, `stars` or `nps`.
    pub scale: String,
    /// The rating on that scale.
    pub value: i64,
    /// What the visitor wrote, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// `location.pathname` of the page.
    pub page: String,
    /// The language the widget was shown in.
    pub locale: String,
    /// When the visitor clicked, in the browser's clock (ms since 1970).
    pub client_ts: i64,
    /// The widget's version.
    pub widget_version: String,
    /// Edit revision: 0 for the first send, +1 for each change of the same submission.
    #[serde(default)]
    pub rev: u32,
    /// A honeypot: a field people never see. Anything in it marks the sender as a bot, and the
    /// edge answers as if it stored the submission, but does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trap: Option<String>,
    /// Milliseconds from the comment box appearing to the comment being sent; a comment sent
    /// sooner than the site's `limits.min_comment_ms` is refused (`too_fast`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dwell_ms: Option<u32>,
    /// A Cloudflare Turnstile token, for sites that require one with comments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turnstile: Option<String>,
}

/// A checked submission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submission {
    /// The idempotency key.
    pub id: SubmissionId,
    /// The site it belongs to.
    pub site: SiteId,
    /// The rating.
    pub rating: Rating,
    /// The comment, if any.
    pub comment: Option<Comment>,
    /// The page path.
    pub page: PagePath,
    /// The language tag.
    pub locale: Locale,
    /// Client clock, ms since 1970.
    pub client_ts: i64,
    /// Widget version.
    pub widget_version: String,
    /// Edit revision.
    pub rev: u32,
    /// The honeypot's content, if a bot filled it.
    pub trap: Option<String>,
    /// Time spent on the comment (ms), if the sender measured it.
    pub dwell_ms: Option<u32>,
    /// A Turnstile token, if the widget got one.
    pub turnstile: Option<String>,
}

impl SubmissionWire {
    /// Brings the comment to Unicode NFC with the platform's normalizer (browsers and the
    /// Workers runtime both have `String.prototype.normalize`, so neither ships Unicode tables);
    /// the widget does it before sending and the edge again before `validate`.
    pub fn normalize(&mut self, nfc: impl Fn(&str) -> String) {
        if let Some(comment) = &self.comment {
            self.comment = Some(nfc(comment));
        }
    }

    /// Applies every submission rule; the first broken one is the error.
    pub fn validate(&self) -> Result<Submission, ValidationError> {
        let scale = Scale::parse(&self.scale).ok_or_else(|| ValidationError::UnknownScale(self.scale.chars().take(20).collect()))?;
        Ok(Submission {
            id: SubmissionId::parse(&self.id)?,
            site: SiteId::parse(&self.site)?,
            rating: Rating::new(scale, self.value)?,
            comment: match &self.comment {
                Some(text) => Comment::parse(text)?,
                None => None,
            },
            page: PagePath::parse(&self.page)?,
            locale: Locale::parse(&self.locale)?,
            client_ts: validate::client_timestamp(self.client_ts)?,
            widget_version: validate::widget_version(&self.widget_version)?,
            rev: self.rev,
            trap: self.trap.clone().filter(|t| !t.is_empty()),
            dwell_ms: self.dwell_ms,
            turnstile: self.turnstile.clone().filter(|t| !t.is_empty() && t.len() <= 4096),
        })
    }
}

impl SubmissionWire {
    /// The same JSON as `serde_json::to_string(self)`, written by hand so the widget ships no
    /// JSON library (tested equal to serde's output).
    pub fn to_json(&self) -> String {
        let texts = [&self.id, &self.site, &self.scale].map(String::as_str);
        let rest = [&self.page, &self.locale, &self.widget_version].map(String::as_str);
        write_json(texts, self.value, self.comment.as_deref(), rest, self.client_ts, self.rev, (self.trap.as_deref(), self.dwell_ms, self.turnstile.as_deref()))
    }
}

/// The one JSON writer behind `SubmissionWire::to_json` and `Submission::to_json`.
fn write_json(id_site_scale: [&str; 3], value: i64, comment: Option<&str>, page_locale_version: [&str; 3], client_ts: i64, rev: u32, spam: (Option<&str>, Option<u32>, Option<&str>)) -> String {
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
    out.push('}');
    out
}

/// Appends `text` as a JSON string, escaped exactly as serde_json escapes it.
fn push_json_str(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(char::from(HEX_DIGITS[(c as usize) >> 4]));
                out.push(char::from(HEX_DIGITS[(c as usize) & 0xf]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Appends an integer in decimal (without `core::fmt`, which the widget avoids for size; and
/// without indexing, whose panic messages would bring it back).
pub fn push_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    let rest = n.unsigned_abs();
    let mut power = 1u64;
    // `power * 10 <= rest` without overflow (or 128-bit multiplication).
    while power <= rest / 10 {
        power *= 10;
    }
    while power > 0 {
        out.push(char::from(b'0' + (rest / power % 10) as u8));
        power /= 10;
    }
}

impl Submission {
    /// `to_wire().to_json()` without building the wire form first.
    pub fn to_json(&self) -> String {
        let texts = [self.id.as_str(), self.site.as_str(), self.rating.scale().as_str()];
        let rest = [self.page.as_str(), self.locale.as_str(), self.widget_version.as_str()];
        write_json(texts, i64::from(self.rating.value()), self.comment.as_ref().map(Comment::as_str), rest, self.client_ts, self.rev, (self.trap.as_deref(), self.dwell_ms, self.turnstile.as_deref()))
    }

    /// Whether a bot filled the honeypot.
    pub fn is_trapped(&self) -> bool {
        self.trap.is_some()
    }

    /// The spam rule for comments: one sent sooner than `limits.min_comment_ms` after its box
    /// appeared (or without saying when) was not typed by a person.
    pub fn check_pace(&self, limits: &Limits) -> Result<(), ValidationError> {
        if self.comment.is_some() && self.dwell_ms.unwrap_or(0) < limits.min_comment_ms {
            return Err(ValidationError::TooFast);
        }
        Ok(())
    }

    /// The wire form; `to_wire().validate()` gives back the same submission.
    pub fn to_wire(&self) -> SubmissionWire {
        SubmissionWire {
            id: self.id.as_str().to_owned(),
            site: self.site.as_str().to_owned(),
            scale: self.rating.scale().as_str().to_owned(),
            value: i64::from(self.rating.value()),
            comment: self.comment.as_ref().map(|c| c.as_str().to_owned()),
            page: self.page.as_str().to_owned(),
            locale: self.locale.as_str().to_owned(),
            client_ts: self.client_ts,
            widget_version: self.widget_version.clone(),
            rev: self.rev,
            trap: self.trap.clone(),
            dwell_ms: self.dwell_ms,
            turnstile: self.turnstile.clone(),
        }
    }
}

/// What happened to a submission; the body of a 2xx answer to `POST …/feedback`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitOutcome {
    /// The submission id.
    pub id: String,
    /// What the edge did with it.
    pub status: SubmitStatus,
    /// Lets the visitor delete their own submission: `DELETE …/feedback/{id}` with
    /// `Authorization: Receipt <receipt>`. The same for every answer about this id.
    pub receipt: String,
}

/// The fate of one send.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmitStatus {
    /// First time this id was seen: stored and counted (HTTP 201).
    Created,
    /// The same id and content again: nothing changed (HTTP 200).
    Duplicate,
    /// A newer revision of the same id: the counts moved from the old rating to the new (200).
    Updated,
    /// An older revision arrived after a newer one: ignored (200).
    Superseded,
}

/// A site's public configuration: `GET /v1/sites/{site}/config`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteConfig {
    /// The site id.
    pub site: String,
    /// What the widget shows, in the visitor's language.
    pub widget: ResolvedWidget,
}

/// The body of `POST /v1/sites` (admin).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSite {
    /// A chosen id; a random one when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// A name for people.
    pub name: String,
    /// Origins whose pages may send feedback, e.g. `https://example.com`.
    pub origins: Vec<String>,
    /// What the widget shows.
    #[serde(default)]
    pub widget: WidgetConfig,
    /// How many new submissions a visitor and the whole site may send.
    #[serde(default)]
    pub limits: Limits,
}

/// Rate limits for new submissions (token buckets in the site's object); 0 turns one off.
/// Resends and edits of a submission already stored are never limited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Per visitor (a daily-salted hash of IP and user agent), per minute, as a burst too.
    pub visitor_per_minute: u32,
    /// For the whole site, per minute.
    pub site_per_minute: u32,
    /// Skip the per-visitor hash when the browser sends `Sec-GPC: 1` or `DNT: 1`.
    pub honor_gpc: bool,
    /// A comment must come at least this many ms after its box appeared (people read and
    /// type; bots post at once). 0 turns the check off.
    pub min_comment_ms: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { visitor_per_minute: 10, site_per_minute: 600, honor_gpc: true, min_comment_ms: 1500 }
    }
}

/// A checked `NewSite`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteSettings {
    /// The chosen id, if any.
    pub id: Option<SiteId>,
    /// The name.
    pub name: String,
    /// Allowed origins, 1 to `MAX_ORIGINS`, without repeats.
    pub origins: Vec<Origin>,
    /// Widget configuration.
    pub widget: WidgetConfig,
    /// Rate limits.
    pub limits: Limits,
}

impl NewSite {
    /// Applies the site rules.
    pub fn validate(&self) -> Result<SiteSettings, ValidationError> {
        Ok(SiteSettings {
            id: self.id.as_deref().map(SiteId::parse).transpose()?,
            name: validate::text("name", &self.name)?,
            origins: origins(&self.origins)?,
            widget: self.widget.validate()?,
            limits: self.limits,
        })
    }
}

/// Checks a site's allowed origins: 1 to `MAX_ORIGINS`, normalized, without repeats.
fn origins(raw: &[String]) -> Result<Vec<Origin>, ValidationError> {
    let mut origins = raw.iter().map(|o| Origin::parse(o)).collect::<Result<Vec<_>, _>>()?;
    origins.sort();
    origins.dedup();
    if origins.is_empty() || origins.len() > MAX_ORIGINS {
        return Err(ValidationError::InvalidOrigin(format!("{} origins (1 to {MAX_ORIGINS} allowed)", origins.len())));
    }
    Ok(origins)
}

/// Where a site's webhook posts, and for what: every comment, and/or ratings at or below a value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSettings {
    /// Receives a signed `POST` per matching submission; `""` in a PATCH removes the webhook.
    pub url: String,
    /// Fire for every submission with a comment.
    #[serde(default)]
    pub comments: bool,
    /// Fire for every rating at or below this value.
    #[serde(default)]
    pub at_or_below: Option<i64>,
}

impl WebhookSettings {
    /// Checks the URL and that the filter can fire.
    pub fn validate(&self) -> Result<WebhookSettings, ValidationError> {
        let url_ok = (self.url.starts_with("https://") || self.url.starts_with("http://"))
            && self.url.len() <= 2048
            && !self.url.chars().any(|c| c.is_whitespace() || c.is_control());
        if !url_ok || (!self.comments && self.at_or_below.is_none()) {
            return Err(ValidationError::InvalidWebhook);
        }
        Ok(self.clone())
    }

    /// Whether a submission with this rating (and maybe a comment) is sent.
    pub fn fires_for(&self, rating: Rating, has_comment: bool) -> bool {
        (self.comments && has_comment) || self.at_or_below.is_some_and(|max| i64::from(rating.value()) <= max)
    }
}

/// The body of `PATCH /v1/sites/{site}` (owner): only the fields given change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SitePatch {
    /// A new name.
    #[serde(default)]
    pub name: Option<String>,
    /// The new list of allowed origins (replaces the old one).
    #[serde(default)]
    pub origins: Option<Vec<String>>,
    /// The new widget configuration (replaces the old one; omitted fields take defaults).
    #[serde(default)]
    pub widget: Option<WidgetConfig>,
    /// The webhook (`url: ""` removes it).
    #[serde(default)]
    pub webhook: Option<WebhookSettings>,
    /// Keep submissions this many days (1–3650); 0 keeps them for ever.
    #[serde(default)]
    pub retention_days: Option<u32>,
    /// New rate limits.
    #[serde(default)]
    pub limits: Option<Limits>,
    /// Require a Cloudflare Turnstile token with every comment (`site_key: ""` turns it off).
    #[serde(default)]
    pub turnstile: Option<TurnstileSettings>,
}

/// Cloudflare Turnstile for comments: the widget shows the challenge with `site_key`, the edge
/// checks each token with `secret` at `verify_url`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TurnstileSettings {
    /// The public site key (shown to the widget).
    pub site_key: String,
    /// The secret key (stored; never shown again).
    #[serde(default)]
    pub secret: String,
    /// Where tokens are checked; Cloudflare's siteverify when absent (tests use a local one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_url: Option<String>,
}

/// Cloudflare's token check.
pub const TURNSTILE_VERIFY_URL: &str = "https://challenges.cloudflare.com/turnstile/v0/siteverify";

/// What the owner reads back of the Turnstile settings (the secret stays stored).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnstileView {
    /// The public site key.
    pub site_key: String,
    /// Where tokens are checked.
    pub verify_url: String,
}

impl TurnstileSettings {
    /// Checks the keys and the URL; `None`: turn Turnstile off.
    pub fn validate(&self) -> Result<Option<(TurnstileView, String)>, ValidationError> {
        if self.site_key.is_empty() {
            return Ok(None);
        }
        let invalid = ValidationError::InvalidWidgetSetting { field: "turnstile", reason: "site_key and secret are 1 to 200 printable characters; verify_url is an http(s) URL" };
        let printable = |t: &str| (1..=200).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_graphic());
        let url = self.verify_url.clone().unwrap_or_else(|| TURNSTILE_VERIFY_URL.to_owned());
        let url_ok = (url.starts_with("https://") || url.starts_with("http://")) && url.len() <= 2048 && url.bytes().all(|b| b.is_ascii_graphic());
        if !printable(&self.site_key) || !printable(&self.secret) || !url_ok {
            return Err(invalid);
        }
        Ok(Some((TurnstileView { site_key: self.site_key.clone(), verify_url: url }, self.secret.clone())))
    }
}

/// A checked `SitePatch`; `webhook: Some(None)` removes the webhook.
pub struct CheckedPatch {
    /// A new name.
    pub name: Option<String>,
    /// New origins.
    pub origins: Option<Vec<Origin>>,
    /// New widget configuration.
    pub widget: Option<WidgetConfig>,
    /// A new webhook, or its removal.
    pub webhook: Option<Option<WebhookSettings>>,
    /// A new retention period in days, or `Some(None)`: keep for ever.
    pub retention_days: Option<Option<u32>>,
    /// New rate limits.
    pub limits: Option<Limits>,
    /// Turnstile on (settings and secret) or off (`Some(None)`).
    pub turnstile: Option<Option<(TurnstileView, String)>>,
}

impl SitePatch {
    /// Applies the site rules to what is given.
    pub fn validate(&self) -> Result<CheckedPatch, ValidationError> {
        Ok(CheckedPatch {
            name: self.name.as_deref().map(|n| validate::text("name", n)).transpose()?,
            origins: self.origins.as_deref().map(origins).transpose()?,
            widget: self.widget.as_ref().map(WidgetConfig::validate).transpose()?,
            webhook: self.webhook.as_ref().map(|w| if w.url.is_empty() { Ok(None) } else { w.validate().map(Some) }).transpose()?,
            retention_days: match self.retention_days {
                None => None,
                Some(0) => Some(None),
                Some(days @ 1..=3650) => Some(Some(days)),
                Some(_) => return Err(ValidationError::InvalidRetention),
            },
            limits: self.limits,
            turnstile: self.turnstile.as_ref().map(TurnstileSettings::validate).transpose()?,
        })
    }
}

/// A site's settings as its owner reads them: `GET` and `PATCH /v1/sites/{site}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteView {
    /// The site id.
    pub site: String,
    /// The name.
    pub name: String,
    /// Allowed origins.
    pub origins: Vec<String>,
    /// What the widget shows.
    pub widget: WidgetConfig,
    /// When it was created (ms since 1970).
    pub created_at: i64,
    /// The webhook, if one is set.
    #[serde(default)]
    pub webhook: Option<WebhookSettings>,
    /// The secret that signs webhook posts (`sayso-signature`), if a webhook is set.
    #[serde(default)]
    pub webhook_secret: Option<String>,
    /// Submissions older than this many days are deleted (and uncounted); `None`: kept for ever.
    #[serde(default)]
    pub retention_days: Option<u32>,
    /// Rate limits.
    #[serde(default)]
    pub limits: Limits,
    /// Turnstile for comments, if required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turnstile: Option<TurnstileView>,
}

/// The answer to `POST /v1/sites/{site}/keys`: the new owner key, shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerKey {
    /// The new key; the old one stops working at once.
    pub owner_key: String,
}

/// The answer to `POST /v1/sites`: the owner key is shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteCreated {
    /// The site id.
    pub site: String,
    /// The owner key for `Authorization: Bearer …`; only its hash is stored.
    pub owner_key: String,
    /// The line to paste into a page.
    pub snippet: String,
}

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

/// One stored submission, as the owner reads it: `GET …/feedback` and the exports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackItem {
    /// The submission id.
    pub id: String,
    /// The scale.
    pub scale: String,
    /// The rating.
    pub value: i64,
    /// The comment, if any.
    pub comment: Option<String>,
    /// The page path.
    pub page: String,
    /// The language tag.
    pub locale: String,
    /// The visitor's clock at the click (ms since 1970).
    pub client_ts: i64,
    /// When the edge first received it (ms since 1970).
    pub received_at: i64,
    /// When it last changed (ms since 1970).
    pub updated_at: i64,
    /// Its revision.
    pub rev: u32,
}

/// A page of `GET …/feedback`, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackPage {
    /// The submissions.
    pub items: Vec<FeedbackItem>,
    /// Pass as `cursor` for the next (older) page; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// Every error the API answers: `{"error":{"code":"…","message":"…"}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// The error.
    pub error: ErrorBody,
}

/// The inside of `ApiError`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Stable snake_case code.
    pub code: String,
    /// A sentence for people.
    pub message: String,
}

impl ApiError {
    /// Builds the error body.
    pub fn new(code: &str, message: impl Into<String>) -> ApiError {
        ApiError { error: ErrorBody { code: code.to_owned(), message: message.into() } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_written_like_display_writes_them() {
        for n in [0, 7, 9, 10, 11, 99, 100, 1_000, 1_763_900_000_000, -1, -10, -99_999, i64::MAX, i64::MIN] {
            let mut out = String::new();
            push_int(&mut out, n);
            assert_eq!(out, n.to_string());
        }
    }

    fn wire() -> SubmissionWire {
        SubmissionWire {
            id: "0190a6e2-7c1d-7abc-8def-0123456789ab".into(),
            site: "demo".into(),
            scale: "stars".into(),
            value: 4,
            comment: Some("  Great docs ".into()),
            page: "/docs".into(),
            locale: "en-GB".into(),
            client_ts: 1_763_900_000_000,
            widget_version: "0.1.0".into(),
            rev: 0,
            trap: None,
            dwell_ms: Some(4200),
            turnstile: None,
        }
    }

    #[test]
    fn a_valid_submission_round_trips_through_json() {
        let submission = wire().validate().expect("valid");
        assert_eq!(submission.comment.as_ref().map(Comment::as_str), Some("Great docs"));
        assert_eq!(submission.to_json(), submission.to_wire().to_json());
        let json = serde_json::to_string(&submission.to_wire()).expect("serializes");
        let back: SubmissionWire = serde_json::from_str(&json).expect("parses");
        assert_eq!(back.validate(), Ok(submission));
    }

    #[test]
    fn hand_written_json_equals_serde_json() {
        let mut w = wire();
        assert_eq!(w.to_json(), serde_json::to_string(&w).expect("serializes"));
        w.trap = Some("http://spam".into());
        w.dwell_ms = None;
        w.turnstile = Some("0.token\"x".into());
        assert_eq!(w.to_json(), serde_json::to_string(&w).expect("serializes"));
        w.comment = Some("quote \" backslash \\ newline \n tab \t bell \u{7} nul \u{0} é 😀 \u{1f}".into());
        w.value = -42;
        w.client_ts = i64::MIN;
        w.rev = u32::MAX;
        assert_eq!(w.to_json(), serde_json::to_string(&w).expect("serializes"));
        w.comment = None;
        assert_eq!(w.to_json(), serde_json::to_string(&w).expect("serializes"));
    }

    #[test]
    fn unknown_fields_and_wrong_types_are_refused() {
        let mut value = serde_json::to_value(wire()).expect("serializes");
        value["extra"] = 1.into();
        assert!(serde_json::from_value::<SubmissionWire>(value.clone()).is_err());
        value.as_object_mut().map(|o| o.remove("extra"));
        value["value"] = "4".into();
        assert!(serde_json::from_value::<SubmissionWire>(value).is_err());
    }

    #[test]
    fn each_broken_rule_has_its_code() {
        let cases: [(fn(&mut SubmissionWire), &str); 8] = [
            (|w| w.id = "x".into(), "invalid_id"),
            (|w| w.site = "X".into(), "invalid_site"),
            (|w| w.scale = "emoji-ish".into(), "invalid_scale"),
            (|w| w.value = 6, "rating_out_of_range"),
            (|w| w.comment = Some("x".repeat(5000)), "comment_too_long"),
            (|w| w.page = "docs".into(), "invalid_page"),
            (|w| w.locale = "english".into(), "invalid_locale"),
            (|w| w.client_ts = -5, "invalid_timestamp"),
        ];
        for (break_it, code) in cases {
            let mut w = wire();
            break_it(&mut w);
            assert_eq!(w.validate().map_err(|e| e.code()), Err(code));
        }
    }

    #[test]
    fn new_sites_are_checked_and_origins_deduplicated() {
        let site = NewSite { id: None, name: "Docs".into(), origins: vec!["https://A.com".into(), "https://a.com".into()], widget: WidgetConfig::default(), limits: Limits::default() };
        assert_eq!(site.validate().map(|s| s.origins.len()), Ok(1));
        let none = NewSite { origins: vec![], ..site.clone() };
        assert_eq!(none.validate().map_err(|e| e.code()), Err("invalid_origin"));
        let blank = NewSite { widget: WidgetConfig { question: Some(" ".into()), ..WidgetConfig::default() }, ..site };
        assert_eq!(blank.validate().map_err(|e| e.code()), Err("invalid_text"));
    }

    #[test]
    fn honeypots_and_hasty_comments_are_caught() {
        let limits = Limits::default();
        let typed = wire().validate().expect("valid");
        assert!(!typed.is_trapped());
        assert_eq!(typed.check_pace(&limits), Ok(()));
        let hasty = SubmissionWire { dwell_ms: Some(200), ..wire() }.validate().expect("valid");
        assert_eq!(hasty.check_pace(&limits), Err(ValidationError::TooFast));
        let unsaid = SubmissionWire { dwell_ms: None, ..wire() }.validate().expect("valid");
        assert_eq!(unsaid.check_pace(&limits), Err(ValidationError::TooFast));
        assert_eq!(unsaid.check_pace(&Limits { min_comment_ms: 0, ..limits }), Ok(()));
        let rating_only = SubmissionWire { comment: None, dwell_ms: None, ..wire() }.validate().expect("valid");
        assert_eq!(rating_only.check_pace(&limits), Ok(()));
        assert!(SubmissionWire { trap: Some("x".into()), ..wire() }.validate().expect("valid").is_trapped());
        assert!(!SubmissionWire { trap: Some(String::new()), ..wire() }.validate().expect("valid").is_trapped());
    }

    #[test]
    fn widget_config_json_fills_defaults() {
        let config: WidgetConfig = serde_json::from_str(r#"{"scale":"nps"}"#).expect("parses");
        assert_eq!(config.scale, Scale::Nps);
        assert_eq!(config.question, WidgetConfig::default().question);
    }
}
