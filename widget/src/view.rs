//! The widget's view: what it shows for its state, told to the host as a few numbers (the step
//! and `boundary::flag`s) that `js/view.js` lays out in the site's words, with `createElement`,
//! `setAttribute` and `textContent` (never HTML parsing), in a Shadow DOM styled by
//! constructable stylesheets only (this stylesheet), so the host page's CSS and ours never touch.
//! What shows, and every rule behind it, is decided here; the layout written in Rust (as view
//! tokens the host turned into elements) cost twice the bytes of the same layout in JS.

use alloc::string::String;

use sayso_core::Sentiment;

use crate::boundary::flag;
use crate::host::draw;
use crate::state::{State, Step};
use crate::widget::Widget;

/// The widget's stylesheet (the host adopts it in the shadow root): widget.css, which keeps one
/// rule a line for people, without its line breaks (every line ends a rule: -25 B gzipped).
pub const CSS: &str = match core::str::from_utf8(&ONE_LINE) {
    Ok(css) => css,
    Err(_) => panic!("widget.css is UTF-8 without its line breaks"),
};

const SOURCE: &[u8] = include_bytes!("widget.css");
const ONE_LINE: [u8; SOURCE.len() - breaks()] = without_breaks();

const fn breaks() -> usize {
    let (mut i, mut n) = (0, 0);
    while i < SOURCE.len() {
        if SOURCE[i] == b'\n' {
            // Only a break after a rule is dropped without meaning: `.a\n.b` would become `.a.b`.
            assert!(i > 0 && SOURCE[i - 1] == b'}', "widget.css: a line break that does not end a rule");
            n += 1;
        }
        i += 1;
    }
    n
}

const fn without_breaks<const N: usize>() -> [u8; N] {
    let (mut out, mut i, mut at) = ([0; N], 0, 0);
    while i < SOURCE.len() {
        if SOURCE[i] != b'\n' {
            out[at] = SOURCE[i];
            at += 1;
        }
        i += 1;
    }
    out
}

/// Has the host show what widget `w` shows in `state`: the panel when it shows, and the
/// floating tab.
pub fn render(w: &Widget, state: &State) {
    let chosen = w.chosen();
    let bit = |on: bool, flag: u32| if on { flag } else { 0 };
    let flags = bit(state.open, flag::OPEN)
        | bit(state.opening, flag::OPENING)
        | bit(state.wanted, flag::WANTED)
        | bit(state.step == Step::Thanks && state.undo, flag::UNDO)
        | bit(chosen.is_some(), flag::CHOSEN)
        | bit(chosen.is_some_and(|r| r.sentiment() == Sentiment::Unhappy), flag::UNHAPPY)
        // The site wants a Turnstile token with comments, and none has come yet.
        | bit(w.settings.turnstile && state.turnstile.is_none(), flag::WAITING);
    // What the visitor wrote, shown back with the thanks: exactly what was stored.
    let echo = state.submission.as_ref().and_then(|s| s.comment.as_ref()).filter(|_| state.step == Step::Thanks);
    let s = &w.settings;
    draw(w.n, s.scale.as_str(), s.mode as u32, state.step as u32, flags, chosen.map_or(0, |r| u32::from(r.value())), echo.map_or("", |c| c.as_str()));
}

/// A number as text (without `core::fmt`, which costs the widget kilobytes).
pub fn number(value: i64) -> String {
    let mut out = String::new();
    sayso_core::wire::push_int(&mut out, value);
    out
}
