// sayso widget host: the browser plumbing around the Rust widget (src/lib.rs). Rust decides what
// the widget shows, what a click or a key means, and builds each submission with sayso-core's
// rules; this file does what only the browser does: the shadow root and its stylesheets, the
// config fetch (a preview, the dashboard's, reads its config from its `preview` attribute and
// sends and keeps nothing), timers, the popover's triggers, focus and the radio group's arrow
// keys, each widget's life (listeners and timers go when its element is removed); it draws with dom.js
// and turnstile.js, and gives the outbox (outbox.js) the browser's storage, network and clock.
// What only some visitors need (a reply to their feedback, the quote question) is later.js,
// fetched when needed (`more`): this file keeps the receipts it needs and decides when to fetch it.
// wasm-bindgen bundles it into the glue (esbuild minifies it). A DOM call here costs a few bytes;
// the same call through web-sys cost glue on both sides, and a Rust closure per listener, timer
// and promise. Every name and number shared with Rust or the loader is `BOUNDARY.<name>`: Rust's
// (src/boundary.rs), written in by `cargo xtask build`.
import * as rust from "../../../sayso_widget.js";
import { clean, el, sheet } from "./dom.js";
import { due, keep, load, store } from "./kept.js";
import { outbox } from "./outbox.js";
import { turnstile } from "./turnstile.js";
import { outcome, view } from "./view.js";

/// The widgets on the page, by number: element, edge, site, `life` (an AbortController: every
/// listener and timer of the widget goes when it is aborted), config, the element's own
/// question, outbox, `act`, and `v`, what view.js fills (later.js's notices go beside it).
const widgets = [];

/// The loader's entry point: starts the widget in `host` (a <sayso-feedback>) for `site` (the
/// element's own `site` wins) at `edge`. Rust checks the site id, picks the visitor's
/// language and calls `start`. Answers what the loader calls when the element is disconnected.
export function mount(host, edge, site) {
  site = host.getAttribute("site") || site;
  const life = new AbortController();
  rust.begin(widgets.push({ host, edge, site, life }) - 1, site);
  // Still out after a microtask, the element was removed, not moved: the widget releases its
  // listeners and timers, and the loader's marks go, so that connected again it starts afresh.
  return () =>
    queueMicrotask(
      () => host.isConnected || (life.abort(), (host[BOUNDARY.STARTER] = host[BOUNDARY.MOUNTED] = host[BOUNDARY.OPEN_ASKED] = 0))
    );
}

/// Attaches the shadow root with the widget's stylesheet (src/widget.css, written in by
/// `cargo xtask build`: in the glue it shares its words with view.js and compresses better than
/// in the wasm), a live region that announces the thank-you and the box every render fills; then
/// fetches the site's config and creates the widget. The widget has no strings of its own:
/// offline, it starts with the last config this browser kept for the site (the outbox keeps the
/// rating), and without one it stays away.
export function start(n, locale) {
  const w = widgets[n], { host, edge, site } = w, kept = "sayso.config." + site;
  const root = (w.root = host.shadowRoot || host.attachShadow({ mode: "open" }));
  root.adoptedStyleSheets = [sheet(BOUNDARY.CSS)];
  // A live region that announces the outcome, and the box (`display: contents` inside it, what
  // every render fills: later.js's notices go beside it, so no render takes them away).
  root.replaceChildren();
  el(root, "div", { class: "sr", "aria-live": "polite" });
  w.v = el(el(root, "div", { id: BOUNDARY.BOX }), "div", { class: "v" });
  // A preview (`preview` holds the config as JSON: the dashboard's) sends and keeps nothing: its
  // outbox takes each submission and drops it. Only on the edge's own pages (the dashboard), so a
  // snippet copied with `preview` on a site's page still sends its visitors' feedback. Otherwise
  // created first, so what an earlier page left waiting goes out even if the config cannot load.
  const preview = location.origin == edge && host.getAttribute("preview");
  w.outbox = preview ? { send() {}, undo: (id, done) => done(1) } : outboxFor(edge, site);
  // The config as JSON text, parsed here: a kept one that is not JSON fails like any other.
  const begin = (json) => {
    try {
      const config = JSON.parse(json);
      if (config) create(n, w, locale, config);
    } catch (e) {
      console.warn("sayso: the feedback widget could not start:", e);
    }
  };
  // Offline (or an answer cut short): the config kept from an earlier visit, if any.
  const offline = () => begin(load(kept) ?? null);
  if (preview) return begin(preview);
  fetch(`${edge}/v1/sites/${site}/config?lang=${locale}`).then(
    (response) =>
      response.ok
        ? response.json().then((body) => {
            const json = JSON.stringify(body?.widget);
            store(kept, json);
            begin(json);
          }, offline)
        : // No such site, or the edge refuses (an origin no longer listed): show nothing rather
          // than a dead widget; a site gone or an origin unlisted (404, 403) also forgets the kept
          // config, so it never shows offline either.
          ((response.status == 403 || response.status == 404) && store(kept, null), console.warn("sayso: no widget configuration, HTTP", response.status)),
    offline
  );
}

