//! The small gate's module (feature `small`): core's answers to what the small gate asks while it
//! follows a returning visitor's plan ([`crate::core::plan`]). No wasm-bindgen: a handful of plain
//! exports that read their text from one input buffer and write it to one output buffer, so the
//! module carries nothing but the rules (README, "Two modules").
//!
//! The JS side (`src/web/small.js`) hands over the plan it read with `JSON.parse` piece by piece
//! (`cg_category`, `cg_service`, `cg_cookie`, `cg_storage`), then asks. Texts are UTF-8; a call
//! that takes several splits its input at NUL bytes, the last part taking the rest.

use crate::core::contract;
use crate::core::gate::{self, Order, Release, Verdict};
use crate::core::plan::{self, Grants, Keys, Seen};
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
    // SAFETY: one thread, and each export takes this once and lets go before it returns, so no
    // two references to the state are alive at once.
    unsafe { &mut *STATE.0.get() }
}

/// The input's parts split at NUL (at most `parts`, the last taking the rest), as text.
fn input(parts: usize) -> Vec<String> {
    let text = std::str::from_utf8(&state().input).unwrap_or_default();
    let mut out = Vec::new();
    let mut rest = text;
    while out.len() + 1 < parts {
        match crate::core::find(rest, 0) {
            Some(at) => {
                out.push(rest[..at].to_owned());
                rest = &rest[at + 1..];
            }
            None => break,
        }
    }
    out.push(rest.to_owned());
    out
}

/// The input's parts when there are exactly `count`; `None` when one of them holds a NUL itself
/// (a script can put one in an attribute value), so that the caller holds.
fn exact(count: usize) -> Option<Vec<String>> {
    let parts = input(usize::MAX);
    (parts.len() == count).then_some(parts)
}

/// What the console says of an element the small gate does not release because one of its
/// attributes holds a NUL.
const NUL_KEPT: &str =
    "a held element has an attribute holding a NUL character: it is not released";

/// Writes `text` to the output buffer; its length in bytes.
fn answer(text: &str) -> u32 {
    let output = &mut state().output;
    output.clear();
    output.extend_from_slice(text.as_bytes());
    output.len() as u32
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
    let id = input(1).swap_remove(0);
    state().grants.categories.push((id, granted != 0));
}

/// A service of the plan: input `id`, `category`, then its URL patterns.
#[unsafe(no_mangle)]
pub extern "C" fn cg_service(granted: u32) {
    let mut parts = input(usize::MAX);
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
    let mut parts = input(usize::MAX);
    let tails = parts.split_off(1.min(parts.len()));
    let name = parts.pop().unwrap_or_default();
    state().cookies.push((name, tails));
}

/// A `localStorage` key pattern to purge: input the pattern.
#[unsafe(no_mangle)]
pub extern "C" fn cg_storage() {
    let key = input(1).swap_remove(0);
    state().storage.push(key);
}

/// Whether the plan may be followed ([`plan::in_force`]). Input: the plan's version, config
/// digest, name, record and mirror; the mirror, outbox and cookies seen; the config text. `flags`:
/// 1 the plan has a mirror, 2 one is seen, 4 an outbox is seen.
#[unsafe(no_mangle)]
pub extern "C" fn cg_in_force(gpc: u32, plan_gpc: u32, now: f64, expires: f64, flags: u32) -> u32 {
    let p = input(9);
    {
        let keys = Keys {
            version: part(&p, 0).to_owned(),
            config: part(&p, 1).to_owned(),
            name: part(&p, 2).to_owned(),
            record: part(&p, 3).to_owned(),
            mirror: (flags & 1 != 0).then(|| part(&p, 4).to_owned()),
            gpc: plan_gpc != 0,
            expires: expires as u64,
        };
        let seen = Seen {
            mirror: (flags & 2 != 0).then(|| part(&p, 5)),
            outbox: (flags & 4 != 0).then(|| part(&p, 6)),
            cookies: part(&p, 7),
            config: part(&p, 8),
            gpc: gpc != 0,
            now: now as u64,
        };
        u32::from(plan::in_force(&keys, &seen))
    }
}

/// The service a URL (as the browser parsed it) is held for: its index + 1, or 0.
#[unsafe(no_mangle)]
pub extern "C" fn cg_hold() -> u32 {
    let url = input(1).swap_remove(0);
    state().grants.hold(&url).map_or(0, |i| i as u32 + 1)
}

