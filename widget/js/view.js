// sayso widget view: the elements the widget shows for the state Rust hands over (src/view.rs:
// the step, a few flags, the chosen value and the comment to echo), in the site's words (its
// config's strings). Rust decides what shows, and every rule behind it (sentiment, Turnstile,
// Undo); this file only lays it out, with `createElement`, `setAttribute` and `textContent`,
// never HTML parsing, in a Shadow DOM styled by constructable stylesheets only (dom.js).
// Written in JS because the same view built from Rust cost twice its bytes (see BENCHMARKS.md).
// Bundled into the glue with host.js.
import { clean, el } from "./dom.js";

/// Each scale's values, in the order shown (thumbs up first: the positive answer is the common
/// one); the others go 1 to 5.
const VALUES = { thumbs: [1, 0], nps: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] };

/// The message for a step after sending, by the step's number (thanks, undone, undo failed).
const OUTCOMES = { [BOUNDARY.THANKS_STEP]: "thank_you", [BOUNDARY.UNDONE_STEP]: "undone" };

/// A string of widget `w`'s config, by key; a missing one is empty.
const say = (w, key) => clean(w.config.strings?.[key]) ?? "";

/// The message for `step` (`BOUNDARY.*_STEP`, after sending) in widget `w`'s words.
export const outcome = (w, step) => say(w, OUTCOMES[step] || "undo_failed");

/// Replaces what `box` shows for widget `w`: its `scale` (Rust's choice: the element's or the
/// site's) and `mode` (`BOUNDARY.INLINE`, …), the `step` (`BOUNDARY.*_STEP`), `flags`
/// (`BOUNDARY.*_FLAG`), the `chosen` value and the comment to `echo`.
export function view(w, box, scale, mode, step, flags, chosen, echo) {
  const config = w.config, top = document.createDocumentFragment();
  const words = { lang: clean(config.lang) ?? "en", dir: clean(config.dir) ?? "ltr" };
  const button = (parent, action, attributes, text) => el(parent, "button", { type: "button", "data-action": BOUNDARY.BUTTONS[action], ...attributes }, text);
  if (mode == BOUNDARY.INLINE || flags & BOUNDARY.WANTED_FLAG) {
    if (flags & BOUNDARY.OPEN_FLAG) {
      // Only a panel that has just opened fades in; a re-render (another rating) does not.
      let panel = el(top, "div", { part: "panel", class: flags & BOUNDARY.OPENING_FLAG ? "panel in" : "panel", ...words });
      if (mode != BOUNDARY.INLINE) {
        // Floating and popover panels are non-modal dialogs named by their question.
        panel = el(panel, "div", { class: "x", role: "dialog", "aria-labelledby": "q" });
        button(panel, BOUNDARY.CLOSE, { class: "close", "aria-label": say(w, "close") }, "\u00d7");
      }
      if (step > BOUNDARY.COMMENT_STEP) {
        // What the visitor wrote, shown back as text: exactly what was stored.
        if (echo) el(panel, "blockquote", { class: "echo" }, echo);
        const row = el(panel, "div", { class: "row done" });
        el(row, "p", { id: "q", class: "thanks", tabindex: -1 }, outcome(w, step));
        if (flags & BOUNDARY.UNDO_FLAG) button(row, BOUNDARY.UNDO, {}, say(w, "undo"));
      } else {
        // The element's own question (as it was when the widget started), unless blank.
        const question = w.question;
        el(panel, "p", { id: "q", class: "question" }, question && /[^\0- ]/.test(question) ? clean(question) : say(w, "q_" + scale));
        scaleOf(w, panel, scale, flags & BOUNDARY.CHOSEN_FLAG ? chosen : -1);
        if (step == BOUNDARY.COMMENT_STEP && flags & BOUNDARY.CHOSEN_FLAG) {
          el(panel, "label", { for: BOUNDARY.COMMENT, class: "follow-up" }, say(w, flags & BOUNDARY.UNHAPPY_FLAG ? "follow_up_low" : "follow_up"));
          el(panel, "textarea", { id: BOUNDARY.COMMENT, rows: 3, maxlength: BOUNDARY.COMMENT_MAX });
          // The site wants a Turnstile token with comments: the host renders the challenge
          // here, and Send waits for the token.
          const waiting = flags & BOUNDARY.WAITING_FLAG;
          if (waiting) el(panel, "div", { id: BOUNDARY.TURNSTILE, class: "ts" });
          // The honeypot: off-screen, out of the tab order and hidden from assistive
          // technology, so only a bot fills it.
          el(el(panel, "div", { class: "hp", "aria-hidden": "true" }), "input", { id: BOUNDARY.HONEYPOT, name: "website", tabindex: -1, autocomplete: "off" });
          const row = el(panel, "div", { class: "row" });
          button(row, BOUNDARY.SKIP, {}, say(w, "skip"));
          button(row, BOUNDARY.SEND, waiting ? { class: "primary", disabled: "" } : { class: "primary" }, say(w, "send"));
        }
      }
    }
    if (mode == BOUNDARY.FLOATING) button(top, BOUNDARY.TAB, { class: "tab", "aria-expanded": !!(flags & BOUNDARY.OPEN_FLAG), ...words }, say(w, "tab"));
  }
  box.replaceChildren(top);
}

/// The scale as a radio group: one tab stop (the `chosen` value, else the first; -1: none),
/// arrow keys move between values (host.js's `roam`), Space or Enter chooses.
function scaleOf(w, parent, scale, chosen) {
  const group = el(parent, "div", { role: "radiogroup", "aria-labelledby": "q", class: "scale " + scale });
  (VALUES[scale] || [1, 2, 3, 4, 5]).forEach((value, i) => {
    const digits = "" + value, n = value && value - 1, checked = value == chosen;
    const [face, label] =
      scale == "thumbs"
        ? value
          ? ["\u{1F44D}", say(w, "yes")]
          : ["\u{1F44E}", say(w, "no")]
        : scale == "stars"
          ? ["\u2605", say(w, "star").split("{n}").join(digits)]
          : scale == "nps"
            ? [digits, say(w, "nps_value").split("{n}").join(digits)]
            : scale == "emoji"
              ? [BOUNDARY.EMOJI_FACES[n], say(w, "emoji_" + value)]
              : [digits, say(w, "csat_" + value)];
    const attributes = { role: "radio", "data-value": digits, "aria-checked": checked, tabindex: checked || (chosen < 0 && !i) ? 0 : -1, "aria-label": label };
    // Stars light up to the chosen one.
    if (scale == "stars" && chosen >= value) attributes.class = "lit";
    el(group, "button", { type: "button", ...attributes }, face);
  });
  const ends = scale == "nps" ? ["nps_low", "nps_high"] : scale == "csat" ? ["csat_1", "csat_5"] : [];
  if (ends[0]) {
    const legend = el(parent, "div", { class: "legend", "aria-hidden": "true" });
    for (const key of ends) el(legend, "span", {}, say(w, key));
  }
}
