// sayso loader: the script the snippet points at. It must stay tiny and never block the page:
// it registers <sayso-feedback>, and only when the page is idle does it fetch the widget's
// glue and wasm (content-hashed, cached for a year). `cargo xtask build` fills in the names.
((doc, script) => {
  if (!script || customElements.get("sayso-feedback")) return;
  const edge = new URL(script.src).origin;
  const site = script.dataset.site;
  if (typeof WebAssembly != "object") {
    console.warn("sayso: this browser cannot run WebAssembly, so the feedback widget is off.");
    return;
  }
  let widget;
  const load = () =>
    (widget ||= import(edge + "/v1/widget/__GLUE__").then(async (m) => {
      await m.default({ module_or_path: edge + "/v1/widget/__WASM__" });
      return m;
    }));
  // Idle, but within 2 s even on a busy page (setTimeout reads the object as 0 ms).
  const idle = (fn) => (window.requestIdleCallback || setTimeout)(fn, { timeout: 2000 });
  customElements.define(
    "sayso-feedback",
    class extends HTMLElement {
      connectedCallback() {
        if (this.started) return;
        this.started = 1;
        idle(() =>
          load()
            .then((m) => m.mount(this, edge, site || ""))
            .catch((e) => console.warn("sayso: the feedback widget could not load:", e))
        );
      }
    }
  );
  // The one-line snippet alone gives a floating widget; pages may place their own elements.
  const place = () => {
    if (!doc.querySelector("sayso-feedback")) {
      const el = doc.createElement("sayso-feedback");
      el.setAttribute("floating", "");
      doc.body.append(el);
    }
  };
  doc.readyState == "loading" ? doc.addEventListener("DOMContentLoaded", place) : place();
})(document, document.currentScript);
