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

/// `items` with `separator` between them. One small loop for every list the messages and the
/// record write: the standard library's `join` is a 0.9 KB specialised copy per element type.
pub fn join<S: AsRef<str>>(items: &[S], separator: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(item.as_ref());
    }
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod testing;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    #[test]
    fn join_puts_the_separator_between_items_only() {
        assert_eq!(super::join::<&str>(&[], ", "), "");
        assert_eq!(super::join(&["a"], ", "), "a");
        assert_eq!(super::join(&["a", "b", "c"], "\", \""), "a\", \"b\", \"c");
        let owned = vec![String::from("x"), String::from("y")];
        assert_eq!(super::join(&owned, "+"), "x+y");
    }
}
