//! DOM building inside the Shadow DOM: elements, text and attributes only — never `innerHTML`
//! with data — and styles through constructable stylesheets, so the host page's CSS and ours
//! never touch.

use alloc::string::String;

use crate::settings::{Mode, Settings};
use crate::{cat, State, Step, Widget};
use sayso_core::config::with_number;
use sayso_core::i18n::{key, question_key};
use sayso_core::scale::EMOJI_FACES;
use sayso_core::{Rating, Scale, Sentiment};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CssStyleSheet, Document, Element, HtmlElement, HtmlInputElement, HtmlTextAreaElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

const CSS: &str = include_str!("widget.css");

/// Attaches the shadow root with the widget's stylesheet, a live region that announces the
/// thank-you, and the box every render fills.
pub fn attach(host: &HtmlElement) -> Result<ShadowRoot, JsValue> {
    let root = match host.shadow_root() {
        Some(root) => root,
        None => host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
    };
    let base = sheet(CSS)?;
    root.set_adopted_style_sheets(&js_sys::Array::of1(&base));
    let doc = document(&root)?;
    let live = doc.create_element("div")?;
    live.set_attribute("class", "sr")?;
    live.set_attribute("aria-live", "polite")?;
    let content = doc.create_element("div")?;
    content.set_attribute("id", "w")?;
    root.replace_children_with_node_2(&live, &content);
    Ok(root)
}

fn sheet(css: &str) -> Result<CssStyleSheet, JsValue> {
    let sheet = CssStyleSheet::new()?;
    sheet.replace_sync(css)?;
    Ok(sheet)
}

fn document(root: &ShadowRoot) -> Result<Document, JsValue> {
    root.owner_document().ok_or_else(|| "no document".into())
}

/// The site's colours and radius, as a second constructable sheet; CSS custom properties the
/// page sets on the element (`--sayso-accent`, `--sayso-radius`) still win.
pub fn theme(root: &ShadowRoot, settings: &Settings) -> Result<(), JsValue> {
    let mut css = String::from("#w{");
    if let Some(accent) = settings.accent.as_deref().filter(|a| a.bytes().all(|b| b == b'#' || b.is_ascii_hexdigit())) {
        css.push_str(&cat(&["--a:var(--sayso-accent,", accent, ");"]));
    }
    if let Some(radius) = settings.radius {
        css.push_str(&cat(&["--r:var(--sayso-radius,", &number(i64::from(radius.min(24))), "px);"]));
    }
    css.push('}');
    let sheets = root.adopted_style_sheets();
    let own = sheet(&css)?;
    sheets.push(&own);
    root.set_adopted_style_sheets(&sheets);
    Ok(())
}

/// Builds DOM from a list of steps in one call: the Rust side writes the view as a string of
/// tokens (`<tag`, `@name=value`, `"text`, `>`), the few lines of JS below turn it into
/// elements with `createElement`, `setAttribute` and `textContent` — never HTML parsing. One
/// import instead of a web-sys call per element and attribute: -4 KB gzipped.
/// The DOM plumbing, in a few lines of JS: each is one import where the same in web-sys calls
/// would be dozens (measured: the widget's wasm shrinks by kilobytes). The logic stays in Rust.
///
/// `build` turns a view written as tokens (`<tag`, `@name=value`, `"text`, `>`) into elements
/// with `createElement`, `setAttribute` and `textContent` — never HTML parsing. `focus` focuses
/// the first match of a selector. `roam` is the radio group's keyboard: arrow keys (mirrored
/// right to left), Home and End move the single tab stop between the values.
#[wasm_bindgen(inline_js = "export function build(box, view) {
  const doc = box.ownerDocument, stack = [doc.createDocumentFragment()];
  for (const token of view.split('\\x1f')) {
    const top = stack[stack.length - 1], kind = token[0], rest = token.slice(1);
    if (kind == '<') stack.push(top.appendChild(doc.createElement(rest)));
    else if (kind == '@') { const eq = rest.indexOf('='); top.setAttribute(rest.slice(0, eq), rest.slice(eq + 1)); }
    else if (kind == '\"') top.textContent = rest;
    else if (kind == '>') stack.pop();
  }
  box.replaceChildren(stack[0]);
}
export function focus(root, selector) { root.querySelector(selector)?.focus(); }
export function roam(root, event, rtl) {
  const radios = [...root.querySelectorAll('[role=radio]')], at = radios.indexOf(event.target.closest('[role=radio]'));
  const step = { ArrowRight: rtl ? -1 : 1, ArrowDown: 1, ArrowLeft: rtl ? 1 : -1, ArrowUp: -1, Home: -99, End: 99 }[event.key];
  if (at < 0 || !step) return;
  event.preventDefault();
  const next = radios[Math.max(0, Math.min(radios.length - 1, at + step))];
  for (const radio of radios) radio.tabIndex = radio == next ? 0 : -1;
  next.focus();
}
let turnstileLoaded;
export function challenge(host, box, sitekey) {
  turnstileLoaded ||= window.turnstile ? Promise.resolve() : new Promise((loaded) => {
    const script = document.createElement('script');
    script.src = 'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit';
    script.onload = loaded;
    document.head.append(script);
  });
  turnstileLoaded.then(() => turnstile.render(box, { sitekey, callback: (token) => host.dispatchEvent(new CustomEvent('sayso:token', { detail: token })) }));
}")]
extern "C" {
    fn build(container: &Element, view: &str);
    fn focus(root: &ShadowRoot, selector: &str);
    /// Moves the radio group's tab stop for a `keydown` (see above).
    pub fn roam(root: &ShadowRoot, event: &web_sys::Event, rtl: bool);
    /// Shows Cloudflare Turnstile in `container` (loading its script if the page has not);
    /// each token arrives as a `sayso:token` event on `host`.
    fn challenge(host: &HtmlElement, container: &Element, site_key: &str);
}

