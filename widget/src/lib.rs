//! The sayso widget: what runs inside `<sayso-feedback>` once the loader (`js/loader.js`) has
//! found the element and instantiated this module. One exported entry point, `mount`.
//!
//! `no_std`: without the standard library its panic machinery and `core::fmt` drop out of the
//! wasm (several KB gzipped); a panic, which would be a bug, aborts the module.

#![no_std]

extern crate alloc;

mod outbox;
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
use core::cell::RefCell;

use sayso_core::config::page_wanted;
use sayso_core::{Comment, Locale, PagePath, Rating, SiteId, Submission, SubmissionId};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlElement, KeyboardEvent, ShadowRoot};

use outbox::{listen_forever, Outbox};
use settings::{Mode, Settings};

/// How long the "Undo" button stays after sending (ms).
const UNDO_MS: i32 = 10_000;

/// Renders the widget into `host` (a `<sayso-feedback>` element) for `site`, talking to `edge`.
/// Returns at once; the config is fetched in the background.
#[wasm_bindgen]
pub fn mount(host: HtmlElement, edge: String, site: String) -> Result<(), JsValue> {
    let site = host.get_attribute("site").unwrap_or(site);
    let site = SiteId::parse(&site).map_err(invalid)?;
    let root = view::attach(&host)?;
    // Created first, so what an earlier page left waiting goes out even if the config cannot load.
    let outbox = Outbox::for_site(&edge, site.as_str());
    let locale = locale_of(&host);
    let url = cat(&[edge.as_str(), "/v1/sites/", site.as_str(), "/config?lang=", locale.as_str()]);
    let start = move |widget: JsValue| {
        let settings = Settings::read(&host, &widget);
        if let Err(e) = start(host, root, site, outbox, locale, settings) {
            web_sys::console::warn_2(&"sayso: the feedback widget could not start:".into(), &e);
        }
    };
    outbox::settle(window()?.fetch_with_str(&url), move |fetched, response| {
        // Offline or the edge unreachable: the visitor can still rate, in English; the outbox
        // keeps the rating.
        if !fetched {
            return start(JsValue::UNDEFINED);
        }
        let response: web_sys::Response = response.unchecked_into();
        if !response.ok() {
            // No such site, or the edge refuses: show nothing rather than a dead widget.
            web_sys::console::warn_2(&"sayso: no widget configuration, HTTP".into(), &response.status().into());
            return;
        }
        match response.json() {
            Ok(json) => outbox::settle(json, move |parsed, json| {
                start(if parsed { get(&json, "widget") } else { JsValue::UNDEFINED })
            }),
            Err(_) => start(JsValue::UNDEFINED),
        }
    });
    Ok(())
}

fn start(host: HtmlElement, root: ShadowRoot, site: SiteId, outbox: Rc<Outbox>, locale: Locale, settings: Settings) -> Result<(), JsValue> {
    if settings.mode == Mode::Off {
        return Ok(());
    }
    let widget = Rc::new(Widget { host, root, site, locale, outbox, settings, state: RefCell::new(State::default()) });
    widget.host.set_attribute("data-mode", widget.settings.mode_name())?;
    widget.host.set_attribute("data-pos", widget.settings.position)?;
    let w = Rc::clone(&widget);
    listen_forever(&widget.root, "click", move |event| w.report(w.on_click(&event)));
    let w = Rc::clone(&widget);
    listen_forever(&widget.root, "keydown", move |event| w.report(w.on_key(&event)));
    let w = Rc::clone(&widget);
    listen_forever(&widget.host, "sayso:token", move |event| {
        let token = event.dyn_ref::<web_sys::CustomEvent>().and_then(|e| e.detail().as_string());
        w.state.borrow_mut().turnstile = token;
        // Enable Send in place: a re-render would take the comment box from under the
        // visitor's fingers.
        if let Ok(Some(send)) = w.root.query_selector("[data-action=send]") {
            let _ = send.remove_attribute("disabled");
        }
    });
    let w = Rc::clone(&widget);
    // `element.open()` (the loader's method) asks for this event.
    listen_forever(&widget.host, "sayso:open", move |_| w.report(w.open(true)));
    let window = window()?;
    for navigation in ["sayso:navigate", "popstate"] {
        let w = Rc::clone(&widget);
        listen_forever(&window, navigation, move |_| w.report(w.navigated()));
    }
    view::theme(&widget.root, &widget.settings)?;
    widget.state.borrow_mut().page = path();
    let asked = settings::get_bool(&widget.host, "o");
    widget.navigated_to(true)?;
    if widget.settings.mode == Mode::Popover {
        settings::arm_triggers(&widget);
    }
    if asked {
        widget.open(true)?;
    }
    Ok(())
}

