//! The page's one controller: reads the config and the stored record at start, and carries out
//! core's effects at start and after every action.

use crate::core::config::Config;
use crate::core::consent::{
    Action, Change, ChoiceError, Consent, Context, Effect, Grants, Purge, Source,
};
use crate::core::contract::{CONFIG_ELEMENT_ID, EVENT_CHANGE, EVENT_CONSENT, EVENT_READY};
use crate::core::cookie;
use crate::core::record;
use crate::core::store::{RecordStore, StoreError, load_each, save_each};
use crate::web::banner::Banner;
use crate::web::gate;
use crate::web::report::{self, describe};
use crate::web::storage::{CookieStore, LocalStore};
use js_sys::{Array, Object, Reflect};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Window};

/// The consent in force on this page, where it is stored, and the banner while it is shown.
pub struct Controller {
    window: Window,
    document: Document,
    config: Config,
    consent: Consent,
    cookie: CookieStore,
    local: LocalStore,
    banner: Option<Banner>,
    on_visible: Option<Closure<dyn FnMut()>>,
}

/// Starts consent-gate on the current page: reads the config, restores the stored decision and
/// carries out what core says (banner, gate).
///
/// Returns `None`, after saying why on the console, when the page has no valid config: then
/// nothing is shown and every held element stays held.
pub fn boot() -> Option<Rc<RefCell<Controller>>> {
    let window = web_sys::window()?;
    let document = window.document()?;
    let config = read_config(&document)
        .map_err(|problems| {
            for problem in problems {
                report::error(&problem);
            }
            report::error("every gated element stays blocked until the config is fixed");
        })
        .ok()?;
    let protocol = window.location().protocol().unwrap_or_default();
    let cookie = CookieStore::new(&document, protocol, config.cookie.clone());
    let local = LocalStore::new(&window, config.cookie.name.clone());
    let (stored, refusals) = load_each(&[&cookie as &dyn RecordStore, &local]);
    for refusal in refusals {
        report::warn(&format!(
            "{refusal}; the visitor's decision is read from elsewhere or asked again"
        ));
    }
    let (consent, effects) = Consent::restore(&config, stored, &context(&window, &config));
    let controller = Rc::new(RefCell::new(Controller {
        window,
        document,
        config,
        consent,
        cookie,
        local,
        banner: None,
        on_visible: None,
    }));
    watch_expiry(&controller);
    perform(&controller, effects);
    announce(&controller.borrow().document, EVENT_READY, None);
    Some(controller)
}

impl Controller {
    /// The consent in force.
    pub fn consent(&self) -> &Consent {
        &self.consent
    }

    /// The site's config.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Whether the banner is on the page.
    pub fn banner(&self) -> Option<&Banner> {
        self.banner.as_ref()
    }
}

impl Drop for Controller {
    fn drop(&mut self) {
        if let Some(listener) = self.on_visible.take() {
            let _ = self.document.remove_event_listener_with_callback(
                VISIBILITY_CHANGE,
                listener.as_ref().unchecked_ref(),
            );
        }
    }
}

const VISIBILITY_CHANGE: &str = "visibilitychange";

/// A tab left open past the record's expiry must ask again: core is asked whenever the page
/// becomes visible.
fn watch_expiry(controller: &Rc<RefCell<Controller>>) {
    let weak = Rc::downgrade(controller);
    let listener = Closure::<dyn FnMut()>::new(move || {
        if let Some(controller) = weak.upgrade() {
            recheck(&controller);
        }
    });
    let this = controller.borrow();
    let added = this
        .document
        .add_event_listener_with_callback(VISIBILITY_CHANGE, listener.as_ref().unchecked_ref());
    drop(this);
    match added {
        Ok(()) => controller.borrow_mut().on_visible = Some(listener),
        Err(e) => report::warn(&format!(
            "cannot watch for the decision expiring while the page is open: {}",
            describe(&e)
        )),
    }
}

/// Carries out what core says when the record in force has lapsed since the page loaded.
pub fn recheck(controller: &Rc<RefCell<Controller>>) {
    let effects = {
        let mut this = controller.borrow_mut();
        if this.document.hidden() {
            return;
        }
        let Some((consent, effects)) = this.consent.recheck(&this.config, now()) else {
            return;
        };
        this.consent = consent;
        effects
    };
    perform(controller, effects);
}

/// Applies `action` by `source` and carries out its effects.
///
/// # Errors
/// The action names a category or service the config does not allow choosing; nothing changed.
pub fn act(
    controller: &Rc<RefCell<Controller>>,
    action: &Action,
    source: Source,
) -> Result<(), ChoiceError> {
    let effects = {
        let mut this = controller.borrow_mut();
        let ctx = context(&this.window, &this.config);
        let (consent, effects) = this.consent.apply(&this.config, action, source, &ctx)?;
        this.consent = consent;
        effects
    };
    perform(controller, effects);
    Ok(())
}

