//! What one widget shows and when: the site's config (as the edge resolved it for this
//! visitor's language) with the element's own attributes on top, and the popover's triggers,
//! sampling and "don't ask again", kept in `localStorage` (no cookies).

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use sayso_core::i18n::{self, question_key, KEYS};
use sayso_core::{Scale, Triggers};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use crate::outbox::listen_forever;
use crate::{cat, get, Widget};

/// How a widget appears.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// In the page's flow, always open.
    Inline,
    /// A tab in a corner that opens the panel.
    Floating,
    /// Opens by itself in a corner when a trigger fires.
    Popover,
    /// Not shown (the site's placement is `none` and the snippet placed this element).
    Off,
}

/// One widget's settings.
pub struct Settings {
    pub scale: Scale,
    /// Every string, by `i18n::KEYS` index, in one language.
    pub strings: Vec<String>,
    pub lang: String,
    pub dir: String,
    pub mode: Mode,
    /// Whether the snippet placed this element (URL patterns and sampling apply to it only).
    pub auto: bool,
    pub position: &'static str,
    pub triggers: Triggers,
    pub accent: Option<String>,
    pub radius: Option<u32>,
    /// The Turnstile site key, when the site wants a token with comments.
    pub turnstile: Option<String>,
}

const POSITIONS: [&str; 4] = ["bottom-right", "bottom-left", "top-right", "top-left"];

impl Settings {
    /// Reads the config's `widget` object (parsed by the browser's `JSON.parse`, so the widget
    /// ships no JSON parser; `undefined` when it could not load) and the element's attributes.
    pub fn read(host: &HtmlElement, widget: &JsValue) -> Settings {
        let text = |object: &JsValue, name: &str| get(object, name).as_string();
        let number = |object: &JsValue, name: &str| get(object, name).as_f64();
        let attribute = |name: &str| host.get_attribute(name).filter(|v| !v.trim().is_empty());
        let scale = attribute("scale")
            .or_else(|| text(widget, "scale"))
            .and_then(|s| Scale::parse(&s))
            .unwrap_or(Scale::Stars);
        let bundled = get(widget, "strings");
        let english = i18n::english();
        let mut strings: Vec<String> = KEYS.iter().zip(english).map(|(key, fallback)| text(&bundled, key).unwrap_or_else(|| String::from(*fallback))).collect();
        if let Some(question) = attribute("question") {
            strings[question_key(scale)] = question;
        }
        let auto = host.has_attribute("auto");
        let mode = if host.has_attribute("floating") {
            Mode::Floating
        } else if !auto {
            Mode::Inline
        } else {
            match text(widget, "placement").as_deref() {
                Some("popover") => Mode::Popover,
                Some("none") => Mode::Off,
                _ => Mode::Floating,
            }
        };
        let position = attribute("position")
            .or_else(|| text(widget, "position"))
            .and_then(|p| POSITIONS.into_iter().find(|known| *known == p))
            .unwrap_or(POSITIONS[0]);
        let triggers = get(widget, "triggers");
        let patterns = |name: &str| -> Vec<String> {
            get(&triggers, name).dyn_into::<js_sys::Array>().map(|list| list.iter().filter_map(|p| p.as_string()).collect()).unwrap_or_default()
        };
        let theme = get(widget, "theme");
        Settings {
            scale,
            strings,
            lang: text(widget, "lang").unwrap_or_else(|| String::from("en")),
            dir: text(widget, "dir").unwrap_or_else(|| String::from("ltr")),
            mode,
            auto,
            position,
            triggers: Triggers {
                delay_seconds: number(&triggers, "delay_seconds").map(|s| s as u32),
                scroll_percent: number(&triggers, "scroll_percent").map(|p| p as u8),
                exit_intent: get(&triggers, "exit_intent").is_truthy(),
                include: patterns("include"),
                exclude: patterns("exclude"),
                sample_percent: number(&triggers, "sample_percent").map_or(100, |p| p as u8),
                snooze_days: number(&triggers, "snooze_days").map_or(30, |d| d as u16),
            },
            accent: text(&theme, "accent"),
            radius: number(&theme, "radius").map(|r| r as u32),
            turnstile: text(widget, "turnstile"),
        }
    }

    pub fn mode_name(&self) -> &'static str {
        match self.mode {
            Mode::Inline => "inline",
            Mode::Floating => "floating",
            Mode::Popover => "popover",
            Mode::Off => "off",
        }
    }

    /// A string by `i18n::key` index.
    pub fn text(&self, key: usize) -> &str {
        self.strings.get(key).map_or("", String::as_str)
    }
}

