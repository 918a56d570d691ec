// sayso dashboard: the inbox view's wiring, called by app.js after it renders the view. The
// filter form becomes the address (the CSP lets no form submit itself); each row's triage and
// the bulk bar call the API (PATCH …/feedback/{id}, POST …/feedback/triage) and update the row
// in place, built with createElement (never innerHTML with data); the keyboard moves between
// rows with a roving tabindex; a polite live region says what changed, and a refusal is shown
// where it happened (a role="alert" line by the bulk bar, or in the row). Every listener is on
// the view's own elements (`section.inbox`, rendered anew each time), never on `#main`, which
// app.js keeps across renders: listeners there would pile up, one more per render.
"use strict";
(window.saysoViews ||= {}).inbox = (main, app) => {
  const $ = (s, root = main) => root.querySelector(s);
  const view = $("section.inbox");
  const live = $("#inbox-live");
  // Emptied first, so the same sentence twice is announced twice.
  const announce = (region, text) => {
    region.textContent = "";
    if (text) setTimeout(() => (region.textContent = text), 50);
  };
  const say = (text) => {
    alarm("");
    announce(live, text);
  };
  // A refusal, shown: in `row` (its own alert line, made when first needed), else by the bulk bar.
  function alarm(text, row) {
    for (const old of main.querySelectorAll(".row-alert")) old.remove();
    const bulk = $("#inbox-alert");
    if (bulk) bulk.textContent = "";
    if (!text) return;
    if (!row) return bulk ? announce(bulk, text) : app.showError(text, true);
    const line = Object.assign(document.createElement("p"), { className: "row-alert error" });
    line.setAttribute("role", "alert");
    $(".row-body", row).append(line);
    announce(line, text);
  }
  const rows = () => [...main.querySelectorAll(".inbox-rows > .row")];
  const checked = () => rows().filter((r) => $(".pick", r).checked);

  // The filters: the form's non-empty values, as the address.
  const form = $("#inbox-filters");
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const q = new URLSearchParams({ view: "inbox" });
    for (const [name, value] of new FormData(form)) if (String(value).trim()) q.set(name, String(value).trim());
    app.go("?" + q);
  });

  // Export exactly the filtered set: the filters as the Worker read them for this list
  // (`data-query`, without the page's cursor), not the address, which may hold others.
  for (const button of main.querySelectorAll("[data-inbox-export]")) {
    button.addEventListener("click", async () => {
      const format = button.dataset.inboxExport;
      const r = await app.api(`/export.${format}?${button.dataset.query || ""}`);
      if (!r.ok) return app.showError("The export failed (HTTP " + r.status + ").", true);
      const url = URL.createObjectURL(await r.blob());
      const a = Object.assign(document.createElement("a"), { href: url, download: `sayso-${app.who.site}.${format}` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
      say("Export downloaded.");
    });
  }

  // A row as the API answered it: its status and tags.
  function show(item) {
    const row = rows().find((r) => r.dataset.id === item.id);
    if (!row) return;
    // A status chosen while this answer was on its way stays shown: it is sent next.
    if (!queued.get(row)?.next) $(".row-status", row).value = item.status;
    const badge = $(".status-badge", row);
    badge.textContent = item.status;
    badge.dataset.status = item.status;
    const list = $(".tags", row);
    list.replaceChildren(
      ...item.tags.map((tag) => {
        const li = document.createElement("li");
        const name = Object.assign(document.createElement("span"), { className: "tag", textContent: tag });
        const remove = Object.assign(document.createElement("button"), { type: "button", className: "tag-remove", textContent: "×" });
        remove.dataset.tag = tag;
        remove.setAttribute("aria-label", "Remove tag " + tag);
        li.append(name, " ", remove);
        return li;
      }),
    );
  }

  // The API's refusal as a sentence.
  async function refusal(r) {
    try {
      return (await r.json()).error.message;
    } catch {
      return "HTTP " + r.status;
    }
  }

  // One change for the given rows: one PATCH for one row, the bulk form for more. A refused
  // PATCH changed nothing. A refused bulk form may have changed some rows (a submission deleted
  // between the shards' trial and their change, `triage_client.rs`), unless the input itself
  // was refused (400): the view is shown again as it is now, and says so.
  async function triage(targets, change, done) {
    if (!targets.length) return alarm("Check a submission first (x), or move to one.");
    const ids = targets.map((r) => r.dataset.id);
    const one = ids.length === 1;
    const r = await app.api(one ? `/feedback/${ids[0]}` : "/feedback/triage", {
      method: one ? "PATCH" : "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(one ? change : { ids, ...change }),
    });
    if (r.status === 401) return;
    if (!r.ok && (one || r.status === 400)) return alarm("Not changed: " + (await refusal(r)), one ? targets[0] : null);
    if (!r.ok) {
      const why = await refusal(r);
      await app.load();
      return alarm(`Not every submission was changed (${why}); some may have: the list is shown again as it is now.`);
    }
    const answer = await r.json();
    for (const item of one ? [answer] : answer.items) show(item);
    say(done(ids.length));
    return true;
  }
  const plural = (n) => (n === 1 ? "1 submission" : n + " submissions");
  const setStatus = (targets, status) => triage(targets, { status }, (n) => `${plural(n)} marked ${status}.`);
  const tagging = (targets, tag, add) =>
    triage(targets, add ? { add_tags: [tag] } : { remove_tags: [tag] }, (n) => `Tag ${tag} ${add ? "added to" : "removed from"} ${plural(n)}.`);

  // A row's status menu sends one request at a time (ArrowDown on a closed menu changes it at
  // every step): a choice made meanwhile waits, and only the latest is sent next.
  const queued = new WeakMap();
  async function choose(row, status) {
    const waiting = queued.get(row);
    if (waiting) return void (waiting.next = status);
    const state = { next: null };
    queued.set(row, state);
    await setStatus([row], status);
    queued.delete(row);
    if (state.next && state.next !== $(".status-badge", row).dataset.status) choose(row, state.next);
  }

  // Each row's own triage.
  for (const row of rows()) {
    $(".row-status", row).addEventListener("change", (e) => choose(row, e.target.value));
    $(".tag-add", row).addEventListener("submit", async (e) => {
      e.preventDefault();
      const input = $(".tag-input", row);
      const tag = input.value.trim();
      if (!tag) return;
      if (await tagging([row], tag, true)) input.value = "";
    });
    $(".tags", row).addEventListener("click", (e) => {
      const button = e.target.closest(".tag-remove");
      if (button) tagging([row], button.dataset.tag, false).then(() => row.focus());
    });
    $(".pick", row).addEventListener("change", counted);
  }

  // The bulk bar.
  const pickAll = $("#pick-all");
  function counted() {
    const n = checked().length;
    if ($("#picked-count")) $("#picked-count").textContent = n + " checked";
    if (pickAll) pickAll.checked = n > 0 && n === rows().length;
    return n;
  }
  pickAll?.addEventListener("change", () => {
    for (const row of rows()) $(".pick", row).checked = pickAll.checked;
    say(counted() + " checked.");
  });
  for (const button of main.querySelectorAll("[data-bulk-status]")) {
    button.addEventListener("click", () => setStatus(checked(), button.dataset.bulkStatus));
  }
  for (const button of main.querySelectorAll("[data-bulk-tag]")) {
    button.addEventListener("click", () => {
      const input = $("#bulk-tag");
      const tag = input.value.trim();
      if (!tag) return alarm("Type a tag first.");
      // Not in a form, so its pattern is checked here.
      if (!input.checkValidity()) return alarm("A tag is 1 to 32 characters: a to z, 0 to 9, - and _.");
      tagging(checked(), tag, button.dataset.bulkTag === "add");
    });
  }

  // The keyboard: one row in the tab order at a time (the roving tabindex); j/k and the arrows
  // move it, x checks, s/r/a/n set the status of the checked rows (or of this one).
  function moveTo(row) {
    if (!row) return;
    for (const r of rows()) r.tabIndex = r === row ? 0 : -1;
    row.focus();
  }
  const STATUS_KEYS = { s: "seen", r: "resolved", a: "archived", n: "new" };
  view.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const typing = e.target.closest("input, select, textarea");
    if (e.key === "?" && !typing) {
      e.preventDefault();
      $("#shortcuts").open = !$("#shortcuts").open;
      return;
    }
    if (e.key === "/" && !typing) {
      e.preventDefault();
      form.elements.q.focus();
      return;
    }
    // Escape in a row's own control goes back to its row.
    const within = e.target.closest(".inbox-rows > .row");
    if (e.key === "Escape" && within && within !== e.target) {
      e.preventDefault();
      moveTo(within);
      return;
    }
    const row = e.target.classList?.contains("row") ? e.target : null;
    if (!row) return;
    const all = rows();
    const at = all.indexOf(row);
    const key = e.key;
    if (key === "j" || key === "ArrowDown") moveTo(all[at + 1]);
    else if (key === "k" || key === "ArrowUp") moveTo(all[at - 1]);
    else if (key === "Home") moveTo(all[0]);
    else if (key === "End") moveTo(all[all.length - 1]);
    else if (key === "x" || key === " ") {
      const pick = $(".pick", row);
      pick.checked = !pick.checked;
      const n = counted();
      say(`${pick.checked ? "Checked" : "Unchecked"}; ${n} checked.`);
    } else if (STATUS_KEYS[key]) {
      const picked = checked();
      setStatus(picked.length ? picked : [row], STATUS_KEYS[key]);
    } else if (key === "t") {
      $(".tag-input", row).focus();
    } else return;
    e.preventDefault();
  });
  // From nowhere in particular (the page itself has the focus), j goes to the rows: listened
  // for on the document once, for whichever inbox is shown.
  if (!window.saysoInboxJump) {
    window.saysoInboxJump = true;
    document.addEventListener("keydown", (e) => {
      if (e.target !== document.body || e.key !== "j" || e.ctrlKey || e.metaKey || e.altKey) return;
      const row = document.querySelector(".inbox-rows > .row[tabindex='0']");
      if (row) {
        e.preventDefault();
        row.focus();
      }
    });
  }
  // Quotes (issue 17): each row's Approve / Reject, in their own block below.
  window.saysoInboxQuotes(main, app, say, alarm, refusal);
  // Replies (issue 17): each row's reply form, in its own block at the end.
  window.saysoInboxReplies(main, app, say, alarm, refusal);
  // A click or Tab into a row makes it the keyboard's row.
  view.addEventListener("focusin", (e) => {
    const row = e.target.closest?.(".inbox-rows > .row");
    if (row && row.tabIndex !== 0) for (const r of rows()) r.tabIndex = r === row ? 0 : -1;
  });
};

