use super::*;
use crate::core::consent::{Action, Choices, Source};
use crate::core::testing::{
    NOW, SHOP_CONFIG, SHOP_ORIGIN, context, cookie_header, shop_config, shop_plan,
};
use proptest::prelude::*;

/// The cookie value a visitor has after `action` on the shop.
fn stored_after(action: &Action) -> (Consent, String) {
    let (consent, _) = Consent::default()
        .apply(&shop_config(), action, Source::Visitor, &context(NOW))
        .expect("a valid action");
    let value = record::encode(consent.record().expect("decided"));
    (consent, value)
}

fn analytics_only() -> Action {
    Action::Set(Choices {
        categories: vec![("analytics".into(), true)],
        services: Vec::new(),
    })
}

/// The shop's config text with `extra` keys after its revision, and what it decodes to.
fn shop_with(extra: &str) -> (String, Config) {
    let text = SHOP_CONFIG.replacen("\"revision\": 1,", &format!("\"revision\": 1, {extra}"), 1);
    let config = Config::from_json(&text).expect("valid");
    (text, config)
}

fn seen<'a>(config: &'a str, cookies: &'a str, mirror: Option<&'a str>) -> Seen<'a> {
    Seen {
        config,
        cookies,
        mirror,
        outbox: None,
        gpc: false,
        now: NOW + 60,
        site: "https://shop.example",
        carried: false,
    }
}

#[test]
fn a_settled_decision_gets_a_plan_that_answers_as_the_full_gate_would() {
    let (consent, value) = stored_after(&analytics_only());
    let config = shop_config();
    let plan = shop_plan(&value, Some(&value))
        .expect("a returning visitor with nothing to show has a plan");
    assert_eq!(
        plan.keys.decided.as_ref().map(|d| d.record.as_str()),
        Some(value.as_str())
    );
    assert_eq!(plan.grants, Grants::of(&config, &consent));
    assert_eq!(
        plan.grants
            .hold("https://connect.facebook.net/en_US/fbevents.js"),
        Some(2),
        "meta-pixel, refused"
    );
    assert_eq!(
        plan.grants
            .hold("https://www.googletagmanager.com/gtag/js?id=G-1"),
        None
    );
    assert_eq!(
        plan.grants.verdict(Some("analytics"), None),
        Verdict::Release
    );
    assert_eq!(plan.grants.verdict(Some("marketing"), None), Verdict::Hold);
    // Consent Mode's default, then the update, as the full gate sends them.
    let kinds: Vec<&Arg> = plan.calls.iter().map(|c| &c.args[1]).collect();
    assert_eq!(
        kinds,
        [&Arg::Str("default".into()), &Arg::Str("update".into())]
    );
    assert_eq!(plan.purge.services, ["meta-pixel", "youtube"]);
    let json: serde_json::Value = serde_json::from_str(&plan.to_json()).expect("JSON");
    assert_eq!(json["record"], value.as_str());
    assert_eq!(json["services"][1][0], "google-analytics");
    assert_eq!(json["services"][1][2], true);
    assert_eq!(json["calls"][0][0], "gtag");
    assert_eq!(json["calls"][1][3]["analytics_storage"], "granted");
    assert_eq!(
        json["purge"]["cookies"][0][0], "_fbp",
        "third-party cookies are beyond reach"
    );
    assert_eq!(json["purge"]["storage"][0], "fb_*");
    let record: serde_json::Value =
        serde_json::from_str(json["get"].as_str().expect("the record's JSON, as text"))
            .expect("JSON");
    assert_eq!(record["categories"]["analytics"], true);
}

