//! Every refusal: `ValidationError` names the broken rule in code, `ApiError` is the body the
//! API answers with (`{"error":{"code":"…","message":"…"}}`).

use alloc::borrow::ToOwned;
use alloc::string::String;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::attributes::{ATTRIBUTES_MAX, DIGITS_MAX, DIGITS_RUN_MAX, HEX_RUN_MAX, KEY_MAX_CHARS, VALUE_MAX_CHARS};
use crate::comment::COMMENT_MAX_CHARS;
use crate::page::PAGE_MAX_CHARS;
use crate::revision::REV_MAX;
use crate::scale::Scale;
use crate::validate::TEXT_MAX_CHARS;

/// Why an input was refused. Each variant has a stable snake_case `code` for the API.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ValidationError {
    /// The submission id is not a UUID (8-4-4-4-12 hex digits).
    #[error("the submission id must be a UUID such as 0190a6e2-7c1d-7abc-8def-0123456789ab")]
    InvalidId,
    /// The submission's key is not 32 to 128 characters of `A-Z`, `a-z`, `0-9`, `-` and `_`.
    #[error("the submission key must be 32 to 128 characters of A-Z, a-z, 0-9, '-' and '_' (a random secret the sender keeps)")]
    InvalidKey,
    /// The site id has characters or a length a site id never has.
    #[error("the site id must be 3 to 40 characters of a-z, 0-9 and '-'")]
    InvalidSite,
    /// The scale name is not one sayso knows.
    #[error("unknown scale {0:?}: use thumbs, stars, emoji, nps or csat")]
    UnknownScale(String),
    /// The rating does not fit its scale.
    #[error("{value} is not a valid {scale} rating: use {} to {}", .scale.lowest(), .scale.highest())]
    RatingOutOfRange {
        /// The scale the value was meant for.
        scale: Scale,
        /// The value that was sent.
        value: i64,
    },
    /// The comment is longer than `COMMENT_MAX_CHARS`.
    #[error("the comment is longer than {COMMENT_MAX_CHARS} characters")]
    CommentTooLong,
    /// The page is not an absolute path without query or fragment.
    #[error("the page must be a path starting with '/', without '?' or '#', at most {PAGE_MAX_CHARS} characters")]
    InvalidPage,
    /// The locale is not a language tag.
    #[error("the locale must be a language tag such as en or pt-BR")]
    InvalidLocale,
    /// The client timestamp is not a plausible time in milliseconds.
    #[error("the client timestamp must be milliseconds since 1970, before the year 2100")]
    InvalidTimestamp,
    /// The widget version is empty, too long or has odd characters.
    #[error("the widget version must be 1 to 32 characters of 0-9, a-z, '.', '+' and '-'")]
    InvalidWidgetVersion,
    /// An allowed origin is not `http(s)://host[:port]`.
    #[error("{0:?} is not an origin: use scheme://host[:port] such as https://example.com")]
    InvalidOrigin(String),
    /// A webhook URL is not an http(s) URL, or a bare-number threshold is out of 0 to 10.
    #[error("the webhook needs an http(s) URL of at most 2048 characters, and at_or_below 0 to 10 or a rating per scale")]
    InvalidWebhook,
    /// A webhook or Turnstile verify URL is plain http to a host other than this machine.
    #[error("{0} must be an https URL (plain http only to 127.0.0.1, localhost or [::1], for development)")]
    InsecureUrl(&'static str),
    /// A retention period outside 0–3650 days.
    #[error("retention_days must be 1 to 3650, or 0 to keep feedback for ever")]
    InvalidRetention,
    /// An owner-configured text is empty or too long.
    #[error("{field} must be 1 to {TEXT_MAX_CHARS} characters")]
    InvalidText {
        /// Which setting.
        field: &'static str,
    },
    /// A widget setting (language, string key, pattern, theme, trigger) is not one sayso knows.
    #[error("widget setting {field}: {reason}")]
    InvalidWidgetSetting {
        /// Which setting.
        field: &'static str,
        /// What is wrong and what is allowed.
        reason: &'static str,
    },
    /// The revision is above `REV_MAX`: no widget ever makes one.
    #[error("the revision (rev) must be at most {REV_MAX}")]
    InvalidRev,
    /// A comment was sent sooner after the widget showed than a person can type.
    #[error("the comment came too quickly after the widget was shown; please try again")]
    TooFast,
    /// The site's last change of `shards` is not in force yet (`shards::ShardMap::change`).
    #[error("the last change of shards is not in force yet (a change takes 25 hours): change it again after that")]
    ShardsChangePending,
    /// A triage status that is not one of new, seen, resolved, archived.
    #[error("unknown status {0:?}: use new, seen, resolved or archived")]
    UnknownStatus(String),
    /// A tag that breaks `triage::Tag`'s rule.
    #[error("a tag must be 1 to 32 characters of a-z, 0-9, '-' and '_'")]
    InvalidTag,
    /// More than `TAGS_PER_SUBMISSION_MAX` tags on a submission (or in one change).
    #[error("a submission holds at most 10 tags")]
    TooManyTags,
    /// A triage change that asks nothing, or contradicts itself.
    #[error("{0}")]
    InvalidTriage(&'static str),
    /// A bulk change naming no submission or more than `TRIAGE_IDS_MAX`.
    #[error("ids must name 1 to 100 submissions")]
    TooManyIds,
    /// An alert rule past one of `alerts`' limits, or one the site cannot run.
    #[error("{field}: {reason}")]
    InvalidAlerts {
        /// Which setting (`alerts.score_drops`, `alerts.words`, `alerts`).
        field: &'static str,
        /// What is wrong and what is allowed.
        reason: &'static str,
    },
    /// A reply or follow-up that is empty or longer than `reply::REPLY_MAX_CHARS`.
    #[error("{field} must be 1 to 1000 characters")]
    InvalidReply {
        /// Which field (`text` of a reply, `comment` of a follow-up).
        field: &'static str,
    },
    /// A reply check naming no receipt or more than `reply::RECEIPTS_MAX`.
    #[error("receipts must name 1 to 20 submissions")]
    TooManyReceipts,
    /// A quote's display name longer than `quote::DISPLAY_NAME_MAX_CHARS`.
    #[error("the display name must be at most 40 characters (or null to stay anonymous)")]
    InvalidDisplayName,
    /// A `?limit` outside 1 to `quote::TESTIMONIALS_MAX`.
    #[error("limit must be a whole number from 1 to 50")]
    InvalidLimit,
    /// A rating link's campaign breaks `link::Campaign`'s rule.
    #[error("a campaign must be 1 to 32 characters of a-z, 0-9, '-' and '_', and not \"web\"")]
    InvalidCampaign,
    /// A rating link's reference breaks `link::Reference`'s rule.
    #[error("a reference must be 1 to 64 characters of A-Z, a-z, 0-9, '-', '_', '.', ':', '#' and '/'")]
    InvalidReference,
    /// A rating link's token is malformed, changed, or not signed by its site.
    #[error("this rating link is not valid: it was changed, or it is not one this site made")]
    InvalidLink,
    /// An attribute (named by its key) that breaks `attributes`' rules, or a key given twice.
    #[error(
        "attribute {0:?}: a key is 1 to {KEY_MAX_CHARS} characters of a-z, 0-9 and '_' (a letter first), given once; a value 1 to {VALUE_MAX_CHARS} characters of A-Z, a-z, 0-9, '.', '_', '-', ':', '/' and '+', with no run of {digits} digits or of {hex} hexadecimal characters and at most {DIGITS_MAX} digits; no key such as email, phone, name or user (attributes describe segments such as plan=pro, never a person)",
        digits = DIGITS_RUN_MAX + 1,
        hex = HEX_RUN_MAX + 1
    )]
    InvalidAttribute(String),
    /// More than `attributes::ATTRIBUTES_MAX` attributes.
    #[error("a submission carries at most {ATTRIBUTES_MAX} attributes")]
    TooManyAttributes,
}

