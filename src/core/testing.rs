//! Fixtures shared by core's tests.

use crate::core::config::Config;
use crate::core::consent::Context;
use crate::core::plan::{Origin, Plan};
use crate::core::texts::texts_hash;

/// A moment to decide at: 2025-11-22.
pub const NOW: u64 = 1_763_780_000;

/// The demo shop's config, as a site owner writes it: a required category with a service, and two
/// optional categories with the processors a shop's privacy policy names.
pub const SHOP_CONFIG: &str = r#"{
  "revision": 1,
  "privacyPolicyUrl": "/privacy.html",
  "logEndpoint": "/consent-log",
  "categories": [
    { "id": "necessary", "required": true, "title": "Strictly necessary",
      "consentMode": ["security_storage", "functionality_storage"] },
    { "id": "analytics", "title": "Analytics", "consentMode": ["analytics_storage"] },
    { "id": "marketing", "title": "Marketing",
      "consentMode": ["ad_storage", "ad_user_data", "ad_personalization"] }
  ],
  "services": [
    { "id": "shop-session", "category": "necessary", "title": "Shop session",
      "cookies": [{ "name": "session", "duration": "session" }] },
    { "id": "google-analytics", "category": "analytics", "title": "Google Analytics",
      "provider": "Google Ireland Ltd",
      "cookies": [{ "name": "_ga", "duration": "2 years" }, { "name": "_ga_*", "duration": "2 years" }],
      "urls": ["www.googletagmanager.com/gtag/js", "google-analytics.com/g/collect"] },
    { "id": "meta-pixel", "category": "marketing", "title": "Meta pixel",
      "provider": "Meta Platforms Ireland Ltd",
      "cookies": [{ "name": "_fbp", "duration": "3 months" }], "storage": ["fb_*"],
      "urls": ["connect.facebook.net"] },
    { "id": "youtube", "category": "marketing", "title": "YouTube",
      "cookies": [{ "name": "VISITOR_INFO1_LIVE", "thirdParty": true }],
      "urls": ["www.youtube.com/embed"] }
  ]
}"#;

/// [`SHOP_CONFIG`], read.
pub fn shop_config() -> Config {
    match Config::from_json(SHOP_CONFIG) {
        Ok(config) => config,
        Err(errors) => panic!("the shop config is valid: {errors:?}"),
    }
}

/// [`shop_config`] with a site title and a German translation of one text and one category.
pub fn translated() -> Config {
    let mut config = shop_config();
    config.texts = vec![("title".into(), "Cookies at Northwind".into())];
    config.translations = vec![crate::core::config::Translation {
        language: "de".into(),
        texts: vec![("acceptAll".into(), "Alles klar".into())],
        categories: vec![(
            "analytics".into(),
            crate::core::config::ItemTexts {
                title: Some("Statistik".into()),
                description: None,
            },
        )],
        services: vec![],
    }];
    config
}

/// The context of an action at `now`: English, no GPC, a fixed fresh id, the shop's English words
/// shown.
pub fn context(now: u64) -> Context {
    Context {
        now,
        language: "en".into(),
        gpc: false,
        fresh_id: "AAAAAAAAAAAAAAAAAAAAAA".into(),
        texts_hash: texts_hash(&shop_config(), "en"),
    }
}

/// The origin the shop's plans are made on.
pub const SHOP_ORIGIN: Origin<'static> = Origin {
    host: "shop.example",
    protocol: "https:",
};

/// `document.cookie` holding the shop's record cookie with `value`.
pub fn cookie_header(value: &str) -> String {
    format!("consent_gate={value}")
}

/// The shop's plan, on its origin, for the visitor whose cookie holds `value` and mirror `mirror`.
pub fn shop_plan(value: &str, mirror: Option<&str>) -> Option<Plan> {
    Plan::next_view(
        &shop_config(),
        SHOP_CONFIG,
        &format!("other=1; {}", cookie_header(value)),
        mirror,
        &context(NOW),
        SHOP_ORIGIN,
        None,
    )
}