#[test]
fn a_plan_is_followed_only_where_everything_it_was_made_for_holds() {
    let (_, value) = stored_after(&analytics_only());
    let plan = shop_plan(&value, Some(&value)).expect("a plan");
    let header = format!("other=1; consent_gate={value}");
    let base = seen(SHOP_CONFIG, &header, Some(&value));
    assert!(in_force(&plan.keys, &base));
    let edited = SHOP_CONFIG.replace("Analytics", "Statistics");
    let two = format!("{header}; consent_gate={value}");
    let (_, other) = stored_after(&Action::AcceptAll);
    let changed = format!("consent_gate={other}");
    for (why, seen) in [
        (
            "another config",
            Seen {
                config: &edited,
                ..base
            },
        ),
        (
            "no cookie",
            Seen {
                cookies: "other=1",
                ..base
            },
        ),
        (
            "two copies",
            Seen {
                cookies: &two,
                ..base
            },
        ),
        (
            "another decision",
            Seen {
                cookies: &changed,
                ..base
            },
        ),
        (
            "no mirror",
            Seen {
                mirror: None,
                ..base
            },
        ),
        ("the signal", Seen { gpc: true, ..base }),
        (
            "expired",
            Seen {
                now: plan.keys.decided.as_ref().expect("decided").expires,
                ..base
            },
        ),
        (
            "a receipt waiting",
            Seen {
                outbox: Some("{\"receiptId\":\"x\"}"),
                ..base
            },
        ),
    ] {
        assert!(!in_force(&plan.keys, &seen), "{why}");
    }
    assert!(in_force(
        &plan.keys,
        &Seen {
            outbox: Some(""),
            ..base
        }
    ));
    let older = Keys {
        version: "0.0.0/1".into(),
        ..plan.keys.clone()
    };
    assert!(!in_force(&older, &base), "another build's plan");
}

#[test]
fn no_plan_where_the_next_page_view_must_do_more() {
    let (_, value) = stored_after(&analytics_only());
    let ctx = context(NOW);
    let with = |edit: &str| {
        let text = SHOP_CONFIG.replacen("\"revision\": 1,", edit, 1);
        let config = Config::from_json(&text).expect("valid");
        Plan::next_view(
            &config,
            &text,
            &cookie_header(&value),
            Some(&value),
            &ctx,
            SHOP_ORIGIN,
            None,
        )
    };
    assert!(with("\"revision\": 1,").is_some());
    assert!(
        with("\"revision\": 2,").is_none(),
        "a new revision asks again"
    );
    assert!(
        with("\"revision\": 1, \"preferencesButton\": true,").is_none(),
        "a settings button whose labels the interface has not given"
    );
    assert!(
        with("\"revision\": 1,").is_some_and(|plan| plan.button.is_none()),
        "no button unless asked for"
    );
    assert!(
        with("\"revision\": 1, \"meta\": true,")
            .is_some_and(|plan| plan.calls.iter().any(|call| call.target == Target::Fbq)),
        "the Meta pixel's consent call is the plan's to make"
    );
    let config = shop_config();
    assert!(
        Plan::next_view(
            &config,
            SHOP_CONFIG,
            "consent_gate=garbage",
            None,
            &ctx,
            SHOP_ORIGIN,
            None
        )
        .is_none()
    );
    let twice = format!("{}; {}", cookie_header(&value), cookie_header(&value));
    assert!(
        Plan::next_view(&config, SHOP_CONFIG, &twice, None, &ctx, SHOP_ORIGIN, None).is_none(),
        "two copies of the record cookie (another path's): the full gate sorts them out"
    );
}

#[test]
fn the_digest_tells_texts_apart() {
    assert_eq!(digest(""), "cbf29ce484222325");
    assert_eq!(digest("a"), "af63dc4c8601ec8c");
    assert_ne!(digest(SHOP_CONFIG), digest(&SHOP_CONFIG.replace("1", "2")));
}

const URLS: [&str; 8] = [
    "https://www.googletagmanager.com/gtag/js?id=G-1",
    "https://region1.google-analytics.com/g/collect?v=2",
    "https://connect.facebook.net/en_US/fbevents.js",
    "//www.youtube.com/embed/x",
    "https://www.youtube.com/watch?v=x",
    "https://cdn.example.org/lib.js",
    "/local.js",
    "HTTPS://CONNECT.FACEBOOK.NET./x",
];

