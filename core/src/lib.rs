//! sayso-core: every rule the widget and the Worker share, written once.
//!
//! No browser and no Worker types live here, so the same code validates a submission in the
//! visitor's browser and again at the edge, and the same `Aggregate` answers every summary.
//! It is `no_std` (with `alloc`) so the widget can leave the standard library out of its bytes.

#![cfg_attr(not(test), no_std)]

extern crate alloc;

pub mod aggregate;
pub mod alarm;
pub mod alerts;
pub mod attributes;
pub mod authorship;
pub mod badge;
pub mod bucket;
pub mod channel;
pub mod chat;
pub mod comment;
pub mod config;
pub mod day;
pub mod digest;
pub mod error;
pub mod export;
pub mod feedback;
pub mod i18n;
pub mod ids;
pub mod json;
pub mod link;
pub mod locale;
pub mod network;
pub mod origin;
pub mod outcome;
pub mod page;
pub mod patch;
pub mod quote;
pub mod ranking;
pub mod reply;
pub mod resolved;
pub mod revision;
pub mod scale;
pub mod secure_url;
pub mod shards;
pub mod site;
pub mod strings;
pub mod submission;
mod submission_json;
pub mod summary;
pub mod targeting;
pub mod triage;
pub mod turnstile;
pub mod validate;
pub mod webhook;
pub mod wire;

pub use aggregate::{Aggregate, Breakdown, Tally};
pub use attributes::{Attributes, AttributesWire, ATTRIBUTES_MAX};
pub use authorship::{may_change, same_sender, Author, AuthorKey};
pub use bucket::{TokenBucket, Wait, REFILL_MS};
pub use channel::{AttributeBreakdown, ChannelSummary, ValueSummary};
pub use chat::chat_escape;
pub use comment::Comment;
pub use config::{Placement, Position, ResolvedWidget, Theme, Triggers, WidgetConfig, DELAY_SECONDS_MAX, RADIUS_MAX};
pub use day::{format_day, parse_day};
pub use error::{ApiError, ErrorBody, ValidationError};
pub use feedback::{FeedbackItem, FeedbackPage};
pub use ids::{SiteId, SubmissionId};
pub use link::{Campaign, RatingLink, Reference, WEB_CHANNEL};
pub use locale::Locale;
pub use network::{network_prefix, UNKNOWN_NETWORK};
pub use origin::Origin;
pub use outcome::{SubmitOutcome, SubmitStatus};
pub use page::{PagePath, OTHER_PAGE, PAGES_PER_DAY_MAX};
pub use patch::{CheckedPatch, SitePatch};
pub use revision::{rev_in_bounds, REVISIONS_MAX, REV_MAX};
pub use scale::{Rating, Scale, Sentiment};
pub use secure_url::is_secure_url;
pub use shards::{ShardMap, SHARDS_MAX};
pub use site::{Limits, NewSite, OwnerKey, SiteConfig, SiteCreated, SiteSettings, SiteView};
pub use submission::{Submission, SubmissionWire};
pub use summary::{
    Bucket, Nps, PageCursor, PagesWindow, ScaleSummary, Score, Slice, Summary, RANKED_MIN_RATINGS, RANKED_PAGES, SUMMARY_PAGES_DEFAULT,
    SUMMARY_PAGES_MAX,
};
pub use triage::{Status, Tag, Triage, TriageWire, TAGS_PER_SUBMISSION_MAX, TAG_MAX_CHARS, TRIAGE_IDS_MAX};
pub use turnstile::{TurnstileSettings, TurnstileView};
pub use webhook::{Threshold, WebhookSettings};
