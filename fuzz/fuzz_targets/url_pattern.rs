//! The auto-blocking URL matcher on an arbitrary declared pattern and URL: never a panic; a
//! relative URL never matches; the pattern's own host over https always does; and on the URL as
//! a WHATWG parser (the `url` crate, sharing no code with core) reads it, which is what the
//! browser hands core, core's verdict is the documented rule's.

#![no_main]

use consent_gate::core::autoblock;
use consent_gate::core::config::Config;
use consent_gate::core::consent::Consent;
use consent_gate::core::record::json_string;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str)| {
    let (pattern, url) = input;
    let text = format!(
        r#"{{"categories":[{{"id":"necessary","required":true}},{{"id":"analytics"}}],
            "services":[{{"id":"s","category":"analytics","urls":[{}]}}]}}"#,
        json_string(pattern)
    );
    let Ok(config) = Config::from_json(&text) else {
        return;
    };
    let consent = Consent::default();
    let held = autoblock::hold(&config, &consent, url);
    if !autoblock::is_absolute(url) {
        assert!(held.is_none(), "relative {url:?} held by {pattern:?}");
    }
    // The pattern's own host and path, over https, belongs to the service.
    let own = pattern.trim().trim_start_matches("*.");
    if !own.is_empty()
        && own.is_ascii()
        && !own.starts_with('/')
        && own
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '/' | '_'))
    {
        let own_url = format!("https://{own}");
        assert!(
            autoblock::hold(&config, &consent, &own_url).is_some(),
            "{own_url:?} not held by its own pattern {pattern:?}"
        );
    }
    if let Ok(parsed) = url::Url::parse(url) {
        if matches!(parsed.scheme(), "http" | "https") && pattern.is_ascii() {
            let held = autoblock::hold(&config, &consent, parsed.as_str()).is_some();
            assert_eq!(
                held,
                reference(pattern, &parsed),
                "{url:?} parsed as {} against {pattern:?}",
                parsed.as_str()
            );
        }
    }
});

/// README's rule: the pattern's host (lower case, no trailing dot) is the URL's host or a parent
/// of it, and the pattern's path a prefix of the URL's path onward.
fn reference(pattern: &str, url: &url::Url) -> bool {
    let mut pattern = pattern.trim();
    while let Some(rest) = pattern.strip_prefix("*.") {
        pattern = rest;
    }
    let (pattern_host, pattern_path) = pattern.split_at(pattern.find('/').unwrap_or(pattern.len()));
    let pattern_host = pattern_host.to_ascii_lowercase();
    let pattern_host = pattern_host.strip_suffix('.').unwrap_or(&pattern_host);
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.strip_suffix('.').unwrap_or(host);
    let on_host = host == pattern_host || host.ends_with(&format!(".{pattern_host}"));
    on_host && url[url::Position::BeforePath..].starts_with(pattern_path)
}
