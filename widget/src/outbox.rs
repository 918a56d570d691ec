//! The outbox: every submission is written to `localStorage` before it is sent, and leaves only
//! when the edge has answered 2xx (or refused it for good with a 4xx). Network errors, 5xx and
//! 429 are retried with exponential backoff and jitter (honouring `Retry-After`), again when the
//! browser comes back `online`, and on the next page load; when the page is hidden or left, what
//! is still waiting goes out with `navigator.sendBeacon`.
//!
//! Each send carries the submission's whole state (rating, comment, revision), so a newer
//! revision replaces an older one waiting for the same id, and the edge counts an id once
//! whatever order its copies arrive in.

use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};

use crate::cat;
use sayso_core::Submission;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{RequestInit, Response, Storage};

/// The most submissions one site's outbox keeps; past it the oldest are dropped.
pub const CAP: usize = 100;
/// The first retry waits about this long (ms); each failure doubles it.
const BACKOFF_BASE_MS: f64 = 1_000.0;
/// Retries never wait longer than this (ms).
const BACKOFF_MAX_MS: f64 = 60_000.0;

/// A waiting submission: its id and the JSON body to send.
type Entry = (String, String);

/// What to tell the widget once an undo is done (`true`: the submission is gone).
type Undone = Box<dyn FnOnce(bool)>;

/// One site's outbox (one per page, shared by every widget of the site).
pub struct Outbox {
    url: String,
    key: String,
    /// Used when `localStorage` is unavailable (blocked, private mode, full).
    memory: RefCell<Vec<Entry>>,
    flushing: Cell<bool>,
    retry_scheduled: Cell<bool>,
    failures: Cell<u32>,
    warned_cap: Cell<bool>,
    /// The receipt the edge answered for each submission this page sent (for undo).
    receipts: RefCell<Vec<Entry>>,
    /// Submissions on their way to the edge, until their answer's receipt has been read.
    pending: RefCell<Vec<String>>,
    /// Submissions handed to `sendBeacon` (the edge may hold them; their answer is unseen).
    beaconed: RefCell<Vec<String>>,
    /// Undos waiting for their submission's answer (and receipt).
    undos: RefCell<Vec<(String, Undone)>>,
}

/// Every outbox on the page, one per site.
struct Registry(RefCell<Vec<Rc<Outbox>>>);

// SAFETY: wasm32-unknown-unknown without the atomics feature has one thread; nothing else can
// ever observe this value.
unsafe impl Sync for Registry {}

static OUTBOXES: Registry = Registry(RefCell::new(Vec::new()));

/// Adds an event listener for the rest of the page's life (the closure is never freed: the
/// widget and its outbox live as long as the page).
pub fn listen_forever(target: &web_sys::EventTarget, event: &str, handler: impl FnMut(web_sys::Event) + 'static) {
    listen_boxed(target, event, Box::new(handler));
}

/// One closure type for every listener: each distinct closure type handed to wasm-bindgen
/// brings its own glue (several hundred bytes), a boxed one brings it once.
fn listen_boxed(target: &web_sys::EventTarget, event: &str, handler: Box<dyn FnMut(web_sys::Event)>) {
    let closure = Closure::wrap(handler);
    let _ = target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    closure.forget();
}

impl Outbox {
    /// The outbox for `site` at `edge`; the first call on a page installs its listeners and
    /// delivers whatever an earlier page left waiting.
    pub fn for_site(edge: &str, site: &str) -> Rc<Outbox> {
        let url = cat(&[edge, "/v1/sites/", site, "/feedback"]);
        if let Some(existing) = OUTBOXES.0.borrow().iter().find(|o| o.url == url).cloned() {
            return existing;
        }
        let outbox = Rc::new(Outbox {
            url,
            key: cat(&["sayso.outbox.", site]),
            memory: RefCell::default(),
            flushing: Cell::new(false),
            retry_scheduled: Cell::new(false),
            failures: Cell::new(0),
            warned_cap: Cell::new(false),
            receipts: RefCell::default(),
            pending: RefCell::default(),
            beaconed: RefCell::default(),
            undos: RefCell::default(),
        });
        OUTBOXES.0.borrow_mut().push(Rc::clone(&outbox));
        outbox.listen();
        outbox.flush();
        outbox
    }

