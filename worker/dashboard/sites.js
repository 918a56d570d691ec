// sayso dashboard: the admin's sites view, called by app.js after it renders the view. "New
// site" posts to the admin API with the admin token (app.admin), then shows the owner key and
// the snippet once, each with a copy button, and a button that signs in to the new site.
"use strict";
(window.saysoViews ||= {}).sites = (main, app) => {
  const $ = (s) => main.querySelector(s);
  const form = $("#new-site");
  let created = null;

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const error = $("#new-site-error");
    error.textContent = "";
    const origins = $("#new-origins").value.split(/\s+/).filter(Boolean);
    const body = { name: $("#new-name").value.trim(), origins, widget: { scale: $("#new-scale").value } };
    if (!body.name) return (error.textContent = "Give the site a name.");
    if (!origins.length) return (error.textContent = "List at least one origin, such as https://example.com.");
    let r;
    try {
      r = await app.admin("/sites", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    } catch {
      return (error.textContent = "The edge could not be reached.");
    }
    if (r.status === 401) return;
    const answer = await r.json().catch(() => ({}));
    if (!r.ok) return (error.textContent = answer.error?.message || `The site was not created (HTTP ${r.status}).`);
    created = answer;
    $("#created-site").textContent = answer.site;
    $("#created-key").textContent = answer.owner_key;
    $("#created-snippet").textContent = answer.snippet;
    form.hidden = true;
    $("#created").hidden = false;
    $("#created h3").tabIndex = -1;
    $("#created h3").focus();
  });

  for (const button of main.querySelectorAll("[data-copy-from]")) {
    const label = button.textContent;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText($("#" + button.dataset.copyFrom).textContent);
        button.textContent = "Copied";
      } catch {
        // A browser that refuses the clipboard: the text is selected for the owner to copy.
        getSelection().selectAllChildren($("#" + button.dataset.copyFrom));
        button.textContent = "Selected: press Ctrl+C";
      }
      setTimeout(() => (button.textContent = label), 2000);
    });
  }

  $("#open-created").addEventListener("click", () => {
    if (!created) return;
    app.signIn(created.site, created.owner_key);
    app.go("?");
  });
};
