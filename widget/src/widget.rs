//! One widget: what each of the visitor's steps does to its `State`, with the submission it
//! builds by `sayso-core`'s rules and hands to the host's outbox.

use alloc::borrow::ToOwned;
use alloc::string::String;

use sayso_core::attributes::ELEMENT_TEXT_MAX;
use sayso_core::config::page_wanted;
use sayso_core::{Comment, Locale, PagePath, Rating, SiteId, Submission};

use crate::boundary::setting::ATTRS_ATTRIBUTE;
use crate::boundary::{dom, Mode};
use crate::host::{emit, focus, later, now, post, say, setting, snooze, take, warn};
use crate::settings::Settings;
use crate::state::{State, Step};
use crate::{new_id, view, Shared};

/// How long the "Undo" button stays after sending (ms).
const UNDO_MS: i32 = 10_000;

/// One widget on the page.
pub(crate) struct Widget {
    /// The host's number for it.
    pub(crate) n: i32,
    pub(crate) site: SiteId,
    pub(crate) locale: Locale,
    pub(crate) settings: Settings,
    pub(crate) state: Shared<State>,
}

impl Widget {
    fn render(&self) {
        view::render(self, &self.state.borrow());
    }

    /// The rating chosen so far.
    pub(crate) fn chosen(&self) -> Option<Rating> {
        self.state.borrow().submission.as_ref().map(|s| s.rating)
    }

    pub(crate) fn open(&self, by_request: bool) {
        {
            let mut state = self.state.borrow_mut();
            if !by_request && (!state.wanted || state.prompted) {
                return;
            }
            state.prompted |= !by_request;
            if state.open && !by_request {
                return;
            }
            state.open = true;
            state.opening = true;
            // The page asked: show it even where the snippet's widget would not appear by itself
            // (an excluded path, a visitor outside the sample).
            state.wanted |= by_request;
        }
        self.render();
        self.state.borrow_mut().opening = false;
        if by_request {
            // Asked for (a click, a key, the page's code): take the visitor there. A trigger
            // never moves focus: the visitor may be typing in the page.
            self.focus_scale();
        }
        emit(self.n, "sayso:opened", "");
    }

    pub(crate) fn close(&self) {
        self.state.borrow_mut().open = false;
        if self.settings.mode == Mode::Popover {
            snooze(self.n);
        }
        self.render();
        focus(self.n, dom::TAB);
    }

    /// A new page (or the first): the state starts afresh.
    pub(crate) fn navigated_to(&self) {
        {
            let mut state = self.state.borrow_mut();
            let s = &self.settings;
            state.submission = None;
            state.step = Step::Rate;
            state.undo = false;
            state.prompted = false;
            state.generation = state.generation.wrapping_add(1);
            state.wanted = !s.auto || (page_wanted(&s.triggers, &state.page) && s.sampled);
            state.open = s.mode == Mode::Inline || (state.open && s.mode == Mode::Floating);
        }
        self.render();
    }

    /// History navigation: another page starts afresh.
    pub(crate) fn navigated(&self, page: String) -> bool {
        if self.state.borrow().page == page {
            return false;
        }
        self.state.borrow_mut().page = page;
        self.navigated_to();
        true
    }

    /// The time for "Undo" has run out.
    pub(crate) fn expire(&self, generation: u32) {
        {
            let mut state = self.state.borrow_mut();
            if state.generation != generation || state.step != Step::Thanks || !state.undo {
                return;
            }
            state.undo = false;
        }
        self.render();
    }

    /// The answer to `take`.
    pub(crate) fn undone(&self, generation: u32, undone: bool) {
        let step = if undone { Step::Undone } else { Step::UndoFailed };
        {
            let mut state = self.state.borrow_mut();
            if state.generation != generation {
                // The visitor has moved on to another page of a single-page app.
                return;
            }
            state.undo = false;
            state.step = step;
            if undone {
                state.submission = None;
            }
        }
        self.render();
        self.announce(step);
    }