const NAMES: [&str; 9] = [
    "necessary",
    "analytics",
    "marketing",
    "shop-session",
    "google-analytics",
    "meta-pixel",
    "youtube",
    " analytics ",
    "unknown",
];

proptest! {
    /// Whatever the visitor decided, the plan's answers are the full gate's: which URL is held,
    /// and which element is released.
    #[test]
    fn the_plan_answers_as_core_does(
        analytics in any::<Option<bool>>(),
        marketing in any::<Option<bool>>(),
        youtube in any::<Option<bool>>(),
        url in 0..URLS.len(),
        category in proptest::option::of(0..NAMES.len()),
        service in proptest::option::of(0..NAMES.len()),
    ) {
        let config = shop_config();
        let mut choices = Choices::default();
        for (id, granted) in [("analytics", analytics), ("marketing", marketing)] {
            if let Some(granted) = granted {
                choices.categories.push((id.into(), granted));
            }
        }
        if let Some(granted) = youtube {
            choices.services.push(("youtube".into(), granted));
        }
        let (consent, _) = Consent::default()
            .apply(&config, &Action::Set(choices), Source::Visitor, &context(NOW))
            .expect("valid choices");
        let grants = Grants::of(&config, &consent);
        let held = grants.hold(URLS[url]).map(|i| grants.services[i].0.clone());
        let expected = autoblock::hold(&config, &consent, URLS[url]).map(|h| h.service);
        prop_assert_eq!(held, expected);
        let (category, service) = (category.map(|i| NAMES[i]), service.map(|i| NAMES[i]));
        prop_assert_eq!(
            grants.verdict(category, service),
            gate::verdict(&config, &consent, category, service)
        );
    }
}

#[test]
fn the_settings_button_is_drawn_from_the_plan_as_the_interface_draws_it() {
    let (_, value) = stored_after(&analytics_only());
    let (text, config) = shop_with("\"preferencesButton\": true, \"theme\": \"dark\",");
    let drawn = button(&config);
    let plan = Plan::next_view(
        &config,
        &text,
        &cookie_header(&value),
        None,
        &context(NOW),
        SHOP_ORIGIN,
        Some(&drawn),
    )
    .expect("a returning visitor's settings button is drawn from the plan");
    assert_eq!(plan.button.as_deref(), Some(drawn.as_str()));
    let parsed: serde_json::Value = serde_json::from_str(&plan.to_json()).expect("JSON");
    let names = &parsed["names"];
    assert_eq!(names["gated"], contract::GATED_SELECTOR);
    assert_eq!(
        names["opener"],
        "[data-consent-action=\"show-preferences\"]"
    );
    assert_eq!(names["injectedKept"], gate::INJECTED_SCRIPT_KEPT);
    let button = &parsed["button"];
    assert_eq!(button["host"], contract::ROOT_ELEMENT_ID);
    assert_eq!(button["css"], style::BASE);
    assert_eq!(button["forced"], serde_json::Value::Null);
    let english = &button["views"][0];
    assert_eq!(english[0], "en");
    let element = &english[1];
    assert_eq!(element[0], "button");
    assert_eq!(element[2], "Cookie settings");
    let attributes = element[1].as_array().expect("a list");
    for wanted in [
        ["type", "button"],
        [contract::ATTR_ACTION, "show-preferences"],
        ["class", "cg settings theme-dark"],
        [contract::ATTR_SETTINGS_BUTTON, ""],
        ["lang", "en"],
        ["dir", "ltr"],
    ] {
        assert!(
            attributes.contains(&serde_json::json!(wanted)),
            "{wanted:?} in {attributes:?}"
        );
    }
}

