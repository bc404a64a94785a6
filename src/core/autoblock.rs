//! Auto-blocking: which service a URL belongs to, by the URL patterns the config declares, and
//! whether a request or element for it must be held now.
//!
//! A pattern is a host with an optional path prefix, without scheme: `connect.facebook.net`,
//! `google-analytics.com/g/collect`. It matches URLs on that host or any subdomain of it
//! (`region1.google-analytics.com`), over http(s) or scheme-relative, whose path starts with the
//! prefix. Relative URLs are the site's own and never match. The web layer asks before letting a
//! script, iframe, image, link, beacon, `fetch` or XHR through, with the URL as the browser parsed
//! it against the document's base (`new URL(value, document.baseURI).href`): backslashes, tabs,
//! letter case, IDNA, percent-encoded hosts and dot segments are the browser's to read, so that
//! what is matched here is what would be requested.

use crate::core::config::{Config, Service};
use crate::core::consent::Consent;

/// The service a URL belongs to, if one declares a pattern it matches.
pub fn service_for<'c>(config: &'c Config, url: &str) -> Option<&'c Service> {
    let index = first_match(config.services.iter().map(|s| s.urls.as_slice()), url)?;
    config.services.get(index)
}

/// Of services given by their URL patterns, in order, the index of the first with a pattern that
/// matches `url`: the rule of [`service_for`], for the small gate's plan too.
pub fn first_match<'p>(services: impl Iterator<Item = &'p [String]>, url: &str) -> Option<usize> {
    let (host, path) = split(url)?;
    for (index, urls) in services.enumerate() {
        if urls.iter().any(|pattern| matches(pattern, &host, path)) {
            return Some(index);
        }
    }
    None
}

/// The service whose URL pattern an inline script's text names (its host, and path if any, in any
/// letter case): a vendor snippet that loads its library (`…googletagmanager.com/gtag/js…`).
pub fn service_named_in<'c>(config: &'c Config, text: &str) -> Option<&'c Service> {
    let text = text.to_ascii_lowercase();
    config.services.iter().find(|service| {
        service.urls.iter().any(|pattern| {
            let mut pattern = pattern.trim();
            while let Some(rest) = pattern.strip_prefix("*.") {
                pattern = rest;
            }
            !pattern.is_empty() && text.contains(&pattern.to_ascii_lowercase())
        })
    })
}

/// What to hold a URL for: the service (and its category) whose consent is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// The service id.
    pub service: String,
    /// Its category id.
    pub category: String,
}

/// `Some` when `url` belongs to a declared service that `consent` does not grant now.
pub fn hold(config: &Config, consent: &Consent, url: &str) -> Option<Held> {
    let service = service_for(config, url)?;
    (!consent.is_service_granted(config, &service.id)).then(|| Held {
        service: service.id.clone(),
        category: service.category.clone(),
    })
}

/// What to hold a URL for when the consent in force cannot be read (the gate is in the middle
/// of a decision): one to another origin (`foreign`) is held with no service, so it is never
/// released on this page view; the site's own is not held.
pub fn hold_unread(foreign: bool) -> Option<Held> {
    foreign.then(|| Held {
        service: String::new(),
        category: String::new(),
    })
}

/// The lower-case host of an absolute http(s) or scheme-relative URL.
pub fn host(url: &str) -> Option<String> {
    split(url).map(|(host, _)| host)
}

/// Whether `url` is absolute (http(s) or scheme-relative), i.e. may leave the site.
pub fn is_absolute(url: &str) -> bool {
    split(url).is_some()
}

/// Whether `pattern` (`host[/path]`) matches a URL with this lowercase host and path.
fn matches(pattern: &str, host: &str, path: &str) -> bool {
    let mut pattern = pattern.trim();
    // A loop of prefixes, not `trim_start_matches("*.")`, which brings in substring search.
    while let Some(rest) = pattern.strip_prefix("*.") {
        pattern = rest;
    }
    let (pattern_host, pattern_path) = match crate::core::find(pattern, b'/') {
        Some(slash) => (&pattern[..slash], &pattern[slash..]),
        None => (pattern, ""),
    };
    let pattern_host = pattern_host.to_ascii_lowercase();
    let pattern_host = pattern_host.strip_suffix('.').unwrap_or(&pattern_host);
    let on_host = host == pattern_host
        || host
            .strip_suffix(pattern_host)
            .is_some_and(|rest| rest.ends_with('.'));
    on_host && path.starts_with(pattern_path)
}

