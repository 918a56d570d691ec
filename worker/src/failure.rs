//! Everything that can go wrong while answering a request, and the one mapping from each to
//! what the client sees (status, code, message). `http.rs` turns it into the JSON error.

use sayso_core::{Scale, ValidationError};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::http::BODY_LIMIT;

/// Everything that can go wrong while answering a request.
///
/// A failure of the site's object crosses to the Worker as itself (serde, see
/// `site::refusal`), so the Worker answers it exactly as the object meant it.
#[derive(Debug, Error, Serialize, Deserialize)]
pub enum Failure {
    /// The input broke one of sayso-core's rules.
    #[error(transparent)]
    Invalid(
        #[from]
        #[serde(with = "crate::site::refusal")]
        ValidationError,
    ),
    /// The body is not JSON of the shape the route expects.
    #[error("the body is not valid JSON for this route: {0}")]
    BadJson(String),
    /// The site in the body is not the site in the URL.
    #[error("the submission's site does not match the site in the URL")]
    SiteMismatch,
    /// The body is larger than `BODY_LIMIT`.
    #[error("the body is larger than {BODY_LIMIT} bytes")]
    TooLarge,
    /// The body's media type is not one the route reads.
    #[error("send the body as {0}")]
    UnsupportedMediaType(String),
    /// No route has this path.
    #[error("there is nothing at this path")]
    NotFound,
    /// The path exists, the method does not; the methods it does accept.
    #[error("this path accepts only {0}")]
    MethodNotAllowed(String),
    /// A body came without `Content-Length` (browsers, beacons and curl always send one).
    #[error("send the body with a Content-Length header")]
    LengthRequired,
    /// A query parameter is malformed.
    #[error("{0}")]
    InvalidQuery(String),
    /// No submission of this site has this id.
    #[error("there is no feedback with this id")]
    FeedbackNotFound,
    /// No site has this id.
    #[error("there is no site with this id")]
    SiteNotFound,
    /// A site with the chosen id exists already.
    #[error("a site with this id exists already")]
    SiteExists,
    /// A write came without `Origin` or `Referer`.
    #[error("the request has no Origin or Referer header")]
    OriginRequired,
    /// The site requires a Turnstile token with comments, and this one is missing or bad.
    #[error("the Turnstile check failed; please try again")]
    TurnstileFailed,
    /// A write came from a page whose origin the site does not allow.
    #[error("this site does not accept feedback from this origin")]
    OriginNotAllowed,
    /// The bearer token is missing or wrong.
    #[error("a valid key is required: send Authorization: Bearer <key>")]
    Unauthorized,
    /// The Worker has no `ADMIN_TOKEN` secret, so admin routes are off.
    #[error("admin routes are off: set the ADMIN_TOKEN secret")]
    AdminDisabled,
    /// A rate limit is exhausted; try again after this many seconds.
    #[error("too many requests from this visitor or site: try again in {0} s")]
    RateLimited(u32),
    /// Same id and revision as a stored submission but different content.
    #[error("this submission id and revision were already used for different content")]
    EditConflict,
    /// An edit came after the edit window of its submission closed.
    #[error("this submission can no longer be changed")]
    EditWindowClosed,
    /// A rating on a scale the site does not accept (`SiteView::accepts`).
    #[error("this site does not accept ratings on the {0} scale (see its scales setting)")]
    ScaleNotAccepted(Scale),
    /// A submission already has `REVISIONS_MAX` revisions stored.
    #[error("this submission has been changed as often as it may be")]
    TooManyRevisions,
    /// A change of a stored submission without the key it was sent with (authorship).
    #[error("only the browser that sent this submission may change it: send the same key it was sent with")]
    NotAuthor,
    /// A copy of a submission that was deleted or undone: it is never stored again.
    #[error("this submission was deleted; it is not stored again")]
    SubmissionDeleted,
    /// A webhook test event was asked for, and the site has no webhook.
    #[error("this site has no webhook: set one first (PATCH the site's webhook)")]
    WebhookNotSet,
    /// An owner call on a site whose erase began and has not finished (a shard failed half-way).
    #[error("this site is being erased and may be partly erased already: send DELETE again to finish")]
    SiteBeingErased,
    /// The widget assets were not built into this Worker.
    #[error("the widget is not built into this Worker: run `cargo xtask build`")]
    WidgetMissing,
    /// The owner asked to remove a reply that the submission does not have.
    #[error("this feedback has no reply")]
    ReplyNotFound,
    /// A visitor's follow-up to a submission the owner has not replied to.
    #[error("there is no reply to answer yet")]
    NoReply,
    /// A visitor's second follow-up: a reply is answered once.
    #[error("this reply was already answered (a reply takes one follow-up)")]
    FollowupExists,
    /// A quote consent the site does not ask for: testimonials off, no comment, or a rating
    /// below the top of its scale (`quote::invites_quote`).
    #[error("this feedback cannot be quoted: the site asks only for top ratings with a comment, when it shows testimonials")]
    QuoteNotInvited,
    /// An owner's decision on a submission whose visitor gave no consent (or withdrew it).
    #[error("the visitor has not agreed to be quoted (or withdrew)")]
    QuoteNotConsented,
    /// The site does not publish testimonials.
    #[error("this site does not publish testimonials (its owner can turn them on: public.testimonials)")]
    TestimonialsOff,
    /// The site does not publish a badge.
    #[error("this site does not publish a badge (its owner can turn it on: public.badge)")]
    BadgeOff,
    /// Our fault; the detail goes to the log, never to the client.
    #[error("internal error")]
    Internal(String),
}