/// 1 when an element naming input `category`, `service` may be released. `flags`: 1 it names a
/// category, 2 a service.
#[unsafe(no_mangle)]
pub extern "C" fn cg_verdict(flags: u32) -> u32 {
    let Some(p) = exact(2) else {
        return 0;
    };
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

/// How to release one element ([`gate::release`]). Input: its tag, then its `count` attribute
/// names and values. Answer: `S`, the order code, then the new script's attribute names and
/// values; or `P`, the order code, `1` if its media must load again, the names and values of the
/// attributes to set, an empty field, then the attributes to remove; or `H` and why, where the
/// input does not hold `count` attributes (a value holds a NUL): the element stays held.
#[unsafe(no_mangle)]
pub extern "C" fn cg_release(count: u32) -> u32 {
    let Some(p) = exact(1 + 2 * count as usize) else {
        return answer(&(String::from("H\0") + NUL_KEPT));
    };
    let attributes: Vec<(String, String)> = p[1..]
        .chunks(2)
        .filter(|pair| pair.len() == 2)
        .map(|pair| (pair[0].clone(), pair[1].clone()))
        .collect();
    let release = gate::release(part(&p, 0), &attributes);
    let order = order_code(release.order());
    let mut out: Vec<String> = Vec::new();
    match release {
        Release::Script { attributes, .. } => {
            out.push("S".into());
            out.push(order.into());
            for (name, value) in attributes {
                out.push(name);
                out.push(value);
            }
        }
        Release::InPlace {
            set,
            remove,
            reload_media,
        } => {
            out.push("P".into());
            out.push(order.into());
            out.push(if reload_media { "1" } else { "0" }.into());
            for (name, value) in set {
                out.push(name);
                out.push(value);
            }
            out.push(String::new());
            out.extend(remove);
        }
    }
    answer(&crate::core::join(&out, "\0"))
}

/// [`gate::batches`] of the input's order codes: for each element, `1` where a batch starts with
/// it, else `0`.
#[unsafe(no_mangle)]
pub extern "C" fn cg_batches() -> u32 {
    let orders: Vec<Order> = state()
        .input
        .iter()
        .map(|code| match code {
            b'L' => Order::Loads,
            b'R' => Order::RunsAtOnce,
            _ => Order::Free,
        })
        .collect();
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
    let header = input(1).swap_remove(0);
    let deletions = crate::core::cookie::deletions_by(&header, &state().cookies);
    answer(&crate::core::join(&deletions, "\0"))
}

/// Of the input's `localStorage` keys, those refused services declared.
#[unsafe(no_mangle)]
pub extern "C" fn cg_keys() -> u32 {
    let mut keys = input(usize::MAX);
    keys.retain(|k| !k.is_empty());
    let matching = crate::core::cookie::matching(&keys, &state().storage);
    answer(&crate::core::join(&matching, "\0"))
}

/// What the console says of the cookies that survived the purge (input: `document.cookie` after
/// it), or nothing.
#[unsafe(no_mangle)]
pub extern "C" fn cg_survivors() -> u32 {
    let header = input(1).swap_remove(0);
    let declared: Vec<&str> = state().cookies.iter().map(|c| c.0.as_str()).collect();
    let survivors = crate::core::cookie::survivors(&header, &declared);
    let warning = crate::core::cookie::survivors_warning(&survivors);
    answer(warning.as_deref().unwrap_or_default())
}

/// What the API says of input `id` if it is not a category (`kind` 0) or service (1) of the plan;
/// nothing if it is one.
#[unsafe(no_mangle)]
pub extern "C" fn cg_unknown(kind: u32) -> u32 {
    let id = input(1).swap_remove(0);
    let grants = &state().grants;
    let ids: Vec<&str> = if kind == 0 {
        grants.categories.iter().map(|c| c.0.as_str()).collect()
    } else {
        grants.services.iter().map(|s| s.0.as_str()).collect()
    };
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
    let p = input(usize::MAX);
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
    let short = input(1).swap_remove(0);
    match contract::api_event(&short) {
        Some(event) => answer(event),
        None => answer(&(String::from("!") + &contract::unknown_event(&short))),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