function create(n, w, locale, config) {
  const { host, root, site } = w, triggers = config.triggers || {};
  // Every listener goes when the element leaves the page (and created after it left, the
  // widget adds none).
  const on = (target, type, listener) => target.addEventListener(type, listener, { signal: w.life.signal });
  Object.assign(w, { config, triggers, generation: 0, question: host.getAttribute("question") });
  const mode = rust.create(n, site, locale, location.pathname, host.hasAttribute("auto") && sampled(site, triggers.sample_percent ?? BOUNDARY.SAMPLE_PERCENT));
  if (!mode) return; // off
  // This browser wrote to the site before, and has not asked for replies in a day: later.js asks.
  // (A preview keeps no receipt: its outbox stores nothing.)
  if (due(site)) more(w);
  // The stylesheet's hook.
  host.setAttribute("data-mode", BOUNDARY.MODES[mode]);
  // One entry point for every event (see `act` in src/lib.rs).
  const act = (w.act = (action, value = 0, text = "", trap = "") => rust.act(n, action, value, text, trap));
  // The corner is the stylesheet's (`:host([data-pos^=top])`, `$=left`): anything else is
  // bottom right.
  host.setAttribute("data-pos", host.getAttribute("position") || config.position || "");
  // The site's colours and radius, as a second sheet; the page's --sayso-accent and
  // --sayso-radius on the element still win.
  const { accent, radius } = config.theme || {};
  let theme = "";
  if (/^[#0-9a-f]*$/i.test(accent)) theme += `--a:var(--sayso-accent,${accent});`;
  if (typeof radius == "number") theme += `--r:var(--sayso-radius,${Math.max(0, Math.min(radius | 0, BOUNDARY.RADIUS_MAX))}px);`;
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet(`#${BOUNDARY.BOX}{${theme}}`)];

  // A button's `data-value` is a rating, its `data-action` an action, told by its number
  // (both the view's).
  on(root, "click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const { value } = button.dataset, action = BOUNDARY.BUTTONS.indexOf(button.dataset.action);
    if (value) act(BOUNDARY.RATE, +value, location.pathname);
    else if (action == BOUNDARY.SEND) act(action, 0, text(root, BOUNDARY.COMMENT).normalize("NFC"), text(root, BOUNDARY.HONEYPOT));
    else if (action >= 0) act(action);
  });
  on(root, "keydown", (event) => (event.key == "Escape" ? act(BOUNDARY.ESCAPE) : roam(root, event)));
  // `element.open()` (the loader's method) asks for this event, and marks the element if it
  // was called before the widget loaded.
  const open = () => {
    if (!host.isConnected) return;
    act(BOUNDARY.OPEN);
    if (mode == BOUNDARY.INLINE) host.scrollIntoView(false);
  };
  on(host, BOUNDARY.OPEN_EVENT, open);
  // Single-page apps: the loader turns pushState/replaceState into an event.
  const navigated = () => {
    if (host.isConnected && act(BOUNDARY.NAVIGATE, 0, location.pathname)) {
      w.generation++;
      if (mode == BOUNDARY.POPOVER) arm();
    }
  };
  on(window, BOUNDARY.NAVIGATE_EVENT, navigated);
  on(window, "popstate", navigated);

  // The popover opens by itself when a trigger fires, unless the visitor said "not now"
  // lately; Rust checks the page patterns, the sample and "once per page". A trigger armed on
  // a page the visitor has since left finds the generation changed and never fires.
  const fire = (generation) => generation == w.generation && host.isConnected && !snoozed(site) && act(BOUNDARY.PROMPT);
  const arm = () => {
    const none = triggers.delay_seconds == null && triggers.scroll_percent == null && !triggers.exit_intent;
    const seconds = triggers.delay_seconds ?? (none ? 0 : null);
    const generation = w.generation;
    if (seconds != null) after(w, Math.min(seconds, BOUNDARY.DELAY_MAX) * 1000, () => fire(generation));
  };
  if (mode == BOUNDARY.POPOVER) {
    if (triggers.scroll_percent != null)
      on(window, "scroll", () => {
        const page = document.documentElement;
        if ((scrollY + innerHeight) * 100 >= Math.max(page.scrollHeight, 1) * triggers.scroll_percent) fire(w.generation);
      });
    // The pointer left through the top edge: towards the tabs or the address bar.
    if (triggers.exit_intent) on(document, "mouseout", (event) => !event.relatedTarget && event.clientY <= 0 && fire(w.generation));
    arm();
  }
  if (host[BOUNDARY.OPEN_ASKED]) open();
}

