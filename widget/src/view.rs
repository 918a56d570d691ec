//! The widget's view: what it shows for its state, written as tokens the host turns into
//! elements with `createElement`, `setAttribute` and `textContent` (never HTML parsing), in a
//! Shadow DOM styled by constructable stylesheets only, so the host page's CSS and ours never
//! touch.

use alloc::string::String;

use crate::boundary::{tokens, Mode};
use crate::cat;
use crate::settings::Settings;
use crate::state::{State, Step};
use crate::widget::Widget;
use sayso_core::config::with_number;
use sayso_core::i18n::{key, question_key};
use sayso_core::scale::EMOJI_FACES;
use sayso_core::{Rating, Scale, Sentiment};

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

/// A view being written for the host's `build`, in `boundary`'s tokens. Fixed markup is joined
/// at compile time with `tokens!`, so it is data, not code (measured: the view's code shrank by
/// more than half).
struct View(String);

impl View {
    /// Appends constant tokens (`tokens!`).
    fn put(&mut self, tokens: &str) -> &mut Self {
        self.0.push_str(tokens);
        self
    }

    fn attr(&mut self, name: &str, value: &str) -> &mut Self {
        self.put(tokens!("@")).put(name).put("=").put(value)
    }

    fn text(&mut self, text: &str) -> &mut Self {
        self.put(tokens!("\"")).put(text)
    }

    fn close(&mut self) -> &mut Self {
        self.put(tokens!(">"))
    }
}

/// The view for `state`: the panel when it shows, and the floating tab.
pub fn render(w: &Widget, state: &State) -> String {
    let s = &w.settings;
    let mut view = View(String::new());
    if s.mode == Mode::Inline || state.wanted {
        if state.open {
            panel(&mut view, w, state);
        }
        if s.mode == Mode::Floating {
            view.put(tokens!("<button", "@type=button", "@class=tab", "@data-action=tab"))
                .put(if state.open { tokens!("@aria-expanded=true") } else { tokens!("@aria-expanded=false") })
                .attr("lang", &s.lang)
                .attr("dir", &s.dir)
                .text(s.text(key::TAB))
                .close();
        }
    }
    view.0
}

/// The message for a step after sending: thanks, undone, or undo failed.
pub fn outcome(step: Step) -> usize {
    match step {
        Step::Thanks => key::THANK_YOU,
        Step::Undone => key::UNDONE,
        _ => key::UNDO_FAILED,
    }
}

fn panel(view: &mut View, w: &Widget, state: &State) {
    let s = &w.settings;
    view.put(tokens!("<div", "@part=panel"))
        // Only a panel that has just opened fades in; a re-render (another rating) does not.
        .put(if state.opening { tokens!("@class=panel in") } else { tokens!("@class=panel") })
        .attr("lang", &s.lang)
        .attr("dir", &s.dir);
    if s.mode != Mode::Inline {
        // Floating and popover panels are non-modal dialogs named by their question.
        view.put(tokens!("<div", "@class=x", "@role=dialog", "@aria-labelledby=q"))
            .put(tokens!("<button", "@type=button", "@class=close", "@data-action=close", "\"\u{d7}"))
            .attr("aria-label", s.text(key::CLOSE))
            .close();
    }
    match state.step {
        Step::Rate | Step::Comment => {
            view.put(tokens!("<p", "@id=q", "@class=question")).text(s.text(question_key(s.scale))).close();
            let chosen = w.chosen();
            scale(view, s, chosen);
            if let (Step::Comment, Some(rating)) = (state.step, chosen) {
                let prompt = if rating.sentiment() == Sentiment::Unhappy { key::FOLLOW_UP_LOW } else { key::FOLLOW_UP };
                view.put(tokens!("<label", "@for=comment", "@class=follow-up")).text(s.text(prompt)).close();
                let max = number(sayso_core::validate::COMMENT_MAX_CHARS as i64);
                view.put(tokens!("<textarea", "@id=comment", "@rows=3")).attr("maxlength", &max).close();
                // The site wants a Turnstile token with comments: the host renders the
                // challenge here, and Send waits for the token.
                let waiting = s.turnstile && state.turnstile.is_none();
                if waiting {
                    view.put(tokens!("<div", "@id=ts", "@class=ts", ">"));
                }
                // The honeypot: off-screen, out of the tab order and hidden from assistive
                // technology, so only a bot fills it.
                view.put(tokens!(
                    "<div",
                    "@class=hp",
                    "@aria-hidden=true",
                    "<input",
                    "@id=hp",
                    "@name=website",
                    "@tabindex=-1",
                    "@autocomplete=off",
                    ">",
                    ">"
                ));
                view.put(tokens!("<div", "@class=row", "<button", "@type=button", "@data-action=skip")).text(s.text(key::SKIP)).close();
                view.put(tokens!("<button", "@type=button", "@data-action=send", "@class=primary")).text(s.text(key::SEND));
                if waiting {
                    view.put(tokens!("@disabled="));
                }
                view.close().close();
            }
        }
        step => {
            // What the visitor wrote, shown back as text: exactly what was stored.
            if let Some(comment) = state.submission.as_ref().and_then(|s| s.comment.as_ref()).filter(|_| step == Step::Thanks) {
                view.put(tokens!("<blockquote", "@class=echo")).text(comment.as_str()).close();
            }
            view.put(tokens!("<div", "@class=row done", "<p", "@id=q", "@class=thanks", "@tabindex=-1")).text(s.text(outcome(step))).close();
            if step == Step::Thanks && state.undo {
                view.put(tokens!("<button", "@type=button", "@data-action=undo")).text(s.text(key::UNDO)).close();
            }
            view.close();
        }
    }
    if s.mode != Mode::Inline {
        view.close();
    }
    view.close();
}

