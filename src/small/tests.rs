//! The exports as the small gate's JS calls them: text in through the input buffer, answers out
//! through the output buffer.

use super::*;
use crate::core::consent::{Action, Choices, Consent, Source};
use crate::core::plan::Plan;
use crate::core::testing::{NOW, SHOP_CONFIG, SHOP_ORIGIN, context, shop_config, shop_plan};

/// The module's state is one static, as on the page: the tests take turns with it.
static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn turn() -> std::sync::MutexGuard<'static, ()> {
    TURN.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn put(parts: &[&str]) {
    let mut bytes = Vec::new();
    for part in parts {
        bytes.extend_from_slice(&(part.len() as u32).to_le_bytes());
        bytes.extend_from_slice(part.as_bytes());
    }
    let ptr = cg_input(bytes.len());
    // SAFETY: cg_input returned a buffer of exactly this many bytes, owned by this thread's state.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), ptr, bytes.len()) };
}

fn read(len: u32) -> String {
    // SAFETY: the output buffer holds `len` bytes until the next call.
    let bytes = unsafe { std::slice::from_raw_parts(cg_output(), len as usize) };
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

/// An answer of several items, read as small.js reads it: each a length in bytes (four,
/// little-endian), then that many bytes of UTF-8.
fn items(len: u32) -> Vec<String> {
    // SAFETY: the output buffer holds `len` bytes until the next call.
    let mut rest = unsafe { std::slice::from_raw_parts(cg_output(), len as usize) };
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (head, body) = rest.split_at(4);
        let count = u32::from_le_bytes(head.try_into().expect("four bytes")) as usize;
        out.push(String::from_utf8(body[..count].to_vec()).expect("UTF-8"));
        rest = &body[count..];
    }
    out
}

/// Loads the plan of a visitor who granted analytics only, as the JS does; returns it.
fn load() -> Plan {
    let state = state();
    state.grants = Grants::default();
    state.cookies.clear();
    state.storage.clear();
    let (consent, _) = Consent::default()
        .apply(
            &shop_config(),
            &Action::Set(Choices {
                categories: vec![("analytics".into(), true)],
                services: Vec::new(),
            }),
            Source::Visitor,
            &context(NOW),
        )
        .expect("valid");
    let value = crate::core::record::encode(consent.record().expect("decided"));
    let plan = shop_plan(&value, None).expect("a plan");
    for (id, granted) in &plan.grants.categories {
        put(&[id]);
        cg_category(u32::from(*granted));
    }
    for (id, category, granted, urls) in &plan.grants.services {
        let mut parts = vec![id.as_str(), category.as_str()];
        parts.extend(urls.iter().map(String::as_str));
        put(&parts);
        cg_service(u32::from(*granted));
    }
    for (name, tails) in &plan.deletions {
        let mut parts = vec![name.as_str()];
        parts.extend(tails.iter().map(String::as_str));
        put(&parts);
        cg_cookie();
    }
    for key in &plan.purge.storage {
        put(&[key]);
        cg_storage();
    }
    plan
}

#[test]
fn the_plan_decides_through_the_exports_as_in_core() {
    let _turn = turn();
    let plan = load();
    for url in [
        "https://connect.facebook.net/en_US/fbevents.js",
        "https://www.googletagmanager.com/gtag/js?id=G-1",
        "https://cdn.example.org/x.js",
    ] {
        put(&[url]);
        let expected = plan.grants.hold(url).map_or(0, |i| i as u32 + 1);
        assert_eq!(cg_hold(), expected, "{url}");
    }
    put(&["analytics", ""]);
    assert_eq!(cg_verdict(1), 1);
    put(&["analytics", "meta-pixel"]);
    assert_eq!(cg_verdict(3), 0, "the service decides alone");
    put(&["", ""]);
    assert_eq!(cg_verdict(0), 0);
    assert_eq!(cg_script(1, 1, 0), 0);
    assert_eq!(cg_script(1, 0, 0), 1);
}

#[test]
fn the_plan_is_in_force_only_as_it_was_made() {
    let _turn = turn();
    let plan = load();
    let decided = plan.keys.decided.clone().expect("decided");
    let cookies = format!("consent_gate={}", decided.record);
    let ask = |config: &str, now: f64| {
        put(&[
            &plan.keys.version,
            &plan.keys.config,
            &plan.keys.name,
            &decided.record,
            "",
            "",
            "",
            &cookies,
            config,
        ]);
        cg_in_force(0, 0, now, decided.expires as f64, 8)
    };
    assert_eq!(ask(SHOP_CONFIG, NOW as f64), 1);
    assert_eq!(ask(&SHOP_CONFIG.replace("Meta", "Facebook"), NOW as f64), 0);
    assert_eq!(ask(SHOP_CONFIG, decided.expires as f64), 0);
}

#[test]
fn release_plans_and_batches_come_back_as_text() {
    let _turn = turn();
    put(&[
        "script",
        "type",
        "text/plain",
        "data-category",
        "analytics",
        "src",
        "/a.js",
    ]);
    assert_eq!(
        items(cg_release()),
        ["S", "L", "data-category", "analytics", "src", "/a.js"]
    );
    put(&["img", "data-category", "marketing", "data-src", "/p.gif"]);
    assert_eq!(
        items(cg_release()),
        ["P", "F", "0", "src", "/p.gif", "data-src"]
    );
    put(&[
        "img",
        "data-srcset",
        "/p.gif 1x, /q.gif 2x",
        "data-src",
        "/p.gif",
    ]);
    assert_eq!(
        items(cg_release()),
        [
            "P",
            "F",
            "0",
            "srcset",
            "/p.gif 1x, /q.gif 2x",
            "data-srcset",
            "src",
            "/p.gif",
            "data-src"
        ],
        "each real attribute with its value, then the held one it comes from"
    );
    put(&["LRF"]);
    assert_eq!(
        read(cg_batches()),
        "110",
        "the inline script waits for the one before"
    );
}

