//! What the host page's browser does for the widget: the imports from `js/host.js`.
//!
//! `n` is always the widget's number: no JS object crosses into Rust (each would cost glue on
//! both sides). The browser's own APIs come through host.js too, as one-line wrappers: the
//! measured bytes of web-sys and js-sys for the same calls are in the crate's docs (lib.rs).

use alloc::string::String;

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/host.js")]
extern "C" {
    /// Attaches the shadow root (with `css`), a live region and the box every render fills,
    /// fetches the site's config in `locale`, then calls `create`.
    pub fn start(n: u32, locale: &str, css: &str);
    /// A setting, if present (`boundary::setting`).
    pub fn setting(n: u32, path: &str) -> Option<String>;
    /// The element's nearest `lang` or the browser's language (`boundary::*_LANGUAGE`).
    pub fn language(n: u32, which: u32) -> Option<String>;
    /// Replaces the widget's content with what it shows (`view::render`): the `scale`, the
    /// `Mode`, the `boundary::step`, the `boundary::flag`s, the chosen value and the comment to
    /// echo (or empty), laid out by `js/view.js`.
    pub fn draw(n: u32, scale: &str, mode: u32, step: u32, flags: u32, chosen: u32, echo: &str);
    /// Focuses the first element in the widget matching `selector`.
    pub fn focus(n: u32, selector: &str);
    /// Says the outcome of `step` (`boundary::step`) in the live region and focuses the message.
    pub fn say(n: u32, step: u32);
    /// Dispatches a composed, bubbling event on the element; `detail` is JSON or empty.
    pub fn emit(n: u32, name: &str, detail: &str);
    /// Puts a submission in the site's outbox, which delivers it.
    pub fn post(n: u32, id: &str, body: &str);
    /// Takes a submission back (from the outbox, or at the edge with its receipt); answers
    /// later with `act(n, UNDONE | KEPT, generation)`.
    pub fn take(n: u32, id: &str, generation: u32);
    /// Calls `act(n, EXPIRE, generation)` after `ms` (unless the element has left the page).
    pub fn later(n: u32, ms: u32, generation: u32);
    /// Don't ask again (popover) for the site's `snooze_days`.
    pub fn snooze(n: u32);
    /// Milliseconds since 1970.
    pub fn now() -> f64;
    /// Fills `bytes` from the browser's CSPRNG.
    pub fn fill(bytes: &mut [u8]);
}

#[wasm_bindgen]
extern "C" {
    /// `console.warn`.
    #[wasm_bindgen(js_namespace = console)]
    pub fn warn(message: &str);
}
