//! The boundary between the Rust widget and its JS (`js/host.js`, `js/loader.js`): every name,
//! token and number both sides use, defined once, here.
//!
//! The JS never spells one of them: it writes `BOUNDARY.<name>`, and `cargo xtask build` (which
//! includes this file) has esbuild replace each with its value from [`js`] (`--define`), so the
//! JS costs not a byte more than with literals and cannot drift from the Rust; the build fails
//! if a `BOUNDARY.` name is left over, and checks the config paths below against core's JSON.
//! Rules that are core's (the default sample and snooze, the largest radius) reach the JS the
//! same way, taken from `sayso-core` when the JS is built.

/// What `act` is told: a button's `data-action` (written by the view) or one of the host's own
/// events.
pub mod action {
    /// The visitor chose a value on the scale (on the page at the path given).
    pub const RATE: &str = "rate";
    /// Send: the comment and what is in the honeypot.
    pub const SEND: &str = "send";
    /// No comment, thanks.
    pub const SKIP: &str = "skip";
    /// Take the submission back.
    pub const UNDO: &str = "undo";
    /// The panel's close button.
    pub const CLOSE: &str = "close";
    /// The floating tab.
    pub const TAB: &str = "tab";
    /// The Escape key in the widget.
    pub const ESCAPE: &str = "escape";
    /// The page's `element.open()`.
    pub const OPEN: &str = "open";
    /// A popover trigger fired.
    pub const PROMPT: &str = "prompt";
    /// History navigation in a single-page app (to the path given).
    pub const NAVIGATE: &str = "navigate";
    /// A Turnstile token for the next comment.
    pub const TOKEN: &str = "token";
    /// The time for "Undo" ran out.
    pub const EXPIRE: &str = "expire";
    /// `take`'s answer: taken back.
    pub const UNDONE: &str = "undone";
    /// `take`'s answer: not taken back (offline, say).
    pub const KEPT: &str = "kept";
}

/// How a widget appears: the number `create` answers.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Not shown (the site's placement is `none` and the snippet placed this element).
    Off = 0,
    /// In the page's flow, always open.
    Inline = 1,
    /// A tab in a corner that opens the panel.
    Floating = 2,
    /// Opens by itself in a corner when a trigger fires.
    Popover = 3,
}

/// The element's `data-mode` (the stylesheet's hook) for each `Mode` number; none when off.
pub const MODES: [&str; 4] = ["", "inline", "floating", "popover"];

/// `language`'s `which`: the element's nearest `lang`.
pub const ELEMENT_LANGUAGE: u32 = 0;
/// `language`'s `which`: the browser's language.
pub const BROWSER_LANGUAGE: u32 = 1;

/// What `setting` reads: `@name` is the element's attribute, anything else a dotted path into
/// the site's widget config (core's `ResolvedWidget` as JSON), read as text.
pub mod setting {
    /// Marks an attribute.
    pub const ATTRIBUTE: &str = "@";
    /// The element's scale.
    pub const SCALE_ATTRIBUTE: &str = "@scale";
    /// The element's own question.
    pub const QUESTION_ATTRIBUTE: &str = "@question";
    /// The snippet placed the element.
    pub const AUTO_ATTRIBUTE: &str = "@auto";
    /// The page asked for a floating element.
    pub const FLOATING_ATTRIBUTE: &str = "@floating";
    /// The site's scale.
    pub const SCALE: &str = "scale";
    /// A string, by key (`strings.send`).
    pub const STRINGS: &str = "strings.";
    /// The language and its direction.
    pub const LANG: &str = "lang";
    /// `ltr` or `rtl`.
    pub const DIR: &str = "dir";
    /// The snippet's widget: floating, popover or none.
    pub const PLACEMENT: &str = "placement";
    /// `PLACEMENT`'s popover.
    pub const POPOVER: &str = "popover";
    /// `PLACEMENT`'s none.
    pub const NONE: &str = "none";
    /// The page patterns, by index (`triggers.include.0`).
    pub const INCLUDE: &str = "triggers.include.";
    /// The page patterns that exclude, by index.
    pub const EXCLUDE: &str = "triggers.exclude.";
    /// The Turnstile site key, when comments need a token.
    pub const TURNSTILE: &str = "turnstile";
}

/// Joins view tokens at compile time: `tokens!("<p", "@id=q")` is `"\u{1f}<p\u{1f}@id=q"`.
/// A view is a string of tokens, each after a U+001F: `<tag` (a child element), `@name=value`
/// (an attribute), `"text` (its text) and `>` (end of element); the host's `build` turns them
/// into elements with `createElement`, `setAttribute` and `textContent`, never HTML parsing.
macro_rules! tokens {
    ($($token:literal),+ $(,)?) => { concat!($("\u{1f}", $token),+) };
}
pub(crate) use tokens;

/// What comes before every view token.
pub const SEPARATOR: &str = "\u{1f}";
/// A token that opens a child element.
pub const CHILD: &str = "<";
/// A token that sets an attribute (`@name=value`).
pub const ATTRIBUTE: &str = "@";
/// A token that sets the text.
pub const TEXT: &str = "\"";
/// A token that ends the element.
pub const END: &str = ">";

