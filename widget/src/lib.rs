//! The sayso widget: what one `<sayso-feedback>` shows, what a click or a key means, and the
//! submission it builds with `sayso-core`'s rules (the same ones the edge applies).
//!
//! The browser plumbing lives in `js/host.js`: the shadow root, the config fetch, the outbox
//! (localStorage, `fetch`, `sendBeacon`, retries), timers, popover triggers, focus, Turnstile.
//! The host calls the entry points below with plain numbers and strings, and this module answers
//! through a dozen coarse imports. The split is the size budget's: every web-sys call and every
//! Rust closure handed to JS costs glue on both sides, and with the plumbing written in Rust the
//! widget weighed 34.5 KB gzipped; here it is well under the 20 KB budget (see CHANGELOG).
//!
//! `no_std`: without the standard library its panic machinery and `core::fmt` drop out of the
//! wasm (several KB gzipped); a panic, which would be a bug, aborts the module.

#![no_std]

extern crate alloc;

mod settings;
mod view;

#[cfg(all(target_arch = "wasm32", not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

// A free-list allocator of a few hundred bytes instead of std's dlmalloc (~7 KB): the widget
// allocates little, and its bytes are our users' visitors' bytes.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: wasm32-unknown-unknown without the atomics feature runs on one thread.
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

use alloc::borrow::ToOwned;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::{Ref, RefCell, RefMut};

use sayso_core::config::page_wanted;
use sayso_core::{Comment, Locale, PagePath, Rating, SiteId, Submission, SubmissionId};
use wasm_bindgen::prelude::*;

use settings::{Mode, Settings};

/// How long the "Undo" button stays after sending (ms).
const UNDO_MS: u32 = 10_000;

/// What the host page's browser does for the widget (`js/host.js`). `n` is always the widget's
/// number: no JS object crosses into Rust (each would cost glue on both sides).
#[wasm_bindgen(module = "/js/host.js")]
extern "C" {
    /// Attaches the shadow root (with `css`), fetches the site's config in `locale`, then calls
    /// `create`.
    fn start(n: u32, locale: &str, css: &str);
    /// A setting, if present: `@name` is the element's attribute, anything else a dotted path
    /// into the site's widget config (`triggers.include.0`), read as text.
    fn setting(n: u32, path: &str) -> Option<String>;
    /// The element's nearest `lang` (`which` 0), or the browser's language (1).
    fn language(n: u32, which: u32) -> Option<String>;
    /// Replaces the widget's content with a view written by `view::View`.
    fn draw(n: u32, view: &str);
    /// Focuses the first element in the widget matching `selector`.
    fn focus(n: u32, selector: &str);
    /// Says `text` in the live region and focuses the message.
    fn say(n: u32, text: &str);
    /// Dispatches a composed, bubbling event on the element; `detail` is JSON or empty.
    fn emit(n: u32, name: &str, detail: &str);
    /// Puts a submission in the site's outbox, which delivers it.
    fn post(n: u32, id: &str, body: &str);
    /// Takes a submission back (from the outbox, or at the edge with its receipt); answers
    /// with `act(n, "undone" | "kept", generation)`.
    fn take(n: u32, id: &str, generation: u32);
    /// Calls `act(n, "expire", generation)` after `ms`.
    fn later(n: u32, ms: u32, generation: u32);
    /// Don't ask again (popover) for the site's `snooze_days`.
    fn snooze(n: u32);
    /// Milliseconds since 1970.
    fn now() -> f64;
    /// Fills `bytes` from the browser's CSPRNG.
    fn fill(bytes: &mut [u8]);
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console)]
    fn warn(message: &str);
}

/// The host's `mount` found a `<sayso-feedback>` for `site` and numbered it `n`: checks the site
/// id, picks the visitor's language and has the host start it.
#[wasm_bindgen]
pub fn begin(n: u32, site: &str) {
    if SiteId::parse(site).is_err() {
        return warn("sayso: the site id is not valid");
    }
    let locale = (0..2).find_map(|which| Locale::parse(&language(n, which)?).ok()).unwrap_or_default();
    start(n, locale.as_str(), view::CSS);
}

/// Creates widget `n` once its config has arrived (or could not: the visitor can still rate,
/// in English). `sampled`: whether this visitor is in the site's sample. Returns the mode:
/// 0 off, 1 inline, 2 floating, 3 popover (the host makes it the element's `data-mode`).
#[wasm_bindgen]
pub fn create(n: u32, site: &str, locale: &str, page: String, sampled: bool) -> u32 {
    // `begin` checked the site id.
    let Ok(site) = SiteId::parse(site) else { return 0 };
    let settings = Settings::read(n, sampled);
    let locale = Locale::parse(locale).unwrap_or_default();
    let state = Shared(RefCell::new(State { page, ..State::default() }));
    let widget = Rc::new(Widget { n, site, locale, settings, state });
    WIDGETS.0.borrow_mut().push(Rc::clone(&widget));
    let mode = widget.settings.mode;
    if mode != Mode::Off {
        widget.navigated_to();
    }
    mode as u32
}