/// Carries out core's effects in order. No borrow is held while the page's code may run
/// (released scripts run synchronously when inserted; event listeners run on dispatch).
fn perform(controller: &Rc<RefCell<Controller>>, effects: Vec<Effect>) {
    for effect in effects {
        match effect {
            Effect::Persist {
                value,
                max_age_secs,
            } => persist(&controller.borrow(), &value, max_age_secs),
            Effect::ShowBanner(_) => show_banner(controller),
            Effect::HideBanner => {
                let banner = controller.borrow_mut().banner.take();
                drop(banner);
            }
            Effect::Purge(purge) => remove_traces(&controller.borrow(), &purge),
            Effect::Activate(_) => {
                let (document, config, consent) = {
                    let this = controller.borrow();
                    (
                        this.document.clone(),
                        this.config.clone(),
                        this.consent.clone(),
                    )
                };
                if let Err(e) = gate::evaluate(&document, &config, &consent) {
                    report::error(&format!(
                        "releasing consented elements failed: {}",
                        describe(&e)
                    ));
                }
            }
            Effect::Changed(change) => {
                let document = controller.borrow().document.clone();
                let detail = change_detail(&change);
                if change.first {
                    announce(&document, EVENT_CONSENT, Some(&detail));
                }
                announce(&document, EVENT_CHANGE, Some(&detail));
            }
            // Google Consent Mode and consent receipts are not connected to the page yet; the
            // README's feature list says so.
            Effect::ConsentMode(_) | Effect::Receipt(_) => {}
        }
    }
}

fn persist(this: &Controller, value: &str, max_age_secs: u64) {
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
/// reports those that survived (set `HttpOnly` by a server, or on a path not declared).
fn remove_traces(this: &Controller, purge: &Purge) {
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
        Ok(cookie::survivors(&after, &purge.cookies)
            .into_iter()
            .map(str::to_owned)
            .collect())
    })();
    match result {
        Ok(survivors) if survivors.is_empty() => {}
        Ok(survivors) => report::warn(&format!(
            "withdrawn, but these cookies could not be deleted from the page (HttpOnly or another path: delete them on the server): {}",
            survivors.join(", ")
        )),
        Err(e) => report::warn(&format!("purging withdrawn services: {e}")),
    }
}

fn show_banner(controller: &Rc<RefCell<Controller>>) {
    if controller.borrow().banner.is_some() {
        return;
    }
    let weak: Weak<RefCell<Controller>> = Rc::downgrade(controller);
    let on_action = move |action: Action| {
        if let Some(controller) = weak.upgrade() {
            if let Err(e) = act(&controller, &action, Source::Visitor) {
                report::error(&e.to_string());
            }
        }
    };
    let shown = {
        let this = controller.borrow();
        Banner::show(&this.document, &this.config, on_action)
    };
    match shown {
        Ok(banner) => controller.borrow_mut().banner = Some(banner),
        Err(e) => report::error(&format!(
            "the banner could not be shown ({}); every optional category stays refused",
            describe(&e)
        )),
    }
}

/// The site's config from its `<script type="application/json" id="consent-gate-config">`.
fn read_config(document: &Document) -> Result<Config, Vec<String>> {
    let element = document.get_element_by_id(CONFIG_ELEMENT_ID).ok_or_else(|| {
        vec![format!(
            "no config: add <script type=\"application/json\" id=\"{CONFIG_ELEMENT_ID}\"> before the consent-gate script"
        )]
    })?;
    let text = element.text_content().unwrap_or_default();
    Config::from_json(&text).map_err(|errors| {
        errors
            .iter()
            .map(|e| format!("#{CONFIG_ELEMENT_ID} {e}"))
            .collect()
    })
}

/// What core needs to know about this moment: the clock, the language, the privacy signal, and
/// fresh randomness for a new consent id.
fn context(window: &Window, config: &Config) -> Context {
    let gpc = Reflect::get(window, &"navigator".into())
        .and_then(|navigator| Reflect::get(&navigator, &"globalPrivacyControl".into()))
        .is_ok_and(|value| value.is_truthy());
    Context {
        now: now(),
        language: config.language.clone(),
        gpc,
        fresh_id: record::consent_id(random_bytes(window)),
    }
}

/// 16 bytes from `crypto.getRandomValues`; from `Math.random` where that is refused (the id only
/// needs to be unlikely to repeat, not secret).
fn random_bytes(window: &Window) -> [u8; 16] {
    let mut bytes = [0u8; 16];
    let drawn = window
        .crypto()
        .and_then(|crypto| crypto.get_random_values_with_u8_array(&mut bytes));
    if drawn.is_err() {
        for byte in &mut bytes {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes
}

/// The `detail` of a change event: `{ first, method, granted: { categories, services }, revoked }`.
fn change_detail(change: &Change) -> JsValue {
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
    detail.into()
}

/// Dispatches the event `name` on `document`, with `detail` if given. A listener that throws is
/// reported by the browser and does not reach us.
fn announce(document: &Document, name: &str, detail: Option<&JsValue>) {
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

/// Unix seconds by the browser's clock (0 if the clock reads before 1970).
fn now() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}
