//! Rating links, the object's side: making a link (shard 0, the owner's key; the site's link
//! secret is made the first time), and storing a click or the thank-you page's comment as the
//! link's one submission, on the shard its id routes to, with the link's campaign as its channel.
//!
//! A click is a submission like the widget's, through the same `upsert` (ids, revisions, the
//! edit window, `REVISIONS_MAX`, tombstones, the counts) and the same token buckets; what differs
//! is who vouches for it. The widget's sender proves itself with its key; a link's clicker with
//! the link's MAC (core's `link.rs`), and the key is derived from the secret and the id, so only
//! this edge can revise a link's submission. Origins and Turnstile do not apply: a link is
//! opened from a mail or a QR code, with no page and no script, and its MAC is the stronger
//! proof (only whoever was sent the link holds it). Nothing is stored before the MAC is checked.

use sayso_core::{Comment, RatingLink, Submission, SubmissionId, SubmissionWire, SubmitStatus};
use serde::{Deserialize, Serialize};

use super::call::{self, Credential, Routed, Visitor};
use super::client::SiteClient;
use super::query::SummaryQuery;
use super::settings::SiteRecord;
use super::SiteObject;
use crate::http::{self, Failure};

/// The widget version a link's submissions are stored with (it says which client sent it).
const LINK_CLIENT: &str = "link";
/// The stored rating, comment and revision of a submission (`Stored`).
const SELECT_STORED: &str = "SELECT value, comment, rev FROM submission WHERE id = ?1";
/// Gives submission `?1` its channel `?2` (a new link submission: it was stored as `web`, the
/// column's default; the channel triggers move its counts, `channels.rs`).
const SET_CHANNEL: &str = "UPDATE submission SET channel = ?2 WHERE id = ?1 AND channel IS NOT ?2";

/// Makes a rating link (shard 0, the owner key); its fields were checked at the route.
#[derive(Serialize, Deserialize)]
pub struct MakeLink {
    /// The owner key.
    pub key: Credential,
    /// The campaign (`Campaign`).
    pub campaign: String,
    /// The scale's name.
    pub scale: String,
    /// The reference (`Reference`), if any.
    pub reference: Option<String>,
}

/// A click on a rating link, or its thank-you page's form, on the shard its id routes to.
#[derive(Clone, Serialize, Deserialize)]
pub struct RateByLink {
    /// The link's token, as the path held it (its MAC is checked here).
    pub token: String,
    /// The value clicked or chosen.
    pub value: i64,
    /// The form's comment (normalized at the route); `None` for a click.
    pub comment: Option<String>,
    /// The language the page asks for (`Accept-Language`'s first), for its words.
    pub lang: String,
    /// Who clicked, for the rate limit.
    pub visitor: Visitor,
}

/// The summary's channel counts (owner key); every shard answers its own.
#[derive(Serialize, Deserialize)]
pub struct ReadChannels {
    /// The owner key.
    pub key: Credential,
    /// The range (a page asked for: no channels).
    pub query: SummaryQuery,
}

/// A new link, as the object signed it.
#[derive(Serialize, Deserialize)]
pub struct MadeLink {
    /// The token (`/r/{token}`).
    pub token: String,
    /// The submission its clicks store.
    pub id: String,
}

/// What a click or a comment did, and the words of the thank-you page.
#[derive(Serialize, Deserialize)]
pub struct LinkRated {
    /// Created (first click), Updated (another value, or the comment), Duplicate (nothing new).
    pub status: SubmitStatus,
    /// The campaign (the channel it is counted under).
    pub channel: String,
    /// The scale and the value now stored.
    pub scale: String,
    /// The value now stored.
    pub value: i64,
    /// The comment now stored, if any.
    pub comment: Option<String>,
    /// The page's language, direction and words, in the site's own wording.
    pub lang: String,
    /// `ltr` or `rtl`.
    pub dir: String,
    /// The scale's question.
    pub question: String,
    /// The thanks.
    pub thanks: String,
    /// The comment box's label.
    pub follow_up: String,
    /// The send button.
    pub send: String,
    /// The stored value in the scale's words (`answer_words`).
    pub answer: String,
}