/// One widget on the page.
pub(crate) struct Widget {
    host: HtmlElement,
    root: ShadowRoot,
    site: SiteId,
    locale: Locale,
    outbox: Rc<Outbox>,
    pub(crate) settings: Settings,
    pub(crate) state: RefCell<State>,
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
    submission: Option<Submission>,
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
    turnstile: Option<String>,
    /// Bumped by every navigation: a timer armed on an earlier page finds it changed.
    pub(crate) generation: u32,
}

impl Widget {
    fn report(&self, result: Result<(), JsValue>) {
        if let Err(e) = result {
            web_sys::console::warn_2(&"sayso:".into(), &e);
        }
    }

    pub(crate) fn render(&self) -> Result<(), JsValue> {
        let state = self.state.borrow();
        view::render(self, &state)
    }

    pub(crate) fn scale(&self) -> sayso_core::Scale {
        self.settings.scale
    }

    /// The rating chosen so far.
    pub(crate) fn chosen(&self) -> Option<Rating> {
        self.state.borrow().submission.as_ref().map(|s| s.rating)
    }

    /// Opens a floating or popover panel (`by_request`: the page or the visitor asked, rather
    /// than a trigger, so snoozing and page patterns do not apply).
    pub(crate) fn open(&self, by_request: bool) -> Result<(), JsValue> {
        {
            let mut state = self.state.borrow_mut();
            if !by_request && (!state.wanted || state.prompted || settings::snoozed(self)) {
                return Ok(());
            }
            state.prompted |= !by_request;
            if (state.open && !by_request) || !self.host.is_connected() {
                return Ok(());
            }
            state.open = true;
            state.opening = true;
            // The page asked: show it even where the snippet's widget would not appear by itself
            // (an excluded path, a visitor outside the sample).
            state.wanted |= by_request;
        }
        self.render()?;
        self.state.borrow_mut().opening = false;
        if by_request {
            // Asked for (a click, a key, the page's code): take the visitor there. A trigger
            // never moves focus: the visitor may be typing in the page.
            view::focus_scale(&self.root, self.chosen());
            if self.settings.mode == Mode::Inline {
                self.host.scroll_into_view_with_bool(false);
            }
        }
        self.emit("sayso:opened", JsValue::UNDEFINED)
    }

    fn close(&self) -> Result<(), JsValue> {
        self.state.borrow_mut().open = false;
        if self.settings.mode == Mode::Popover {
            settings::snooze(self);
        }
        self.render()?;
        view::focus_tab(&self.root);
        Ok(())
    }

    /// History navigation in a single-page app: a new page starts afresh.
    fn navigated(self: &Rc<Self>) -> Result<(), JsValue> {
        let now = path();
        if self.state.borrow().page == now || !self.host.is_connected() {
            return Ok(());
        }
        self.state.borrow_mut().page = now;
        self.navigated_to(false)
    }

    fn navigated_to(self: &Rc<Self>, first: bool) -> Result<(), JsValue> {
        {
            let mut state = self.state.borrow_mut();
            let page = state.page.clone();
            state.submission = None;
            state.step = Step::Rate;
            state.undo = false;
            state.prompted = false;
            state.generation = state.generation.wrapping_add(1);
            state.wanted = !self.settings.auto || (page_wanted(&self.settings.triggers, &page) && settings::sampled_in(self));
            state.open = self.settings.mode == Mode::Inline || (state.open && self.settings.mode == Mode::Floating);
        }
        if !first && self.settings.mode == Mode::Popover {
            settings::rearm(self);
        }
        self.render()
    }

