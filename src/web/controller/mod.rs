//! The page's one controller, the gate: reads the config and the stored record at start, and
//! carries out core's effects at start and after every action. The interface (banner, dialog,
//! settings button, placeholders, [`crate::web::interface`]) is in the same module, attached only
//! when one of them must be shown, and shows the views built here from the gate's own config,
//! consent and language.

use crate::core::autoblock;
use crate::core::config::Config;
use crate::core::consent::{Action, ChoiceError, Consent, Context, Source};
use crate::core::contract::EVENT_HIDE;
use crate::core::i18n;
use crate::core::lifecycle::Lifecycle;
use crate::core::plan::{self, Kept, Origin};
use crate::core::record;
use crate::core::store::{RecordStore, load_each};
use crate::core::view::{self, Command, Control, Surface};
use crate::web::gate;
use crate::web::integrations::Integrations;
use crate::web::intercept::{self, Interceptor};
use crate::web::interface::Interface;
use crate::web::listener::Listener;
use crate::web::page::{self, now};
use crate::web::receipts::Outbox;
use crate::web::report::{self, describe};
use crate::web::storage::{CookieStore, LocalStore};
use crate::web::sync::TabSync;
use js_sys::{Array, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Window};

#[wasm_bindgen]
extern "C" {
    /// What the small gate handed over (the full gate's loader defines it; elsewhere it throws).
    #[wasm_bindgen(catch, js_name = __cgHandoff)]
    fn handoff_object() -> Result<JsValue, JsValue>;
    /// The built-in words the interface file carries beside the module (its loader defines it).
    #[wasm_bindgen(catch, js_name = __cgWords)]
    fn words_text() -> Result<JsValue, JsValue>;
}

mod effects;
mod interface;

use effects::{announce, perform};
pub use interface::show_preferences;
use interface::{
    hide_interface, interface_later, interface_ready, readiness, show_banner, sync_placeholders,
    want_interface,
};

/// What the small gate (`consent-gate.js`) hands the full gate when it loads it (README, "Two
/// modules"): its interception layer, and, when it was following a returning visitor's plan,
/// the record the page ran under and whether readiness was announced.
struct Handoff {
    layer: JsValue,
    /// The small gate followed a plan: the page already runs under `previous`.
    takeover: bool,
    /// The cookie and mirror values the plan was made for.
    previous: [Option<String>; 2],
    /// The plan followed came from storage, not from the page.
    kept: bool,
    announced: bool,
    /// The Consent Mode entries the small gate pushed to `dataLayer`.
    data_layer: Vec<JsValue>,
    /// The full gate's own `<script>`: an inserted one starts after its module compiled, when
    /// it is no longer `document.currentScript`.
    script: Option<web_sys::HtmlScriptElement>,
    /// The control the visitor used on the banner the small gate drew from an undecided
    /// visitor's plan, and whether the browser said they did (a trusted event).
    clicked: Option<(Control, bool)>,
}

/// The built-in words the interface file carries beside the module's English, if they are whole.
fn given_words() -> String {
    let words = words_text()
        .ok()
        .and_then(|w| w.as_string())
        .unwrap_or_default();
    match i18n::check_words(&words) {
        Ok(()) => words,
        Err(problem) => {
            report::error(problem);
            String::new()
        }
    }
}

fn handoff() -> Option<Handoff> {
    let object = handoff_object().ok().filter(JsValue::is_object)?;
    let get = |key: &str| Reflect::get(&object, &key.into()).unwrap_or(JsValue::UNDEFINED);
    gate::adopt_trusted_types(get("tt"));
    let previous = get("previous")
        .dyn_into::<Array>()
        .map(|p| [p.get(0).as_string(), p.get(1).as_string()])
        .unwrap_or_default();
    Some(Handoff {
        layer: get("layer"),
        takeover: get("takeover").is_truthy(),
        previous,
        kept: get("kept").is_truthy(),
        announced: get("announced").is_truthy(),
        data_layer: get("dataLayer")
            .dyn_into::<Array>()
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        script: get("script").dyn_into().ok(),
        clicked: get("clicked").dyn_into::<Array>().ok().and_then(|c| {
            let control = Control::from_name(&c.get(0).as_string()?)?;
            Some((control, c.get(1).is_truthy()))
        }),
    })
}

