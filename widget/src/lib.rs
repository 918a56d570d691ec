//! The sayso widget: what one `<sayso-feedback>` shows, what a click or a key means, and the
//! submission it builds with `sayso-core`'s rules (the same ones the edge applies).
//!
//! This module is the entry points and the registry of widgets; `widget` is one widget's
//! behaviour, `state` where its visitor is, `settings` what it reads, `view` what it shows,
//! `host` the imports, and `boundary` every name and number shared with the JS.
//!
//! The browser plumbing lives in `js/`: `host.js` (the shadow root, the config fetch, timers,
//! popover triggers, focus), `view.js` (what `view` says to show, laid out in the site's words),
//! `dom.js` (elements and stylesheets), `turnstile.js` and `outbox.js` (delivery: localStorage,
//! `fetch`, `sendBeacon`, retries). The host calls the entry points below with plain numbers and
//! strings, and the widget answers through a dozen coarse imports. The split is the size
//! budget's: every web-sys call and every Rust closure handed to JS costs glue on both sides, and
//! with the plumbing written in Rust the widget weighed 34.5 KB gzipped; here it is under the
//! 15 KB budget (see CHANGELOG and BENCHMARKS.md). The browser's own APIs too come through
//! `host` (one-line wrappers in host.js, `console.warn` directly), measured against web-sys and
//! js-sys in this pipeline (gzipped wasm, the glue they would save being a
//! few dozen bytes): `web_sys::console::warn_1` +398 B, `js_sys::Date::now` +142 B,
//! `web_sys::Crypto::get_random_values_with_u8_array` through `window()` +1,603 B.
//!
//! `no_std`: without the standard library its panic machinery and `core::fmt` drop out of the
//! wasm (several KB gzipped); a panic, which would be a bug, aborts the module.

#![no_std]

extern crate alloc;

mod boundary;
mod host;
mod settings;
mod state;
mod view;
mod widget;

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

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::{Ref, RefCell, RefMut};

use sayso_core::{AuthorKey, Locale, SiteId, SubmissionId};
use wasm_bindgen::prelude::*;

use boundary::{action, Mode, BROWSER_LANGUAGE, ELEMENT_LANGUAGE};
use host::{fill, language, now, start, warn};
use settings::Settings;
use state::State;
use widget::Widget;

/// The host's `mount` found a `<sayso-feedback>` for `site` and numbered it `n`: checks the site
/// id, picks the visitor's language and has the host start it.
#[wasm_bindgen]
pub fn begin(n: i32, site: &str) {
    if SiteId::parse(site).is_err() {
        return warn("sayso: the site id is not valid");
    }
    let locale = (ELEMENT_LANGUAGE..BROWSER_LANGUAGE + 1).find_map(|which| Locale::parse(&language(n, which as i32)?).ok()).unwrap_or_default();
    start(n, locale.as_str());
}

/// Creates widget `n` once its config has arrived (from the edge, or kept by the browser from
/// an earlier visit: the widget has no strings of its own). `sampled`: whether this visitor is
/// in the site's sample. Returns the `Mode`.
#[wasm_bindgen]
pub fn create(n: i32, site: &str, locale: &str, page: String, sampled: bool) -> i32 {
    // `begin` checked the site id.
    let Ok(site) = SiteId::parse(site) else { return Mode::Off as i32 };
    let settings = Settings::read(n, sampled);
    let locale = Locale::parse(locale).unwrap_or_default();
    let state = Shared(RefCell::new(State::on(page)));
    // A widget lives as long as the page (the registry never lets one go, and a removed
    // element's widget stays, unused): leaked, it is a plain reference, with no count to keep
    // (an `Rc` cost its counting and drop code at every use).
    let widget: &'static Widget = Box::leak(Box::new(Widget { n, site, locale, settings, state }));
    WIDGETS.0.borrow_mut().push(widget);
    let mode = widget.settings.mode;
    if mode != Mode::Off {
        widget.navigated_to();
    }
    mode as i32
}

/// Something happened to widget `n` (one entry point for every event: each export costs glue
/// on both sides): `action` is one of `boundary::action`'s numbers, with `value` (the rating for
/// `RATE`, the page generation for `EXPIRE`, `UNDONE` and `KEPT`), `text` (the page's path for `RATE`
/// and `NAVIGATE`, the comment for `SEND`, the token for `TOKEN`) and `trap` (what is in the
/// honeypot, for `SEND`).
///
/// Returns `true` for a `NAVIGATE` that reached another page (the host re-arms its triggers).
#[wasm_bindgen]
pub fn act(n: i32, action: u32, value: u32, text: String, trap: String) -> bool {
    let Some(w) = WIDGETS.0.borrow().iter().find(|w| w.n == n).copied() else { return false };
    let open = w.state.borrow().open;
    match action {
        action::RATE => w.rate(value, &text),
        action::SEND => w.send_comment(&text, trap),
        action::SKIP => w.finish(),
        action::UNDO => w.undo(),
        action::CLOSE => w.close(),
        action::TAB | action::ESCAPE if open && w.settings.mode != Mode::Inline => w.close(),
        action::TAB | action::OPEN => w.open(true),
        action::PROMPT => w.open(false),
        action::NAVIGATE => return w.navigated(text),
        action::TOKEN => w.state.borrow_mut().turnstile = Some(text),
        action::EXPIRE => w.expire(value),
        action::UNDONE | action::KEPT => w.undone(value, action == action::UNDONE),
        _ => {}
    }
    false
}

/// Every widget on the page, by number.
struct Registry(Shared<Vec<&'static Widget>>);

// SAFETY: wasm32-unknown-unknown without the atomics feature has one thread; nothing else can
// ever observe this value.
unsafe impl Sync for Registry {}

// Each widget is a reference copied out, so no borrow of the registry is held while it calls out
// to the page (whose listeners may call back in).

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

/// A new submission's UUIDv7 (from the clock) and its key (only this browser will hold it: it
/// proves authorship of every later revision and undo), both from the browser's CSPRNG.
fn new_id() -> (SubmissionId, AuthorKey) {
    let (mut random, mut key) = ([0u8; 10], [0u8; 16]);
    fill(&mut random);
    fill(&mut key);
    (SubmissionId::v7(now() as u64, random), AuthorKey::from_random(key))
}