#[test]
fn a_lockdown_meta_is_put_first_by_the_plan_with_the_policy_the_decision_allows() {
    let (consent, value) = stored_after(&analytics_only());
    let (text, config) = shop_with("\"lockdown\": { \"meta\": true },");
    let plan = Plan::next_view(
        &config,
        &text,
        &cookie_header(&value),
        None,
        &context(NOW),
        SHOP_ORIGIN,
        None,
    )
    .expect("a lockdown <meta> is in a plan");
    let policy = crate::core::lockdown::content_security_policy(&config, &consent);
    assert_eq!(plan.lockdown.as_deref(), Some(policy.as_str()));
    let parsed: serde_json::Value = serde_json::from_str(&plan.to_json()).expect("JSON");
    assert_eq!(parsed["lockdown"], policy.as_str());
    let plain = shop_plan(&value, None).expect("a plan");
    assert_eq!(plain.lockdown, None);
}

/// The shop's plan for a visitor with nothing stored, as the full gate makes it on `ctx`.
fn undecided(ctx: &Context) -> Option<Plan> {
    Plan::next_view(
        &shop_config(),
        SHOP_CONFIG,
        "",
        None,
        ctx,
        SHOP_ORIGIN,
        None,
    )
}

#[test]
fn a_visitor_who_has_not_decided_gets_a_plan_that_holds_what_the_banner_holds() {
    let config = shop_config();
    let plan = undecided(&context(NOW)).expect("an undecided visitor has a plan");
    assert!(plan.banner(), "the banner is due");
    assert_eq!(
        plan.keep(),
        Keep::Session,
        "nothing lasting before a decision"
    );
    assert_eq!(plan.keys.decided, None);
    let (consent, _) = Consent::restore(&config, [None::<&str>], &context(NOW));
    assert_eq!(plan.grants, Grants::of(&config, &consent));
    assert_eq!(
        plan.grants.verdict(Some("necessary"), None),
        Verdict::Release
    );
    for category in ["analytics", "marketing"] {
        assert_eq!(plan.grants.verdict(Some(category), None), Verdict::Hold);
    }
    assert_eq!(
        plan.grants
            .hold("https://www.googletagmanager.com/gtag/js?id=G-1"),
        Some(1),
        "google-analytics, not granted"
    );
    // The Consent Mode default alone: there is no decision to update it with.
    let kinds: Vec<&Arg> = plan.calls.iter().map(|c| &c.args[1]).collect();
    assert_eq!(kinds, [&Arg::Str("default".into())]);
    let json: serde_json::Value = serde_json::from_str(&plan.to_json()).expect("JSON");
    for key in ["record", "expires", "get", "mirror"] {
        assert_eq!(json[key], serde_json::Value::Null, "{key}");
    }
    assert_eq!(json["banner"], true);
    let (_, value) = stored_after(&analytics_only());
    let decided = shop_plan(&value, None).expect("a plan");
    assert!(!decided.banner());
    assert_eq!(decided.keep(), Keep::Local);
    let json: serde_json::Value = serde_json::from_str(&decided.to_json()).expect("JSON");
    assert_eq!(json["banner"], false);
}

#[test]
fn an_undecided_plan_is_followed_only_while_no_record_is_stored() {
    let plan = undecided(&context(NOW)).expect("a plan");
    let base = seen(SHOP_CONFIG, "other=1", None);
    assert!(in_force(&plan.keys, &base));
    assert!(
        in_force(
            &plan.keys,
            &Seen {
                now: NOW + 400 * 86_400,
                ..base
            }
        ),
        "no decision to expire"
    );
    let (_, value) = stored_after(&Action::RejectAll);
    let decided = format!("other=1; consent_gate={value}");
    for (why, seen) in [
        (
            "another tab decided",
            Seen {
                cookies: &decided,
                ..base
            },
        ),
        (
            "a cookie that is no record",
            Seen {
                cookies: "consent_gate=",
                ..base
            },
        ),
        (
            "a mirror without its cookie",
            Seen {
                mirror: Some(&value),
                ..base
            },
        ),
        ("the signal", Seen { gpc: true, ..base }),
    ] {
        assert!(!in_force(&plan.keys, &seen), "{why}");
    }
}

