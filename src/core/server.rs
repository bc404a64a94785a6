//! Reading the consent cookie on the site's server, so that tracker markup is left out of the
//! page entirely for visitors who refused it.
//!
//! The same rules as in the browser apply: the record must decode, be for the config's revision
//! and not have expired, or nothing optional is granted. A browser that sends `Sec-GPC: 1` in a
//! site in the `us` GPC mode is treated as in the browser.
//!
//! ```
//! use consent_gate::core::config::Config;
//! use consent_gate::core::server::Visitor;
//!
//! let config = Config::from_json(r#"{
//!     "categories": [{ "id": "necessary", "required": true }, { "id": "analytics" }],
//!     "services": [{ "id": "google-analytics", "category": "analytics" }]
//! }"#).expect("valid config");
//!
//! // In a request handler: the `Cookie` header, the `Sec-GPC` header, the clock.
//! let cookie_header = "consent_gate=2.q8Xk1v0bS9yVdM3Lw7nJfA.1763780000.1763780000.1779504000.1.5d41402abc4b2a76.en.custom.0.analytics.google-analytics";
//! let visitor = Visitor::from_request(&config, Some(cookie_header), false, 1_763_800_000);
//! assert!(visitor.may_run("analytics"));
//! assert!(visitor.may_run("google-analytics"));
//! assert!(!visitor.may_run("marketing")); // undeclared: never
//!
//! let no_cookie = Visitor::from_request(&config, None, false, 1_763_800_000);
//! assert!(!no_cookie.may_run("analytics"));
//! assert!(no_cookie.may_run("necessary"));
//!
//! // The lockdown header: the page's own origin and what this visitor granted, nothing else.
//! let header = no_cookie.content_security_policy();
//! assert!(header.starts_with("default-src 'self'"));
//! ```

use crate::core::config::Config;
use crate::core::consent::{Consent, Context};
use crate::core::record::find_cookie;

/// One request's visitor, as far as consent goes.
#[derive(Debug, Clone)]
pub struct Visitor<'c> {
    config: &'c Config,
    consent: Consent,
}

impl<'c> Visitor<'c> {
    /// The visitor who sent `cookie_header` (the request's `Cookie` header, if any) and
    /// `Sec-GPC: 1` if `gpc`, at `now` (Unix seconds).
    pub fn from_request(
        config: &'c Config,
        cookie_header: Option<&str>,
        gpc: bool,
        now: u64,
    ) -> Visitor<'c> {
        let stored = cookie_header.and_then(|header| find_cookie(header, &config.cookie.name));
        let ctx = Context {
            now,
            language: config.language.clone(),
            gpc,
            fresh_id: String::new(),
            texts_hash: crate::core::consent::UNKNOWN_TEXTS_HASH.into(),
        };
        let (consent, _) = Consent::restore(config, [stored], &ctx);
        Visitor { config, consent }
    }

    /// Whether markup for `id`, a category or a service, may be sent: it is required, or the
    /// visitor granted it. Anything the config does not declare may not.
    pub fn may_run(&self, id: &str) -> bool {
        self.consent.is_granted(self.config, id) || self.consent.is_service_granted(self.config, id)
    }

    /// Whether the visitor has decided (if not, the page will show the banner).
    pub fn has_decided(&self) -> bool {
        self.consent.is_decided()
    }

    /// The lockdown `Content-Security-Policy` for this visitor ([`crate::core::lockdown`]): send
    /// it as a response header (beside the site's own policy, if it has one), and the browser
    /// loads nothing from a host the visitor has not agreed to, preloads included.
    pub fn content_security_policy(&self) -> String {
        crate::core::lockdown::content_security_policy(self.config, &self.consent)
    }

    /// The decision in force, if any: with the `serde` feature, it serializes as the receipt's
    /// JSON (for a data export or an audit log on the server).
    pub fn record(&self) -> Option<&crate::core::record::Record> {
        self.consent.record()
    }
}
