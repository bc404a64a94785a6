//! Releases the held elements that core's [`verdict`] allows, as core's [`release`] plan says, in
//! the order core's [`batches`] gives: an inline script that follows an external one runs after
//! that one has loaded, as it would have in the parsed page.

use crate::core::config::Config;
use crate::core::consent::Consent;
use crate::core::contract::{
    ATTR_CATEGORY, ATTR_QUEUED, ATTR_REFUSED, ATTR_SERVICE, GATED_SELECTOR,
};
use crate::core::gate::{Order, Release, Verdict, batches, may_release_script, release, verdict};
use crate::web::report::{self, describe};
use js_sys::Reflect;
use std::cell::Cell;
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlScriptElement};

type Batch = Vec<(Element, Release)>;

/// Releases every held element in `document` whose service or category `consent` grants, giving
/// released scripts `nonce` where the held one has none; returns how many (some may be queued
/// behind scripts still loading). `injected` says whether page code put a script there; such a
/// script gets no nonce ([`may_release_script`]).
///
/// # Errors
/// The browser refused a DOM call; elements not yet reached stay held.
pub fn evaluate(
    document: &Document,
    config: &Config,
    consent: &Consent,
    nonce: &str,
    injected: &dyn Fn(&Element) -> bool,
) -> Result<u32, JsValue> {
    let held = document.query_selector_all(GATED_SELECTOR)?;
    let mut plans: Vec<(Element, Release)> = Vec::new();
    for index in 0..held.length() {
        let Some(element) = held.item(index).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        if element.has_attribute(ATTR_QUEUED) || element.has_attribute(ATTR_REFUSED) {
            continue;
        }
        let category = element.get_attribute(ATTR_CATEGORY);
        let service = element.get_attribute(ATTR_SERVICE);
        if verdict(config, consent, category.as_deref(), service.as_deref()) == Verdict::Release {
            let tag = element.local_name();
            if let Some(script) = element.dyn_ref::<HtmlScriptElement>() {
                let own_nonce = !script.nonce().is_empty();
                if !may_release_script(!nonce.is_empty(), injected(&element), own_nonce) {
                    element.set_attribute(ATTR_REFUSED, "")?;
                    report::error(crate::core::gate::INJECTED_SCRIPT_KEPT);
                    continue;
                }
            }
            let plan = release(&tag, &attributes(&element));
            element.set_attribute(ATTR_QUEUED, "")?;
            plans.push((element, plan));
        }
    }
    let released = plans.len() as u32;
    let orders: Vec<Order> = plans.iter().map(|(_, plan)| plan.order()).collect();
    let mut slots: Vec<Option<(Element, Release)>> = plans.into_iter().map(Some).collect();
    let queue: VecDeque<Batch> = batches(&orders)
        .into_iter()
        .map(|batch| batch.into_iter().filter_map(|i| slots[i].take()).collect())
        .collect();
    run(document.clone(), Rc::from(nonce), queue);
    Ok(released)
}

/// Releases `element` whatever the consent says: the visitor's "Load once" on its placeholder.
///
/// # Errors
/// The browser refused a DOM call; the element stays held.
pub fn release_one(document: &Document, element: &Element, nonce: &str) -> Result<(), JsValue> {
    let plan = release(&element.local_name(), &attributes(element));
    release_element(document, nonce, element, plan).map(|_| ())
}

/// Releases the first batch, then the next once its external scripts have loaded or failed.
fn run(document: Document, nonce: Rc<str>, mut queue: VecDeque<Batch>) {
    while let Some(batch) = queue.pop_front() {
        let mut loading: Vec<HtmlScriptElement> = Vec::new();
        for (element, plan) in batch {
            match release_element(&document, &nonce, &element, plan) {
                Ok(Some(script)) => loading.push(script),
                Ok(None) => {}
                Err(e) => report::error(&format!(
                    "releasing a consented element failed: {}",
                    describe(&e)
                )),
            }
        }
        if loading.is_empty() || queue.is_empty() {
            continue;
        }
        let remaining = Rc::new(Cell::new(loading.len()));
        let rest = Rc::new(Cell::new(Some(queue)));
        for script in loading {
            let fired = Rc::new(Cell::new(false));
            for event in ["load", "error"] {
                let (remaining, rest, fired) = (remaining.clone(), rest.clone(), fired.clone());
                let (document, nonce) = (document.clone(), nonce.clone());
                // One of the two never fires; its small closure is then never freed.
                let done = Closure::once_into_js(move || {
                    if fired.replace(true) {
                        return;
                    }
                    remaining.set(remaining.get() - 1);
                    if remaining.get() == 0 {
                        if let Some(queue) = rest.take() {
                            run(document, nonce, queue);
                        }
                    }
                });
                let _ = script.add_event_listener_with_callback(event, done.unchecked_ref());
            }
        }
        return;
    }
}