/// What `start` builds in the shadow root before anything else: a live region that announces
/// the outcome, and the box every render fills.
pub const SKELETON: &str = tokens!("<div", "@class=sr", "@aria-live=polite", ">", "<div", "@id=w");

/// Ids and selectors the host finds in what the view wrote (the view's tests check them).
pub mod dom {
    /// The box every render fills (its id).
    pub const BOX: &str = "w";
    /// The comment box (its id).
    pub const COMMENT: &str = "comment";
    /// The honeypot (its id).
    pub const HONEYPOT: &str = "hp";
    /// Where the Turnstile challenge goes (its id).
    pub const TURNSTILE: &str = "ts";
    /// The live region.
    pub const LIVE: &str = ".sr";
    /// The outcome's message, focused after sending or undoing.
    pub const MESSAGE: &str = ".thanks";
    /// The floating tab, focused when the panel closes.
    pub const TAB: &str = ".tab";
    /// The Send button, enabled when a Turnstile token arrives.
    pub const SEND: &str = "[data-action=send]";
}

/// Events and element properties between the loader and the host (both JS, neither bundled
/// with the other; the loader also keeps the function `mount` answers, and calls it when the
/// element is disconnected).
pub mod element {
    /// The page's `element.open()`, to a mounted widget.
    pub const OPEN: &str = "sayso:open";
    /// Set on the element by `open()` (1), so a widget mounted later opens.
    pub const OPEN_ASKED: &str = "o";
    /// The loader's function that mounts the widget, once the element is connected.
    pub const STARTER: &str = "s";
    /// Set (1) once the loader has begun mounting.
    pub const MOUNTED: &str = "m";
    /// History navigation (on `window`).
    pub const NAVIGATE: &str = "sayso:navigate";
}

/// One value for the JS.
#[allow(dead_code, reason = "the widget uses the constants; xtask, which includes this file, this table")]
pub enum Js {
    /// A string.
    Text(&'static str),
    /// A list of strings.
    Texts(&'static [&'static str]),
    /// A whole number.
    Number(u32),
}

/// Every value the JS names as `BOUNDARY.<name>`, for `cargo xtask build`.
#[allow(dead_code, reason = "read by xtask, which includes this file")]
pub fn js() -> impl Iterator<Item = (&'static str, Js)> {
    use Js::{Number, Text};
    let defaults = sayso_core::Triggers::default();
    [
        ("RATE", Text(action::RATE)),
        ("SEND", Text(action::SEND)),
        ("ESCAPE", Text(action::ESCAPE)),
        ("OPEN", Text(action::OPEN)),
        ("PROMPT", Text(action::PROMPT)),
        ("NAVIGATE", Text(action::NAVIGATE)),
        ("TOKEN", Text(action::TOKEN)),
        ("EXPIRE", Text(action::EXPIRE)),
        ("UNDONE", Text(action::UNDONE)),
        ("KEPT", Text(action::KEPT)),
        ("MODES", Js::Texts(&MODES)),
        ("INLINE", Number(Mode::Inline as u32)),
        ("POPOVER", Number(Mode::Popover as u32)),
        ("BROWSER_LANGUAGE", Number(BROWSER_LANGUAGE)),
        ("SETTING_ATTRIBUTE", Text(setting::ATTRIBUTE)),
        ("SEPARATOR", Text(SEPARATOR)),
        ("CHILD", Text(CHILD)),
        ("ATTRIBUTE", Text(ATTRIBUTE)),
        ("TEXT", Text(TEXT)),
        ("END", Text(END)),
        ("SKELETON", Text(SKELETON)),
        ("BOX", Text(dom::BOX)),
        ("COMMENT", Text(dom::COMMENT)),
        ("HONEYPOT", Text(dom::HONEYPOT)),
        ("TURNSTILE", Text(dom::TURNSTILE)),
        ("LIVE", Text(dom::LIVE)),
        ("MESSAGE", Text(dom::MESSAGE)),
        ("SEND_BUTTON", Text(dom::SEND)),
        ("OPEN_EVENT", Text(element::OPEN)),
        ("OPEN_ASKED", Text(element::OPEN_ASKED)),
        ("STARTER", Text(element::STARTER)),
        ("MOUNTED", Text(element::MOUNTED)),
        ("NAVIGATE_EVENT", Text(element::NAVIGATE)),
        ("SAMPLE_PERCENT", Number(defaults.sample_percent.into())),
        ("SNOOZE_DAYS", Number(defaults.snooze_days.into())),
        ("RADIUS_MAX", Number(sayso_core::RADIUS_MAX.into())),
        ("DELAY_MAX", Number(sayso_core::DELAY_SECONDS_MAX)),
    ]
    .into_iter()
}

/// The config paths `setting` reads: xtask checks each against core's `ResolvedWidget` as JSON
/// (a path ending in `.` names a list or a map, the others a string), and the placements
/// against core's `Placement`.
#[allow(dead_code, reason = "read by xtask, which includes this file")]
pub const CONFIG_PATHS: [&str; 8] =
    [setting::SCALE, setting::STRINGS, setting::LANG, setting::DIR, setting::PLACEMENT, setting::INCLUDE, setting::EXCLUDE, setting::TURNSTILE];
