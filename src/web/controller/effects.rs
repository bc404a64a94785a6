//! Carries out core's effects: the record stored and purged, Consent Mode and the tag vendors
//! told, the lockdown policy, events for the page's code, and the plan kept for the next page view.

use super::interface::{hide_interface, show_banner, want_interface, want_interface_on_load};
use super::{Controller, context, release_granted};
use crate::core::consent::{Change, Effect, Grants, Purge};
use crate::core::contract::{EVENT_CHANGE, EVENT_CONSENT, PLAN_KEY};
use crate::core::cookie;
use crate::core::lifecycle::Button;
use crate::core::plan::{self, Keep, Kept, Origin, Plan};
use crate::core::store::{RecordStore, StoreError, save_each};
use crate::core::texts::Words;
use crate::core::view;
use crate::web::report::{self, describe};
use js_sys::{Array, Object, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::Document;

/// Carries out core's effects in order. No borrow is held while the page's code may run
/// (released scripts run synchronously when inserted; event listeners run on dispatch).
pub(super) fn perform(controller: &Rc<RefCell<Controller>>, effects: Vec<Effect>) {
    let mut survivors = Vec::new();
    for effect in effects {
        match effect {
            Effect::Purge(purge) => survivors = remove_traces(&controller.borrow(), &purge),
            Effect::Changed(change) => {
                let document = controller.borrow().document.clone();
                let detail = change_detail(&change, &survivors);
                if change.first {
                    announce(&document, EVENT_CONSENT, Some(&detail));
                }
                announce(&document, EVENT_CHANGE, Some(&detail));
            }
            // Core puts it last, after the events: listeners have heard of the withdrawal before
            // the page goes. The plan goes first, so the page view it reloads into is the small
            // gate's alone.
            Effect::Reload => {
                remember(controller);
                let location = controller.borrow().window.location();
                if let Err(e) = location.reload() {
                    report::warn(&format!(
                        "reload the page to stop what was withdrawn: {}",
                        describe(&e)
                    ));
                }
                return;
            }
            other => perform_one(controller, other),
        }
    }
    let (button, (ui, config, language)) = {
        let mut this = controller.borrow_mut();
        let visible = view::settings_button_visible(&this.config, &this.consent);
        let loaded = this.document.ready_state() == "complete";
        (this.life.button(visible, loaded), this.for_views())
    };
    match (button, ui) {
        (Button::Draw(visible), Some(ui)) => {
            let words = Words::new(&config, &language);
            let drawn = ui.settings_button(visible.then_some((&words, config.theme)));
            match drawn {
                // For the plan: the small gate draws this button on later page views.
                Ok(()) if visible => {
                    controller.borrow_mut().button_drawn = Some(plan::button(&config))
                }
                Ok(()) => {}
                Err(e) => report::warn(&format!(
                    "the settings button could not be shown: {}",
                    describe(&e)
                )),
            }
        }
        (Button::Attach, _) => want_interface(controller),
        (Button::AttachOnLoad, _) => want_interface_on_load(controller),
        _ => {}
    }
    remember(controller);
}

/// Keeps the plan for the next page view where core says ([`Keep`]), and removes any other:
/// where the decision in force has settled, or the visitor has not decided, the small gate
/// follows it and this file is not loaded (or, undecided, not waited for).
pub(super) fn remember(controller: &Rc<RefCell<Controller>>) {
    let this = controller.borrow();
    let name = &this.config.cookie.name;
    let Ok(header) = this.cookie.header() else {
        return;
    };
    let mirror = this.local.get(name).ok().flatten();
    let drawn = this.button_drawn.as_deref();
    // Made again, it would be the plan kept: an undecided visitor's page views, and each effect
    // that leaves the stores as they were, skip making it.
    let stands = |kept: &Kept| kept.stands(name, &header, mirror.as_deref(), drawn);
    if this.kept.as_ref().is_some_and(stands) {
        return;
    }
    let kept = Kept::of(name, &header, mirror.as_deref(), drawn);
    let ctx = context(&this.window, &this.language);
    let location = this.window.location();
    // No origin to work the purge out for: no plan.
    let plan = match (location.hostname(), location.protocol()) {
        (Ok(host), Ok(protocol)) => Plan::next_view(
            &this.config,
            &this.config_text,
            &header,
            mirror.as_deref(),
            &ctx,
            Origin {
                host: &host,
                protocol: &protocol,
            },
            drawn,
        ),
        _ => None,
    };
    let json = plan.as_ref().map(|plan| (plan.keep(), plan.to_json()));
    // A plan that cannot be stored is no plan: the next page view loads this file again.
    let _ = match &json {
        Some((Keep::Local, json)) => this.local.set(PLAN_KEY, json),
        _ => this.local.remove(PLAN_KEY),
    };
    if let Ok(Some(session)) = this.window.session_storage() {
        let _ = match &json {
            Some((Keep::Session, json)) => session.set_item(PLAN_KEY, json),
            _ => session.remove_item(PLAN_KEY),
        };
    }
    drop(this);
    controller.borrow_mut().kept = Some(kept);
}

pub(super) fn perform_one(controller: &Rc<RefCell<Controller>>, effect: Effect) {
    match effect {
        Effect::Persist {
            value,
            max_age_secs,
        } => {
            let this = controller.borrow();
            persist(&this, &value, max_age_secs);
            if let Some(tabs) = &this.tabs {
                tabs.post(&value);
            }
        }
        Effect::ShowBanner(_) => show_banner(controller),
        Effect::HideBanner => hide_interface(controller),
        Effect::Activate(_) => release_granted(controller),
        Effect::ConsentModeDefault(signals) => consent_calls(controller, &signals, true),
        Effect::ConsentMode(signals) => consent_calls(controller, &signals, false),
        Effect::Receipt(receipt) => {
            let outbox = controller.borrow().outbox.clone();
            if let Some(outbox) = outbox {
                outbox.send(&receipt);
            }
        }
        Effect::Erase => {
            let this = controller.borrow();
            for refused in [this.cookie.erase().err(), this.local.erase().err()]
                .into_iter()
                .flatten()
            {
                report::warn(&format!("erasing the record: {refused}"));
            }
        }
        Effect::Lockdown(policy) => {
            let document = controller.borrow().document.clone();
            if let Err(e) = lockdown(&document, &policy) {
                report::error(&format!(
                    "the lockdown policy could not be put in force: {}",
                    describe(&e)
                ));
            }
        }
        Effect::Purge(_) | Effect::Changed(_) | Effect::Reload => {}
    }
}

/// Puts `policy` in force as the first element of `<head>`.
pub(super) fn lockdown(document: &Document, policy: &str) -> Result<(), JsValue> {
    let meta = document.create_element("meta")?;
    meta.set_attribute("http-equiv", "Content-Security-Policy")?;
    meta.set_attribute("content", policy)?;
    let head = document
        .query_selector("head")?
        .or_else(|| document.document_element())
        .ok_or_else(|| JsValue::from_str("the page has no <head>"))?;
    head.prepend_with_node_1(&meta)
}

/// Tells the tag vendors' consent interfaces the signal states (without holding the controller:
/// a site's `gtag` may call back into the page).
pub(super) fn consent_calls(
    controller: &Rc<RefCell<Controller>>,
    signals: &[(crate::core::config::Signal, bool)],
    default: bool,
) {
    let (window, calls, mut integrations) = {
        let mut this = controller.borrow_mut();
        let calls = crate::core::integrations::calls(&this.config.integrations, signals, default);
        (
            this.window.clone(),
            calls,
            std::mem::take(&mut this.integrations),
        )
    };
    integrations.perform(&window, calls);
    controller.borrow_mut().integrations = integrations;
}

pub(super) fn persist(this: &Controller, value: &str, max_age_secs: u64) {
    let stores = [&this.cookie as &dyn RecordStore, &this.local];
    let refusals = save_each(&stores, value, max_age_secs).unwrap_or_else(|refusals| {
        report::warn("the decision holds for this page only and will be asked again");
        refusals
    });
    for refusal in refusals {
        report::warn(&refusal.to_string());
    }
}

/// Deletes the cookies and storage keys of withdrawn services, then reads the cookies again and
/// returns (and reports) those that survived: set `HttpOnly` by a server, or on a path not
/// declared.
pub(super) fn remove_traces(this: &Controller, purge: &Purge) -> Vec<String> {
    let location = this.window.location();
    let host = location.hostname().unwrap_or_default();
    let protocol = location.protocol().unwrap_or_default();
    let result = (|| -> Result<Vec<String>, StoreError> {
        let header = this.cookie.header()?;
        for assignment in cookie::deletions(&header, &host, &protocol, &purge.cookies) {
            this.cookie.assign(&assignment)?;
        }
        let keys = this.local.keys().unwrap_or_default();
        for key in cookie::matching(&keys, &purge.storage) {
            this.local.remove(key)?;
        }
        let after = this.cookie.header()?;
        let declared: Vec<&str> = purge.cookies.iter().map(|c| c.name.as_str()).collect();
        Ok(cookie::survivors(&after, &declared)
            .into_iter()
            .map(str::to_owned)
            .collect())
    })();
    match result {
        Ok(survivors) => {
            let names: Vec<&str> = survivors.iter().map(String::as_str).collect();
            if let Some(warning) = cookie::survivors_warning(&names) {
                report::warn(&warning);
            }
            survivors
        }
        Err(e) => {
            report::warn(&format!("purging withdrawn services: {e}"));
            Vec::new()
        }
    }
}

/// The `detail` of a change event: `{ first, method, granted: { categories, services }, revoked,
/// survivors }` (survivors: cookies the purge could not delete).
pub(super) fn change_detail(change: &Change, survivors: &[String]) -> JsValue {
    let grants = |grants: &Grants| {
        let object = Object::new();
        let list = |ids: &[String]| {
            ids.iter()
                .map(|id| JsValue::from_str(id))
                .collect::<Array>()
        };
        let _ = Reflect::set(&object, &"categories".into(), &list(&grants.categories));
        let _ = Reflect::set(&object, &"services".into(), &list(&grants.services));
        object
    };
    let detail = Object::new();
    let _ = Reflect::set(&detail, &"first".into(), &change.first.into());
    let _ = Reflect::set(&detail, &"method".into(), &change.method.name().into());
    let _ = Reflect::set(&detail, &"granted".into(), &grants(&change.granted));
    let _ = Reflect::set(&detail, &"revoked".into(), &grants(&change.revoked));
    let survivors: Array = survivors.iter().map(|s| JsValue::from_str(s)).collect();
    let _ = Reflect::set(&detail, &"survivors".into(), &survivors);
    detail.into()
}

/// Dispatches the event `name` on `document`, with `detail` if given. A listener that throws is
/// reported by the browser and does not reach us.
pub(super) fn announce(document: &Document, name: &str, detail: Option<&JsValue>) {
    let init = web_sys::CustomEventInit::new();
    if let Some(detail) = detail {
        init.set_detail(detail);
    }
    let dispatched = web_sys::CustomEvent::new_with_event_init_dict(name, &init)
        .and_then(|event| document.dispatch_event(&event));
    if let Err(e) = dispatched {
        report::warn(&format!("could not dispatch {name}: {}", describe(&e)));
    }
}