/// A view being written for `build`.
struct View(String);

impl View {
    fn token(&mut self, kind: char, text: &str) {
        if !self.0.is_empty() {
            self.0.push('\u{1f}');
        }
        self.0.push(kind);
        self.0.push_str(text);
    }

    /// Opens a child element of the current one; `close` ends it.
    fn open(&mut self, tag: &str, attrs: &[(&str, &str)]) -> &mut Self {
        self.token('<', tag);
        for (name, value) in attrs {
            self.token('@', name);
            self.0.push('=');
            self.0.push_str(value);
        }
        self
    }

    fn text(&mut self, text: &str) -> &mut Self {
        self.token('"', text);
        self
    }

    fn close(&mut self) -> &mut Self {
        self.token('>', "");
        self
    }

    /// An element with attributes and text, closed.
    fn leaf(&mut self, tag: &str, attrs: &[(&str, &str)], text: &str) -> &mut Self {
        self.open(tag, attrs);
        if !text.is_empty() {
            self.text(text);
        }
        self.close()
    }
}

/// Replaces the widget's content with what `state` calls for.
pub fn render(w: &Widget, state: &State) -> Result<(), JsValue> {
    let root = w.root();
    let s = &w.settings;
    let content = root.get_element_by_id("w").ok_or("no content box")?;
    // Whatever the visitor typed survives a re-render (say, choosing another rating).
    let typed = comment_text(root);
    let mut view = View(String::new());
    if s.mode == Mode::Inline || state.wanted {
        if state.open {
            panel(&mut view, w, state);
        }
        if s.mode == Mode::Floating {
            let expanded = if state.open { "true" } else { "false" };
            view.leaf("button", &[("type", "button"), ("class", "tab"), ("data-action", "tab"), ("aria-expanded", expanded), ("lang", &s.lang), ("dir", &s.dir)], s.text(key::TAB));
        }
    }
    build(&content, &view.0);
    if let (Some(text), Some(area)) = (typed, textarea(root)) {
        area.set_value(&text);
    }
    if state.step == Step::Comment && state.turnstile.is_none() {
        if let (Some(key), Some(container)) = (&s.turnstile, root.get_element_by_id("ts")) {
            challenge(w.host(), &container, key);
        }
    }
    Ok(())
}

/// The message for a step after sending: thanks, undone, or undo failed.
fn outcome(step: Step) -> usize {
    match step {
        Step::Thanks => key::THANK_YOU,
        Step::Undone => key::UNDONE,
        _ => key::UNDO_FAILED,
    }
}

/// Says the outcome of sending or undoing in the live region, and moves focus to the message
/// (the button that had focus is gone). Called on the change only, so a later re-render never
/// takes focus back or repeats the announcement.
pub fn announce(root: &ShadowRoot, s: &Settings, step: Step) {
    let message = outcome(step);
    if let Ok(Some(live)) = root.query_selector(".sr") {
        live.set_text_content(Some(s.text(message)));
    }
    focus(root, ".thanks");
}

