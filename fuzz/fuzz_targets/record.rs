//! Stored-record decoding on arbitrary text (another script can write anything to the cookie or
//! `localStorage`): never a panic; what decodes encodes back to the same record; restoring it
//! against a config never grants what the record does not.

#![no_main]

use consent_gate::core::config::Config;
use consent_gate::core::consent::{Consent, Context};
use consent_gate::core::record::{self, Stored};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const CONFIG: &str = r#"{
  "categories": [
    { "id": "necessary", "required": true, "title": "Necessary" },
    { "id": "analytics", "title": "Analytics" },
    { "id": "marketing", "title": "Marketing" }
  ],
  "services": [
    { "id": "google-analytics", "category": "analytics", "cookies": [{ "name": "_ga" }] },
    { "id": "meta-pixel", "category": "marketing", "cookies": [{ "name": "_fbp" }] }
  ]
}"#;

fn config() -> &'static Config {
    static CONFIG_ONCE: OnceLock<Config> = OnceLock::new();
    CONFIG_ONCE.get_or_init(|| match Config::from_json(CONFIG) {
        Ok(config) => config,
        Err(errors) => panic!("the fuzz config is valid: {errors:?}"),
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let decoded = record::decode(value);
    if let Some(Stored::Current(record)) = &decoded {
        let again = record::encode(record);
        assert!(
            matches!(record::decode(&again), Some(Stored::Current(ref r)) if r == record),
            "{value:?} decoded, but its encoding {again:?} does not decode to the same record"
        );
    }
    let ctx = Context {
        now: 1_763_780_000,
        language: "en".into(),
        gpc: false,
        fresh_id: "AAAAAAAAAAAAAAAAAAAAAA".into(),
        texts_hash: "0000000000000000".into(),
    };
    let (consent, _) = Consent::restore(config(), [Some(value)], &ctx);
    for service in ["google-analytics", "meta-pixel"] {
        if consent.is_service_granted(config(), service) {
            let granted = match &decoded {
                Some(Stored::Current(r)) => {
                    r.service(service) == Some(true)
                        || (r.service(service).is_none()
                            && config()
                                .services
                                .iter()
                                .any(|s| s.id == service && r.category(&s.category) == Some(true)))
                }
                Some(Stored::Legacy(_)) => true,
                None => false,
            };
            assert!(
                granted,
                "{service} granted by {value:?}, which does not grant it"
            );
        }
    }
});
