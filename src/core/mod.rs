//! Every decision consent-gate makes, as pure functions over plain data.
//!
//! Nothing here touches a browser: the web layer hands in strings and numbers (the config
//! element's text, the cookie header, the clock, random bytes) and gets back data to act on
//! ([`consent::Effect`], [`gate::Release`]). The same code runs on a site's server
//! ([`server`]).

pub mod autoblock;
pub mod config;
pub mod consent;
pub mod contract;
pub mod cookie;
pub mod gate;
pub mod i18n;
pub mod integrations;
pub mod json;
pub mod outbox;
pub mod record;
pub mod server;
pub mod sha256;
pub mod store;
pub mod view;

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod testing;
