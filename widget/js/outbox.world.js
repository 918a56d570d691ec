// The outbox's world faked for its tests (outbox*.test.js, under Node): storage is a variable,
// the network answers when a test says so, timers fire when a test says so, the clock moves when
// a test moves it. Never bundled into the widget.
import { mock } from "node:test";
import assert from "node:assert/strict";
import { outbox } from "./outbox.js";

export const URL = "https://edge.test/v1/sites/demo/feedback";

/// The globals the outbox uses, faked before each test: the jitter is the middle of its range;
/// warnings are collected (every world of a test shares them).
export let warnings;
export const fake = () => {
  mock.restoreAll();
  mock.method(Math, "random", () => 0.5);
  warnings = [];
  mock.method(console, "warn", (...message) => warnings.push(message.join(" ")));
};

/// Lets every promise and microtask already due run.
export const settled = () => new Promise((resolve) => setImmediate(resolve));

/// A world for one outbox: `stored` is localStorage's value (null: absent), `blocked` makes
/// storage unavailable, `requests` are the fetches still waiting for `answer`, `timers` the
/// pending `later` calls, `time` the clock (ms), `offline` what the browser knows and `kept` the
/// `[id, receipt, body]` the outbox told of.
export function world() {
  const w = { stored: null, blocked: false, requests: [], timers: [], beacons: [], warnings, time: 1.7e12, offline: false, kept: [] };
  w.outbox = outbox({
    url: URL,
    fetch: (url, init) => new Promise((resolve, reject) => w.requests.push({ url, init, resolve, reject })),
    beacon: (body) => w.beacons.push(body),
    online: () => !w.offline,
    now: () => w.time,
    // What host.js's `load` and `store` do when localStorage throws: nothing is read or kept.
    load: () => (w.blocked ? undefined : w.stored),
    store: (value) => w.blocked || (w.stored = value),
    later: (fn, ms) => w.timers.push({ fn, ms }),
    kept: (id, receipt, sent) => w.kept.push([id, receipt, sent]),
  });
  /// The queue as stored: each entry's id and body (`w.entries()`: whole entries).
  w.entries = () => (w.stored == null ? [] : JSON.parse(w.stored));
  w.queue = () => w.entries().map(([id, body]) => [id, body]);
  /// Answers the oldest waiting request (or the one for `body`) with `status` (0: a network
  /// error), then lets it settle.
  w.answer = async (status, { receipt, retryAfter, body } = {}) => {
    const at = body == null ? 0 : w.requests.findIndex((r) => r.init.body == body);
    const [request] = w.requests.splice(Math.max(at, 0), at < 0 ? 0 : 1);
    assert.ok(request, "a request is waiting");
    if (!status) request.reject(new TypeError("Failed to fetch"));
    else
      request.resolve({
        status,
        ok: status >= 200 && status < 300,
        headers: { get: (name) => (name == "retry-after" ? retryAfter ?? null : null) },
        json: async () => (receipt ? { status: "created", receipt } : { error: { code: "x" } }),
      });
    await settled();
    return request;
  };
  /// Fires the oldest timer.
  w.tick = async () => {
    const timer = w.timers.shift();
    assert.ok(timer, "a timer is waiting");
    timer.fn();
    await settled();
    return timer.ms;
  };
  /// Undoes `id`; resolves with the outcome once the outbox answers.
  w.undo = (id) => new Promise((resolve) => w.outbox.undo(id, resolve));
  return w;
}

/// A submission's body, as the outbox sees it.
export const body = (id, rev = 0) => JSON.stringify({ id, rev });
