//! Cookie strings: the assignment that stores the consent record, and the assignments that
//! delete a withdrawn service's cookies.
//!
//! A page deletes a cookie by writing it again, expired, with the same name, `Domain` and `Path`
//! it was set with (RFC 6265 §5.3 step 11). `document.cookie` shows names and values only, so
//! every combination the cookie may have been set with is written: host-only, and `Domain=` for
//! the page's host and each parent domain of two or more labels, on `/` and the declared path.
//! Browsers refuse `Domain=` on a public suffix, so trying one deletes nothing else. What survives
//! (an `HttpOnly` cookie, a path that was not declared) is found by reading the cookies again.

use crate::core::config::{Cookie, CookieSettings, SameSite};

/// The `document.cookie` assignment that stores the consent record `value` for `max_age_secs`
/// on a page whose `location.protocol` is `page_protocol`.
///
/// `Secure` on https so the cookie is never sent in clear (and always with `SameSite=None`, which
/// browsers refuse otherwise).
pub fn assignment(
    settings: &CookieSettings,
    value: &str,
    max_age_secs: u64,
    page_protocol: &str,
) -> String {
    let mut out = format!(
        "{}={value}; Max-Age={max_age_secs}; Path={}; SameSite={}",
        settings.name,
        settings.path,
        settings.same_site.as_str()
    );
    if let Some(domain) = &settings.domain {
        out.push_str("; Domain=");
        out.push_str(domain);
    }
    if page_protocol == "https:" || settings.same_site == SameSite::None {
        out.push_str("; Secure");
    }
    out
}

/// The assignments that delete every other copy of the consent cookie a page at `host` and
/// `page_path` can see: each path the page's path starts with, host-only and on the host and each
/// parent domain, except the one `settings` writes. An older decision stored under an earlier
/// `cookie.path` or `cookie.domain`, or by another subdomain, would otherwise shadow a newer one.
pub fn shadows(
    settings: &CookieSettings,
    host: &str,
    page_path: &str,
    page_protocol: &str,
) -> Vec<String> {
    let mut paths = vec!["/"];
    for (at, byte) in page_path.bytes().enumerate().skip(1) {
        if byte == b'/' {
            paths.push(&page_path[..at]);
            paths.push(&page_path[..=at]);
        }
    }
    if page_path.len() > 1 && !page_path.ends_with('/') {
        paths.push(page_path);
    }
    let own_domain = settings
        .domain
        .as_deref()
        .map(|d| d.trim_start_matches('.'));
    let mut domains: Vec<Option<String>> = vec![None];
    domains.extend(parent_domains(host).into_iter().map(Some));
    let mut out = Vec::new();
    for path in paths {
        for domain in &domains {
            if path != settings.path || domain.as_deref() != own_domain {
                out.push(expired(
                    &settings.name,
                    path,
                    domain.as_deref(),
                    page_protocol,
                ));
            }
        }
    }
    out
}

/// The assignment that deletes cookie `name` set with this `Path` and `Domain` (`None`:
/// host-only): written again, expired (RFC 6265 §5.3 step 11).
fn expired(name: &str, path: &str, domain: Option<&str>, page_protocol: &str) -> String {
    // Concatenated, not `format!`: the small gate's module reaches this without the formatter.
    let mut line = String::with_capacity(name.len() + path.len() + 32);
    for part in [name, "=; Max-Age=0; Path=", path] {
        line.push_str(part);
    }
    if let Some(domain) = domain {
        line.push_str("; Domain=");
        line.push_str(domain);
    }
    if page_protocol == "https:" {
        line.push_str("; Secure");
    }
    line
}

/// The names of the cookies in `header` (a `document.cookie` string).
pub fn names(header: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for pair in crate::core::split(header, b';') {
        let name = crate::core::split_once(pair, b'=')
            .map_or(pair, |(name, _)| name)
            .trim();
        if !name.is_empty() {
            out.push(name);
        }
    }
    out
}

/// Whether `name` matches `pattern`: equal, or starting with the part before a trailing `*`.
pub fn matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == pattern,
    }
}

/// The names among `names` that one of `patterns` matches (storage keys to remove on a purge).
pub fn matching<'a>(names: &'a [String], patterns: &[String]) -> Vec<&'a str> {
    let mut out = Vec::new();
    for name in names {
        if patterns.iter().any(|p| matches(p, name)) {
            out.push(name.as_str());
        }
    }
    out
}

