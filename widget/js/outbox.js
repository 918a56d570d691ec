// sayso outbox: the heart of exactly-once, as a state machine with its world passed in. The
// clock (`later`), the storage (`load`, `store`) and the network (`fetch`, `beacon`) are
// arguments, so `outbox.test.js` drives every transition under Node's test runner with fakes
// (and `Math.random` and `console.warn`, globals in Node too, with mocks); `host.js` hands it
// the browser's own, and its events: `online` → `flush`, `pagehide` and a hidden page → `beacon`.
//
// One outbox per site and page, shared by every widget of the site. An entry is a submission's
// whole state `[id, body]`; each id is, from this page's point of view, in one of these states:
//
//   queued     written to storage before anything is sent (tabs of the site share it, so it is
//              read fresh each time), oldest first, at most 100 (the oldest unsent is dropped,
//              with one warning per page). A newer revision replaces the one queued for its id.
//   in flight  its POST is out (one at a time, oldest first, keepalive, text/plain: no preflight).
//   stored     2xx: leaves the queue (only that exact body: a newer revision still goes out),
//              its receipt is kept for undo; the next entry goes at once.
//   refused    4xx other than 429: final, leaves the queue with a warning; the next one goes.
//   (queued)   network error, 5xx or 429: stays queued; sending stops and resumes after an
//              exponential backoff with jitter (1 s doubling to 60 s) or the answer's
//              Retry-After (at most an hour), on `flush` (back online), or on the next page load.
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

/// One site's outbox at `url` (the site's feedback endpoint), in its world: `fetch` (the
/// network, for POST and DELETE), `beacon(body)` (for a page going away), `load()` and
/// `store(text or null)` (the queue's storage, which the site's tabs share) and `later(fn, ms)`
/// (the clock). Answers `send`, `undo`, `flush` and `beacon`.
export function outbox({ url, fetch, beacon, load, store, later }) {
  // Used when storage is unavailable (blocked, private mode, full).
  let memory = [], flushing, retrying, failures = 0, warned;
  // Receipts of what this page stored (for undo); ids in flight; ids handed to `beacon` (the
  // edge may hold them, unseen); undos waiting for their submission's answer.
  const receipts = {}, pending = new Set(), beaconed = new Set(), undos = [];

  const entries = () => {
    const stored = load();
    if (stored == null) return memory;
    try {
      const list = JSON.parse(stored);
      return Array.isArray(list) ? list.filter((e) => typeof e?.[0] == "string" && typeof e[1] == "string") : [];
    } catch {
      return [];
    }
  };
  const save = (list) => store((memory = list).length ? JSON.stringify(list) : null);
  const without = (id, body) => entries().filter((e) => e[0] != id || (body != null && e[1] != body));
  // Always later: the widget asked from inside its own code.
  const answer = (then, done) => queueMicrotask(() => then(done));

  /// Queues the submission `id` as `body` (replacing what waits for the same id) and sends.
  const send = (id, body) => {
    const list = without(id);
    list.push([id, body]);
    if (list.length > 100) {
      list.shift();
      if (!warned) console.warn("sayso: the feedback outbox is full (100); dropped the oldest unsent feedback");
      warned = 1;
    }
    save(list);
    flush();
  };
  /// Sends what is queued, unless sending already.
  const flush = () => flushing || ((flushing = 1), next());
  const next = async () => {
    const [entry] = entries();
    if (!entry) return (flushing = 0);
    const [id, body] = entry;
    pending.add(id);
    const response = await fetch(url, { method: "POST", body, keepalive: true }).catch(() => {});
    const status = response?.status;
    if (response?.ok) {
      failures = 0;
      save(without(id, body));
      response.json().then((b) => b?.receipt, () => {}).then((receipt) => {
        if (typeof receipt == "string") receipts[id] = receipt;
        pending.delete(id);
        settle(id, receipts[id], true);
      });
      return next();
    }
    // Not stored: an undo waiting for this answer has only an earlier revision's receipt, if
    // any, to take back.
    pending.delete(id);
    settle(id, receipts[id], !!receipts[id]);
    if (status != 429 && status >= 400 && status < 500) {
      // The response body names the reason.
      console.warn("sayso: the edge refused this feedback, HTTP", status);
      save(without(id, body));
      return next();
    }
    flushing = 0;
    const after = response?.headers.get("retry-after")?.trim();
    retry(/^\d+$/.test(after) ? after * 1000 : null);
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