    /// The rating is sent the moment it is chosen; choosing it again sends nothing new.
    pub(crate) fn rate(&self, value: u32, page: &str) {
        let Ok(rating) = Rating::new(self.settings.scale, i64::from(value)) else { return };
        {
            let mut state = self.state.borrow_mut();
            let submission = match state.submission.take() {
                Some(previous) if previous.rating == rating => {
                    state.submission = Some(previous);
                    return;
                }
                Some(previous) => Submission { rating, rev: previous.rev + 1, ..previous },
                None => {
                    let (id, key) = new_id();
                    Submission {
                        id,
                        site: self.site.clone(),
                        rating,
                        comment: None,
                        page: PagePath::from_location(page),
                        locale: self.locale.clone(),
                        client_ts: now() as i64,
                        widget_version: env!("CARGO_PKG_VERSION").to_owned(),
                        rev: 0,
                        key: Some(key),
                        trap: None,
                        dwell_ms: None,
                        turnstile: None,
                        attributes: Default::default(),
                    }
                }
            };
            if state.step == Step::Rate {
                state.step = Step::Comment;
                state.comment_shown_at = now();
            }
            state.submission = Some(submission);
        }
        let sent = self.deliver();
        self.render();
        // Keyboard users stay where they were: on the value they chose.
        self.focus_scale();
        // Last, with no borrow held: the page's listener may call back into the widget.
        self.submitted(sent);
    }

    /// The comment travels as the next revision of the same submission.
    pub(crate) fn send_comment(&self, text: &str, trap: String) {
        let Ok(comment) = Comment::parse(text) else {
            return warn("sayso: this comment cannot be sent");
        };
        let mut sent = false;
        {
            let mut state = self.state.borrow_mut();
            let dwell = (now() - state.comment_shown_at).max(0.0) as u32;
            if let Some(previous) = state.submission.take() {
                let next = if comment.is_some() && comment != previous.comment {
                    let turnstile = state.turnstile.take();
                    let trap = Some(trap).filter(|t| !t.is_empty());
                    sent = true;
                    Submission { comment, rev: previous.rev + 1, dwell_ms: Some(dwell), trap, turnstile, ..previous }
                } else {
                    previous
                };
                state.submission = Some(next);
            }
        }
        let sent = if sent { self.deliver() } else { None };
        self.finish();
        self.submitted(sent);
    }

    /// Thanks, with "Undo" for a while.
    pub(crate) fn finish(&self) {
        let generation = {
            let mut state = self.state.borrow_mut();
            state.step = Step::Thanks;
            state.undo = true;
            state.generation
        };
        if self.settings.mode == Mode::Popover {
            snooze(self.n);
        }
        self.render();
        self.announce(Step::Thanks);
        later(self.n, UNDO_MS, generation as i32);
    }

    /// Takes the submission back: still waiting, it never leaves; sent, the edge deletes it
    /// with the receipt it answered and corrects the counts.
    pub(crate) fn undo(&self) {
        let (id, generation) = {
            let state = self.state.borrow();
            (state.submission.as_ref().map(|s| s.id.as_str().to_owned()), state.generation)
        };
        // No borrow held: the host may answer at once (`act(n, "undone")`).
        if let Some(id) = id {
            take(self.n, &id, generation as i32);
        }
    }

    /// Hands the submission as it stands to the outbox, with no borrow held; returns the JSON
    /// sent, for `submitted`.
    fn deliver(&self) -> Option<String> {
        // The element's `attrs` as they are at each send, so a page that sets them late
        // (`setAttribute`) is heard; the edge checks them (the widget ships no attribute rules).
        // A text past `ELEMENT_TEXT_MAX` (a page's mistake) is not sent: the rating must fit the body.
        let attrs = setting(self.n, ATTRS_ATTRIBUTE).filter(|a| a.len() <= ELEMENT_TEXT_MAX).unwrap_or_default();
        let (id, json) = self.state.borrow().submission.as_ref().map(|s| (s.id.as_str().to_owned(), s.to_json_with(&attrs)))?;
        post(self.n, &id, &json);
        Some(json)
    }

    /// Says the outcome of sending or undoing, on the change only, so a later re-render never
    /// takes focus back or repeats the announcement.
    fn announce(&self, step: Step) {
        say(self.n, step as i32);
    }

    /// Focuses the chosen value, else the first: the scale's one tab stop, as the render just
    /// drew it (view.js's `scaleOf`; one selector for both, instead of one built here with the
    /// value in it: -130 B gzipped).
    fn focus_scale(&self) {
        focus(self.n, "[role=radio][tabindex=\"0\"]");
    }

    /// `sayso:submitted` on the element, for the page's own code (analytics, say): the detail
    /// is what was sent, as the API reference describes it (the host drops the spam fields).
    fn submitted(&self, sent: Option<String>) {
        if let Some(json) = sent {
            emit(self.n, "sayso:submitted", &json);
        }
    }
}