fn panel(view: &mut View, w: &Widget, state: &State) {
    let s = &w.settings;
    // Only a panel that has just opened fades in; a re-render (another rating) does not.
    let class = if state.opening { "panel in" } else { "panel" };
    let panel = [("class", class), ("part", "panel"), ("lang", &s.lang), ("dir", &s.dir)];
    if s.mode == Mode::Inline {
        view.open("div", &panel);
    } else {
        // Floating and popover panels are non-modal dialogs named by their question.
        view.open("div", &panel).open("div", &[("class", "x"), ("role", "dialog"), ("aria-labelledby", "q")]);
        view.leaf("button", &[("type", "button"), ("class", "close"), ("data-action", "close"), ("aria-label", s.text(key::CLOSE))], "\u{d7}");
    }
    match state.step {
        Step::Rate | Step::Comment => {
            view.leaf("p", &[("id", "q"), ("class", "question")], s.text(question_key(s.scale)));
            let chosen = w.chosen();
            scale(view, s, chosen);
            if let (Step::Comment, Some(rating)) = (state.step, chosen) {
                let prompt = if rating.sentiment() == Sentiment::Unhappy { key::FOLLOW_UP_LOW } else { key::FOLLOW_UP };
                view.leaf("label", &[("for", "comment"), ("class", "follow-up")], s.text(prompt));
                let max = number(sayso_core::validate::COMMENT_MAX_CHARS as i64);
                view.leaf("textarea", &[("id", "comment"), ("maxlength", &max), ("rows", "3")], "");
                if s.turnstile.is_some() {
                    view.leaf("div", &[("id", "ts"), ("class", "ts")], "");
                }
                // The honeypot: off-screen, out of the tab order and hidden from assistive
                // technology, so only a bot fills it.
                view.open("div", &[("class", "hp"), ("aria-hidden", "true")])
                    .leaf("input", &[("id", "hp"), ("name", "website"), ("tabindex", "-1"), ("autocomplete", "off")], "")
                    .close();
                view.open("div", &[("class", "row")])
                    .leaf("button", &[("type", "button"), ("data-action", "skip")], s.text(key::SKIP))
                    .open("button", &[("type", "button"), ("data-action", "send"), ("class", "primary")])
                    .text(s.text(key::SEND));
                if s.turnstile.is_some() && state.turnstile.is_none() {
                    // The site wants a Turnstile token with comments: Send waits for it.
                    view.token('@', "disabled=");
                }
                view.close().close();
            }
        }
        step => {
            let message = outcome(step);
            // What the visitor wrote, shown back as text: exactly what was stored.
            if let Some(comment) = state.submission.as_ref().and_then(|s| s.comment.as_ref()).filter(|_| step == Step::Thanks) {
                view.leaf("blockquote", &[("class", "echo")], comment.as_str());
            }
            view.open("div", &[("class", "row done")]).leaf("p", &[("id", "q"), ("class", "thanks"), ("tabindex", "-1")], s.text(message));
            if step == Step::Thanks && state.undo {
                view.leaf("button", &[("type", "button"), ("data-action", "undo")], s.text(key::UNDO));
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
/// move between values (`move_focus`), Space or Enter chooses.
fn scale(view: &mut View, s: &Settings, chosen: Option<Rating>) {
    let scale = s.scale;
    let class = cat(&["scale ", scale.as_str()]);
    view.open("div", &[("class", &class), ("role", "radiogroup"), ("aria-labelledby", "q")]);
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
        let lit = scale == Scale::Stars && chosen.is_some_and(|c| value <= c);
        let attrs = [
            ("type", "button"),
            ("role", "radio"),
            ("data-value", &digits),
            ("aria-checked", if checked { "true" } else { "false" }),
            ("tabindex", if stop { "0" } else { "-1" }),
            ("aria-label", &label),
            ("class", if lit { "lit" } else { "" }),
        ];
        view.leaf("button", &attrs, face);
    }
    view.close();
    let ends = match scale {
        Scale::Nps => Some((key::NPS_LOW, key::NPS_HIGH)),
        Scale::Csat => Some((key::CSAT_1, key::CSAT_1 + 4)),
        _ => None,
    };
    if let Some((low, high)) = ends {
        view.open("div", &[("class", "legend"), ("aria-hidden", "true")]).leaf("span", &[], s.text(low)).leaf("span", &[], s.text(high)).close();
    }
}

/// Focuses the chosen value, else the first (keyboard users stay where they were).
pub fn focus_scale(root: &ShadowRoot, chosen: Option<Rating>) {
    let selector = match chosen {
        Some(r) => cat(&["[data-value=\"", &number(i64::from(r.value())), "\"]"]),
        None => String::from("[role=radio]"),
    };
    focus(root, &selector);
}

/// Back to the floating tab after closing.
pub fn focus_tab(root: &ShadowRoot) {
    focus(root, ".tab");
}

/// A number as text (without `core::fmt`, which costs the widget kilobytes).
fn number(value: i64) -> String {
    let mut out = String::new();
    sayso_core::wire::push_int(&mut out, value);
    out
}

/// The comment box, if the widget shows one.
pub fn textarea(root: &ShadowRoot) -> Option<HtmlTextAreaElement> {
    root.get_element_by_id("comment")?.dyn_into().ok()
}

/// What the visitor has typed so far.
pub fn comment_text(root: &ShadowRoot) -> Option<String> {
    textarea(root).map(|t| t.value())
}

/// What is in the honeypot (only bots fill it).
pub fn trap_text(root: &ShadowRoot) -> Option<String> {
    root.get_element_by_id("hp")?.dyn_into::<HtmlInputElement>().ok().map(|i| i.value())
}
