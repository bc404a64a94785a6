//! Drives src/core through what a first visit and a decision need, with the browser replaced by
//! two imports (`input`, `now`): config decoding and its messages, restoring a stored record,
//! the banner's words, auto-blocking and gate verdicts, accept / reject / withdraw and every
//! effect they return (the record, the receipt, cookie deletions, Consent Mode calls). What the
//! results are does not matter; each reaches `sink`, so the linker keeps the code that made it.

#[path = "../../src/core/mod.rs"]
#[allow(dead_code)]
mod core;

use crate::core::config::{Config, Signal};
use crate::core::consent::{Action, Consent, Context, Effect, Source};
use crate::core::i18n::Text;

#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: wasm32-unknown-unknown without atomics runs on one thread.
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

unsafe extern "C" {
    /// Copies input `which` (0 the config, 1 the language, 2 the stored record, 3 the cookie
    /// header, 4 the host, 5 a storage key, 6 a URL, 7 a category, 8 a tag name, 9 the page's
    /// protocol) into `ptr`; returns its length. Every value comes from outside, as in the
    /// browser: a constant would let the compiler drop the branches it does not take.
    fn input(which: u32, ptr: *mut u8, cap: usize) -> usize;
    fn now() -> u64;
    fn sink(ptr: *const u8, len: usize);
}

fn out(text: &str) {
    // SAFETY: the host reads `len` bytes at `ptr` during the call.
    unsafe { sink(text.as_ptr(), text.len()) }
}

fn read(which: u32) -> String {
    let mut buf = vec![0u8; 65536];
    // SAFETY: the host writes at most `cap` bytes.
    let n = unsafe { input(which, buf.as_mut_ptr(), buf.len()) };
    buf.truncate(n);
    String::from_utf8(buf).unwrap_or_default()
}

fn perform(config: &Config, effects: Vec<Effect>) {
    for effect in effects {
        match effect {
            Effect::Persist { value, .. } => out(&value),
            Effect::Receipt(receipt) => out(&receipt),
            Effect::Purge(purge) => {
                let header = read(3);
                for assignment in
                    crate::core::cookie::deletions(&header, &read(4), &read(9), &purge.cookies)
                {
                    out(&assignment);
                }
                let declared: Vec<&str> = purge.cookies.iter().map(|c| c.name.as_str()).collect();
                for survivor in crate::core::cookie::survivors(&header, &declared) {
                    out(survivor);
                }
                let keys = vec![read(5)];
                for key in crate::core::cookie::matching(&keys, &purge.storage) {
                    out(key);
                }
            }
            Effect::ConsentModeDefault(signals) => consent_calls(config, &signals, true),
            Effect::ConsentMode(signals) => consent_calls(config, &signals, false),
            Effect::Activate(grants) => grants.categories.iter().for_each(|c| out(c)),
            Effect::Changed(change) => change.granted.services.iter().for_each(|s| out(s)),
            _ => out("effect"),
        }
    }
}

fn consent_calls(config: &Config, signals: &[(Signal, bool)], default: bool) {
    for call in crate::core::integrations::calls(&config.integrations, signals, default) {
        out(&call.args.len().to_string());
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn visit(action: u32) {
    let config = match Config::from_json(&read(0)) {
        Ok(config) => config,
        Err(errors) => return errors.iter().for_each(|e| out(&e.to_string())),
    };
    let language = read(1);
    let ctx = Context {
        // SAFETY: an import without arguments.
        now: unsafe { now() },
        language: language.clone(),
        gpc: action & 4 != 0,
        fresh_id: crate::core::record::consent_id([action as u8; 16]),
        texts_hash: crate::core::texts::texts_hash(&config, &language),
    };
    let (consent, effects) = Consent::restore(&config, [Some(read(2))], &ctx);
    perform(&config, effects);
    let banner = crate::core::view::BannerView::new(&config, &language);
    for text in [
        Text::Title,
        Text::Description,
        Text::AcceptAll,
        Text::RejectAll,
    ] {
        out(banner.words.get(text));
    }
    let url = read(6);
    if crate::core::autoblock::hold(&config, &consent, &url).is_some() {
        out("held");
    }
    if crate::core::gate::verdict(&config, &consent, Some(&read(7)), None)
        == crate::core::gate::Verdict::Release
    {
        out("release");
    }
    if let crate::core::gate::Release::Script { attributes, .. } =
        crate::core::gate::release(&read(8), &[("data-src".into(), url)])
    {
        attributes.iter().for_each(|(name, _)| out(name));
    }
    let action = match action & 3 {
        0 => Action::AcceptAll,
        1 => Action::RejectAll,
        _ => Action::Withdraw,
    };
    if let Ok((consent, effects)) = consent.apply(&config, &action, Source::Visitor, &ctx) {
        perform(&config, effects);
        for (signal, granted) in consent.consent_mode(&config) {
            if granted {
                out(signal.name());
            }
        }
    }
}
