//! The small gate's module (feature `small`): core's answers to what the small gate asks while it
//! follows a returning visitor's plan ([`crate::core::plan`]). No wasm-bindgen: a handful of plain
//! exports that read their text from one input buffer and write it to one output buffer, so the
//! module carries nothing but the rules (README, "Two modules").
//!
//! The JS side (`src/web/small.js`) hands over the plan it read with `JSON.parse` piece by piece
//! (`cg_category`, `cg_service`, `cg_cookie`, `cg_storage`), then asks. Every text, in and out,
//! travels with its length, never between separators: a page script can put any character into
//! what the gate reads.

use crate::core::contract;
use crate::core::gate::{self, Order, Release, Verdict};
use crate::core::plan::{self, Decided, Grants, Keys, Seen};
use std::cell::UnsafeCell;

struct State {
    input: Vec<u8>,
    output: Vec<u8>,
    grants: Grants,
    cookies: Vec<(String, Vec<String>)>,
    storage: Vec<String>,
}

/// The module's one state. Not a `thread_local!`: each access through one is a copy of its
/// machinery, and the page's module runs on one thread.
struct Global(UnsafeCell<State>);

// SAFETY: wasm32-unknown-unknown without atomics runs on one thread, and no export calls another.
unsafe impl Sync for Global {}

static STATE: Global = Global(UnsafeCell::new(State {
    input: Vec::new(),
    output: Vec::new(),
    grants: Grants {
        categories: Vec::new(),
        services: Vec::new(),
    },
    cookies: Vec::new(),
    storage: Vec::new(),
}));

fn state() -> &'static mut State {
    // SAFETY: one thread, and every use lets go of what this returns before the next use takes
    // it again (nothing read from the state is held across a call to `state`), so no two
    // references to the state are alive at once.
    unsafe { &mut *STATE.0.get() }
}

/// The input's parts. Each is its length in bytes (four, little-endian) and its UTF-8 text, so a
/// part may hold any character: a NUL a script wrote into an attribute is part of the value.
fn input() -> Vec<String> {
    let mut rest: &[u8] = &state().input;
    let mut parts = Vec::new();
    while let (Some(&[a, b, c, d]), Some(body)) = (rest.get(..4), rest.get(4..)) {
        let (text, after) =
            body.split_at((u32::from_le_bytes([a, b, c, d]) as usize).min(body.len()));
        parts.push(String::from_utf8(text.to_vec()).unwrap_or_default());
        rest = after;
    }
    parts
}

/// The input's first part (the whole of what most calls take).
fn first() -> String {
    input().into_iter().next().unwrap_or_default()
}

/// Writes `text` to the output buffer; its length in bytes.
fn answer(text: &str) -> u32 {
    let output = &mut state().output;
    output.clear();
    output.extend_from_slice(text.as_bytes());
    output.len() as u32
}

/// Starts an answer of items (the input's form): each its length in bytes (four, little-endian)
/// and its text, so no text can be read as the boundary of another.
fn items() {
    state().output.clear();
}

/// Adds `item` to the answer [`items`] started.
fn item(item: &str) {
    let output = &mut state().output;
    output.extend_from_slice(&(item.len() as u32).to_le_bytes());
    output.extend_from_slice(item.as_bytes());
}

/// The answer's length in bytes.
fn answered() -> u32 {
    state().output.len() as u32
}

fn part(parts: &[String], at: usize) -> &str {
    parts.get(at).map_or("", String::as_str)
}

/// A buffer of `len` bytes for the next call's input.
#[unsafe(no_mangle)]
pub extern "C" fn cg_input(len: usize) -> *mut u8 {
    let input = &mut state().input;
    input.clear();
    input.resize(len, 0);
    input.as_mut_ptr()
}

/// Where the last answer is.
#[unsafe(no_mangle)]
pub extern "C" fn cg_output() -> *const u8 {
    state().output.as_ptr()
}

/// A category of the plan: input `id`.
#[unsafe(no_mangle)]
pub extern "C" fn cg_category(granted: u32) {
    let id = first();
    state().grants.categories.push((id, granted != 0));
}

/// A service of the plan: input `id`, `category`, then its URL patterns.
#[unsafe(no_mangle)]
pub extern "C" fn cg_service(granted: u32) {
    let mut parts = input();
    let urls = parts.split_off(2.min(parts.len()));
    let service = (
        part(&parts, 0).to_owned(),
        part(&parts, 1).to_owned(),
        granted != 0,
        urls,
    );
    state().grants.services.push(service);
}

