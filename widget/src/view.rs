//! The widget's view: what it shows for its state, told to the host as a few numbers (the step
//! and `boundary::flag`s) that `js/view.js` lays out in the site's words, with `createElement`,
//! `setAttribute` and `textContent` (never HTML parsing), in a Shadow DOM styled by
//! constructable stylesheets only (`widget.css`, which `cargo xtask build` writes into the JS), so
//! the host page's CSS and ours never touch.
//! What shows, and every rule behind it, is decided here; the layout written in Rust (as view
//! tokens the host turned into elements) cost twice the bytes of the same layout in JS.

use sayso_core::Sentiment;

use crate::boundary::flag;
use crate::host::draw;
use crate::state::{State, Step};
use crate::widget::Widget;

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
    draw(
        w.n,
        s.scale.as_str(),
        s.mode as i32,
        state.step as i32,
        flags as i32,
        chosen.map_or(0, |r| i32::from(r.value())),
        echo.map_or("", |c| c.as_str()),
    );
}
