//! The interface: the banner, the preferences dialog, the settings button and the placeholders'
//! controls, with every language's words and the config's full messages. It is part of the
//! interface module (`consent-gate.ui.js`) with the full gate ([`crate::web::controller`]), which
//! attaches it only when one of them must be shown.
//!
//! The two speak through two functions of one signature (`Callback`), as if they were apart: the
//! gate calls `interface(method, a, b)` with a name from [`crate::core::contract::interface`], and
//! the interface reports each control used with `gate(kind, a, b)`
//! ([`crate::core::contract::gate_call`]). The interface decides nothing: the gate's core says what
//! a control means, and what is shown.

use crate::core::config::Config;
use crate::core::consent::{Consent, Context};
use crate::core::contract::{gate_call, interface};
use crate::core::plan;
use crate::core::view::{self, BannerView, Control, PreferencesView, Surface};
use crate::web::Callback;
use crate::web::page;
use crate::web::placeholder::{OnControl, Placeholders};
use crate::web::report::{self, describe};
use crate::web::ui::{Switches, Ui};
use js_sys::{Array, Function};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element};

/// What the interface shows, in which language, and the gate it reports to.
struct Interface {
    document: Document,
    config: Rc<Config>,
    language: String,
    ui: Ui,
    placeholders: Placeholders,
    on_placeholder: OnControl,
}

/// Builds the interface on the page (an empty host first in `<body>`) for the gate's config,
/// which the gate has read and validated, and returns its one function, `interface(method, a,
/// b)`; `gate(kind, a, b)` hears every control used.
///
/// # Errors
/// The browser refused to add the interface: the gate then keeps every optional category
/// refused.
pub fn attach(gate: Function, config: Rc<Config>, language: String) -> Result<Function, JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let to_gate = gate.clone();
    let on_control = move |control: Control, surface: Surface, trusted: bool| {
        let kind = if trusted {
            gate_call::CONTROL
        } else {
            gate_call::SCRIPTED_CONTROL
        };
        tell(
            &to_gate,
            kind,
            &control.name().into(),
            &surface.name().into(),
        );
    };
    let ui = Ui::new(&document, on_control)?;
    let on_placeholder: OnControl = Rc::new(move |control: Control, embed: Element, trusted| {
        let kind = if trusted {
            gate_call::PLACEHOLDER
        } else {
            gate_call::SCRIPTED_PLACEHOLDER
        };
        tell(&gate, kind, &control.name().into(), &embed);
    });
    let this = Rc::new(RefCell::new(Interface {
        document,
        config,
        language,
        ui,
        placeholders: Placeholders::default(),
        on_placeholder,
    }));
    // Lives as long as the page: the gate holds this function for good.
    let call = Closure::<Callback>::new(move |method: JsValue, a: JsValue, b: JsValue| {
        let method = method.as_string().unwrap_or_default();
        let Ok(mut this) = this.try_borrow_mut() else {
            return Err(JsValue::from_str("the interface is busy"));
        };
        this.call(&method, a, b)
    });
    Ok(call.into_js_value().unchecked_into())
}

/// Reports a control to the gate. The gate performs what it means; what it could not is on the
/// console already, so a refusal here is only reported.
fn tell(gate: &Function, kind: &str, a: &JsValue, b: &JsValue) {
    if let Err(e) = gate.call3(&JsValue::UNDEFINED, &kind.into(), a, b) {
        report::error(&format!("the gate refused a control: {}", describe(&e)));
    }
}

impl Interface {
    fn call(&mut self, method: &str, a: JsValue, b: JsValue) -> Result<JsValue, JsValue> {
        let done = Ok(JsValue::UNDEFINED);
        match method {
            interface::SHOW_BANNER => {
                let view = BannerView::new(&self.config, &self.language);
                self.ui.show_banner(&view).map(|()| JsValue::UNDEFINED)
            }
            interface::HIDE_BANNER => {
                self.ui.hide_banner();
                done
            }
            interface::SHOW_PREFERENCES => {
                let value = a.as_string().filter(|v| !v.is_empty());
                let gpc = b.is_truthy();
                // The record the gate holds, checked here as the gate checked it: the switches
                // show the decision in force, nothing else.
                let ctx = Context {
                    now: page::now(),
                    language: self.language.clone(),
                    gpc,
                    fresh_id: String::new(),
                    texts_hash: String::new(),
                };
                let (consent, _) = Consent::restore(&self.config, [value], &ctx);
                let view = PreferencesView::with_gpc(&self.config, &consent, &self.language, gpc);
                self.ui.show_preferences(&view).map(|()| JsValue::UNDEFINED)
            }
            interface::HIDE_PREFERENCES => {
                self.ui.hide_preferences();
                done
            }
            interface::TEXTS_HASH => {
                Ok(crate::core::texts::texts_hash(&self.config, &self.language).into())
            }
            interface::SHOWN => {
                let shown = u32::from(self.ui.banner().is_some())
                    | (u32::from(self.ui.dialog().is_some()) << 1);
                Ok(shown.into())
            }
            interface::TOGGLES => {
                let (categories, services) = self.ui.toggles();
                Ok(Array::of2(&switches(&categories), &switches(&services)).into())
            }
            interface::SETTINGS_BUTTON => {
                if a.is_truthy() {
                    let words = crate::core::texts::Words::new(&self.config, &self.language);
                    let theme = self.config.theme;
                    self.ui.show_settings_button(&words, theme)?;
                    // For the plan: the small gate draws this button on later page views.
                    Ok(plan::button(&self.config).into())
                } else {
                    self.ui.hide_settings_button();
                    done
                }
            }
            interface::LANGUAGE => {
                let code = a.as_string().unwrap_or_default();
                self.language = view::offered_language(&self.config, &code)
                    .map_err(|e| JsValue::from_str(&e))?
                    .to_owned();
                done
            }
            interface::PLACEHOLDERS => {
                let (config, language) = (&self.config, &self.language);
                let words = |category: Option<&str>, service: Option<&str>| {
                    view::PlaceholderView::new(config, language, category, service)
                };
                self.placeholders
                    .sync(&self.document, &words, &self.on_placeholder)
                    .map(|()| JsValue::UNDEFINED)
            }
            other => Err(JsValue::from_str(&format!(
                "the interface has no method {}",
                crate::core::config::quoted(other)
            ))),
        }
    }
}

/// `[[id, on], ...]`.
fn switches(switches: &Switches) -> Array {
    switches
        .iter()
        .map(|(id, on)| JsValue::from(Array::of2(&id.into(), &(*on).into())))
        .collect()
}

/// The toggles as the interface reported them (the inverse of `switches`); anything else
/// reads as no toggles.
pub fn switches_from(value: &JsValue) -> Switches {
    let Some(list) = value.dyn_ref::<Array>() else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|pair| {
            let pair = pair.dyn_into::<Array>().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_bool()?))
        })
        .collect()
}
