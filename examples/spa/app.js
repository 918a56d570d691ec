// A single-page app in plain JS: links change the URL with history.pushState and the view is
// drawn again, without a page load. The sayso widget follows these navigations by itself.
const pages = {
  "/spa/": ["Welcome", "Acme turns a repository into a running app."],
  "/spa/pricing": ["Pricing", "Free for hobby projects; teams pay per seat."],
  "/spa/docs": ["Docs", "Start with the CLI: npm install -g acme-cli."],
};

function draw() {
  const [title, text] = pages[location.pathname] || ["Not found", "No such page."];
  const view = document.getElementById("view");
  const h1 = document.createElement("h1");
  h1.textContent = title;
  const p = document.createElement("p");
  p.textContent = text;
  view.replaceChildren(h1, p);
  document.title = title + " — Acme App";
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-route]");
  if (!link) return;
  event.preventDefault();
  history.pushState({}, "", link.getAttribute("href"));
  draw();
});
addEventListener("popstate", draw);
draw();
