//! The auto-blocking URL matcher on an arbitrary declared pattern and URL: never a panic; a
//! relative URL never matches; the pattern's own host over https always does.

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
});