impl ValidationError {
    /// The stable machine-readable code sent as `error.code`.
    pub fn code(&self) -> &'static str {
        match self {
            ValidationError::InvalidId => "invalid_id",
            ValidationError::InvalidKey => "invalid_key",
            ValidationError::InvalidSite => "invalid_site",
            ValidationError::UnknownScale(_) => "invalid_scale",
            ValidationError::RatingOutOfRange { .. } => "rating_out_of_range",
            ValidationError::CommentTooLong => "comment_too_long",
            ValidationError::InvalidPage => "invalid_page",
            ValidationError::InvalidLocale => "invalid_locale",
            ValidationError::InvalidTimestamp => "invalid_timestamp",
            ValidationError::InvalidWidgetVersion => "invalid_widget_version",
            ValidationError::InvalidOrigin(_) => "invalid_origin",
            ValidationError::InvalidText { .. } => "invalid_text",
            ValidationError::InvalidWebhook => "invalid_webhook",
            ValidationError::InsecureUrl(_) => "insecure_url",
            ValidationError::InvalidRetention => "invalid_retention",
            ValidationError::InvalidWidgetSetting { .. } => "invalid_widget_setting",
            ValidationError::InvalidRev => "invalid_rev",
            ValidationError::TooFast => "too_fast",
            ValidationError::ShardsChangePending => "shards_change_pending",
            ValidationError::UnknownStatus(_) => "invalid_status",
            ValidationError::InvalidTag => "invalid_tag",
            ValidationError::TooManyTags => "too_many_tags",
            ValidationError::InvalidTriage(_) => "invalid_triage",
            ValidationError::TooManyIds => "too_many_ids",
            ValidationError::InvalidAlerts { .. } => "invalid_alerts",
            ValidationError::InvalidReply { .. } => "invalid_reply",
            ValidationError::TooManyReceipts => "too_many_receipts",
            ValidationError::InvalidDisplayName => "invalid_display_name",
            ValidationError::InvalidLimit => "invalid_limit",
            ValidationError::InvalidCampaign => "invalid_campaign",
            ValidationError::InvalidReference => "invalid_reference",
            ValidationError::InvalidLink => "invalid_link",
            ValidationError::InvalidAttribute(_) => "invalid_attribute",
            ValidationError::TooManyAttributes => "too_many_attributes",
        }
    }
}