    /// Stores a submission (replacing an older revision of the same id) and starts delivery.
    pub fn send(self: &Rc<Self>, submission: &Submission) {
        let id = submission.id.as_str().to_owned();
        let body = submission.to_json();
        let mut entries = self.load();
        drop_entries(&mut entries, &id, None);
        entries.push((id, body));
        if entries.len() > CAP {
            entries.remove(0);
            if !self.warned_cap.replace(true) {
                web_sys::console::warn_2(&"sayso: the feedback outbox is full; dropped the oldest unsent feedback, max".into(), &(CAP as u32).into());
            }
        }
        self.save(&entries);
        self.flush();
    }

    fn listen(self: &Rc<Self>) {
        let Some(window) = web_sys::window() else { return };
        let this = Rc::clone(self);
        listen_forever(&window, "online", move |_| this.flush());
        let this = Rc::clone(self);
        listen_forever(&window, "pagehide", move |_| this.beacon());
        if let Some(document) = window.document() {
            let this = Rc::clone(self);
            let doc = document.clone();
            listen_forever(&document, "visibilitychange", move |_| {
                if doc.hidden() {
                    this.beacon();
                }
            });
        }
    }

    /// Delivers waiting submissions one at a time, oldest first, until one fails.
    fn flush(self: &Rc<Self>) {
        if !self.flushing.replace(true) {
            Rc::clone(self).send_next();
        }
    }

    fn send_next(self: Rc<Self>) {
        let Some(entry) = self.load().into_iter().next() else {
            self.flushing.set(false);
            return;
        };
        let sent = match post(&self.url, &entry.1) {
            Ok(promise) => promise,
            Err(_) => {
                self.flushing.set(false);
                return self.retry_later(None);
            }
        };
        self.pending.borrow_mut().push(entry.0.clone());
        settle(sent, move |answered, response| {
            let response: Response = response.unchecked_into();
            let status = if answered { response.status() } else { 0 };
            if (200..300).contains(&status) {
                self.failures.set(0);
                self.remove(&entry);
                self.keep_receipt(entry.0.clone(), &response);
                return self.send_next();
            }
            // Not stored: an undo waiting for this answer has nothing left to take back.
            drop_ids(&self.pending, &entry.0);
            self.finish_undos(&entry.0, None, false);
            if status != 429 && (400..500).contains(&status) {
                // Refused for good (invalid, not allowed): retrying cannot help. The response
                // body names the reason; the browser's network panel shows it.
                web_sys::console::warn_2(&"sayso: the edge refused this feedback, HTTP".into(), &status.into());
                self.remove(&entry);
                return self.send_next();
            }
            // A network error, 5xx or 429. Retry-After in whole seconds (integer parsing: float
            // parsing costs the widget kilobytes).
            let retry_after = if answered { response.headers().get("retry-after").ok().flatten().and_then(|s| s.trim().parse::<u32>().ok()) } else { None };
            self.flushing.set(false);
            self.retry_later(retry_after.map(|s| f64::from(s) * 1000.0));
        });
    }

    /// Reads the receipt from a 2xx answer (in the background) for a later undo.
    fn keep_receipt(self: &Rc<Self>, id: String, response: &Response) {
        let this = Rc::clone(self);
        let read = move |parsed: bool, body: JsValue| {
            let receipt = if parsed { crate::get(&body, "receipt").as_string() } else { None };
            if let Some(receipt) = &receipt {
                this.receipts.borrow_mut().push((id.clone(), receipt.clone()));
            }
            drop_ids(&this.pending, &id);
            this.finish_undos(&id, receipt, true);
        };
        match response.json() {
            Ok(json) => settle(json, read),
            Err(_) => read(false, JsValue::UNDEFINED),
        }
    }

