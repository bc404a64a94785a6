//! consent-gate's interface on the page: the banner, the preferences dialog and the floating
//! settings button, rendered from core's views ([`crate::core::view`]).
//!
//! Everything lives in one open shadow root, first in `<body>` (first in keyboard order), so host
//! CSS can neither hide nor restyle the controls, but can theme them through inherited `--cg-*`
//! custom properties and `::part()`. Styles come from a constructable stylesheet, which a strict
//! CSP without `'unsafe-inline'` allows; no `style=` attribute is ever written. Every text is set
//! with `textContent`, never parsed as HTML; links are only those core checked.
//!
//! The dialog is a native `<dialog>` opened with `showModal()`: the page behind it is inert, focus
//! moves in (to its heading), Tab stays inside, Escape closes it, and focus goes back to where it
//! was.

use crate::core::config::Theme;
use crate::core::contract::{
    ATTR_ACTION, ATTR_BANNER, ATTR_CATEGORY_BLOCK, ATTR_DIALOG, ATTR_SERVICE_BLOCK, ATTR_TOGGLE,
    ROOT_ELEMENT_ID, SERVICE_TOGGLE_SELECTOR, TOGGLE_CATEGORY, TOGGLE_SELECTOR, TOGGLE_SERVICE,
};
use crate::core::i18n::Text;
use crate::core::style;
use crate::core::texts::Words;
use crate::core::view::{self, BannerView, Control, Markup, PreferencesView, Surface};
pub use crate::web::listener::Listener;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{
    Document, Element, Event, HtmlDialogElement, HtmlElement, HtmlInputElement, KeyboardEvent,
    Node, ShadowRoot, ShadowRootInit, ShadowRootMode,
};

/// Toggle states: `(id, on)`.
pub type Switches = Vec<(String, bool)>;

/// The interface's host element and what is shown in it. Dropping it removes everything.
pub struct Ui {
    document: Document,
    host: Element,
    shadow: ShadowRoot,
    banner: Option<Element>,
    dialog: Option<HtmlDialogElement>,
    settings: Option<Element>,
    return_focus: Option<HtmlElement>,
    _listeners: Vec<Listener>,
}

impl Ui {
    /// Adds the (empty) interface to the start of `<body>`. `on_control` hears every control of
    /// consent-gate's own, with whether the visitor used it (a trusted event) or a script did;
    /// (the gate hears the page's `data-consent-action="show-preferences"`
    /// elements itself: they must work before this module is fetched).
    ///
    /// # Errors
    /// The browser refused to create it (no `<body>`, no shadow DOM).
    pub fn new(
        document: &Document,
        on_control: impl FnMut(Control, Surface, bool) + 'static,
    ) -> Result<Ui, JsValue> {
        let body = document
            .body()
            .ok_or_else(|| JsValue::from_str("the page has no <body>"))?;
        let host = document.create_element("div")?;
        host.set_id(ROOT_ELEMENT_ID);
        let shadow = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?;
        style(document, &shadow)?;
        body.prepend_with_node_1(&host)?;

        let on_control = Rc::new(RefCell::new(on_control));
        let inside = on_control.clone();
        let closed = on_control;
        let listeners = vec![
            Listener::new(&shadow, "click", false, move |event| {
                if let Some((control, surface)) = control_of(&event) {
                    (inside.borrow_mut())(control, surface, event.is_trusted());
                }
            })?,
            Listener::new(&shadow, "change", false, follow_category)?,
            Listener::new(&shadow, "keydown", false, trap_tab)?,
            // Escape on a modal banner would close it undecided: a banner only goes away with a
            // decision.
            Listener::new(&shadow, "cancel", true, |event| {
                if target_element(&event).is_some_and(|e| e.has_attribute(ATTR_BANNER)) {
                    event.prevent_default();
                }
            })?,
            Listener::new(&shadow, "close", true, move |event| {
                let is_dialog =
                    target_element(&event).is_some_and(|e| e.has_attribute(ATTR_DIALOG));
                if is_dialog {
                    (closed.borrow_mut())(Control::Close, Surface::Dialog, event.is_trusted());
                }
            })?,
        ];
        Ok(Ui {
            document: document.clone(),
            host,
            shadow,
            banner: None,
            dialog: None,
            settings: None,
            return_focus: None,
            _listeners: listeners,
        })
    }