#[test]
fn purge_keys_and_messages() {
    let _turn = turn();
    let plan = load();
    let header = "_fbp=1; keep=2";
    put(&[header]);
    let deletions = items(cg_purge());
    let refused = &plan.purge.cookies;
    assert_eq!(
        deletions,
        crate::core::cookie::deletions(header, SHOP_ORIGIN.host, SHOP_ORIGIN.protocol, refused),
        "the plan's tails delete what core deletes on the shop's origin"
    );
    assert!(deletions[0].starts_with("_fbp=;"), "{deletions:?}");
    put(&["fb_x", "other", "fb_\0é:3"]);
    assert_eq!(
        items(cg_keys()),
        ["fb_x", "fb_\0é:3"],
        "a key holding a NUL is purged whole"
    );
    put(&[]);
    assert_eq!(items(cg_keys()), Vec::<String>::new());
    put(&["_fbp=1"]);
    assert!(read(cg_survivors()).ends_with(": _fbp"));
    put(&["keep=2"]);
    assert_eq!(cg_survivors(), 0);
    put(&["analytic"]);
    assert_eq!(
        read(cg_unknown(0)),
        "\"analytic\" is not a category of this site: the categories are necessary, analytics, marketing"
    );
    put(&["analytics"]);
    assert_eq!(cg_unknown(0), 0);
    put(&["ready"]);
    assert_eq!(read(cg_event()), "consentgate:ready");
    put(&["Ready"]);
    assert!(read(cg_event()).starts_with("!\"Ready\" is not an event"));
}

#[test]
fn the_buttons_language_is_picked_as_the_interface_picks_it() {
    let _turn = turn();
    put(&["", "de-AT", "en de fr"]);
    assert_eq!(cg_language(2), 1, "<html lang> by its primary subtag");
    put(&["fr", "de", "en de fr"]);
    assert_eq!(cg_language(3), 2, "displayLanguage first");
    put(&["", "", "en de fr", "ja", "fr-CA"]);
    assert_eq!(cg_language(0), 2, "the first offered of the browser's");
    put(&["", "", "en de fr", "ja"]);
    assert_eq!(cg_language(0), 0, "else the config's own");
    put(&["", "", "en de fr", "ja"]);
    assert_eq!(cg_language(2), 0, "an empty lang is no match");
}

#[test]
fn any_character_in_an_attribute_is_part_of_its_value() {
    let _turn = turn();
    load();
    // data-category="analytics\0x": read as separators, it would be the granted "analytics".
    put(&["analytics\0x", ""]);
    assert_eq!(cg_verdict(1), 0, "an undeclared category");
    put(&["analytics", ""]);
    assert_eq!(cg_verdict(1), 1);
    // Values holding NULs, colons and digits, and characters beyond one UTF-16 unit, come back
    // whole and in their places.
    let url = "/p.gif?a=\0&b=2:3&c=🍪";
    put(&[
        "img",
        "data-category",
        "analytics\0",
        "data-src",
        url,
        "alt",
        "1:x",
    ]);
    assert_eq!(items(cg_release()), ["P", "F", "0", "src", url, "data-src"]);
    put(&[
        "script",
        "type",
        "text/plain",
        "data-x",
        "\0",
        "src",
        "/a.js?🍪",
    ]);
    assert_eq!(
        items(cg_release()),
        ["S", "L", "data-x", "\0", "src", "/a.js?🍪"]
    );
}

#[test]
fn an_undecided_plan_is_in_force_only_without_a_record_cookie() {
    let _turn = turn();
    let plan = Plan::next_view(
        &shop_config(),
        SHOP_CONFIG,
        "",
        None,
        &context(NOW),
        crate::core::testing::SHOP_ORIGIN,
        None,
    )
    .expect("a plan");
    let site = crate::core::testing::SHOP_ORIGIN.site();
    assert_eq!(undecided_in_force(&plan.keys, "other=1", &site, 0), 1);
    assert_eq!(
        undecided_in_force(&plan.keys, "other=1; consent_gate=x", &site, 0),
        0
    );
}

#[test]
fn the_page_s_plan_is_in_force_only_as_the_page_s_and_on_its_site() {
    let _turn = turn();
    let plan = Plan::for_page(
        &shop_config(),
        SHOP_CONFIG,
        crate::core::testing::SHOP_ORIGIN,
    )
    .expect("a page's plan");
    let ask = |site: &str, flags: u32| undecided_in_force(&plan.keys, "other=1", site, flags);
    assert_eq!(ask("https://shop.example", 16), 1);
    assert_eq!(ask("https://shop.example", 0), 0, "read from storage");
    assert_eq!(ask("https://elsewhere.example", 16), 0);
}

/// `cg_in_force` for an undecided visitor's plan with `keys`, on a page view that sees `cookies`
/// on `site`, with the JS's `flags`.
fn undecided_in_force(keys: &Keys, cookies: &str, site: &str, flags: u32) -> u32 {
    put(&[
        &keys.version,
        &keys.config,
        &keys.name,
        "",
        "",
        "",
        "",
        cookies,
        SHOP_CONFIG,
        keys.site.as_deref().unwrap_or_default(),
        site,
    ]);
    cg_in_force(0, 0, NOW as f64, 0.0, flags)
}