/// The lowercase host and the path (with query) of an absolute http(s) or scheme-relative URL.
fn split(url: &str) -> Option<(String, &str)> {
    let url = url.trim();
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        url.strip_prefix("//")?
    };
    let end = rest
        .bytes()
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let authority = &rest[..end];
    // After the last '@' (userinfo may hold more); a byte search, as '@' is ASCII.
    let host = authority
        .bytes()
        .rposition(|b| b == b'@')
        .map_or(authority, |at| &authority[at + 1..]);
    // An IPv6 literal keeps its brackets (and colons); any other host ends at the port.
    let host = match host.bytes().position(|b| b == b']') {
        Some(close) if host.starts_with('[') => &host[..=close],
        _ => crate::core::split(host, b':').next().unwrap_or(host),
    };
    // `tracker.example.` is the same host to DNS and to the browser.
    let host = host.strip_suffix('.').unwrap_or(host);
    let path = &rest[end..];
    Some((
        host.to_ascii_lowercase(),
        if path.is_empty() { "/" } else { path },
    ))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::consent::{Action, Source};
    use crate::core::testing::{NOW, context, shop_config};
    use proptest::prelude::*;

    fn service(url: &str) -> Option<String> {
        service_for(&shop_config(), url).map(|s| s.id.clone())
    }

    #[test]
    fn an_inline_snippet_belongs_to_the_service_whose_url_it_names() {
        let config = shop_config();
        let gtag = "(function(){var s=document.createElement('script');s.src='https://www.GoogleTagManager.com/gtag/js?id=G-1';})()";
        assert_eq!(
            service_named_in(&config, gtag).map(|s| s.id.as_str()),
            Some("google-analytics")
        );
        let fbq = "!function(f,b,e,v,n,t,s){t.src=v}(window,document,'script','https://connect.facebook.net/en_US/fbevents.js');";
        assert_eq!(
            service_named_in(&config, fbq).map(|s| s.id.as_str()),
            Some("meta-pixel")
        );
        assert_eq!(service_named_in(&config, "console.log('hello')"), None);
    }

    #[test]
    fn an_unread_consent_holds_every_other_origin_and_never_releases_it() {
        let held = hold_unread(true).expect("another origin is held");
        assert!(held.service.is_empty() && held.category.is_empty());
        assert_eq!(hold_unread(false), None, "the site's own");
    }

    #[test]
    fn a_host_with_the_trailing_dot_dns_allows_is_the_same_host() {
        assert_eq!(
            service("https://connect.facebook.net./en_US/fbevents.js").as_deref(),
            Some("meta-pixel")
        );
        assert_eq!(
            service("https://user@connect.facebook.net.:443/x").as_deref(),
            Some("meta-pixel")
        );
        assert_eq!(service("https://connect.facebook.net../x"), None);
    }

    #[test]
    fn a_leading_wildcard_label_is_the_host_and_its_subdomains() {
        for pattern in ["*.example.com", "*.*.example.com", " *.example.com/ "] {
            assert!(matches(pattern, "example.com", "/"), "{pattern}");
            assert!(matches(pattern, "cdn.example.com", "/x.js"), "{pattern}");
            assert!(!matches(pattern, "badexample.com", "/"), "{pattern}");
        }
        assert!(!matches("*.example.com/ads", "cdn.example.com", "/x.js"));
    }

    #[test]
    fn urls_match_their_service_by_host_and_path_prefix() {
        for (url, expected) in [
            (
                "https://www.googletagmanager.com/gtag/js?id=G-1",
                Some("google-analytics"),
            ),
            (
                "https://region1.google-analytics.com/g/collect?v=2",
                Some("google-analytics"),
            ),
            (
                "//connect.facebook.net/en_US/fbevents.js",
                Some("meta-pixel"),
            ),
            ("HTTPS://CONNECT.FACEBOOK.NET/x", Some("meta-pixel")),
            (
                "https://user@connect.facebook.net:443/x",
                Some("meta-pixel"),
            ),
            ("https://www.youtube.com/embed/abc", Some("youtube")),
            ("https://www.googletagmanager.com/gtm.js", None),
            ("https://evilconnect.facebook.net.example/x", None),
            ("https://notconnect.facebook.net/x", None),
            ("https://example.com/?u=https://connect.facebook.net/", None),
            ("/connect.facebook.net/x", None),
            ("connect.facebook.net/x", None),
            ("javascript:alert(1)", None),
            ("", None),
        ] {
            assert_eq!(service(url).as_deref(), expected, "{url}");
        }
    }

    #[test]
    fn held_until_the_service_is_granted() {
        let config = shop_config();
        let url = "https://connect.facebook.net/en_US/fbevents.js";
        assert_eq!(
            hold(&config, &Consent::default(), url),
            Some(Held {
                service: "meta-pixel".into(),
                category: "marketing".into()
            })
        );
        let (accepted, _) = Consent::default()
            .apply(&config, &Action::AcceptAll, Source::Visitor, &context(NOW))
            .expect("valid");
        assert_eq!(hold(&config, &accepted, url), None);
        assert_eq!(
            hold(&config, &Consent::default(), "https://cdn.example/lib.js"),
            None
        );
    }

    /// The matching rule as README states it, on a URL parsed by the `url` crate (a WHATWG URL
    /// parser, as the browser's, sharing no code with core): the pattern's host (lower case,
    /// without a trailing dot) is the URL's host or a parent of it, and its path a prefix of the
    /// URL's path onward.
    fn reference(pattern: &str, url: &url::Url) -> bool {
        let mut pattern = pattern.trim();
        while let Some(rest) = pattern.strip_prefix("*.") {
            pattern = rest;
        }
        let (pattern_host, pattern_path) =
            pattern.split_at(pattern.find('/').unwrap_or(pattern.len()));
        let pattern_host = pattern_host.to_lowercase();
        let pattern_host = pattern_host.strip_suffix('.').unwrap_or(&pattern_host);
        let Some(host) = url.host_str() else {
            return false;
        };
        let host = host.strip_suffix('.').unwrap_or(host);
        let on_host = host == pattern_host || host.ends_with(&format!(".{pattern_host}"));
        on_host && url[url::Position::BeforePath..].starts_with(pattern_path)
    }

    fn url_text() -> impl Strategy<Value = String> {
        let scheme = prop::sample::select(vec![
            "http://",
            "https://",
            "HTTPS://",
            "http:\\\\",
            "https:",
        ]);
        let userinfo = prop::sample::select(vec!["", "user@", "a:b@", "shop.test@"]);
        let host = prop::sample::select(vec![
            "tracker.test",
            "TRACKER.test",
            "tracker.test.",
            "cdn.tracker.test",
            "xtracker.test",
            "tracker.testx",
            "%74racker.test",
            "\u{ff54}racker.test",
            "127.0.0.1",
            "[::1]",
            "shop.test",
        ]);
        let port = prop::sample::select(vec!["", ":80", ":8080", ":"]);
        let path = prop::sample::select(vec![
            "",
            "/",
            "/ads/x.js",
            "/a/../ads/p",
            "/ADS/p",
            "/ads?x=1",
            "?q",
            "#f",
            "/./ads",
            "\\ads",
        ]);
        (scheme, userinfo, host, port, path)
            .prop_map(|(s, u, h, p, path)| format!("{s}{u}{h}{p}{path}"))
    }

    proptest! {
        /// Core decides on the URL as the browser parsed it (its href): its verdict must be the
        /// rule's on every form the parser accepts.
        #[test]
        fn core_agrees_with_a_whatwg_parser_on_every_url_form(
            url in url_text(),
            pattern in prop::sample::select(vec![
                "tracker.test", "*.tracker.test", "Tracker.Test", "tracker.test.", "tracker.test/ads",
                "cdn.tracker.test", "127.0.0.1", "[::1]", "tracker.test/ads?x",
            ]),
        ) {
            let Ok(parsed) = url::Url::parse(&url) else {
                return Ok(());
            };
            if !matches!(parsed.scheme(), "http" | "https") {
                return Ok(());
            }
            let text = format!(
                r#"{{"categories":[{{"id":"necessary","required":true}},{{"id":"ads"}}],
                    "services":[{{"id":"t","category":"ads","urls":["{pattern}"]}}]}}"#
            );
            let config = Config::from_json(&text).expect("a valid config");
            let held = hold(&config, &Consent::default(), parsed.as_str()).is_some();
            prop_assert_eq!(held, reference(pattern, &parsed), "{} parsed as {}", url, parsed.as_str());
        }
    }
}