    /// The shadow root that holds everything (for tests).
    pub fn root(&self) -> &ShadowRoot {
        &self.shadow
    }

    /// The banner, if shown.
    pub fn banner(&self) -> Option<&Element> {
        self.banner.as_ref()
    }

    /// The preferences dialog, if open.
    pub fn dialog(&self) -> Option<&HtmlDialogElement> {
        self.dialog.as_ref()
    }

    /// Shows the banner (replacing one already shown).
    ///
    /// # Errors
    /// The browser refused a DOM call; nothing half-built stays on the page.
    pub fn show_banner(&mut self, view: &BannerView) -> Result<(), JsValue> {
        self.hide_banner();
        let markup = view.markup();
        let banner = self.document.create_element(markup.tag)?;
        let built = (|| -> Result<(), JsValue> {
            build(&self.document, &banner, &markup)?;
            self.shadow.append_child(&banner)?;
            if let Some(dialog) = banner.dyn_ref::<HtmlDialogElement>() {
                dialog.show_modal()?;
            }
            Ok(())
        })();
        match built {
            Ok(()) => {
                self.banner = Some(banner);
                Ok(())
            }
            Err(e) => {
                banner.remove();
                Err(e)
            }
        }
    }

    /// Removes the banner, if shown.
    pub fn hide_banner(&mut self) {
        if let Some(banner) = self.banner.take() {
            banner.remove();
        }
    }

