//! What the host page's browser does for the widget: the imports from `js/host.js`.
//!
//! `n` is always the widget's number: no JS object crosses into Rust (each would cost glue on
//! both sides). The numbers going out are `i32`, not `u32`: the JS sees the same small numbers,
//! and wasm-bindgen writes no `>>> 0` for each, nor a shim for an import that takes only numbers
//! (measured: -32 B gzipped, the wasm unchanged). The browser's own APIs come through host.js too, as one-line wrappers: the
//! measured bytes of web-sys and js-sys for the same calls are in the crate's docs (lib.rs).

use alloc::string::String;

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/host.js")]
extern "C" {
    /// Attaches the shadow root (with widget.css), a live region and the box every render fills,
    /// fetches the site's config in `locale`, then calls `create`.
    pub fn start(n: i32, locale: &str);
    /// A setting, if present (`boundary::setting`); with an `index` of 0 or more, that entry of
    /// the list at `path` (`triggers.include.` 2 is `triggers.include.2`: the index as a number,
    /// not written into the path here, saves the wasm its number formatting: -64 B gzipped).
    #[wasm_bindgen(js_name = setting)]
    pub fn entry(n: i32, path: &str, index: i32) -> Option<String>;
    /// The element's nearest `lang` or the browser's language (`boundary::*_LANGUAGE`).
    pub fn language(n: i32, which: i32) -> Option<String>;
    /// Replaces the widget's content with what it shows (`view::render`): the `scale`, the
    /// `Mode`, the `boundary::step`, the `boundary::flag`s, the chosen value and the comment to
    /// echo (or empty), laid out by `js/view.js`.
    pub fn draw(n: i32, scale: &str, mode: i32, step: i32, flags: i32, chosen: i32, echo: &str);
    /// Focuses the first element in the widget matching `selector`.
    pub fn focus(n: i32, selector: &str);
    /// Says the outcome of `step` (`boundary::step`) in the live region and focuses the message.
    pub fn say(n: i32, step: i32);
    /// Dispatches a composed, bubbling event on the element; `detail` is JSON or empty.
    pub fn emit(n: i32, name: &str, detail: &str);
    /// Puts a submission in the site's outbox, which delivers it.
    pub fn post(n: i32, id: &str, body: &str);
    /// Takes a submission back (from the outbox, or at the edge with its receipt); answers
    /// later with `act(n, UNDONE | KEPT, generation)`.
    pub fn take(n: i32, id: &str, generation: i32);
    /// Calls `act(n, EXPIRE, generation)` after `ms` (unless the element has left the page).
    pub fn later(n: i32, ms: i32, generation: i32);
    /// Don't ask again (popover) for the site's `snooze_days`.
    pub fn snooze(n: i32);
    /// Milliseconds since 1970.
    pub fn now() -> f64;
    /// Fills `bytes` from the browser's CSPRNG.
    pub fn fill(bytes: &mut [u8]);
}

/// A setting, if present (`boundary::setting`).
pub fn setting(n: i32, path: &str) -> Option<String> {
    entry(n, path, -1)
}

#[wasm_bindgen]
extern "C" {
    /// `console.warn`.
    #[wasm_bindgen(js_namespace = console)]
    pub fn warn(message: &str);
}