/// The consent in force on this page, where it is stored, and the interface.
pub struct Controller {
    window: Window,
    document: Document,
    /// Shared, not cloned: the gate's pass over the document holds it while the controller may
    /// be borrowed again (a deep clone of every category and service is code of its own).
    config: Rc<Config>,
    /// Shared for the same reason as `config`.
    consent: Rc<Consent>,
    language: String,
    cookie: CookieStore,
    local: LocalStore,
    ui: Option<Interface>,
    /// The interface's progress, and readiness: core's to decide.
    life: Lifecycle,
    /// How the small gate draws the settings button, from the interface, for the plan.
    button_drawn: Option<String>,
    /// What the plan in storage was made for, where this page view knows.
    kept: Option<Kept>,
    /// The page's `data-consent-action="show-preferences"` elements.
    opener: Option<Listener>,
    nonce: String,
    on_visible: Option<Closure<dyn FnMut()>>,
    on_ready: Option<Closure<dyn FnMut()>>,
    interceptor: Option<Interceptor>,
    integrations: Integrations,
    outbox: Option<Outbox>,
    tabs: Option<TabSync>,
    waiting: Vec<js_sys::Function>,
    /// The config element's text, which a returning visitor's plan is made for.
    config_text: String,
}

/// Says so when the page carries a plan the small gate will never follow (made for another
/// config text, release or site): each first visit then waits for this module.
fn stale_page_plan(window: &Window, document: &Document, config_text: &str) {
    let Some(carried) = document
        .get_element_by_id(crate::core::contract::PLAN_ELEMENT_ID)
        .and_then(|element| element.text_content())
    else {
        return;
    };
    let location = window.location();
    let (Ok(host), Ok(protocol)) = (location.hostname(), location.protocol()) else {
        return;
    };
    let origin = Origin {
        host: &host,
        protocol: &protocol,
    };
    if !plan::page_plan_followed(&carried, config_text, origin) {
        report::warn(&format!(
            "#{} is not the plan for this config, this release and {}: a first visit waits for the interface module until `consent-gate plan` writes it again",
            crate::core::contract::PLAN_ELEMENT_ID,
            origin.site()
        ));
    }
}

