use super::*;
use crate::core::testing::{SHOP_CONFIG, shop_config};
use proptest::prelude::*;

/// The messages for `json`, or `[]` if it is a valid config.
fn messages(json: &str) -> Vec<String> {
    match Config::from_json(json) {
        Ok(_) => vec![],
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

/// The messages for the shop config with `edit` applied to its JSON text.
fn shop_with(edit: impl FnOnce(&mut serde_json::Value)) -> Vec<String> {
    let mut json: serde_json::Value = serde_json::from_str(SHOP_CONFIG).expect("shop config");
    edit(&mut json);
    messages(&json.to_string())
}

/// The field path of each message.
fn paths(messages: &[String]) -> Vec<&str> {
    messages
        .iter()
        .map(|m| m.split(':').next().unwrap_or(""))
        .collect()
}

fn validated(config: &Config) -> Vec<String> {
    match config.validate() {
        Ok(()) => vec![],
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn the_shop_config_is_valid() {
    assert_eq!(messages(SHOP_CONFIG), Vec::<String>::new());
    let config = shop_config();
    assert_eq!(config.services.len(), 4);
    assert_eq!(config.services[1].cookies[1].name, "_ga_*");
    assert_eq!(
        config.categories[2].consent_mode,
        [
            Signal::AdStorage,
            Signal::AdUserData,
            Signal::AdPersonalization
        ]
    );
    assert!(config.services[3].cookies[0].third_party);
}

#[test]
fn defaults_fill_what_the_owner_left_out() {
    let config = Config::from_json(r#"{"categories":[{"id":"analytics"}]}"#).expect("valid");
    assert_eq!(config.revision, 1);
    assert_eq!(config.expiry_days, DEFAULT_EXPIRY_DAYS);
    assert_eq!(config.language, "en");
    assert!(config.texts.is_empty());
    assert_eq!(config.display_language, None);
    assert_eq!((config.layout, config.theme), (Layout::Box, Theme::Auto));
    assert!(!config.close_button && !config.preferences_button);
    assert!(config.reload_on_withdraw);
    assert_eq!(config.gpc, Gpc::default());
    assert_eq!(config.cookie, CookieSettings::default());
    assert!(!config.categories[0].required);
    assert!(config.services.is_empty());
}

#[test]
fn null_means_left_out() {
    let config =
        Config::from_json(r#"{"categories":[{"id":"a","title":null}],"privacyPolicyUrl":null}"#)
            .expect("valid");
    assert_eq!(config.categories[0].title, None);
    assert_eq!(config.privacy_policy_url, None);
}

#[test]
fn a_preset_left_in_a_page_s_config_says_how_to_write_it_out() {
    let problems = messages(
        r#"{"categories":[{"id":"a"}],"services":[{"preset":"ga4","id":"ga4","category":"a"}]}"#,
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("services[0].preset: names a preset")
            && problems[0].contains("consent-gate resolve"),
        "{problems:?}"
    );
}

#[test]
fn an_unknown_key_is_named_with_its_path_and_the_nearest_known_key() {
    assert_eq!(
        messages(r#"{"categories":[{"id":"a","requried":true}]}"#),
        [r#"categories[0].requried: is not a key consent-gate knows (did you mean "required"?)"#]
    );
    assert_eq!(
        messages(r#"{"categories":[{"id":"a"}],"expiry_days":30}"#),
        [r#"expiry_days: is not a key consent-gate knows (did you mean "expiryDays"?)"#]
    );
    assert_eq!(
        messages(r#"{"categories":[{"id":"a"}],"privacyPolicy":"/p"}"#),
        [r#"privacyPolicy: is not a key consent-gate knows (did you mean "privacyPolicyUrl"?)"#]
    );
    assert_eq!(
        shop_with(|c| c["services"][1]["cookies"][0]["lifetime"] = "2y".into()),
        [
            "services[1].cookies[0].lifetime: is not a key consent-gate knows: the keys here are \
          name, domain, path, provider, duration, purpose, thirdParty"
        ]
    );
}

#[test]
fn a_misspelt_category_reference_suggests_the_declared_one() {
    assert_eq!(
        shop_with(|c| c["services"][3]["category"] = "analytic".into()),
        [
            r#"services[3].category: "analytic" is not a declared category (did you mean "analytics"?)"#
        ]
    );
    assert_eq!(
        shop_with(|c| c["services"][3]["category"] = "ads".into()),
        [
            r#"services[3].category: "ads" is not a declared category: use one of necessary, analytics, marketing"#
        ]
    );
}

#[test]
fn a_wrong_type_names_the_field_and_what_to_write() {
    assert_eq!(
        shop_with(|c| c["expiryDays"] = "30".into()),
        [r#"expiryDays: "30" is a string: write a whole number, without quotes"#]
    );
    assert_eq!(
        shop_with(|c| c["categories"][1]["required"] = "no".into()),
        [r#"categories[1].required: "no" is a string: write true or false, without quotes"#]
    );
    assert_eq!(
        shop_with(|c| c["services"] = serde_json::json!({"id": "x"})),
        ["services: is an object: write a list in [ ]"]
    );
    assert_eq!(
        shop_with(|c| c["revision"] = 1.5.into()),
        ["revision: 1.5 is a number: write a whole number, without quotes"]
    );
}

#[test]
fn a_value_outside_a_fixed_set_suggests_the_nearest() {
    assert_eq!(
        shop_with(|c| c["categories"][1]["consentMode"][0] = "analytics_storge".into()),
        [
            r#"categories[1].consentMode[0]: "analytics_storge" is not one of the choices (did you mean "analytics_storage"?)"#
        ]
    );
    assert_eq!(
        shop_with(|c| c["gpc"] = serde_json::json!({"mode": "EU"})),
        [r#"gpc.mode: "EU" is not one of the choices (did you mean "eu"?)"#]
    );
    assert_eq!(
        shop_with(|c| c["cookie"] = serde_json::json!({"sameSite": "sometimes"})),
        [
            r#"cookie.sameSite: "sometimes" is not one of the choices: write "lax", "strict", "none""#
        ]
    );
}

#[test]
fn json_syntax_errors_name_the_line_and_column() {
    assert_eq!(
        messages("{\n  \"categories\": [],\n}"),
        [
            "the config is not JSON: line 3, column 1: expected a key in double quotes (no trailing commas)"
        ]
    );
    assert_eq!(
        messages("[]"),
        ["the config: is a list: write an object in { }"]
    );
}

#[test]
fn a_key_written_twice_is_reported() {
    assert_eq!(
        messages(r#"{"categories":[{"id":"a"}],"revision":1,"revision":2}"#),
        ["revision: is written twice: keep one"]
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let errors = shop_with(|c| {
        c["revision"] = 0.into();
        c["expiryDays"] = 400.into();
        c["categories"][0]["id"] = "".into();
        c["categories"][1]["titel"] = "x".into();
        c["services"][1]["category"] = "analytic".into();
        c["texts"] = serde_json::json!({"rejectAll": "  "});
        c["privacyPolicyUrl"] = "javascript:alert(1)".into();
    });
    assert_eq!(
        paths(&errors),
        [
            "categories[1].titel",
            "revision",
            "expiryDays",
            "categories[0].id",
            "services[0].category",
            "services[1].category",
            "texts.rejectAll",
            "privacyPolicyUrl",
        ]
    );
}

#[test]
fn a_bad_id_names_the_field_the_value_and_the_fix() {
    let mut config = shop_config();
    config.categories[1].id = "Analytics".into();
    config.services[1].category = "Analytics".into();
    assert_eq!(
        validated(&config)[0],
        r#"categories[1].id: "Analytics" is not a valid id: use 1 to 32 lowercase letters, digits and '-'"#
    );
}

#[test]
fn duplicate_ids_are_refused() {
    assert_eq!(
        shop_with(|c| c["categories"][2]["id"] = "analytics".into())[0],
        r#"categories[2].id: "analytics" is declared twice: give each category its own id"#
    );
    assert_eq!(
        shop_with(|c| c["services"][2]["id"] = "youtube".into()),
        [r#"services[3].id: "youtube" is declared twice: give each service its own id"#]
    );
}

#[test]
fn dark_pattern_a_preticked_category_is_refused() {
    assert_eq!(
        shop_with(|c| c["categories"][2]["preselected"] = true.into()),
        [
            r#"categories[2].preselected: true breaks the rule "no pre-ticked boxes" (CJEU Planet49, C-673/17): remove it; a category the site cannot work without is "required""#
        ]
    );
    assert_eq!(
        shop_with(|c| c["categories"][0]["preselected"] = true.into()),
        Vec::<String>::new(),
        "a required category is on anyway"
    );
}

#[test]
fn dark_pattern_no_words_to_reject_is_refused() {
    for text in ["", "   "] {
        let errors = shop_with(|c| c["texts"] = serde_json::json!({ "rejectAll": text }));
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].starts_with("texts.rejectAll: ")
                && errors[0].contains("breaks the rule \"refusing is as easy as accepting\""),
            "{errors:?}"
        );
    }
    let errors = shop_with(|c| c["translations"] = serde_json::json!({"de": {"rejectAll": ""}}));
    assert!(
        errors[0].starts_with(r#"translations.de.rejectAll: "" is empty"#),
        "{errors:?}"
    );
}

#[test]
fn dark_pattern_consent_kept_over_13_months_is_refused() {
    assert_eq!(
        shop_with(|c| c["expiryDays"] = MAX_EXPIRY_DAYS.into()),
        Vec::<String>::new()
    );
    assert_eq!(
        shop_with(|c| c["expiryDays"] = (MAX_EXPIRY_DAYS + 1).into()),
        [
            r#"expiryDays: 396 breaks the rule "consent expires within 13 months" (CNIL): use 1 to 395 days; 182 is the default"#
        ]
    );
    assert_eq!(shop_with(|c| c["expiryDays"] = 0.into()).len(), 1);
}

#[test]
fn dark_pattern_a_service_in_no_category_is_refused() {
    let errors = shop_with(|c| {
        let service = c["services"][2].as_object_mut().expect("an object");
        service.remove("category");
    });
    assert_eq!(
        errors,
        [
            r#"services[2].category: is missing: breaks the rule "every service is in a category", so a visitor could not refuse it; name one of the declared categories"#
        ]
    );
}

#[test]
fn links_must_be_http_https_or_relative_everywhere() {
    let errors = shop_with(|c| {
        c["privacyPolicyUrl"] = "javascript:alert(1)".into();
        c["logEndpoint"] = "data:text/plain,x".into();
        c["services"][1]["privacyPolicyUrl"] = "vbscript:x".into();
    });
    assert_eq!(
        paths(&errors),
        [
            "services[1].privacyPolicyUrl",
            "privacyPolicyUrl",
            "logEndpoint"
        ]
    );
}

#[test]
fn cookies_storage_keys_and_url_patterns_are_checked() {
    let errors = shop_with(|c| {
        c["services"][1]["cookies"][0]["name"] = "_g a".into();
        c["services"][1]["cookies"][1]["name"] = "*_ga".into();
        c["services"][1]["cookies"][0]["domain"] = "exa mple.com".into();
        c["services"][1]["cookies"][0]["path"] = "shop".into();
        c["services"][2]["storage"][0] = "fb*x*".into();
        c["services"][2]["urls"][0] = "connect facebook".into();
    });
    assert_eq!(
        paths(&errors),
        [
            "services[1].cookies[0].name",
            "services[1].cookies[0].domain",
            "services[1].cookies[0].path",
            "services[1].cookies[1].name",
            "services[2].storage[0]",
            "services[2].urls[0]",
        ]
    );
}

#[test]
fn a_storage_key_may_end_in_any_character() {
    // The '*' check looks at every byte but the last: a last character of several bytes must
    // not be cut in the middle (that panicked, which stops the module).
    let errors = shop_with(|c| {
        c["services"][2]["storage"] = serde_json::json!(["préférence_é", "tracking_*", "a*é"]);
    });
    assert_eq!(paths(&errors), ["services[2].storage[2]"]);
}

#[test]
fn gpc_categories_must_be_declared_and_optional() {
    let errors = shop_with(|c| {
        c["gpc"] = serde_json::json!({"mode": "us", "categories": ["marketin", "necessary"]})
    });
    assert_eq!(
        errors,
        [
            r#"gpc.categories[0]: "marketin" is not a declared category (did you mean "marketing"?)"#,
            r#"gpc.categories[1]: "necessary" is required, so a privacy signal cannot refuse it: list only optional categories"#,
        ]
    );
}

#[test]
fn gpc_refuses_marketing_unless_told_otherwise() {
    let config = shop_config();
    assert_eq!(config.gpc_categories(), ["marketing"]);
    let mut config = shop_config();
    config.gpc.categories = Some(vec!["analytics".into(), "marketing".into()]);
    assert_eq!(config.gpc_categories(), ["analytics", "marketing"]);
}

#[test]
fn the_consent_cookie_settings_are_checked() {
    let errors = shop_with(|c| {
        c["cookie"] = serde_json::json!({"name": "consent gate", "domain": "-", "path": "x"})
    });
    assert_eq!(
        paths(&errors),
        ["cookie.name", "cookie.domain", "cookie.path"]
    );
    assert_eq!(
        shop_with(
            |c| c["cookie"] = serde_json::json!({"name": "cg", "domain": "example.com", "path": "/", "sameSite": "strict"})
        ),
        Vec::<String>::new()
    );
}

#[test]
fn translations_name_declared_things_in_other_languages() {
    let ok = shop_with(|c| {
        c["translations"] = serde_json::json!({
            "de": {
                "title": "Cookies bei Northwind",
                "categories": {"analytics": {"title": "Statistik"}},
                "services": {"youtube": {"description": "Videos"}}
            },
            "pt-BR": {"acceptAll": "Aceitar tudo"}
        })
    });
    assert_eq!(ok, Vec::<String>::new());
    let errors = shop_with(|c| {
        c["translations"] = serde_json::json!({
            "de": {"categories": {"analytic": {"title": "Statistik"}}, "services": {"yt": {}}},
            "en": {},
            "deutsch!": {}
        })
    });
    assert_eq!(
        errors,
        [
            r#"translations.de.categories.analytic: is not a declared category (did you mean "analytics"?)"#,
            "translations.de.services.yt: is not a declared service: use one of shop-session, google-analytics, meta-pixel, youtube",
            r#"translations.deutsch!: is not a language tag: write one like "de" or "pt-BR""#,
            "translations.en: is the config's own language or written twice: give each language one block",
        ]
    );
}

#[test]
fn sizes_are_bounded_so_the_record_fits_a_cookie() {
    let mut config = shop_config();
    config.categories = (0..=MAX_CATEGORIES)
        .map(|i| Category {
            id: format!("c{i}"),
            ..Category::default()
        })
        .collect();
    config.services = (0..=MAX_SERVICES)
        .map(|i| Service {
            id: format!("s{i}"),
            category: "c0".into(),
            ..Service::default()
        })
        .collect();
    config.services[0].id = "s".repeat(MAX_ID_LEN + 1);
    let errors = validated(&config);
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors[0].starts_with("categories: (17 of them) are too many"));
    assert!(errors[1].starts_with("services: (65 of them) are too many"));
    assert!(errors[2].starts_with("services[0].id: "));
}

#[test]
fn quoted_escapes_and_cuts_after_sixty_characters() {
    assert_eq!(super::quoted(r#"a "b" \c"#), r#""a \"b\" \\c""#);
    assert_eq!(super::quoted("tab\there\u{7f}"), r#""tab\u{9}here\u{7f}""#);
    let sixty = "é".repeat(60);
    assert_eq!(super::quoted(&sixty), format!("\"{sixty}\""));
    assert_eq!(
        super::quoted(&format!("{sixty}x")),
        format!("\"{sixty}\"...")
    );
}

#[test]
fn long_values_are_cut_in_messages() {
    let mut config = shop_config();
    config.categories[1].id = "X".repeat(1000);
    let message = &validated(&config)[0];
    assert!(message.len() < 200, "{message}");
    assert!(message.contains("..."));
}

#[test]
fn integrations_are_read_and_checked() {
    let config = Config::from_json(
        r#"{"categories":[{"id":"a"}],"uet":true,"meta":true,
            "consentMode":{"waitForUpdate":800,"regions":["DE","US-CA"],"adsDataRedaction":true,"urlPassthrough":true}}"#,
    )
    .expect("valid");
    let i = &config.integrations;
    assert!(i.google && i.uet && i.meta && i.ads_data_redaction && i.url_passthrough);
    assert_eq!((i.wait_for_update, i.regions.len()), (800, 2));
    let off =
        Config::from_json(r#"{"categories":[{"id":"a"}],"consentMode":false}"#).expect("valid");
    assert!(!off.integrations.google);
    assert_eq!(
        shop_with(|c| c["consentMode"] =
            serde_json::json!({"regions": ["germany"], "waitForUpdate": 60000, "wait": 1})),
        [
            r#"consentMode.wait: is not a key consent-gate knows: the keys here are enabled, waitForUpdate, regions, adsDataRedaction, urlPassthrough"#,
            r#"consentMode.regions[0]: "germany" is not an ISO 3166-2 region: write a country or subdivision code such as "DE" or "US-CA""#,
            "consentMode.waitForUpdate: 60000 is too long: tags wait this many milliseconds for an update; use 0 to 10000 (500 is the default)",
        ]
    );
}

#[test]
fn interface_keys_are_checked() {
    let errors = shop_with(|c| {
        c["texts"] = serde_json::json!({"acceptAl": "OK", "save": ""});
        c["layout"] = "banner".into();
        c["theme"] = "drak".into();
        c["displayLanguage"] = "fr".into();
    });
    assert_eq!(
        errors,
        [
            r#"texts.acceptAl: is not a key consent-gate knows (did you mean "acceptAll"?)"#,
            r#"layout: "banner" is not one of the choices: write "box", "bar", "bar-top", "modal""#,
            r#"theme: "drak" is not one of the choices (did you mean "dark"?)"#,
            r#"texts.save: "" is empty: breaks the rule "refusing is as easy as accepting", so every control needs words (leave the key out for the built-in text)"#,
            r#"displayLanguage: "fr" is not a language this config offers: use "auto", en, or add translations.fr"#,
        ]
    );
    let config = Config::from_json(
        r#"{"categories":[{"id":"a"}],"displayLanguage":"auto","layout":"bar-top","theme":"dark","closeButton":true,"preferencesButton":true}"#,
    )
    .expect("valid");
    assert_eq!(config.display_language, None);
    assert_eq!((config.layout, config.theme), (Layout::BarTop, Theme::Dark));
    assert!(config.close_button && config.preferences_button);
}

#[test]
fn ids_are_lowercase_letters_digits_and_dashes() {
    for id in ["analytics", "a", "ads-2", "0", &"a".repeat(32)] {
        assert!(is_valid_id(id), "{id}");
    }
    for id in [
        "",
        "Ads",
        "a b",
        "a_b",
        "a.b",
        "a+b",
        "!a",
        "é",
        &"a".repeat(33),
    ] {
        assert!(!is_valid_id(id), "{id}");
    }
}

#[test]
fn language_tags() {
    for tag in ["en", "pt-BR", "zh-Hant-TW", "fil"] {
        assert!(is_valid_language(tag), "{tag}");
    }
    for tag in ["", "e", "english", "en_GB", "en-", "-en", "1a", "en.GB"] {
        assert!(!is_valid_language(tag), "{tag}");
    }
}

#[test]
fn links_accept_http_https_and_relative_only() {
    for url in [
        "https://example.com/privacy",
        "HTTP://example.com",
        "/privacy",
        "privacy.html",
        "../privacy?x=a:b",
        "#cookies",
        "/a:b",
    ] {
        assert!(is_safe_link(url), "{url}");
    }
    for url in [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "java\tscript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:x",
        "mailto:dpo@example.com",
        "",
    ] {
        assert!(!is_safe_link(url), "{url:?}");
    }
}

proptest! {
    #[test]
    fn reading_any_text_never_panics(text in ".{0,300}") {
        let _ = Config::from_json(&text);
    }

    #[test]
    fn reading_any_json_never_panics(json in json_object()) {
        let _ = Config::from_json(&json);
    }
}

/// JSON objects built from the config's own keys and junk, so the decoder's paths are exercised.
fn json_object() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("id".to_owned()),
        Just("categories".to_owned()),
        Just("services".to_owned()),
        Just("cookies".to_owned()),
        Just("category".to_owned()),
        Just("required".to_owned()),
        Just("translations".to_owned()),
        Just("gpc".to_owned()),
        Just("cookie".to_owned()),
        "[a-zA-Z]{1,8}",
    ];
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        "[a-z!*/:. -]{0,12}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
    .prop_map(|value| value.to_string())
}

#[test]
fn a_config_larger_than_consent_gate_reads_is_refused_before_it_is_parsed() {
    let huge = format!(
        r#"{{"categories":[{{"id":"a"}}],"texts":{{"description":"{}"}}}}"#,
        "x".repeat(MAX_CONFIG_BYTES)
    );
    let errors = messages(&huge);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("more than consent-gate reads"),
        "{errors:?}"
    );
    // Just under the limit is read as usual.
    let fits = format!(
        r#"{{"categories":[{{"id":"a"}}],"texts":{{"description":"{}"}}}}"#,
        "x".repeat(MAX_CONFIG_BYTES - 100)
    );
    assert!(Config::from_json(&fits).is_ok());
}

#[test]
fn thousands_of_unknown_keys_give_a_bounded_list_of_problems() {
    // The shape of a config that froze a page for 110 s: hundreds of thousands of unknown keys.
    let keys: Vec<String> = (0..80_000).map(|i| format!(r#""k{i}":0"#)).collect();
    let text = format!(r#"{{"categories":[{{"id":"a"}}],{}}}"#, keys.join(","));
    assert!(text.len() < MAX_CONFIG_BYTES);
    let errors = messages(&text);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("has 80001 keys: a config has at most 256"),
        "{errors:?}"
    );
    // Many problems in places of a normal size: the first MAX_ERRORS, then a count.
    let services: Vec<String> = (0..200)
        .map(|i| format!(r#"{{"id":"s{i}","category":"nope","colour":1}}"#))
        .collect();
    let text = format!(
        r#"{{"categories":[{{"id":"a"}}],"services":[{}]}}"#,
        services.join(",")
    );
    let errors = messages(&text);
    assert_eq!(errors.len(), MAX_ERRORS + 1, "{errors:?}");
    assert!(errors[MAX_ERRORS].starts_with("and "), "{errors:?}");
    assert!(errors[MAX_ERRORS].ends_with("more problems: fix these first"));
}
