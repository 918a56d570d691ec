// sayso outbox: the heart of exactly-once, as a state machine with its world passed in. The
// clock (`later`, `now`), the storage (`load`, `store`) and the network (`fetch`, `beacon`,
// `online`) are arguments, so `outbox.test.js` drives every transition under Node's test
// runner with fakes (and `Math.random` and `console.warn`, globals in Node too, with mocks);
// `host.js` hands it the browser's own, and its events: `online` → `flush`, `pagehide` and a
// hidden page → `beacon`.
//
// One outbox per site and page, shared by every widget of the site. An entry is a submission's
// whole state `[id, body, failures, since]` (failures: page loads on which it failed; since: when
// it was queued, ms); each entry is delivered on its own, so one that is stuck or refused never
// holds back another. Each id is, from this page's point of view, in one of these states:
//
//   queued     written to storage before anything is sent (tabs of the site share it, so it is
//              read fresh each time), oldest first, at most 100 (the oldest unsent is dropped,
//              with one warning per page). A newer revision replaces the one queued for its id.
//   in flight  its POST is out (keepalive, text/plain: no preflight), at most one per id; every
//              other id's goes out beside it.
//   stored     2xx: leaves the queue (only that exact body: a newer revision of the id goes out
//              next), its receipt is kept for undo.
//   refused    a 4xx other than 408, 425 and 429 (the edge answers every refusal readably): final,
//              leaves the queue with a warning.
//   (queued)   408, 425, 429, 5xx or a network error: stays queued; what is queued goes out again
//              after an exponential backoff with jitter (1 s doubling to 60 s) or the answer's
//              Retry-After (at most an hour), on `flush` (back online), or on the next page load.
//   expired    opaque failures (network error, 5xx) on FAILED_LOADS page loads (8; a load while
//              the browser is offline does not count), or any once it is older than MAX_AGE
//              (7 days): it leaves the queue with one warning. Nothing older than MAX_AGE is
//              sent again, whatever its last answer (a 429 too), not even by a beacon. A page load counts once however
//              often it retries, so an outage of minutes never costs a rating.
//   beaconed   the page is going away: every queued entry is handed to `beacon` and stays
//              queued (its answer is never seen); the next load sends it again and the edge
//              answers a repeat with 200, counting nothing twice.
//   undone     taken back (`undo`), answered later through `then(done)`, never from inside the
//              outbox's own loop:
//              - queued and never sent from this page: it leaves the queue; done.
//              - in flight: it leaves the queue; the answer decides: stored → DELETE with the
//                receipt it brings; not stored → done, unless an earlier revision was stored
//                (then DELETE with that one's receipt).
//              - stored: DELETE with its receipt (404, already gone, counts as done).
//              - beaconed, answer unseen: sent once more to learn the receipt, then as above.
//              A DELETE that fails (offline) answers not done: the visitor is told.

// Only the outbox needs these (Rust never sees an entry's failures).
/// Page loads with opaque failures after which an entry is dropped.
const FAILED_LOADS = 8;
/// The age (ms) after which an entry that fails is dropped: 7 days.
const MAX_AGE = 6.048e8;
const DROPPED = "sayso: the edge never took this feedback; dropped it";

