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
  let tried = null; // the last dry run's patch (as JSON text) and answer
  let timer = 0;

  // The preview's widget: the loader (the snippet's own script, from this edge) is added once
  // per page, after the element exists, so it upgrades that element and places none of its own.
  if (!customElements.get("sayso-feedback") && !document.getElementById("sayso-loader")) {
    const loader = Object.assign(document.createElement("script"), { id: "sayso-loader", async: true, src: "/v1/embed.js" });
    loader.dataset.site = app.who.site;
    document.head.append(loader);
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

  // The patch of the whole form. Turnstile goes only when it changes (its secret is never shown
  // back, and every Turnstile change needs it); a webhook URL left empty removes the webhook.
  function patch() {
    const body = {};
    for (const input of form.querySelectorAll("[data-kind]")) {
      if (input.name.startsWith("turnstile.") || input.name.startsWith("webhook.")) continue;
      const value = read(input);
      if (value !== undefined) put(body, input.name, value);
    }
    if (body.retention_days === undefined) body.retention_days = 0;
    const scales = [...form.querySelectorAll("[name=scales]:checked")].map((c) => c.value);
    body.scales = scales.length ? scales : null;
    const url = read(form.elements["webhook.url"]) || "";
    body.webhook = url ? { url, comments: read(form.elements["webhook.comments"]) } : { url: "" };
    const threshold = read(form.elements["webhook.at_or_below"]);
    if (url && threshold !== undefined) body.webhook.at_or_below = threshold;
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
    if (!fresh && tried && tried.body === body && tried.lang === lang) return clearErrors(), tried;
    let r;
    try {
      r = await app.api(`?dry_run=true&lang=${lang}`, { method: "PATCH", headers: { "content-type": "application/json" }, body });
    } catch {
      showError(null, "The edge could not be reached.");
      return null;
    }
    const answer = await r.json().catch(() => null);
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
    if (!done) return;
    const list = $("#changes");
    list.replaceChildren();
    for (const change of done.answer.changes) {
      const item = document.createElement("li");
      const name = Object.assign(document.createElement("strong"), { textContent: label(change.field) });
      item.append(name, `: ${shown(change.from)} → ${shown(change.to)}`);
      item.dataset.field = change.field;
      list.append(item);
    }
    if (!done.answer.changes.length) list.append(Object.assign(document.createElement("li"), { textContent: "Nothing changes." }));
    $("#save").disabled = !done.answer.changes.length;
    review.hidden = false;
    $("#review-title").focus();
  });

  $("#keep-editing").addEventListener("click", () => {
    review.hidden = true;
    form.querySelector("button[type=submit]").focus();
  });

  $("#save").addEventListener("click", async () => {
    if (!tried) return;
    $("#save").disabled = true;
    let r;
    try {
      r = await app.api("", { method: "PATCH", headers: { "content-type": "application/json" }, body: tried.body });
    } catch {
      $("#save").disabled = false;
      return showError(null, "The edge could not be reached; nothing was saved.");
    }
    const answer = await r.json().catch(() => null);
    if (!r.ok) {
      review.hidden = true;
      return showError(answer?.error?.field, answer?.error?.message || `Nothing was saved (HTTP ${r.status}).`);
    }
    // Saved: what the form shows is now what is stored.
    for (const input of form.querySelectorAll("input, textarea, select")) {
      if (input.type === "checkbox") input.defaultChecked = input.checked;
      else if (input.type === "password") input.value = "";
      else input.defaultValue = input.value;
    }
    review.hidden = true;
    $("#saved").textContent = `Saved: ${tried.answer.changes.length} change${tried.answer.changes.length === 1 ? "" : "s"}. Visitors get them from now on (a widget's copy may be up to a minute old).`;
  });
};