#[derive(Deserialize)]
struct Stored {
    value: i64,
    comment: Option<String>,
    rev: u32,
}

impl SiteObject {
    /// `MakeLink`: a new link of `campaign` on `scale` (checked at the route), signed with the
    /// site's link secret, made and pushed to the shards the first time a link is made.
    pub(super) async fn make_link(&self, call: call::MakeLink) -> Result<MadeLink, Failure> {
        let mut record = self.owner(&call.key)?;
        // Checked at the route by the same rules; parsed again here, where it is signed.
        let scale = sayso_core::Scale::parse(&call.scale).ok_or_else(|| sayso_core::ValidationError::UnknownScale(call.scale.clone()))?;
        let campaign = sayso_core::Campaign::parse(&call.campaign)?;
        let reference = call.reference.as_deref().map(sayso_core::Reference::parse).transpose()?;
        if !record.settings.accepts(scale) {
            return Err(Failure::ScaleNotAccepted(scale));
        }
        let secret = match record.link_secret.clone() {
            Some(secret) => secret,
            None => {
                // Once per site, for sites made before links: the record changes, so every shard
                // is given it (a shard a failed push missed refuses the site's links as invalid
                // until the alarm's retry reaches it; they are not lost).
                let secret = http::random_token(32)?;
                record = self.transaction(|| {
                    let mut stored = self.record()?;
                    let secret = stored.link_secret.get_or_insert_with(|| secret.clone()).clone();
                    stored.version += 1;
                    self.store(&stored)?;
                    Ok(SiteRecord { link_secret: Some(secret), ..stored })
                })?;
                self.push_or_retry(&record).await?;
                record.link_secret.clone().unwrap_or(secret)
            }
        };
        let now = worker::Date::now().as_millis();
        let mut random = [0u8; 10];
        getrandom::getrandom(&mut random).map_err(|e| Failure::Internal(format!("getrandom: {e}")))?;
        let site = sayso_core::SiteId::parse(&record.settings.site)?;
        let link = RatingLink { site, campaign, scale, reference, id: SubmissionId::v7(now, random) };
        Ok(MadeLink { token: link.token(&secret), id: link.id.as_str().to_owned() })
    }

