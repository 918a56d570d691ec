//! Where the visitor is in one widget: the step it shows and the submission so far.

use alloc::string::String;

use sayso_core::Submission;

use crate::boundary::step;

/// What the widget shows (the host is told its number, `boundary::step`).
#[derive(Clone, Copy, Default, PartialEq, Eq)]
#[repr(u32)]
pub enum Step {
    /// The question and the scale.
    #[default]
    Rate = step::RATE,
    /// The scale with the chosen value, and the optional comment.
    Comment = step::COMMENT,
    /// Sent; "Undo" while `undo` is on.
    Thanks = step::THANKS,
    /// The visitor took it back.
    Undone = step::UNDONE,
    /// Taking it back failed (offline, say).
    UndoFailed = step::UNDO_FAILED,
}

/// Where the visitor is.
#[derive(Default)]
pub(crate) struct State {
    /// The page this state belongs to; a navigation to another page starts afresh.
    pub(crate) page: String,
    /// The submission so far; its id stays the same through every edit.
    pub(crate) submission: Option<Submission>,
    pub(crate) step: Step,
    /// Floating and popover widgets: whether the panel is open (inline ones always are).
    pub(crate) open: bool,
    /// Whether the snippet's widget belongs on this page (URL patterns, sampling).
    pub(crate) wanted: bool,
    /// When the comment box appeared (ms), for the spam rule's `dwell_ms`.
    pub(crate) comment_shown_at: f64,
    /// Whether "Undo" is still offered.
    pub(crate) undo: bool,
    /// Whether a popover trigger already fired on this page.
    pub(crate) prompted: bool,
    /// The panel is being drawn because it just opened (it fades in).
    pub(crate) opening: bool,
    /// The latest Turnstile token, for sites that want one with comments.
    pub(crate) turnstile: Option<String>,
    /// Bumped by every navigation: a timer or an answer from an earlier page finds it changed.
    pub(crate) generation: u32,
}

impl State {
    /// A widget's state on `page`, before its first render.
    pub(crate) fn on(page: String) -> State {
        State { page, ..State::default() }
    }
}
