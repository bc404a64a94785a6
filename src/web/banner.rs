//! The first-layer banner: heading, description, privacy link, and two equal controls.
//!
//! It lives in an open shadow root so that host-page CSS cannot hide or restyle its controls,
//! and is styled by a constructable stylesheet, which a strict CSP without `'unsafe-inline'`
//! allows. Every config text is set with `textContent`: never parsed as HTML.
//! The host page can theme it through inherited `--cg-*` custom properties.

use crate::core::config::{Config, is_safe_link};
use crate::core::consent::Action;
use crate::core::contract::{ATTR_ACTION, ROOT_ELEMENT_ID};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, Event, ShadowRoot, ShadowRootInit, ShadowRootMode};

const STYLE: &str = "\
:host{all:initial}\
.banner{position:fixed;left:0;right:0;bottom:0;z-index:2147483647;box-sizing:border-box;\
max-width:42rem;margin:0 auto 1rem;padding:1.25rem 1.5rem;\
background:var(--cg-bg,#fff);color:var(--cg-fg,#1d1d1f);\
font:15px/1.5 var(--cg-font,system-ui,-apple-system,'Segoe UI',Roboto,sans-serif);\
border-radius:var(--cg-radius,.75rem);box-shadow:0 .5rem 2rem rgba(0,0,0,.28)}\
h2{margin:0 0 .375rem;font-size:1.125rem;line-height:1.3}\
p{margin:0 0 1rem}\
a{color:var(--cg-link,#0b57d0);text-underline-offset:.15em}\
.actions{display:flex;flex-wrap:wrap;gap:.75rem}\
button{flex:1 1 9rem;min-height:2.75rem;padding:.5rem 1rem;font:inherit;font-weight:600;\
color:var(--cg-button-fg,#fff);background:var(--cg-button-bg,#1f3a8a);\
border:2px solid var(--cg-button-bg,#1f3a8a);border-radius:var(--cg-button-radius,.5rem);cursor:pointer}\
button:hover{filter:brightness(1.15)}\
:focus-visible{outline:3px solid var(--cg-focus,#c2410c);outline-offset:2px}\
@media (prefers-color-scheme:dark){.banner{background:var(--cg-bg,#1f2937);color:var(--cg-fg,#f3f4f6)}\
a{color:var(--cg-link,#93c5fd)}button{color:var(--cg-button-fg,#111827);\
background:var(--cg-button-bg,#bfdbfe);border-color:var(--cg-button-bg,#bfdbfe)}}\
@media (max-width:30rem){.banner{margin:0;border-radius:0}}";

/// The banner on the page. Dropping it removes it from the page and drops its click handler.
pub struct Banner {
    host: Element,
    shadow: ShadowRoot,
    _on_click: Closure<dyn FnMut(Event)>,
}

impl Banner {
    /// Renders the banner at the start of `<body>` (first in keyboard order). A click on one of
    /// its controls calls `on_decision`.
    ///
    /// # Errors
    /// The browser refused to create an element (no `<body>`, shadow DOM unsupported).
    pub fn show(
        document: &Document,
        config: &Config,
        on_decision: impl FnMut(Action) + 'static,
    ) -> Result<Banner, JsValue> {
        let body = document
            .body()
            .ok_or_else(|| JsValue::from_str("the page has no <body>"))?;
        let host = document.create_element("div")?;
        host.set_id(ROOT_ELEMENT_ID);
        let shadow = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?;
        style(document, &shadow)?;

        let texts = &config.texts;
        let banner = child(document, &shadow, "section", "")?;
        banner.set_class_name("banner");
        banner.set_attribute("role", "region")?;
        banner.set_attribute("aria-labelledby", "cg-title")?;
        banner.set_attribute("aria-describedby", "cg-description")?;
        child(document, &banner, "h2", &texts.title)?.set_id("cg-title");
        let description = child(document, &banner, "p", &texts.description)?;
        description.set_id("cg-description");
        if let Some(url) = config
            .privacy_policy_url
            .as_deref()
            .filter(|u| is_safe_link(u))
        {
            description.append_with_str_1(" ")?;
            child(document, &description, "a", &texts.privacy_policy)?
                .set_attribute("href", url)?;
        }
        let actions = child(document, &banner, "div", "")?;
        actions.set_class_name("actions");
        for (action, text) in [
            (Action::RejectAll, &texts.reject_all),
            (Action::AcceptAll, &texts.accept_all),
        ] {
            let button = child(document, &actions, "button", text)?;
            button.set_attribute("type", "button")?;
            button.set_attribute(ATTR_ACTION, action.control().unwrap_or_default())?;
        }

        let on_click = Closure::<dyn FnMut(Event)>::new(clicked(on_decision));
        shadow.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())?;
        body.prepend_with_node_1(&host)?;
        Ok(Banner {
            host,
            shadow,
            _on_click: on_click,
        })
    }

    /// The shadow root that holds the banner's markup (for tests and the preferences dialog).
    pub fn root(&self) -> &ShadowRoot {
        &self.shadow
    }
}

impl Drop for Banner {
    fn drop(&mut self) {
        self.host.remove();
    }
}

/// The click handler: finds the control that was clicked and the action it stands for.
fn clicked(mut on_decision: impl FnMut(Action)) -> impl FnMut(Event) {
    move |event: Event| {
        let action = event
            .target()
            .and_then(|target| target.dyn_into::<Element>().ok())
            .and_then(|element| element.closest(&format!("[{ATTR_ACTION}]")).ok().flatten())
            .and_then(|control| control.get_attribute(ATTR_ACTION))
            .and_then(|name| Action::from_control(&name));
        if let Some(action) = action {
            on_decision(action);
        }
    }
}

/// Appends a `<tag>` with `text` (as text) to `parent`.
fn child(
    document: &Document,
    parent: &web_sys::Node,
    tag: &str,
    text: &str,
) -> Result<Element, JsValue> {
    let element = document.create_element(tag)?;
    if !text.is_empty() {
        element.set_text_content(Some(text));
    }
    parent.append_child(&element)?;
    Ok(element)
}

/// Styles the shadow root with a constructable stylesheet, which `style-src` does not govern
/// in any current browser; where that API is missing, a `<style>` element (needs `style-src`
/// to allow it, or the banner shows unstyled but works).
fn style(document: &Document, shadow: &ShadowRoot) -> Result<(), JsValue> {
    let constructed = web_sys::CssStyleSheet::new().and_then(|sheet| {
        sheet.replace_sync(STYLE)?;
        shadow.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
        Ok(())
    });
    if constructed.is_err() {
        child(document, shadow, "style", STYLE)?;
    }
    Ok(())
}
