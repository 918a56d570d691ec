// sayso dashboard: the settings view's wiring, called by app.js after it renders the view. The
// form becomes a settings patch; while the owner types, the patch is tried at the API
// (`PATCH …?dry_run=true`: the API's own rules, nothing stored) and the real widget beside the
// form shows what visitors would get; "Review and save" shows the API's list of changes, and
// saving sends the same patch for real. The API's refusals are shown at their field.
"use strict";
(window.saysoViews ||= {}).settings = (main, app) => {
  const $ = (s) => main.querySelector(s);
  const form = $("#settings-form");
  if (!form) return;
  const review = $("#review");
  let tried = null; // the latest dry run's patch (as JSON text) and answer
  let reviewed = null; // the dry run the owner is reviewing: Save sends exactly its patch
  let asked = 0; // the number of the latest dry run asked for: older answers are ignored
  let timer = 0;

  // The preview's widget: the loader (the snippet's own script, from this edge) is added once
  // per page, after the element exists, so it upgrades that element. It has no `data-site`, so it
  // never places a real widget of its own, even when the owner has left the view (and its
  // element) before the loader runs: the preview element names its site itself.
  if (!customElements.get("sayso-feedback") && !document.getElementById("sayso-loader")) {
    document.head.append(Object.assign(document.createElement("script"), { id: "sayso-loader", async: true, src: "/v1/embed.js" }));
  }

  // A link to a group (`?view=settings#webhook`) lands on it: the view arrived after the page.
  const group = location.hash.length > 1 && form.querySelector("fieldset#" + CSS.escape(location.hash.slice(1)));
  if (group) group.scrollIntoView();

  // ---- The form as a patch ----

  // Sets `path` (dotted) in `object` to `value`.
  const put = (object, path, value) => {
    const keys = path.split(".");
    const last = keys.pop();
    for (const key of keys) object = object[key] ||= {};
    object[last] = value;
  };

  // An input's value as its kind says; `undefined` leaves the setting out (not set).
  function read(input) {
    const raw = input.value.trim();
    switch (input.dataset.kind) {
      case "check":
        return input.checked;
      case "number":
        return raw === "" ? undefined : Number(raw);
      case "lines":
        return raw.split("\n").map((l) => l.trim()).filter(Boolean);
      case "json":
        if (raw === "") return undefined;
        try {
          return JSON.parse(raw);
        } catch {
          throw { field: input.name, message: "This is not JSON: " + raw.slice(0, 40) };
        }
      default:
        // Empty is "not set", but for the site's name, which the API must refuse.
        return raw === "" && input.name !== "name" ? undefined : raw;
    }
  }

  // Whether an input differs from what is stored (its default), and making it the default.
  const changed = (input) =>
    input.type === "checkbox"
      ? input.checked !== input.defaultChecked
      : input.tagName === "SELECT"
        ? [...input.options].some((o) => o.selected !== o.defaultSelected)
        : input.value !== input.defaultValue;
  const settle = (input) => {
    if (input.type === "checkbox") input.defaultChecked = input.checked;
    else if (input.tagName === "SELECT") for (const o of input.options) o.defaultSelected = o.selected;
    else if (input.type === "password") input.value = "";
    else input.defaultValue = input.value;
  };
  // The setting an input belongs to, as the patch names it (`widget`, `limits`, `scales`, …).
  const top = (input) => input.name.split(".")[0];

  // The patch of what the owner changed: only the settings whose inputs changed (the widget, the
  // limits and the webhook whole, as the API replaces them), so that a setting changed elsewhere
  // meanwhile is not put back. Turnstile goes only when it changes (its secret is never shown
  // back, and every Turnstile change needs it); a webhook URL left empty removes the webhook.
  function patch() {
    const inputs = [...form.querySelectorAll("[data-kind], [name=scales]")];
    const touched = new Set(inputs.filter(changed).map(top));
    const body = {};
    for (const input of form.querySelectorAll("[data-kind]")) {
      if (!touched.has(top(input)) || input.name.startsWith("turnstile.") || input.name.startsWith("webhook.")) continue;
      const value = read(input);
      if (value !== undefined) put(body, input.name, value);
    }
    if (touched.has("retention_days") && body.retention_days === undefined) body.retention_days = 0;
    if (touched.has("scales")) {
      // The stored order kept for the scales still ticked, new ones after them.
      const ticked = [...form.querySelectorAll("[name=scales]:checked")].map((c) => c.value);
      const stored = (form.querySelector("[data-stored-scales]").dataset.storedScales || "").split(" ");
      const scales = [...stored.filter((s) => ticked.includes(s)), ...ticked.filter((s) => !stored.includes(s))];
      body.scales = scales.length ? scales : null;
    }
    if (touched.has("webhook")) {
      const url = read(form.elements["webhook.url"]) || "";
      body.webhook = url ? { url, comments: read(form.elements["webhook.comments"]) } : { url: "" };
      const threshold = read(form.elements["webhook.at_or_below"]);
      if (url && threshold !== undefined) body.webhook.at_or_below = threshold;
    }
    const key = form.elements["turnstile.site_key"], secret = form.elements["turnstile.secret"], verify = form.elements["turnstile.verify_url"];
    if (key.value !== key.defaultValue || secret.value || verify.value !== verify.defaultValue) {
      body.turnstile = key.value.trim() ? { site_key: key.value.trim(), secret: secret.value } : { site_key: "", secret: "" };
      if (key.value.trim() && verify.value.trim()) body.turnstile.verify_url = verify.value.trim();
    }
    return body;
  }

  // ---- The API's refusals, at their field ----

  function clearErrors() {
    for (const slot of form.querySelectorAll("[data-error-for]")) slot.textContent = "";
    for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    $("#form-error").textContent = "";
  }

  // Shows `message` at the field named `field` (`widget.theme` is shown at its first input,
  // `widget.theme.accent`); a refusal of no field goes under the form.
  function showError(field, message) {
    clearErrors();
    const slot =
      (field && form.querySelector(`[data-error-for="${CSS.escape(field)}"]`)) ||
      (field && form.querySelector(`[data-error-for^="${CSS.escape(field + ".")}"]`)) ||
      $("#form-error");
    slot.textContent = message;
    const input = slot.dataset.errorFor && form.elements[slot.dataset.errorFor];
    if (input && input.setAttribute) input.setAttribute("aria-invalid", "true");
  }

  // After a refusal the owner asked for (review, save): focus goes to the field refused, else to
  // the form's button, under which the refusal is.
  const focusRefusal = () => (form.querySelector("[aria-invalid=true]") || form.querySelector("button[type=submit]")).focus();

  // ---- Trying the change ----

  // Tries the form's patch (in the preview's language); answers the dry run, or null when the
  // API refused it (shown at its field) or could not be reached. The same patch is tried again
  // only when `fresh` (before saving): otherwise the preview stays as it is, so a rating the
  // owner is trying out in it is not reset by a field merely losing focus.
  async function attempt(fresh = false) {
    let body;
    try {
      body = JSON.stringify(patch());
    } catch (e) {
      showError(e.field, e.message);
      return null;
    }
    const lang = encodeURIComponent($("#preview-lang").value);
    // Numbered, so that an answer overtaken by a later request (typing on) is dropped.
    const mine = ++asked;
    if (!fresh && tried && tried.body === body && tried.lang === lang) return clearErrors(), tried;
    let r, answer;
    try {
      r = await app.api(`?dry_run=true&lang=${lang}`, { method: "PATCH", headers: { "content-type": "application/json" }, body });
      answer = await r.json().catch(() => null);
    } catch {
      if (mine === asked) showError(null, "The edge could not be reached.");
      return null;
    }
    if (mine !== asked) return null;
    if (!r.ok) {
      showError(answer?.error?.field, answer?.error?.message || `The change could not be tried (HTTP ${r.status}).`);
      $("#preview-state").textContent = "The preview shows the last values the API accepted.";
      return null;
    }
    clearErrors();
    tried = { body, lang, answer };
    show(answer.config.widget);
    return tried;
  }

  // The preview shows `widget` (a config as `GET …/config` answers it): a new element replaces
  // the old one, which releases its listeners as it leaves.
  function show(widget) {
    delete widget.turnstile;
    const old = $("#preview-widget");
    const next = old.cloneNode(false);
    next.setAttribute("preview", JSON.stringify(widget));
    $("#preview-frame").lang = widget.lang;
    old.replaceWith(next);
    $("#preview-state").textContent = "";
  }

  const later = () => {
    clearTimeout(timer);
    review.hidden = true;
    reviewed = null;
    $("#saved").textContent = "";
    timer = setTimeout(() => attempt(), 350);
  };
  // A new language for the texts: the preview shows it, where the owner's texts are.
  form.elements["widget.language"].addEventListener("change", (e) => ($("#preview-lang").value = e.target.value));
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  $("#preview-lang").addEventListener("change", later);

  // ---- Review and save ----

  // A value as the owner reads it in the list of changes.
  const shown = (value) =>
    value === null || value === undefined
      ? "not set"
      : typeof value === "string"
        ? `“${value}”`
        : Array.isArray(value)
          ? value.length
            ? value.join(", ")
            : "none"
          : typeof value === "boolean"
            ? value
              ? "on"
              : "off"
            : typeof value === "object"
              ? JSON.stringify(value)
              : String(value);

  // The field's label in the form, else its path.
  function label(field) {
    const input = form.elements[field];
    const text = input?.labels?.[0]?.textContent || (field === "scales" ? "Scales the site accepts" : field);
    return text.trim();
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearTimeout(timer);
    const done = await attempt(true);
    if (!done) return focusRefusal();
    const list = $("#changes");
    list.replaceChildren();
    for (const change of done.answer.changes) {
      const item = document.createElement("li");
      const name = Object.assign(document.createElement("strong"), { textContent: label(change.field) });
      // The secret is never shown: the API says only that it would change.
      const value = (v) => (change.field === "turnstile.secret" && v ? v : shown(v));
      item.append(name, `: ${value(change.from)} → ${value(change.to)}`);
      item.dataset.field = change.field;
      list.append(item);
    }
    if (!done.answer.changes.length) list.append(Object.assign(document.createElement("li"), { textContent: "Nothing changes." }));
    $("#save").disabled = !done.answer.changes.length;
    reviewed = done;
    review.hidden = false;
    $("#review-title").focus();
  });

  $("#keep-editing").addEventListener("click", () => {
    review.hidden = true;
    form.querySelector("button[type=submit]").focus();
  });

  // A secret shown in `box` (its `code` and a button that copies it).
  function reveal(box, secret) {
    box.hidden = false;
    box.querySelector("code").textContent = secret;
    box.querySelector("code").hidden = false;
    box.querySelector("[data-copy]").hidden = false;
  }
  for (const button of main.querySelectorAll("[data-copy]")) {
    button.addEventListener("click", () =>
      navigator.clipboard.writeText(button.parentElement.querySelector("code").textContent).then(
        () => (button.textContent = "Copied"),
        () => (button.textContent = "Select it and copy")
      )
    );
  }
  // The webhook's signing secret, on request: the owner verifies `sayso-signature` with it.
  $("#show-secret").addEventListener("click", async (e) => {
    const r = await app.api("").catch(() => null);
    const secret = r && r.ok && (await r.json().catch(() => null))?.webhook_secret;
    if (!secret) return showError("webhook.url", "The signing secret could not be read (is a webhook saved?).");
    e.target.hidden = true;
    reveal($("#webhook-secret"), secret);
  });

  $("#save").addEventListener("click", async () => {
    const sent = reviewed;
    if (!sent) return;
    $("#save").disabled = true;
    let r;
    try {
      r = await app.api("", { method: "PATCH", headers: { "content-type": "application/json" }, body: sent.body });
    } catch {
      $("#save").disabled = false;
      showError(null, "The edge could not be reached; nothing was saved.");
      return focusRefusal();
    }
    const answer = await r.json().catch(() => null);
    if (!r.ok) {
      review.hidden = true;
      showError(answer?.error?.field, answer?.error?.message || `Nothing was saved (HTTP ${r.status}).`);
      return focusRefusal();
    }
    // Saved: what the form shows is now what is stored (the scales in the order sent).
    for (const input of form.querySelectorAll("input, textarea, select")) settle(input);
    const scales = JSON.parse(sent.body).scales;
    if (scales !== undefined) form.querySelector("[data-stored-scales]").dataset.storedScales = (scales || []).join(" ");
    review.hidden = true;
    reviewed = null;
    const count = sent.answer.changes.length;
    const saved = $("#saved");
    saved.textContent = `Saved: ${count} change${count === 1 ? "" : "s"}. Visitors get them from now on (a widget's copy may be up to a minute old).`;
    // A webhook set where none was: its new signing secret, once here (and under Webhook).
    const fresh = $("#new-secret");
    fresh.hidden = true;
    if (answer?.webhook_secret && answer.webhook_secret !== sent.answer.settings.webhook_secret) reveal(fresh, answer.webhook_secret);
    $("#webhook-secret").hidden = !answer?.webhook_secret;
    saved.focus();
  });

  // ---- Alerts: a test alert or digest, sent to the saved webhook now ----
  for (const button of main.querySelectorAll("[data-alert-test]")) {
    button.addEventListener("click", async () => {
      const state = $("#alert-test-state");
      const kind = button.dataset.alertTest;
      state.textContent = "Sending…";
      const body = JSON.stringify({ kind });
      const r = await app.api("/alert-test", { method: "POST", headers: { "content-type": "application/json" }, body }).catch(() => null);
      const answer = r && (await r.json().catch(() => null));
      state.textContent =
        r && r.ok
          ? `Queued ${answer.event}: the delivery log under Operations shows when it arrives.`
          : answer?.error?.message || "The edge could not be reached.";
    });
  }
};
