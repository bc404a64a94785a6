//! The page's one controller, the gate: reads the config and the stored record at start, and
//! carries out core's effects at start and after every action. The interface (banner, dialog,
//! settings button, placeholders) is another module ([`crate::web::interface`]), fetched only
//! when one of them must be shown and driven from here through [`Remote`].

use crate::core::autoblock;
use crate::core::config::Config;
use crate::core::consent::{
    Action, Change, ChoiceError, Consent, Context, Effect, Grants, Purge, Source,
};
use crate::core::contract::{
    ATTACH_GLOBAL, ATTR_INTERFACE, EMBED_SELECTOR, EVENT_CHANGE, EVENT_CONSENT, EVENT_HIDE,
    EVENT_READY, EVENT_SHOW, INTERFACE_FILE, PLAN_KEY, gate_call, interface as method,
};
use crate::core::cookie;
use crate::core::i18n;
use crate::core::lifecycle::{Button, Lifecycle};
use crate::core::plan::{Origin, Plan};
use crate::core::record;
use crate::core::store::{RecordStore, StoreError, load_each, save_each};
use crate::core::view::{self, Command, Control, Surface};
use crate::web::Callback;
use crate::web::gate;
use crate::web::integrations::Integrations;
use crate::web::intercept::{self, Interceptor};
use crate::web::listener::Listener;
use crate::web::page::{self, now};
use crate::web::receipts::Outbox;
use crate::web::remote::Remote;
use crate::web::report::{self, describe};
use crate::web::storage::{CookieStore, LocalStore};
use crate::web::sync::TabSync;
use js_sys::{Array, Function, Object, Reflect};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Window};

#[wasm_bindgen]
extern "C" {
    /// What the small gate handed over (the full gate's loader defines it; elsewhere it throws).
    #[wasm_bindgen(catch, js_name = __cgHandoff)]
    fn handoff_object() -> Result<JsValue, JsValue>;
}

/// What the small gate (`consent-gate.js`) hands the full gate when it loads it (README, "Two
/// modules"): its interception layer, and, when it was following a returning visitor's plan,
/// the record the page ran under and whether readiness was announced.
struct Handoff {
    layer: JsValue,
    /// The small gate followed a plan: the page already runs under `previous`.
    takeover: bool,
    /// The cookie and mirror values the plan was made for.
    previous: [Option<String>; 2],
    announced: bool,
    /// The Consent Mode entries the small gate pushed to `dataLayer`.
    data_layer: Vec<JsValue>,
    /// The full gate's own `<script>`: an inserted one starts after its module compiled, when
    /// it is no longer `document.currentScript`.
    script: Option<web_sys::HtmlScriptElement>,
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
        announced: get("announced").is_truthy(),
        data_layer: get("dataLayer")
            .dyn_into::<Array>()
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        script: get("script").dyn_into().ok(),
    })
}

/// How the gate brings the interface in: [`load_script`] on a page; the browser tests attach
/// the interface from their own instance.
pub type Loader = fn(&Rc<RefCell<Controller>>);

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
    ui: Option<Remote>,
    /// The interface's progress, and readiness: core's to decide.
    life: Lifecycle,
    /// The interface's `attach` function, once it arrived.
    start: Option<Function>,
    loader: Loader,
    /// Where the interface module is fetched from: beside the gate's own file.
    interface_url: Option<String>,
    /// How the small gate draws the settings button, from the interface, for the plan.
    button_drawn: Option<String>,
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

/// Starts consent-gate on the current page: reads the config, restores the stored decision and
/// carries out what core says (banner, gate).
///
/// Returns `None`, after saying why on the console, when the page has no valid config: then
/// nothing is shown and every held element stays held.
pub fn boot() -> Option<Rc<RefCell<Controller>>> {
    boot_with(load_script)
}

