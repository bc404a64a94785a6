//! The browser side: performs what [`crate::core`] decides. Compiled for wasm32 only, into the
//! interface module (feature `gate`): the full gate ([`controller`]), which takes over from the
//! small gate (`src/small.rs`, `small.js`), and the interface it attaches when something must be
//! shown ([`interface`]).
//!
//! Nothing here decides: it reads the DOM, storage and clock, hands them to core, and carries
//! out the [`Effect`](crate::core::consent::Effect)s core returns. Every browser call that can be
//! refused (storage, cookies, stylesheets) is handled as an error that leaves the gate closed.

pub mod api;
pub mod controller;
pub mod gate;
pub mod integrations;
pub mod intercept;
pub mod interface;
pub mod listener;
pub mod page;
pub mod placeholder;
pub mod receipts;
pub mod report;
pub mod storage;
pub mod sync;
pub mod ui;

use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The one signature of every Rust function JS calls with arguments: the API's methods, the
/// interception layer's policy, the `fbq` accessor and the Trusted Types policy. wasm-bindgen emits a shim, a JS
/// wrapper and a cast per closure signature, so one signature for all of them is the small form.
/// `Fn`, not `FnMut`: page code a trap lets through may call the same wrapped method again
/// before it returns (an inserted inline script that inserts another), and a `FnMut` closure
/// cannot be entered twice.
pub(crate) type Callback = dyn Fn(JsValue, JsValue, JsValue) -> Result<JsValue, JsValue>;

thread_local! {
    /// The page's one controller, held here so that it lives as long as the page.
    static APP: RefCell<Option<Rc<RefCell<controller::Controller>>>> = const { RefCell::new(None) };
}

/// The page's controller, once started.
pub(crate) fn app() -> Option<Rc<RefCell<controller::Controller>>> {
    APP.with(|app| app.borrow().clone())
}

/// The full gate's start (the `gate` feature builds the interface module; the interface has no
/// start of its own: the full gate attaches it).
#[cfg(feature = "gate")]
#[wasm_bindgen(start)]
fn start() {
    // A bug must not fail silently, nor open the gate: the module stops, and every element still
    // held stays held. Debug builds (the browser tests) also say where; the release build aborts
    // at once on a panic (`-Cpanic=immediate-abort`), without the formatting machinery a message
    // needs, so the browser reports it as "RuntimeError: unreachable".
    #[cfg(debug_assertions)]
    std::panic::set_hook(Box::new(|info| {
        report::error(&format!(
            "internal error ({info}); nothing more is released on this page. Please report it."
        ));
    }));
    APP.with(|app| *app.borrow_mut() = controller::boot());
    api::install();
}

/// Whether consent-gate started (a valid config). The single-file loader asks right after
/// `initSync`: when it did not, auto-blocking has no config to follow, so the loader holds every
/// request to another origin instead, as when WebAssembly is refused.
#[cfg(feature = "gate")]
#[wasm_bindgen]
pub fn running() -> bool {
    app().is_some()
}