/// The assignments that delete, on a page at `host` loaded over `page_protocol`, every cookie in
/// `header` that one of `cookies` declares (third-party ones are out of the page's reach).
pub fn deletions(header: &str, host: &str, page_protocol: &str, cookies: &[Cookie]) -> Vec<String> {
    let tails: Vec<(&str, Vec<String>)> = cookies
        .iter()
        .filter(|c| !c.third_party)
        .map(|c| (c.name.as_str(), deletion_tails(c, host, page_protocol)))
        .collect();
    deletions_by(header, &tails)
}

/// What follows the name in each assignment that deletes a cookie `cookie` declares, on a page at
/// `host` loaded over `page_protocol`: `=; Max-Age=0; Path=…`, on `/` and its declared path, host
/// only and on each parent domain and its declared domain.
pub fn deletion_tails(cookie: &Cookie, host: &str, page_protocol: &str) -> Vec<String> {
    let mut paths = vec!["/"];
    if let Some(path) = cookie.path.as_deref().filter(|p| *p != "/") {
        paths.push(path);
    }
    let mut domains: Vec<Option<String>> = vec![None];
    domains.extend(parent_domains(host).into_iter().map(Some));
    if let Some(domain) = &cookie.domain {
        let domain = domain.trim_start_matches('.').to_owned();
        if !domains.contains(&Some(domain.clone())) {
            domains.push(Some(domain));
        }
    }
    let mut out = Vec::new();
    for path in &paths {
        for domain in &domains {
            out.push(expired("", path, domain.as_deref(), page_protocol));
        }
    }
    out
}

/// [`deletions`] where each declared cookie (a name or `prefix*` pattern) comes with its
/// [`deletion_tails`] worked out already: a returning visitor's plan holds them.
pub fn deletions_by<S: AsRef<str>>(header: &str, cookies: &[(S, Vec<String>)]) -> Vec<String> {
    let mut out = Vec::new();
    for name in names(header) {
        for (_, tails) in cookies.iter().filter(|(p, _)| matches(p.as_ref(), name)) {
            for tail in tails {
                let line = String::from(name) + tail;
                if !out.contains(&line) {
                    out.push(line);
                }
            }
        }
    }
    out
}

/// What the console says of the cookies a purge could not delete (`survivors`), if any.
pub fn survivors_warning(survivors: &[&str]) -> Option<String> {
    (!survivors.is_empty()).then(|| {
        let mut out = String::from(
            "cookies of services not consented to could not be deleted from the page (HttpOnly or another path: delete them on the server): ",
        );
        out.push_str(&crate::core::join(survivors, ", "));
        out
    })
}

/// The names in `header` that one of `patterns` (declared cookie names or `prefix*`) matches:
/// after [`deletions`], the survivors.
pub fn survivors<'a, S: AsRef<str>>(header: &'a str, patterns: &[S]) -> Vec<&'a str> {
    let mut out = Vec::new();
    for name in names(header) {
        if patterns.iter().any(|p| matches(p.as_ref(), name)) {
            out.push(name);
        }
    }
    out
}

