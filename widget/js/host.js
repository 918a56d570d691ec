// sayso widget host: the browser plumbing around the Rust widget (src/lib.rs). Rust decides what
// the widget shows, what a click or a key means, and builds each submission with sayso-core's
// rules; this file does what only the browser does: the shadow root and its stylesheets, the
// config fetch, the outbox (localStorage, fetch, sendBeacon, retries), timers, the popover's
// triggers, focus and the radio group's arrow keys, and Turnstile. wasm-bindgen bundles it into
// the glue (esbuild minifies it). A DOM call here costs a few bytes; the same call through
// web-sys cost glue on both sides, and a Rust closure per listener, timer and promise.
import * as rust from "../../../sayso_widget.js";

/// The widgets on the page, by number: element, edge, site, config, outbox, `act`.
const widgets = [];

/// The loader's entry point: starts the widget in `host` (a <sayso-feedback>) for `site` (the
/// element's own `site` wins) at `edge`. Rust checks the site id, picks the visitor's
/// language and calls `start`.
export function mount(host, edge, site) {
  site = host.getAttribute("site") || site;
  rust.begin(widgets.push({ host, edge, site }) - 1, site);
}

/// Attaches the shadow root with the widget's stylesheet, a live region that announces the
/// thank-you and the box every render fills; then fetches the site's config and creates the
/// widget (offline, it still starts, in English: the outbox keeps the rating).
export function start(n, locale, css) {
  const w = widgets[n], { host, edge, site } = w;
  const root = (w.root = host.shadowRoot || host.attachShadow({ mode: "open" }));
  root.adoptedStyleSheets = [sheet(css)];
  build(root, "<div\x1f@class=sr\x1f@aria-live=polite\x1f>\x1f<div\x1f@id=w");
  // Created first, so what an earlier page left waiting goes out even if the config cannot load.
  w.outbox = outboxFor(edge, site);
  const begin = (config) => {
    try {
      create(n, w, locale, config || {});
    } catch (e) {
      console.warn("sayso: the feedback widget could not start:", e);
    }
  };
  fetch(`${edge}/v1/sites/${site}/config?lang=${locale}`).then(
    (response) =>
      response.ok
        ? response.json().then((body) => begin(body && body.widget), () => begin())
        : // No such site, or the edge refuses: show nothing rather than a dead widget.
          console.warn("sayso: no widget configuration, HTTP", response.status),
    () => begin()
  );
}

function create(n, w, locale, config) {
  const { host, root, site } = w, triggers = config.triggers || {};
  Object.assign(w, { config, triggers, generation: 0 });
  const mode = ["", "inline", "floating", "popover"][rust.create(n, site, locale, location.pathname, host.hasAttribute("auto") && sampled(site, triggers.sample_percent ?? 100))];
  if (!mode) return; // off
  // The stylesheet's hook.
  host.setAttribute("data-mode", mode);
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
  if (typeof radius == "number") theme += `--r:var(--sayso-radius,${Math.max(0, Math.min(radius | 0, 24))}px);`;
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet(`#w{${theme}}`)];

  root.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const { value, action } = button.dataset;
    if (value) act("rate", +value, location.pathname);
    else if (action == "send") act(action, 0, text(root, "comment").normalize("NFC"), text(root, "hp"));
    else if (action) act(action);
  });
  root.addEventListener("keydown", (event) => (event.key == "Escape" ? act("escape") : roam(root, event)));
  // `element.open()` (the loader's method) asks for this event, and sets `o` if it was called
  // before the widget loaded.
  const open = () => {
    if (!host.isConnected) return;
    act("open");
    if (mode == "inline") host.scrollIntoView(false);
  };
  host.addEventListener("sayso:open", open);
  // Single-page apps: the loader turns pushState/replaceState into `sayso:navigate`.
  const navigated = () => {
    if (host.isConnected && act("navigate", 0, location.pathname)) {
      w.generation++;
      if (mode == "popover") arm();
    }
  };
  addEventListener("sayso:navigate", navigated);
  addEventListener("popstate", navigated);

  // The popover opens by itself when a trigger fires, unless the visitor said "not now"
  // lately; Rust checks the page patterns, the sample and "once per page". A trigger armed on
  // a page the visitor has since left finds the generation changed and never fires.
  const fire = (generation) => generation == w.generation && host.isConnected && !snoozed(site) && act("prompt");
  const arm = () => {
    const none = triggers.delay_seconds == null && triggers.scroll_percent == null && !triggers.exit_intent;
    const seconds = triggers.delay_seconds ?? (none ? 0 : null);
    const generation = w.generation;
    if (seconds != null) setTimeout(() => fire(generation), Math.min(seconds, 3600) * 1000);
  };
  if (mode == "popover") {
    if (triggers.scroll_percent != null)
      addEventListener("scroll", () => {
        const page = document.documentElement;
        if ((scrollY + innerHeight) * 100 >= Math.max(page.scrollHeight, 1) * triggers.scroll_percent) fire(w.generation);
      });
    // The pointer left through the top edge: towards the tabs or the address bar.
    if (triggers.exit_intent) document.addEventListener("mouseout", (event) => !event.relatedTarget && event.clientY <= 0 && fire(w.generation));
    arm();
  }
  if (host.o) open();
}