/// Something happened to widget `n` (one entry point for every event: each export costs glue
/// on both sides). `action` is a button's `data-action` or one of the host's own:
///
/// - `rate`: the visitor chose `value` on the scale, on the page at the path `text`;
/// - `send`: the comment `text` (as typed, NFC) with what is in the honeypot (`trap`);
/// - `skip`, `undo`, `close`, `tab` (the floating tab), `escape`;
/// - `open`: the page's `element.open()` or the visitor asked; `prompt`: a popover trigger;
/// - `navigate`: history navigation to the path `text` in a single-page app;
/// - `token`: a Turnstile token `text` for the next comment;
/// - `expire`: the time for "Undo" ran out; `undone` / `kept`: the answer to `take`, both for
///   the page generation `value`.
///
/// Returns `true` for a `navigate` that reached another page (the host re-arms its triggers).
#[wasm_bindgen]
pub fn act(n: u32, action: &str, value: u32, text: String, trap: String) -> bool {
    let Some(w) = WIDGETS.0.borrow().iter().find(|w| w.n == n).cloned() else { return false };
    let open = w.state.borrow().open;
    match action {
        "rate" => w.rate(value, &text),
        "send" => w.send_comment(&text, trap),
        "skip" => w.finish(),
        "undo" => w.undo(),
        "close" => w.close(),
        "tab" | "escape" if open && w.settings.mode != Mode::Inline => w.close(),
        "tab" | "open" => w.open(true),
        "prompt" => w.open(false),
        "navigate" => return w.navigated(text),
        "token" => w.state.borrow_mut().turnstile = Some(text),
        "expire" => w.expire(value),
        "undone" | "kept" => w.undone(value, action == "undone"),
        _ => {}
    }
    false
}

/// Every widget on the page, by number.
struct Registry(Shared<Vec<Rc<Widget>>>);

// SAFETY: wasm32-unknown-unknown without the atomics feature has one thread; nothing else can
// ever observe this value.
unsafe impl Sync for Registry {}

// Each widget is an `Rc`, so no borrow of the registry is held while it calls out to the page
// (whose listeners may call back in).

static WIDGETS: Registry = Registry(Shared(RefCell::new(Vec::new())));

/// A `RefCell` whose misuse (a bug) aborts without a message: `RefCell`'s own panics would
/// bring `core::fmt` into the wasm.
pub(crate) struct Shared<T>(RefCell<T>);

impl<T> Shared<T> {
    pub(crate) fn borrow(&self) -> Ref<'_, T> {
        self.0.try_borrow().unwrap_or_else(|_| abort())
    }

    pub(crate) fn borrow_mut(&self) -> RefMut<'_, T> {
        self.0.try_borrow_mut().unwrap_or_else(|_| abort())
    }
}

fn abort() -> ! {
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
    #[cfg(not(target_arch = "wasm32"))]
    unreachable!("a RefCell borrowed twice")
}

/// One widget on the page.
pub(crate) struct Widget {
    /// The host's number for it.
    n: u32,
    site: SiteId,
    locale: Locale,
    pub(crate) settings: Settings,
    pub(crate) state: Shared<State>,
}

/// What the widget shows.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub enum Step {
    /// The question and the scale.
    #[default]
    Rate,
    /// The scale with the chosen value, and the optional comment.
    Comment,
    /// Sent; "Undo" while `undo` is on.
    Thanks,
    /// The visitor took it back.
    Undone,
    /// Taking it back failed (offline, say).
    UndoFailed,
}

/// Where the visitor is.
#[derive(Default)]
pub(crate) struct State {
    /// The page this state belongs to; a navigation to another page starts afresh.
    page: String,
    /// The submission so far; its id stays the same through every edit.
    pub(crate) submission: Option<Submission>,
    pub(crate) step: Step,
    /// Floating and popover widgets: whether the panel is open (inline ones always are).
    pub(crate) open: bool,
    /// Whether the snippet's widget belongs on this page (URL patterns, sampling).
    pub(crate) wanted: bool,
    /// When the comment box appeared (ms), for the spam rule's `dwell_ms`.
    comment_shown_at: f64,
    /// Whether "Undo" is still offered.
    pub(crate) undo: bool,
    /// Whether a popover trigger already fired on this page.
    prompted: bool,
    /// The panel is being drawn because it just opened (it fades in).
    pub(crate) opening: bool,
    /// The latest Turnstile token, for sites that want one with comments.
    pub(crate) turnstile: Option<String>,
    /// Bumped by every navigation: a timer or an answer from an earlier page finds it changed.
    generation: u32,
}

