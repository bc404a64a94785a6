//! The page's one controller: reads the config and the stored record at start, shows the banner
//! when core says so, and carries out core's effects after every decision.

use crate::core::config::Config;
use crate::core::consent::{Consent, Decision, Effect};
use crate::core::contract::{CONFIG_ELEMENT_ID, EVENT_READY};
use crate::core::store::{RecordStore, load_each, save_each};
use crate::web::banner::Banner;
use crate::web::gate;
use crate::web::report::{self, describe};
use crate::web::storage::{CookieStore, LocalStore};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use web_sys::Document;

/// The consent in force on this page, where it is stored, and the banner while it is shown.
pub struct Controller {
    document: Document,
    config: Config,
    consent: Consent,
    cookie: CookieStore,
    local: LocalStore,
    banner: Option<Banner>,
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
    let cookie = CookieStore::new(&document, protocol);
    let local = LocalStore::new(&window);
    let (stored, refusals) = load_each(&[&cookie as &dyn RecordStore, &local]);
    for refusal in refusals {
        report::warn(&format!(
            "{refusal}; the visitor's decision is read from elsewhere or asked again"
        ));
    }
    let consent = Consent::restore(&config, stored, now());
    let effects = consent.start();
    let controller = Rc::new(RefCell::new(Controller {
        document,
        config,
        consent,
        cookie,
        local,
        banner: None,
    }));
    perform(&controller, effects);
    announce(&controller.borrow().document, EVENT_READY);
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

/// Applies the visitor's `decision` and carries out its effects.
pub fn decide(controller: &Rc<RefCell<Controller>>, decision: Decision) {
    let effects = {
        let mut this = controller.borrow_mut();
        let (consent, effects) = Consent::decide(&this.config, decision, now());
        this.consent = consent;
        effects
    };
    perform(controller, effects);
}

/// Carries out core's effects in order. No borrow is held while the page's code may run
/// (released scripts run synchronously when inserted).
fn perform(controller: &Rc<RefCell<Controller>>, effects: Vec<Effect>) {
    for effect in effects {
        match effect {
            Effect::ShowBanner => show_banner(controller),
            Effect::HideBanner => {
                let banner = controller.borrow_mut().banner.take();
                drop(banner);
            }
            Effect::Persist {
                value,
                max_age_secs,
            } => {
                let this = controller.borrow();
                let stores = [&this.cookie as &dyn RecordStore, &this.local];
                match save_each(&stores, &value, max_age_secs) {
                    Ok(refusals) => {
                        for refusal in refusals {
                            report::warn(&refusal.to_string());
                        }
                    }
                    Err(refusals) => {
                        for refusal in refusals {
                            report::warn(&refusal.to_string());
                        }
                        report::warn(
                            "the decision holds for this page only and will be asked again",
                        );
                    }
                }
            }
            Effect::EvaluateGate => {
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
        }
    }
}

fn show_banner(controller: &Rc<RefCell<Controller>>) {
    let weak: Weak<RefCell<Controller>> = Rc::downgrade(controller);
    let on_decision = move |decision| {
        if let Some(controller) = weak.upgrade() {
            decide(&controller, decision);
        }
    };
    let shown = {
        let this = controller.borrow();
        Banner::show(&this.document, &this.config, on_decision)
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
    let json = js_sys::JSON::parse(&text).map_err(|e| {
        vec![format!(
            "#{CONFIG_ELEMENT_ID} is not valid JSON: {}",
            describe(&e)
        )]
    })?;
    let config: Config = serde_wasm_bindgen::from_value(json)
        .map_err(|e| vec![format!("#{CONFIG_ELEMENT_ID}: {e}")])?;
    config.validate().map_err(|errors| {
        errors
            .iter()
            .map(|e| format!("#{CONFIG_ELEMENT_ID} {e}"))
            .collect::<Vec<_>>()
    })?;
    Ok(config)
}

/// Dispatches the event `name` on `document`. A listener that throws is reported by the browser
/// and does not reach us.
fn announce(document: &Document, name: &str) {
    let dispatched =
        web_sys::CustomEvent::new(name).and_then(|event| document.dispatch_event(&event));
    if let Err(e) = dispatched {
        report::warn(&format!("could not dispatch {name}: {}", describe(&e)));
    }
}

/// Unix seconds by the browser's clock (0 if the clock reads before 1970).
fn now() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}