/// Releases one element; returns the new script when others must wait for it to load.
fn release_element(
    document: &Document,
    nonce: &str,
    element: &Element,
    plan: Release,
) -> Result<Option<HtmlScriptElement>, JsValue> {
    element.remove_attribute(ATTR_QUEUED)?;
    let order = plan.order();
    match plan {
        Release::Script { attributes, .. } => {
            let held: &HtmlScriptElement = element.unchecked_ref();
            let script: HtmlScriptElement = document.create_element("script")?.unchecked_into();
            let set_attribute = Reflect::get(&script, &"setAttribute".into())?;
            let set_attribute: &js_sys::Function = set_attribute.unchecked_ref();
            for (name, value) in &attributes {
                let value = if name == "src" {
                    trusted("createScriptURL", value)
                } else {
                    JsValue::from_str(value)
                };
                set_attribute.call2(&script, &name.into(), &value)?;
            }
            // The nonce attribute reads as "" once parsed (nonce hiding); the property keeps it.
            let own = held.nonce();
            script.set_nonce(if own.is_empty() { nonce } else { &own });
            // Created scripts are async by default; in-order ones run in insertion order instead.
            script.set_async(order != Order::Loads);
            Reflect::set(
                &script,
                &"text".into(),
                &trusted("createScript", &held.text()?),
            )?;
            element.replace_with_with_node_1(&script)?;
            Ok((order == Order::Loads).then_some(script))
        }
        Release::InPlace {
            set,
            remove,
            reload_media,
        } => {
            for (name, value) in &set {
                element.set_attribute(name, value)?;
            }
            for name in &remove {
                element.remove_attribute(name)?;
            }
            if reload_media {
                if let Some(media) = element.parent_element() {
                    let load = js_sys::Reflect::get(&media, &"load".into())?;
                    if let Some(load) = load.dyn_ref::<js_sys::Function>() {
                        load.call0(&media)?;
                    }
                }
            }
            Ok(None)
        }
    }
}

thread_local! {
    /// The `consent-gate` Trusted Types policy, where the browser has Trusted Types (made once).
    static POLICY: Option<JsValue> = trusted_types_policy();
    /// The policy the small gate made and handed over (`null` where it could not make one).
    static HANDED: std::cell::RefCell<Option<JsValue>> = const { std::cell::RefCell::new(None) };
}

/// Takes the small gate's policy as this gate's: the page allows one of the name.
pub(crate) fn adopt_trusted_types(policy: JsValue) {
    HANDED.with(|handed| *handed.borrow_mut() = Some(policy));
}

/// Under `require-trusted-types-for 'script'` a script's `src` and text, and HTML, must be Trusted
/// Types objects. They come from markup the site wrote and held (or HTML the page's own sink was
/// given, with held URLs moved to `data-*`), so the policy passes them through; the
/// site's CSP names it (`trusted-types consent-gate`). Without Trusted Types: plain strings.
fn trusted_types_policy() -> Option<JsValue> {
    if let Some(handed) = HANDED.with(|handed| handed.borrow_mut().take()) {
        return handed.is_object().then_some(handed);
    }
    let window = web_sys::window()?;
    let factory = Reflect::get(&window, &"trustedTypes".into()).ok()?;
    let create = Reflect::get(&factory, &"createPolicy".into()).ok()?;
    let create: &js_sys::Function = create.dyn_ref()?;
    let rules = js_sys::Object::new();
    for name in ["createHTML", "createScript", "createScriptURL"] {
        let same = Closure::<crate::web::Callback>::new(|text, _, _| Ok(text));
        Reflect::set(&rules, &name.into(), &same.into_js_value()).ok()?;
    }
    match create.call2(&factory, &"consent-gate".into(), &rules) {
        Ok(policy) => Some(policy),
        Err(e) => {
            report::error(&format!(
                "the page's Trusted Types policy refuses the \"consent-gate\" policy ({}): add trusted-types consent-gate to its CSP",
                describe(&e)
            ));
            None
        }
    }
}

/// The policy itself (undefined without Trusted Types), for the interception layer: an HTML
/// string it had to rewrite goes back to the page's sink through `createHTML`.
pub(crate) fn trusted_types() -> JsValue {
    POLICY.with(|policy| policy.clone().unwrap_or(JsValue::UNDEFINED))
}

/// `text` through the policy's `create` method, or as is without Trusted Types.
pub(crate) fn trusted(create: &str, text: &str) -> JsValue {
    POLICY.with(|policy| {
        policy
            .as_ref()
            .and_then(|policy| {
                let method = Reflect::get(policy, &create.into()).ok()?;
                let method: &js_sys::Function = method.dyn_ref()?;
                method.call1(policy, &text.into()).ok()
            })
            .unwrap_or_else(|| JsValue::from_str(text))
    })
}

fn attributes(element: &Element) -> Vec<(String, String)> {
    element
        .get_attribute_names()
        .iter()
        .filter_map(|name| name.as_string())
        .filter(|name| name != ATTR_QUEUED)
        .filter_map(|name| element.get_attribute(&name).map(|value| (name, value)))
        .collect()
}
