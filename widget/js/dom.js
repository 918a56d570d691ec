// sayso widget DOM: Rust's view (src/view.rs) and stylesheet as the browser's own objects, in
// the widget's shadow root. Bundled into the glue with host.js.

/// Builds a view written in Rust's tokens (src/boundary.rs: a child element, an attribute, the
/// text, the end of an element) with `createElement`, `setAttribute` and `textContent`: never
/// HTML parsing.
export function build(box, view) {
  const doc = document, stack = [doc.createDocumentFragment()];
  for (const token of view.split(BOUNDARY.SEPARATOR)) {
    const top = stack[stack.length - 1], kind = token[0], rest = token.slice(1);
    if (kind == BOUNDARY.CHILD) stack.push(top.appendChild(doc.createElement(rest)));
    else if (kind == BOUNDARY.ATTRIBUTE) {
      const eq = rest.indexOf("=");
      top.setAttribute(rest.slice(0, eq), rest.slice(eq + 1));
    } else if (kind == BOUNDARY.TEXT) top.textContent = rest;
    else if (kind == BOUNDARY.END) stack.pop();
  }
  box.replaceChildren(stack[0]);
}

/// A constructable stylesheet of `css` (a shadow root adopts it; no <style> element, no CSP hole).
export function sheet(css) {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  return sheet;
}