/// [`boot`], bringing the interface in with `loader` when it is needed.
pub fn boot_with(loader: Loader) -> Option<Rc<RefCell<Controller>>> {
    let window = web_sys::window()?;
    let document = window.document()?;
    let handoff = handoff();
    let config = page::read_config(&document)
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
    let config_text = document
        .get_element_by_id(crate::core::contract::CONFIG_ELEMENT_ID)
        .and_then(|element| element.text_content())
        .unwrap_or_default();
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
    let interface_url = interface_url(&document, script.as_ref());
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
        start: None,
        loader,
        interface_url,
        button_drawn: None,
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
    let (layer, entries) = match handoff {
        Some(h) => (Some(h.layer), h.data_layer),
        None => (None, Vec::new()),
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
    Some(controller)
}

/// Adds the interface in a task of its own: from `<head>` once the parser has added `<body>` (see
/// [`parsed`]; `DOMContentLoaded` if that is never seen), and a start that is already past
/// parsing (loaded late, or by the ES module) still yields once, so that the gate and the
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

/// Shows what the consent in force calls for (fetching the interface if anything must be shown)
/// and announces readiness once that is up. Once: the first of `<body>` parsed and
/// `DOMContentLoaded` (or, past parsing, a timer).
fn interface_ready(controller: &Rc<RefCell<Controller>>) {
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
/// could not be had).
fn settle(controller: &Rc<RefCell<Controller>>) {
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
fn readiness(this: &Controller) -> JsValue {
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

/// Starts fetching the interface module, unless it is here or on the way.
fn want_interface(controller: &Rc<RefCell<Controller>>) {
    let loader = {
        let mut this = controller.borrow_mut();
        if !this.life.fetch() {
            return;
        }
        this.loader
    };
    loader(controller);
}

/// The interface module's URL: the gate's `<script data-interface>`, else [`INTERFACE_FILE`]
/// beside the gate's own file.
fn interface_url(
    document: &Document,
    script: Option<&web_sys::HtmlScriptElement>,
) -> Option<String> {
    let base = document.base_uri().ok().flatten()?;
    if let Some(named) = script.and_then(|s| s.get_attribute(ATTR_INTERFACE)) {
        return web_sys::Url::new_with_base(&named, &base)
            .ok()
            .map(|url| url.href());
    }
    let gate = script.map(|s| s.src()).filter(|src| !src.is_empty())?;
    web_sys::Url::new_with_base(INTERFACE_FILE, &gate)
        .ok()
        .map(|url| url.href())
}

/// Inserts the interface module's `<script>` (with the page's nonce, through the Trusted Types
/// policy), and waits for it to call [`ATTACH_GLOBAL`].
pub fn load_script(controller: &Rc<RefCell<Controller>>) {
    let (window, document, url, nonce) = {
        let this = controller.borrow();
        (
            this.window.clone(),
            this.document.clone(),
            this.interface_url.clone(),
            this.nonce.clone(),
        )
    };
    let Some(url) = url else {
        return failed(controller, "its URL could not be worked out");
    };
    let inserted = (|| -> Result<(), JsValue> {
        let script: web_sys::HtmlScriptElement =
            document.create_element("script")?.unchecked_into();
        // Only the script inserted here may attach: it calls the hook while it runs, so it is
        // `document.currentScript` then. Another script calling the global (to report
        // "visitor" clicks the visitor never made) is ignored.
        let ours = script.clone();
        let weak = Rc::downgrade(controller);
        let once = Cell::new(false);
        let hook = Closure::<Callback>::new(move |version: JsValue, start: JsValue, _| {
            let caller = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.current_script());
            let ours: &JsValue = ours.as_ref();
            if caller.is_none_or(|caller| AsRef::<JsValue>::as_ref(&caller) != ours) {
                report::warn(
                    "a call to the interface's attach hook from another script was ignored",
                );
                return Ok(JsValue::UNDEFINED);
            }
            if once.replace(true) {
                return Ok(JsValue::UNDEFINED);
            }
            if let Some(window) = web_sys::window() {
                let _ = Reflect::delete_property(&window, &ATTACH_GLOBAL.into());
            }
            if let Some(controller) = weak.upgrade() {
                attach(&controller, version.as_string().unwrap_or_default(), start);
            }
            Ok(JsValue::UNDEFINED)
        });
        Reflect::set(&window, &ATTACH_GLOBAL.into(), &hook.into_js_value())?;
        script.set_nonce(&nonce);
        Reflect::set(
            &script,
            &"src".into(),
            &gate::trusted("createScriptURL", &url),
        )?;
        // The interface attaches while its script runs, so by `load` it has; a file that loaded
        // but never attached (an HTML error page, a script of something else) is a failure too.
        for (event, why) in [
            ("error", format!("{url} did not load")),
            (
                "load",
                format!("{url} loaded but did not attach: is it consent-gate.ui.js?"),
            ),
        ] {
            let weak = Rc::downgrade(controller);
            let done = Closure::once_into_js(move || {
                if let Some(controller) = weak.upgrade() {
                    if controller.borrow().life.script_done() {
                        failed(&controller, &why);
                    }
                }
            });
            script.add_event_listener_with_callback(event, done.unchecked_ref())?;
        }
        let parent = document
            .query_selector("head")
            .ok()
            .flatten()
            .or_else(|| document.document_element())
            .ok_or_else(|| JsValue::from_str("the page has no element to load it into"))?;
        intercept::allowing(|| parent.append_child(&script))?;
        Ok(())
    })();
    if let Err(e) = inserted {
        failed(controller, &describe(&e));
    }
}

/// The interface module has loaded: it starts once `<body>` is there.
///
/// `start` is the interface's `attach` function; where the interface could not start, it is
/// `null` and `version` says why.
pub fn attach(controller: &Rc<RefCell<Controller>>, version: String, start: JsValue) {
    let Ok(start) = start.dyn_into::<Function>() else {
        return failed(controller, &version);
    };
    let arrived = {
        let mut this = controller.borrow_mut();
        let arrived = this.life.arrive(&version, crate::web::interface::VERSION);
        this.start = arrived.is_ok().then_some(start);
        arrived
    };
    match arrived {
        Ok(()) => connect(controller),
        Err(why) => failed(controller, &why),
    }
}

/// Starts the interface that arrived, once `<body>` is there, and shows what was asked for.
fn connect(controller: &Rc<RefCell<Controller>>) {
    let (start, language) = {
        let this = controller.borrow();
        let Some(start) = this.start.clone().filter(|_| this.life.may_start()) else {
            return;
        };
        (start, this.language.clone())
    };
    let weak = Rc::downgrade(controller);
    let gate = Closure::<Callback>::new(move |kind: JsValue, a: JsValue, b: JsValue| {
        if let Some(controller) = weak.upgrade() {
            reported(&controller, kind.as_string().unwrap_or_default(), a, b);
        }
        Ok(JsValue::UNDEFINED)
    });
    let started = start.call2(&JsValue::UNDEFINED, &gate.into_js_value(), &language.into());
    let call = match started.and_then(|f| f.dyn_into::<Function>()) {
        Ok(call) => call,
        Err(e) => return failed(controller, &describe(&e)),
    };
    let wanted = {
        let mut this = controller.borrow_mut();
        this.ui = Some(Remote::new(call));
        this.start = None;
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

/// The interface could not be had: said on the console; what it would have shown stays unshown
/// and every optional category stays refused (nothing is released for it).
fn failed(controller: &Rc<RefCell<Controller>>, why: &str) {
    controller.borrow_mut().life.fail();
    report::error(&format!(
        "the consent interface could not be loaded ({why}); nothing more is released, and every optional category stays refused"
    ));
    settle(controller);
}

/// A control the interface reports.
fn reported(controller: &Rc<RefCell<Controller>>, kind: String, a: JsValue, b: JsValue) {
    let control = a.as_string().and_then(|name| Control::from_name(&name));
    let trusted = matches!(kind.as_str(), gate_call::CONTROL | gate_call::PLACEHOLDER);
    let source = Source::of_event(trusted);
    match (kind.as_str(), control) {
        (gate_call::CONTROL | gate_call::SCRIPTED_CONTROL, Some(control)) => {
            if let Some(surface) = b.as_string().and_then(|name| Surface::from_name(&name)) {
                use_control(controller, control, surface, source);
            }
        }
        (gate_call::PLACEHOLDER | gate_call::SCRIPTED_PLACEHOLDER, Some(control)) => {
            if let Ok(embed) = b.dyn_into::<web_sys::Element>() {
                use_placeholder(controller, control, &embed, source);
            }
        }
        _ => {}
    }
}

/// The page's "Cookie settings" links (`data-consent-action="show-preferences"`) open the
/// preferences, fetching the interface first if it is not here.
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
    let remote = {
        let mut this = controller.borrow_mut();
        let language = view::offered_language(&this.config, code)?.to_owned();
        this.language = language;
        this.ui.clone()
    };
    let Some(remote) = remote else {
        return Ok(());
    };
    if let Err(e) = remote.call(method::LANGUAGE, &code.into(), &JsValue::UNDEFINED) {
        report::warn(&format!(
            "the language could not be changed: {}",
            describe(&e)
        ));
    }
    let (banner, dialog) = remote.shown();
    if banner {
        show_banner(controller);
    }
    if dialog {
        show_preferences(controller);
    }
    let _ = remote.call(method::SETTINGS_BUTTON, &false.into(), &JsValue::UNDEFINED);
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

/// Puts a placeholder on every held embed, and takes them off released ones (once the page has a
/// body to show them in); a held embed on the page brings the interface in.
fn sync_placeholders(controller: &Rc<RefCell<Controller>>) {
    let (remote, document) = {
        let this = controller.borrow();
        (this.ui.clone(), this.document.clone())
    };
    match remote {
        Some(remote) => {
            if let Err(e) = remote.call(
                method::PLACEHOLDERS,
                &JsValue::UNDEFINED,
                &JsValue::UNDEFINED,
            ) {
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
fn use_placeholder(
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
    pub fn ui(&self) -> Option<&Remote> {
        self.ui.as_ref()
    }

    /// The language the interface is shown in.
    pub fn language(&self) -> &str {
        &self.language
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
            let remote = controller.borrow().ui.clone();
            let toggles = remote
                .map(|remote| {
                    remote.call(method::TOGGLES, &JsValue::UNDEFINED, &JsValue::UNDEFINED)
                })
                .transpose()
                .unwrap_or_else(|e| {
                    report::error(&format!("the switches could not be read: {}", describe(&e)));
                    None
                });
            let Some(toggles) = toggles else {
                return;
            };
            let toggles = Array::from(&toggles);
            let choices = view::choices_from_toggles(
                &controller.borrow().config,
                crate::web::interface::switches_from(&toggles.get(0)),
                crate::web::interface::switches_from(&toggles.get(1)),
            );
            act(controller, &Action::Set(choices), source)
        }
        Command::OpenPreferences => {
            show_preferences(controller);
            Ok(())
        }
        Command::ClosePreferences => {
            controller.borrow_mut().life.close_preferences();
            let remote = controller.borrow().ui.clone();
            if let Some(remote) = remote {
                let (_, dialog) = remote.shown();
                let _ = remote.call(
                    method::HIDE_PREFERENCES,
                    &JsValue::UNDEFINED,
                    &JsValue::UNDEFINED,
                );
                // The visitor closed what `show` announced (×, Escape): say so as for a decision.
                if dialog {
                    let document = controller.borrow().document.clone();
                    announce(&document, EVENT_HIDE, None);
                }
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

/// Opens the preferences dialog with the toggles as the consent in force has them, fetching the
/// interface first if it is not here.
pub fn show_preferences(controller: &Rc<RefCell<Controller>>) {
    let (now, remote, value, gpc) = {
        let mut this = controller.borrow_mut();
        let now = this.life.show_preferences();
        let gpc = context(&this.window, &this.language).gpc;
        let value = this
            .consent
            .record()
            .map(record::encode)
            .unwrap_or_default();
        (now, this.ui.clone(), value, gpc)
    };
    let Some(remote) = remote.filter(|_| now) else {
        return want_interface(controller);
    };
    match remote.call(method::SHOW_PREFERENCES, &value.into(), &gpc.into()) {
        Ok(_) => {
            let document = controller.borrow().document.clone();
            announce(&document, EVENT_SHOW, None);
        }
        Err(e) => report::error(&format!(
            "the preferences could not be shown: {}",
            describe(&e)
        )),
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
    // A visitor decides on the interface's words: it says which (the gate has none of its own).
    let remote = controller.borrow().ui.clone();
    let shown = match (source, remote) {
        (Source::Visitor, Some(remote)) => remote
            .call(method::TEXTS_HASH, &JsValue::UNDEFINED, &JsValue::UNDEFINED)
            .ok()
            .and_then(|hash| hash.as_string()),
        _ => None,
    };
    let effects = {
        let mut this = controller.borrow_mut();
        let mut ctx = context(&this.window, &this.language);
        if let Some(shown) = shown {
            ctx.texts_hash = shown;
        }
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
    let (button, remote) = {
        let mut this = controller.borrow_mut();
        let visible = view::settings_button_visible(&this.config, &this.consent);
        let loaded = this.document.ready_state() == "complete";
        (this.life.button(visible, loaded), this.ui.clone())
    };
    match (button, remote) {
        (Button::Draw(visible), Some(remote)) => {
            match remote.call(
                method::SETTINGS_BUTTON,
                &visible.into(),
                &JsValue::UNDEFINED,
            ) {
                Ok(drawn) => {
                    if let Some(drawn) = drawn.as_string() {
                        controller.borrow_mut().button_drawn = Some(drawn);
                    }
                }
                Err(e) => report::warn(&format!(
                    "the settings button could not be shown: {}",
                    describe(&e)
                )),
            }
        }
        (Button::Fetch, _) => want_interface(controller),
        (Button::FetchOnLoad, _) => want_interface_on_load(controller),
        _ => {}
    }
    remember(controller);
}

/// Keeps the plan for the next page view beside the record (or removes a stale one): where the
/// decision in force has settled, the small gate follows it and this file is not loaded.
fn remember(controller: &Rc<RefCell<Controller>>) {
    let this = controller.borrow();
    let name = &this.config.cookie.name;
    let Ok(header) = this.cookie.header() else {
        return;
    };
    let mirror = this.local.get(name).ok().flatten();
    let ctx = context(&this.window, &this.language);
    let location = this.window.location();
    let (Ok(host), Ok(protocol)) = (location.hostname(), location.protocol()) else {
        // No origin to work the purge out for: no plan.
        let _ = this.local.remove(PLAN_KEY);
        return;
    };
    let origin = Origin {
        host: &host,
        protocol: &protocol,
    };
    let plan = match record::cookie_values(&header, name).as_slice() {
        [value] => Plan::next_view(
            &this.config,
            &this.config_text,
            value,
            mirror.as_deref(),
            &ctx,
            origin,
            this.button_drawn.as_deref(),
        ),
        _ => None,
    };
    // A plan that cannot be stored is no plan: the next page view loads this file again.
    let _ = match plan {
        Some(plan) => this.local.set(PLAN_KEY, &plan.to_json()),
        None => this.local.remove(PLAN_KEY),
    };
}

/// Fetches the interface at the page's `load` (for the settings button alone: see
/// [`Button::FetchOnLoad`]).
fn want_interface_on_load(controller: &Rc<RefCell<Controller>>) {
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
fn lockdown(document: &Document, policy: &str) -> Result<(), JsValue> {
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
    let remote = {
        let mut this = controller.borrow_mut();
        this.life.hide();
        this.ui.clone()
    };
    let Some(remote) = remote else {
        return;
    };
    let (banner, dialog) = remote.shown();
    let none = JsValue::UNDEFINED;
    let _ = remote.call(method::HIDE_BANNER, &none, &none);
    let _ = remote.call(method::HIDE_PREFERENCES, &none, &none);
    if banner || dialog {
        let document = controller.borrow().document.clone();
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

/// Shows the banner, fetching the interface first if it is not here.
fn show_banner(controller: &Rc<RefCell<Controller>>) {
    let remote = {
        let mut this = controller.borrow_mut();
        let now = this.life.show_banner();
        this.ui.clone().filter(|_| now)
    };
    let Some(remote) = remote else {
        return want_interface(controller);
    };
    match remote.call(
        method::SHOW_BANNER,
        &JsValue::UNDEFINED,
        &JsValue::UNDEFINED,
    ) {
        Ok(_) => {
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