/// Starts consent-gate on the current page: reads the config, restores the stored decision and
/// carries out what core says (banner, gate).
///
/// Returns `None`, after saying why on the console, when the page has no valid config: then
/// nothing is shown and every held element stays held.
pub fn boot() -> Option<Rc<RefCell<Controller>>> {
    let window = web_sys::window()?;
    let document = window.document()?;
    let handoff = handoff();
    let mut config = page::read_config(&document)
        .map_err(|problems| {
            for problem in problems {
                report::error(&problem);
            }
            report::error("every gated element stays blocked until the config is fixed");
        })
        .ok()?;
    config.words = given_words();
    let protocol = window.location().protocol().unwrap_or_default();
    let cookie = CookieStore::new(&document, protocol, config.cookie.clone());
    let local = LocalStore::new(&window, config.cookie.name.clone());
    let (stored, refusals) = load_each(&[&cookie as &dyn RecordStore, &local]);
    for refusal in refusals {
        report::warn(&format!(
            "{refusal}; the visitor's decision is read from elsewhere or asked again"
        ));
    }
    let language = pick_language(&window, &document, &config);
    let config_text = document
        .get_element_by_id(crate::core::contract::CONFIG_ELEMENT_ID)
        .and_then(|element| element.text_content())
        .unwrap_or_default();
    stale_page_plan(&window, &document, &config_text);
    let ctx = context(&window, &language);
    let (consent, effects, follow) = match handoff.as_ref().filter(|h| h.takeover) {
        Some(takeover) => Consent::take_over(&config, takeover.previous.to_vec(), stored, &ctx),
        None => {
            let (consent, effects) = Consent::restore(&config, stored, &ctx);
            (consent, effects, None)
        }
    };
    // The full gate is a classic script (written or inserted by the small gate): the loader is
    // `currentScript` (or, started after an off-thread compile, the element the small gate
    // names), and its nonce (readable only as a property) is the page's.
    let script = document
        .current_script()
        .and_then(|script| script.dyn_into::<web_sys::HtmlScriptElement>().ok())
        .or_else(|| handoff.as_ref().and_then(|h| h.script.clone()));
    let nonce = script.as_ref().map(|s| s.nonce()).unwrap_or_default();
    let controller = Rc::new(RefCell::new(Controller {
        window,
        document,
        config: Rc::new(config),
        consent: Rc::new(consent),
        language,
        cookie,
        local,
        ui: None,
        life: Lifecycle::new(handoff.as_ref().is_some_and(|h| h.announced)),
        button_drawn: None,
        kept: handoff
            .as_ref()
            .filter(|h| h.takeover && h.kept)
            .map(|h| Kept::followed(h.previous[0].clone(), h.previous[1].clone())),
        opener: None,
        nonce,
        on_visible: None,
        on_ready: None,
        interceptor: None,
        integrations: Integrations::default(),
        outbox: None,
        tabs: None,
        waiting: Vec::new(),
        config_text,
    }));
    {
        let mut this = controller.borrow_mut();
        let key = this.config.cookie.name.clone();
        this.outbox = this
            .config
            .log_endpoint
            .clone()
            .map(|endpoint| Outbox::new(&this.window, endpoint, format!("{key}_outbox")));
        let weak = Rc::downgrade(&controller);
        let on_value = move |value: String| {
            if let Some(controller) = weak.upgrade() {
                adopt(&controller, value);
            }
        };
        this.tabs = Some(TabSync::new(&this.window, &key, on_value));
    }
    let (layer, entries, clicked) = match handoff {
        Some(h) => (Some(h.layer), h.data_layer, h.clicked),
        None => (None, Vec::new(), None),
    };
    let interceptor = {
        let asked = Rc::downgrade(&controller);
        let told = asked.clone();
        // The controller is borrowed mutably only while core decides, when no page code runs;
        // should the layer ask then, core's answer for an unread consent holds.
        let hold = move |href: &str, foreign: bool| {
            let controller = asked.upgrade()?;
            match controller.try_borrow() {
                Ok(this) => autoblock::hold(&this.config, &this.consent, href),
                Err(_) => autoblock::hold_unread(foreign),
            }
        };
        let parsed = move || {
            if let Some(controller) = told.upgrade() {
                parsed(&controller);
            }
        };
        let nonce = controller.borrow().nonce.clone();
        intercept::install(hold, parsed, layer, &nonce)
    };
    {
        let mut this = controller.borrow_mut();
        this.interceptor = Some(interceptor);
        if !entries.is_empty() {
            let window = this.window.clone();
            this.integrations.guard(&window, entries);
        }
    }
    watch_expiry(&controller);
    watch_openers(&controller);
    perform(&controller, effects);
    // A banner is due: the interface downloads while the parser reaches `<body>`, where it shows.
    if controller.borrow().consent.prompt().is_some() {
        want_interface(&controller);
    }
    if let Some(current) = follow {
        adopt(&controller, current);
    }
    interface_later(&controller);
    if let Some((control, trusted)) = clicked {
        use_control(
            &controller,
            control,
            Surface::Banner,
            Source::of_event(trusted),
        );
    }
    Some(controller)
}

/// What the parser's insertions call for, in a task after them: the interface once `<body>` is
/// there (its first child, while the rest of the page is still parsed and without waiting for
/// `DOMContentLoaded`), else the release of what was added.
pub fn parsed(controller: &Rc<RefCell<Controller>>) {
    let body = {
        let this = controller.borrow();
        this.life.body_arrives(this.document.body().is_some())
    };
    if body {
        interface_ready(controller);
    } else {
        release_granted(controller);
    }
}