/// A cookie to purge: input its name (or `prefix*`), then its deletion tails on this origin
/// ([`crate::core::cookie::deletion_tails`], worked out when the plan was made).
#[unsafe(no_mangle)]
pub extern "C" fn cg_cookie() {
    let mut parts = input();
    let tails = parts.split_off(1.min(parts.len()));
    let name = parts.pop().unwrap_or_default();
    state().cookies.push((name, tails));
}

/// A `localStorage` key pattern to purge: input the pattern.
#[unsafe(no_mangle)]
pub extern "C" fn cg_storage() {
    let key = first();
    state().storage.push(key);
}

/// Whether the plan may be followed ([`plan::in_force`]). Input: the plan's version, config
/// digest, name, record and mirror; the mirror, outbox and cookies seen; the config text; the
/// plan's site and the page's. `flags`: 1 the plan has a mirror, 2 one is seen, 4 an outbox is
/// seen, 8 the plan holds a decision (its record, and `expires`), 16 it is the one the page
/// carries (a plan names a site only there).
#[unsafe(no_mangle)]
pub extern "C" fn cg_in_force(gpc: u32, plan_gpc: u32, now: f64, expires: f64, flags: u32) -> u32 {
    let p = input();
    {
        let keys = Keys {
            version: part(&p, 0).to_owned(),
            config: part(&p, 1).to_owned(),
            name: part(&p, 2).to_owned(),
            decided: (flags & 8 != 0).then(|| Decided {
                record: part(&p, 3).to_owned(),
                expires: expires as u64,
            }),
            mirror: (flags & 1 != 0).then(|| part(&p, 4).to_owned()),
            gpc: plan_gpc != 0,
            site: Some(part(&p, 9))
                .filter(|site| !site.is_empty())
                .map(str::to_owned),
        };
        let seen = Seen {
            mirror: (flags & 2 != 0).then(|| part(&p, 5)),
            outbox: (flags & 4 != 0).then(|| part(&p, 6)),
            cookies: part(&p, 7),
            config: part(&p, 8),
            gpc: gpc != 0,
            now: now as u64,
            site: part(&p, 10),
            carried: flags & 16 != 0,
        };
        u32::from(plan::in_force(&keys, &seen))
    }
}

/// The service a URL (as the browser parsed it) is held for: its index + 1, or 0.
#[unsafe(no_mangle)]
pub extern "C" fn cg_hold() -> u32 {
    let url = first();
    state().grants.hold(&url).map_or(0, |i| i as u32 + 1)
}

/// 1 when an element naming input `category`, `service` may be released. `flags`: 1 it names a
/// category, 2 a service.
#[unsafe(no_mangle)]
pub extern "C" fn cg_verdict(flags: u32) -> u32 {
    let p = input();
    let category = (flags & 1 != 0).then(|| part(&p, 0));
    let service = (flags & 2 != 0).then(|| part(&p, 1));
    u32::from(state().grants.verdict(category, service) == Verdict::Release)
}

/// [`gate::may_release_script`].
#[unsafe(no_mangle)]
pub extern "C" fn cg_script(page_nonce: u32, injected: u32, own_nonce: u32) -> u32 {
    u32::from(gate::may_release_script(
        page_nonce != 0,
        injected != 0,
        own_nonce != 0,
    ))
}

fn order_code(order: Order) -> &'static str {
    match order {
        Order::Loads => "L",
        Order::RunsAtOnce => "R",
        Order::Free => "F",
    }
}

/// How to release one element ([`gate::release`]). Input: its tag, then its attribute names and
/// values. Answer: `S`, the order code, then the new script's attribute names and values; or `P`,
/// the order code, `1` if its media must load again, then for each held attribute the real
/// attribute's name, its value and the held attribute to remove.
#[unsafe(no_mangle)]
pub extern "C" fn cg_release() -> u32 {
    let mut parts = input().into_iter();
    let tag = parts.next().unwrap_or_default();
    let mut attributes = Vec::new();
    while let (Some(name), Some(value)) = (parts.next(), parts.next()) {
        attributes.push((name, value));
    }
    let release = gate::release(&tag, &attributes);
    let order = order_code(release.order());
    items();
    match release {
        Release::Script { attributes, .. } => {
            item("S");
            item(order);
            for (name, value) in &attributes {
                item(name);
                item(value);
            }
        }
        Release::InPlace {
            set,
            remove,
            reload_media,
        } => {
            item("P");
            item(order);
            item(if reload_media { "1" } else { "0" });
            // gate::release sets one real attribute for each held one it removes.
            for ((name, value), held) in set.iter().zip(&remove) {
                item(name);
                item(value);
                item(held);
            }
        }
    }
    answered()
}

