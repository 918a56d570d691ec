// sayso widget storage: what the widget keeps in the visitor's localStorage (never a cookie),
// read and written so that storage blocked, full or tampered with only ever means "nothing
// kept". Bundled into the glue with host.js, and into later.js.

/// localStorage's value for `key`; none when storage is unavailable (blocked, private mode).
export const load = (key) => {
  try {
    return localStorage.getItem(key);
  } catch {}
};

/// Keeps `value` under `key` (null: forgets it); nothing when storage is unavailable or full.
export const store = (key, value) => {
  try {
    value == null ? localStorage.removeItem(key) : localStorage.setItem(key, value);
  } catch {}
};

/// Keeps the receipt (the authorship key) of the submission `id` stored for `site`: a line
/// `id,receipt,time` before those kept already, newest first, cut at MINE_CHARS (MINE_MAX lines;
/// a line cut short, a repeat, one older than KEEP_DAYS or the first one's "null" tail are
/// later.js's to drop). Only this browser holds them: they prove which replies are its own.
/// (Text, not JSON: nothing to parse that could throw.)
export function keep(site, id, receipt) {
  const mine = BOUNDARY.MINE + site;
  store(mine, ([id, receipt, Date.now()] + "\n" + load(mine)).slice(0, BOUNDARY.MINE_CHARS));
}

/// Whether it is time to ask the edge about replies for `site`: a receipt is kept, and the time
/// later.js set for the next check (ASKED: a day after the last) has come, or none is set.
export const due = (site) => load(BOUNDARY.MINE + site) && !(load(BOUNDARY.ASKED + site) > Date.now());
