//! The interface's life on the page: attached when something must be shown, started once
//! `<body>` is there, or failed; what it is asked to show; and readiness. Core's [`Lifecycle`]
//! decides each step; this performs it.

use super::effects::{announce, perform};
use super::{Controller, act, context, release_granted, use_control};
use crate::core::consent::Source;
use crate::core::contract::{EMBED_SELECTOR, EVENT_HIDE, EVENT_READY, EVENT_SHOW};
use crate::core::view::{
    self, BannerView, Command, Control, PlaceholderView, PreferencesView, Surface,
};
use crate::web::gate;
use crate::web::intercept;
use crate::web::interface::{Interface, Report};
use crate::web::report::{self, describe};
use js_sys::Reflect;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// Adds the interface in a task of its own: from `<head>` once the parser has added `<body>` (see
/// [`parsed`]; `DOMContentLoaded` if that is never seen), and a start that is already past
/// parsing (loaded late, or by the ES module) still yields once, so that the gate and the
/// interface are two shorter tasks instead of one long one.
pub(super) fn interface_later(controller: &Rc<RefCell<Controller>>) {
    let weak = Rc::downgrade(controller);
    let (window, document) = {
        let this = controller.borrow();
        (this.window.clone(), this.document.clone())
    };
    if document.ready_state() != "loading" {
        // Owned by the timer's function and freed by its one call; a controller gone by then
        // (never on a page, which keeps its one) is not brought back.
        let next = Closure::once_into_js(move || {
            if let Some(controller) = weak.upgrade() {
                interface_ready(&controller);
            }
        });
        if window
            .set_timeout_with_callback_and_timeout_and_arguments_0(next.unchecked_ref(), 0)
            .is_err()
        {
            interface_ready(controller);
        }
        return;
    }
    let listener = Closure::<dyn FnMut()>::new(move || {
        if let Some(controller) = weak.upgrade() {
            interface_ready(&controller);
        }
    });
    let added = document
        .add_event_listener_with_callback("DOMContentLoaded", listener.as_ref().unchecked_ref());
    match added {
        Ok(()) => controller.borrow_mut().on_ready = Some(listener),
        Err(e) => report::error(&format!(
            "cannot wait for the page to be parsed ({}); the banner is not shown and every optional category stays refused",
            describe(&e)
        )),
    }
}

/// Shows what the consent in force calls for (attaching the interface if anything must be shown)
/// and announces readiness once that is up. Once: the first of `<body>` parsed and
/// `DOMContentLoaded` (or, past parsing, a timer).
pub(super) fn interface_ready(controller: &Rc<RefCell<Controller>>) {
    if !controller.borrow_mut().life.parse() {
        return;
    }
    // Consented elements first: a returning visitor's scripts do not wait for anything else.
    release_granted(controller);
    let asking = controller.borrow().consent.prompt().is_some();
    if asking {
        show_banner(controller);
    }
    perform(controller, Vec::new());
    connect(controller);
    let outbox = controller.borrow().outbox.clone();
    if let Some(outbox) = outbox {
        outbox.flush();
    }
    settle(controller);
}

/// Announces readiness once `<body>` is parsed and the interface, if it was needed, is up (or
/// could not start).
pub(super) fn settle(controller: &Rc<RefCell<Controller>>) {
    let (document, waiting, announced) = {
        let mut this = controller.borrow_mut();
        let Some(announced) = this.life.settle() else {
            return;
        };
        (
            this.document.clone(),
            std::mem::take(&mut this.waiting),
            announced,
        )
    };
    let readiness = readiness(&controller.borrow());
    if announced {
        announce(&document, EVENT_READY, Some(&readiness));
    }
    for resolve in waiting {
        let _ = resolve.call1(&JsValue::UNDEFINED, &readiness);
    }
}

/// What `ready()` resolves with: `{ protections: { complete, refused } }`, the names of the
/// wrappers the page did not let the gate install (a frozen prototype, a fixed `fetch`), so a page
/// can tell that its environment weakened the gate.
pub(super) fn readiness(this: &Controller) -> JsValue {
    let refused = js_sys::Array::new();
    if let Some(interceptor) = &this.interceptor {
        for name in &interceptor.refused {
            refused.push(&name.into());
        }
    }
    let protections = js_sys::Object::new();
    let _ = Reflect::set(
        &protections,
        &"complete".into(),
        &(refused.length() == 0).into(),
    );
    let _ = Reflect::set(&protections, &"refused".into(), &refused);
    let out = js_sys::Object::new();
    let _ = Reflect::set(&out, &"protections".into(), &protections);
    out.into()
}

/// Attaches the interface, unless it is attached already or could not start: it starts once
/// `<body>` is there.
pub(super) fn want_interface(controller: &Rc<RefCell<Controller>>) {
    if controller.borrow_mut().life.attach() {
        connect(controller);
    }
}

/// Starts the attached interface once `<body>` is there, and shows what was asked for.
pub(super) fn connect(controller: &Rc<RefCell<Controller>>) {
    if !controller.borrow().life.may_start() {
        return;
    }
    let weak = Rc::downgrade(controller);
    let report = Rc::new(move |report| {
        if let Some(controller) = weak.upgrade() {
            reported(&controller, report);
        }
    });
    let ui = match Interface::attach(report) {
        Ok(ui) => ui,
        Err(e) => return failed(controller, &describe(&e)),
    };
    let wanted = {
        let mut this = controller.borrow_mut();
        this.ui = Some(ui);
        this.life.started()
    };
    if wanted.banner {
        show_banner(controller);
    }
    if wanted.preferences {
        show_preferences(controller);
    }
    sync_placeholders(controller);
    perform(controller, Vec::new());
    settle(controller);
}

