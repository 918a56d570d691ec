// sayso loader: the script the snippet points at. It must stay tiny and never block the page:
// it registers <sayso-feedback>, and only when the page is idle (or, for an element placed in
// the page, when it comes near the viewport) does it fetch the widget's glue and wasm
// (content-hashed, cached for a year). `cargo xtask build` fills in the names, and the
// `BOUNDARY.<name>`s it shares with host.js (src/boundary.rs).
// The tag is a parameter so the minified loader writes it once.
((doc, script, win, tag = "sayso-feedback") => {
  if (!script || customElements.get(tag)) return;
  if (!win.WebAssembly) return console.warn("sayso: no WebAssembly here, so no feedback widget.");
  const edge = new URL(script.src).origin;
  const site = script.dataset.site || "";
  const files = edge + "/v1/widget/";
  let widget;
  // The glue and the wasm download in parallel; the wasm compiles while it streams in.
  const load = () =>
    (widget ||= Promise.all([import(files + "__GLUE__"), fetch(files + "__WASM__").then((r) => WebAssembly.compileStreaming(r))]).then(
      ([m, module]) => (m.init(module), m)
    ));
  // Idle, but within 2 s even on a busy page (setTimeout reads the object as 0 ms).
  const idle = (fn) => (win.requestIdleCallback || setTimeout)(fn, { timeout: 2000 });
  // <sayso-wall site="…">: the site's approved quotes. wall.js (fetched only where one is placed)
  // registers the element itself, for every wall placed then or later; the loader only looks for
  // one when the page is ready and, in a single-page app, after each navigation (once idle).
  const walls = () => doc.querySelector("sayso-wall") && import(files + "__WALL__").then((m) => m.wall(edge, site));
  // Single-page apps: history navigation becomes one event the widgets follow.
  for (const name of ["pushState", "replaceState"]) {
    const original = history[name];
    history[name] = (...args) => ((args = original.apply(history, args)), win.dispatchEvent(new Event(BOUNDARY.NAVIGATE_EVENT)), idle(walls), args);
  }
  customElements.define(
    tag,
    class extends HTMLElement {
      connectedCallback() {
        if (this[BOUNDARY.STARTER]) return;
        // Mounts once, whichever comes first: idle, the viewport, or open().
        const start = (this[BOUNDARY.STARTER] = () => {
          if (this[BOUNDARY.MOUNTED]) return;
          this[BOUNDARY.MOUNTED] = 1;
          load()
            .then((m) => (this.r = m.mount(this, edge, site)))
            .catch((e) => console.warn("sayso: the feedback widget could not load:", e));
        });
        if (this.matches("[floating],[auto]") || !win.IntersectionObserver) return idle(start);
        const seen = new IntersectionObserver((entries) => {
          if (entries.some((e) => e.isIntersecting)) seen.disconnect(), start();
        }, { rootMargin: "200px" });
        seen.observe(this);
      }
      // Removed or moved: the widget tells which (`mount` answered the function), and when
      // removed, releases its listeners and timers.
      disconnectedCallback() {
        this.r?.();
      }
      // The page's own code may open the widget: `document.querySelector('sayso-feedback').open()`.
      open() {
        this[BOUNDARY.OPEN_ASKED] = 1;
        this.dispatchEvent(new Event(BOUNDARY.OPEN_EVENT));
        this[BOUNDARY.STARTER]?.();
      }
    }
  );
  // The one-line snippet alone gives a widget of its own (floating, popover or none, as the
  // site's config says); pages may place their own elements instead.
  // A loader without `data-site` (the dashboard's, for its preview) places none.
  const place = () => {
    walls();
    if (site && !doc.querySelector(tag)) {
      const el = doc.createElement(tag);
      el.toggleAttribute("auto");
      doc.body.append(el);
    }
  };
  doc.readyState == "loading" ? doc.addEventListener("DOMContentLoaded", place) : place();
})(document, document.currentScript, window);
