//! The page's one controller: reads the config and the stored record at start, and carries out
//! core's effects at start and after every action.

use crate::core::config::Config;
use crate::core::consent::{
    Action, Change, ChoiceError, Consent, Context, Effect, Grants, Purge, Source,
};
use crate::core::contract::{
    CONFIG_ELEMENT_ID, EVENT_CHANGE, EVENT_CONSENT, EVENT_HIDE, EVENT_READY, EVENT_SHOW,
};
use crate::core::cookie;
use crate::core::i18n;
use crate::core::record;
use crate::core::store::{RecordStore, StoreError, load_each, save_each};
use crate::core::view::{self, BannerView, Command, Control, PreferencesView, Surface};
use crate::web::gate;
use crate::web::integrations::Integrations;
use crate::web::intercept::{self, Interceptor};
use crate::web::placeholder::{OnControl, Placeholders};
use crate::web::receipts::Outbox;
use crate::web::report::{self, describe};
use crate::web::storage::{CookieStore, LocalStore};
use crate::web::sync::TabSync;
use crate::web::ui::Ui;
use js_sys::{Array, Object, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Window};

/// The consent in force on this page, where it is stored, and the interface.
pub struct Controller {
    window: Window,
    document: Document,
    /// Shared, not cloned: the gate's pass over the document holds it while the controller may
    /// be borrowed again (a deep clone of every category and service was 0.4 KiB of code).
    config: Rc<Config>,
    /// Shared for the same reason as `config`.
    consent: Rc<Consent>,
    language: String,
    cookie: CookieStore,
    local: LocalStore,
    ui: Option<Ui>,
    nonce: String,
    on_visible: Option<Closure<dyn FnMut()>>,
    on_ready: Option<Closure<dyn FnMut()>>,
    interceptor: Option<Interceptor>,
    placeholders: Placeholders,
    on_placeholder: Option<OnControl>,
    integrations: Integrations,
    outbox: Option<Outbox>,
    tabs: Option<TabSync>,
    ready: bool,
    waiting: Vec<js_sys::Function>,
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
    let language = pick_language(&window, &document, &config);
    let (consent, effects) = Consent::restore(&config, stored, &context(&window, &language));
    // The classic build runs from <head>: the loader is `currentScript`, and its nonce (readable
    // only as a property, and only now) is the page's.
    let nonce = document
        .current_script()
        .and_then(|script| script.dyn_into::<web_sys::HtmlScriptElement>().ok())
        .map(|script| script.nonce())
        .unwrap_or_default();
    let controller = Rc::new(RefCell::new(Controller {
        window,
        document,
        config: Rc::new(config),
        consent: Rc::new(consent),
        language,
        cookie,
        local,
        ui: None,
        nonce,
        on_visible: None,
        on_ready: None,
        interceptor: None,
        placeholders: Placeholders::default(),
        on_placeholder: None,
        integrations: Integrations::default(),
        outbox: None,
        tabs: None,
        ready: false,
        waiting: Vec::new(),
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
    let window = controller.borrow().window.clone();
    let interceptor = intercept::install(&window, &controller);
    controller.borrow_mut().interceptor = Some(interceptor);
    watch_expiry(&controller);
    perform(&controller, effects);
    interface_later(&controller);
    Some(controller)
}

/// Adds the interface in a task of its own: from `<head>` (the classic build) once the parser has
/// added `<body>` (see [`parsed`]; `DOMContentLoaded` if that is never seen), and a start that is
/// already past parsing (the ES module build) still yields once, so that the gate and the
/// interface are two shorter tasks instead of one long one.
fn interface_later(controller: &Rc<RefCell<Controller>>) {
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

/// What the parser's insertions call for, in a task after them: the interface once `<body>` is
/// there (its first child, while the rest of the page is still parsed and without waiting for
/// `DOMContentLoaded`), else the release of what was added.
pub fn parsed(controller: &Rc<RefCell<Controller>>) {
    let waiting = {
        let this = controller.borrow();
        !this.ready && this.document.body().is_some()
    };
    if waiting {
        interface_ready(controller);
    } else {
        release_granted(controller);
    }
}

/// Adds the interface, shows what the consent in force calls for, and announces readiness.
/// Once: the first of `<body>` parsed and `DOMContentLoaded` (or, past parsing, a timer).
fn interface_ready(controller: &Rc<RefCell<Controller>>) {
    if controller.borrow().ready {
        return;
    }
    // Consented elements first: a returning visitor's scripts do not wait for the interface
    // (without one, releasing puts no placeholder up: that comes after it, below).
    release_granted(controller);
    attach_ui(controller);
    let asking = controller.borrow().consent.prompt().is_some();
    if asking {
        show_banner(controller);
    }
    perform(controller, Vec::new());
    sync_placeholders(controller);
    let outbox = controller.borrow().outbox.clone();
    if let Some(outbox) = outbox {
        outbox.flush();
    }
    let (document, waiting) = {
        let mut this = controller.borrow_mut();
        this.ready = true;
        (this.document.clone(), std::mem::take(&mut this.waiting))
    };
    announce(&document, EVENT_READY, None);
    for resolve in waiting {
        let _ = resolve.call0(&JsValue::UNDEFINED);
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
    let (banner, dialog) = {
        let mut this = controller.borrow_mut();
        let language = view::offered_language(&this.config, code)?.to_owned();
        this.language = language;
        let ui = this.ui.as_ref();
        (
            ui.is_some_and(|ui| ui.banner().is_some()),
            ui.is_some_and(|ui| ui.dialog().is_some()),
        )
    };
    if banner {
        show_banner(controller);
    }
    if dialog {
        show_preferences(controller);
    }
    if let Some(ui) = controller.borrow_mut().ui.as_mut() {
        ui.hide_settings_button();
    }
    perform(controller, Vec::new());
    Ok(())
}

/// Resolves `resolve` once consent-gate is ready (at once if it is).
pub fn when_ready(controller: &Rc<RefCell<Controller>>, resolve: js_sys::Function) {
    let ready = controller.borrow().ready;
    if ready {
        let _ = resolve.call0(&JsValue::UNDEFINED);
    } else {
        controller.borrow_mut().waiting.push(resolve);
    }
}

/// Releases what the consent in force allows among the held elements now in the document.
pub fn release_granted(controller: &Rc<RefCell<Controller>>) {
    let (document, config, consent, nonce) = {
        let this = controller.borrow();
        (
            this.document.clone(),
            this.config.clone(),
            this.consent.clone(),
            this.nonce.clone(),
        )
    };
    if let Err(e) = gate::evaluate(&document, &config, &consent, &nonce) {
        report::error(&format!(
            "releasing consented elements failed: {}",
            describe(&e)
        ));
    }
    sync_placeholders(controller);
}

/// Puts a placeholder on every held embed, and takes them off released ones (once the page has a
/// body to show them in).
fn sync_placeholders(controller: &Rc<RefCell<Controller>>) {
    if controller.borrow().ui.is_none() {
        return;
    }
    let on_control = controller.borrow().on_placeholder.clone();
    let on_control = on_control.unwrap_or_else(|| {
        let weak = Rc::downgrade(controller);
        let on_control: OnControl = Rc::new(move |control: Control, embed: web_sys::Element| {
            if let Some(controller) = weak.upgrade() {
                use_placeholder(&controller, control, &embed);
            }
        });
        controller.borrow_mut().on_placeholder = Some(on_control.clone());
        on_control
    });
    let mut this = controller.borrow_mut();
    let this = &mut *this;
    let (config, language) = (&this.config, &this.language);
    let view = |category: Option<&str>, service: Option<&str>| {
        view::PlaceholderView::new(config, language, category, service)
    };
    if let Err(e) = this.placeholders.sync(&this.document, &view, &on_control) {
        report::warn(&format!(
            "placeholders for blocked embeds could not be shown: {}",
            describe(&e)
        ));
    }
}

/// "Load once" releases that embed alone; "Always allow" grants its service.
fn use_placeholder(
    controller: &Rc<RefCell<Controller>>,
    control: Control,
    embed: &web_sys::Element,
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
                if let Err(e) = act(controller, &action, Source::Visitor) {
                    report::error(&e.to_string());
                }
            }
        }
        _ => {}
    }
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

    /// The interface, if the page could host it.
    pub fn ui(&self) -> Option<&Ui> {
        self.ui.as_ref()
    }

    /// The language the interface is shown in.
    pub fn language(&self) -> &str {
        &self.language
    }
}

/// The interface: banner, dialog and settings button, reporting their controls here.
fn attach_ui(controller: &Rc<RefCell<Controller>>) {
    let weak = Rc::downgrade(controller);
    let on_control = move |control: Control, surface: Surface| {
        if let Some(controller) = weak.upgrade() {
            use_control(&controller, control, surface);
        }
    };
    let ui = Ui::new(&controller.borrow().document, on_control);
    match ui {
        Ok(ui) => controller.borrow_mut().ui = Some(ui),
        Err(e) => report::error(&format!(
            "the consent interface could not be added to the page ({}); every optional category stays refused",
            describe(&e)
        )),
    }
}

/// Carries out what a control means where it was used.
pub fn use_control(controller: &Rc<RefCell<Controller>>, control: Control, surface: Surface) {
    let decided = match view::command(control, surface) {
        Command::Decide(action) => act(controller, &action, Source::Visitor),
        Command::SaveToggles => {
            let choices = {
                let this = controller.borrow();
                let (categories, services) = this.ui.as_ref().map(Ui::toggles).unwrap_or_default();
                view::choices_from_toggles(&this.config, categories, services)
            };
            act(controller, &Action::Set(choices), Source::Visitor)
        }
        Command::OpenPreferences => {
            show_preferences(controller);
            Ok(())
        }
        Command::ClosePreferences => {
            if let Some(ui) = controller.borrow_mut().ui.as_mut() {
                ui.hide_preferences();
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

/// Opens the preferences dialog with the toggles as the consent in force has them.
pub fn show_preferences(controller: &Rc<RefCell<Controller>>) {
    let mut this = controller.borrow_mut();
    let this = &mut *this;
    let gpc = context(&this.window, &this.language).gpc;
    let view = PreferencesView::with_gpc(&this.config, &this.consent, &this.language, gpc);
    if let Some(ui) = this.ui.as_mut() {
        if let Err(e) = ui.show_preferences(&view) {
            report::error(&format!(
                "the preferences could not be shown: {}",
                describe(&e)
            ));
        }
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
        let ctx = context(&this.window, &this.language);
        let (consent, effects) = this.consent.apply(&this.config, action, source, &ctx)?;
        this.consent = Rc::new(consent);
        effects
    };
    perform(controller, effects);
    Ok(())
}

/// Carries out core's effects in order. No borrow is held while the page's code may run
/// (released scripts run synchronously when inserted; event listeners run on dispatch).
fn perform(controller: &Rc<RefCell<Controller>>, effects: Vec<Effect>) {
    let mut survivors = Vec::new();
    let mut reload = false;
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
            Effect::Reload => reload = true,
            other => perform_one(controller, other),
        }
    }
    if reload {
        // After the events: listeners have heard of the withdrawal before the page goes.
        let location = controller.borrow().window.location();
        if let Err(e) = location.reload() {
            report::warn(&format!(
                "reload the page to stop what was withdrawn: {}",
                describe(&e)
            ));
        }
        return;
    }
    let mut this = controller.borrow_mut();
    let this = &mut *this;
    let visible = view::settings_button_visible(&this.config, &this.consent);
    let words = view::Words::new(&this.config, &this.language);
    let theme = this.config.theme.name();
    if let Some(ui) = this.ui.as_mut() {
        if !visible {
            ui.hide_settings_button();
        } else if let Err(e) = ui.show_settings_button(&words, theme) {
            report::warn(&format!(
                "the settings button could not be shown: {}",
                describe(&e)
            ));
        }
    }
}

fn perform_one(controller: &Rc<RefCell<Controller>>, effect: Effect) {
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
        Effect::Purge(_) | Effect::Changed(_) | Effect::Reload => {}
    }
}

/// Tells the tag vendors' consent interfaces the signal states (without holding the controller:
/// a site's `gtag` may call back into the page).
fn consent_calls(
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

fn hide_interface(controller: &Rc<RefCell<Controller>>) {
    let hidden = {
        let mut this = controller.borrow_mut();
        match this.ui.as_mut() {
            Some(ui) => {
                let shown = ui.banner().is_some() || ui.dialog().is_some();
                ui.hide_banner();
                ui.hide_preferences();
                shown.then(|| this.document.clone())
            }
            None => None,
        }
    };
    if let Some(document) = hidden {
        announce(&document, EVENT_HIDE, None);
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
/// returns (and reports) those that survived: set `HttpOnly` by a server, or on a path not
/// declared.
fn remove_traces(this: &Controller, purge: &Purge) -> Vec<String> {
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
        Ok(survivors) => {
            if !survivors.is_empty() {
                report::warn(&format!(
                    "cookies of services not consented to could not be deleted from the page (HttpOnly or another path: delete them on the server): {}",
                    crate::core::join(&survivors, ", ")
                ));
            }
            survivors
        }
        Err(e) => {
            report::warn(&format!("purging withdrawn services: {e}"));
            Vec::new()
        }
    }
}

fn show_banner(controller: &Rc<RefCell<Controller>>) {
    let shown = {
        let mut this = controller.borrow_mut();
        let this = &mut *this;
        let view = BannerView::new(&this.config, &this.language);
        match this.ui.as_mut() {
            Some(ui) => ui.show_banner(&view),
            None => return,
        }
    };
    match shown {
        Ok(()) => {
            let document = controller.borrow().document.clone();
            announce(&document, EVENT_SHOW, None);
        }
        Err(e) => report::error(&format!(
            "the banner could not be shown ({}); every optional category stays refused",
            describe(&e)
        )),
    }
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
        &view::languages(config),
        config.display_language.as_deref(),
        html_lang.as_deref(),
        &navigator,
    )
    .to_owned()
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
fn context(window: &Window, language: &str) -> Context {
    let gpc = Reflect::get(window, &"navigator".into())
        .and_then(|navigator| Reflect::get(&navigator, &"globalPrivacyControl".into()))
        .is_ok_and(|value| value.is_truthy());
    Context {
        now: now(),
        language: language.to_owned(),
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

/// The `detail` of a change event: `{ first, method, granted: { categories, services }, revoked,
/// survivors }` (survivors: cookies the purge could not delete).
fn change_detail(change: &Change, survivors: &[String]) -> JsValue {
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