impl From<worker::Error> for Failure {
    fn from(e: worker::Error) -> Self {
        Failure::Internal(e.to_string())
    }
}

impl Failure {
    /// The one mapping from an error to what the client sees: (status, code, message).
    pub fn status_code_message(&self) -> (u16, &'static str, String) {
        let (status, code) = match self {
            Failure::Invalid(e) => (400, e.code()),
            Failure::BadJson(_) => (400, "invalid_json"),
            Failure::SiteMismatch => (400, "site_mismatch"),
            Failure::TooLarge => (413, "body_too_large"),
            Failure::UnsupportedMediaType(_) => (415, "unsupported_media_type"),
            Failure::NotFound => (404, "not_found"),
            Failure::MethodNotAllowed(_) => (405, "method_not_allowed"),
            Failure::LengthRequired => (411, "length_required"),
            Failure::SiteNotFound => (404, "site_not_found"),
            Failure::InvalidQuery(_) => (400, "invalid_query"),
            Failure::FeedbackNotFound => (404, "feedback_not_found"),
            Failure::SiteExists => (409, "site_exists"),
            Failure::OriginRequired => (403, "origin_required"),
            Failure::OriginNotAllowed => (403, "origin_not_allowed"),
            Failure::TurnstileFailed => (403, "turnstile_failed"),
            Failure::Unauthorized => (401, "unauthorized"),
            Failure::AdminDisabled => (503, "admin_disabled"),
            Failure::EditConflict => (409, "edit_conflict"),
            Failure::RateLimited(_) => (429, "rate_limited"),
            Failure::EditWindowClosed => (409, "edit_window_closed"),
            Failure::TooManyRevisions => (409, "too_many_revisions"),
            Failure::ScaleNotAccepted(_) => (400, "scale_not_accepted"),
            Failure::NotAuthor => (403, "not_author"),
            Failure::SubmissionDeleted => (410, "submission_deleted"),
            Failure::WebhookNotSet => (409, "webhook_not_set"),
            Failure::SiteBeingErased => (409, "site_being_erased"),
            Failure::WidgetMissing => (503, "widget_missing"),
            Failure::ReplyNotFound => (404, "reply_not_found"),
            Failure::NoReply => (409, "no_reply"),
            Failure::FollowupExists => (409, "followup_exists"),
            Failure::QuoteNotInvited => (409, "quote_not_invited"),
            Failure::QuoteNotConsented => (409, "quote_not_consented"),
            Failure::TestimonialsOff => (404, "testimonials_off"),
            Failure::BadgeOff => (404, "badge_off"),
            Failure::Internal(_) => (500, "internal"),
        };
        (status, code, self.to_string())
    }
}
