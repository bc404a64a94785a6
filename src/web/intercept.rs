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

#[wasm_bindgen]
extern "C" {
    /// `String(value)`: the conversion the browser's own setters and `fetch` make. A `toString`
    /// that throws comes back as an error here instead of unwinding through the module (each
    /// exception that crossed a wasm frame leaked its stack, and some thousands stopped it).
    #[wasm_bindgen(catch, js_name = String)]
    fn page_string(value: &JsValue) -> Result<JsValue, JsValue>;
}

/// The held service for `url` (as the page wrote it) under the consent in force, with the URL the
/// browser would request for it. If the controller cannot be asked (it is busy deciding), a URL
/// to another origin is held with no service: the gate stays closed, and that element is never
/// released on this page view.
fn held(controller: &Weak<RefCell<Controller>>, url: &str) -> Option<(Held, String)> {
    if ALLOWING.with(std::cell::Cell::get) {
        return None;
    }
    let controller = controller.upgrade()?;
    let (url, foreign) = resolved(url);
    let Ok(this) = controller.try_borrow() else {
        let nobody = Held {
            service: String::new(),
            category: String::new(),
        };
        return foreign.then_some((nobody, url));
    };
    autoblock::hold(this.config(), this.consent(), &url).map(|held| (held, url))
}

/// The URL the browser requests for `url`: parsed by the browser against the document's base, so
/// that backslashes, tabs and newlines, letter case, IDNA, percent-encoded hosts and dot segments
/// read as the browser reads them; and whether it leaves the page's origin. A value the browser
/// cannot parse is never requested, and comes back as it is.
fn resolved(url: &str) -> (String, bool) {
    let document = web_sys::window().and_then(|w| w.document());
    let base = document.as_ref().and_then(|d| d.base_uri().ok().flatten());
    let parsed = base.and_then(|base| web_sys::Url::new_with_base(url, &base).ok());
    let origin = document
        .and_then(|d| d.location())
        .and_then(|l| l.origin().ok());
    match parsed {
        Some(parsed) => {
            let foreign = origin.is_none_or(|origin| parsed.origin() != origin);
            (parsed.href(), foreign)
        }
        None => (url.to_owned(), autoblock::is_absolute(url)),
    }
}

/// `value` converted once, as the page's code would have it converted: a string as it is, anything
/// else through `String()`. The wrappers decide on this string and pass this same string on, so a
/// `toString` that answers differently on its second call cannot slip another URL past them.
///
/// # Errors
/// What the value's `toString` threw: the wrapper throws it to the page, as the browser would.
fn text_of(value: &JsValue) -> Result<String, JsValue> {
    match value.as_string() {
        Some(text) => Ok(text),
        None => Ok(page_string(value)?.as_string().unwrap_or_default()),
    }
}

/// Whether `value` is a Trusted Types object, which a page under `require-trusted-types-for`
/// must pass to a script's `src` as it is (its string would be refused).
fn is_trusted_type(value: &JsValue) -> bool {
    if !value.is_object() {
        return false;
    }
    let Some(window) = web_sys::window() else {
        return false;
    };
    let Ok(types) = Reflect::get(&window, &"trustedTypes".into()) else {
        return false;
    };
    ["isScriptURL", "isHTML", "isScript"].iter().any(|name| {
        Reflect::get(&types, &(*name).into())
            .ok()
            .and_then(|check| check.dyn_into::<js_sys::Function>().ok())
            .and_then(|check| check.call1(&types, value).ok())
            .is_some_and(|answer| answer.is_truthy())
    })
}

