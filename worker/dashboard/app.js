// sayso dashboard: signs in with the owner key (kept in sessionStorage, sent only as a header),
// asks the Worker for the server-rendered view of the place in the URL (range and page, so a
// view can be bookmarked and the back button works), and wires its buttons. Served as a file
// so the page's CSP needs no inline script.
"use strict";
const $ = (s, root = document) => root.querySelector(s);
const store = window.sessionStorage;
const main = $("#main");
const signInForm = $("#sign-in").cloneNode(true);
// The admin's way in (the admin token, kept and sent like the key), leading to `?view=sites`.
const adminForm = $("#admin-sign-in").cloneNode(true);

function credentials() {
  const site = store.getItem("sayso.site");
  const key = store.getItem("sayso.key");
  return site && key ? { site, key } : null;
}

// `adminMessage`: said beside the admin token field (a wrong token), which gets the focus.
function showSignIn(message, adminMessage) {
  store.removeItem("sayso.key");
  main.replaceChildren(signInForm.cloneNode(true), adminForm.cloneNode(true));
  $("#sign-in-error").textContent = message || "";
  $("#admin-sign-in-error").textContent = adminMessage || "";
  if (adminMessage) $("#admin-token").focus();
  $("#admin-sign-in").addEventListener("submit", (e) => {
    e.preventDefault();
    store.setItem("sayso.admin", $("#admin-token").value.trim());
    go("?view=sites");
  });
  $(".range").hidden = true;
  $("#views").hidden = true;
  $("#custom").hidden = true;
  $("#sign-out").hidden = true;
  $("#site-name").textContent = "";
  $("#sign-in").addEventListener("submit", (e) => {
    e.preventDefault();
    store.setItem("sayso.site", $("#site").value.trim());
    store.setItem("sayso.key", $("#key").value.trim());
    load();
  });
}

// A wrong admin token: forgotten, and the sign-in says so.
function adminRefused() {
  store.removeItem("sayso.admin");
  history.replaceState(null, "", location.pathname);
  showSignIn("", "That admin token is not the one this edge was given.");
}

// An error that is not the key's: said in the page, the owner stays signed in and may retry.
// `keep`: the dashboard stays, the note goes above it (an export that failed).
function showError(message, keep = false) {
  $("#load-error")?.remove();
  const note = Object.assign(document.createElement("p"), { id: "load-error", className: "error", textContent: message + " " });
  note.setAttribute("role", "alert");
  const retry = Object.assign(document.createElement("button"), { type: "button", textContent: "Try again" });
  retry.addEventListener("click", () => load());
  note.append(retry);
  if (keep) return main.prepend(note);
  main.replaceChildren(note);
  $(".range").hidden = false;
  $("#sign-out").hidden = false;
}

// The place in the app lives in the address bar: `days` or `from`+`to`, `page`, and `by` (an
// attribute to break the overview down by).
function place() {
  const here = new URLSearchParams(location.search);
  const q = new URLSearchParams();
  if (here.get("from") && here.get("to")) {
    q.set("from", here.get("from"));
    q.set("to", here.get("to"));
  } else {
    q.set("days", here.get("days") || "30");
  }
  if (here.get("page")) q.set("page", here.get("page"));
  if (here.get("by")) q.set("by", here.get("by"));
  return q;
}

// The range controls, as the address says.
function showPlace() {
  const q = place();
  const custom = q.has("from");
  const days = q.get("days");
  $("#range").value = custom ? "custom" : [...$("#range").options].some((o) => o.value === days) ? days : "30";
  $("#custom").hidden = !custom;
  if (custom) {
    $("#from").value = q.get("from");
    $("#to").value = q.get("to");
  }
}

// Goes to another place: a new history entry, then its view.
function go(search) {
  history.pushState(null, "", location.pathname + search);
  load(true);
}

// The range controls' place, keeping the page drilled into.
function rangePlace() {
  const q = new URLSearchParams();
  const range = $("#range").value;
  if (range === "custom") {
    if (!$("#from").value || !$("#to").value) return null;
    q.set("from", $("#from").value);
    q.set("to", $("#to").value);
  } else {
    q.set("days", range);
  }
  for (const name of ["page", "by"]) {
    const value = place().get(name);
    if (value) q.set(name, value);
  }
  return "?" + q;
}

// The app's other views (`?view=…`), each rendered by the Worker at `/dashboard/view/{name}`
// and wired by its own script (`{name}.js`, registered in `window.saysoViews`). Every other
// parameter of the address is the view's own (its filters), passed through as it is.
const VIEWS = ["inbox", "links", "settings", "operations", "sites"];
function currentView() {
  const view = new URLSearchParams(location.search).get("view");
  return VIEWS.includes(view) ? view : null;
}

function viewUrl(site) {
  const view = currentView();
  if (!view) {
    const q = place();
    q.set("site", site);
    return "/dashboard/view?" + q;
  }
  const q = new URLSearchParams(location.search);
  q.delete("view");
  q.set("site", site);
  return `/dashboard/view/${view}?` + q;
}

