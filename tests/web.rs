//! The web layer in a real browser (headless Chromium through wasm-bindgen-test): the banner's
//! DOM, the cookie and localStorage stores, and the gate releasing real elements.
#![cfg(all(target_arch = "wasm32", feature = "web"))]

use consent_gate::core::config::{Config, CookieSettings};
use consent_gate::core::consent::{Action, Consent, Context, Source};
use consent_gate::core::contract::{
    API_FUNCTIONS, API_GLOBAL, CONFIG_ELEMENT_ID, COOKIE_NAME, EVENT_CHANGE, ROOT_ELEMENT_ID,
    STORAGE_KEY,
};
use consent_gate::core::store::RecordStore;
use consent_gate::core::view::{BannerView, Control, PreferencesView, Surface};
use consent_gate::web::storage::{CookieStore, LocalStore};
use consent_gate::web::ui::Ui;
use consent_gate::web::{controller, gate};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Document, Element, HtmlDocument, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

const PIXEL: &str =
    "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";

fn document() -> Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a test page has a document")
}

const CONFIG: &str = r#"{
  "privacyPolicyUrl": "/privacy",
  "reloadOnWithdraw": false,
  "categories": [
    { "id": "necessary", "required": true },
    { "id": "analytics" },
    { "id": "marketing" }
  ],
  "services": [
    { "id": "google-analytics", "category": "analytics",
      "cookies": [{ "name": "_ga" }, { "name": "_ga_*" }], "storage": ["ga_*"] },
    { "id": "youtube", "category": "marketing" }
  ]
}"#;

fn config() -> Config {
    Config::from_json(CONFIG).expect("the test config is valid")
}

/// The consent after `action` on a first visit.
fn decided(config: &Config, action: Action) -> Consent {
    let ctx = Context {
        now: 1_763_780_000,
        language: "en".into(),
        gpc: false,
        fresh_id: "AAAAAAAAAAAAAAAAAAAAAA".into(),
        texts_hash: "0000000000000000".into(),
    };
    let (consent, _) = Consent::default()
        .apply(config, &action, Source::Visitor, &ctx)
        .expect("a valid action");
    consent
}

/// Adds `html` to the body inside a fresh container (the test's own fixture) and returns it.
fn fixture(html: &str) -> Element {
    let container = document().create_element("div").expect("div");
    container.set_inner_html(html);
    document()
        .body()
        .expect("body")
        .append_child(&container)
        .expect("append");
    container
}

fn clear_stored_decision() {
    let document: HtmlDocument = document().unchecked_into();
    document
        .set_cookie(&format!("{COOKIE_NAME}=; Max-Age=0; Path=/"))
        .expect("cookie");
    if let Ok(Some(storage)) = web_sys::window().expect("window").local_storage() {
        storage.remove_item(STORAGE_KEY).expect("remove");
    }
}

fn global(name: &str) -> JsValue {
    js_sys::Reflect::get(&web_sys::window().expect("window"), &name.into()).expect("reflect")
}

/// The controls used, in order.
type Used = Rc<RefCell<Vec<(Control, Surface)>>>;

/// An interface whose controls report into the returned list.
fn ui() -> (Ui, Used) {
    let used: Used = Rc::default();
    let sink = used.clone();
    let ui = Ui::new(&document(), move |control, surface, _trusted| {
        sink.borrow_mut().push((control, surface))
    })
    .expect("an interface");
    (ui, used)
}

