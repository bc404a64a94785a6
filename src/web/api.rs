//! The JavaScript API: `window.ConsentGate`, which the ES module's exports (`pkg/`) call too.
//! Each call goes to the page's one controller; core checks every name it is given, so a
//! mistake (`accepted("analytic")`) throws an `Error` that says what exists.
//!
//! ```javascript
//! await ConsentGate.ready();
//! if (ConsentGate.accepted("analytics")) startAnalytics();
//! const off = ConsentGate.on("change", (detail) => console.log(detail.granted));
//! ConsentGate.set({ services: { youtube: true } });
//! ```
//!
//! Calls made before consent-gate has started are queued by a stub the README shows
//! (`ConsentGate.q`) and replayed here in order; each stub call returns a Promise of the result.

use crate::core::consent::{Action, Choices, Source};
use crate::core::contract::{API_GLOBAL, api_event};
use crate::core::view;
use crate::web::controller::{self, Controller};
use crate::web::report;
use js_sys::{Array, Function, Object, Promise, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

fn fail(message: &str) -> JsValue {
    js_sys::Error::new(&format!("consent-gate: {message}")).into()
}

/// The page's controller, or an error saying why there is none.
fn app() -> Result<Rc<RefCell<Controller>>, JsValue> {
    crate::web::app().ok_or_else(|| {
        fail("not running (no valid config, or WebAssembly refused: see the console)")
    })
}

fn text(value: &JsValue, what: &str) -> Result<String, JsValue> {
    value
        .as_string()
        .ok_or_else(|| fail(&format!("{what} must be a string")))
}

fn decide(action: Action) -> Result<(), JsValue> {
    let controller = app()?;
    controller::act(&controller, &action, Source::Api).map_err(|e| fail(&e.to_string()))
}

/// `ready()`: a Promise that resolves once the stored decision is applied and the interface is up.
fn ready() -> Promise {
    Promise::new(&mut |resolve: Function, reject: Function| match app() {
        Ok(controller) => controller::when_ready(&controller, resolve),
        Err(e) => {
            let _ = reject.call1(&JsValue::UNDEFINED, &e);
        }
    })
}

/// `get()`: the record in force as a plain object, or `null`.
fn get() -> Result<JsValue, JsValue> {
    let controller = app()?;
    let this = controller.try_borrow().map_err(|_| fail("busy"))?;
    match this.consent().record() {
        Some(record) => js_sys::JSON::parse(&record.to_json()),
        None => Ok(JsValue::NULL),
    }
}

/// `accepted(category)`: whether elements of `category` may run.
fn accepted(category: JsValue) -> Result<bool, JsValue> {
    let category = text(&category, "the category")?;
    let controller = app()?;
    let this = controller.try_borrow().map_err(|_| fail("busy"))?;
    view::known_category(this.config(), &category).map_err(|e| fail(&e))?;
    Ok(this.consent().is_granted(this.config(), &category))
}

/// `acceptedService(service)`: whether elements of `service` may run.
fn accepted_service(service: JsValue) -> Result<bool, JsValue> {
    let service = text(&service, "the service")?;
    let controller = app()?;
    let this = controller.try_borrow().map_err(|_| fail("busy"))?;
    view::known_service(this.config(), &service).map_err(|e| fail(&e))?;
    Ok(this.consent().is_service_granted(this.config(), &service))
}

/// `acceptAll()`, recorded as method `api`.
fn accept_all() -> Result<(), JsValue> {
    decide(Action::AcceptAll)
}

/// `rejectAll()`, recorded as method `api`.
fn reject_all() -> Result<(), JsValue> {
    decide(Action::RejectAll)
}

/// `withdraw()`: refuses everything optional and purges it.
fn withdraw() -> Result<(), JsValue> {
    decide(Action::Withdraw)
}

/// `set({ categories: { id: bool }, services: { id: bool } })`.
fn set(choices: JsValue) -> Result<(), JsValue> {
    if !choices.is_object() {
        return Err(fail("set() takes { categories: {...}, services: {...} }"));
    }
    decide(Action::Set(Choices {
        categories: own_pairs(&choices, "categories")?,
        services: own_pairs(&choices, "services")?,
    }))
}

/// `object[key]` if it is the object's own data property: an inherited one
/// (`Object.prototype.categories = …`) grants nothing, and a getter is never run.
fn own_value(object: &JsValue, key: &JsValue) -> Result<JsValue, JsValue> {
    let descriptor = Reflect::get_own_property_descriptor(object.unchecked_ref::<Object>(), key)?;
    if descriptor.is_undefined() {
        return Ok(JsValue::UNDEFINED);
    }
    if Reflect::has(descriptor.unchecked_ref(), &"get".into())? {
        return Err(fail("set() reads plain values only, not getters"));
    }
    Reflect::get(&descriptor, &"value".into())
}

/// The `{ id: true|false }` object at `choices[key]`, own properties only. Every read goes
/// through `Reflect` (which reports what a Proxy's trap throws as an error here), never through
/// code of the page's that could throw through the module.
fn own_pairs(choices: &JsValue, key: &str) -> Result<Vec<(String, bool)>, JsValue> {
    let value = own_value(choices, &key.into())?;
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    if !value.is_object() {
        return Err(fail(&format!(
            "set(): {key} must be an object of id: true|false"
        )));
    }
    let mut pairs = Vec::new();
    for id in Reflect::own_keys(value.unchecked_ref::<Object>())?.iter() {
        let Some(name) = id.as_string() else {
            continue;
        };
        let granted = own_value(&value, &id)?
            .as_bool()
            .ok_or_else(|| fail(&format!("set(): {key}.{name} must be true or false")))?;
        pairs.push((name, granted));
    }
    Ok(pairs)
}

/// `show()`: shows the banner again.
fn show() -> Result<(), JsValue> {
    controller::show(&app()?);
    Ok(())
}

/// `showPreferences()`: opens the preferences dialog.
fn show_preferences() -> Result<(), JsValue> {
    controller::show_preferences(&app()?);
    Ok(())
}

/// `hide()`: hides the banner and the dialog without deciding.
fn hide() -> Result<(), JsValue> {
    controller::hide(&app()?);
    Ok(())
}

/// `setLanguage(code)`: one of the languages the site offers.
fn set_language(code: JsValue) -> Result<(), JsValue> {
    let code = text(&code, "the language")?;
    controller::set_language(&app()?, &code).map_err(|e| fail(&e))
}

/// `exportRecord()`: the visitor's record as JSON (data portability, GDPR Art. 20), or `null`.
fn export_record() -> Result<JsValue, JsValue> {
    let controller = app()?;
    let this = controller.try_borrow().map_err(|_| fail("busy"))?;
    Ok(this
        .consent()
        .record()
        .map_or(JsValue::NULL, |record| JsValue::from_str(&record.to_json())))
}

/// `forget()`: erases the record, purges, tells the log endpoint (GDPR Art. 17), asks again.
fn forget() -> Result<(), JsValue> {
    controller::forget(&app()?);
    Ok(())
}

/// `on(event, listener)`: calls `listener(detail)` on each `consentgate:<event>`; returns a
/// function that stops it. A listener that throws is reported and does not stop the others.
fn on(event: JsValue, listener: JsValue) -> Result<Function, JsValue> {
    let event = text(&event, "the event")?;
    let Some(name) = api_event(&event) else {
        return Err(fail(&crate::core::contract::unknown_event(&event)));
    };
    let listener: Function = listener
        .dyn_into()
        .map_err(|_| fail("on() takes an event name and a function"))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| fail("no document"))?;
    let handler = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
        let detail = event
            .dyn_ref::<web_sys::CustomEvent>()
            .map_or(JsValue::NULL, |e| e.detail());
        if let Err(e) = listener.call1(&JsValue::UNDEFINED, &detail) {
            report::error(&format!(
                "a {} listener threw: {}",
                event.type_(),
                report::describe(&e)
            ));
        }
    });
    // Owned by JS from here: the document's listener list keeps it alive while it is registered.
    // A Rust owner behind `off` would drop it as soon as the page lets go of `off`.
    let handler: Function = handler.into_js_value().unchecked_into();
    document.add_event_listener_with_callback(name, &handler)?;
    let off = Closure::<dyn Fn()>::new(move || {
        let _ = document.remove_event_listener_with_callback(name, &handler);
    });
    Ok(off.into_js_value().unchecked_into())
}

