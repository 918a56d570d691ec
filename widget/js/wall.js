// sayso <sayso-wall>: a site's approved quotes (GET /v1/sites/{site}/testimonials), drawn in the
// element's own shadow root. Loaded on demand: the loader imports this file only when the page
// has a <sayso-wall> (once ready, and after each single-page navigation), so no other visitor
// pays its bytes; this file registers the element, so every wall placed later draws too. Every piece of text a visitor
// wrote goes in with textContent (createElement, never HTML parsing: Trusted Types and XSS both
// say so); the styles are a constructable stylesheet (no <style> element, so a strict
// style-src needs nothing more). Nothing is drawn when the site does not publish testimonials,
// has none approved yet, or cannot be reached: a wall never leaves an empty box on the page.
//
// Attributes: `site` (else the loader's data-site), `limit` (1–50, default 6), `label` (the
// region's accessible name, default "What visitors say").

const CSS = `:host{display:block;color-scheme:light dark;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
section{--ink:#1f2937;--muted:#4b5563;--card:#fff;--line:#d1d5db;--accent:#4f46e5;color:var(--ink)}
ul{list-style:none;margin:0;padding:0;display:grid;gap:12px;grid-template-columns:repeat(auto-fill,minmax(min(240px,100%),1fr))}
li{margin:0}
figure{margin:0;height:100%;box-sizing:border-box;padding:14px 16px;border:1px solid var(--line);border-left:4px solid var(--accent);border-radius:8px;background:var(--card)}
blockquote{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
figcaption{margin-top:8px;color:var(--muted);font-size:14px;overflow-wrap:anywhere}
.stars{color:var(--accent);letter-spacing:2px;margin-bottom:4px}
@media (prefers-color-scheme:dark){section{--ink:#e5e7eb;--muted:#cbd5e1;--card:#111827;--line:#374151;--accent:#a5b4fc}}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}`;

/// Appends a `tag` element with `text` (as text) to `parent`.
const add = (parent, tag, text) => {
  const element = parent.appendChild(document.createElement(tag));
  if (text != null) element.textContent = text;
  return element;
};

/// The loader's entry: registers <sayso-wall> (once), each drawn from `edge` for its `site`
/// attribute, else the loader's `site`.
export const wall = (edge, site) =>
  customElements.get("sayso-wall") ||
  customElements.define(
    "sayso-wall",
    class extends HTMLElement {
      connectedCallback() {
        draw(this, edge, site);
      }
    }
  );

/// Draws the wall of the element's `site` (else `site`) from `edge` into `element`, once per
/// element (a moved one keeps its shadow root).
function draw(element, edge, site) {
  site = element.getAttribute("site") || site;
  if (element.shadowRoot || !site) return;
  const root = element.attachShadow({ mode: "open" });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  root.adoptedStyleSheets = [sheet];
  const limit = Math.min(50, Math.max(1, parseInt(element.getAttribute("limit"), 10) || 6));
  return fetch(`${edge}/v1/sites/${encodeURIComponent(site)}/testimonials?limit=${limit}`)
    .then((r) => (r.ok ? r.json() : null))
    .then((body) => {
      const quotes = (body && Array.isArray(body.testimonials) ? body.testimonials : []).filter((q) => typeof q.text == "string");
      if (!quotes.length) return;
      const region = add(root, "section");
      region.setAttribute("aria-label", element.getAttribute("label") || "What visitors say");
      const list = add(region, "ul");
      for (const quote of quotes) {
        const figure = add(add(list, "li"), "figure");
        if (quote.scale == "stars" && quote.value >= 1 && quote.value <= 5) {
          const stars = add(figure, "div", "★".repeat(quote.value));
          stars.className = "stars";
          stars.setAttribute("role", "img");
          stars.setAttribute("aria-label", `${quote.value} of 5 stars`);
        }
        add(figure, "blockquote", quote.text);
        add(figure, "figcaption", "— " + (typeof quote.name == "string" && quote.name ? quote.name : "a visitor"));
      }
    })
    .catch((e) => console.warn("sayso: the testimonials could not load:", e));
}