    fn on_click(self: &Rc<Self>, event: &Event) -> Result<(), JsValue> {
        let Some(button) = target_button(event)? else { return Ok(()) };
        if let Some(value) = button.get_attribute("data-value").and_then(|v| v.parse::<i64>().ok()) {
            return self.rate(value);
        }
        match button.get_attribute("data-action").as_deref() {
            Some("send") => self.send_comment(),
            Some("skip") => self.finish(),
            Some("undo") => self.undo(),
            Some("close") => self.close(),
            Some("tab") => {
                if self.state.borrow().open {
                    self.close()
                } else {
                    self.open(true)
                }
            }
            _ => Ok(()),
        }
    }

    /// Arrow keys move between the values of the scale (a radio group with a roving tab
    /// stop); Space and Enter choose; Escape closes a floating or popover panel.
    fn on_key(&self, event: &Event) -> Result<(), JsValue> {
        let escape = event.dyn_ref::<KeyboardEvent>().is_some_and(|k| k.key() == "Escape");
        if escape && self.settings.mode != Mode::Inline && self.state.borrow().open {
            return self.close();
        }
        view::roam(&self.root, event, self.settings.dir == "rtl");
        Ok(())
    }

    /// The rating is sent the moment it is chosen; choosing it again sends nothing new.
    fn rate(self: &Rc<Self>, value: i64) -> Result<(), JsValue> {
        let rating = Rating::new(self.scale(), value).map_err(invalid)?;
        {
            let mut state = self.state.borrow_mut();
            let submission = match state.submission.take() {
                Some(previous) if previous.rating == rating => {
                    state.submission = Some(previous);
                    return Ok(());
                }
                Some(previous) => Submission { rating, rev: previous.rev + 1, ..previous },
                None => Submission {
                    id: new_id()?,
                    site: self.site.clone(),
                    rating,
                    comment: None,
                    page: PagePath::from_location(&path()),
                    locale: self.locale.clone(),
                    client_ts: js_sys::Date::now() as i64,
                    widget_version: env!("CARGO_PKG_VERSION").to_owned(),
                    rev: 0,
                    trap: None,
                    dwell_ms: None,
                    turnstile: None,
                },
            };
            if state.step == Step::Rate {
                state.step = Step::Comment;
                state.comment_shown_at = js_sys::Date::now();
            }
            self.outbox.send(&submission);
            state.submission = Some(submission);
        }
        self.render()?;
        // Keyboard users stay where they were: on the value they chose.
        view::focus_scale(&self.root, self.chosen());
        // Last, with no borrow held: the page's listener may call back into the widget.
        self.submitted()
    }

    /// The comment travels as the next revision of the same submission.
    fn send_comment(self: &Rc<Self>) -> Result<(), JsValue> {
        let text = view::comment_text(&self.root).unwrap_or_default();
        // NFC by the browser (the same rule the edge applies), so what is stored is what was typed.
        let text: String = js_sys::JsString::from(text.as_str()).normalize("NFC").into();
        let comment = Comment::parse(&text).map_err(invalid)?;
        let mut sent = false;
        {
            let mut state = self.state.borrow_mut();
            let dwell = (js_sys::Date::now() - state.comment_shown_at).max(0.0) as u32;
            let trap = view::trap_text(&self.root).filter(|t| !t.is_empty());
            if let Some(previous) = state.submission.take() {
                let next = if comment.is_some() && comment != previous.comment {
                    let turnstile = state.turnstile.take();
                    let next = Submission { comment, rev: previous.rev + 1, dwell_ms: Some(dwell), trap, turnstile, ..previous };
                    self.outbox.send(&next);
                    sent = true;
                    next
                } else {
                    previous
                };
                state.submission = Some(next);
            }
        }
        self.finish()?;
        if sent {
            self.submitted()?;
        }
        Ok(())
    }

    /// Thanks, with "Undo" for a while.
    fn finish(self: &Rc<Self>) -> Result<(), JsValue> {
        let generation = {
            let mut state = self.state.borrow_mut();
            state.step = Step::Thanks;
            state.undo = true;
            state.generation
        };
        if self.settings.mode == Mode::Popover {
            settings::snooze(self);
        }
        self.render()?;
        view::announce(&self.root, &self.settings, Step::Thanks);
        let w = Rc::clone(self);
        settings::after(UNDO_MS, move || {
            let mut state = w.state.borrow_mut();
            if state.generation == generation && state.step == Step::Thanks && state.undo {
                state.undo = false;
                drop(state);
                w.report(w.render());
            }
        });
        Ok(())
    }

