// sayso widget, later: what only some visitors need, fetched on demand by host.js (`more`) and
// bundled on its own (content-hashed, cached a year like the glue), so the widget's own bytes
// never carry it: the reply to a visitor's feedback, their one answer to it, and the question
// whether the site may quote a happy comment (with its withdrawal).
//
// Each shows as a card in the widget's corner (or above an inline widget): a polite notice,
// never a dialog. Its words are announced by a live region, focus stays where the visitor has it
// until they press one of its buttons, it fades in only without `prefers-reduced-motion`
// (widget.css turns every animation off otherwise), and a snoozed widget shows no reply.
// Everything it shows is text (`textContent`), in the site's words (the config's strings).
import { clean, el, sheet } from "./dom.js";
import { load, store } from "./kept.js";

/// The card's own rules, beside widget.css's (`.panel`, `.row`, `.echo`, buttons).
const CSS =
  ".note p{margin:0 0 8px}.note .t{font-weight:600}.note label{display:block;margin:8px 0 4px}" +
  ".note input{box-sizing:border-box;display:block;width:100%;font:inherit;color:inherit;padding:8px;border:1px solid var(--l);border-radius:8px;background:var(--b)}" +
  ".note input:focus-visible,.note [tabindex]:focus-visible{outline:3px solid var(--a);outline-offset:2px}" +
  ":host([data-mode=inline]) .note{margin-bottom:8px}";

/// Sites whose replies this page has asked for; submissions already asked about a quote.
const checked = {}, asked = {};

/// A string of widget `w`'s config, by key; a missing one is empty.
const say = (w, key) => clean(w.config.strings?.[key]) ?? "";

/// host.js's entry. `later(w)`: asks the edge for replies to this browser's submissions.
/// `later(w, id, key, body)`: a submission of a site that shows testimonials was just stored as
/// `body` (with the receipt `key`); a rating at the top of its scale with a comment brings the
/// quote question (QUOTE_VALUES: core's rule, written into this file by the build).
export function later(w, id, key, body) {
  if (!id) return replies(w);
  const { scale, value, comment } = JSON.parse(body);
  if (comment && BOUNDARY.QUOTE_VALUES[scale]?.includes(value)) quote(w, id, key);
}

/// The receipts kept for `site` (kept.js's lines), each `[id, key, time, closed]` (closed: the
/// time of the reply whose card the visitor closed), newest first, without repeats, lines cut
/// short or those older than KEEP_DAYS.
function mine(site) {
  const young = Date.now() - BOUNDARY.KEEP_DAYS * 864e5, ids = new Set();
  const lines = (load(BOUNDARY.MINE + site) || "").split("\n").map((line) => line.split(","));
  return lines.filter((e) => e.length > 2 && e[2] > young && !ids.has(e[0]) && ids.add(e[0])).slice(0, BOUNDARY.MINE_MAX);
}

/// Writes `list` back for `site`, with the next check a day from now; an empty list forgets the
/// site (and host.js fetches nothing more for it).
function keepMine(site, list) {
  store(BOUNDARY.MINE + site, list.length ? list.join("\n") : null);
  store(BOUNDARY.ASKED + site, list.length ? Date.now() + BOUNDARY.ASK_EVERY_MS : null);
}

/// Asks the edge, once a day at most (host.js checks the day; this page asks once per site),
/// which of this browser's submissions have a reply, and shows the newest it has not closed.
async function replies(w) {
  const site = w.site;
  if (checked[site]) return;
  checked[site] = 1;
  const list = mine(site);
  // Written before asking: a check that fails, or a snoozed widget, waits for tomorrow.
  keepMine(site, list);
  if (!list.length || load(BOUNDARY.SNOOZE_KEY + site) * 3.6e6 > Date.now()) return;
  const body = JSON.stringify({ receipts: list.map(([id, key]) => ({ id, key })) });
  // text/plain (fetch's default for a string): no preflight, like a submission.
  const answer = await fetch(`${w.edge}/v1/sites/${site}/replies`, { method: "POST", body }).catch(() => {});
  const found = answer?.ok ? (await answer.json().catch(() => ({}))).replies : null;
  if (!Array.isArray(found)) return;
  // The newest reply whose card was not closed (an edited reply has a new time, and shows again).
  const fresh = found.filter((r) => typeof r?.text == "string" && list.some((e) => e[0] == r.id && e[3] != r.at)).sort((a, b) => b.at - a.at)[0];
  if (fresh) notice(w, fresh, list.find((e) => e[0] == fresh.id));
}

/// Marks the reply to `entry` as closed (answered or dismissed): it does not show again.
function seen(w, entry, at) {
  const list = mine(w.site);
  for (const e of list) if (e[0] == entry[0]) e[3] = at;
  keepMine(w.site, list);
}