#[test]
fn a_kept_plan_stands_exactly_while_the_plan_made_now_would_be_the_same() {
    let (_, value) = stored_after(&analytics_only());
    let (_, other) = stored_after(&Action::RejectAll);
    let cookie = |value: &str| format!("other=1; {}", cookie_header(value));
    let plan = |cookies: &str, mirror: Option<&str>| {
        let made = Plan::next_view(
            &shop_config(),
            SHOP_CONFIG,
            cookies,
            mirror,
            &context(NOW),
            SHOP_ORIGIN,
            None,
        );
        made.map(|plan| plan.to_json())
    };
    let (mine, theirs) = (cookie(&value), cookie(&other));
    let both = format!("{mine}; {}", cookie_header(&other));
    let kept_for = [("", None), (mine.as_str(), Some(value.as_str()))];
    let now = [
        ("", None),
        ("other=2", None),
        (mine.as_str(), Some(value.as_str())),
        (mine.as_str(), None),
        (theirs.as_str(), Some(other.as_str())),
        (both.as_str(), Some(value.as_str())),
        ("", Some(value.as_str())),
    ];
    for (cookies, mirror) in kept_for {
        let followed = Kept::followed(
            (!cookies.is_empty()).then(|| value.clone()),
            mirror.map(str::to_owned),
        );
        assert_eq!(followed, Kept::of("consent_gate", cookies, mirror, None));
        let made = plan(cookies, mirror).expect("each kept state has a plan");
        for (now_cookies, now_mirror) in now {
            // Checked against the plan itself, made again from the stores as they are now.
            let same = plan(now_cookies, now_mirror).as_ref() == Some(&made);
            assert_eq!(
                followed.stands("consent_gate", now_cookies, now_mirror, None),
                same,
                "kept for {cookies:?} {mirror:?}, now {now_cookies:?} {now_mirror:?}"
            );
        }
        // Where no plan is made, none stays made while the stores hold the same.
        let none = Kept::of("consent_gate", &both, Some(&value), None);
        assert_eq!(plan(&both, Some(&value)), None);
        assert!(none.stands("consent_gate", &both, Some(&value), None));
    }
    // With the settings button, the drawing the interface made is part of what a plan is made
    // for: none until it has drawn it.
    let (text, config) = shop_with("\"preferencesButton\": true,");
    let drawing = button(&config);
    let with_button = |drawn: Option<&str>| {
        let made = Plan::next_view(
            &config,
            &text,
            &mine,
            Some(&value),
            &context(NOW),
            SHOP_ORIGIN,
            drawn,
        );
        made.map(|plan| plan.to_json())
    };
    assert!(with_button(Some(&drawing)).is_some() && with_button(None).is_none());
    for kept_drawn in [None, Some(drawing.as_str())] {
        let kept = Kept::of("consent_gate", &mine, Some(&value), kept_drawn);
        for drawn in [None, Some(drawing.as_str())] {
            assert_eq!(
                kept.stands("consent_gate", &mine, Some(&value), drawn),
                with_button(drawn) == with_button(kept_drawn),
                "kept for {kept_drawn:?}, drawn {drawn:?}"
            );
        }
    }
}

#[test]
fn no_plan_where_the_first_page_view_decides_or_a_stored_decision_must_be_asked_again() {
    let (text, mut config) = shop_with("");
    config.gpc.mode = crate::core::config::GpcMode::Us;
    let ctx = Context {
        gpc: true,
        ..context(NOW)
    };
    assert!(
        Plan::next_view(&config, &text, "", None, &ctx, SHOP_ORIGIN, None).is_none(),
        "the signal decides and the record must be written first"
    );
    let (_, value) = stored_after(&analytics_only());
    assert!(
        Plan::next_view(
            &shop_config(),
            SHOP_CONFIG,
            "",
            Some(&value),
            &context(NOW),
            SHOP_ORIGIN,
            None
        )
        .is_none(),
        "a decision in the mirror alone: a plan is made for the cookie's record"
    );
}