impl Widget {
    fn render(&self) {
        let view = view::render(self, &self.state.borrow());
        draw(self.n, &view);
    }

    /// The rating chosen so far.
    pub(crate) fn chosen(&self) -> Option<Rating> {
        self.state.borrow().submission.as_ref().map(|s| s.rating)
    }

    fn open(&self, by_request: bool) {
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

    fn close(&self) {
        self.state.borrow_mut().open = false;
        if self.settings.mode == Mode::Popover {
            snooze(self.n);
        }
        self.render();
        focus(self.n, ".tab");
    }

    /// A new page (or the first): the state starts afresh.
    fn navigated_to(&self) {
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
    fn navigated(&self, page: String) -> bool {
        if self.state.borrow().page == page {
            return false;
        }
        self.state.borrow_mut().page = page;
        self.navigated_to();
        true
    }

    /// The time for "Undo" has run out.
    fn expire(&self, generation: u32) {
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
    fn undone(&self, generation: u32, undone: bool) {
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
    fn rate(&self, value: u32, page: &str) {
        let Ok(rating) = Rating::new(self.settings.scale, i64::from(value)) else { return };
        {
            let mut state = self.state.borrow_mut();
            let submission = match state.submission.take() {
                Some(previous) if previous.rating == rating => {
                    state.submission = Some(previous);
                    return;
                }
                Some(previous) => Submission { rating, rev: previous.rev + 1, ..previous },
                None => Submission {
                    id: new_id(),
                    site: self.site.clone(),
                    rating,
                    comment: None,
                    page: PagePath::from_location(page),
                    locale: self.locale.clone(),
                    client_ts: now() as i64,
                    widget_version: env!("CARGO_PKG_VERSION").to_owned(),
                    rev: 0,
                    trap: None,
                    dwell_ms: None,
                    turnstile: None,
                },
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
    fn send_comment(&self, text: &str, trap: String) {
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
    fn finish(&self) {
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
        later(self.n, UNDO_MS, generation);
    }

    /// Takes the submission back: still waiting, it never leaves; sent, the edge deletes it
    /// with the receipt it answered and corrects the counts.
    fn undo(&self) {
        let (id, generation) = {
            let state = self.state.borrow();
            (state.submission.as_ref().map(|s| s.id.as_str().to_owned()), state.generation)
        };
        // No borrow held: the host may answer at once (`act(n, "undone")`).
        if let Some(id) = id {
            take(self.n, &id, generation);
        }
    }

    /// Hands the submission as it stands to the outbox, with no borrow held; returns the JSON
    /// sent, for `submitted`.
    fn deliver(&self) -> Option<String> {
        let (id, json) = self.state.borrow().submission.as_ref().map(|s| (s.id.as_str().to_owned(), s.to_json()))?;
        post(self.n, &id, &json);
        Some(json)
    }

    /// Says the outcome of sending or undoing, on the change only, so a later re-render never
    /// takes focus back or repeats the announcement.
    fn announce(&self, step: Step) {
        say(self.n, self.settings.text(view::outcome(step)));
    }

    /// Focuses the chosen value, else the first.
    fn focus_scale(&self) {
        let selector = match self.chosen() {
            Some(r) => cat(&["[data-value=\"", &view::number(i64::from(r.value())), "\"]"]),
            None => String::from("[role=radio]"),
        };
        focus(self.n, &selector);
    }

    /// `sayso:submitted` on the element, for the page's own code (analytics, say): the detail
    /// is what was sent, as the API reference describes it (the host drops the spam fields).
    fn submitted(&self, sent: Option<String>) {
        if let Some(json) = sent {
            emit(self.n, "sayso:submitted", &json);
        }
    }
}

/// Joins strings (`[..].concat()` brings a generic join the widget does not need: ~1 KB).
pub(crate) fn cat(parts: &[&str]) -> String {
    let mut out = String::new();
    for part in parts {
        out.push_str(part);
    }
    out
}

/// A UUIDv7 from the clock and the browser's CSPRNG.
fn new_id() -> SubmissionId {
    let mut random = [0u8; 10];
    fill(&mut random);
    SubmissionId::v7(now() as u64, random)
}