/// The scale as a radio group: one tab stop (the chosen value, else the first), arrow keys
/// move between values (the host's `roam`), Space or Enter chooses.
fn scale(view: &mut View, s: &Settings, chosen: Option<Rating>) {
    let scale = s.scale;
    view.put(tokens!("<div", "@role=radiogroup", "@aria-labelledby=q")).attr("class", &cat(&["scale ", scale.as_str()]));
    let chosen = chosen.map(Rating::value);
    // Thumbs up first: the positive answer is the common one.
    let values: &[u8] = match scale {
        Scale::Thumbs => &[1, 0],
        Scale::Nps => &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        _ => &[1, 2, 3, 4, 5],
    };
    for (i, &value) in values.iter().enumerate() {
        let digits = number(i64::from(value));
        let n = usize::from(value).saturating_sub(1);
        let (face, label) = match scale {
            Scale::Thumbs if value == 1 => ("\u{1F44D}", String::from(s.text(key::YES))),
            Scale::Thumbs => ("\u{1F44E}", String::from(s.text(key::NO))),
            Scale::Stars => ("\u{2605}", with_number(s.text(key::STAR), &digits)),
            Scale::Nps => (digits.as_str(), with_number(s.text(key::NPS_VALUE), &digits)),
            Scale::Emoji => (EMOJI_FACES[n % 5], String::from(s.text(key::EMOJI_1 + n))),
            Scale::Csat => (digits.as_str(), String::from(s.text(key::CSAT_1 + n))),
        };
        let checked = chosen == Some(value);
        let stop = checked || (chosen.is_none() && i == 0);
        view.put(tokens!("<button", "@type=button", "@role=radio"))
            .attr("data-value", &digits)
            .put(if checked { tokens!("@aria-checked=true") } else { tokens!("@aria-checked=false") })
            .put(if stop { tokens!("@tabindex=0") } else { tokens!("@tabindex=-1") })
            .attr("aria-label", &label);
        if scale == Scale::Stars && chosen.is_some_and(|c| value <= c) {
            view.put(tokens!("@class=lit"));
        }
        view.text(face).close();
    }
    view.close();
    let ends = match scale {
        Scale::Nps => Some((key::NPS_LOW, key::NPS_HIGH)),
        Scale::Csat => Some((key::CSAT_1, key::CSAT_1 + 4)),
        _ => None,
    };
    if let Some((low, high)) = ends {
        view.put(tokens!("<div", "@class=legend", "@aria-hidden=true", "<span"))
            .text(s.text(low))
            .put(tokens!(">", "<span"))
            .text(s.text(high))
            .put(tokens!(">", ">"));
    }
}

/// A number as text (without `core::fmt`, which costs the widget kilobytes).
pub fn number(value: i64) -> String {
    let mut out = String::new();
    sayso_core::wire::push_int(&mut out, value);
    out
}