/// The interface could not start: said on the console; what it would have shown stays unshown
/// and every optional category stays refused (nothing is released for it).
pub(super) fn failed(controller: &Rc<RefCell<Controller>>, why: &str) {
    controller.borrow_mut().life.fail();
    report::error(&format!(
        "the consent interface could not start ({why}); nothing more is released, and every optional category stays refused"
    ));
    settle(controller);
}

/// A control the interface reports.
fn reported(controller: &Rc<RefCell<Controller>>, report: Report) {
    match report {
        Report::Control(control, surface, trusted) => {
            use_control(controller, control, surface, Source::of_event(trusted));
        }
        Report::Placeholder(control, embed, trusted) => {
            use_placeholder(controller, control, &embed, Source::of_event(trusted));
        }
    }
}

/// Puts a placeholder on every held embed, and takes them off released ones (once the page has a
/// body to show them in); a held embed on the page brings the interface in.
pub(super) fn sync_placeholders(controller: &Rc<RefCell<Controller>>) {
    let ((ui, config, language), document) = {
        let this = controller.borrow();
        (this.for_views(), this.document.clone())
    };
    match ui {
        Some(ui) => {
            let view = |category: Option<&str>, service: Option<&str>| {
                PlaceholderView::new(&config, &language, category, service)
            };
            if let Err(e) = ui.sync_placeholders(&view) {
                report::warn(&format!(
                    "placeholders for blocked embeds could not be shown: {}",
                    describe(&e)
                ));
            }
        }
        None => {
            if let Ok(Some(_)) = document.query_selector(EMBED_SELECTOR) {
                want_interface(controller);
            }
        }
    }
}

/// "Load once" releases that embed alone; "Always allow" grants its service.
pub(super) fn use_placeholder(
    controller: &Rc<RefCell<Controller>>,
    control: Control,
    embed: &web_sys::Element,
    source: Source,
) {
    match view::command(control, Surface::Page) {
        Command::LoadOnce => {
            let (document, nonce) = {
                let this = controller.borrow();
                (this.document.clone(), this.nonce.clone())
            };
            if let Err(e) = intercept::allowing(|| gate::release_one(&document, embed, &nonce)) {
                report::error(&format!("loading the embed failed: {}", describe(&e)));
            }
            sync_placeholders(controller);
        }
        Command::AllowEmbed => {
            let action = {
                let this = controller.borrow();
                view::always_allow(
                    &this.config,
                    embed
                        .get_attribute(crate::core::contract::ATTR_CATEGORY)
                        .as_deref(),
                    embed
                        .get_attribute(crate::core::contract::ATTR_SERVICE)
                        .as_deref(),
                )
            };
            if let Some(action) = action {
                if let Err(e) = act(controller, &action, source) {
                    report::error(&e.to_string());
                }
            }
        }
        _ => {}
    }
}

/// Attaches the interface at the page's `load` (for the settings button alone: see
/// [`Button::AttachOnLoad`]).
pub(super) fn want_interface_on_load(controller: &Rc<RefCell<Controller>>) {
    let window = controller.borrow().window.clone();
    let weak = Rc::downgrade(controller);
    let on_load = Closure::once_into_js(move || {
        if let Some(controller) = weak.upgrade() {
            want_interface(&controller);
        }
    });
    if window
        .add_event_listener_with_callback("load", on_load.unchecked_ref())
        .is_err()
    {
        want_interface(controller);
    }
}

pub(super) fn hide_interface(controller: &Rc<RefCell<Controller>>) {
    let ui = {
        let mut this = controller.borrow_mut();
        this.life.hide();
        this.ui.clone()
    };
    if ui.is_some_and(|ui| ui.hide()) {
        let document = controller.borrow().document.clone();
        announce(&document, EVENT_HIDE, None);
    }
}

/// Opens the preferences dialog with the toggles as the consent in force has them, attaching the
/// interface first if it is not here.
pub fn show_preferences(controller: &Rc<RefCell<Controller>>) {
    let (now, gpc, (ui, config, language)) = {
        let mut this = controller.borrow_mut();
        let now = this.life.show_preferences();
        let gpc = context(&this.window, &this.language).gpc;
        (now, gpc, this.for_views())
    };
    let Some(ui) = ui.filter(|_| now) else {
        return want_interface(controller);
    };
    // The switches show the decision in force.
    let view = PreferencesView::with_gpc(&config, &controller.borrow().consent, &language, gpc);
    let shown = ui.show_preferences(&view);
    announce_shown(controller, shown, |why| {
        format!("the preferences could not be shown: {why}")
    });
}

/// Shows the banner, attaching the interface first if it is not up.
pub(super) fn show_banner(controller: &Rc<RefCell<Controller>>) {
    let (now, (ui, config, language)) = {
        let mut this = controller.borrow_mut();
        (this.life.show_banner(), this.for_views())
    };
    let Some(ui) = ui.filter(|_| now) else {
        return want_interface(controller);
    };
    let shown = ui.show_banner(&BannerView::new(&config, &language));
    announce_shown(controller, shown, |why| {
        format!("the banner could not be shown ({why}); every optional category stays refused")
    });
}

/// Announces `show` once the interface has shown something; else reports why it could not.
fn announce_shown(
    controller: &Rc<RefCell<Controller>>,
    shown: Result<(), JsValue>,
    failed: impl FnOnce(&str) -> String,
) {
    match shown {
        Ok(_) => {
            let document = controller.borrow().document.clone();
            announce(&document, EVENT_SHOW, None);
        }
        Err(e) => report::error(&failed(&describe(&e))),
    }
}