/// The reply card: what the site wrote (and whether it is fixed), "Answer" (once, while the edge
/// allows one) and "Dismiss".
function notice(w, reply, entry) {
  const card = cardOf(w);
  fill(() => {
    el(card.status, "p", { class: "t" }, say(w, "reply_title"));
    el(card.status, "blockquote", { class: "echo" }, reply.text);
    if (reply.fixed) el(card.status, "p", {}, say(w, "reply_fixed"));
  });
  const dismiss = () => (seen(w, entry, reply.at), close(w, card));
  // Pressed, "Answer" becomes the answer's box, "Dismiss" and "Send"; the box takes the focus.
  if (reply.can_answer)
    button(card, 0, say(w, "answer"), () => {
      card.row.replaceChildren();
      el(card.form, "label", { for: "answer" }, say(w, "answer_label"));
      const area = el(card.form, "textarea", { id: "answer", rows: 3, maxlength: BOUNDARY.REPLY_MAX });
      button(card, 0, say(w, "dismiss"), dismiss);
      const send = button(card, 1, say(w, "send"), async () => {
        const comment = area.value.normalize("NFC").trim();
        if (!comment) return area.focus();
        send.disabled = true;
        const answer = await call(w, entry, "followup", "POST", { comment });
        send.disabled = false;
        // 409: this submission was answered already (from another tab, say).
        if (answer?.ok || answer?.status == 409) seen(w, entry, reply.at), done(w, card, "answer_sent");
        else failed(w, card);
      });
      area.focus();
    });
  button(card, 0, say(w, "dismiss"), dismiss);
}

/// The quote question for the submission `id` (a happy rating with a comment, just stored, whose
/// receipt is `key`), once: an optional display name, "No thanks" or "Yes, quote me"; after a
/// yes, "Withdraw".
function quote(w, id, key) {
  if (asked[id]) return;
  asked[id] = 1;
  const entry = [id, key], card = cardOf(w);
  fill(() => el(card.status, "p", { class: "t" }, say(w, "quote_ask")));
  el(card.form, "label", { for: "quote-name" }, say(w, "quote_name"));
  const name = el(card.form, "input", { id: "quote-name", maxlength: BOUNDARY.NAME_MAX, autocomplete: "nickname" });
  button(card, 0, say(w, "skip"), () => close(w, card));
  const yes = button(card, 1, say(w, "quote_yes"), async () => {
    yes.disabled = true;
    const answer = await call(w, entry, "quote", "PUT", { name: name.value.normalize("NFC").trim() || null });
    yes.disabled = false;
    if (!answer?.ok) return failed(w, card);
    done(w, card, "quote_thanks");
    const withdraw = button(card, 0, say(w, "withdraw"), async () => {
      withdraw.disabled = true;
      const gone = await call(w, entry, "quote", "DELETE");
      withdraw.disabled = false;
      // 404: nothing (any more) to withdraw.
      if (gone?.ok || gone?.status == 404) done(w, card, "quote_withdrawn");
      else failed(w, card);
    });
  });
}

/// One of the visitor's own calls about the submission `[id, key]`, with its receipt.
const call = (w, [id, key], what, method, body) =>
  fetch(`${w.edge}/v1/sites/${w.site}/feedback/${id}/${what}`, {
    method,
    headers: body ? { authorization: "Receipt " + key, "content-type": "application/json" } : { authorization: "Receipt " + key },
    body: body && JSON.stringify(body),
  }).catch(() => {});

/// A new card for widget `w`, before what view.js draws (so no render takes it away), in the
/// widget's language: its live region (`status`, `role="status"`), a `form` for a field and a
/// `row` of buttons. One card at a time: a new one replaces the last.
function cardOf(w) {
  const box = w.v.parentNode, config = w.config;
  if (!w.notes) (w.notes = 1), (w.root.adoptedStyleSheets = [...w.root.adoptedStyleSheets, sheet(CSS)]);
  box.querySelector(".note")?.remove();
  const card = el(document.createDocumentFragment(), "div", { class: "panel in note", part: "notice", lang: clean(config.lang) ?? "en", dir: clean(config.dir) ?? "ltr" });
  card.status = el(card, "div", { role: "status" });
  card.form = el(card, "div", {});
  card.row = el(card, "div", { class: "row" });
  box.insertBefore(card, w.v);
  return card;
}

/// Writes into a card's live region once the region is in the page, so that screen readers
/// announce what appears (a region born with its words is often not announced).
const fill = (write) => setTimeout(write, 100);

/// A button at the end of the card's row (`primary`: the main one), doing `then` when pressed.
function button(card, primary, text, then) {
  const b = el(card.row, "button", primary ? { type: "button", class: "primary" } : { type: "button" }, text);
  b.onclick = then;
  return b;
}

/// The card now says the string `key` (announced), with only "Dismiss"; focus goes to the
/// message, as the button the visitor pressed is gone.
function done(w, card, key) {
  card.form.replaceChildren();
  card.row.replaceChildren();
  card.status.replaceChildren();
  el(card.status, "p", { class: "t", tabindex: -1 }, say(w, key)).focus();
  button(card, 0, say(w, "dismiss"), () => close(w, card));
}

/// The visitor's call failed (offline, refused): the card's live region says so.
function failed(w, card) {
  card.status.querySelector(".fail")?.remove();
  el(card.status, "p", { class: "fail" }, say(w, "loop_failed"));
}

/// Removes the card; focus, if it was in the card, goes back to the widget.
function close(w, card) {
  const inside = card.contains(w.root.activeElement);
  card.remove();
  if (inside) w.v.querySelector('[tabindex="0"],button')?.focus();
}