    /// Takes a submission back. Still waiting: it never leaves. Stored: the edge deletes it with
    /// its receipt — at once, or when the answer in flight brings the receipt. Beaconed with no
    /// answer seen: it is sent once more to learn the receipt (a repeat counts nothing), then
    /// deleted.
    pub fn undo(self: &Rc<Self>, id: &str, then: impl FnOnce(bool) + 'static) {
        let receipt = self.receipts.borrow().iter().find(|(sent, _)| sent == id).map(|(_, r)| r.clone());
        let pending = self.pending.borrow().iter().any(|p| p == id);
        let unseen = receipt.is_none() && !pending && self.beaconed.borrow().iter().any(|b| b == id);
        if !unseen {
            let mut entries = self.load();
            drop_entries(&mut entries, id, None);
            self.save(&entries);
        }
        if pending || unseen || receipt.is_some() {
            self.undos.borrow_mut().push((id.to_owned(), Box::new(then)));
            if unseen {
                self.flush();
            } else if !pending {
                self.finish_undos(id, receipt, true);
            }
        } else {
            // It never left this page.
            then(true);
        }
    }

    /// Runs the undos waiting for `id`: with a receipt, a `DELETE`; without one, done if the
    /// edge did not store it, failed if it did (an answer whose receipt could not be read).
    fn finish_undos(&self, id: &str, receipt: Option<String>, stored: bool) {
        let waiting: Vec<(String, Undone)> = {
            let mut undos = self.undos.borrow_mut();
            let (mine, rest) = core::mem::take(&mut *undos).into_iter().partition(|(waiting, _)| waiting == id);
            *undos = rest;
            mine
        };
        for (_, then) in waiting {
            let Some(receipt) = &receipt else {
                then(!stored);
                continue;
            };
            match delete(&cat(&[&self.url, "/", id]), receipt) {
                Ok(promise) => settle(promise, move |answered, response| {
                    let status = if answered { response.unchecked_into::<Response>().status() } else { 0 };
                    // 404: already gone (deleted before, or by retention).
                    then((200..300).contains(&status) || status == 404);
                }),
                Err(_) => then(false),
            }
        }
    }

    /// Schedules the next attempt: `Retry-After` if the edge said, else backoff with jitter.
    fn retry_later(self: &Rc<Self>, after_ms: Option<f64>) {
        let failures = self.failures.get().saturating_add(1);
        self.failures.set(failures);
        if self.retry_scheduled.replace(true) {
            return;
        }
        let backoff = (BACKOFF_BASE_MS * f64::from(1u32 << failures.min(16).saturating_sub(1))).min(BACKOFF_MAX_MS);
        let delay = after_ms.unwrap_or(backoff * (0.5 + js_sys::Math::random())).clamp(0.0, 3_600_000.0);
        let this = Rc::clone(self);
        crate::settings::after(delay as i32, move || {
            this.retry_scheduled.set(false);
            this.flush();
        });
    }

    /// The page is going away: hand everything still waiting to the browser. Entries stay in
    /// the outbox; the next page load confirms them (the edge answers a repeat with 200).
    fn beacon(&self) {
        let Some(window) = web_sys::window() else { return };
        let navigator = window.navigator();
        for (id, body) in self.load() {
            // A string body is sent as text/plain: no CORS preflight, which a beacon cannot do.
            let _ = navigator.send_beacon_with_opt_str(&self.url, Some(&body));
            self.beaconed.borrow_mut().push(id);
        }
    }

    fn remove(&self, sent: &Entry) {
        let mut entries = self.load();
        // Only this exact body: a newer revision queued meanwhile must still go out.
        drop_entries(&mut entries, &sent.0, Some(&sent.1));
        self.save(&entries);
    }