/// One site's outbox at `url` (the site's feedback endpoint), in its world: `fetch` (the
/// network, for POST and DELETE), `beacon(body)` (for a page going away), `online()` (false:
/// the browser knows it is offline), `load()` and `store(text or null)` (the queue's storage,
/// which the site's tabs share), `later(fn, ms)` and `now()` (the clock), and `kept(id, receipt,
/// body)`, told of each body stored with the receipt it brought. Answers `send`, `undo`, `flush`
/// and `beacon`.
export function outbox({ url, fetch, beacon, online, load, store, later, now, kept }) {
  // Used when storage is unavailable (blocked, private mode, full).
  let memory = [], retrying, failures = 0, warned;
  // Receipts of what this page stored (for undo); ids in flight; ids handed to `beacon` (the
  // edge may hold them, unseen); bodies whose failure this page load has counted; undos
  // waiting for their submission's answer.
  const receipts = {}, pending = new Set(), beaconed = new Set(), counted = new Set(), undos = [];

  const entries = () => {
    const stored = load();
    if (stored == null) return memory;
    try {
      const list = JSON.parse(stored);
      const valid = Array.isArray(list) ? list.filter((e) => typeof e?.[0] == "string" && typeof e[1] == "string") : [];
      // Nothing older than MAX_AGE is ever sent, whatever its last answer was: the edge keeps a
      // deleted submission's tombstone 8 days, so no late copy of it can come back.
      const fresh = valid.filter((e) => !(now() - e[3] > MAX_AGE));
      if (fresh.length < valid.length) console.warn(DROPPED), save(fresh);
      return fresh;
    } catch {
      return [];
    }
  };
  const save = (list) => store((memory = list).length ? JSON.stringify(list) : null);
  const without = (id, body) => entries().filter((e) => e[0] != id || (body != null && e[1] != body));
  // Always later: the widget asked from inside its own code.
  const answer = (then, done) => queueMicrotask(() => then(done));

  /// Queues the submission `id` as `body` (replacing what waits for the same id) and sends it.
  const send = (id, body) => {
    const list = without(id);
    list.push([id, body, 0, now()]);
    if (list.length > 100) {
      list.shift();
      if (!warned) console.warn("sayso: the feedback outbox is full (100); dropped the oldest unsent feedback");
      warned = 1;
    }
    save(list);
    deliver([id, body]);
  };
  /// Sends every queued entry that is not in flight.
  const flush = () => entries().map(deliver);
  // One entry's POST and what its answer means; no other entry waits for it.
  const deliver = async ([id, body]) => {
    if (pending.has(id)) return;
    pending.add(id);
    const response = await fetch(url, { method: "POST", body, keepalive: true }).catch(() => {});
    const status = response?.status, stored = response?.ok;
    if (stored) {
      failures = 0;
      save(without(id, body));
      const receipt = await response.json().then((b) => b?.receipt, () => {});
      if (typeof receipt == "string") kept(id, (receipts[id] = receipt), body);
    } else if (/^4(?!08|25|29)/.test(status)) {
      // The response body names the reason.
      console.warn("sayso: the edge refused this feedback, HTTP", status);
      save(without(id, body));
    } else {
      if (!(status < 500)) expire(body);
      const after = response?.headers.get("retry-after")?.trim();
      retry(/^\d+$/.test(after) ? after * 1000 : null);
    }
    pending.delete(id);
    // Not stored: an undo waiting for this answer has only an earlier revision's receipt, if
    // any, to take back; one still queued (a beaconed entry whose resend failed) will be stored
    // later, so that undo is not done.
    settle(id, receipts[id], stored || !!receipts[id] || entries().some((e) => e[0] == id));
    // A newer revision queued meanwhile goes now (it has not failed yet).
    const newer = entries().find((e) => e[0] == id && e[1] != body);
    if (newer) deliver(newer);
  };
  // An opaque failure of `body`: counted once per page load (unless offline), dropped once it
  // failed on FAILED_LOADS loads or is older than MAX_AGE (an entry queued before entries had
  // a time expires by its loads only).
  const expire = (body) => {
    const list = entries(), entry = list.find((e) => e[1] == body);
    if (!entry) return;
    if (online() && !counted.has(body)) {
      counted.add(body);
      entry[2] = (entry[2] | 0) + 1;
    }
    if (entry[2] >= FAILED_LOADS || now() - entry[3] > MAX_AGE) {
      console.warn(DROPPED);
      list.splice(list.indexOf(entry), 1);
    }
    save(list);
  };
  const retry = (ms) => {
    failures++;
    if (retrying) return;
    retrying = 1;
    const backoff = Math.min(1000 * 2 ** (Math.min(failures, 16) - 1), 60000);
    later(() => ((retrying = 0), flush()), Math.min(ms ?? backoff * (0.5 + Math.random()), 3.6e6));
  };
  /// The page is going away: hands everything queued to the browser (entries stay queued).
  const beaconAll = () => {
    for (const [id, body] of entries()) beacon(body), beaconed.add(id);
  };

  /// Takes the submission `id` back; answers `then(done)`.
  const undo = (id, then) => {
    const receipt = receipts[id], inFlight = pending.has(id), unseen = !receipt && !inFlight && beaconed.has(id);
    if (!unseen) save(without(id));
    if (!(inFlight || unseen || receipt)) return answer(then, true);
    undos.push([id, then]);
    if (unseen) flush();
    else if (!inFlight) settle(id, receipt, true);
  };
  // The undos waiting for `id`: with a receipt, a DELETE; without one, done if not stored.
  const settle = (id, receipt, stored) => {
    for (const waiting of undos.filter((u) => u[0] == id)) {
      undos.splice(undos.indexOf(waiting), 1);
      const then = waiting[1];
      if (!receipt) answer(then, !stored);
      else
        fetch(`${url}/${id}`, { method: "DELETE", headers: { authorization: "Receipt " + receipt } }).then(
          (r) => then(r.ok || r.status == 404),
          () => then(false)
        );
    }
  };

  return { send, undo, flush, beacon: beaconAll };
}
