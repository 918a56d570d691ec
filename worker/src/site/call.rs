//! The protocol between the Worker and a site's object: one typed call per operation, each
//! naming its answer (`Ask::Answer`). A call travels as JSON in one internal request; the answer
//! comes back as `Result<Answer, Failure>`, so a refusal crosses as the `Failure` itself.

use sayso_core::{
    export::ExportFormat, CheckedPatch, FeedbackPage, Limits, Origin, OwnerKey, Scale, SiteConfig, SiteView, Submission, SubmitOutcome, Summary,
    TurnstileView, ValidationError, WebhookSettings, WidgetConfig,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

#[cfg(feature = "bench")]
pub use super::meter::{Meter, Metered};
use super::query::{FeedbackQuery, ListCursor, SummaryQuery};
#[cfg(feature = "bench")]
pub use super::recent::Rewind;
#[cfg(feature = "bench")]
pub use super::seed::{Seed, Seeded};
use super::settings::SiteRecord;
use super::webhooks::Deliveries;

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

/// One setting: left as it is, or set.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Change<T> {
    /// Not in the patch.
    Keep,
    /// The new value.
    Set(T),
}

impl<T> From<Option<T>> for Change<T> {
    fn from(value: Option<T>) -> Change<T> {
        value.map_or(Change::Keep, Change::Set)
    }
}

impl<T> Change<T> {
    fn into_option(self) -> Option<T> {
        match self {
            Change::Keep => None,
            Change::Set(value) => Some(value),
        }
    }
}

/// A `CheckedPatch` as it travels: the same fields, owned and serde-able (a patch's
/// "remove" and "keep" stay apart, which `Option<Option<_>>` in JSON would not).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SettingsChange {
    /// A new name.
    pub name: Change<String>,
    /// New allowed origins.
    pub origins: Change<Vec<String>>,
    /// A new widget configuration.
    pub widget: Change<WidgetConfig>,
    /// A new webhook, or none.
    pub webhook: Change<Option<WebhookSettings>>,
    /// A retention period, or none (keep for ever).
    pub retention_days: Change<Option<u32>>,
    /// New rate limits.
    pub limits: Change<Limits>,
    /// Turnstile on (its view and secret) or off.
    pub turnstile: Change<Option<(TurnstileView, String)>>,
    /// New accepted scales, or none (only the widget's scale).
    pub scales: Change<Option<Vec<Scale>>>,
}

impl From<CheckedPatch> for SettingsChange {
    fn from(patch: CheckedPatch) -> SettingsChange {
        SettingsChange {
            name: patch.name.into(),
            origins: patch.origins.map(|o| o.iter().map(|o| o.as_str().to_owned()).collect()).into(),
            widget: patch.widget.into(),
            webhook: patch.webhook.into(),
            retention_days: patch.retention_days.into(),
            limits: patch.limits.into(),
            turnstile: patch.turnstile.into(),
            scales: patch.scales.into(),
        }
    }
}

impl TryFrom<SettingsChange> for CheckedPatch {
    type Error = ValidationError;

    /// Back to core's `CheckedPatch` (so core's `apply` is the one rule for changing settings);
    /// the origins, checked at the route, are read back as origins.
    fn try_from(change: SettingsChange) -> Result<CheckedPatch, ValidationError> {
        Ok(CheckedPatch {
            name: change.name.into_option(),
            origins: change.origins.into_option().map(|o| o.iter().map(|o| Origin::parse(o)).collect()).transpose()?,
            widget: change.widget.into_option(),
            webhook: change.webhook.into_option(),
            retention_days: change.retention_days.into_option(),
            limits: change.limits.into_option(),
            turnstile: change.turnstile.into_option(),
            scales: change.scales.into_option(),
        })
    }
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
    Submit -> SubmitOutcome;
    ReadSummary -> Summary;
    ReadFeedback -> FeedbackPage;
    Export -> Streamed;
    ReadSettings -> SiteView;
    ChangeSettings -> SiteView;
    RotateKey -> OwnerKey;
    ReadDeliveries -> Deliveries;
    Delete -> ();
    Vouch -> ();
    #[cfg(feature = "bench")]
    Seed -> Seeded;
    #[cfg(feature = "bench")]
    Meter -> Metered;
    #[cfg(feature = "bench")]
    Rewind -> ();
}