    /// `RateByLink`: a click (`value`) or the thank-you page's form (`value` and `comment`) on
    /// the link `token`. A click of the stored value changes nothing; another value, or a
    /// comment, is a revision of the link's one submission (within the edit window and
    /// `REVISIONS_MAX`, as a widget's).
    pub(super) async fn rate_by_link(&self, call: call::RateByLink) -> Result<Routed<LinkRated>, Failure> {
        let record = self.record()?;
        let secret = record.link_secret.as_deref().ok_or(sayso_core::ValidationError::InvalidLink)?;
        let link = RatingLink::open(&call.token, secret)?;
        if link.site.as_str() != record.settings.site {
            return Err(sayso_core::ValidationError::InvalidLink.into());
        }
        if let Some(elsewhere) = Self::elsewhere(&record, &link.id) {
            return Ok(elsewhere);
        }
        let rating = link.rating(call.value)?;
        if !record.settings.accepts(link.scale) {
            return Err(Failure::ScaleNotAccepted(link.scale));
        }
        let now = worker::Date::now().as_millis() as i64;
        let key = link.author_key(secret);
        let (status, stored) = self.transaction(|| {
            let before: Option<Stored> = self.sql.exec(SELECT_STORED, vec![link.id.as_str().into()])?.to_array::<Stored>()?.into_iter().next();
            // A click keeps the comment already stored; the form sends the one to store.
            let comment = match (&call.comment, &before) {
                (Some(text), _) => Some(text.clone()),
                (None, Some(stored)) => stored.comment.clone(),
                (None, None) => None,
            };
            let comment = Comment::parse(comment.as_deref().unwrap_or(""))?;
            let unchanged = before.as_ref().is_some_and(|b| b.value == call.value && b.comment.as_deref() == comment.as_ref().map(|c| c.as_str()));
            if unchanged {
                return Ok((SubmitStatus::Duplicate, None));
            }
            let wire = SubmissionWire {
                id: link.id.as_str().to_owned(),
                site: record.settings.site.clone(),
                scale: link.scale.as_str().to_owned(),
                value: i64::from(rating.value()),
                comment: comment.map(|c| c.as_str().to_owned()),
                page: link.page(),
                locale: "und".into(),
                client_ts: now,
                widget_version: LINK_CLIENT.into(),
                rev: before.as_ref().map_or(0, |b| b.rev.saturating_add(1)),
                key: Some(key.as_str().to_owned()),
                trap: None,
                dwell_ms: None,
                turnstile: None,
                attributes: None,
            };
            let submission: Submission = wire.validate()?;
            let (status, received_at) = self.upsert(&submission, now)?;
            self.sql.exec(SET_CHANNEL, vec![link.id.as_str().into(), link.campaign.as_str().into()])?;
            // Every stored revision spends the visitor's tokens, as a widget's does.
            let remember = self.spend_tokens(&record, &call.visitor, now)?;
            let queued = self.enqueue_webhook(&record, &submission, received_at, now)?;
            // A watched word in the thank-you page's comment alerts as a widget's does.
            let alerted = self.queue_words_alert(&record, &submission, now)?;
            Ok((status, Some((remember, queued || alerted))))
        })?;
        if let Some((remember, queued)) = stored {
            if let Some(remember) = remember {
                self.remember(remember);
            }
            if queued {
                // Committed: failing to arm the alarm must not refuse the click (the next
                // submission or alarm arms it).
                if let Err(failure) = self.schedule_deliveries(&record, now).await {
                    worker::console_error!("arming the alarm: {failure}");
                }
            }
        }
        let now_stored: Option<Stored> = self.sql.exec(SELECT_STORED, vec![link.id.as_str().into()])?.to_array::<Stored>()?.into_iter().next();
        let (value, comment) = now_stored.map_or((call.value, None), |s| (s.value, s.comment));
        let words = record.settings.widget.resolve(&call.lang);
        let word = |key: &str| words.strings.get(key).cloned().unwrap_or_default();
        Ok(Routed::Here(LinkRated {
            status,
            channel: link.campaign.as_str().to_owned(),
            scale: link.scale.as_str().to_owned(),
            value,
            comment,
            question: word(&format!("q_{}", link.scale.as_str())),
            thanks: word("thank_you"),
            follow_up: word("follow_up"),
            send: word("send"),
            answer: answer_words(link.scale, value, &word),
            lang: words.lang,
            dir: words.dir,
        }))
    }
}

impl SiteClient {
    /// A new rating link of the site (shard 0 signs it).
    pub async fn make_link(&self, call: MakeLink) -> Result<MadeLink, Failure> {
        self.ask_at(0, call).await
    }

    /// A click or a comment on the link whose id is `id` (read from the token, unchecked: the
    /// shard checks the MAC), on the shard that id routes to.
    pub async fn rate_by_link(&self, id: &SubmissionId, call: RateByLink) -> Result<LinkRated, Failure> {
        self.routed(id, || call.clone()).await
    }
}

/// A value in the widget's words for it: yes or no, an emoji's or a CSAT value's label, or
/// "{n} of 5 stars" and "{n} out of 10".
fn answer_words(scale: sayso_core::Scale, value: i64, word: &dyn Fn(&str) -> String) -> String {
    use sayso_core::Scale;
    match scale {
        Scale::Thumbs => word(if value == 1 { "yes" } else { "no" }),
        Scale::Emoji => word(&format!("emoji_{value}")),
        Scale::Csat => word(&format!("csat_{value}")),
        Scale::Stars => word("star").replace("{n}", &value.to_string()),
        Scale::Nps => word("nps_value").replace("{n}", &value.to_string()),
    }
}
