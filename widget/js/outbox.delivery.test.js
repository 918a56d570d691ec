// The outbox never blocks (outbox.js, issue 14): each entry is delivered on its own, a refusal
// drops only its entry, and one that keeps failing expires with one warning. Under Node's test
// runner in the fake world of outbox.world.js (run by tests/tests/widget_host.rs).
import { beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { body, fake, world } from "./outbox.world.js";

beforeEach(fake);

test("one stuck entry holds back no other: later ones are sent and stored beside it", async () => {
  const w = world();
  w.outbox.send("a", body("a"));
  // `a` hangs (its answer never comes); `b` and `c` go at once and are stored.
  w.outbox.send("b", body("b"));
  w.outbox.send("c", body("c"));
  assert.deepEqual(w.requests.map((r) => r.init.body), [body("a"), body("b"), body("c")]);
  await w.answer(201, { receipt: "r-c", body: body("c") });
  await w.answer(201, { receipt: "r-b", body: body("b") });
  assert.deepEqual(w.queue(), [["a", body("a")]], "only the stuck one waits");
  // `a` fails; `d` still goes at once, while `a` waits for its retry.
  await w.answer(503);
  w.outbox.send("d", body("d"));
  assert.deepEqual(w.requests.map((r) => r.init.body), [body("d")]);
  await w.answer(201, { receipt: "r-d" });
  assert.deepEqual(w.queue(), [["a", body("a")]]);
  await w.tick();
  await w.answer(201, { receipt: "r-a" });
  assert.equal(w.stored, null);
});

test("a refusal drops only its entry, for good; 408, 425 and 429 are not refusals", async () => {
  const w = world();
  w.outbox.send("a", body("a"));
  w.outbox.send("b", body("b"));
  await w.answer(403);
  assert.deepEqual(w.warnings, ["sayso: the edge refused this feedback, HTTP 403"]);
  assert.deepEqual(w.queue(), [["b", body("b")]]);
  await w.answer(201, { receipt: "r-b" });
  for (const status of [408, 425, 429]) {
    w.outbox.send("c", body("c"));
    await w.answer(status);
    assert.deepEqual(w.queue(), [["c", body("c")]], `${status} waits`);
    await w.tick();
    await w.answer(201, { receipt: "r-c" });
  }
  assert.equal(w.warnings.length, 1);
  assert.equal(w.requests.length, 0, "the refused one is never sent again");
});

test("an entry failing opaquely on 8 page loads, or after 7 days, is dropped with one warning", async () => {
  let stored = null;
  const load = async (status, setup = () => {}) => {
    const w = world();
    w.stored = stored;
    setup(w);
    w.outbox.flush();
    // Retries within one load count once: 5xx, then network errors.
    await w.answer(status);
    await w.tick();
    if (w.requests.length) await w.answer(0);
    stored = w.stored;
    return w;
  };
  const first = world();
  first.outbox.send("a", body("a"));
  await first.answer(500);
  stored = first.stored;
  assert.equal(first.entries()[0][2], 1, "one page load failed");
  for (let i = 2; i < 8; i++) await load(500);
  assert.equal(JSON.parse(stored)[0][2], 7);
  // Offline, a load does not count.
  await load(0, (w) => (w.offline = true));
  assert.equal(JSON.parse(stored)[0][2], 7, "an offline load is not counted");
  const last = await load(0);
  assert.equal(stored, null, "dropped on the 8th load that failed");
  assert.deepEqual(last.warnings, ["sayso: the edge never took this feedback; dropped it"]);

  // Age: an entry queued 7 days ago goes at its next failure, offline or not.
  const old = world();
  old.outbox.send("b", body("b"));
  old.time += 6.048e8 + 1;
  old.offline = true;
  await old.answer(0);
  assert.equal(old.stored, null);
  assert.equal(old.warnings.length, 2, "one warning per dropped entry (the first one's, then this one's)");
  // Past 7 days nothing is sent again, whatever it was last answered (a 429 too): the edge's
  // tombstones outlive every copy a browser can still send.
  const waiting = world();
  waiting.outbox.send("c", body("c"));
  waiting.outbox.send("d", body("d"));
  waiting.time += 6.048e8 + 1;
  await waiting.answer(429);
  assert.deepEqual(waiting.queue(), []);
  waiting.outbox.flush();
  waiting.outbox.beacon();
  assert.equal(waiting.requests.length, 1, "the other one's request, still out, and nothing more");
  assert.equal(waiting.beacons.length, 0);
  assert.equal(waiting.warnings.length, 3, "one more warning, for both");
});

test("an entry queued before entries counted failures still loads, and counts from then", async () => {
  const w = world();
  w.stored = JSON.stringify([["a", body("a")]]);
  w.time += 6.048e8 + 1;
  w.outbox.flush();
  await w.answer(0);
  assert.deepEqual(w.entries(), [["a", body("a"), 1]], "no time: it expires by its page loads only");
});