// Quotes (issue 17): a consented quote's Approve / Reject (PATCH …/feedback/{id}/quote), the
// row's state updated in place from the answer (textContent only) and said in the live region;
// a refusal (the visitor withdrew meanwhile: quote_not_consented) shown in the row.
window.saysoInboxQuotes = (main, app, say, alarm, refusal) => {
  for (const button of main.querySelectorAll(".inbox-rows .quote-decide")) {
    button.addEventListener("click", async () => {
      const row = button.closest(".row");
      const approved = button.dataset.approved === "true";
      const r = await app.api(`/feedback/${row.dataset.id}/quote`, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ approved }),
      });
      if (r.status === 401) return;
      if (!r.ok) return alarm("Not changed: " + (await refusal(r)), row);
      const { quote } = await r.json();
      const block = row.querySelector(".quote");
      block.dataset.quote = quote;
      block.querySelector(".quote-state").textContent = "Quote " + quote;
      say(approved ? "Quote approved: it shows on the site's testimonials." : "Quote rejected.");
    });
  }
};

// Replies (issue 17): a row's reply form sends PUT …/feedback/{id}/reply; the answer (the reply
// as stored) replaces what the row shows of it, built with createElement and textContent only;
// the live region says it was sent, a refusal is shown in the row. The visitor's browser reads
// the reply on its next visit; the row says "Not seen yet" until then.
window.saysoInboxReplies = (main, app, say, alarm, refusal) => {
  const el = (tag, className, text) => Object.assign(document.createElement(tag), className ? { className } : {}, text ? { textContent: text } : {});
  const when = (ms) => {
    const t = document.createElement("time");
    const d = new Date(Number(ms));
    t.dateTime = d.toISOString();
    t.textContent = d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
    return t;
  };
  // What a row shows of `reply` (the same shape inbox_replies.rs renders).
  function shown(reply) {
    const sent = el("p", "reply-sent");
    sent.append(el("strong", "", "Your reply"), reply.fixed ? " (marked fixed)" : "", ": ", el("span", "reply-text", reply.text));
    const seen = el("p", "reply-seen");
    if (reply.seen_at) seen.append("Seen by the visitor ", when(reply.seen_at));
    else seen.textContent = "Not seen yet";
    const parts = [sent, seen];
    if (reply.followup) {
      const block = el("div", "reply-followup");
      const head = el("p");
      head.append(el("strong", "", "The visitor answered"), ...(reply.followup_at ? [" ", when(reply.followup_at)] : []), ":");
      block.append(head, el("p", "reply-followup-text", reply.followup));
      parts.push(block);
    }
    return parts;
  }
  for (const form of main.querySelectorAll(".inbox-rows .reply-form")) {
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const row = form.closest(".row");
      const box = form.closest(".reply");
      const text = form.elements.text.value.trim();
      if (!text) return alarm("Write the reply first.", row);
      const send = form.querySelector("button[type=submit]");
      send.disabled = true;
      try {
        const r = await app.api(`/feedback/${row.dataset.id}/reply`, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ text, fixed: form.elements.fixed.checked }),
        });
        if (r.status === 401) return;
        if (!r.ok) return alarm("Reply not sent: " + (await refusal(r)), row);
        const reply = await r.json();
        box.querySelector(".reply-shown").replaceChildren(...shown(reply));
        box.dataset.reply = reply.followup ? "followup" : reply.seen_at ? "seen" : "unseen";
        const compose = box.querySelector(".reply-compose");
        compose.querySelector("summary").textContent = "Edit the reply";
        compose.open = false;
        compose.querySelector("summary").focus();
        say("Reply sent. The visitor sees it on their next visit to the site.");
      } finally {
        send.disabled = false;
      }
    });
  }
};
