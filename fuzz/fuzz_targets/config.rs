//! Config decoding and validation on arbitrary text: never a panic, and a config that decodes
//! renders every view in every language it offers.

#![no_main]

use consent_gate::core::config::Config;
use consent_gate::core::consent::Consent;
use consent_gate::core::view::{BannerView, PreferencesView, texts_hash};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Config::from_json(text) {
        Ok(config) => {
            for language in ["en", "de", "ar", "xx"] {
                let _ = BannerView::new(&config, language);
                let _ = PreferencesView::new(&config, &Consent::default(), language);
                assert_eq!(texts_hash(&config, language).len(), 16);
            }
        }
        Err(errors) => assert!(!errors.is_empty(), "refused without saying why"),
    }
});
