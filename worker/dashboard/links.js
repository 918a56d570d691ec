// sayso dashboard: the links view, called by app.js after it renders the view. "Make link"
// posts the form to the API (app.api, the owner key), then lists the link's URLs, each one a
// link to open and a button to copy, and all of them in a plain list to paste elsewhere.
"use strict";
(window.saysoViews ||= {}).links = (main, app) => {
  const $ = (s) => main.querySelector(s);
  const form = $("#new-link");

  // Copies `text`; a browser that refuses the clipboard gets it selected instead.
  const copy = async (button, text, select) => {
    const label = button.textContent;
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = "Copied";
    } catch {
      select();
      button.textContent = "Selected: press Ctrl+C";
    }
    setTimeout(() => (button.textContent = label), 2000);
  };

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const error = $("#new-link-error");
    error.textContent = "";
    const campaign = $("#link-campaign").value.trim();
    const reference = $("#link-reference").value.trim();
    if (!campaign) {
      $("#link-campaign").setAttribute("aria-invalid", "true");
      $("#link-campaign").focus();
      return (error.textContent = "Give the link a campaign, such as support-email.");
    }
    $("#link-campaign").removeAttribute("aria-invalid");
    const body = { campaign, scale: $("#link-scale").value, reference: reference || null };
    let r;
    try {
      r = await app.api("/links", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    } catch {
      return (error.textContent = "The edge could not be reached.");
    }
    if (r.status === 401) return;
    const answer = await r.json().catch(() => ({}));
    if (!r.ok) return (error.textContent = answer.error?.message || `The link was not made (HTTP ${r.status}).`);
    const list = $("#made-links");
    list.replaceChildren();
    for (const { value, url } of answer.links) {
      const item = document.createElement("li");
      const open = document.createElement("a");
      open.href = url;
      open.textContent = `Value ${value}`;
      const code = document.createElement("code");
      code.textContent = url;
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "Copy";
      button.setAttribute("aria-label", `Copy the URL of value ${value}`);
      button.addEventListener("click", () => copy(button, url, () => getSelection().selectAllChildren(code)));
      item.append(open, " ", code, " ", button);
      list.append(item);
    }
    $("#made-plain").value = answer.links.map((l) => l.url).join("\n");
    $("#made-status").textContent = `A new ${answer.scale} link for ${answer.campaign}${answer.reference ? ` (${answer.reference})` : ""}: it counts once, however often it is clicked.`;
    $("#made-link").hidden = false;
    $("#made-link-title").focus();
  });

  $("#copy-plain").addEventListener("click", (e) => {
    const plain = $("#made-plain");
    copy(e.currentTarget, plain.value, () => plain.select());
  });
};
