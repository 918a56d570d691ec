// sayso dashboard: the operations view's wiring, called by app.js after it renders the view:
// the webhook's test event (then the log, once it shows the event), key rotation behind a
// confirmation, and deleting the site once its id is typed.
"use strict";
(window.saysoViews ||= {}).operations = (main, app) => {
  const $ = (s) => main.querySelector(s);
  // A site whose erase did not finish is drawn with the delete card only: the rest wire nothing.
  const on = (s, type, f) => $(s)?.addEventListener(type, f);
  const site = app.who.site;

  // The settings form owns changing these; its groups keep their anchor (`#webhook`, …).
  for (const link of main.querySelectorAll("a[data-settings]")) {
    link.addEventListener("click", (e) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      const to = new URL(link.href);
      app.go(to.search + to.hash);
    });
  }

  // The view is drawn anew: the focus goes back to the button pressed (not to <body>).
  const reload = (button, said) =>
    app.load().then(() => {
      $(button)?.focus();
      if (said && $("#test-status")) $("#test-status").textContent = said;
    });
  on("#refresh-log", "click", () => reload("#refresh-log"));

  const status = $("#test-status");
  on("#send-test", "click", async () => {
    const button = $("#send-test");
    button.disabled = true;
    status.textContent = "Queuing a test event…";
    const r = await app.api("/webhook-test", { method: "POST" }).catch(() => null);
    if (!r) return ((button.disabled = false), (status.textContent = "The edge could not be reached."));
    const answer = await r.json().catch(() => ({}));
    if (!r.ok) return ((button.disabled = false), (status.textContent = answer.error?.message || `Not sent (HTTP ${r.status}).`));
    status.textContent = "Test event queued: it shows in the log once it has been sent.";
    // The alarm sends it within a few seconds; the log is drawn again once it holds the event.
    for (let i = 0; i < 30; i++) {
      await new Promise((done) => setTimeout(done, 1000));
      const log = await app.api("/webhook-deliveries").then((r) => (r.ok ? r.json() : null)).catch(() => null);
      if (log?.deliveries?.some((d) => d.event === answer.event)) return reload("#send-test", "Test event sent: it is in the log below.");
    }
    button.disabled = false;
    status.textContent = "The test event has not been sent yet: refresh the log in a moment.";
  });

  const confirm = $("#rotate-confirm");
  on("#rotate", "click", () => {
    confirm.hidden = false;
    $("#rotate").hidden = true;
    $("#rotate-cancel").focus();
  });
  on("#rotate-cancel", "click", () => {
    confirm.hidden = true;
    $("#rotate").hidden = false;
    $("#rotate").focus();
  });
  on("#rotate-yes", "click", async () => {
    $("#rotate-error").textContent = "";
    const r = await app.api("/keys", { method: "POST" }).catch(() => null);
    const answer = r && (await r.json().catch(() => ({})));
    if (!r?.ok || !answer.owner_key) return ($("#rotate-error").textContent = answer?.error?.message || "The key was not rotated.");
    app.signIn(site, answer.owner_key);
    confirm.hidden = true;
    $("#new-key-text").textContent = answer.owner_key;
    $("#new-key").hidden = false;
    $("#new-key-title").tabIndex = -1;
    $("#new-key-title").focus();
  });
  on("#copy-key", "click", async () => {
    const button = $("#copy-key");
    try {
      await navigator.clipboard.writeText($("#new-key-text").textContent);
      button.textContent = "Copied";
    } catch {
      getSelection().selectAllChildren($("#new-key-text"));
      button.textContent = "Selected: press Ctrl+C";
    }
    setTimeout(() => (button.textContent = "Copy key"), 2000);
  });

  const typed = $("#delete-confirm");
  const del = $("#delete-site");
  typed.addEventListener("input", () => (del.disabled = typed.value.trim() !== typed.dataset.site));
  del.addEventListener("click", async () => {
    if (typed.value.trim() !== site) return;
    del.disabled = true;
    $("#delete-error").textContent = "";
    const r = await app.api("", { method: "DELETE" }).catch(() => null);
    if (r?.status === 204) return app.signOut(`The site ${site} was deleted, with all its feedback.`);
    del.disabled = false;
    const answer = r && (await r.json().catch(() => ({})));
    // A shard that failed half-way may have been emptied already (`site/erase.rs`).
    $("#delete-error").textContent = `${answer?.error?.message || "The site was not deleted."} The site may be partly erased: delete again to finish.`;
  });
};