    fn storage() -> Option<Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    /// Reads the outbox, fresh each time, so tabs of the same site share it.
    fn load(&self) -> Vec<Entry> {
        let stored = Outbox::storage().and_then(|s| s.get_item(&self.key).ok().flatten());
        let Some(text) = stored else {
            return self.memory.borrow().clone();
        };
        let Ok(parsed) = js_sys::JSON::parse(&text) else {
            return Vec::new();
        };
        let Ok(list) = parsed.dyn_into::<js_sys::Array>() else {
            return Vec::new();
        };
        list.iter()
            .filter_map(|pair| {
                let pair: js_sys::Array = pair.dyn_into().ok()?;
                Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
            })
            .collect()
    }

    fn save(&self, entries: &[Entry]) {
        *self.memory.borrow_mut() = entries.to_vec();
        let Some(storage) = Outbox::storage() else { return };
        if entries.is_empty() {
            let _ = storage.remove_item(&self.key);
            return;
        }
        let list: js_sys::Array = entries.iter().map(|(id, body)| js_sys::Array::of2(&id.into(), &body.into())).collect();
        if let Ok(text) = js_sys::JSON::stringify(&list) {
            // Full or blocked storage: the in-memory copy still delivers while the page lives.
            let _ = storage.set_item(&self.key, &String::from(text));
        }
    }
}

/// Forgets `id` from a list of ids.
fn drop_ids(ids: &RefCell<Vec<String>>, id: &str) {
    ids.borrow_mut().retain(|waiting| waiting != id);
}

/// Removes the entries for `id` (only the one with `body`, if given). One function rather than
/// two `retain` closures: each instantiation of `retain` costs the widget bytes.
fn drop_entries(entries: &mut Vec<Entry>, id: &str, body: Option<&str>) {
    entries.retain(|(waiting, text)| waiting != id || body.is_some_and(|b| b != text));
}

/// POSTs one submission. The body is a string, so the browser sends it as `text/plain`: a
/// "simple" request that needs no CORS preflight, one round trip instead of two. `keepalive`
/// lets it finish even if the visitor leaves the page at once.
fn post(url: &str, body: &str) -> Result<js_sys::Promise, JsValue> {
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    js_sys::Reflect::set(&init, &"keepalive".into(), &JsValue::TRUE)?;
    let window = web_sys::window().ok_or("no window")?;
    Ok(window.fetch_with_str_and_init(url, &init))
}

/// `DELETE`s a stored submission with its receipt: a request with `Authorization`, so the
/// browser asks first (the edge answers the preflight for the site's origins).
fn delete(url: &str, receipt: &str) -> Result<js_sys::Promise, JsValue> {
    let init = RequestInit::new();
    init.set_method("DELETE");
    let headers = js_sys::Object::new();
    js_sys::Reflect::set(&headers, &"authorization".into(), &cat(&["Receipt ", receipt]).into())?;
    init.set_headers(&headers);
    let window = web_sys::window().ok_or("no window")?;
    Ok(window.fetch_with_str_and_init(url, &init))
}

/// Calls `then(true, value)` or `then(false, error)` once `promise` settles. One Rust closure
/// serves both outcomes (bound to `true` and `false`); exactly one runs, which frees it. This
/// replaces an async runtime, which would cost the widget about a kilobyte and a half.
pub fn settle(promise: js_sys::Promise, then: impl FnOnce(bool, JsValue) + 'static) {
    settle_boxed(promise, Box::new(then));
}

/// See `listen_boxed`: one closure type for every promise.
fn settle_boxed(promise: js_sys::Promise, then: Box<dyn FnOnce(bool, JsValue)>) {
    let callback: js_sys::Function = Closure::once_into_js(move |fulfilled: JsValue, value: JsValue| then(fulfilled.is_truthy(), value)).unchecked_into();
    let then_fn: js_sys::Function = js_sys::Reflect::get(&promise, &"then".into()).unwrap_or_default().unchecked_into();
    let _ = then_fn.call2(&promise, &callback.bind1(&JsValue::NULL, &JsValue::TRUE), &callback.bind1(&JsValue::NULL, &JsValue::FALSE));
}
