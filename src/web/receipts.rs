//! Sends consent receipts (proof of consent, GDPR Art. 7(1)) to the config's `logEndpoint`, with
//! an outbox in `localStorage` so that a receipt sent while offline, or while the endpoint is
//! down, is sent again on the next page view ([`crate::core::outbox`] keeps it bounded).
//!
//! Delivery is a `POST` with `fetch(..., { keepalive: true })`, so the response tells whether the
//! receipt arrived (only a 2xx removes it from the outbox) and the request survives the page
//! unloading; `navigator.sendBeacon` is the fallback where `fetch` is missing, and counts as sent
//! once the browser has queued it.

use crate::core::outbox;
use crate::web::storage::LocalStore;
use js_sys::{Function, Object, Promise, Reflect};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::Window;

/// Where receipts go and wait.
#[derive(Clone)]
pub struct Outbox {
    window: Window,
    endpoint: String,
    key: String,
    store: Rc<LocalStore>,
}

impl Outbox {
    /// The outbox for `endpoint`, kept under `key` in `localStorage`.
    pub fn new(window: &Window, endpoint: String, key: String) -> Outbox {
        let store = Rc::new(LocalStore::new(window, key.clone()));
        Outbox {
            window: window.clone(),
            endpoint,
            key,
            store,
        }
    }

    /// Queues `receipt` and sends it.
    pub fn send(&self, receipt: &str) {
        let stored = self.store.get(&self.key).ok().flatten().unwrap_or_default();
        let _ = self.store.set(&self.key, &outbox::push(&stored, receipt));
        self.deliver(receipt.to_owned());
    }

    /// Sends every receipt still waiting (at page load).
    pub fn flush(&self) {
        let stored = self.store.get(&self.key).ok().flatten().unwrap_or_default();
        for receipt in outbox::entries(&stored) {
            self.deliver(receipt.to_owned());
        }
    }

    fn delivered(&self, receipt: &str) {
        let stored = self.store.get(&self.key).ok().flatten().unwrap_or_default();
        let _ = self.store.set(&self.key, &outbox::remove(&stored, receipt));
    }

    fn deliver(&self, receipt: String) {
        let fetch = Reflect::get(&self.window, &"fetch".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok());
        let Some(fetch) = fetch else {
            self.beacon(&receipt);
            return;
        };
        let init = Object::new();
        let headers = Object::new();
        let _ = Reflect::set(&headers, &"content-type".into(), &"application/json".into());
        for (key, value) in [
            ("method", JsValue::from_str("POST")),
            ("body", JsValue::from_str(&receipt)),
            ("keepalive", JsValue::TRUE),
            ("credentials", JsValue::from_str("same-origin")),
            ("headers", headers.into()),
        ] {
            let _ = Reflect::set(&init, &key.into(), &value);
        }
        let sent = fetch.call2(&self.window, &self.endpoint.as_str().into(), &init);
        let Ok(promise) = sent.and_then(|p| p.dyn_into::<Promise>()) else {
            return;
        };
        let outbox = self.clone();
        let on_response: JsValue = Closure::once_into_js(move |response: JsValue| {
            let ok = Reflect::get(&response, &"ok".into()).is_ok_and(|ok| ok.is_truthy());
            if ok {
                outbox.delivered(&receipt);
            }
        });
        // A failure (offline, refused) leaves the receipt in the outbox for the next page view.
        let on_failure: JsValue = Closure::once_into_js(|_: JsValue| {});
        if let Some(then) = Reflect::get(&promise, &"then".into())
            .ok()
            .and_then(|t| t.dyn_into::<Function>().ok())
        {
            let _ = then.call2(&promise, &on_response, &on_failure);
        }
    }

    fn beacon(&self, receipt: &str) {
        let navigator = Reflect::get(&self.window, &"navigator".into()).unwrap_or_default();
        let beacon = Reflect::get(&navigator, &"sendBeacon".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok());
        if let Some(beacon) = beacon {
            let queued = beacon.call2(&navigator, &self.endpoint.as_str().into(), &receipt.into());
            if queued.is_ok_and(|q| q.is_truthy()) {
                self.delivered(receipt);
            }
        }
    }
}
