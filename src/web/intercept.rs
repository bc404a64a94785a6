//! Auto-blocking: holds back what a tag would fetch from a service that is not granted, without any
//! change to the site's markup. The wrapping is one JS layer (`intercept.js`, which the loaders put
//! beside the module's glue) shared with the loader's fail-closed fallback; this module hands it
//! the policy it is given (the controller asks core's [`crate::core::autoblock::hold`]) and takes
//! its report of what it could not install. It knows nothing of the controller.
//!
//! What the layer holds, in short (README, "Auto-blocking"): URL setters and attributes of every
//! element that fetches (`src`, `srcset`, `href`, `poster`, `data`, `ping`, SVG `href`), by property,
//! `setAttribute(NS)`, attribute nodes and `Attr` values; HTML strings (`innerHTML`, `outerHTML`,
//! `insertAdjacentHTML`, `setHTMLUnsafe`, `createContextualFragment`, `document.write`, `srcdoc`),
//! parsed inertly and held before they reach the page; every insertion path, and nodes adopted
//! from another document; `fetch`, `sendBeacon`, `XMLHttpRequest`; parser-inserted elements.

use crate::core::autoblock::Held;
use crate::core::contract::BODY_OR_GATED_SELECTOR;
use js_sys::{Array, Function, Reflect};
use std::cell::Cell;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The layer's install function (`intercept.js`). Missing where a loader did not include it
    /// (the web tests' harness): then nothing is wrapped, and the console says so.
    #[wasm_bindgen(catch, js_name = consentGateIntercept)]
    fn install_layer(
        policy: &JsValue,
        parsed: &JsValue,
        follow: &str,
        trusted_types: &JsValue,
        nonce: &str,
    ) -> Result<JsValue, JsValue>;
}

/// The installed layer; dropping it puts the page's originals back.
pub struct Interceptor {
    restore: Option<Function>,
    injected: Option<Function>,
    /// What the browser would not let the layer wrap (a frozen prototype, say).
    pub refused: Vec<String>,
    _policy: Closure<crate::web::Callback>,
    _parsed: Closure<crate::web::Callback>,
}

impl Drop for Interceptor {
    fn drop(&mut self) {
        if let Some(restore) = &self.restore {
            let _ = restore.call0(&JsValue::NULL);
        }
    }
}

impl Interceptor {
    /// Whether page code, not the parser, put `element` in the document (or it came in an HTML
    /// string). Without the layer, or if asking it fails, every script counts as injected: such a
    /// script gets no nonce, which fails closed.
    pub fn injected(&self) -> impl Fn(&web_sys::Element) -> bool + use<> {
        let layer = self.injected.clone();
        move |element| {
            layer.as_ref().is_none_or(|injected| {
                injected
                    .call1(&JsValue::NULL, element)
                    .map_or(true, |answer| answer.is_truthy())
            })
        }
    }
}

thread_local! {
    /// Set while the gate itself loads something (the interface, or one embed the visitor chose
    /// to "Load once"): nothing is held meanwhile.
    static ALLOWING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `release` with auto-blocking off: for "Load once", which loads one embed without consent
/// being stored (so its URL would otherwise be held again), and for the interface's own script.
pub fn allowing<R>(release: impl FnOnce() -> R) -> R {
    ALLOWING.with(|allowing| allowing.set(true));
    let result = release();
    ALLOWING.with(|allowing| allowing.set(false));
    result
}

/// Installs the layer, or gives the small gate's `layer` (already in force, since the page's
/// first tag) the policy. `hold` answers for `href` (a URL the browser parsed; `foreign`: to
/// another origin) what it is held for, if anything; `parsed` hears, in a task after them, that
/// the parser inserted elements. Each piece the browser refuses is reported and skipped; the rest
/// still hold.
pub fn install(
    hold: impl Fn(&str, bool) -> Option<Held> + 'static,
    parsed: impl Fn() + 'static,
    layer: Option<JsValue>,
    nonce: &str,
) -> Interceptor {
    // As the layer reads it: `[service, category]`, or null.
    let policy = Closure::<crate::web::Callback>::new(move |href: JsValue, foreign: JsValue, _| {
        if ALLOWING.with(Cell::get) {
            return Ok(JsValue::NULL);
        }
        let href = href.as_string().unwrap_or_default();
        Ok(match hold(&href, foreign.is_truthy()) {
            Some(held) => Array::of2(&held.service.into(), &held.category.into()).into(),
            None => JsValue::NULL,
        })
    });
    let parsed = Closure::<crate::web::Callback>::new(move |_, _, _| {
        parsed();
        Ok(JsValue::UNDEFINED)
    });
    let mut interceptor = Interceptor {
        restore: None,
        injected: None,
        refused: Vec::new(),
        _policy: policy,
        _parsed: parsed,
    };
    let installed = match layer {
        Some(layer) => Reflect::get(&layer, &"use".into())
            .and_then(|adopt| adopt.dyn_into::<Function>())
            .and_then(|adopt| {
                adopt.call2(
                    &layer,
                    interceptor._policy.as_ref(),
                    interceptor._parsed.as_ref(),
                )
            })
            .map(|_| layer),
        None => install_layer(
            interceptor._policy.as_ref(),
            interceptor._parsed.as_ref(),
            BODY_OR_GATED_SELECTOR,
            &crate::web::gate::trusted_types(),
            nonce,
        ),
    };
    match installed {
        Ok(layer) => {
            let function = |name: &str| {
                Reflect::get(&layer, &name.into())
                    .ok()
                    .and_then(|f| f.dyn_into::<Function>().ok())
            };
            interceptor.restore = function("restore");
            interceptor.injected = function("injected");
            if let Ok(refused) = Reflect::get(&layer, &"refused".into()) {
                interceptor.refused = Array::from(&refused)
                    .iter()
                    .filter_map(|name| name.as_string())
                    .collect();
            }
            for name in &interceptor.refused {
                crate::web::report::warn(&format!("auto-blocking could not wrap {name}"));
            }
        }
        Err(e) => {
            interceptor.refused.push("everything".into());
            crate::web::report::error(&format!(
                "auto-blocking is not installed (only markup-held elements are held): {}",
                crate::web::report::describe(&e)
            ));
        }
    }
    interceptor
}