impl ValidationError {
    /// The setting a refusal is about, as its path in a site's settings (`origins`,
    /// `widget.question`, `webhook.url`), sent as `error.field` so a form can show it there;
    /// `None` for the rest (a submission's refusals among them).
    pub fn field(&self) -> Option<String> {
        // Widget settings name their field within the widget; these are the site's own.
        let setting = |field: &str| match field {
            "name" | "scales" | "shards" | "turnstile" => field.to_owned(),
            widget => alloc::format!("widget.{widget}"),
        };
        match self {
            ValidationError::InvalidOrigin(_) => Some("origins".to_owned()),
            ValidationError::InvalidWebhook => Some("webhook".to_owned()),
            ValidationError::InsecureUrl(field) => Some((*field).to_owned()),
            ValidationError::InvalidRetention => Some("retention_days".to_owned()),
            ValidationError::ShardsChangePending => Some("shards".to_owned()),
            ValidationError::InvalidAttribute(key) => Some(alloc::format!("attributes.{key}")),
            ValidationError::TooManyAttributes => Some("attributes".to_owned()),
            ValidationError::InvalidAlerts { field, .. } => Some((*field).to_owned()),
            ValidationError::InvalidText { field } | ValidationError::InvalidWidgetSetting { field, .. } => Some(setting(field)),
            _ => None,
        }
    }
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
    /// The setting the error is about (`ValidationError::field`), when it is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    /// Builds the error body.
    pub fn new(code: &str, message: impl Into<String>) -> ApiError {
        ApiError { error: ErrorBody { code: code.to_owned(), message: message.into(), field: None } }
    }

    /// The same error, about `field` (a setting's path), if any.
    pub fn about(mut self, field: Option<String>) -> ApiError {
        self.error.field = field;
        self
    }
}