const text = (root, id) => root.getElementById(id)?.value || "";

function sheet(css) {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  return sheet;
}

const load = (key) => {
  try {
    return localStorage.getItem(key);
  } catch {}
};
const store = (key, value) => {
  try {
    value == null ? localStorage.removeItem(key) : localStorage.setItem(key, value);
  } catch {}
};

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
const snoozed = (site) => load("sayso.snooze." + site) * 3.6e6 > Date.now();

// ---- What Rust calls (the imports in src/lib.rs); `n` is the widget's number ----

/// `@name`: the element's attribute; else a dotted path into the site's widget config.
export function setting(n, path) {
  const w = widgets[n];
  if (path[0] == "@") return w.host.getAttribute(path.slice(1));
  const value = path.split(".").reduce((object, key) => object?.[key], w.config);
  if (typeof value == "string") return value;
}

export const language = (n, which) => (which ? navigator.language : widgets[n].host.closest("[lang]")?.getAttribute("lang"));

export const now = () => Date.now();

export const fill = (bytes) => crypto.getRandomValues(bytes);

/// Replaces the widget's content; whatever the visitor typed survives (say, choosing another
/// rating), and the Turnstile challenge goes where the view asks for it.
export function draw(n, view) {
  const root = widgets[n].root, typed = text(root, "comment");
  build(root.getElementById("w"), view);
  const area = root.getElementById("comment"), challenge = root.getElementById("ts");
  if (area) area.value = typed;
  if (challenge) turnstile(widgets[n], challenge);
}

export const focus = (n, selector) => widgets[n].root.querySelector(selector)?.focus();

/// The outcome in the live region; focus moves to the message (the button that had it is gone).
export function say(n, message) {
  widgets[n].root.querySelector(".sr").textContent = message;
  focus(n, ".thanks");
}

export function emit(n, name, json) {
  const detail = json ? JSON.parse(json) : null;
  // The spam fields are for the edge, not the page's analytics.
  if (detail) delete detail.trap, delete detail.turnstile;
  widgets[n].host.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true, detail }));
}

export const post = (n, id, body) => widgets[n].outbox.send(id, body);

export const take = (n, id, generation) => widgets[n].outbox.undo(id, (done) => widgets[n].act(done ? "undone" : "kept", generation));

export const later = (n, ms, generation) => setTimeout(() => widgets[n].act("expire", generation), ms);

export function snooze(n) {
  const w = widgets[n], days = w.triggers.snooze_days ?? 30;
  if (days) store("sayso.snooze." + w.site, ((Date.now() / 3.6e6) | 0) + days * 24);
}

// ---- The DOM ----

/// Builds a view written as tokens (`<tag`, `@name=value`, `"text`, `>`) with `createElement`,
/// `setAttribute` and `textContent`: never HTML parsing.
function build(box, view) {
  const doc = document, stack = [doc.createDocumentFragment()];
  for (const token of view.split("\x1f")) {
    const top = stack[stack.length - 1], kind = token[0], rest = token.slice(1);
    if (kind == "<") stack.push(top.appendChild(doc.createElement(rest)));
    else if (kind == "@") {
      const eq = rest.indexOf("=");
      top.setAttribute(rest.slice(0, eq), rest.slice(eq + 1));
    } else if (kind == '"') top.textContent = rest;
    else if (kind == ">") stack.pop();
  }
  box.replaceChildren(stack[0]);
}

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

/// Cloudflare Turnstile under the comment box, for sites that want a token with comments
/// (its script is loaded once, unless the page has it). Send waits for the token.
let turnstileLoaded;
function turnstile(w, box) {
  turnstileLoaded ||= window.turnstile
    ? Promise.resolve()
    : new Promise((loaded) => {
        const script = document.createElement("script");
        script.src = "https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit";
        script.onload = loaded;
        script.onerror = () => console.warn("sayso: Turnstile could not load, so comments cannot be sent");
        document.head.append(script);
      });
  turnstileLoaded.then(() =>
    window.turnstile.render(box, {
      sitekey: w.config.turnstile,
      callback: (token) => {
        w.act("token", 0, token);
        // Enable Send in place: a re-render would take the comment box from under the fingers.
        w.root.querySelector("[data-action=send]")?.removeAttribute("disabled");
      },
    })
  );
}

// ---- The outbox ----

const outboxes = {};

/// An undo's answer, always later: the widget asked from inside its own code, and the outbox's
/// loop must never run the widget's.
const answer = (then, done) => queueMicrotask(() => then(done));