/// `undefined` for a method that returns nothing.
fn nothing(result: Result<(), JsValue>) -> Result<JsValue, JsValue> {
    result.map(|()| JsValue::UNDEFINED)
}

/// Puts the API on `window.ConsentGate` and replays the calls the stub queued before.
pub fn install() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let api = Object::new();
    // Every method is the same closure over a plain function, of the one signature the traps
    // share (`Callback`): no shim and JS wrapper per signature of its own.
    type Method = fn(JsValue, JsValue) -> Result<JsValue, JsValue>;
    let methods: [(&str, Method); 15] = [
        ("ready", |_, _| Ok(ready().into())),
        ("get", |_, _| get()),
        ("accepted", |category, _| {
            accepted(category).map(JsValue::from)
        }),
        ("acceptedService", |service, _| {
            accepted_service(service).map(JsValue::from)
        }),
        ("acceptAll", |_, _| nothing(accept_all())),
        ("rejectAll", |_, _| nothing(reject_all())),
        ("withdraw", |_, _| nothing(withdraw())),
        ("show", |_, _| nothing(show())),
        ("showPreferences", |_, _| nothing(show_preferences())),
        ("hide", |_, _| nothing(hide())),
        ("forget", |_, _| nothing(forget())),
        ("set", |choices, _| nothing(set(choices))),
        ("setLanguage", |code, _| nothing(set_language(code))),
        ("exportRecord", |_, _| export_record()),
        ("on", |event, listener| {
            on(event, listener).map(JsValue::from)
        }),
    ];
    for (name, f) in methods {
        let f = Closure::<crate::web::Callback>::new(move |a, b, _| f(a, b));
        let _ = Reflect::set(&api, &name.into(), &f.into_js_value());
    }

    let queued = Reflect::get(&window, &API_GLOBAL.into())
        .and_then(|stub| Reflect::get(&stub, &"q".into()))
        .ok()
        .and_then(|q| q.dyn_into::<Array>().ok());
    let _ = Reflect::set(&window, &API_GLOBAL.into(), &api);
    for call in queued.iter().flat_map(|q| q.iter()) {
        let call: Array = call.unchecked_into();
        let name = call.get(0).as_string().unwrap_or_default();
        let args = Array::from(&call.get(1));
        let resolve = call.get(2).dyn_into::<Function>().ok();
        let result = Reflect::get(&api, &name.as_str().into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .ok_or_else(|| {
                fail(&format!(
                    "{} is not a ConsentGate function",
                    crate::core::config::quoted(&name)
                ))
            })
            .and_then(|f| f.apply(&api, &args));
        match result {
            Ok(value) => {
                if let Some(resolve) = resolve {
                    let _ = resolve.call1(&JsValue::UNDEFINED, &value);
                }
            }
            Err(e) => report::error(&format!(
                "a queued ConsentGate.{name}() failed: {}",
                report::describe(&e)
            )),
        }
    }
}