/// [`gate::batches`] of the input's order codes: for each element, `1` where a batch starts with
/// it, else `0`.
#[unsafe(no_mangle)]
pub extern "C" fn cg_batches() -> u32 {
    let mut orders = Vec::new();
    for code in first().bytes() {
        orders.push(match code {
            b'L' => Order::Loads,
            b'R' => Order::RunsAtOnce,
            _ => Order::Free,
        });
    }
    let mut starts = vec![b'0'; orders.len()];
    for batch in gate::batches(&orders) {
        if let Some(first) = batch.first() {
            starts[*first] = b'1';
        }
    }
    answer(std::str::from_utf8(&starts).unwrap_or_default())
}

/// The cookie assignments that delete what refused services left
/// ([`crate::core::cookie::deletions_by`]). Input: `document.cookie`.
#[unsafe(no_mangle)]
pub extern "C" fn cg_purge() -> u32 {
    let header = first();
    let deletions = crate::core::cookie::deletions_by(&header, &state().cookies);
    items();
    for deletion in &deletions {
        item(deletion);
    }
    answered()
}

/// Of the input's `localStorage` keys, those refused services declared.
#[unsafe(no_mangle)]
pub extern "C" fn cg_keys() -> u32 {
    let keys = input();
    let matching = crate::core::cookie::matching(&keys, &state().storage);
    items();
    for key in matching {
        item(key);
    }
    answered()
}

/// What the console says of the cookies that survived the purge (input: `document.cookie` after
/// it), or nothing.
#[unsafe(no_mangle)]
pub extern "C" fn cg_survivors() -> u32 {
    let header = first();
    let mut declared = Vec::new();
    for (name, _) in &state().cookies {
        declared.push(name.as_str());
    }
    let survivors = crate::core::cookie::survivors(&header, &declared);
    let warning = crate::core::cookie::survivors_warning(&survivors);
    answer(warning.as_deref().unwrap_or_default())
}

/// What the API says of input `id` if it is not a category (`kind` 0) or service (1) of the plan;
/// nothing if it is one.
#[unsafe(no_mangle)]
pub extern "C" fn cg_unknown(kind: u32) -> u32 {
    let id = first();
    let grants = &state().grants;
    let mut ids = Vec::new();
    if kind == 0 {
        for (category, _) in &grants.categories {
            ids.push(category.as_str());
        }
    } else {
        for (service, ..) in &grants.services {
            ids.push(service.as_str());
        }
    }
    let (what, plural) = if kind == 0 {
        ("category", "categories")
    } else {
        ("service", "services")
    };
    let message =
        (!ids.contains(&id.as_str())).then(|| crate::core::view::unknown(&id, what, plural, &ids));
    answer(message.as_deref().unwrap_or_default())
}

/// The settings button's language ([`crate::core::i18n::pick_language`]): its index among the
/// offered languages. Input: the config's `displayLanguage`, `<html lang>`, the offered languages
/// (space-separated), then `navigator.languages`. `flags`: 1 a display language, 2 a `lang`.
#[unsafe(no_mangle)]
pub extern "C" fn cg_language(flags: u32) -> u32 {
    let p = input();
    let offered: Vec<&str> = crate::core::split(part(&p, 2), b' ').collect();
    let navigator = p.get(3..).unwrap_or_default();
    let picked = crate::core::i18n::pick_language(
        &offered,
        (flags & 1 != 0).then(|| part(&p, 0)),
        (flags & 2 != 0).then(|| part(&p, 1)),
        navigator,
    );
    offered.iter().position(|o| *o == picked).unwrap_or(0) as u32
}

/// The `document` event for the input's short name; `!` and the error for a name that is none.
#[unsafe(no_mangle)]
pub extern "C" fn cg_event() -> u32 {
    let short = first();
    match contract::api_event(&short) {
        Some(event) => answer(event),
        None => answer(&(String::from("!") + &contract::unknown_event(&short))),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
