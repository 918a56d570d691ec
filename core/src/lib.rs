//! sayso-core: every rule the widget and the Worker share, written once.
//!
//! No browser and no Worker types live here, so the same code validates a submission in the
//! visitor's browser and again at the edge, and the same `Aggregate` answers every summary.
//! It is `no_std` (with `alloc`) so the widget can leave the standard library out of its bytes.

#![cfg_attr(not(test), no_std)]

extern crate alloc;

pub mod aggregate;
pub mod config;
pub mod export;
pub mod i18n;
pub mod scale;
pub mod strings;
pub mod validate;
pub mod wire;

pub use aggregate::{Aggregate, Breakdown, Tally};
pub use config::{Placement, Position, ResolvedWidget, Theme, Triggers};
pub use scale::{Rating, Scale, Sentiment};
pub use validate::{Comment, Locale, Origin, PagePath, SiteId, SubmissionId, ValidationError};
pub use wire::{
    ApiError, Bucket, ErrorBody, FeedbackItem, FeedbackPage, NewSite, TurnstileSettings, TurnstileView, Score, Slice, Nps, ScaleSummary, CheckedPatch, Limits, SiteConfig, SiteCreated, SitePatch, WebhookSettings, SiteSettings, SiteView, OwnerKey, Submission,
    SubmissionWire, SubmitOutcome, SubmitStatus, Summary, WidgetConfig,
};
