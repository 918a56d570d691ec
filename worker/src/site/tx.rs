//! The transaction binding: `transactionSync` of the JS storage, which workers-rs does not wrap,
//! so that each write of the object lands whole or not at all.

use wasm_bindgen::prelude::*;

use super::SiteObject;
use crate::http::Failure;

#[wasm_bindgen]
extern "C" {
    /// The JS `DurableObjectStorage`, for `transactionSync`.
    pub type JsStorage;

    /// Runs `body` in a SQLite transaction; a thrown error rolls it back.
    #[wasm_bindgen(method, catch, js_name = transactionSync)]
    fn transaction_sync(this: &JsStorage, body: &mut dyn FnMut() -> Result<JsValue, JsValue>) -> Result<JsValue, JsValue>;
}

impl SiteObject {
    /// Runs `body` as one transaction: its writes all land, or none do.
    pub(super) fn transaction<T>(&self, body: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
        let storage = self.storage.as_ref().ok_or_else(|| Failure::Internal("no storage on this object".into()))?;
        let mut body = Some(body);
        let mut outcome = None;
        let ran = storage.transaction_sync(&mut || {
            let result = body.take().map(|f| f());
            let failed = !matches!(result, Some(Ok(_)));
            outcome = result;
            if failed {
                Err(JsValue::from_str("sayso: rolled back"))
            } else {
                Ok(JsValue::UNDEFINED)
            }
        });
        // A record written inside (and read after) may not be what is stored now: rolled back.
        if self.written.replace(false) {
            self.record.borrow_mut().take();
        }
        match (outcome, ran) {
            (Some(Ok(value)), Ok(_)) => Ok(value),
            (Some(Err(failure)), _) => Err(failure),
            (_, Err(e)) => Err(Failure::Internal(format!("transaction failed: {e:?}"))),
            (None, Ok(_)) => Err(Failure::Internal("transaction body did not run".into())),
        }
    }
}