/// `host` and its parents with at least two labels (`a.shop.example.com` → itself,
/// `shop.example.com`, `example.com`); none for an IP address.
fn parent_domains(host: &str) -> Vec<String> {
    let is_ip = crate::core::find(host, b':').is_some()
        || host.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    if is_ip || host.is_empty() {
        return Vec::new();
    }
    let labels: Vec<&str> = crate::core::split(host, b'.').collect();
    (0..labels.len().saturating_sub(1))
        .map(|i| crate::core::join(&labels[i..], "."))
        .collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn cookie(name: &str) -> Cookie {
        Cookie {
            name: name.into(),
            ..Cookie::default()
        }
    }

    #[test]
    fn the_record_cookie_is_first_party_lax_and_secure_on_https() {
        let settings = CookieSettings::default();
        assert_eq!(
            assignment(&settings, "v", 60, "https:"),
            "consent_gate=v; Max-Age=60; Path=/; SameSite=Lax; Secure"
        );
        assert_eq!(
            assignment(&settings, "v", 60, "http:"),
            "consent_gate=v; Max-Age=60; Path=/; SameSite=Lax"
        );
    }

    #[test]
    fn the_record_cookie_follows_the_config() {
        let settings = CookieSettings {
            name: "cg".into(),
            domain: Some("example.com".into()),
            path: "/shop".into(),
            same_site: SameSite::None,
        };
        assert_eq!(
            assignment(&settings, "v", 1, "http:"),
            "cg=v; Max-Age=1; Path=/shop; SameSite=None; Domain=example.com; Secure"
        );
    }

    #[test]
    fn patterns_match_names_and_prefixes() {
        assert!(matches("_ga", "_ga"));
        assert!(!matches("_ga", "_ga_X1"));
        assert!(matches("_ga_*", "_ga_X1"));
        assert!(!matches("_ga_*", "_gat"));
    }

    #[test]
    fn storage_keys_match_names_and_prefixes() {
        let keys = [
            "fb_a".to_owned(),
            "fbx".into(),
            "cart".into(),
            "_hjid".into(),
        ];
        assert_eq!(
            matching(&keys, &["fb_*".into(), "_hjid".into()]),
            ["fb_a", "_hjid"]
        );
    }

    #[test]
    fn deletes_on_the_host_and_every_parent_domain() {
        let lines = deletions(
            "_ga=GA1; theme=dark; _ga_X1=1",
            "www.shop.example.com",
            "http:",
            &[cookie("_ga"), cookie("_ga_*")],
        );
        assert_eq!(
            lines,
            [
                "_ga=; Max-Age=0; Path=/",
                "_ga=; Max-Age=0; Path=/; Domain=www.shop.example.com",
                "_ga=; Max-Age=0; Path=/; Domain=shop.example.com",
                "_ga=; Max-Age=0; Path=/; Domain=example.com",
                "_ga_X1=; Max-Age=0; Path=/",
                "_ga_X1=; Max-Age=0; Path=/; Domain=www.shop.example.com",
                "_ga_X1=; Max-Age=0; Path=/; Domain=shop.example.com",
                "_ga_X1=; Max-Age=0; Path=/; Domain=example.com",
            ]
        );
    }

    #[test]
    fn declared_paths_and_domains_are_covered_and_third_party_ones_skipped() {
        let mut fbp = cookie("_fbp");
        fbp.path = Some("/shop".into());
        fbp.domain = Some(".partner.example".into());
        let mut ide = cookie("IDE");
        ide.third_party = true;
        let lines = deletions("_fbp=1; IDE=2", "localhost", "https:", &[fbp, ide]);
        assert_eq!(
            lines,
            [
                "_fbp=; Max-Age=0; Path=/; Secure",
                "_fbp=; Max-Age=0; Path=/; Domain=partner.example; Secure",
                "_fbp=; Max-Age=0; Path=/shop; Secure",
                "_fbp=; Max-Age=0; Path=/shop; Domain=partner.example; Secure",
            ]
        );
    }

    #[test]
    fn an_ip_host_gets_host_only_deletions() {
        assert_eq!(
            deletions("_ga=1", "127.0.0.1", "http:", &[cookie("_ga")]),
            ["_ga=; Max-Age=0; Path=/"]
        );
    }

    #[test]
    fn survivors_are_the_declared_names_still_present() {
        assert_eq!(survivors("a=1; _ga=2; _ga_Z=3", &["_ga_*"]), ["_ga_Z"]);
        assert!(survivors("", &["_ga"]).is_empty());
    }

    #[test]
    fn every_other_copy_the_page_can_see_is_deleted_and_the_own_one_is_not() {
        let settings = CookieSettings::default();
        let lines = shadows(&settings, "www.shop.test", "/fixtures/page.html", "https:");
        let paths = ["/", "/fixtures", "/fixtures/", "/fixtures/page.html"];
        let domains = ["", "; Domain=www.shop.test", "; Domain=shop.test"];
        let mut expected = Vec::new();
        for path in paths {
            for domain in domains {
                if path == "/" && domain.is_empty() {
                    continue;
                }
                expected.push(format!(
                    "consent_gate=; Max-Age=0; Path={path}{domain}; Secure"
                ));
            }
        }
        assert_eq!(lines, expected);
        let parent = CookieSettings {
            domain: Some(".shop.test".into()),
            ..CookieSettings::default()
        };
        let lines = shadows(&parent, "www.shop.test", "/", "http:");
        assert_eq!(
            lines,
            [
                "consent_gate=; Max-Age=0; Path=/",
                "consent_gate=; Max-Age=0; Path=/; Domain=www.shop.test",
            ]
        );
    }
}
