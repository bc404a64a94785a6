//! Auto-blocking: holds back scripts, frames, images, links, beacons, `fetch` and XHR whose URL
//! belongs to a service that is not granted, without any change to the site's markup. Core decides
//! ([`autoblock::hold`]); this module only intercepts and performs.
//!
//! - Elements created by scripts (a tag manager injecting a tag): the `src`/`href` setters of
//!   `<script>`, `<img>`, `<iframe>`, `<embed>`, `<source>`, `<link>` and `setAttribute` are wrapped,
//!   so a held URL goes to `data-src`/`data-href` instead and is never requested; a held script also
//!   gets `type="text/plain"`. Insertion methods (`appendChild`, `insertBefore`, `append`,
//!   `prepend`) catch scripts that already carried a URL. The gate releases them like markup-held
//!   elements once the service is granted.
//! - Elements the parser inserts after consent-gate started: a `MutationObserver`. Its callback runs
//!   at the microtask checkpoint the parser performs before it prepares a script, so a held
//!   parser-inserted script neither runs nor loads. Images and frames in markup start loading as the
//!   parser creates them: hold those with `data-src` markup instead.
//! - `fetch`, `XMLHttpRequest` and `navigator.sendBeacon` to a held URL fail as if offline.
//!
//! The wrappers are `Proxy` objects around the originals (their `apply` trap receives `this`, which a
//! plain closure cannot), installed on the prototypes and removed when [`Interceptor`] drops.

use crate::core::autoblock::{self, Held};
use crate::web::controller::Controller;
use js_sys::{Array, Object, Promise, Proxy, Reflect};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Element, MutationObserver, MutationObserverInit, MutationRecord, Window};

/// A `Proxy` `apply` trap: (original, this, the arguments' array).
type Trap = Closure<crate::web::Callback>;

/// The observer of parser-inserted elements, its callback, and the deferred release it schedules.
type Observer = (
    MutationObserver,
    Closure<dyn FnMut(Array)>,
    Rc<Closure<dyn FnMut()>>,
);

/// Marks an element that auto-blocking held (its URL is in `data-src`/`data-href`).
const ATTR_AUTO: &str = "data-consent-auto";

/// Property set on an `XMLHttpRequest` opened to a held URL, so that `send` does nothing.
const XHR_HELD: &str = "__consentGateHeld";

/// The installed wrappers; dropping it puts the originals back.
pub struct Interceptor {
    restore: Vec<(JsValue, JsValue, JsValue)>,
    _traps: Vec<Trap>,
    observer: Option<Observer>,
}

impl Drop for Interceptor {
    fn drop(&mut self) {
        if let Some((observer, _, _)) = &self.observer {
            observer.disconnect();
        }
        for (owner, name, descriptor) in self.restore.drain(..).rev() {
            let owner: &Object = owner.unchecked_ref();
            let _ = Reflect::define_property(owner, &name, descriptor.unchecked_ref());
        }
    }
}

