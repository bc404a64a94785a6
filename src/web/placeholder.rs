//! Click-to-load placeholders for held frames and embeds: they name the service, and offer
//! "Load once" (this embed, now, nothing stored) and "Always allow" (the service, recorded).
//!
//! Each placeholder is a `<div data-consent-placeholder>` put before its embed, with its own open
//! shadow root and the constructable stylesheet; the embed is hidden meanwhile through the CSSOM
//! (`style.setProperty`), which a strict CSP allows where a `style=` attribute would not be.

use crate::core::contract::{
    ATTR_ACTION, ATTR_CATEGORY, ATTR_PLACEHOLDER, ATTR_SERVICE, EMBED_SELECTOR,
};
use crate::core::view::{Control, PlaceholderView};
use crate::web::ui::Listener;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{CssStyleSheet, Document, Element, HtmlElement, ShadowRootInit, ShadowRootMode};

const STYLE: &str = "\
:host{display:block;box-sizing:border-box;max-width:100%}\
.box{box-sizing:border-box;height:100%;display:flex;flex-direction:column;justify-content:center;\
align-items:center;gap:.75rem;padding:1rem;text-align:center;\
background:var(--cg-placeholder-bg,#2b2b2b);color:var(--cg-placeholder-fg,#f9fafb);\
font:15px/1.5 var(--cg-font,system-ui,-apple-system,'Segoe UI',Roboto,sans-serif);\
border-radius:var(--cg-radius,.75rem)}\
p{margin:0;max-width:32rem}\
.actions{display:flex;flex-wrap:wrap;gap:.75rem;justify-content:center}\
button{min-height:2.75rem;padding:.5rem 1rem;font:inherit;font-weight:600;cursor:pointer;\
color:var(--cg-button-fg,#111827);background:var(--cg-button-bg,#bfdbfe);\
border:2px solid var(--cg-button-bg,#bfdbfe);border-radius:var(--cg-button-radius,.5rem)}\
:focus-visible{outline:3px solid var(--cg-focus,#fdba74);outline-offset:2px}";

/// What a placeholder's control asks for, for which embed, and whether the visitor used it (a
/// trusted event) or a script did.
pub type OnControl = Rc<dyn Fn(Control, Element, bool)>;

struct Placeholder {
    host: Element,
    target: Element,
    _listener: Listener,
}

/// The placeholders on the page.
#[derive(Default)]
pub struct Placeholders {
    sheet: Option<CssStyleSheet>,
    items: Vec<Placeholder>,
    /// Removed ones, kept until the next sync: the click that removed one may still be running
    /// in its listener.
    retired: Vec<Placeholder>,
}

impl Placeholders {
    /// Removes the placeholders of embeds that were released (or removed), and adds one to each
    /// held embed that has none; `view` gives each one's words.
    ///
    /// # Errors
    /// The browser refused a DOM call; embeds not reached keep no placeholder (and stay held).
    pub fn sync(
        &mut self,
        document: &Document,
        view: &dyn Fn(Option<&str>, Option<&str>) -> PlaceholderView,
        on_control: &OnControl,
    ) -> Result<(), JsValue> {
        self.retired.clear();
        let (kept, released): (Vec<Placeholder>, Vec<Placeholder>) = self
            .items
            .drain(..)
            .partition(|item| item.target.is_connected() && item.target.has_attribute("data-src"));
        for item in &released {
            item.host.remove();
            if let Some(target) = item.target.dyn_ref::<HtmlElement>() {
                let _ = target.style().remove_property("display");
            }
        }
        self.items = kept;
        self.retired = released;
        let embeds = document.query_selector_all(EMBED_SELECTOR)?;
        for i in 0..embeds.length() {
            let Some(target) = embeds.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            if self.items.iter().any(|item| item.target == target) {
                continue;
            }
            let words = view(
                target.get_attribute(ATTR_CATEGORY).as_deref(),
                target.get_attribute(ATTR_SERVICE).as_deref(),
            );
            let item = self.add(document, target, &words, on_control)?;
            self.items.push(item);
        }
        Ok(())
    }

    fn add(
        &mut self,
        document: &Document,
        target: Element,
        view: &PlaceholderView,
        on_control: &OnControl,
    ) -> Result<Placeholder, JsValue> {
        let host: HtmlElement = document.create_element("div")?.unchecked_into();
        host.set_attribute(ATTR_PLACEHOLDER, "")?;
        let shadow = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?;
        if self.sheet.is_none() {
            let sheet = CssStyleSheet::new()?;
            sheet.replace_sync(STYLE)?;
            self.sheet = Some(sheet);
        }
        if let Some(sheet) = &self.sheet {
            shadow.set_adopted_style_sheets(&js_sys::Array::of1(sheet));
        }
        let target_box: &HtmlElement = target.unchecked_ref();
        let (width, height) = (target_box.offset_width(), target_box.offset_height());
        let style = host.style();
        style.set_property("width", &format!("{}px", width.max(240)))?;
        style.set_property("height", &format!("{}px", height.max(150)))?;

        let bx = document.create_element("div")?;
        bx.set_attribute("class", "box")?;
        bx.set_attribute("lang", &view.language)?;
        bx.set_attribute("dir", if view.rtl { "rtl" } else { "ltr" })?;
        let message = document.create_element("p")?;
        message.set_text_content(Some(&view.message));
        bx.append_child(&message)?;
        let actions = document.create_element("div")?;
        actions.set_attribute("class", "actions")?;
        for (control, text) in [
            (Control::LoadOnce, &view.load_once),
            (Control::AlwaysAllow, &view.always_allow),
        ] {
            let button = document.create_element("button")?;
            button.set_attribute("type", "button")?;
            button.set_attribute(ATTR_ACTION, control.name())?;
            button.set_text_content(Some(text));
            actions.append_child(&button)?;
        }
        bx.append_child(&actions)?;
        shadow.append_child(&bx)?;

        let on_control = on_control.clone();
        let clicked = target.clone();
        let listener = Listener::new(&shadow, "click", false, move |event| {
            let control = event
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|e| e.closest(&format!("[{ATTR_ACTION}]")).ok().flatten())
                .and_then(|e| e.get_attribute(ATTR_ACTION))
                .and_then(|name| Control::from_name(&name));
            if let Some(control) = control {
                on_control(control, clicked.clone(), event.is_trusted());
            }
        })?;
        target.before_with_node_1(&host)?;
        target_box
            .style()
            .set_property_with_priority("display", "none", "important")?;
        Ok(Placeholder {
            host: host.into(),
            target,
            _listener: listener,
        })
    }
}
