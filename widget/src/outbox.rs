//! Delivery of submissions to the edge: one at a time and in order, so an edit never overtakes
//! the submission it edits. (The persistent offline queue with retries arrives with issue #4;
//! the edge already ignores an older revision that arrives late.)

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use sayso_core::Submission;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestInit, Response};

/// The submissions waiting to be sent to one feedback URL.
pub struct Outbox {
    url: Rc<str>,
    queue: Rc<RefCell<Vec<String>>>,
    busy: Rc<Cell<bool>>,
}

impl Outbox {
    /// An empty outbox for `url` (`…/v1/sites/{site}/feedback`).
    pub fn new(url: String) -> Outbox {
        Outbox { url: url.into(), queue: Rc::default(), busy: Rc::default() }
    }

    /// Queues a submission and starts delivery if it is not running.
    pub fn send(&self, submission: &Submission) {
        let body = submission.to_wire().to_json();
        self.queue.borrow_mut().push(body);
        if self.busy.replace(true) {
            return;
        }
        let (url, queue, busy) = (Rc::clone(&self.url), Rc::clone(&self.queue), Rc::clone(&self.busy));
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                let next = {
                    let mut queue = queue.borrow_mut();
                    (!queue.is_empty()).then(|| queue.remove(0))
                };
                let Some(body) = next else { break };
                if let Err(e) = post(&url, &body).await {
                    web_sys::console::warn_2(&"sayso: feedback not delivered:".into(), &e);
                }
            }
            busy.set(false);
        });
    }
}

/// POSTs one submission. The body is a string, so the browser sends it as `text/plain`: a
/// "simple" request that needs no CORS preflight, one round trip instead of two.
async fn post(url: &str, body: &str) -> Result<(), JsValue> {
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    // `keepalive` lets the request finish even if the visitor leaves the page right away.
    js_sys::Reflect::set(&init, &"keepalive".into(), &JsValue::TRUE)?;
    let window = web_sys::window().ok_or("no window")?;
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, &init)).await?.dyn_into()?;
    if response.ok() {
        return Ok(());
    }
    Err(JsFuture::from(response.text()?).await?)
}
