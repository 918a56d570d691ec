//! The wire types' first home, kept as an index so their old paths (`wire::Submission`, …) stay
//! valid: each type now lives in the module of its subject.

pub use crate::config::WidgetConfig;
pub use crate::error::{ApiError, ErrorBody};
pub use crate::feedback::{FeedbackItem, FeedbackPage};
pub use crate::json::push_int;
pub use crate::outcome::{SubmitOutcome, SubmitStatus};
pub use crate::patch::{CheckedPatch, SitePatch};
pub use crate::site::{Limits, NewSite, OwnerKey, SiteConfig, SiteCreated, SiteSettings, SiteView, MAX_ORIGINS};
pub use crate::submission::{Submission, SubmissionWire};
pub use crate::summary::{Bucket, Nps, ScaleSummary, Score, Slice, Summary};
pub use crate::turnstile::{TurnstileSettings, TurnstileView, TURNSTILE_VERIFY_URL};
pub use crate::webhook::WebhookSettings;