#[test]
fn a_page_carries_the_undecided_plan_for_its_own_site_only() {
    let page = Plan::for_page(&shop_config(), SHOP_CONFIG, SHOP_ORIGIN).expect("a page's plan");
    let stored = undecided(&context(NOW)).expect("a plan");
    assert_eq!(page.keys.site.as_deref(), Some("https://shop.example"));
    assert_eq!(
        Plan {
            keys: Keys {
                site: None,
                ..page.keys.clone()
            },
            ..page.clone()
        },
        stored,
        "the same plan as the full gate keeps for a visitor who has not decided"
    );
    let base = Seen {
        carried: true,
        ..seen(SHOP_CONFIG, "other=1", None)
    };
    assert!(in_force(&page.keys, &base));
    assert!(
        !in_force(
            &page.keys,
            &Seen {
                carried: false,
                ..base
            }
        ),
        "a page's plan put into storage"
    );
    assert!(
        !in_force(&stored.keys, &base),
        "a stored plan put into a page: it names no site"
    );
    let (_, value) = stored_after(&Action::AcceptAll);
    let decided = format!("consent_gate={value}");
    for (why, seen) in [
        (
            "another scheme",
            Seen {
                site: "http://shop.example",
                ..base
            },
        ),
        (
            "another host",
            Seen {
                site: "https://www.shop.example",
                ..base
            },
        ),
        (
            "a decision stored",
            Seen {
                cookies: &decided,
                ..base
            },
        ),
        ("the signal", Seen { gpc: true, ..base }),
        (
            "another config",
            Seen {
                config: "{}",
                ..base
            },
        ),
    ] {
        assert!(!in_force(&page.keys, &seen), "{why}");
    }
    let claims = Keys {
        decided: Some(Decided {
            record: value.clone(),
            expires: NOW + 86_400,
        }),
        ..page.keys.clone()
    };
    assert!(
        !in_force(
            &claims,
            &Seen {
                cookies: &decided,
                ..base
            }
        ),
        "a page's plan never stands for a decision, whatever the cookie holds"
    );
    let json: serde_json::Value = serde_json::from_str(&page.to_json()).expect("JSON");
    assert_eq!(json["site"], "https://shop.example");
    assert_eq!(json["banner"], true);
    assert_eq!(json["record"], serde_json::Value::Null);
    let stored: serde_json::Value = serde_json::from_str(&stored.to_json()).expect("JSON");
    assert_eq!(stored["site"], serde_json::Value::Null);
}

#[test]
fn a_plan_s_keys_are_read_back_from_its_json_and_a_page_s_plan_is_checked_as_the_small_gate_follows_it()
 {
    let (_, value) = stored_after(&analytics_only());
    let decided = shop_plan(&value, Some(&value)).expect("a plan");
    let undecided = undecided(&context(NOW)).expect("a plan");
    let page = Plan::for_page(&shop_config(), SHOP_CONFIG, SHOP_ORIGIN).expect("a page's plan");
    for plan in [&decided, &undecided, &page] {
        assert_eq!(Keys::from_json(&plan.to_json()).as_ref(), Some(&plan.keys));
    }
    for broken in [
        "",
        "[]",
        "{}",
        "{\"v\":\"x\"}",
        &page.to_json().replace("\"config\":", "\"other\":"),
    ] {
        assert_eq!(Keys::from_json(broken), None, "{broken}");
    }
    let site = SHOP_ORIGIN;
    assert!(page_plan_followed(&page.page_text(), SHOP_CONFIG, site));
    assert!(page_plan_followed(
        &format!("\n  {}\n", page.to_json()),
        SHOP_CONFIG,
        site
    ));
    let http = Origin {
        protocol: "http:",
        ..SHOP_ORIGIN
    };
    assert!(!page_plan_followed(&page.page_text(), SHOP_CONFIG, http));
    assert!(!page_plan_followed(
        &page.page_text(),
        &format!(" {SHOP_CONFIG}"),
        site
    ));
    assert!(
        !page_plan_followed(&undecided.to_json(), SHOP_CONFIG, site),
        "no site named"
    );
    assert!(
        !page_plan_followed(&decided.to_json(), SHOP_CONFIG, site),
        "a decision"
    );
    let older = page.to_json().replace(VERSION, "0.0.0/1");
    assert!(
        !page_plan_followed(&older, SHOP_CONFIG, site),
        "another release's"
    );
    assert!(!page_plan_followed("not JSON", SHOP_CONFIG, site));
}