/// One site's outbox (one per page, shared by every widget of the site). Every submission is
/// written to localStorage before it is sent, and leaves only when the edge has answered 2xx (or
/// refused it for good with a 4xx). Network errors, 5xx and 429 are retried with exponential
/// backoff and jitter (honouring Retry-After), again when the browser comes back online, and on
/// the next page load; when the page is hidden or left, what is still waiting goes out with
/// sendBeacon. Each entry is a submission's whole state, so a newer revision replaces an older
/// one waiting for the same id, and the edge counts an id once whatever order copies arrive in.
function outboxFor(edge, site) {
  const url = `${edge}/v1/sites/${site}/feedback`, key = "sayso.outbox." + site;
  if (outboxes[url]) return outboxes[url];
  // Used when localStorage is unavailable (blocked, private mode, full).
  let memory = [], flushing, retrying, failures = 0, warned;
  // Receipts of what this page sent (for undo); ids in flight; ids handed to sendBeacon (the
  // edge may hold them, unseen); undos waiting for their submission's answer.
  const receipts = {}, pending = new Set(), beaconed = new Set(), undos = [];

  // Read fresh each time, so tabs of the same site share the outbox.
  const entries = () => {
    const stored = load(key);
    if (stored == null) return memory;
    try {
      const list = JSON.parse(stored);
      return Array.isArray(list) ? list.filter((e) => typeof e?.[0] == "string" && typeof e[1] == "string") : [];
    } catch {
      return [];
    }
  };
  const save = (list) => store(key, (memory = list).length ? JSON.stringify(list) : null);
  const without = (id, body) => entries().filter((e) => e[0] != id || (body != null && e[1] != body));

  const send = (id, body) => {
    const list = without(id);
    list.push([id, body]);
    if (list.length > 100) {
      list.shift();
      if (!warned) console.warn("sayso: the feedback outbox is full (100); dropped the oldest unsent feedback");
      warned = 1;
    }
    save(list);
    flush();
  };
  const flush = () => flushing || ((flushing = 1), next());
  // One at a time, oldest first, until one fails.
  const next = async () => {
    const [entry] = entries();
    if (!entry) return (flushing = 0);
    const [id, body] = entry;
    pending.add(id);
    // A string body goes as text/plain: a "simple" request, no CORS preflight. keepalive lets
    // it finish even if the visitor leaves at once.
    const response = await fetch(url, { method: "POST", body, keepalive: true }).catch(() => {});
    const status = response ? response.status : 0;
    if (status >= 200 && status < 300) {
      failures = 0;
      save(without(id, body)); // only this exact body: a newer revision must still go out
      response.json().then((b) => b?.receipt, () => {}).then((receipt) => {
        if (typeof receipt == "string") receipts[id] = receipt;
        pending.delete(id);
        settleUndos(id, receipts[id], true);
      });
      return next();
    }
    // Not stored: an undo waiting for this answer has only an earlier revision's receipt, if
    // any, to take back.
    pending.delete(id);
    settleUndos(id, receipts[id], !!receipts[id]);
    if (status != 429 && status >= 400 && status < 500) {
      // Refused for good (invalid, not allowed): the response body names the reason.
      console.warn("sayso: the edge refused this feedback, HTTP", status);
      save(without(id, body));
      return next();
    }
    flushing = 0;
    const after = response?.headers.get("retry-after")?.trim();
    retry(/^\d+$/.test(after) ? after * 1000 : null);
  };
  const retry = (ms) => {
    failures++;
    if (retrying) return;
    retrying = 1;
    const backoff = Math.min(1000 * 2 ** (Math.min(failures, 16) - 1), 60000);
    setTimeout(() => ((retrying = 0), flush()), Math.min(ms ?? backoff * (0.5 + Math.random()), 3.6e6));
  };
  // The page is going away: hand everything waiting to the browser. Entries stay; the next
  // page load confirms them (the edge answers a repeat with 200).
  const beacon = () => {
    for (const [id, body] of entries()) navigator.sendBeacon(url, body), beaconed.add(id);
  };

  // Takes a submission back. Still waiting: it never leaves. Stored: the edge deletes it with
  // its receipt, at once or when the answer in flight brings it. Beaconed, answer unseen: sent
  // once more to learn the receipt (a repeat counts nothing), then deleted.
  const undo = (id, then) => {
    const receipt = receipts[id], inFlight = pending.has(id), unseen = !receipt && !inFlight && beaconed.has(id);
    if (!unseen) save(without(id));
    if (!(inFlight || unseen || receipt)) return answer(then, true); // it never left this page
    undos.push([id, then]);
    if (unseen) flush();
    else if (!inFlight) settleUndos(id, receipt, true);
  };
  // With a receipt, a DELETE (404: already gone); without one, done if the edge did not store it.
  const settleUndos = (id, receipt, stored) => {
    for (const waiting of undos.filter((u) => u[0] == id)) {
      undos.splice(undos.indexOf(waiting), 1);
      const then = waiting[1];
      if (!receipt) answer(then, !stored);
      else
        fetch(`${url}/${id}`, { method: "DELETE", headers: { authorization: "Receipt " + receipt } }).then(
          (r) => then((r.status >= 200 && r.status < 300) || r.status == 404),
          () => then(false)
        );
    }
  };

  addEventListener("online", flush);
  addEventListener("pagehide", beacon);
  document.addEventListener("visibilitychange", () => document.hidden && beacon());
  flush();
  return (outboxes[url] = { send, undo });
}