fn find(root: &web_sys::ShadowRoot, selector: &str) -> Element {
    root.query_selector(selector)
        .expect("a valid selector")
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

fn click(root: &web_sys::ShadowRoot, selector: &str) {
    find(root, selector).unchecked_into::<HtmlElement>().click();
}

#[wasm_bindgen_test]
fn the_full_gates_api_object_has_the_api_functions_and_no_others() {
    consent_gate::web::api::install();
    let api = global(API_GLOBAL);
    let mut names: Vec<String> = js_sys::Object::keys(api.unchecked_ref::<js_sys::Object>())
        .iter()
        .filter_map(|name| name.as_string())
        .collect();
    names.sort_unstable();
    let mut expected = API_FUNCTIONS.to_vec();
    expected.sort_unstable();
    assert_eq!(names, expected);
    for name in API_FUNCTIONS {
        let f = js_sys::Reflect::get(&api, &name.into()).expect("reflect");
        assert!(f.is_function(), "{name} is a function");
    }
}

#[wasm_bindgen_test]
fn banner_shows_config_text_as_text_never_as_html() {
    let mut config = config();
    config.texts = vec![
        (
            "title".into(),
            "<img src=x onerror=\"window.__pwned=1\">Cookies".into(),
        ),
        ("description".into(), "<b>bold</b> & \"quoted\"".into()),
    ];
    let (mut ui, _) = ui();
    ui.show_banner(&BannerView::new(&config, "en"))
        .expect("shown");
    let root = ui.root();
    assert_eq!(
        find(root, "h2").text_content().as_deref(),
        Some("<img src=x onerror=\"window.__pwned=1\">Cookies")
    );
    assert!(
        root.query_selector("img, b").expect("query").is_none(),
        "markup was parsed"
    );
    assert!(global("__pwned").is_undefined());
}

#[wasm_bindgen_test]
fn banner_is_a_labelled_region_first_in_the_body_with_three_equal_buttons() {
    let (mut ui, _) = ui();
    ui.show_banner(&BannerView::new(&config(), "en"))
        .expect("shown");
    let first = document()
        .body()
        .and_then(|b| b.first_element_child())
        .expect("a child");
    assert_eq!(first.id(), ROOT_ELEMENT_ID, "first in keyboard order");
    let region = find(ui.root(), "[data-consent-banner]");
    assert_eq!(region.get_attribute("role").as_deref(), Some("region"));
    assert_eq!(
        region.get_attribute("aria-labelledby").as_deref(),
        Some("cg-title")
    );
    assert_eq!(region.get_attribute("lang").as_deref(), Some("en"));
    let buttons = ui.root().query_selector_all("button").expect("query");
    let mut seen = Vec::new();
    for i in 0..buttons.length() {
        let button: Element = buttons.item(i).expect("item").unchecked_into();
        assert_eq!(button.get_attribute("type").as_deref(), Some("button"));
        assert_eq!(button.class_name(), "", "every control shares one style");
        seen.push((
            button.get_attribute("data-consent-action").expect("action"),
            button.text_content().expect("text"),
        ));
    }
    assert_eq!(
        seen,
        [
            ("reject-all".into(), "Reject all".into()),
            ("accept-all".into(), "Accept all".into()),
            ("customize".into(), "Customize".into()),
        ]
    );
}

#[wasm_bindgen_test]
fn controls_report_what_and_where_and_dropping_the_ui_removes_it() {
    let mut config = config();
    config.close_button = true;
    let (mut ui, used) = ui();
    ui.show_banner(&BannerView::new(&config, "en"))
        .expect("shown");
    click(
        ui.root(),
        "[data-consent-banner] [data-consent-action=reject-all]",
    );
    click(
        ui.root(),
        "[data-consent-banner] [data-consent-action=close]",
    );
    ui.show_preferences(&PreferencesView::new(&config, &Consent::default(), "en"))
        .expect("shown");
    click(
        ui.root(),
        "[data-consent-dialog] [data-consent-action=save]",
    );
    // The page's own "Cookie settings" links are the gate's to hear (see the test below).
    let opener =
        fixture(r##"<a href="#" data-consent-action="show-preferences">Cookie settings</a>"##);
    find_in_document(&opener, "a").click();
    assert_eq!(
        *used.borrow(),
        [
            (Control::RejectAll, Surface::Banner),
            (Control::Close, Surface::Banner),
            (Control::Save, Surface::Dialog),
        ]
    );
    opener.remove();
    drop(ui);
    assert!(document().get_element_by_id(ROOT_ELEMENT_ID).is_none());
}

fn find_in_document(container: &Element, selector: &str) -> HtmlElement {
    container
        .query_selector(selector)
        .expect("query")
        .expect("element")
        .unchecked_into()
}

#[wasm_bindgen_test]
fn banner_leaves_out_a_privacy_link_that_is_not_http_or_relative() {
    let mut config = config();
    config.privacy_policy_url = Some("javascript:alert(1)".into());
    let (mut ui, _) = ui();
    ui.show_banner(&BannerView::new(&config, "en"))
        .expect("shown");
    assert!(ui.root().query_selector("a").expect("query").is_none());
    config.privacy_policy_url = Some("/privacy".into());
    ui.show_banner(&BannerView::new(&config, "en"))
        .expect("shown");
    assert_eq!(
        find(ui.root(), "a").get_attribute("href").as_deref(),
        Some("/privacy")
    );
}

#[wasm_bindgen_test]
fn right_to_left_languages_are_marked() {
    let (mut ui, _) = ui();
    ui.show_banner(&BannerView::new(&config(), "ar"))
        .expect("shown");
    let banner = find(ui.root(), "[data-consent-banner]");
    assert_eq!(banner.get_attribute("dir").as_deref(), Some("rtl"));
    assert_eq!(banner.get_attribute("lang").as_deref(), Some("ar"));
    assert_eq!(
        find(ui.root(), "[data-consent-action=accept-all]")
            .text_content()
            .as_deref(),
        Some("قبول الكل")
    );
}

#[wasm_bindgen_test]
fn the_dialog_is_a_labelled_modal_with_nothing_pre_ticked() {
    let (mut ui, _) = ui();
    ui.show_preferences(&PreferencesView::new(&config(), &Consent::default(), "en"))
        .expect("shown");
    let dialog = ui.dialog().expect("open");
    assert!(dialog.open());
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    assert_eq!(
        dialog.get_attribute("aria-labelledby").as_deref(),
        Some("cg-p-title")
    );
    let switches = ui
        .root()
        .query_selector_all("input[role=switch]")
        .expect("query");
    let mut states = Vec::new();
    for i in 0..switches.length() {
        let input: HtmlInputElement = switches.item(i).expect("item").unchecked_into();
        states.push((input.value(), input.checked(), input.disabled()));
    }
    assert_eq!(
        states,
        [
            ("necessary".into(), true, true),
            ("analytics".into(), false, false),
            ("google-analytics".into(), false, false),
            ("marketing".into(), false, false),
            ("youtube".into(), false, false),
        ]
    );
    let header = find(ui.root(), "[data-consent-service=google-analytics] th");
    assert_eq!(header.text_content().as_deref(), Some("Cookie"));
    ui.hide_preferences();
    assert!(ui.dialog().is_none());
    assert!(ui.root().query_selector("dialog").expect("query").is_none());
}

#[wasm_bindgen_test]
fn a_category_switch_carries_its_services_and_the_toggles_are_read_back() {
    let (mut ui, _) = ui();
    ui.show_preferences(&PreferencesView::new(&config(), &Consent::default(), "en"))
        .expect("shown");
    click(ui.root(), "#cg-c-marketing");
    assert!(
        find(ui.root(), "#cg-s-youtube")
            .unchecked_into::<HtmlInputElement>()
            .checked()
    );
    click(ui.root(), "#cg-s-youtube");
    click(ui.root(), "#cg-s-google-analytics");
    let (categories, services) = ui.toggles();
    assert_eq!(
        categories,
        [
            ("analytics".to_owned(), false),
            ("marketing".to_owned(), true)
        ]
    );
    assert_eq!(
        services,
        [
            ("google-analytics".to_owned(), true),
            ("youtube".to_owned(), false)
        ]
    );
}

#[wasm_bindgen_test]
fn focus_returns_to_where_it_was_when_the_dialog_closes() {
    let opener = fixture(r#"<button id="t-opener" type="button">Settings</button>"#);
    let button = find_in_document(&opener, "#t-opener");
    button.focus().expect("focus");
    let (mut ui, _) = ui();
    ui.show_preferences(&PreferencesView::new(&config(), &Consent::default(), "en"))
        .expect("shown");
    let inside = ui
        .root()
        .active_element()
        .expect("focus moved into the dialog");
    assert_eq!(inside.id(), "cg-p-title");
    ui.hide_preferences();
    assert_eq!(
        document().active_element().map(|e| e.id()).as_deref(),
        Some("t-opener")
    );
    opener.remove();
}

#[wasm_bindgen_test]
fn cookie_store_round_trips_and_reads_among_other_cookies() {
    clear_stored_decision();
    let document = document();
    let html: &HtmlDocument = document.unchecked_ref();
    html.set_cookie("other=1; Path=/").expect("cookie");
    let store = CookieStore::new(&document, "http:".into(), CookieSettings::default());
    assert_eq!(store.load(), Ok(None));
    store.save("2.a.analytics+!marketing", 60).expect("saved");
    assert_eq!(store.load(), Ok(Some("2.a.analytics+!marketing".into())));
    assert!(html.cookie().expect("cookie").contains("other=1"));
    clear_stored_decision();
}

#[wasm_bindgen_test]
fn local_store_round_trips() {
    clear_stored_decision();
    let store = LocalStore::new(&web_sys::window().expect("window"), STORAGE_KEY.into());
    assert_eq!(store.load(), Ok(None));
    store.save("1.1.1763780000.", 60).expect("saved");
    assert_eq!(store.load(), Ok(Some("1.1.1763780000.".into())));
    clear_stored_decision();
}

#[wasm_bindgen_test]
fn gate_holds_everything_optional_until_granted_then_releases_it() {
    let container = fixture(&format!(
        r#"<img id="t-pixel" data-category="marketing" data-src="{PIXEL}" alt="">
           <script id="t-inline" type="text/plain" data-category="analytics">window.__cgAnalytics = (window.__cgAnalytics || 0) + 1;</script>
           <img id="t-needed" data-category="necessary" data-src="{PIXEL}" alt="">"#
    ));
    let config = config();
    let document = document();

    let released =
        gate::evaluate(&document, &config, &Consent::default(), "", &|_| false).expect("evaluated");
    assert_eq!(released, 1, "only the required category");
    assert!(
        document
            .get_element_by_id("t-needed")
            .expect("img")
            .has_attribute("src")
    );
    assert!(
        !document
            .get_element_by_id("t-pixel")
            .expect("img")
            .has_attribute("src")
    );
    assert!(global("__cgAnalytics").is_undefined(), "held script ran");

    let rejected = decided(&config, Action::RejectAll);
    assert_eq!(
        gate::evaluate(&document, &config, &rejected, "", &|_| false).expect("evaluated"),
        0
    );

    let accepted = decided(&config, Action::AcceptAll);
    assert_eq!(
        gate::evaluate(&document, &config, &accepted, "", &|_| false).expect("evaluated"),
        2
    );
    let pixel = document.get_element_by_id("t-pixel").expect("img");
    assert_eq!(pixel.get_attribute("src").as_deref(), Some(PIXEL));
    assert!(!pixel.has_attribute("data-src"));
    assert_eq!(
        global("__cgAnalytics").as_f64(),
        Some(1.0),
        "released script ran once"
    );
    let script = document.get_element_by_id("t-inline").expect("script");
    assert!(
        !script.has_attribute("type"),
        "a new, runnable script replaced the held one"
    );

    assert_eq!(
        gate::evaluate(&document, &config, &accepted, "", &|_| false).expect("evaluated"),
        0,
        "released twice"
    );
    assert_eq!(global("__cgAnalytics").as_f64(), Some(1.0));
    container.remove();
}

#[wasm_bindgen_test]
fn gate_keeps_undeclared_categories_held_after_accept_all() {
    let container = fixture(&format!(
        r#"<img id="t-undeclared" data-category="analytic" data-src="{PIXEL}" alt="">"#
    ));
    let accepted = decided(&config(), Action::AcceptAll);
    assert_eq!(
        gate::evaluate(&document(), &config(), &accepted, "", &|_| false).expect("evaluated"),
        0
    );
    assert!(
        !document()
            .get_element_by_id("t-undeclared")
            .expect("img")
            .has_attribute("src")
    );
    container.remove();
}

/// Removes what interfaces attached in earlier tests left on the page (an interface lives as long
/// as the page, as it does in production).
fn remove_interfaces() {
    while let Some(host) = document().get_element_by_id(ROOT_ELEMENT_ID) {
        host.remove();
    }
}

/// The banner the interface shows, if any.
fn shown_banner() -> Option<Element> {
    document()
        .get_element_by_id(ROOT_ELEMENT_ID)?
        .shadow_root()?
        .query_selector("[data-consent-banner]")
        .ok()
        .flatten()
}

/// Lets the page run the tasks queued so far: a start adds the interface in a task of its own.
async fn next_task() {
    let timer = js_sys::Promise::new(&mut |resolve, _| {
        let window = web_sys::window().expect("window");
        window
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
            .expect("timer");
    });
    wasm_bindgen_futures::JsFuture::from(timer)
        .await
        .expect("timer fired");
}

#[wasm_bindgen_test]
async fn boot_shows_the_banner_and_a_scripted_click_stores_an_api_decision_in_both_stores() {
    clear_stored_decision();
    let container = fixture(&format!(
        r#"<script type="application/json" id="{CONFIG_ELEMENT_ID}">{{"categories":[{{"id":"necessary","required":true}},{{"id":"analytics"}}]}}</script>
           <img id="t-boot" data-category="analytics" data-src="{PIXEL}" alt="">"#
    ));
    remove_interfaces();
    let controller = controller::boot().expect("a valid config boots");
    assert!(!controller.borrow().consent().is_decided());
    assert!(
        controller.borrow().ui().is_none(),
        "the interface waits for the next task"
    );
    next_task().await;
    let accept: HtmlElement = controller
        .borrow()
        .ui()
        .and_then(|_| shown_banner())
        .expect("banner shown without a decision")
        .query_selector("[data-consent-action=accept-all]")
        .expect("query")
        .expect("accept button")
        .unchecked_into();
    accept.click();

    assert!(
        controller
            .borrow()
            .ui()
            .is_some_and(|_| shown_banner().is_none()),
        "banner hidden after the decision"
    );
    assert!(
        controller
            .borrow()
            .consent()
            .is_granted(controller.borrow().config(), "analytics")
    );
    assert!(
        document()
            .get_element_by_id("t-boot")
            .expect("img")
            .has_attribute("src")
    );
    let cookie = CookieStore::new(&document(), "http:".into(), CookieSettings::default())
        .load()
        .expect("read");
    let mirror = LocalStore::new(&web_sys::window().expect("window"), STORAGE_KEY.into())
        .load()
        .expect("read");
    // `click()` is a script's event, not the visitor's: the decision is the API's, and no words
    // are vouched for (the visitor's own click is checked end to end, api.test.mjs).
    assert!(
        cookie.as_deref().is_some_and(
            |v| v.starts_with("2.") && v.ends_with(".0000000000000000.en.api.0.analytics.")
        ),
        "{cookie:?}"
    );
    assert_eq!(cookie, mirror);

    let again = controller::boot().expect("boots");
    assert!(
        again.borrow().consent().is_decided(),
        "restored on the next boot"
    );
    next_task().await;
    assert!(
        again.borrow().ui().is_none(),
        "a decision in force needs no interface"
    );
    clear_stored_decision();
    container.remove();
    remove_interfaces();
}

#[wasm_bindgen_test]
async fn a_cookie_settings_link_brings_the_interface_in_and_opens_the_preferences() {
    clear_stored_decision();
    let container = fixture(&format!(
        r##"<script type="application/json" id="{CONFIG_ELEMENT_ID}">{{"categories":[{{"id":"necessary","required":true}},{{"id":"analytics"}}]}}</script>
           <a id="t-opener" href="#" data-consent-action="show-preferences">Cookie settings</a>"##
    ));
    remove_interfaces();
    let controller = controller::boot().expect("boots");
    controller::act(&controller, &Action::RejectAll, Source::Visitor).expect("valid");
    next_task().await;
    find_in_document(&container, "#t-opener").click();
    let dialog = document()
        .get_element_by_id(ROOT_ELEMENT_ID)
        .and_then(|host| host.shadow_root())
        .and_then(|root| root.query_selector("[data-consent-dialog]").ok().flatten());
    assert!(dialog.is_some(), "the preferences are open");
    assert!(controller.borrow().ui().is_some_and(|ui| ui.shown().1));
    drop(controller);
    clear_stored_decision();
    container.remove();
    remove_interfaces();
}

#[wasm_bindgen_test]
async fn the_interface_comes_once_whichever_of_body_parsed_and_the_timer_is_first() {
    clear_stored_decision();
    let container = fixture(&format!(
        r#"<script type="application/json" id="{CONFIG_ELEMENT_ID}">{{"categories":[{{"id":"necessary","required":true}},{{"id":"analytics"}}]}}</script>"#
    ));
    remove_interfaces();
    let controller = controller::boot().expect("boots");
    assert!(controller.borrow().ui().is_none());
    // The parser added <body> (here it is long there): the interface comes in this call.
    controller::parsed(&controller);
    let banner = controller
        .borrow()
        .ui()
        .and_then(|_| shown_banner())
        .expect("banner up after <body> was seen");
    // Later insertions and the start's own timer find it there and add nothing.
    controller::parsed(&controller);
    next_task().await;
    let hosts = document()
        .query_selector_all(&format!("#{ROOT_ELEMENT_ID}"))
        .expect("query");
    assert_eq!(hosts.length(), 1, "one interface");
    let now = controller
        .borrow()
        .ui()
        .and_then(|_| shown_banner())
        .expect("banner still up");
    assert!(
        now.is_same_node(Some(&banner)),
        "the same banner, not a second one"
    );
    drop(controller);
    container.remove();
    remove_interfaces();
}

#[wasm_bindgen_test]
fn boot_refuses_an_invalid_config_and_releases_nothing() {
    let container = fixture(&format!(
        r#"<script type="application/json" id="{CONFIG_ELEMENT_ID}">{{"categories":[{{"id":"Bad"}}],"colour":"red"}}</script>
           <img id="t-invalid" data-category="Bad" data-src="{PIXEL}" alt="">"#
    ));
    remove_interfaces();
    assert!(controller::boot().is_none());
    assert!(document().get_element_by_id(ROOT_ELEMENT_ID).is_none());
    assert!(
        !document()
            .get_element_by_id("t-invalid")
            .expect("img")
            .has_attribute("src")
    );
    container.remove();
}

#[wasm_bindgen_test]
fn gate_releases_an_element_by_its_service_alone() {
    let container = fixture(&format!(
        r#"<iframe id="t-youtube" data-category="marketing" data-service="youtube" data-src="{PIXEL}"></iframe>
           <img id="t-marketing" data-category="marketing" data-src="{PIXEL}" alt="">"#
    ));
    let config = config();
    let youtube_only = decided(
        &config,
        Action::Set(consent_gate::core::consent::Choices {
            services: vec![("youtube".into(), true)],
            ..Default::default()
        }),
    );
    assert_eq!(
        gate::evaluate(&document(), &config, &youtube_only, "", &|_| false).expect("evaluated"),
        1
    );
    let held = |id: &str| {
        !document()
            .get_element_by_id(id)
            .expect("element")
            .has_attribute("src")
    };
    assert!(!held("t-youtube"));
    assert!(held("t-marketing"), "the category was not granted");
    container.remove();
}

#[wasm_bindgen_test]
fn withdrawing_purges_the_services_cookies_and_keys_and_reports_the_change() {
    clear_stored_decision();
    let container = fixture(&format!(
        r#"<script type="application/json" id="{CONFIG_ELEMENT_ID}">{CONFIG}</script>"#
    ));
    remove_interfaces();
    let controller = controller::boot().expect("boots");
    controller::act(&controller, &Action::AcceptAll, Source::Visitor).expect("valid");

    // What the analytics service left behind once it ran.
    let html: HtmlDocument = document().unchecked_into();
    let host = web_sys::window()
        .expect("window")
        .location()
        .hostname()
        .expect("host");
    html.set_cookie("_ga=GA1.1; Path=/").expect("cookie");
    html.set_cookie("_ga_X1=GS1; Path=/").expect("cookie");
    html.set_cookie(&format!("_ga_D=GS2; Path=/; Domain={host}"))
        .expect("cookie");
    html.set_cookie("kept=1; Path=/").expect("cookie");
    let storage = web_sys::window()
        .expect("window")
        .local_storage()
        .expect("ls")
        .expect("ls");
    storage.set_item("ga_session", "x").expect("set");
    storage.set_item("cart", "3").expect("set");

    let seen: Rc<RefCell<Vec<JsValue>>> = Rc::default();
    let sink = seen.clone();
    let listener = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::CustomEvent)>::new(
        move |event: web_sys::CustomEvent| sink.borrow_mut().push(event.detail()),
    );
    document()
        .add_event_listener_with_callback(EVENT_CHANGE, listener.as_ref().unchecked_ref())
        .expect("listen");

    controller::act(&controller, &Action::Withdraw, Source::Api).expect("valid");

    let cookies = html.cookie().expect("cookies");
    let names: Vec<&str> = consent_gate::core::cookie::names(&cookies);
    assert!(!names.iter().any(|n| n.starts_with("_ga")), "{cookies}");
    assert!(names.contains(&"kept"), "{cookies}");
    assert_eq!(storage.get_item("ga_session").expect("get"), None);
    assert_eq!(storage.get_item("cart").expect("get").as_deref(), Some("3"));

    let seen = seen.borrow();
    assert_eq!(seen.len(), 1);
    let json = js_sys::JSON::stringify(&seen[0]).expect("json");
    assert_eq!(
        String::from(json),
        r#"{"first":false,"method":"api","granted":{"categories":[],"services":[]},"revoked":{"categories":["analytics","marketing"],"services":["google-analytics","youtube"]},"survivors":[]}"#
    );
    document()
        .remove_event_listener_with_callback(EVENT_CHANGE, listener.as_ref().unchecked_ref())
        .expect("unlisten");
    html.set_cookie("kept=; Max-Age=0; Path=/").expect("cookie");
    storage.remove_item("cart").expect("remove");
    clear_stored_decision();
    container.remove();
}

#[wasm_bindgen_test]
fn the_cookie_name_comes_from_the_config() {
    clear_stored_decision();
    let container = fixture(&format!(
        r#"<script type="application/json" id="{CONFIG_ELEMENT_ID}">{{"categories":[{{"id":"analytics"}}],"cookie":{{"name":"cg_test"}}}}</script>"#
    ));
    remove_interfaces();
    let controller = controller::boot().expect("boots");
    controller::act(&controller, &Action::RejectAll, Source::Visitor).expect("valid");
    let html: HtmlDocument = document().unchecked_into();
    let cookies = html.cookie().expect("cookies");
    assert!(cookies.contains("cg_test=2."), "{cookies}");
    assert!(!cookies.contains(&format!("{COOKIE_NAME}=")), "{cookies}");
    let storage = web_sys::window()
        .expect("window")
        .local_storage()
        .expect("ls")
        .expect("ls");
    assert!(storage.get_item("cg_test").expect("get").is_some());
    html.set_cookie("cg_test=; Max-Age=0; Path=/")
        .expect("cookie");
    storage.remove_item("cg_test").expect("remove");
    container.remove();
}
