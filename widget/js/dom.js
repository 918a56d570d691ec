// sayso widget DOM: elements and stylesheets as the browser's own objects, in the widget's
// shadow root, and the text that goes into them. Bundled into the glue with host.js.

/// Appends a `tag` element to `parent` with `attributes` (a name → value object) and, unless
/// `text` is undefined, that text: `createElement`, `setAttribute` and `textContent`, never
/// HTML parsing.
export function el(parent, tag, attributes, text) {
  const element = parent.appendChild(document.createElement(tag));
  for (const name in attributes) element.setAttribute(name, attributes[name]);
  if (text != null) element.textContent = text;
  return element;
}

/// A config's or an attribute's text as the widget uses it: control characters become spaces
/// (the class runs from NUL to the space itself, so a space stays a space); anything but a
/// string is undefined.
export const clean = (value) => (typeof value == "string" ? value.replace(/[\0- ]/g, " ") : undefined);

/// A constructable stylesheet of `css` (a shadow root adopts it; no <style> element, no CSP hole).
export function sheet(css) {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  return sheet;
}