    /// Opens the preferences dialog (replacing one already open), remembering where focus was.
    ///
    /// # Errors
    /// The browser refused a DOM call or `showModal()`; nothing half-built stays on the page.
    pub fn show_preferences(&mut self, view: &PreferencesView) -> Result<(), JsValue> {
        let return_focus = self.focused();
        self.close_dialog();
        let d = &self.document;
        let dialog: HtmlDialogElement = d.create_element("dialog")?.unchecked_into();
        let built = (|| -> Result<(), JsValue> {
            set(
                &dialog,
                "class",
                &format!("cg prefs theme-{}", view.theme.name()),
            )?;
            set(&dialog, ATTR_DIALOG, "")?;
            set(&dialog, "part", "dialog")?;
            set(&dialog, "aria-modal", "true")?;
            set(&dialog, "aria-labelledby", "cg-p-title")?;
            set(&dialog, "aria-describedby", "cg-p-description")?;
            language(&dialog, &view.words)?;
            let words = &view.words;
            let head = el(d, &dialog, "div", &[("class", "head")], "")?;
            el(
                d,
                &head,
                "h2",
                &[("id", "cg-p-title"), ("tabindex", "-1"), ("autofocus", "")],
                words.get(Text::PreferencesTitle),
            )?;
            let close = button(d, &head, Control::Close, "\u{d7}")?;
            set(&close, "class", "close")?;
            set(&close, "aria-label", words.get(Text::Close))?;
            let intro = el(
                d,
                &dialog,
                "p",
                &[("id", "cg-p-description")],
                words.get(Text::PreferencesDescription),
            )?;
            if let Some(url) = &view.privacy_policy_url {
                intro.append_with_str_1(" ")?;
                el(
                    d,
                    &intro,
                    "a",
                    &[("href", url)],
                    words.get(Text::PrivacyPolicy),
                )?;
            }
            if let Some(note) = &view.gpc_note {
                el(d, &dialog, "p", &[("class", "gpc"), ("role", "note")], note)?;
            }
            for category in &view.categories {
                let block = el(
                    d,
                    &dialog,
                    "section",
                    &[
                        ("class", "category"),
                        (ATTR_CATEGORY_BLOCK, category.id),
                        ("aria-labelledby", &format!("cg-c-{}-label", category.id)),
                    ],
                    "",
                )?;
                let row = el(d, &block, "div", &[("class", "row")], "")?;
                let id = format!("cg-c-{}", category.id);
                let described = (!category.description.is_empty()).then(|| format!("{id}-d"));
                toggle(
                    d,
                    &row,
                    &id,
                    TOGGLE_CATEGORY,
                    category.id,
                    category.on,
                    category.required,
                    described.as_deref(),
                )?;
                el(
                    d,
                    &row,
                    "label",
                    &[("for", &id), ("id", &format!("{id}-label"))],
                    category.title,
                )?;
                if category.required {
                    el(
                        d,
                        &row,
                        "span",
                        &[("class", "always")],
                        words.get(Text::AlwaysOn),
                    )?;
                }
                if let Some(described) = &described {
                    el(d, &block, "p", &[("id", described)], category.description)?;
                }
                if category.services.is_empty() {
                    continue;
                }
                let details = el(d, &block, "details", &[], "")?;
                el(
                    d,
                    &details,
                    "summary",
                    &[],
                    &format!(
                        "{} ({})",
                        words.get(Text::Services),
                        category.services.len()
                    ),
                )?;
                for service in &category.services {
                    let item = el(
                        d,
                        &details,
                        "div",
                        &[("class", "service"), (ATTR_SERVICE_BLOCK, service.id)],
                        "",
                    )?;
                    let row = el(d, &item, "div", &[("class", "row")], "")?;
                    let id = format!("cg-s-{}", service.id);
                    let described = (!service.description.is_empty()).then(|| format!("{id}-d"));
                    toggle(
                        d,
                        &row,
                        &id,
                        TOGGLE_SERVICE,
                        service.id,
                        service.on,
                        service.required,
                        described.as_deref(),
                    )?;
                    el(d, &row, "label", &[("for", &id)], service.title)?;
                    if !service.provider.is_empty() {
                        el(d, &row, "span", &[("class", "provider")], service.provider)?;
                    }
                    if let Some(described) = &described {
                        let p = el(d, &item, "p", &[("id", described)], service.description)?;
                        if let Some(url) = &service.privacy_policy_url {
                            p.append_with_str_1(" ")?;
                            el(d, &p, "a", &[("href", url)], words.get(Text::PrivacyPolicy))?;
                        }
                    }
                    if service.cookies.is_empty() {
                        continue;
                    }
                    let wrap = el(d, &item, "div", &[("class", "table")], "")?;
                    let table = el(d, &wrap, "table", &[], "")?;
                    let head = el(d, &table, "thead", &[], "")?;
                    let tr = el(d, &head, "tr", &[], "")?;
                    for text in [Text::Cookie, Text::Provider, Text::Purpose, Text::Duration] {
                        el(d, &tr, "th", &[("scope", "col")], words.get(text))?;
                    }
                    let body = el(d, &table, "tbody", &[], "")?;
                    for row in &service.cookies {
                        let tr = el(d, &body, "tr", &[], "")?;
                        for text in [&row.name, &row.provider, &row.purpose, &row.duration] {
                            el(d, &tr, "td", &[], text)?;
                        }
                    }
                }
            }
            let actions = el(d, &dialog, "div", &[("class", "actions")], "")?;
            for (control, text) in view::DIALOG_CONTROLS {
                button(d, &actions, control, words.get(text))?;
            }
            self.shadow.append_child(&dialog)?;
            dialog.show_modal()
        })();
        match built {
            Ok(()) => {
                self.dialog = Some(dialog);
                self.return_focus = return_focus;
                Ok(())
            }
            Err(e) => {
                dialog.remove();
                Err(e)
            }
        }
    }

    /// Closes the preferences dialog, if open, and puts focus back where it was when it opened.
    pub fn hide_preferences(&mut self) {
        self.close_dialog();
        if let Some(element) = self.return_focus.take() {
            if element.is_connected() {
                let _ = element.focus();
            }
        }
    }

    fn close_dialog(&mut self) {
        if let Some(dialog) = self.dialog.take() {
            dialog.close();
            dialog.remove();
        }
    }