/// The page's "Cookie settings" links (`data-consent-action="show-preferences"`) open the
/// preferences, attaching the interface first if it is not up.
fn watch_openers(controller: &Rc<RefCell<Controller>>) {
    let weak = Rc::downgrade(controller);
    let document = controller.borrow().document.clone();
    let selector = view::opener_selector();
    let listener = Listener::new(&document, "click", false, move |event| {
        let opener = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest(&selector).ok().flatten());
        if opener.is_some() {
            event.prevent_default();
            if let Some(controller) = weak.upgrade() {
                show_preferences(&controller);
            }
        }
    });
    match listener {
        Ok(listener) => controller.borrow_mut().opener = Some(listener),
        Err(e) => report::warn(&format!(
            "the page's cookie-settings links could not be watched: {}",
            describe(&e)
        )),
    }
}

/// Applies a decision another tab stored (its message says `posted`; the stores say what holds).
fn adopt(controller: &Rc<RefCell<Controller>>, posted: String) {
    let effects = {
        let mut this = controller.borrow_mut();
        let stores = [&this.cookie as &dyn RecordStore, &this.local];
        let (stored, _) = load_each(&stores);
        let Some((consent, effects)) = this.consent.follow(&this.config, stored, posted, now())
        else {
            return;
        };
        this.consent = Rc::new(consent);
        effects
    };
    perform(controller, effects);
}

/// Erases the visitor's record, purges, tells the log endpoint and asks again (the API's
/// `forget()`).
pub fn forget(controller: &Rc<RefCell<Controller>>) {
    let effects = {
        let mut this = controller.borrow_mut();
        let ctx = context(&this.window, &this.language);
        let (consent, effects) = this.consent.forget(&this.config, &ctx);
        this.consent = Rc::new(consent);
        effects
    };
    perform(controller, effects);
}

/// Shows the banner again without changing the consent (the API's `show()`).
pub fn show(controller: &Rc<RefCell<Controller>>) {
    show_banner(controller);
}

/// Hides the banner and the preferences without deciding (the API's `hide()`).
pub fn hide(controller: &Rc<RefCell<Controller>>) {
    hide_interface(controller);
}

/// Shows the interface in `language` from now on (the API's `setLanguage()`).
///
/// # Errors
/// The site does not offer that language.
pub fn set_language(controller: &Rc<RefCell<Controller>>, code: &str) -> Result<(), String> {
    let ui = {
        let mut this = controller.borrow_mut();
        let language = view::offered_language(&this.config, code)?.to_owned();
        this.language = language;
        this.ui.clone()
    };
    let Some(ui) = ui else {
        return Ok(());
    };
    // Shown again in the new language; the settings button is drawn again by `perform`.
    let (banner, dialog) = ui.shown();
    if banner {
        show_banner(controller);
    }
    if dialog {
        show_preferences(controller);
    }
    let _ = ui.settings_button(None);
    perform(controller, Vec::new());
    Ok(())
}

/// Resolves `resolve` once consent-gate is ready (at once if it is).
pub fn when_ready(controller: &Rc<RefCell<Controller>>, resolve: js_sys::Function) {
    let ready = controller.borrow().life.is_ready();
    if ready {
        let readiness = readiness(&controller.borrow());
        let _ = resolve.call1(&JsValue::UNDEFINED, &readiness);
    } else {
        controller.borrow_mut().waiting.push(resolve);
    }
}

/// Releases what the consent in force allows among the held elements now in the document.
pub fn release_granted(controller: &Rc<RefCell<Controller>>) {
    let (document, config, consent, nonce, injected) = {
        let this = controller.borrow();
        let layer = this.interceptor.as_ref().map(Interceptor::injected);
        (
            this.document.clone(),
            this.config.clone(),
            this.consent.clone(),
            this.nonce.clone(),
            layer,
        )
    };
    // Before the layer is installed nothing can tell: every script counts as injected.
    let injected = |element: &web_sys::Element| injected.as_ref().is_none_or(|f| f(element));
    if let Err(e) = gate::evaluate(&document, &config, &consent, &nonce, &injected) {
        report::error(&format!(
            "releasing consented elements failed: {}",
            describe(&e)
        ));
    }
    sync_placeholders(controller);
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

    /// The interface, once it is up.
    pub fn ui(&self) -> Option<&Interface> {
        self.ui.as_ref()
    }

    /// The language the interface is shown in.
    pub fn language(&self) -> &str {
        &self.language
    }

    /// What a view is built from, held apart from the controller: the interface (once up), the
    /// config and the language. No borrow may be held while the interface draws, as a control's
    /// report comes back here.
    fn for_views(&self) -> (Option<Interface>, Rc<Config>, String) {
        (self.ui.clone(), self.config.clone(), self.language.clone())
    }
}

