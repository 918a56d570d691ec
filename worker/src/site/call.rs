//! The protocol between the Worker and a site's object: one typed call per operation, each
//! naming its answer (`Ask::Answer`). A call travels as JSON in one internal request; the answer
//! comes back as `Result<Answer, Failure>`, so a refusal crosses as the `Failure` itself.

use sayso_core::{export::ExportFormat, FeedbackPage, OwnerKey, SiteConfig, SiteView, Submission, SubmitOutcome, Summary};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

pub use super::answers::{Fanned, Routed};
pub use super::change::SettingsChange;
use super::counts::ShardCounts;
pub use super::digest::AlertTest;
#[cfg(feature = "bench")]
pub use super::digest::JudgeAlerts;
pub use super::dry_run::Tried;
pub use super::links::{MakeLink, RateByLink, ReadChannels};
#[cfg(feature = "bench")]
pub use super::meter::{Meter, Metered};
use super::query::{FeedbackQuery, ListCursor, SummaryQuery};
pub use super::quotes::{Public, QuoteChange, ReadPublic};
#[cfg(feature = "bench")]
pub use super::recent::Rewind;
pub use super::replies::{CheckReplies, DeleteReply, Followup, PutReply};
#[cfg(feature = "bench")]
pub use super::seed::{Seed, Seeded};
use super::settings::SiteRecord;
pub use super::triage::ChangeTriage;
use super::webhooks::{Deliveries, TestEvent};

/// A call to the object and the type of its answer.
pub trait Ask: Serialize + Into<Call> {
    /// What the object answers when the call succeeds.
    type Answer: Serialize + DeserializeOwned;
}

/// The `Authorization` header of the owner's (or visitor's) request, as sent: the object checks
/// it against what it stores, so neither key nor receipt is ever judged outside it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Credential(pub Option<String>);

/// The visitor behind a submission, for the rate limit only: its network (`network_prefix`)
/// is hashed with today's salt, never stored or logged.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Visitor {
    /// The network address (`CF-Connecting-IP`).
    pub address: String,
    /// The browser sent `Sec-GPC: 1` or `DNT: 1`: with `limits.honor_gpc` its bucket is kept in
    /// the object's memory only, never stored. It is limited all the same.
    pub opted_out: bool,
}

/// Creates the site with its first record.
#[derive(Serialize, Deserialize)]
pub struct Create {
    /// The new site's record.
    pub record: SiteRecord,
}

/// The widget's configuration in a language.
#[derive(Serialize, Deserialize)]
pub struct Config {
    /// A language tag (letters, digits, '-'), or empty.
    pub lang: String,
}

/// Whether a page of `origin` may send feedback.
#[derive(Serialize, Deserialize)]
pub struct CheckOrigin {
    /// The origin the route read from `Origin` or `Referer`.
    pub origin: String,
}

/// Stores a submission checked at the route.
#[derive(Serialize, Deserialize)]
pub struct Submit {
    /// The submission, normalized and validated at the route. The object receives its locale
    /// as the known language it names (`Locale::known`), so no invented tag reaches storage.
    #[serde(deserialize_with = "with_known_locale")]
    pub submission: Submission,
    /// The origin the route read from `Origin` or `Referer`.
    pub origin: String,
    /// Who sent it, for the rate limit.
    pub visitor: Visitor,
}

/// A submission as the object receives it: the widget sends the tag it read (any language a
/// browser may speak, so a tag is never refused for its language); the edge keeps the known set.
fn with_known_locale<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Submission, D::Error> {
    let mut submission = Submission::deserialize(deserializer)?;
    submission.locale = submission.locale.known();
    Ok(submission)
}

/// The owner's numbers.
#[derive(Serialize, Deserialize)]
pub struct ReadSummary {
    /// The owner key.
    pub key: Credential,
    /// The filters.
    pub query: SummaryQuery,
}

/// A page of submissions for the owner.
#[derive(Serialize, Deserialize)]
pub struct ReadFeedback {
    /// The owner key.
    pub key: Credential,
    /// The filters and the cursor.
    pub query: FeedbackQuery,
}

/// Every submission, streamed (`export.rs`).
#[derive(Serialize, Deserialize)]
pub struct Export {
    /// The owner key.
    pub key: Credential,
    /// CSV or NDJSON.
    pub format: ExportFormat,
    /// Where this call starts (the previous call's `export::NEXT`); `None`: at the newest.
    pub after: Option<ListCursor>,
    /// Whether this call's text starts the file (the CSV header line).
    pub header: bool,
    /// The list's filters: the export holds exactly the rows they keep (cursor and limit unused).
    #[serde(default)]
    pub filters: FeedbackQuery,
}

/// The answer to `Export` when it is not a refusal: the response's body is the export itself
/// (marked `export::STREAMED`), never JSON.
#[derive(Serialize, Deserialize)]
pub struct Streamed {}

/// The site's settings.
#[derive(Serialize, Deserialize)]
pub struct ReadSettings {
    /// The owner key.
    pub key: Credential,
}