    /// The dialog's enabled toggles: `(category id, on)` and `(service id, on)`.
    pub fn toggles(&self) -> (Switches, Switches) {
        let mut categories = Vec::new();
        let mut services = Vec::new();
        let Some(dialog) = &self.dialog else {
            return (categories, services);
        };
        let Ok(inputs) = dialog.query_selector_all(TOGGLE_SELECTOR) else {
            return (categories, services);
        };
        for i in 0..inputs.length() {
            let Some(input) = inputs
                .item(i)
                .and_then(|n| n.dyn_into::<HtmlInputElement>().ok())
            else {
                continue;
            };
            if input.disabled() {
                continue;
            }
            let entry = (input.value(), input.checked());
            match input.get_attribute(ATTR_TOGGLE).as_deref() {
                Some(TOGGLE_CATEGORY) => categories.push(entry),
                Some(TOGGLE_SERVICE) => services.push(entry),
                _ => {}
            }
        }
        (categories, services)
    }

    /// Shows the floating button that reopens the preferences (labelled in `words`' language).
    ///
    /// # Errors
    /// The browser refused a DOM call.
    pub fn show_settings_button(&mut self, words: &Words, theme: Theme) -> Result<(), JsValue> {
        if self.settings.is_some() {
            return Ok(());
        }
        let markup = view::settings_button(words, theme);
        let button = self.document.create_element(markup.tag)?;
        build(&self.document, &button, &markup)?;
        self.shadow.append_child(&button)?;
        self.settings = Some(button);
        Ok(())
    }

    /// Removes the floating button, if shown.
    pub fn hide_settings_button(&mut self) {
        if let Some(button) = self.settings.take() {
            button.remove();
        }
    }

    /// The element focused now: inside the shadow root if focus is there.
    fn focused(&self) -> Option<HtmlElement> {
        let active = self.document.active_element()?;
        let active = if active == self.host {
            self.shadow.active_element()?
        } else {
            active
        };
        active.dyn_into::<HtmlElement>().ok()
    }
}

impl Drop for Ui {
    fn drop(&mut self) {
        self.host.remove();
    }
}

/// The control an event's target belongs to, and where it is.
fn control_of(event: &Event) -> Option<(Control, Surface)> {
    let target = target_element(event)?;
    let control = target.closest(&format!("[{ATTR_ACTION}]")).ok().flatten()?;
    let control = Control::from_name(&control.get_attribute(ATTR_ACTION)?)?;
    let within = |attr: &str| {
        target
            .closest(&format!("[{attr}]"))
            .ok()
            .flatten()
            .is_some()
    };
    let surface = if within(ATTR_DIALOG) {
        Surface::Dialog
    } else if within(ATTR_BANNER) {
        Surface::Banner
    } else {
        Surface::Page
    };
    Some((control, surface))
}

/// Keeps Tab inside an open modal (the dialog, or a modal banner): from the last control it
/// wraps to the first, and Shift+Tab from the first to the last. `showModal()` already makes the
/// page inert, but Chromium would otherwise move focus out to the browser's own interface.
fn trap_tab(event: Event) {
    let Some(key) = event.dyn_ref::<KeyboardEvent>() else {
        return;
    };
    if key.key() != "Tab" {
        return;
    }
    let Some(target) = target_element(&event) else {
        return;
    };
    let Some(modal) = target.closest("dialog[open]").ok().flatten() else {
        return;
    };
    let Ok(list) = modal.query_selector_all(
        "button:not([disabled]),[href],input:not([disabled]),summary,select,textarea,[tabindex]:not([tabindex=\"-1\"])",
    ) else {
        return;
    };
    let focusable: Vec<HtmlElement> = (0..list.length())
        .filter_map(|i| list.item(i).and_then(|n| n.dyn_into::<HtmlElement>().ok()))
        .filter(|e| e.offset_parent().is_some())
        .collect();
    let (Some(first), Some(last)) = (focusable.first(), focusable.last()) else {
        return;
    };
    let at_first = AsRef::<Element>::as_ref(first) == &target;
    let at_last = AsRef::<Element>::as_ref(last) == &target;
    let heading = target.get_attribute("tabindex").as_deref() == Some("-1");
    let wrap_to = if key.shift_key() && (at_first || heading) {
        Some(last)
    } else if !key.shift_key() && at_last {
        Some(first)
    } else {
        None
    };
    if let Some(element) = wrap_to {
        event.prevent_default();
        let _ = element.focus();
    }
}

fn target_element(event: &Event) -> Option<Element> {
    event.target()?.dyn_into::<Element>().ok()
}

