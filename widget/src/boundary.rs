//! The boundary between the Rust widget and its JS (`js/host.js`, `js/loader.js`): every name,
//! token and number both sides use, defined once, here.
//!
//! The JS never spells one of them: it writes `BOUNDARY.<name>`, and `cargo xtask build` (which
//! includes this file) has esbuild replace each with its value from [`js`] (`--define`), so the
//! JS costs not a byte more than with literals and cannot drift from the Rust; the build fails
//! if a `BOUNDARY.` name is left over, and checks the config paths below against core's JSON.
//! Rules that are core's (the default sample and snooze, the largest radius) reach the JS the
//! same way, taken from `sayso-core` when the JS is built.

/// What `act` is told, as a number (a string would cost a comparison per action in the wasm
/// and its copy into it on every event: -NNN B gzipped): a button's `data-action` (written by
/// the view), by its index in `BUTTONS`, or one of the host's own events.
pub mod action {
    /// Send: the comment and what is in the honeypot.
    pub const SEND: u32 = 0;
    /// No comment, thanks.
    pub const SKIP: u32 = 1;
    /// Take the submission back.
    pub const UNDO: u32 = 2;
    /// The panel's close button.
    pub const CLOSE: u32 = 3;
    /// The floating tab.
    pub const TAB: u32 = 4;
    /// The buttons' `data-action`s, by their number above (the view writes the names).
    pub const BUTTONS: [&str; 5] = ["send", "skip", "undo", "close", "tab"];
    /// The visitor chose a value on the scale (on the page at the path given).
    pub const RATE: u32 = 5;
    /// The Escape key in the widget.
    pub const ESCAPE: u32 = 6;
    /// The page's `element.open()`.
    pub const OPEN: u32 = 7;
    /// A popover trigger fired.
    pub const PROMPT: u32 = 8;
    /// History navigation in a single-page app (to the path given).
    pub const NAVIGATE: u32 = 9;
    /// A Turnstile token for the next comment.
    pub const TOKEN: u32 = 10;
    /// The time for "Undo" ran out.
    pub const EXPIRE: u32 = 11;
    /// `take`'s answer: taken back.
    pub const UNDONE: u32 = 12;
    /// `take`'s answer: not taken back (offline, say).
    pub const KEPT: u32 = 13;
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
    /// The snippet placed the element.
    pub const AUTO_ATTRIBUTE: &str = "@auto";
    /// The page asked for a floating element.
    pub const FLOATING_ATTRIBUTE: &str = "@floating";
    /// The page's attributes of its visitor's segment (`plan=pro app=2.3`), read at the click.
    pub const ATTRS_ATTRIBUTE: &str = "@attrs";
    /// The site's scale.
    pub const SCALE: &str = "scale";
    /// Every string, by key (read by `js/view.js`).
    pub const STRINGS: &str = "strings.";
    /// The language (read by `js/view.js`).
    pub const LANG: &str = "lang";
    /// `ltr` or `rtl` (read by `js/view.js`).
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

/// What `draw` is told of the step (`state::Step`'s numbers).
pub mod step {
    /// The question and the scale.
    pub const RATE: u32 = 0;
    /// The scale with the chosen value, and the optional comment.
    pub const COMMENT: u32 = 1;
    /// Sent: thanks.
    pub const THANKS: u32 = 2;
    /// Taken back.
    pub const UNDONE: u32 = 3;
    /// Taking back failed.
    pub const UNDO_FAILED: u32 = 4;
}

/// What `draw` is told besides the step: one bit each.
pub mod flag {
    /// The panel is open.
    pub const OPEN: u32 = 1;
    /// It has just opened (it fades in).
    pub const OPENING: u32 = 2;
    /// The snippet's widget belongs on this page.
    pub const WANTED: u32 = 4;
    /// "Undo" is offered.
    pub const UNDO: u32 = 8;
    /// A value is chosen (the number `draw` is told).
    pub const CHOSEN: u32 = 16;
    /// The chosen value is an unhappy one (the follow-up asks what to do better).
    pub const UNHAPPY: u32 = 32;
    /// Send waits for a Turnstile token.
    pub const WAITING: u32 = 64;
}

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

/// What the host and `js/later.js` keep in the visitor's localStorage (never a cookie), each
/// key followed by the site id.
pub mod kept {
    /// The receipts of this browser's recent submissions, a line each (`js/kept.js`): only
    /// they can ask the edge for a reply.
    pub const MINE: &str = "sayso.mine.";
    /// When to ask the edge for replies next (ms), set by `js/later.js` after each check.
    pub const ASKED: &str = "sayso.asked.";
    /// "Don't ask again" until then (hours since 1970).
    pub const SNOOZE: &str = "sayso.snooze.";
    /// How often the host has `js/later.js` ask the edge for replies, at most (ms): a day.
    pub const ASK_EVERY_MS: u32 = 86_400_000;
    /// How many receipts are kept: the most one check may send (`sayso_core::reply::RECEIPTS_MAX`).
    pub const MINE_MAX: usize = sayso_core::reply::RECEIPTS_MAX;
    /// The most the kept text may hold: `MINE_MAX` lines of the widget's own (a 36-character id,
    /// a 32-digit key, a 13-digit time, two commas and a line break).
    pub const MINE_CHARS: usize = MINE_MAX * 84;
    /// How long a receipt is kept (days): long enough for an owner's late reply, no longer.
    pub const KEEP_DAYS: u32 = 90;
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
    /// The values of each scale that invite the quote question (`sayso_core::quote::invites_quote`),
    /// as `{"stars": [5], "nps": [9, 10], …}`: xtask asks core when it builds the JS.
    QuoteValues,
    /// The widget's stylesheet, `widget/src/widget.css` without its line breaks: xtask reads it
    /// when it builds the JS (host.js adopts it).
    Stylesheet,
}

/// Every value the JS names as `BOUNDARY.<name>`, for `cargo xtask build`.
#[allow(dead_code, reason = "read by xtask, which includes this file")]
pub fn js() -> impl Iterator<Item = (&'static str, Js)> {
    use Js::{Number, Text};
    let defaults = sayso_core::Triggers::default();
    [
        ("BUTTONS", Js::Texts(&action::BUTTONS)),
        ("RATE", Number(action::RATE)),
        ("SEND", Number(action::SEND)),
        ("ESCAPE", Number(action::ESCAPE)),
        ("OPEN", Number(action::OPEN)),
        ("PROMPT", Number(action::PROMPT)),
        ("NAVIGATE", Number(action::NAVIGATE)),
        ("TOKEN", Number(action::TOKEN)),
        ("EXPIRE", Number(action::EXPIRE)),
        ("UNDONE", Number(action::UNDONE)),
        ("KEPT", Number(action::KEPT)),
        ("MODES", Js::Texts(&MODES)),
        ("INLINE", Number(Mode::Inline as u32)),
        ("POPOVER", Number(Mode::Popover as u32)),
        ("BROWSER_LANGUAGE", Number(BROWSER_LANGUAGE)),
        ("SETTING_ATTRIBUTE", Text(setting::ATTRIBUTE)),
        ("FLOATING", Number(Mode::Floating as u32)),
        ("CLOSE", Number(action::CLOSE)),
        ("SKIP", Number(action::SKIP)),
        ("UNDO", Number(action::UNDO)),
        ("TAB", Number(action::TAB)),
        ("COMMENT_STEP", Number(step::COMMENT)),
        ("THANKS_STEP", Number(step::THANKS)),
        ("UNDONE_STEP", Number(step::UNDONE)),
        ("OPEN_FLAG", Number(flag::OPEN)),
        ("OPENING_FLAG", Number(flag::OPENING)),
        ("WANTED_FLAG", Number(flag::WANTED)),
        ("UNDO_FLAG", Number(flag::UNDO)),
        ("CHOSEN_FLAG", Number(flag::CHOSEN)),
        ("UNHAPPY_FLAG", Number(flag::UNHAPPY)),
        ("WAITING_FLAG", Number(flag::WAITING)),
        ("EMOJI_FACES", Js::Texts(&sayso_core::scale::EMOJI_FACES)),
        ("COMMENT_MAX", Number(sayso_core::validate::COMMENT_MAX_CHARS as u32)),
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
        ("MINE", Text(kept::MINE)),
        ("ASKED", Text(kept::ASKED)),
        ("SNOOZE_KEY", Text(kept::SNOOZE)),
        ("ASK_EVERY_MS", Number(kept::ASK_EVERY_MS)),
        ("MINE_MAX", Number(kept::MINE_MAX as u32)),
        ("MINE_CHARS", Number(kept::MINE_CHARS as u32)),
        ("REPLY_MAX", Number(sayso_core::reply::REPLY_MAX_CHARS as u32)),
        ("NAME_MAX", Number(sayso_core::quote::DISPLAY_NAME_MAX_CHARS as u32)),
        ("KEEP_DAYS", Number(kept::KEEP_DAYS)),
        ("QUOTE_VALUES", Js::QuoteValues),
        ("CSS", Js::Stylesheet),
    ]
    .into_iter()
}

/// The config paths `setting` reads: xtask checks each against core's `ResolvedWidget` as JSON
/// (a path ending in `.` names a list or a map, the others a string), and the placements
/// against core's `Placement`.
#[allow(dead_code, reason = "read by xtask, which includes this file")]
pub const CONFIG_PATHS: [&str; 8] =
    [setting::SCALE, setting::STRINGS, setting::LANG, setting::DIR, setting::PLACEMENT, setting::INCLUDE, setting::EXCLUDE, setting::TURNSTILE];