    /// Takes the submission back: still waiting, it never leaves; sent, the edge deletes it
    /// with the receipt it answered and corrects the counts.
    fn undo(self: &Rc<Self>) -> Result<(), JsValue> {
        let Some(id) = self.state.borrow().submission.as_ref().map(|s| s.id.as_str().to_owned()) else { return Ok(()) };
        let w = Rc::clone(self);
        let generation = self.state.borrow().generation;
        self.outbox.undo(&id, move |undone| {
            if w.state.borrow().generation != generation {
                // The visitor has moved on to another page of a single-page app.
                return;
            }
            let step = if undone { Step::Undone } else { Step::UndoFailed };
            {
                let mut state = w.state.borrow_mut();
                state.undo = false;
                state.step = step;
                if undone {
                    state.submission = None;
                }
            }
            w.report(w.render());
            view::announce(&w.root, &w.settings, step);
        });
        Ok(())
    }

    /// `sayso:submitted` on the element, for the page's own code (analytics, say): the detail
    /// is what was sent, as the API reference describes it, without the spam fields.
    fn submitted(&self) -> Result<(), JsValue> {
        let Some(json) = self.state.borrow().submission.as_ref().map(Submission::to_json) else { return Ok(()) };
        let detail = js_sys::JSON::parse(&json)?;
        for spam in ["trap", "turnstile"] {
            js_sys::Reflect::delete_property(detail.unchecked_ref::<js_sys::Object>(), &spam.into())?;
        }
        self.emit("sayso:submitted", detail)
    }

    fn emit(&self, name: &str, detail: JsValue) -> Result<(), JsValue> {
        let init = web_sys::CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_detail(&detail);
        let event = web_sys::CustomEvent::new_with_event_init_dict(name, &init)?;
        self.host.dispatch_event(&event)?;
        Ok(())
    }

    pub(crate) fn root(&self) -> &ShadowRoot {
        &self.root
    }

    pub(crate) fn host(&self) -> &HtmlElement {
        &self.host
    }

    pub(crate) fn site(&self) -> &str {
        self.site.as_str()
    }
}

/// The `<button>` an event came from, if any.
fn target_button(event: &Event) -> Result<Option<Element>, JsValue> {
    let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return Ok(None) };
    target.closest("button")
}

/// What the widget reports for input its own controls should never produce (the error codes'
/// text stays out of the widget's bytes; the edge names the code if such input ever reaches it).
fn invalid(_: sayso_core::ValidationError) -> JsValue {
    JsValue::from_str("sayso: invalid input")
}

/// Joins strings (`[..].concat()` brings a generic join the widget does not need: ~1 KB).
pub(crate) fn cat(parts: &[&str]) -> String {
    let mut out = String::new();
    for part in parts {
        out.push_str(part);
    }
    out
}

/// Reads a property of a JS object (`undefined` when absent).
pub(crate) fn get(object: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(object, &name.into()).unwrap_or_default()
}

pub(crate) fn window() -> Result<web_sys::Window, JsValue> {
    web_sys::window().ok_or_else(|| JsValue::from_str("no window"))
}

/// The current page's path (it changes without a reload in single-page apps).
fn path() -> String {
    web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default()
}

/// A UUIDv7 from the clock and the browser's CSPRNG.
fn new_id() -> Result<SubmissionId, JsValue> {
    let mut random = [0u8; 10];
    window()?.crypto()?.get_random_values_with_u8_array(&mut random)?;
    Ok(SubmissionId::v7(js_sys::Date::now() as u64, random))
}

/// The element's language, else the nearest `lang` around it (the page's `<html lang>`), else
/// the browser's, else `en`.
fn locale_of(host: &HtmlElement) -> Locale {
    let from_page = host.closest("[lang]").ok().flatten().and_then(|e| e.get_attribute("lang"));
    let from_browser = web_sys::window().and_then(|w| w.navigator().language());
    [from_page, from_browser]
        .into_iter()
        .flatten()
        .find_map(|tag| Locale::parse(&tag).ok())
        .unwrap_or_default()
}
