//! The sayso widget: what runs inside `<sayso-feedback>` once the loader (`js/loader.js`) has
//! found the element and instantiated this module. One exported entry point, `mount`.
//!
//! `no_std`: without the standard library its panic machinery and `core::fmt` drop out of the
//! wasm (several KB gzipped); a panic, which would be a bug, aborts the module.

#![no_std]

extern crate alloc;

mod outbox;
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

use sayso_core::{Comment, Locale, PagePath, Rating, Scale, SiteId, Submission, SubmissionId, WidgetConfig};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Event, HtmlElement, ShadowRoot};

use outbox::Outbox;
use view::Step;

/// Renders the widget into `host` (a `<sayso-feedback>` element) for `site`, talking to `edge`.
/// Returns at once; the config is fetched in the background.
#[wasm_bindgen]
pub fn mount(host: HtmlElement, edge: String, site: String) -> Result<(), JsValue> {
    let site = host.get_attribute("site").unwrap_or(site);
    let site = SiteId::parse(&site).map_err(invalid)?;
    let root = view::attach(&host)?;
    // Created first, so what an earlier page left waiting goes out even if the config cannot load.
    let outbox = Outbox::for_site(&edge, site.as_str());
    let url = cat(&[edge.as_str(), "/v1/sites/", site.as_str(), "/config"]);
    let start = move |config: WidgetConfig| {
        if let Err(e) = start(host, root, site, outbox, config) {
            web_sys::console::warn_2(&"sayso: the feedback widget could not start:".into(), &e);
        }
    };
    outbox::settle(window()?.fetch_with_str_and_init(&url, &web_sys::RequestInit::new()), move |fetched, response| {
        // Offline or the edge unreachable: the visitor can still rate; the outbox keeps it.
        if !fetched {
            return start(WidgetConfig::default());
        }
        let response: web_sys::Response = response.unchecked_into();
        if !response.ok() {
            // No such site, or the edge refuses: show nothing rather than a dead widget.
            web_sys::console::warn_2(&"sayso: no widget configuration, HTTP".into(), &response.status().into());
            return;
        }
        match response.json() {
            Ok(json) => outbox::settle(json, move |parsed, json| {
                let widget = js_sys::Reflect::get(&json, &"widget".into()).unwrap_or_default();
                start(if parsed { widget_config(&widget) } else { WidgetConfig::default() })
            }),
            Err(_) => start(WidgetConfig::default()),
        }
    });
    Ok(())
}

fn start(host: HtmlElement, root: ShadowRoot, site: SiteId, outbox: Rc<Outbox>, mut config: WidgetConfig) -> Result<(), JsValue> {
    // The page may override the site's settings per element.
    if let Some(scale) = host.get_attribute("scale").as_deref().and_then(Scale::parse) {
        config.scale = scale;
    }
    if let Some(question) = host.get_attribute("question").filter(|q| !q.trim().is_empty()) {
        config.question = question;
    }
    let widget = Rc::new(Widget {
        root,
        config,
        locale: locale_of(&host),
        outbox,
        site,
        state: RefCell::new(State::default()),
    });
    let handler = Rc::clone(&widget);
    outbox::listen_forever(&widget.root, "click", move |event| {
        if let Err(e) = handler.on_click(&event) {
            web_sys::console::warn_2(&"sayso:".into(), &e);
        }
    });
    widget.render()
}

/// Reads `GET …/config`'s `widget` object (parsed by the browser's `JSON.parse`, so the widget
/// ships no JSON parser); a missing or odd field keeps its default.
fn widget_config(json: &JsValue) -> WidgetConfig {
    let text = |name: &str| js_sys::Reflect::get(json, &name.into()).ok().and_then(|v| v.as_string());
    let defaults = WidgetConfig::default();
    WidgetConfig {
        scale: text("scale").as_deref().and_then(Scale::parse).unwrap_or(defaults.scale),
        question: text("question").unwrap_or(defaults.question),
        follow_up: text("follow_up").unwrap_or(defaults.follow_up),
        thank_you: text("thank_you").unwrap_or(defaults.thank_you),
    }
}

