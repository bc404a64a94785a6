//! An event listener owned by Rust: added on creation, removed when dropped.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Event, EventTarget};

/// An event listener that is removed when dropped.
pub struct Listener {
    target: EventTarget,
    event: &'static str,
    capture: bool,
    closure: Closure<dyn FnMut(Event)>,
}

impl Listener {
    /// Listens for `event` on `target` (in the capture phase if `capture`, which also sees events
    /// that do not bubble, such as a dialog's `close`).
    ///
    /// # Errors
    /// The browser refused the listener.
    pub fn new(
        target: &EventTarget,
        event: &'static str,
        capture: bool,
        handler: impl FnMut(Event) + 'static,
    ) -> Result<Listener, JsValue> {
        let closure = Closure::<dyn FnMut(Event)>::new(handler);
        target.add_event_listener_with_callback_and_bool(
            event,
            closure.as_ref().unchecked_ref(),
            capture,
        )?;
        Ok(Listener {
            target: target.clone(),
            event,
            capture,
            closure,
        })
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback_and_bool(
            self.event,
            self.closure.as_ref().unchecked_ref(),
            self.capture,
        );
    }
}
