//! Messages to the site's developers, on the console: consent-gate never throws into the page.

use wasm_bindgen::{JsCast, JsValue};

/// Logs an error that the site owner must fix (a bad config, a refused store).
pub fn error(message: &str) {
    web_sys::console::error_1(&format!("consent-gate: {message}").into());
}

/// Logs a degradation the page survives (e.g. a decision kept for this page view only).
pub fn warn(message: &str) {
    web_sys::console::warn_1(&format!("consent-gate: {message}").into());
}

/// A thrown JS value in words: `SecurityError: The operation is insecure.` for a DOMException.
pub fn describe(thrown: &JsValue) -> String {
    if let Some(error) = thrown.dyn_ref::<js_sys::Error>() {
        return format!(
            "{}: {}",
            String::from(error.name()),
            String::from(error.message())
        );
    }
    let name = js_sys::Reflect::get(thrown, &"name".into())
        .ok()
        .and_then(|v| v.as_string());
    let message = js_sys::Reflect::get(thrown, &"message".into())
        .ok()
        .and_then(|v| v.as_string());
    match (name, message, thrown.as_string()) {
        (Some(name), Some(message), _) => format!("{name}: {message}"),
        (_, _, Some(text)) => text,
        _ => "an unknown error".into(),
    }
}