// What a view's script may use: the signed-in site and key, moving within the app, and the API
// with the key (a 401 signs out; other errors are the view's to show).
function app(who) {
  return {
    who,
    go,
    load,
    showError,
    // Signs this tab in to a site (a site just created, or a key just rotated).
    signIn: (site, key) => {
      store.setItem("sayso.site", site);
      store.setItem("sayso.key", key);
      Object.assign(who, { site, key });
    },
    signOut: (message) => {
      store.removeItem("sayso.site");
      showSignIn(message);
    },
    // The admin API (`/v1{path}`) with the admin token; a 401 signs the admin out.
    admin: async (path, init = {}) => {
      const headers = { authorization: "Bearer " + store.getItem("sayso.admin"), ...(init.headers || {}) };
      const r = await fetch("/v1" + path, { ...init, headers });
      if (r.status === 401) adminRefused();
      return r;
    },
    api: async (path, init = {}) => {
      const headers = { authorization: "Bearer " + who.key, ...(init.headers || {}) };
      const r = await fetch(`/v1/sites/${encodeURIComponent(who.site)}${path}`, { ...init, headers });
      if (r.status === 401) showSignIn("That site id and owner key do not match.");
      return r;
    },
  };
}

// The views' navigation says which view is shown.
function showViews() {
  const view = currentView() || "overview";
  for (const link of document.querySelectorAll("#views a")) {
    link.hidden = link.dataset.view === "sites" ? !store.getItem("sayso.admin") : !credentials();
    if (link.dataset.view === view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  $("#views").hidden = false;
  $(".range").hidden = view !== "overview";
  if (view !== "overview") $("#custom").hidden = true;
}

async function load(moved = false) {
  // The sites view is the admin's, read with the admin token; without one, the site's overview.
  const adminToken = store.getItem("sayso.admin");
  if (currentView() === "sites" && !adminToken) history.replaceState(null, "", location.pathname);
  if (currentView() !== "sites" && !credentials() && adminToken) history.replaceState(null, "", "?view=sites");
  const asAdmin = currentView() === "sites";
  const who = asAdmin ? { site: credentials()?.site || "", key: credentials()?.key || "" } : credentials();
  if (!who) return showSignIn();
  let answer;
  try {
    answer = await fetch(viewUrl(who.site), { headers: { authorization: "Bearer " + (asAdmin ? adminToken : who.key) } });
  } catch (e) {
    return showError("The edge could not be reached.");
  }
  if (answer.status === 401 && asAdmin) return adminRefused();
  // Only 401 means the key is wrong (an unknown site answers 401 too); anything else is an
  // error to show, and signing out over it would make the owner type the key again for nothing.
  if (answer.status === 401) return showSignIn("That site id and owner key do not match.");
  // A site whose erase stopped half-way answers 409 to everything but the erase: the one view
  // that can finish it is Operations (its delete card).
  if (answer.status === 409 && currentView() !== "operations") {
    const code = await answer.json().then((b) => b?.error?.code, () => null);
    if (code === "site_being_erased") return go("?view=operations");
  }
  if (!answer.ok) return showError("The dashboard could not load (HTTP " + answer.status + ").");
  // Rendered by the Worker; every visitor-written string in it is HTML-escaped there.
  main.innerHTML = await answer.text();
  showPlace();
  $("#site-name").textContent = who.site || "admin";
  $("#sign-out").hidden = false;
  showViews();
  for (const t of main.querySelectorAll("time[data-ms]")) {
    const d = new Date(Number(t.dataset.ms));
    t.dateTime = d.toISOString();
    t.textContent = d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  }
  wire(who);
  const view = currentView();
  if (view) window.saysoViews?.[view]?.(main, app(who));
  // After a move within the app, the new view's title has the focus (as a page load would).
  if (moved) {
    const title = $("#view-title", main);
    if (title) {
      title.tabIndex = -1;
      title.focus();
    }
  }
}

function wire(who) {
  for (const link of main.querySelectorAll("a[data-nav]")) {
    link.addEventListener("click", (e) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      go(new URL(link.href).search);
    });
  }
  for (const button of main.querySelectorAll("[data-export]")) {
    button.addEventListener("click", async () => {
      const format = button.dataset.export;
      const r = await fetch(`/v1/sites/${encodeURIComponent(who.site)}/export.${format}`, { headers: { authorization: "Bearer " + who.key } });
      if (r.status === 401) return showSignIn("That site id and owner key do not match.");
      if (!r.ok) return showError("The export failed (HTTP " + r.status + ").", true);
      const url = URL.createObjectURL(await r.blob());
      const a = Object.assign(document.createElement("a"), { href: url, download: `sayso-${who.site}.${format}` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    });
  }
  const copy = $("[data-copy]", main);
  if (copy) {
    copy.addEventListener("click", async () => {
      await navigator.clipboard.writeText($("#snippet", main).textContent);
      copy.textContent = "Copied";
      setTimeout(() => (copy.textContent = "Copy"), 1500);
    });
  }
  for (const f of main.querySelectorAll("[data-filter]")) {
    f.addEventListener("click", () => {
      for (const other of main.querySelectorAll("[data-filter]")) other.setAttribute("aria-pressed", String(other === f));
      for (const li of main.querySelectorAll(".comments li")) {
        li.hidden = f.dataset.filter !== "all" && li.dataset.tone !== f.dataset.filter;
      }
    });
  }
}

$("#range").addEventListener("change", () => {
  $("#custom").hidden = $("#range").value !== "custom";
  const next = rangePlace();
  if (next) go(next);
});
for (const input of [$("#from"), $("#to")]) {
  input.addEventListener("change", () => {
    const next = rangePlace();
    if (next) go(next);
  });
}
$("#sign-out").addEventListener("click", () => {
  store.removeItem("sayso.site");
  store.removeItem("sayso.admin");
  showSignIn();
});
for (const link of document.querySelectorAll("#views a")) {
  link.addEventListener("click", (e) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    go(new URL(link.href).search);
  });
}
window.addEventListener("popstate", () => load());
load();
