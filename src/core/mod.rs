//! Every decision consent-gate makes, as pure functions over plain data.
//!
//! Nothing here touches a browser: the web layer hands in strings and numbers (the config
//! element's JSON, the cookie header, the clock) and gets back data to act on
//! ([`consent::Effect`], [`gate::Release`]).

pub mod config;
pub mod consent;
pub mod contract;
pub mod gate;
pub mod record;
pub mod store;

#[cfg(test)]
pub(crate) mod testing;