/// A JS property of the element, read as a flag (the loader's `open()` sets `o` when it is
/// called before the widget has loaded).
pub fn get_bool(host: &HtmlElement, name: &str) -> bool {
    get(host, name).is_truthy()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn stored_number(key: &str) -> Option<f64> {
    storage()?.get_item(key).ok().flatten()?.parse::<u32>().ok().map(f64::from)
}

/// Whether the visitor answered or closed the popover within the last `snooze_days`.
pub fn snoozed(w: &Widget) -> bool {
    // Stored in hours since 1970 so it fits integer parsing (float parsing costs kilobytes).
    let until = stored_number(&cat(&["sayso.snooze.", w.site()])).unwrap_or(0.0);
    until * 3_600_000.0 > js_sys::Date::now()
}

/// Don't ask again for `snooze_days`.
pub fn snooze(w: &Widget) {
    let days = w.settings.triggers.snooze_days;
    if days == 0 {
        return;
    }
    let until = (js_sys::Date::now() / 3_600_000.0) as i64 + i64::from(days) * 24;
    let mut text = String::new();
    sayso_core::wire::push_int(&mut text, until);
    if let Some(storage) = storage() {
        let _ = storage.set_item(&cat(&["sayso.snooze.", w.site()]), &text);
    }
}

/// Whether this visitor is in the sample: a number 0–99 drawn once and kept, so a visitor is
/// in or out on every page and every visit.
pub fn sampled_in(w: &Widget) -> bool {
    let percent = w.settings.triggers.sample_percent;
    if percent >= 100 {
        return true;
    }
    let key = cat(&["sayso.sample.", w.site()]);
    let draw = stored_number(&key).unwrap_or_else(|| {
        let draw = (js_sys::Math::random() * 100.0) as i64;
        let mut text = String::new();
        sayso_core::wire::push_int(&mut text, draw);
        if let Some(storage) = storage() {
            let _ = storage.set_item(&key, &text);
        }
        draw as f64
    });
    draw < f64::from(percent)
}

/// Runs `then` after `ms` milliseconds.
pub fn after(ms: i32, then: impl FnOnce() + 'static) {
    after_boxed(ms, Box::new(then));
}

/// One closure type for every timer (see `outbox::listen_forever`).
fn after_boxed(ms: i32, then: Box<dyn FnOnce()>) {
    let callback = Closure::once_into_js(then);
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), ms);
    }
}

/// A trigger fired: open the popover unless this page already prompted, or the visitor is
/// snoozed or not sampled, or the page is excluded (`Widget::open` checks).
fn fire(w: &Rc<Widget>, generation: u32) {
    if w.state.borrow().generation != generation {
        // Armed on a page the visitor has left (a single-page app navigated): never shows.
        return;
    }
    if let Err(e) = w.open(false) {
        web_sys::console::warn_2(&"sayso:".into(), &e);
    }
}

/// Installs the popover's scroll and exit-intent listeners, and arms its timer.
pub fn arm_triggers(w: &Rc<Widget>) {
    let Some(window) = web_sys::window() else { return };
    let triggers = &w.settings.triggers;
    if let Some(percent) = triggers.scroll_percent {
        let this = Rc::clone(w);
        listen_forever(&window, "scroll", move |_| {
            let Some(window) = web_sys::window() else { return };
            let Some(page) = window.document().and_then(|d| d.document_element()) else { return };
            let seen = window.scroll_y().unwrap_or(0.0) + window.inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(0.0);
            let height = f64::from(page.scroll_height().max(1));
            if seen * 100.0 >= height * f64::from(percent) {
                let generation = this.state.borrow().generation;
                fire(&this, generation);
            }
        });
    }
    if triggers.exit_intent {
        if let Some(document) = window.document() {
            let this = Rc::clone(w);
            listen_forever(&document, "mouseout", move |event| {
                // The pointer left the page through its top edge: towards the tabs or the
                // address bar, about to leave.
                let Some(event) = event.dyn_ref::<web_sys::MouseEvent>() else { return };
                if event.related_target().is_none() && event.client_y() <= 0 {
                    let generation = this.state.borrow().generation;
                    fire(&this, generation);
                }
            });
        }
    }
    rearm(w);
}

/// Arms the popover's timer for the current page. Without any trigger it opens at once.
pub fn rearm(w: &Rc<Widget>) {
    let triggers = &w.settings.triggers;
    let none_set = triggers.delay_seconds.is_none() && triggers.scroll_percent.is_none() && !triggers.exit_intent;
    let Some(seconds) = triggers.delay_seconds.or(none_set.then_some(0)) else { return };
    let generation = w.state.borrow().generation;
    let this = Rc::clone(w);
    after(seconds.min(3600) as i32 * 1000, move || fire(&this, generation));
}
