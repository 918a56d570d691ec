// sayso dashboard: signs in with the owner key (kept in sessionStorage, sent only as a header),
// asks the Worker for the server-rendered dashboard, and wires its buttons. Served as a file so
// the page's CSP needs no inline script.
"use strict";
const $ = (s, root = document) => root.querySelector(s);
const store = window.sessionStorage;
const main = $("#main");
const signInForm = $("#sign-in").cloneNode(true);

function credentials() {
  const site = store.getItem("sayso.site");
  const key = store.getItem("sayso.key");
  return site && key ? { site, key } : null;
}

function showSignIn(message) {
  store.removeItem("sayso.key");
  main.replaceChildren(signInForm.cloneNode(true));
  $("#sign-in-error").textContent = message || "";
  $(".range").hidden = true;
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

// An error that is not the key's: said in the page, the owner stays signed in and may retry.
// `keep`: the dashboard stays, the note goes above it (an export that failed).
function showError(message, keep = false) {
  $("#load-error")?.remove();
  const note = Object.assign(document.createElement("p"), { id: "load-error", className: "error", textContent: message + " " });
  note.setAttribute("role", "alert");
  const retry = Object.assign(document.createElement("button"), { type: "button", textContent: "Try again" });
  retry.addEventListener("click", load);
  note.append(retry);
  if (keep) return main.prepend(note);
  main.replaceChildren(note);
  $(".range").hidden = false;
  $("#sign-out").hidden = false;
}

function query(site) {
  const range = $("#range").value;
  const q = new URLSearchParams({ site });
  if (range === "custom" && $("#from").value && $("#to").value) {
    q.set("from", $("#from").value);
    q.set("to", $("#to").value);
  } else {
    q.set("days", range === "custom" ? "30" : range);
  }
  return q;
}

async function load() {
  const who = credentials();
  if (!who) return showSignIn();
  let answer;
  try {
    answer = await fetch("/dashboard/view?" + query(who.site), { headers: { authorization: "Bearer " + who.key } });
  } catch (e) {
    return showError("The edge could not be reached.");
  }
  // Only 401 means the key is wrong (an unknown site answers 401 too); anything else is an
  // error to show, and signing out over it would make the owner type the key again for nothing.
  if (answer.status === 401) return showSignIn("That site id and owner key do not match.");
  if (!answer.ok) return showError("The dashboard could not load (HTTP " + answer.status + ").");
  // Rendered by the Worker; every visitor-written string in it is HTML-escaped there.
  main.innerHTML = await answer.text();
  $("#site-name").textContent = who.site;
  $(".range").hidden = false;
  $("#sign-out").hidden = false;
  for (const t of main.querySelectorAll("time[data-ms]")) {
    const d = new Date(Number(t.dataset.ms));
    t.dateTime = d.toISOString();
    t.textContent = d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  }
  wire(who);
}

function wire(who) {
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
  if ($("#range").value !== "custom") load();
});
for (const input of [$("#from"), $("#to")]) input.addEventListener("change", load);
$("#sign-out").addEventListener("click", () => {
  store.removeItem("sayso.site");
  showSignIn();
});
load();