#[test]
fn an_undecided_plan_carries_the_banner_in_each_offered_language_as_the_interface_lays_it_out() {
    let config = crate::core::testing::translated();
    let plan = Plan::next_view(
        &config,
        SHOP_CONFIG,
        "",
        None,
        &context(NOW),
        SHOP_ORIGIN,
        None,
    )
    .expect("an undecided visitor has a plan");
    let json: serde_json::Value = serde_json::from_str(&plan.to_json()).expect("JSON");
    let drawing = &json["drawing"];
    assert_eq!(drawing["host"], contract::ROOT_ELEMENT_ID);
    assert_eq!(drawing["css"], style::banner());
    assert_eq!(drawing["action"], contract::ATTR_ACTION);
    assert_eq!(drawing["banner"], contract::ATTR_BANNER);
    assert_eq!(drawing["forced"], serde_json::Value::Null);
    let views = drawing["views"].as_array().expect("a list");
    let codes: Vec<&str> = views.iter().filter_map(|v| v[0].as_str()).collect();
    assert_eq!(codes, ["en", "de"]);
    for (view, title, accept) in [
        (&views[0], "Cookies at Northwind", "Accept all"),
        (&views[1], "Ihre Privatsphäre ist uns wichtig", "Alles klar"),
    ] {
        let banner = &view[1];
        assert_eq!(banner[0], "section");
        let attribute = |element: &serde_json::Value, name: &str| {
            element[1]
                .as_array()
                .and_then(|list| list.iter().find(|pair| pair[0] == name))
                .map(|pair| pair[1].clone())
        };
        assert_eq!(attribute(banner, "lang"), Some(view[0].clone()));
        assert_eq!(attribute(banner, "role"), Some("region".into()));
        assert_eq!(attribute(banner, contract::ATTR_BANNER), Some("".into()));
        let children = banner[3].as_array().expect("children");
        assert_eq!(children[0][0], "h2");
        assert_eq!(children[0][2], title, "the site's text, as text");
        let link = &children[1][3][0];
        assert_eq!(link[0], "a");
        assert_eq!(attribute(link, "href"), Some("/privacy.html".into()));
        // Refusing first, drawn as accepting is.
        let actions: Vec<serde_json::Value> = children[2][3]
            .as_array()
            .expect("the controls")
            .iter()
            .map(|button| attribute(button, contract::ATTR_ACTION).unwrap_or_default())
            .collect();
        assert_eq!(actions, ["reject-all", "accept-all", "customize"]);
        assert_eq!(children[2][3][1][2], accept);
    }
    // The same banner the interface builds from its view.
    let markup = view::BannerView::new(&config, "de").markup();
    let expected: serde_json::Value = serde_json::from_str(&markup.to_json()).expect("JSON");
    assert_eq!(views[1][1], expected);

    let (_, value) = stored_after(&analytics_only());
    let decided = shop_plan(&value, None).expect("a plan");
    assert_eq!(
        decided.drawing, None,
        "a decided visitor's plan draws no banner"
    );
}
