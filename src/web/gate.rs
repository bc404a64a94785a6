//! Releases the held elements that core's [`verdict`] allows, as core's [`release`] plan says.

use crate::core::config::Config;
use crate::core::consent::Consent;
use crate::core::contract::{ATTR_CATEGORY, ATTR_SERVICE, GATED_SELECTOR};
use crate::core::gate::{Release, Verdict, release, verdict};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlScriptElement};

/// Releases every held element in `document` whose service or category `consent` grants;
/// returns how many.
///
/// # Errors
/// The browser refused a DOM call; elements not yet reached stay held.
pub fn evaluate(document: &Document, config: &Config, consent: &Consent) -> Result<u32, JsValue> {
    let held = document.query_selector_all(GATED_SELECTOR)?;
    let mut released = 0;
    for index in 0..held.length() {
        let Some(element) = held.item(index).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let category = element.get_attribute(ATTR_CATEGORY);
        let service = element.get_attribute(ATTR_SERVICE);
        if verdict(config, consent, category.as_deref(), service.as_deref()) == Verdict::Release {
            release_element(document, &element)?;
            released += 1;
        }
    }
    Ok(released)
}

fn release_element(document: &Document, element: &Element) -> Result<(), JsValue> {
    let tag = element.tag_name().to_ascii_lowercase();
    match release(&tag, &attributes(element)) {
        Release::Script {
            attributes,
            in_order,
        } => {
            let held: &HtmlScriptElement = element.unchecked_ref();
            let script: HtmlScriptElement = document.create_element("script")?.unchecked_into();
            for (name, value) in &attributes {
                script.set_attribute(name, value)?;
            }
            // The nonce attribute reads as "" once parsed (nonce hiding); the property keeps it.
            script.set_nonce(&held.nonce());
            script.set_async(!in_order);
            script.set_text(&held.text()?)?;
            element.replace_with_with_node_1(&script)?;
        }
        Release::InPlace { set, remove } => {
            for (name, value) in &set {
                element.set_attribute(name, value)?;
            }
            for name in &remove {
                element.remove_attribute(name)?;
            }
        }
    }
    Ok(())
}

fn attributes(element: &Element) -> Vec<(String, String)> {
    element
        .get_attribute_names()
        .iter()
        .filter_map(|name| name.as_string())
        .filter_map(|name| element.get_attribute(&name).map(|value| (name, value)))
        .collect()
}
