//! Makes the vendor calls core decides ([`crate::core::integrations`]): `gtag(...)`,
//! `uetq.push(...)` and `fbq(...)`.
//!
//! `gtag` must be the page's own function that pushes `arguments` to `dataLayer` (Google's
//! snippet): gtag.js ignores an Array pushed there, and a `Function` cannot be made from Rust
//! without `eval`. Both builds' glue defines the standard one before the module starts when the
//! page has none (scripts/bundle.mjs, scripts/shrink.mjs).
//!
//! A page that assigns `dataLayer = [ … ]` after consent-gate (a common GTM snippet) would erase
//! the Consent Mode default that gtag.js must read first: `window.dataLayer` becomes an accessor
//! whose setter puts consent-gate's own entries at the front of the array it is given.
//!
//! The Meta pixel's snippet defines `fbq` only if it does not exist yet, so consent-gate cannot
//! define it first: until the snippet runs, `window.fbq` is an accessor that, when the snippet
//! assigns its function, passes it the consent state before `fbq('init')` can run.

use crate::core::integrations::{Arg, Call, Target};
use crate::web::report::{self, describe};
use js_sys::{Array, Function, Object, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::Window;

/// The `fbq` accessor's state: the latest call to replay, the pixel function once assigned, and
/// what the page sees as `fbq` then.
#[derive(Default)]
struct MetaState {
    last: Option<Array>,
    pixel: Option<Function>,
    proxy: Option<JsValue>,
    delivered: bool,
}

/// The `fbq` accessor: its shared state and its getter and setter.
type MetaAccessor = (
    Rc<RefCell<MetaState>>,
    Vec<Closure<crate::web::Callback>>,
    Option<Closure<crate::web::Callback>>,
);

/// What the integrations keep between calls.
#[derive(Default)]
pub struct Integrations {
    meta: Option<MetaAccessor>,
    warned_gtag: bool,
    /// consent-gate's own `dataLayer` entries (the `arguments` its `gtag` calls pushed), and the
    /// accessor that keeps them first in any array assigned to `dataLayer`.
    data_layer: Option<DataLayer>,
}

impl Integrations {
    /// Makes each call on `window`.
    pub fn perform(&mut self, window: &Window, calls: Vec<Call>) {
        for call in calls {
            let args: Array = call.args.iter().map(to_js).collect();
            let done = match call.target {
                Target::Gtag => self.gtag(window, &args),
                Target::Uet => uet(window, &args),
                Target::Fbq => self.fbq(window, args),
            };
            if let Err(e) = done {
                report::warn(&format!("a consent call to a tag failed: {}", describe(&e)));
            }
        }
    }

    fn gtag(&mut self, window: &Window, args: &Array) -> Result<(), JsValue> {
        let gtag = Reflect::get(window, &"gtag".into())?;
        match gtag.dyn_ref::<Function>() {
            Some(gtag) => {
                let before = data_layer_length(window);
                gtag.apply(&JsValue::UNDEFINED, args)?;
                // What the call pushed (gtag's `arguments`) is consent-gate's: kept first.
                let layer = Reflect::get(window, &"dataLayer".into())?;
                let after = data_layer_length(window);
                if after == before + 1 {
                    let entry = Reflect::get_u32(&layer, after - 1)?;
                    self.keep_first(window, entry);
                }
                Ok(())
            }
            None => {
                if !self.warned_gtag {
                    self.warned_gtag = true;
                    report::warn(
                        "Google Consent Mode: no gtag function on the page; add Google's snippet (window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);}) before consent-gate",
                    );
                }
                Ok(())
            }
        }
    }

    fn fbq(&mut self, window: &Window, args: Array) -> Result<(), JsValue> {
        if let Some((state, _, _)) = &self.meta {
            let pixel = state.borrow().pixel.clone();
            state.borrow_mut().last = Some(args.clone());
            let delivered = state.borrow().delivered;
            return match pixel {
                Some(pixel) if delivered => pixel.apply(&JsValue::UNDEFINED, &args).map(|_| ()),
                _ => Ok(()),
            };
        }
        let existing = Reflect::get(window, &"fbq".into())?;
        if let Some(fbq) = existing.dyn_ref::<Function>() {
            let state = Rc::new(RefCell::new(MetaState {
                last: Some(args.clone()),
                pixel: Some(fbq.clone()),
                proxy: None,
                delivered: true,
            }));
            self.meta = Some((state, Vec::new(), None));
            return fbq.apply(&JsValue::UNDEFINED, &args).map(|_| ());
        }
        let state = Rc::new(RefCell::new(MetaState {
            last: Some(args),
            ..MetaState::default()
        }));
        // The snippet assigns `fbq` and only then gives it its queue; the consent call is passed on
        // at the page's first call to `fbq` (its `init`), through a Proxy the page sees as `fbq`.
        let trap_state = state.clone();
        let trap = Closure::<crate::web::Callback>::new(
            move |pixel: JsValue, this: JsValue, args: JsValue| {
                let args: Array = args.unchecked_into();
                let pending = {
                    let mut state = trap_state.borrow_mut();
                    let pending = (!state.delivered).then(|| state.last.clone()).flatten();
                    state.delivered = true;
                    pending
                };
                let pixel: &Function = pixel.unchecked_ref();
                if let Some(pending) = pending {
                    pixel.apply(&JsValue::UNDEFINED, &pending)?;
                }
                Reflect::apply(pixel, &this, &args)
            },
        );
        let handler = Object::new();
        Reflect::set(&handler, &"apply".into(), trap.as_ref())?;
        let getter_state = state.clone();
        let getter = Closure::<crate::web::Callback>::new(move |_, _, _| {
            Ok(getter_state
                .borrow()
                .proxy
                .clone()
                .unwrap_or(JsValue::UNDEFINED))
        });
        let setter_state = state.clone();
        let setter = Closure::<crate::web::Callback>::new(move |value: JsValue, _, _| {
            if let Some(pixel) = value.dyn_ref::<Function>() {
                let proxy = js_sys::Proxy::new(pixel, &handler);
                let mut state = setter_state.borrow_mut();
                state.pixel = Some(pixel.clone());
                state.proxy = Some(proxy.into());
            }
            Ok(JsValue::UNDEFINED)
        });
        let descriptor = Object::new();
        Reflect::set(&descriptor, &"get".into(), getter.as_ref())?;
        Reflect::set(&descriptor, &"set".into(), setter.as_ref())?;
        Reflect::set(&descriptor, &"configurable".into(), &JsValue::TRUE)?;
        let global: &Object = window.unchecked_ref();
        Reflect::define_property(global, &"fbq".into(), &descriptor)?;
        self.meta = Some((state, vec![getter, setter], Some(trap)));
        Ok(())
    }
}

/// consent-gate's entries and the `dataLayer` accessor's getter and setter.
struct DataLayer {
    ours: Rc<RefCell<Vec<JsValue>>>,
    _accessors: [Closure<crate::web::Callback>; 2],
}

impl Integrations {
    /// Records `entry` as consent-gate's, and makes `window.dataLayer` the accessor that keeps
    /// such entries first in any array the page assigns.
    fn keep_first(&mut self, window: &Window, entry: JsValue) {
        if let Some(layer) = &self.data_layer {
            layer.ours.borrow_mut().push(entry);
            return;
        }
        self.guard(window, vec![entry]);
    }

    /// Makes `window.dataLayer` the accessor that keeps `entries` (and consent-gate's later
    /// ones) first: from the first entry, or from the small gate's when it hands over.
    pub fn guard(&mut self, window: &Window, entries: Vec<JsValue>) {
        let ours = Rc::new(RefCell::new(entries));
        let current = Rc::new(RefCell::new(
            Reflect::get(window, &"dataLayer".into()).unwrap_or(JsValue::UNDEFINED),
        ));
        let read = current.clone();
        let getter = Closure::<crate::web::Callback>::new(move |_, _, _| Ok(read.borrow().clone()));
        let (write, kept) = (current, ours.clone());
        let setter = Closure::<crate::web::Callback>::new(move |value: JsValue, _, _| {
            if let Some(array) = value.dyn_ref::<Array>() {
                let missing: Vec<JsValue> = kept
                    .borrow()
                    .iter()
                    .filter(|entry| array.index_of(entry, 0) < 0)
                    .cloned()
                    .collect();
                for entry in missing.iter().rev() {
                    array.unshift(entry);
                }
            }
            *write.borrow_mut() = value;
            Ok(JsValue::UNDEFINED)
        });
        let installed = (|| -> Result<(), JsValue> {
            let descriptor = Object::new();
            Reflect::set(&descriptor, &"get".into(), getter.as_ref())?;
            Reflect::set(&descriptor, &"set".into(), setter.as_ref())?;
            Reflect::set(&descriptor, &"configurable".into(), &JsValue::TRUE)?;
            let global: &Object = window.unchecked_ref();
            Reflect::define_property(global, &"dataLayer".into(), &descriptor)?;
            Ok(())
        })();
        match installed {
            Ok(()) => {
                self.data_layer = Some(DataLayer {
                    ours,
                    _accessors: [getter, setter],
                });
            }
            Err(e) => report::warn(&format!(
                "Google Consent Mode: dataLayer cannot be guarded ({}); a page that assigns dataLayer = [ … ] afterwards erases the consent default",
                describe(&e)
            )),
        }
    }
}

/// The length of `window.dataLayer` (0 when there is none).
fn data_layer_length(window: &Window) -> u32 {
    Reflect::get(window, &"dataLayer".into())
        .ok()
        .and_then(|layer| layer.dyn_into::<Array>().ok())
        .map_or(0, |layer| layer.length())
}

fn uet(window: &Window, args: &Array) -> Result<(), JsValue> {
    let mut queue = Reflect::get(window, &"uetq".into())?;
    if queue.is_undefined() || queue.is_null() {
        queue = Array::new().into();
        Reflect::set(window, &"uetq".into(), &queue)?;
    }
    let push = Reflect::get(&queue, &"push".into())?;
    let push: &Function = push
        .dyn_ref()
        .ok_or_else(|| JsValue::from_str("uetq.push is not a function"))?;
    push.apply(&queue, args).map(|_| ())
}

fn to_js(arg: &Arg) -> JsValue {
    match arg {
        Arg::Str(s) => JsValue::from_str(s),
        Arg::Bool(b) => JsValue::from_bool(*b),
        Arg::Num(n) => JsValue::from_f64(f64::from(*n)),
        Arg::List(items) => items
            .iter()
            .map(|s| JsValue::from_str(s))
            .collect::<Array>()
            .into(),
        Arg::Object(fields) => {
            let object = Object::new();
            for (key, value) in fields {
                let _ = Reflect::set(&object, &key.into(), &to_js(value));
            }
            object.into()
        }
    }
}