/// Converts the URL argument at `index` once ([`text_of`]) and puts that string in its place,
/// unless it is a Trusted Types object (passed on as it is: its string is stable).
fn url_argument(args: &Array, index: u32) -> Result<String, JsValue> {
    let value = args.get(index);
    let url = text_of(&value)?;
    if !is_trusted_type(&value) {
        args.set(index, url.as_str().into());
    }
    Ok(url)
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
                let url = url_argument(&args, 0)?;
                if let Some(element) = this.dyn_ref::<Element>() {
                    if let Some((hold, url)) = held(&weak, &url) {
                        neutralize(&raw, element, property, &url, &hold)?;
                        return Ok(JsValue::UNDEFINED);
                    }
                }
                Reflect::apply(setter.unchecked_ref::<js_sys::Function>(), &this, &args)
            });
            interceptor.wrap(&proto, property, "set", trap);
        }
    }

    // setAttribute(name, value), and setAttributeNS(namespace, name, value), whose name may carry a
    // prefix: the attribute is matched by its local name.
    for (method_name, at) in [("setAttribute", 0), ("setAttributeNS", 1)] {
        let Some(proto) = prototype("Element") else {
            break;
        };
        let weak = weak.clone();
        let raw = raw.clone();
        let trap: Trap = Closure::new(move |method: JsValue, this: JsValue, args: JsValue| {
            let args: Array = args.unchecked_into();
            let name = text_of(&args.get(at))?;
            args.set(at, name.as_str().into());
            let local = name
                .rsplit(':')
                .next()
                .unwrap_or(&name)
                .to_ascii_lowercase();
            if let (Some(element), true) =
                (this.dyn_ref::<Element>(), local == "src" || local == "href")
            {
                let tag = element.local_name();
                if autoblock::url_attribute(&tag) == Some(local.as_str()) {
                    let url = url_argument(&args, at + 1)?;
                    if let Some((hold, url)) = held(&weak, &url) {
                        neutralize(&raw, element, &local, &url, &hold)?;
                        return Ok(JsValue::UNDEFINED);
                    }
                }
            }
            Reflect::apply(method.unchecked_ref::<js_sys::Function>(), &this, &args)
        });
        interceptor.wrap(&proto, method_name, "value", trap);
    }

    // Every way a node goes into a document: a script inserted by any of them runs (and loads)
    // at once, before an observer could see it.
    for (class, method) in [
        ("Node", "appendChild"),
        ("Node", "insertBefore"),
        ("Node", "replaceChild"),
        ("Element", "append"),
        ("Element", "prepend"),
        ("Element", "before"),
        ("Element", "after"),
        ("Element", "replaceWith"),
        ("Element", "replaceChildren"),
        ("Element", "insertAdjacentElement"),
        ("CharacterData", "before"),
        ("CharacterData", "after"),
        ("CharacterData", "replaceWith"),
        ("DocumentFragment", "append"),
        ("DocumentFragment", "prepend"),
        ("DocumentFragment", "replaceChildren"),
        ("Document", "append"),
        ("Document", "prepend"),
        ("Document", "replaceChildren"),
    ] {
        if let Some(proto) = prototype(class) {
            let weak = weak.clone();
            let raw = raw.clone();
            let trap: Trap = Closure::new(move |method: JsValue, this: JsValue, args: JsValue| {
                let args: Array = args.unchecked_into();
                for node in args.iter() {
                    hold_inserted(&raw, &weak, &node)?;
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
            let input = args.get(0);
            // A Request's URL is the one it was made with, parsed; anything else is converted
            // once, and that string goes on to the browser.
            let url = match input.dyn_ref::<web_sys::Request>() {
                Some(request) => Ok(request.url()),
                None => url_argument(&args, 0),
            };
            let url = match url {
                Ok(url) => url,
                Err(thrown) => return Ok(Promise::reject(&thrown).into()),
            };
            if let Some((hold, url)) = held(&weak, &url) {
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
                if held(&weak, &url_argument(&args, 0)?).is_some() {
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
            let is_held = held(&weak, &url_argument(&args, 1)?).is_some();
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
    // An instance check first: reading every inserted element's tag name as a string is what a
    // page inserting thousands of nodes would pay for.
    if !element.is_instance_of::<web_sys::HtmlScriptElement>()
        || element.get_attribute("type").as_deref() == Some("text/plain")
    {
        return Ok(());
    }
    let Some(url) = element.get_attribute("src") else {
        return Ok(());
    };
    if let Some((hold, _)) = held(controller, &url) {
        raw.set(element, "type", "text/plain")?;
        raw.set(element, "data-service", &hold.service)?;
        raw.set(element, "data-category", &hold.category)?;
        raw.set(element, ATTR_AUTO, "")?;
    }
    Ok(())
}

/// Holds the scripts `node` brings into a document: itself, and those inside it (an element built
/// off the page, or a fragment: `createContextualFragment` makes scripts that run when inserted).
/// Most insertions are of elements with no script inside: one `querySelector` says so without
/// building a list.
fn hold_inserted(
    raw: &RawSetAttribute,
    controller: &Weak<RefCell<Controller>>,
    node: &JsValue,
) -> Result<(), JsValue> {
    let inside = if let Some(element) = node.dyn_ref::<Element>() {
        hold_script(raw, controller, element)?;
        if element.first_element_child().is_none() || element.query_selector("script")?.is_none() {
            return Ok(());
        }
        element.query_selector_all("script[src]")?
    } else if let Some(fragment) = node.dyn_ref::<web_sys::DocumentFragment>() {
        if fragment.query_selector("script")?.is_none() {
            return Ok(());
        }
        fragment.query_selector_all("script[src]")?
    } else {
        return Ok(());
    };
    for i in 0..inside.length() {
        if let Some(script) = inside.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
            hold_script(raw, controller, &script)?;
        }
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
    if let Some((hold, url)) = held(controller, &url) {
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