/// Changes the settings (a patch checked at the route).
#[derive(Serialize, Deserialize)]
pub struct ChangeSettings {
    /// The owner key.
    pub key: Credential,
    /// What changes.
    pub change: SettingsChange,
}

/// Tries a settings change without storing it (`dry_run.rs`).
#[derive(Serialize, Deserialize)]
pub struct TrySettings {
    /// The owner key.
    pub key: Credential,
    /// What would change.
    pub change: SettingsChange,
}

/// Replaces the owner key.
#[derive(Serialize, Deserialize)]
pub struct RotateKey {
    /// The current owner key.
    pub key: Credential,
}

/// The webhook and its delivery log.
#[derive(Serialize, Deserialize)]
pub struct ReadDeliveries {
    /// The owner key.
    pub key: Credential,
}

/// Deletes one submission.
#[derive(Serialize, Deserialize)]
pub struct Delete {
    /// The owner key or the submission's receipt (`Receipt …`).
    pub key: Credential,
    /// A submission id, parsed at the route.
    pub id: String,
}

/// Only checks the owner key: a route that refuses an owner's input asks this first, so an
/// unknown site or a wrong key is answered before the input (as the object always did).
#[derive(Serialize, Deserialize)]
pub struct Vouch {
    /// The owner key.
    pub key: Credential,
}

/// Erases the site (shard 0, owner key): every shard emptied, then shard 0 (`erase.rs`).
#[derive(Serialize, Deserialize)]
pub struct Erase {
    /// The owner key.
    pub key: Credential,
}

/// Empties one shard of a site (`erase.rs`): only shard 0 sends it, once it checked the key.
#[derive(Serialize, Deserialize)]
pub struct EraseShard {}

/// Queues one signed `test` event for the site's webhook (owner key; `webhooks.rs`).
#[derive(Serialize, Deserialize)]
pub struct WebhookTest {
    /// The owner key.
    pub key: Credential,
}

/// The admin's glance at a site: its summary without the owner key (`glance.rs`). Only the
/// Worker's admin routes send it, after checking the admin token.
#[derive(Serialize, Deserialize)]
pub struct Glance {
    /// The range (no pages: a glance needs none).
    pub query: SummaryQuery,
}

/// Shard 0's record, pushed to another shard when it changes (`shards.rs`): only shard 0 sends it.
#[derive(Serialize, Deserialize)]
pub struct Replicate {
    /// The record, with the shard it is for (`SiteRecord::shard`).
    pub record: SiteRecord,
}

/// One shard's counts for a summary the Worker merges (`counts.rs`).
#[derive(Serialize, Deserialize)]
pub struct ReadCounts {
    /// The owner key.
    pub key: Credential,
    /// The filters (the pages' window is the Worker's to apply).
    pub query: SummaryQuery,
}

macro_rules! calls {
    ($($(#[$attr:meta])* $call:ident -> $answer:ty;)*) => {
        /// Every call the object answers; its dispatch is one `match` on this.
        #[derive(Serialize, Deserialize)]
        pub enum Call {
            $($(#[$attr])* #[doc = concat!("`", stringify!($call), "`")] $call($call),)*
        }
        $(
            $(#[$attr])*
            impl From<$call> for Call {
                fn from(call: $call) -> Call {
                    Call::$call(call)
                }
            }
            $(#[$attr])*
            impl Ask for $call {
                type Answer = $answer;
            }
        )*
    };
}

calls! {
    Create -> ();
    Config -> SiteConfig;
    CheckOrigin -> ();
    Submit -> Routed<SubmitOutcome>;
    ReadSummary -> Fanned<Summary, ShardCounts>;
    ReadFeedback -> Fanned<FeedbackPage, FeedbackPage>;
    Export -> Streamed;
    ReadSettings -> SiteView;
    ChangeSettings -> SiteView;
    TrySettings -> Tried;
    RotateKey -> OwnerKey;
    ReadDeliveries -> Deliveries;
    Delete -> Routed<()>;
    Replicate -> ();
    ReadCounts -> ShardCounts;
    ChangeTriage -> Routed<Vec<sayso_core::FeedbackItem>>;
    Vouch -> ();
    Erase -> ();
    EraseShard -> ();
    WebhookTest -> TestEvent;
    Glance -> Fanned<Summary, ShardCounts>;
    AlertTest -> TestEvent;
    #[cfg(feature = "bench")]
    JudgeAlerts -> ();
    PutReply -> Routed<sayso_core::reply::ReplyView>;
    DeleteReply -> Routed<()>;
    CheckReplies -> Routed<Vec<sayso_core::reply::VisitorReply>>;
    Followup -> Routed<sayso_core::reply::ReplyView>;
    QuoteChange -> Routed<Option<sayso_core::quote::QuoteState>>;
    ReadPublic -> Public;
    MakeLink -> super::links::MadeLink;
    RateByLink -> Routed<super::links::LinkRated>;
    ReadChannels -> Fanned<super::channels::ChannelCounts, super::channels::ChannelCounts>;
    #[cfg(feature = "bench")]
    Seed -> Seeded;
    #[cfg(feature = "bench")]
    Meter -> Metered;
    #[cfg(feature = "bench")]
    Rewind -> ();
}