/// Calls `fn` after `ms`, unless widget `w` has left the page by then.
function after(w, ms, fn) {
  const timer = setTimeout(fn, ms);
  w.life.signal.addEventListener("abort", () => clearTimeout(timer));
}

const text = (root, id) => root.getElementById(id)?.value || "";

/// Whether this visitor is in the sample: a number 0–99 drawn once and kept, so a visitor is in
/// or out on every page and every visit.
function sampled(site, percent) {
  if (percent >= 100) return true;
  const key = "sayso.sample." + site;
  let draw = parseInt(load(key));
  if (!(draw >= 0)) store(key, (draw = (Math.random() * 100) | 0));
  return draw < percent;
}

/// "Don't ask again" until a time kept in hours since 1970.
const snoozed = (site) => load(BOUNDARY.SNOOZE_KEY + site) * 3.6e6 > Date.now();

/// later.js (content-hashed, cached like the glue), fetched the first time a widget needs it:
/// `later(w)` asks the edge for replies; `later(w, id, key, body)` looks at the submission just
/// stored, whose receipt is `key`. Named relative to the glue (both are under /v1/widget/).
const more = (...args) => import("./__LATER__").then((m) => m.later(...args));

// ---- What Rust calls (the imports in src/lib.rs); `n` is the widget's number ----

/// `@name`: the element's attribute; else a dotted path into the site's widget config (`clean`ed),
/// with the `index` of a list's entry (0 or more) after it.
export function setting(n, path, index) {
  const w = widgets[n];
  if (index >= 0) path += index;
  return clean(path[0] == BOUNDARY.SETTING_ATTRIBUTE ? w.host.getAttribute(path.slice(1)) : path.split(".").reduce((object, key) => object?.[key], w.config));
}

export const language = (n, which) => (which == BOUNDARY.BROWSER_LANGUAGE ? navigator.language : widgets[n].host.closest("[lang]")?.getAttribute("lang"));

export const now = () => Date.now();

export const fill = (bytes) => crypto.getRandomValues(bytes);

