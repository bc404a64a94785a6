//! The lockdown: a Content-Security-Policy that lets the page load from its own origin, the hosts
//! the config declares as the site's own (`lockdown.ownHosts`), and the hosts of the services the
//! visitor may run (required ones, and those granted), and from nowhere else.
//!
//! Interception in the page cannot reach the browser's preload scanner, `import()` or a worker's
//! own requests; a policy sent as a header can. The policy only narrows where the page loads
//! from: it allows inline code, `eval` and WebAssembly, so that sent beside a site's own policy
//! (a second `Content-Security-Policy` header) it takes nothing else away. Paths are not part of
//! it: a host shared by a granted and a refused service is allowed. Ports are not either.

use crate::core::autoblock;
use crate::core::config::Config;
use crate::core::consent::Consent;

/// The policy for a visitor with `consent`, as one header value.
pub fn content_security_policy(config: &Config, consent: &Consent) -> String {
    let mut policy = String::from(
        "default-src 'self' 'unsafe-inline' 'unsafe-eval' 'wasm-unsafe-eval' data: blob:",
    );
    let mut hosts: Vec<String> = Vec::new();
    let mut allow = |url: &str| {
        let Some(host) = host_of(url) else {
            return;
        };
        if hosts.contains(&host) {
            return;
        }
        // The host and its subdomains, on any port.
        for prefix in ["", "*."] {
            policy.push(' ');
            policy.push_str(prefix);
            policy.push_str(&host);
            policy.push_str(":*");
        }
        hosts.push(host);
    };
    for host in &config.lockdown.own_hosts {
        allow(host);
    }
    for service in &config.services {
        if consent.is_service_granted(config, &service.id) {
            for pattern in &service.urls {
                allow(pattern);
            }
        }
    }
    // Receipts go to the log endpoint whatever the visitor decided; a relative one is 'self'.
    if let Some(endpoint) = &config.log_endpoint {
        if autoblock::is_absolute(endpoint) {
            allow(endpoint);
        }
    }
    policy
}

/// The host of a URL pattern (`*.host/path`, `host/path`) or an absolute URL: lower case,
/// without a trailing dot or port; `None` if nothing usable is left (the config validator
/// refuses such patterns).
fn host_of(url: &str) -> Option<String> {
    let mut pattern = url.trim();
    while let Some(rest) = pattern.strip_prefix("*.") {
        pattern = rest;
    }
    let host = if autoblock::is_absolute(pattern) {
        autoblock::host(pattern)?
    } else {
        let mut relative = String::from("//");
        relative.push_str(pattern);
        autoblock::host(&relative)?
    };
    let usable = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    usable.then_some(host)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::consent::{Action, Source};
    use crate::core::testing::{NOW, context, shop_config};

    fn sources(policy: &str) -> Vec<&str> {
        policy.split(' ').skip(7).collect()
    }

    #[test]
    fn before_a_decision_only_the_site_itself_is_allowed() {
        let config = shop_config();
        let policy = content_security_policy(&config, &Consent::default());
        assert_eq!(
            policy,
            "default-src 'self' 'unsafe-inline' 'unsafe-eval' 'wasm-unsafe-eval' data: blob:"
        );
    }

    #[test]
    fn granted_services_and_own_hosts_are_allowed_with_their_subdomains_and_nothing_else() {
        let mut config = shop_config();
        config.lockdown.own_hosts = vec!["cdn.shop.example".into(), "*.Stripe.com.".into()];
        config.log_endpoint = Some("https://log.shop.example:8443/consent".into());
        let (analytics, _) = Consent::default()
            .apply(
                &config,
                &Action::Set(crate::core::consent::Choices {
                    categories: vec![("analytics".into(), true)],
                    services: Vec::new(),
                }),
                Source::Visitor,
                &context(NOW),
            )
            .expect("a valid choice");
        let policy = content_security_policy(&config, &analytics);
        assert_eq!(
            sources(&policy),
            [
                "cdn.shop.example:*",
                "*.cdn.shop.example:*",
                "stripe.com:*",
                "*.stripe.com:*",
                "www.googletagmanager.com:*",
                "*.www.googletagmanager.com:*",
                "google-analytics.com:*",
                "*.google-analytics.com:*",
                "log.shop.example:*",
                "*.log.shop.example:*",
            ]
        );
        assert!(!policy.contains("facebook"), "{policy}");
    }

    #[test]
    fn a_pattern_that_is_no_host_adds_nothing() {
        for pattern in ["", "*.", "/path", "a b", "x'y", "host;script-src *"] {
            assert_eq!(host_of(pattern), None, "{pattern:?}");
        }
        assert_eq!(host_of("user@Host.test:81/p"), Some("host.test".into()));
    }
}