/// One widget on the page.
struct Widget {
    root: ShadowRoot,
    config: WidgetConfig,
    site: SiteId,
    locale: Locale,
    outbox: Rc<Outbox>,
    state: RefCell<State>,
}

/// Where the visitor is.
#[derive(Default)]
struct State {
    /// The submission so far; its id stays the same through every edit.
    submission: Option<Submission>,
    /// Whether the visitor is done (sent or skipped the comment).
    done: bool,
}

impl Widget {
    fn render(&self) -> Result<(), JsValue> {
        let state = self.state.borrow();
        let step = if state.done {
            Step::Thanks
        } else if let Some(s) = &state.submission {
            Step::Comment(s.rating.value())
        } else {
            Step::Rate
        };
        view::render(&self.root, &self.config, step)
    }

    fn on_click(&self, event: &Event) -> Result<(), JsValue> {
        let Some(target) = event.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
            return Ok(());
        };
        let Some(button) = target.closest("button")? else {
            return Ok(());
        };
        if let Some(value) = button.get_attribute("data-value").and_then(|v| v.parse::<i64>().ok()) {
            if !self.rate(value)? {
                // The same rating again (a double click): nothing to send or redraw.
                return Ok(());
            }
        } else if let Some(action) = button.get_attribute("data-action") {
            match action.as_str() {
                "send" => self.send_comment()?,
                "skip" => self.state.borrow_mut().done = true,
                _ => return Ok(()),
            }
        }
        self.render()
    }

    /// The rating is sent the moment it is clicked; clicking it again sends nothing new.
    /// Returns whether anything changed.
    fn rate(&self, value: i64) -> Result<bool, JsValue> {
        let rating = Rating::new(self.config.scale, value).map_err(invalid)?;
        let mut state = self.state.borrow_mut();
        let (submission, changed) = match state.submission.take() {
            Some(previous) if previous.rating == rating => (previous, false),
            Some(previous) => (Submission { rating, rev: previous.rev + 1, ..previous }, true),
            None => (Submission {
                id: new_id()?,
                site: self.site.clone(),
                rating,
                comment: None,
                page: PagePath::from_location(&window()?.location().pathname()?),
                locale: self.locale.clone(),
                client_ts: js_sys::Date::now() as i64,
                widget_version: env!("CARGO_PKG_VERSION").to_owned(),
                rev: 0,
            }, true),
        };
        if changed {
            self.outbox.send(&submission);
        }
        state.submission = Some(submission);
        Ok(changed)
    }

    /// The comment travels as the next revision of the same submission.
    fn send_comment(&self) -> Result<(), JsValue> {
        let text = view::comment_text(&self.root).unwrap_or_default();
        // NFC by the browser (the same rule the edge applies), so what is stored is what was typed.
        let text: String = js_sys::JsString::from(text.as_str()).normalize("NFC").into();
        let comment = Comment::parse(&text).map_err(invalid)?;
        let mut state = self.state.borrow_mut();
        if let Some(previous) = state.submission.take() {
            let submission = if comment.is_some() && comment != previous.comment {
                let next = Submission { comment, rev: previous.rev + 1, ..previous };
                self.outbox.send(&next);
                next
            } else {
                previous
            };
            state.submission = Some(submission);
        }
        state.done = true;
        Ok(())
    }
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

fn window() -> Result<web_sys::Window, JsValue> {
    web_sys::window().ok_or_else(|| JsValue::from_str("no window"))
}

/// A UUIDv7 from the clock and the browser's CSPRNG.
fn new_id() -> Result<SubmissionId, JsValue> {
    let mut random = [0u8; 10];
    window()?.crypto()?.get_random_values_with_u8_array(&mut random)?;
    Ok(SubmissionId::v7(js_sys::Date::now() as u64, random))
}

/// The element's language, else the nearest `lang` around it, else the browser's, else `en`.
fn locale_of(host: &HtmlElement) -> Locale {
    let from_page = host.closest("[lang]").ok().flatten().and_then(|e| e.get_attribute("lang"));
    let from_browser = web_sys::window().and_then(|w| w.navigator().language());
    [from_page, from_browser]
        .into_iter()
        .flatten()
        .find_map(|tag| Locale::parse(&tag).ok())
        .unwrap_or_default()
}