/// Carries out what a control means where it was used.
pub fn use_control(
    controller: &Rc<RefCell<Controller>>,
    control: Control,
    surface: Surface,
    source: Source,
) {
    let decided = match view::command(control, surface) {
        Command::Decide(action) => act(controller, &action, source),
        Command::SaveToggles => {
            let ui = controller.borrow().ui.clone();
            let toggles = ui.map(|ui| ui.toggles()).transpose().unwrap_or_else(|e| {
                report::error(&format!("the switches could not be read: {}", describe(&e)));
                None
            });
            let Some((categories, services)) = toggles else {
                return;
            };
            let choices =
                view::choices_from_toggles(&controller.borrow().config, categories, services);
            act(controller, &Action::Set(choices), source)
        }
        Command::OpenPreferences => {
            show_preferences(controller);
            Ok(())
        }
        Command::ClosePreferences => {
            controller.borrow_mut().life.close_preferences();
            let ui = controller.borrow().ui.clone();
            // The visitor closed what `show` announced (×, Escape): say so as for a decision.
            if ui.is_some_and(|ui| ui.hide_preferences()) {
                let document = controller.borrow().document.clone();
                announce(&document, EVENT_HIDE, None);
            }
            Ok(())
        }
        // Placeholder controls live in the placeholders' own roots (`use_placeholder`).
        Command::LoadOnce | Command::AllowEmbed => Ok(()),
    };
    if let Err(e) = decided {
        report::error(&e.to_string());
    }
}

impl Drop for Controller {
    fn drop(&mut self) {
        for (event, listener) in [
            (VISIBILITY_CHANGE, self.on_visible.take()),
            ("DOMContentLoaded", self.on_ready.take()),
        ] {
            if let Some(listener) = listener {
                let _ = self
                    .document
                    .remove_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
            }
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
        this.consent = Rc::new(consent);
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
        let mut ctx = context(&this.window, &this.language);
        // A visitor decides on the words the interface shows: this config's, in this language.
        if matches!(source, Source::Visitor) && this.ui.is_some() {
            ctx.texts_hash = crate::core::texts::texts_hash(&this.config, &this.language);
        }
        let (consent, effects) = this.consent.apply(&this.config, action, source, &ctx)?;
        this.consent = Rc::new(consent);
        effects
    };
    perform(controller, effects);
    Ok(())
}

/// The language to show: the config's `displayLanguage`, else `<html lang>`, else the browser's
/// `navigator.languages`, among those the config offers.
fn pick_language(window: &Window, document: &Document, config: &Config) -> String {
    let html_lang = document
        .document_element()
        .and_then(|html| html.get_attribute("lang"));
    let navigator: Vec<String> = Reflect::get(window, &"navigator".into())
        .and_then(|navigator| Reflect::get(&navigator, &"languages".into()))
        .ok()
        .filter(Array::is_array)
        .map(|languages| {
            Array::from(&languages)
                .iter()
                .filter_map(|l| l.as_string())
                .collect()
        })
        .unwrap_or_default();
    i18n::pick_language(
        &config.languages(),
        config.display_language.as_deref(),
        html_lang.as_deref(),
        &navigator,
    )
    .to_owned()
}

/// What core needs to know about this moment: the clock, the language, the privacy signal, and
/// fresh randomness for a new consent id.
fn context(window: &Window, language: &str) -> Context {
    let gpc = Reflect::get(window, &"navigator".into())
        .and_then(|navigator| Reflect::get(&navigator, &"globalPrivacyControl".into()))
        .is_ok_and(|value| value.is_truthy());
    Context {
        now: now(),
        language: language.to_owned(),
        gpc,
        fresh_id: record::consent_id(random_bytes(window)),
        texts_hash: crate::core::consent::UNKNOWN_TEXTS_HASH.into(),
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
