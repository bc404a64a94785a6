//! The full gate's handle on the interface: its one function, `interface(method, a, b)`.
//!
//! Every call goes through `Function::call3`, which catches what the other side throws, so
//! nothing the interface does can unwind through the gate.

use crate::core::contract::interface;
use js_sys::Function;
use wasm_bindgen::JsValue;

/// The interface, once it is up.
#[derive(Clone)]
pub struct Remote {
    call: Function,
}

impl Remote {
    /// The interface behind its function.
    pub fn new(call: Function) -> Remote {
        Remote { call }
    }

    /// Asks the interface to do `method` (a name from [`interface`]).
    ///
    /// # Errors
    /// What the interface threw: the browser refused a DOM call, or it has no such method.
    pub fn call(&self, method: &str, a: &JsValue, b: &JsValue) -> Result<JsValue, JsValue> {
        self.call.call3(&JsValue::UNDEFINED, &method.into(), a, b)
    }

    /// Whether the banner and the preferences are shown.
    pub fn shown(&self) -> (bool, bool) {
        let none = JsValue::UNDEFINED;
        let bits = self
            .call(interface::SHOWN, &none, &none)
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0) as u32;
        (bits & 1 != 0, bits & 2 != 0)
    }
}