/// A category's toggle carries its services' toggles with it, so that turning a category on or
/// off in one move does what it says; each service can then be changed on its own.
fn follow_category(event: Event) {
    let Some(input) = event
        .target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
    else {
        return;
    };
    if input.get_attribute(ATTR_TOGGLE).as_deref() != Some(TOGGLE_CATEGORY) {
        return;
    }
    let block = input
        .closest(&format!("[{ATTR_CATEGORY_BLOCK}]"))
        .ok()
        .flatten();
    let Some(services) = block.and_then(|b| b.query_selector_all(SERVICE_TOGGLE_SELECTOR).ok())
    else {
        return;
    };
    for i in 0..services.length() {
        if let Some(service) = services
            .item(i)
            .and_then(|n| n.dyn_into::<HtmlInputElement>().ok())
        {
            service.set_checked(view::service_after_category(input.checked()));
        }
    }
}

/// Gives `element` (made with `markup`'s tag) its attributes, text and children.
fn build(document: &Document, element: &Element, markup: &Markup) -> Result<(), JsValue> {
    for (name, value) in &markup.attributes {
        element.set_attribute(name, value)?;
    }
    if !markup.text.is_empty() {
        element.set_text_content(Some(&markup.text));
    }
    for child in &markup.children {
        let made = document.create_element(child.tag)?;
        build(document, &made, child)?;
        element.append_child(&made)?;
    }
    Ok(())
}

fn set(element: &Element, name: &str, value: &str) -> Result<(), JsValue> {
    element.set_attribute(name, value)
}

/// `lang` and `dir` for the words' language.
fn language(element: &Element, words: &Words) -> Result<(), JsValue> {
    set(element, "lang", words.language)?;
    set(element, "dir", if words.rtl { "rtl" } else { "ltr" })
}

/// Appends a `<tag>` with these attributes and `text` (as text) to `parent`.
fn el(
    document: &Document,
    parent: &Node,
    tag: &str,
    attributes: &[(&str, &str)],
    text: &str,
) -> Result<Element, JsValue> {
    let element = document.create_element(tag)?;
    for (name, value) in attributes {
        element.set_attribute(name, value)?;
    }
    if !text.is_empty() {
        element.set_text_content(Some(text));
    }
    parent.append_child(&element)?;
    Ok(element)
}

/// One of consent-gate's own buttons, as core lays it out ([`Markup::button`]).
fn button(
    document: &Document,
    parent: &Node,
    control: Control,
    text: &str,
) -> Result<Element, JsValue> {
    let markup = Markup::button(control, text);
    let element = document.create_element(markup.tag)?;
    build(document, &element, &markup)?;
    parent.append_child(&element)?;
    Ok(element)
}

/// A switch: a real checkbox with `role="switch"`, labelled by the `<label for>` after it.
#[allow(clippy::too_many_arguments)]
fn toggle(
    document: &Document,
    parent: &Node,
    id: &str,
    kind: &str,
    value: &str,
    on: bool,
    required: bool,
    described_by: Option<&str>,
) -> Result<(), JsValue> {
    let input: HtmlInputElement = el(
        document,
        parent,
        "input",
        &[
            ("type", "checkbox"),
            ("role", "switch"),
            ("id", id),
            (ATTR_TOGGLE, kind),
        ],
        "",
    )?
    .unchecked_into();
    input.set_value(value);
    input.set_checked(on);
    input.set_disabled(required);
    if let Some(described_by) = described_by {
        set(&input, "aria-describedby", described_by)?;
    }
    Ok(())
}

/// Styles the shadow root with a constructable stylesheet, which `style-src` does not govern
/// in any current browser; where that API is missing, a `<style>` element (needs `style-src`
/// to allow it, or the interface shows unstyled but works).
fn style(document: &Document, shadow: &ShadowRoot) -> Result<(), JsValue> {
    let whole = style::whole();
    let constructed = web_sys::CssStyleSheet::new().and_then(|sheet| {
        sheet.replace_sync(&whole)?;
        shadow.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
        Ok(())
    });
    if constructed.is_err() {
        el(document, shadow, "style", &[], &whole)?;
    }
    Ok(())
}