/// Replaces the widget's content with view.js's view of what Rust says; whatever the visitor
/// typed survives (say, choosing another rating), and the Turnstile challenge goes where the
/// view asks for it.
export function draw(n, ...shown) {
  const w = widgets[n], root = w.root, typed = text(root, BOUNDARY.COMMENT);
  view(w, w.v, ...shown);
  const area = root.getElementById(BOUNDARY.COMMENT), challenge = root.getElementById(BOUNDARY.TURNSTILE);
  if (area) area.value = typed;
  if (challenge) turnstile(w, challenge);
}

export const focus = (n, selector) => widgets[n].root.querySelector(selector)?.focus();

/// The outcome in the live region; focus moves to the message (the button that had it is gone).
export function say(n, step) {
  widgets[n].root.querySelector(BOUNDARY.LIVE).textContent = outcome(widgets[n], step);
  focus(n, BOUNDARY.MESSAGE);
}

export function emit(n, name, json) {
  const detail = json ? JSON.parse(json) : null;
  // The spam fields are for the edge, not the page's analytics; the key proves authorship and
  // never leaves the widget but to the edge.
  if (detail) delete detail.trap, delete detail.turnstile, delete detail.key;
  widgets[n].host.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true, detail }));
}

/// Queues a submission; the outbox remembers the widget that sent last (for the quote question).
export const post = (n, id, body) => ((widgets[n].outbox.w = widgets[n]).outbox.send(id, body));

export const take = (n, id, generation) => widgets[n].outbox.undo(id, (done) => widgets[n].act(done ? BOUNDARY.UNDONE : BOUNDARY.KEPT, generation));

export const later = (n, ms, generation) => after(widgets[n], ms, () => widgets[n].act(BOUNDARY.EXPIRE, generation));

export function snooze(n) {
  const w = widgets[n], days = w.triggers.snooze_days ?? BOUNDARY.SNOOZE_DAYS;
  if (days) store(BOUNDARY.SNOOZE_KEY + w.site, ((Date.now() / 3.6e6) | 0) + days * 24);
}

// ---- The radio group ----

/// The radio group's keyboard: arrow keys (mirrored right to left), Home and End move the single
/// tab stop between the values.
function roam(root, event) {
  const radios = [...root.querySelectorAll("[role=radio]")], at = radios.indexOf(event.target.closest("[role=radio]"));
  const rtl = !!event.target.closest("[dir=rtl]");
  const step = { ArrowRight: rtl ? -1 : 1, ArrowDown: 1, ArrowLeft: rtl ? 1 : -1, ArrowUp: -1, Home: -99, End: 99 }[event.key];
  if (at < 0 || !step) return;
  event.preventDefault();
  const next = radios[Math.max(0, Math.min(radios.length - 1, at + step))];
  for (const radio of radios) radio.tabIndex = radio == next ? 0 : -1;
  next.focus();
}

// ---- The outbox ----

const outboxes = {};

/// One site's outbox (outbox.js), one per page, shared by every widget of the site: it lives as
/// long as the page, and so do its listeners. What an earlier page left waiting goes out now.
/// Each submission stored keeps its receipt (kept.js); on a site that shows testimonials, later.js
/// looks at it too (a top rating with a comment brings the quote question, in the widget that sent it).
/// (Keeping it here, not in later.js, costs the main bundle ~40 B gzipped, but a rater fetches no
/// later.js on a site without testimonials: widget_loop.rs holds that.)
function outboxFor(edge, site) {
  const url = `${edge}/v1/sites/${site}/feedback`, key = "sayso.outbox." + site;
  if (outboxes[url]) return outboxes[url];
  const box = (outboxes[url] = outbox({
    url,
    fetch,
    beacon: (body) => navigator.sendBeacon(url, body),
    online: () => navigator.onLine,
    load: () => load(key),
    store: (value) => store(key, value),
    later: setTimeout,
    now: Date.now,
    kept: (id, receipt, body) => (keep(site, id, receipt), box.w?.config.quotes && more(box.w, id, receipt, body)),
  }));
  addEventListener("online", box.flush);
  addEventListener("pagehide", box.beacon);
  document.addEventListener("visibilitychange", () => document.hidden && box.beacon());
  box.flush();
  return box;
}