thread_local! {
    /// Set while the visitor's "Load once" releases one embed: nothing is held meanwhile.
    static ALLOWING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `release` with auto-blocking off: for "Load once", which loads one embed without consent
/// being stored (so its URL would otherwise be held again).
pub fn allowing<R>(release: impl FnOnce() -> R) -> R {
    ALLOWING.with(|allowing| allowing.set(true));
    let result = release();
    ALLOWING.with(|allowing| allowing.set(false));
    result
}

/// The held service for `url` under the consent in force. If the controller cannot be asked (it
/// is busy deciding), an absolute URL is held with no service: the gate stays closed, and that
/// element is never released on this page view.
fn held(controller: &Weak<RefCell<Controller>>, url: &str) -> Option<Held> {
    if ALLOWING.with(std::cell::Cell::get) {
        return None;
    }
    let controller = controller.upgrade()?;
    let Ok(this) = controller.try_borrow() else {
        return autoblock::is_absolute(url).then(|| Held {
            service: String::new(),
            category: String::new(),
        });
    };
    autoblock::hold(this.config(), this.consent(), url)
}

/// A value as the page's string: a plain string, or what a Trusted Types object stands for.
fn text_of(value: &JsValue) -> String {
    value.as_string().unwrap_or_else(|| {
        value
            .dyn_ref::<Object>()
            .map(|object| String::from(object.to_string()))
            .unwrap_or_default()
    })
}

/// The URL a `fetch`/`sendBeacon`/`open` argument stands for: a string, a `Request` or a `URL`.
fn url_of(value: &JsValue) -> String {
    if let Some(url) = value.as_string() {
        return url;
    }
    ["url", "href"]
        .iter()
        .find_map(|key| {
            Reflect::get(value, &(*key).into())
                .ok()
                .and_then(|v| v.as_string())
        })
        .unwrap_or_default()
}

/// Installs every wrapper and the observer on `window`. Each piece the browser refuses is reported
/// and skipped; the rest still hold.
pub fn install(window: &Window, controller: &Rc<RefCell<Controller>>) -> Interceptor {
    let mut interceptor = Interceptor {
        restore: Vec::new(),
        _traps: Vec::new(),
        observer: None,
    };
    let weak = Rc::downgrade(controller);
    let global: &JsValue = window.as_ref();
    let prototype = |name: &str| {
        Reflect::get(global, &name.into())
            .and_then(|class| Reflect::get(&class, &"prototype".into()))
            .ok()
            .filter(|p| p.is_object())
    };
    // The original `setAttribute`: holding an element writes attributes through it, not through
    // the wrapper (which would call itself).
    let raw = RawSetAttribute(
        prototype("Element")
            .and_then(|p| Reflect::get(&p, &"setAttribute".into()).ok())
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .unwrap_or_else(|| JsValue::UNDEFINED.unchecked_into()),
    );

    for (class, property) in [
        ("HTMLScriptElement", "src"),
        ("HTMLImageElement", "src"),
        ("HTMLIFrameElement", "src"),
        ("HTMLEmbedElement", "src"),
        ("HTMLSourceElement", "src"),
        ("HTMLLinkElement", "href"),
    ] {
        if let Some(proto) = prototype(class) {
            let weak = weak.clone();
            let raw = raw.clone();
            let trap: Trap = Closure::new(move |setter: JsValue, this: JsValue, args: JsValue| {
                let args: Array = args.unchecked_into();
                let url = text_of(&args.get(0));
                if let Some(element) = this.dyn_ref::<Element>() {
                    if let Some(hold) = held(&weak, &url) {
                        neutralize(&raw, element, property, &url, &hold)?;
                        return Ok(JsValue::UNDEFINED);
                    }
                }
                Reflect::apply(setter.unchecked_ref::<js_sys::Function>(), &this, &args)
            });
            interceptor.wrap(&proto, property, "set", trap);
        }
    }

    if let Some(proto) = prototype("Element") {
        let weak = weak.clone();
        let raw = raw.clone();
        let trap: Trap = Closure::new(move |method: JsValue, this: JsValue, args: JsValue| {
            let args: Array = args.unchecked_into();
            let name = args
                .get(0)
                .as_string()
                .unwrap_or_default()
                .to_ascii_lowercase();
            if let (Some(element), true) =
                (this.dyn_ref::<Element>(), name == "src" || name == "href")
            {
                let tag = element.local_name();
                if autoblock::url_attribute(&tag) == Some(name.as_str()) {
                    let url = text_of(&args.get(1));
                    if let Some(hold) = held(&weak, &url) {
                        neutralize(&raw, element, &name, &url, &hold)?;
                        return Ok(JsValue::UNDEFINED);
                    }
                }
            }
            Reflect::apply(method.unchecked_ref::<js_sys::Function>(), &this, &args)
        });
        interceptor.wrap(&proto, "setAttribute", "value", trap);
    }

    for (class, method) in [
        ("Node", "appendChild"),
        ("Node", "insertBefore"),
        ("Element", "append"),
        ("Element", "prepend"),
    ] {
        if let Some(proto) = prototype(class) {
            let weak = weak.clone();
            let raw = raw.clone();
            let trap: Trap = Closure::new(move |method: JsValue, this: JsValue, args: JsValue| {
                let args: Array = args.unchecked_into();
                for node in args.iter() {
                    if let Some(element) = node.dyn_ref::<Element>() {
                        hold_script(&raw, &weak, element)?;
                    }
                }
                Reflect::apply(method.unchecked_ref::<js_sys::Function>(), &this, &args)
            });
            interceptor.wrap(&proto, method, "value", trap);
        }
    }

    {
        let weak = weak.clone();
        let trap: Trap = Closure::new(move |fetch: JsValue, this: JsValue, args: JsValue| {
            let args: Array = args.unchecked_into();
            let url = url_of(&args.get(0));
            if let Some(hold) = held(&weak, &url) {
                let error = js_sys::TypeError::new(&format!(
                    "consent-gate: {url} is held until {} is granted",
                    hold.service
                ));
                return Ok(Promise::reject(&error).into());
            }
            Reflect::apply(fetch.unchecked_ref::<js_sys::Function>(), &this, &args)
        });
        interceptor.wrap(global, "fetch", "value", trap);
    }

    if let Some(navigator) = Reflect::get(global, &"navigator".into())
        .ok()
        .filter(|n| n.is_object())
    {
        if let Some(proto) = Reflect::get(&navigator, &"constructor".into())
            .and_then(|c| Reflect::get(&c, &"prototype".into()))
            .ok()
            .filter(|p| p.is_object())
        {
            let weak = weak.clone();
            let trap: Trap = Closure::new(move |beacon: JsValue, this: JsValue, args: JsValue| {
                let args: Array = args.unchecked_into();
                if held(&weak, &url_of(&args.get(0))).is_some() {
                    return Ok(JsValue::FALSE);
                }
                Reflect::apply(beacon.unchecked_ref::<js_sys::Function>(), &this, &args)
            });
            interceptor.wrap(&proto, "sendBeacon", "value", trap);
        }
    }

    if let Some(proto) = prototype("XMLHttpRequest") {
        let weak = weak.clone();
        let open: Trap = Closure::new(move |open: JsValue, this: JsValue, args: JsValue| {
            let args: Array = args.unchecked_into();
            let is_held = held(&weak, &url_of(&args.get(1))).is_some();
            Reflect::set(&this, &XHR_HELD.into(), &is_held.into())?;
            Reflect::apply(open.unchecked_ref::<js_sys::Function>(), &this, &args)
        });
        interceptor.wrap(&proto, "open", "value", open);
        let send: Trap = Closure::new(move |send: JsValue, this: JsValue, args: JsValue| {
            let args: Array = args.unchecked_into();
            if Reflect::get(&this, &XHR_HELD.into())?.is_truthy() {
                return Ok(JsValue::UNDEFINED);
            }
            Reflect::apply(send.unchecked_ref::<js_sys::Function>(), &this, &args)
        });
        interceptor.wrap(&proto, "send", "value", send);
    }

    interceptor.observer = observe(window, weak, raw);
    interceptor
}

impl Interceptor {
    /// Replaces `owner[name]`'s `slot` (`value` for a method, `set` for an accessor) with a Proxy
    /// whose `apply` is `trap`, keeping the original descriptor to restore.
    fn wrap(&mut self, owner: &JsValue, name: &str, slot: &str, trap: Trap) {
        let wrapped = (|| -> Result<(), JsValue> {
            let key = JsValue::from_str(name);
            let target: &Object = owner.unchecked_ref();
            let descriptor = Reflect::get_own_property_descriptor(target, &key)?;
            if !descriptor.is_object() {
                return Ok(());
            }
            let original = Reflect::get(&descriptor, &slot.into())?;
            if !original.is_function() {
                return Ok(());
            }
            let handler = Object::new();
            Reflect::set(&handler, &"apply".into(), trap.as_ref())?;
            let proxy = Proxy::new(&original, &handler);
            let replacement = Object::assign(&Object::new(), descriptor.unchecked_ref());
            Reflect::set(&replacement, &slot.into(), &proxy)?;
            Reflect::define_property(target, &key, &replacement)?;
            self.restore.push((owner.clone(), key, descriptor));
            Ok(())
        })();
        match wrapped {
            Ok(()) => self._traps.push(trap),
            Err(e) => crate::web::report::warn(&format!(
                "auto-blocking could not wrap {name}: {}",
                crate::web::report::describe(&e)
            )),
        }
    }
}

/// `Element.prototype.setAttribute` as the browser made it.
#[derive(Clone)]
struct RawSetAttribute(js_sys::Function);

impl RawSetAttribute {
    fn set(&self, element: &Element, name: &str, value: &str) -> Result<(), JsValue> {
        self.0
            .call2(element, &name.into(), &value.into())
            .map(|_| ())
    }
}

/// Keeps `url` from `element`: it goes to `data-{attribute}` with the service and category the
/// gate releases it for; a script also stops being runnable.
fn neutralize(
    raw: &RawSetAttribute,
    element: &Element,
    attribute: &str,
    url: &str,
    hold: &Held,
) -> Result<(), JsValue> {
    if element.local_name() == "script" {
        raw.set(element, "type", "text/plain")?;
    }
    raw.set(element, &format!("data-{attribute}"), url)?;
    raw.set(element, "data-service", &hold.service)?;
    raw.set(element, "data-category", &hold.category)?;
    raw.set(element, ATTR_AUTO, "")
}

/// Holds a script that already carries a held URL (set before consent-gate started, or cloned)
/// by making it unrunnable before it is inserted or prepared.
fn hold_script(
    raw: &RawSetAttribute,
    controller: &Weak<RefCell<Controller>>,
    element: &Element,
) -> Result<(), JsValue> {
    if element.local_name() != "script"
        || element.get_attribute("type").as_deref() == Some("text/plain")
    {
        return Ok(());
    }
    let Some(url) = element.get_attribute("src") else {
        return Ok(());
    };
    if let Some(hold) = held(controller, &url) {
        raw.set(element, "type", "text/plain")?;
        raw.set(element, "data-service", &hold.service)?;
        raw.set(element, "data-category", &hold.category)?;
        raw.set(element, ATTR_AUTO, "")?;
    }
    Ok(())
}

/// Holds what the parser inserts from now on: scripts before they are prepared, and the URL of
/// frames, images and links (which may already be on their way: markup holds those better).
fn observe(
    window: &Window,
    controller: Weak<RefCell<Controller>>,
    raw: RawSetAttribute,
) -> Option<Observer> {
    let document = window.document()?;
    // Chromium ignores a `src` set on a frame during the microtask in which the parser inserted it,
    // so releases are deferred to a task of their own (one pending at a time).
    let scheduled = Rc::new(std::cell::Cell::new(false));
    let release = {
        let (controller, scheduled) = (controller.clone(), scheduled.clone());
        Rc::new(Closure::<dyn FnMut()>::new(move || {
            scheduled.set(false);
            if let Some(controller) = controller.upgrade() {
                crate::web::controller::parsed(&controller);
            }
        }))
    };
    let timer = release.clone();
    let timer_window = window.clone();
    let callback = Closure::<dyn FnMut(Array)>::new(move |records: Array| {
        let mut follow_up = false;
        for record in records.iter() {
            let Some(record) = record.dyn_ref::<MutationRecord>() else {
                continue;
            };
            let nodes = record.added_nodes();
            for i in 0..nodes.length() {
                let Some(element) = nodes.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                    continue;
                };
                let _ = hold_parsed(&raw, &controller, &element);
                follow_up |= element
                    .matches(crate::core::contract::BODY_OR_GATED_SELECTOR)
                    .unwrap_or(false);
            }
        }
        if follow_up && !scheduled.replace(true) {
            let callback: &js_sys::Function = timer.as_ref().as_ref().unchecked_ref();
            let _ = timer_window.set_timeout_with_callback_and_timeout_and_arguments_0(callback, 0);
        }
    });
    let observer = MutationObserver::new(callback.as_ref().unchecked_ref()).ok()?;
    let init = MutationObserverInit::new();
    init.set_child_list(true);
    init.set_subtree(true);
    observer
        .observe_with_options(document.document_element()?.as_ref(), &init)
        .ok()?;
    Some((observer, callback, release))
}

fn hold_parsed(
    raw: &RawSetAttribute,
    controller: &Weak<RefCell<Controller>>,
    element: &Element,
) -> Result<(), JsValue> {
    hold_script(raw, controller, element)?;
    let tag = element.local_name();
    let Some(attribute) = autoblock::url_attribute(&tag).filter(|_| tag != "script") else {
        return Ok(());
    };
    let Some(url) = element.get_attribute(attribute) else {
        return Ok(());
    };
    if let Some(hold) = held(controller, &url) {
        neutralize(raw, element, attribute, &url, &hold)?;
        if tag == "iframe" {
            // Navigating the frame away cancels the load the parser started.
            raw.set(element, "src", "about:blank")?;
        } else {
            element.remove_attribute(attribute)?;
        }
    }
    Ok(())
}
