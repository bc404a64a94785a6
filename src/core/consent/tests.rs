use super::*;
use crate::core::config::GpcMode;
use crate::core::testing::{NOW, context, shop_config};
use proptest::prelude::*;

fn restore(config: &Config, value: Option<&str>, now: u64) -> (Consent, Vec<Effect>) {
    Consent::restore(config, [value], &context(now))
}

fn first_visit() -> Consent {
    restore(&shop_config(), None, NOW).0
}

fn act(consent: &Consent, action: Action, now: u64) -> (Consent, Vec<Effect>) {
    consent
        .apply(&shop_config(), &action, Source::Visitor, &context(now))
        .expect("a valid action")
}

fn set(categories: &[(&str, bool)], services: &[(&str, bool)]) -> Action {
    let owned = |list: &[(&str, bool)]| list.iter().map(|(id, g)| ((*id).to_owned(), *g)).collect();
    Action::Set(Choices {
        categories: owned(categories),
        services: owned(services),
    })
}

fn persisted(effects: &[Effect]) -> String {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Persist { value, .. } => Some(value.clone()),
            _ => None,
        })
        .expect("a Persist effect")
}

fn purged(effects: &[Effect]) -> Option<&Purge> {
    effects.iter().find_map(|e| match e {
        Effect::Purge(purge) => Some(purge),
        _ => None,
    })
}

fn without_purge(effects: &[Effect]) -> Vec<Effect> {
    effects
        .iter()
        .filter(|e| !matches!(e, Effect::Purge(_)))
        .cloned()
        .collect()
}

fn change(effects: &[Effect]) -> &Change {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Changed(change) => Some(change),
            _ => None,
        })
        .expect("a Changed effect")
}

/// Why the banner is shown, if the effects show it.
fn shown(effects: &[Effect]) -> Option<&Prompt> {
    effects.iter().find_map(|e| match e {
        Effect::ShowBanner(prompt) => Some(prompt),
        _ => None,
    })
}

fn grants(categories: &[&str], services: &[&str]) -> Grants {
    Grants {
        categories: categories.iter().map(|s| (*s).to_owned()).collect(),
        services: services.iter().map(|s| (*s).to_owned()).collect(),
    }
}

fn required_only() -> Grants {
    grants(&["necessary"], &["shop-session"])
}

fn everything() -> Grants {
    grants(
        &["necessary", "analytics", "marketing"],
        &["shop-session", "google-analytics", "meta-pixel", "youtube"],
    )
}

fn signals(granted: &[Signal]) -> Vec<(Signal, bool)> {
    Signal::ALL
        .into_iter()
        .map(|s| (s, granted.contains(&s)))
        .collect()
}

#[test]
fn a_first_visit_shows_the_banner_and_grants_only_required() {
    let (consent, effects) = restore(&shop_config(), None, NOW);
    assert!(!consent.is_decided());
    assert_eq!(consent.prompt(), Some(&Prompt::FirstVisit));
    // Nothing is consented yet: whatever a tracker left before is deleted.
    let purge = purged(&effects).expect("leftovers purged");
    assert_eq!(
        purge.services,
        ["google-analytics", "meta-pixel", "youtube"]
    );
    assert_eq!(purge.storage, ["fb_*"]);
    assert_eq!(
        without_purge(&effects),
        [
            Effect::ConsentModeDefault(signals(&[
                Signal::FunctionalityStorage,
                Signal::SecurityStorage
            ])),
            Effect::ShowBanner(Prompt::FirstVisit),
            Effect::Activate(required_only()),
        ]
    );
}

#[test]
fn only_a_trusted_event_is_the_visitor_deciding() {
    assert_eq!(Source::of_event(true), Source::Visitor);
    assert_eq!(Source::of_event(false), Source::Api);
    let (scripted, _) = first_visit()
        .apply(
            &shop_config(),
            &Action::AcceptAll,
            Source::of_event(false),
            &context(NOW),
        )
        .expect("a valid action");
    assert_eq!(scripted.record().map(|r| r.method), Some(Method::Api));
}

#[test]
fn a_decision_records_the_words_its_context_says_were_shown_and_no_others() {
    let shown = Context {
        texts_hash: "0123456789abcdef".into(),
        ..context(NOW)
    };
    let (consent, effects) = first_visit()
        .apply(&shop_config(), &Action::RejectAll, Source::Visitor, &shown)
        .expect("a valid action");
    assert_eq!(
        consent.record().map(|r| r.texts_hash.as_str()),
        Some("0123456789abcdef")
    );
    assert!(persisted(&effects).contains(".0123456789abcdef."));
    let unseen = Context {
        texts_hash: UNKNOWN_TEXTS_HASH.into(),
        ..context(NOW)
    };
    let (consent, _) = first_visit()
        .apply(&shop_config(), &Action::AcceptAll, Source::Api, &unseen)
        .expect("a valid action");
    assert_eq!(
        consent.record().map(|r| r.texts_hash.as_str()),
        Some(UNKNOWN_TEXTS_HASH)
    );
}

#[test]
fn accept_all_grants_every_optional_category_and_service_and_records_how() {
    let (consent, effects) = act(&first_visit(), Action::AcceptAll, NOW);
    assert_eq!(consent.grants(&shop_config()), everything());
    let record = consent.record().expect("decided");
    assert_eq!(record.consent_id, "AAAAAAAAAAAAAAAAAAAAAA");
    assert_eq!(
        (record.first_decided_at, record.last_changed_at),
        (NOW, NOW)
    );
    assert_eq!(record.expires_at, NOW + 182 * DAY);
    assert_eq!(record.revision, 1);
    assert_eq!(
        record.texts_hash,
        crate::core::texts::texts_hash(&shop_config(), "en")
    );
    assert_eq!(record.language, "en");
    assert_eq!(record.method, Method::AcceptAll);
    assert!(!record.gpc);
    let value = persisted(&effects);
    assert_eq!(
        effects,
        [
            Effect::Persist {
                value: value.clone(),
                max_age_secs: 182 * DAY
            },
            Effect::HideBanner,
            Effect::ConsentMode(signals(&[
                Signal::AdStorage,
                Signal::AdUserData,
                Signal::AdPersonalization,
                Signal::AnalyticsStorage,
                Signal::FunctionalityStorage,
                Signal::SecurityStorage
            ])),
            Effect::Activate(everything()),
            Effect::Changed(Change {
                first: true,
                method: Method::AcceptAll,
                granted: grants(
                    &["analytics", "marketing"],
                    &["google-analytics", "meta-pixel", "youtube"]
                ),
                revoked: Grants::default(),
            }),
            Effect::Receipt(decision_receipt(record, "AAAAAAAAAAAAAAAAAAAAAA")),
        ]
    );
}

#[test]
fn reject_all_grants_exactly_the_required_and_is_stored_too() {
    let (consent, effects) = act(&first_visit(), Action::RejectAll, NOW);
    assert_eq!(consent.grants(&shop_config()), required_only());
    assert!(consent.is_decided());
    assert!(persisted(&effects).contains(".reject-all.0.!analytics+!marketing."));
    let (restored, effects) = restore(&shop_config(), Some(&persisted(&effects)), NOW + DAY);
    assert_eq!(restored.grants(&shop_config()), required_only());
    assert!(!effects.iter().any(|e| matches!(e, Effect::ShowBanner(_))));
}

#[test]
fn a_stored_decision_is_restored_without_the_banner() {
    for action in [
        Action::AcceptAll,
        Action::RejectAll,
        set(&[("analytics", true)], &[]),
    ] {
        let (decided, effects) = act(&first_visit(), action, NOW);
        let (restored, effects) = restore(&shop_config(), Some(&persisted(&effects)), NOW + DAY);
        assert_eq!(restored, decided);
        let refused: Vec<&str> = ["google-analytics", "meta-pixel", "youtube"]
            .into_iter()
            .filter(|id| !decided.is_service_granted(&shop_config(), id))
            .collect();
        assert_eq!(
            purged(&effects).map_or(Vec::new(), |p| p.services.clone()),
            refused,
            "what a refused tracker left is deleted on every page view"
        );
        assert_eq!(
            without_purge(&effects),
            [
                Effect::ConsentModeDefault(Consent::default().consent_mode(&shop_config())),
                Effect::ConsentMode(decided.consent_mode(&shop_config())),
                Effect::Activate(decided.grants(&shop_config())),
            ]
        );
    }
}

#[test]
fn choices_on_a_category_carry_to_its_services_unless_named() {
    let (consent, _) = act(
        &first_visit(),
        set(&[("marketing", true)], &[("meta-pixel", false)]),
        NOW,
    );
    assert_eq!(
        consent.grants(&shop_config()),
        grants(&["necessary", "marketing"], &["shop-session", "youtube"])
    );
    assert_eq!(consent.record().map(|r| r.method), Some(Method::Custom));
}

#[test]
fn a_service_can_be_granted_without_its_category() {
    let (consent, _) = act(&first_visit(), set(&[], &[("youtube", true)]), NOW);
    assert_eq!(
        consent.grants(&shop_config()),
        grants(&["necessary"], &["shop-session", "youtube"])
    );
}

#[test]
fn later_choices_keep_what_they_do_not_name() {
    let (consent, _) = act(&first_visit(), set(&[("analytics", true)], &[]), NOW);
    let (consent, effects) = act(&consent, set(&[], &[("youtube", true)]), NOW + 10);
    assert_eq!(
        consent.grants(&shop_config()),
        grants(
            &["necessary", "analytics"],
            &["shop-session", "google-analytics", "youtube"]
        )
    );
    let record = consent.record().expect("decided");
    assert_eq!(
        (record.first_decided_at, record.last_changed_at),
        (NOW, NOW + 10)
    );
    assert_eq!(
        change(&effects),
        &Change {
            first: false,
            method: Method::Custom,
            granted: grants(&[], &["youtube"]),
            revoked: Grants::default(),
        }
    );
}

#[test]
fn the_api_is_recorded_as_such() {
    let (consent, _) = first_visit()
        .apply(
            &shop_config(),
            &Action::AcceptAll,
            Source::Api,
            &context(NOW),
        )
        .expect("valid");
    assert_eq!(consent.record().map(|r| r.method), Some(Method::Api));
}

#[test]
fn choices_naming_what_cannot_be_chosen_are_refused_and_change_nothing() {
    let consent = first_visit();
    let config = shop_config();
    let attempt = |action: Action| {
        consent
            .apply(&config, &action, Source::Api, &context(NOW))
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    assert_eq!(
        attempt(set(&[("analytic", true)], &[])),
        Err(r#""analytic" is not a category of this site: the optional categories are analytics, marketing"#.into())
    );
    assert_eq!(
        attempt(set(&[], &[("hotjar", true)])),
        Err(r#""hotjar" is not a service of this site: the services are shop-session, google-analytics, meta-pixel, youtube"#.into())
    );
    assert_eq!(
        attempt(set(&[("necessary", false)], &[])),
        Err(
            r#""necessary" is required by the site and is always granted: it cannot be refused"#
                .into()
        )
    );
    assert_eq!(
        attempt(set(&[], &[("shop-session", false)])),
        Err(
            r#""shop-session" is required by the site and is always granted: it cannot be refused"#
                .into()
        )
    );
    assert_eq!(attempt(set(&[("necessary", true)], &[])), Ok(()));
}

#[test]
fn withdraw_refuses_everything_optional_and_purges_what_ran() {
    let (accepted, _) = act(&first_visit(), Action::AcceptAll, NOW);
    let (withdrawn, effects) = act(&accepted, Action::Withdraw, NOW + 60);
    assert_eq!(withdrawn.grants(&shop_config()), required_only());
    assert_eq!(
        withdrawn.record().map(|r| r.method),
        Some(Method::RejectAll)
    );
    let purge = purged(&effects).expect("a purge");
    assert_eq!(
        purge.services,
        ["google-analytics", "meta-pixel", "youtube"]
    );
    let names: Vec<&str> = purge.cookies.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["_ga", "_ga_*", "_fbp", "VISITOR_INFO1_LIVE"]);
    assert_eq!(purge.storage, ["fb_*"]);
    assert_eq!(
        effects.last(),
        Some(&Effect::Reload),
        "scripts that ran are stopped by a reload"
    );
    assert_eq!(
        change(&effects).revoked,
        grants(
            &["analytics", "marketing"],
            &["google-analytics", "meta-pixel", "youtube"]
        )
    );
}

#[test]
fn refusing_one_service_purges_only_it() {
    let (accepted, _) = act(&first_visit(), Action::AcceptAll, NOW);
    let (_, effects) = act(&accepted, set(&[], &[("meta-pixel", false)]), NOW + 60);
    assert_eq!(
        purged(&effects).map(|p| p.services.clone()),
        Some(vec!["meta-pixel".into()])
    );
}

#[test]
fn nothing_is_purged_when_nothing_had_run() {
    let (_, effects) = act(&first_visit(), Action::RejectAll, NOW);
    assert_eq!(purged(&effects), None);
    assert!(!effects.contains(&Effect::Reload));
}

#[test]
fn the_reload_after_a_withdrawal_can_be_turned_off() {
    let mut config = shop_config();
    config.reload_on_withdraw = false;
    let (accepted, _) = Consent::default()
        .apply(&config, &Action::AcceptAll, Source::Visitor, &context(NOW))
        .expect("valid");
    let (_, effects) = accepted
        .apply(&config, &Action::Withdraw, Source::Visitor, &context(NOW))
        .expect("valid");
    assert!(purged(&effects).is_some());
    assert!(!effects.contains(&Effect::Reload));
}

#[test]
fn another_revision_means_ask_again() {
    let (_, effects) = act(&first_visit(), Action::AcceptAll, NOW);
    let mut config = shop_config();
    config.revision = 2;
    let (consent, effects) = restore(&config, Some(&persisted(&effects)), NOW);
    assert!(!consent.is_decided());
    assert_eq!(shown(&effects), Some(&Prompt::NewRevision));
    assert_eq!(consent.grants(&config), required_only());
}

#[test]
fn a_refusal_after_a_lapsed_grant_purges_what_it_left() {
    let (_, effects) = act(&first_visit(), Action::AcceptAll, NOW);
    let mut config = shop_config();
    config.revision = 2;
    let (asked, _) = restore(&config, Some(&persisted(&effects)), NOW);
    let (_, effects) = asked
        .apply(&config, &Action::RejectAll, Source::Visitor, &context(NOW))
        .expect("valid");
    assert_eq!(
        purged(&effects).map(|p| p.services.len()),
        Some(3),
        "{effects:?}"
    );
    assert!(change(&effects).first);
    assert!(
        !effects.contains(&Effect::Reload),
        "nothing ran under the lapsed record"
    );
}

#[test]
fn an_expired_record_means_ask_again() {
    let (_, effects) = act(&first_visit(), set(&[("analytics", true)], &[]), NOW);
    let value = persisted(&effects);
    let last_second = NOW + 182 * DAY - 1;
    assert!(
        restore(&shop_config(), Some(&value), last_second)
            .0
            .is_decided()
    );
    let (consent, effects) = restore(&shop_config(), Some(&value), last_second + 1);
    assert!(!consent.is_decided());
    assert_eq!(shown(&effects), Some(&Prompt::Expired));
}

#[test]
fn a_shorter_expiry_in_the_config_applies_to_stored_records() {
    let (_, effects) = act(&first_visit(), Action::AcceptAll, NOW);
    let mut config = shop_config();
    config.expiry_days = 30;
    assert!(
        restore(&config, Some(&persisted(&effects)), NOW + 29 * DAY)
            .0
            .is_decided()
    );
    assert!(
        !restore(&config, Some(&persisted(&effects)), NOW + 30 * DAY)
            .0
            .is_decided()
    );
}

#[test]
fn a_record_lapsing_during_the_page_view_asks_again() {
    let (consent, _) = act(&first_visit(), Action::AcceptAll, NOW);
    assert_eq!(consent.recheck(&shop_config(), NOW + DAY), None);
    let (lapsed, effects) = consent
        .recheck(&shop_config(), NOW + 182 * DAY)
        .expect("lapsed");
    assert!(!lapsed.is_decided());
    assert_eq!(
        effects,
        [
            Effect::ShowBanner(Prompt::Expired),
            Effect::ConsentMode(signals(&[
                Signal::FunctionalityStorage,
                Signal::SecurityStorage
            ])),
        ]
    );
}

#[test]
fn a_record_from_the_future_means_ask_again() {
    let (_, effects) = act(&first_visit(), Action::AcceptAll, NOW + 365 * DAY);
    let (consent, effects) = restore(&shop_config(), Some(&persisted(&effects)), NOW);
    assert!(!consent.is_decided());
    assert_eq!(shown(&effects), Some(&Prompt::FirstVisit));
    let (_, effects) = act(&first_visit(), Action::AcceptAll, NOW + 3600);
    assert!(
        restore(&shop_config(), Some(&persisted(&effects)), NOW)
            .0
            .is_decided()
    );
}

#[test]
fn a_corrupt_cookie_falls_through_to_the_mirror_and_garbage_asks_again() {
    let (accepted, effects) = act(&first_visit(), Action::AcceptAll, NOW);
    let value = persisted(&effects);
    let (consent, _) = Consent::restore(
        &shop_config(),
        [Some("garbage"), Some(value.as_str())],
        &context(NOW),
    );
    assert_eq!(consent, accepted);
    let (consent, effects) =
        Consent::restore(&shop_config(), [Some("garbage"), None], &context(NOW));
    assert!(!consent.is_decided());
    assert_eq!(shown(&effects), Some(&Prompt::FirstVisit));
}

#[test]
fn a_service_added_since_accept_all_is_not_granted_by_it_and_is_asked_about() {
    let mut before = shop_config();
    before.services.retain(|s| s.id != "youtube");
    let (_, effects) = Consent::default()
        .apply(&before, &Action::AcceptAll, Source::Visitor, &context(NOW))
        .expect("valid");
    let (consent, effects) = restore(&shop_config(), Some(&persisted(&effects)), NOW + DAY);
    let config = shop_config();
    assert!(consent.is_decided());
    assert!(!consent.is_service_granted(&config, "youtube"));
    assert!(consent.is_service_granted(&config, "meta-pixel"));
    assert!(consent.is_granted(&config, "marketing"));
    assert_eq!(
        shown(&effects),
        Some(&Prompt::Added(grants(&[], &["youtube"])))
    );

    let (decided, _) = act(&consent, set(&[], &[("youtube", false)]), NOW + 2 * DAY);
    assert_eq!(decided.prompt(), None);
    let record = decided.record().expect("decided");
    assert_eq!(record.first_decided_at, NOW);
    assert_eq!(record.service("meta-pixel"), Some(true));
}

#[test]
fn a_category_added_since_the_decision_is_asked_about() {
    let mut before = shop_config();
    before.categories.retain(|c| c.id != "marketing");
    before.services.retain(|s| s.category != "marketing");
    let (_, effects) = Consent::default()
        .apply(&before, &Action::AcceptAll, Source::Visitor, &context(NOW))
        .expect("valid");
    let (consent, effects) = restore(&shop_config(), Some(&persisted(&effects)), NOW);
    assert!(!consent.is_granted(&shop_config(), "marketing"));
    assert_eq!(
        shown(&effects),
        Some(&Prompt::Added(grants(
            &["marketing"],
            &["meta-pixel", "youtube"]
        )))
    );
}

#[test]
fn a_version_1_accept_is_migrated_and_asks_only_about_services() {
    let (consent, effects) = restore(
        &shop_config(),
        Some("1.1.1763780000.analytics+marketing"),
        NOW,
    );
    let config = shop_config();
    assert!(consent.is_granted(&config, "analytics"));
    assert!(consent.is_granted(&config, "marketing"));
    assert!(!consent.is_service_granted(&config, "google-analytics"));
    let value = persisted(&effects);
    assert!(
        value.starts_with("2.AAAAAAAAAAAAAAAAAAAAAA.1763780000.1763780000."),
        "{value}"
    );
    assert!(value.contains(".0000000000000000.en.accept-all.0.analytics+marketing."));
    assert_eq!(
        shown(&effects),
        Some(&Prompt::Added(grants(
            &[],
            &["google-analytics", "meta-pixel", "youtube"]
        )))
    );
}

#[test]
fn a_version_1_refusal_is_migrated_without_asking_again() {
    let (consent, effects) = restore(&shop_config(), Some("1.1.1763780000."), NOW);
    assert!(consent.is_decided());
    assert_eq!(consent.prompt(), None);
    assert_eq!(consent.grants(&shop_config()), required_only());
    assert!(
        persisted(&effects)
            .contains(".reject-all.0.!analytics+!marketing.!google-analytics+!meta-pixel+!youtube")
    );
    assert!(!effects.iter().any(|e| matches!(e, Effect::ShowBanner(_))));
}

#[test]
fn a_version_1_record_of_another_revision_asks_again() {
    let (consent, effects) = restore(&shop_config(), Some("1.7.1763780000.analytics"), NOW);
    assert!(!consent.is_decided());
    assert_eq!(shown(&effects), Some(&Prompt::NewRevision));
}

fn gpc_context(now: u64) -> Context {
    Context {
        gpc: true,
        ..context(now)
    }
}

fn us_config() -> Config {
    let mut config = shop_config();
    config.gpc.mode = GpcMode::Us;
    config
}

#[test]
fn gpc_in_the_us_mode_refuses_marketing_without_asking_and_leaves_the_rest_to_the_visitor() {
    let config = us_config();
    let (consent, effects) = Consent::restore(&config, [None::<&str>], &gpc_context(NOW));
    let record = consent.record().expect("decided by the signal");
    assert_eq!(record.method, Method::Gpc);
    assert!(record.gpc);
    assert_eq!(consent.grants(&config), required_only());
    assert_eq!(
        record.categories,
        [("marketing".to_owned(), false)],
        "no refusal of analytics the visitor never made"
    );
    assert_eq!(
        record.services,
        [
            ("meta-pixel".to_owned(), false),
            ("youtube".to_owned(), false)
        ]
    );
    assert!(persisted(&effects).ends_with(".gpc.1.!marketing.!meta-pixel+!youtube"));
    let asked = Grants {
        categories: vec!["analytics".into()],
        services: vec!["google-analytics".into()],
    };
    assert_eq!(
        effects.last(),
        Some(&Effect::ShowBanner(Prompt::Added(asked))),
        "the banner asks about what the signal does not cover"
    );

    // With every optional category covered by the signal, nothing is asked.
    let mut all = us_config();
    all.gpc.categories = Some(vec!["analytics".into(), "marketing".into()]);
    let (_, effects) = Consent::restore(&all, [None::<&str>], &gpc_context(NOW));
    assert!(!effects.iter().any(|e| matches!(e, Effect::ShowBanner(_))));
}

#[test]
fn gpc_in_the_us_mode_overrides_an_earlier_grant_but_not_a_later_choice() {
    let config = us_config();
    let (accepted, effects) = act(&first_visit(), Action::AcceptAll, NOW);
    let (consent, effects) = Consent::restore(
        &config,
        [Some(persisted(&effects))],
        &gpc_context(NOW + DAY),
    );
    assert!(!consent.is_granted(&config, "marketing"));
    assert!(
        consent.is_granted(&config, "analytics"),
        "GPC is about sale and sharing only"
    );
    assert_eq!(
        purged(&effects).map(|p| p.services.clone()),
        Some(vec!["meta-pixel".into(), "youtube".into()])
    );
    assert!(
        !effects.contains(&Effect::Reload),
        "nothing ran yet on this page"
    );
    let _ = accepted;

    let (chosen, effects) = consent
        .apply(
            &config,
            &Action::AcceptAll,
            Source::Visitor,
            &gpc_context(NOW + 2 * DAY),
        )
        .expect("valid");
    assert!(
        chosen.is_granted(&config, "marketing"),
        "an explicit later choice stands"
    );
    let (restored, _) = Consent::restore(
        &config,
        [Some(persisted(&effects))],
        &gpc_context(NOW + 3 * DAY),
    );
    assert!(restored.is_granted(&config, "marketing"));
    assert_eq!(restored.record().map(|r| r.method), Some(Method::AcceptAll));
}

#[test]
fn gpc_in_the_eu_mode_still_asks_and_is_recorded() {
    let config = shop_config();
    let (consent, effects) = Consent::restore(&config, [None::<&str>], &gpc_context(NOW));
    assert!(!consent.is_decided());
    assert_eq!(shown(&effects), Some(&Prompt::FirstVisit));
    let (decided, _) = consent
        .apply(
            &config,
            &set(&[("analytics", true)], &[]),
            Source::Visitor,
            &gpc_context(NOW),
        )
        .expect("valid");
    let record = decided.record().expect("decided");
    assert!(record.gpc);
    assert_eq!(record.method, Method::Custom);
}

#[test]
fn another_tab_s_decision_applies_here_without_storing_it_again() {
    let config = shop_config();
    let here = first_visit();
    let (there, effects) = act(&first_visit(), Action::AcceptAll, NOW);
    let value = persisted(&effects);
    let (adopted, effects) = here
        .adopt(&config, &value, NOW + 5)
        .expect("a new decision");
    assert_eq!(adopted, there);
    assert_eq!(effects[0], Effect::HideBanner);
    assert!(effects.contains(&Effect::Activate(everything())));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::Persist { .. } | Effect::Receipt(_)))
    );
    assert_eq!(
        adopted.adopt(&config, &value, NOW + 6),
        None,
        "the same decision twice"
    );
    assert_eq!(here.adopt(&config, "garbage", NOW), None);

    let (withdrawn, effects) = act(&adopted, Action::Withdraw, NOW + 10);
    let (back, effects_here) = adopted
        .adopt(&config, &persisted(&effects), NOW + 11)
        .expect("the withdrawal");
    assert_eq!(back, withdrawn);
    assert_eq!(
        purged(&effects_here).map(|p| p.services.len()),
        Some(3),
        "purged here too"
    );
    assert_eq!(effects_here.last(), Some(&Effect::Reload));
}

#[test]
fn forgetting_erases_purges_tells_the_log_and_asks_again() {
    let config = shop_config();
    let (accepted, _) = act(&first_visit(), Action::AcceptAll, NOW);
    let (forgotten, effects) = accepted.forget(&config, &context(NOW + 60));
    assert!(!forgotten.is_decided());
    assert_eq!(effects[0], Effect::Erase);
    assert_eq!(purged(&effects).map(|p| p.services.len()), Some(3));
    assert!(effects.contains(&Effect::Receipt(
        r#"{"event":"erasure","receiptId":"AAAAAAAAAAAAAAAAAAAAAA","consentId":"AAAAAAAAAAAAAAAAAAAAAA","erasedAt":1763780060}"#.into()
    )));
    assert_eq!(effects.last(), Some(&Effect::Reload));
    let (_, effects) = first_visit().forget(&config, &context(NOW));
    assert_eq!(effects.first(), Some(&Effect::Erase));
    assert_eq!(shown(&effects), Some(&Prompt::FirstVisit));
}

#[test]
fn no_receipt_without_a_log_endpoint() {
    let mut config = shop_config();
    config.log_endpoint = None;
    let (_, effects) = Consent::default()
        .apply(&config, &Action::AcceptAll, Source::Visitor, &context(NOW))
        .expect("valid");
    assert!(!effects.iter().any(|e| matches!(e, Effect::Receipt(_))));
}

#[test]
fn undeclared_names_are_never_granted() {
    let (consent, _) = act(&first_visit(), Action::AcceptAll, NOW);
    let config = shop_config();
    for id in ["", "Analytics", "undeclared", "hotjar"] {
        assert!(!consent.is_granted(&config, id));
        assert!(!consent.is_service_granted(&config, id));
    }
}

#[test]
fn controls_name_actions_both_ways() {
    for action in [Action::AcceptAll, Action::RejectAll] {
        assert_eq!(
            action.control().and_then(Action::from_control),
            Some(action)
        );
    }
    assert_eq!(Action::from_control("accept"), None);
    assert_eq!(Action::Withdraw.control(), None);
}

/// The optional categories and services of the shop, for generated choices.
const CATEGORIES: [&str; 3] = ["analytics", "marketing", "necessary"];
const SERVICES: [&str; 4] = ["google-analytics", "meta-pixel", "youtube", "shop-session"];

fn any_action() -> impl Strategy<Value = Action> {
    let choice = |ids: &'static [&'static str]| {
        prop::collection::vec((prop::sample::select(ids), any::<bool>()), 0..4)
    };
    prop_oneof![
        Just(Action::AcceptAll),
        Just(Action::RejectAll),
        Just(Action::Withdraw),
        (choice(&CATEGORIES), choice(&SERVICES)).prop_map(|(categories, services)| {
            // Required ones may only be "granted"; refusing them is an error tested above.
            let keep = |(id, granted): &(&str, bool)| {
                *granted || !matches!(*id, "necessary" | "shop-session")
            };
            let owned = |list: Vec<(&str, bool)>| {
                let mut seen: Vec<&str> = Vec::new();
                list.into_iter()
                    .filter(keep)
                    .filter(|(id, _)| {
                        let fresh = !seen.contains(id);
                        seen.push(id);
                        fresh
                    })
                    .map(|(id, g)| (id.to_owned(), g))
                    .collect()
            };
            Action::Set(Choices {
                categories: owned(categories),
                services: owned(services),
            })
        }),
    ]
}

/// What a visitor explicitly said last about each optional category and service.
#[derive(Default)]
struct Model {
    categories: Vec<(String, bool)>,
    services: Vec<(String, bool)>,
}

impl Model {
    fn say(list: &mut Vec<(String, bool)>, id: &str, granted: bool) {
        list.retain(|(k, _)| k != id);
        list.push((id.to_owned(), granted));
    }

    fn apply(&mut self, config: &Config, action: &Action) {
        let all = |granted| Choices {
            categories: config
                .optional_categories()
                .map(|c| (c.id.clone(), granted))
                .collect(),
            services: Vec::new(),
        };
        let choices = match action {
            Action::AcceptAll => all(true),
            Action::RejectAll | Action::Withdraw => all(false),
            Action::Set(choices) => choices.clone(),
        };
        for service in config.optional_services() {
            let said = choices
                .services
                .iter()
                .find(|(id, _)| *id == service.id)
                .or_else(|| {
                    choices
                        .categories
                        .iter()
                        .find(|(id, _)| *id == service.category)
                });
            if let Some((_, granted)) = said {
                Self::say(&mut self.services, &service.id, *granted);
            }
        }
        for (id, granted) in &choices.categories {
            if config.category(id).is_some_and(|c| !c.required) {
                Self::say(&mut self.categories, id, *granted);
            }
        }
    }

    fn granted(list: &[(String, bool)], id: &str) -> bool {
        list.iter().any(|(k, g)| k == id && *g)
    }
}

proptest! {
    #[test]
    fn invariants_hold_after_any_sequence_of_actions(
        actions in prop::collection::vec((any_action(), 1u64..(400 * DAY)), 1..8)
    ) {
        let config = shop_config();
        let mut now = NOW;
        let (mut consent, _) = Consent::restore(&config, [None::<&str>], &context(now));
        let mut model = Model::default();
        let mut stored = None;
        for (action, wait) in actions {
            // Time passes; the page reloads from what was stored.
            now += wait;
            let (restored, effects) = Consent::restore(&config, [stored.as_deref()], &context(now));
            prop_assert_eq!(restored.is_decided(), stored.is_some() && now < consent.record().map_or(0, |r| r.expires_at));
            prop_assert_eq!(
                effects.iter().any(|e| matches!(e, Effect::ShowBanner(_))),
                !restored.is_decided(),
                "the banner is shown exactly when there is no decision in force"
            );
            if !restored.is_decided() {
                model = Model::default();
            }
            consent = restored;
            let before = consent.clone();

            let (after, effects) = consent.apply(&config, &action, Source::Visitor, &context(now)).expect("valid action");
            model.apply(&config, &action);

            // Required ones are always granted; optional ones exactly as last said explicitly.
            prop_assert!(after.is_granted(&config, "necessary"));
            prop_assert!(after.is_service_granted(&config, "shop-session"));
            for c in config.optional_categories() {
                prop_assert_eq!(after.is_granted(&config, &c.id), Model::granted(&model.categories, &c.id), "category {}", c.id);
            }
            for s in config.optional_services() {
                prop_assert_eq!(after.is_service_granted(&config, &s.id), Model::granted(&model.services, &s.id), "service {}", s.id);
            }
            if matches!(action, Action::RejectAll | Action::Withdraw) {
                prop_assert_eq!(after.grants(&config), required_only());
                // The purge covers everything that had been granted.
                let purge = purged(&effects).cloned().unwrap_or_default();
                for s in config.optional_services() {
                    let had_run = before.is_service_granted(&config, &s.id) || before.is_granted(&config, &s.category);
                    prop_assert!(!had_run || purge.services.contains(&s.id), "{} had run and was not purged", s.id);
                }
            }
            // What is stored restores to the same consent, and only for this revision and term.
            let value = persisted(&effects);
            let (again, _) = Consent::restore(&config, [Some(value.as_str())], &context(now));
            prop_assert_eq!(&again, &after);
            let mut revised = config.clone();
            revised.revision += 1;
            prop_assert!(!Consent::restore(&revised, [Some(value.as_str())], &context(now)).0.is_decided());
            let expiry = after.record().map_or(0, |r| r.expires_at);
            prop_assert!(!Consent::restore(&config, [Some(value.as_str())], &context(expiry)).0.is_decided());
            stored = Some(value);
            consent = after;
        }
    }

    #[test]
    fn an_old_accept_all_never_grants_an_added_service(missing in prop::sample::select(vec!["google-analytics", "meta-pixel", "youtube"])) {
        let mut before = shop_config();
        before.services.retain(|s| s.id != missing);
        let (_, effects) = Consent::default().apply(&before, &Action::AcceptAll, Source::Visitor, &context(NOW)).expect("valid");
        let (consent, effects) = restore(&shop_config(), Some(&persisted(&effects)), NOW + 1);
        prop_assert!(!consent.is_service_granted(&shop_config(), missing));
        let asked = matches!(shown(&effects), Some(Prompt::Added(added)) if added.services == [missing]);
        prop_assert!(asked, "{:?}", effects);
    }
}

#[test]
fn two_tabs_deciding_at_once_settle_on_the_last_stored_decision() {
    let config = shop_config();
    let (a, effects_a) = act(&first_visit(), Action::AcceptAll, NOW);
    let (b, effects_b) = act(&first_visit(), Action::RejectAll, NOW);
    let (value_a, value_b) = (persisted(&effects_a), persisted(&effects_b));
    // B's cookie write came last, A's mirror write came last: in either tab, and whichever
    // message arrives, the cookie's record holds, and the tab that moves mends the mirror.
    let stored = || [Some(value_b.clone()), Some(value_a.clone())];
    let (settled, effects) = a
        .follow(&config, stored(), value_b.clone(), NOW)
        .expect("A moves to B's decision");
    assert_eq!(settled, b);
    assert_eq!(persisted(&effects), value_b, "the mirror is written again");
    assert_eq!(
        b.follow(&config, stored(), value_a.clone(), NOW),
        None,
        "B keeps its own"
    );
    let agreeing = [Some(value_b.clone()), Some(value_b.clone())];
    let (_, effects) = a
        .follow(&config, agreeing, value_b.clone(), NOW)
        .expect("moves");
    assert!(!effects.iter().any(|e| matches!(e, Effect::Persist { .. })));

    // Corrupt or refused stores are passed over; with nothing stored, the later decision (ties
    // by value) wins in both tabs, never each the other's.
    let broken = || [Some("garbage".to_owned()), None];
    let a_moves = a.follow(&config, broken(), value_b.clone(), NOW);
    let b_moves = b.follow(&config, broken(), value_a.clone(), NOW);
    assert_eq!(
        a_moves.is_some(),
        b_moves.is_none(),
        "exactly one tab moves"
    );
    let winner = if value_a > value_b { &a } else { &b };
    assert_eq!(a_moves.or(b_moves).map(|(c, _)| c).as_ref(), Some(winner));
    let (later, effects) = act(&a, Action::RejectAll, NOW + 60);
    assert!(
        b.follow(&config, broken(), persisted(&effects), NOW + 60)
            .is_some()
    );
    assert_eq!(
        later.follow(&config, broken(), value_b.clone(), NOW + 60),
        None,
        "an older message"
    );
    assert_eq!(a.follow(&config, broken(), "garbage".into(), NOW), None);
}

#[test]
fn under_a_meta_lockdown_the_policy_comes_first_and_a_grant_reloads_into_the_wider_one() {
    let mut config = shop_config();
    config.lockdown.meta = true;
    let (consent, effects) = restore(&config, None, NOW);
    let Some(Effect::Lockdown(policy)) = effects.first() else {
        panic!("the policy first: {effects:?}");
    };
    assert!(!policy.contains("google-analytics.com"), "{policy}");
    let (_, effects) = consent
        .apply(
            &config,
            &set(&[("analytics", true)], &[]),
            Source::Visitor,
            &context(NOW),
        )
        .expect("a valid action");
    assert_eq!(effects.last(), Some(&Effect::Reload));
    let (_, refused) = consent
        .apply(&config, &Action::RejectAll, Source::Visitor, &context(NOW))
        .expect("a valid action");
    assert!(
        !refused.contains(&Effect::Reload),
        "a refusal grants nothing"
    );
    let (_, effects) = restore(&shop_config(), None, NOW);
    assert!(!effects.iter().any(|e| matches!(e, Effect::Lockdown(_))));
}

#[test]
fn security_storage_goes_with_the_required_categories_unless_the_config_maps_it() {
    let mut config = shop_config();
    for category in &mut config.categories {
        category
            .consent_mode
            .retain(|s| *s != Signal::SecurityStorage);
    }
    let signal = |consent: &Consent, config: &Config| {
        consent
            .consent_mode(config)
            .into_iter()
            .find(|(s, _)| *s == Signal::SecurityStorage)
            .map(|(_, granted)| granted)
    };
    assert_eq!(signal(&Consent::default(), &config), Some(true));
    let (accepted, _) = act(&first_visit(), Action::AcceptAll, NOW);
    assert_eq!(signal(&accepted, &config), Some(true));
    // Mapped to an optional category, it follows that category.
    config.categories[2]
        .consent_mode
        .push(Signal::SecurityStorage);
    assert_eq!(signal(&Consent::default(), &config), Some(false));
    assert_eq!(signal(&accepted, &config), Some(true));
}

#[test]
fn the_full_gate_taking_over_runs_under_the_plans_record_and_does_not_signal_twice() {
    let config = shop_config();
    let (_, effects) = act(&first_visit(), Action::AcceptAll, NOW);
    let accepted = persisted(&effects);
    let previous = vec![Some(accepted.clone()), Some(accepted.clone())];
    let (alone, alone_effects) = Consent::restore(&config, previous.clone(), &context(NOW + DAY));
    let (consent, effects, follow) = Consent::take_over(
        &config,
        previous.clone(),
        previous.clone(),
        &context(NOW + DAY),
    );
    assert_eq!(consent, alone);
    assert_eq!(follow, None, "nothing stored since");
    assert!(effects.contains(&Effect::Activate(everything())));
    let signalled = |e: &Effect| {
        matches!(
            e,
            Effect::ConsentModeDefault(_) | Effect::ConsentMode(_) | Effect::Lockdown(_)
        )
    };
    assert!(alone_effects.iter().any(signalled), "a gate alone signals");
    assert!(!effects.iter().any(signalled), "the small gate did");
    assert_eq!(
        effects,
        alone_effects
            .into_iter()
            .filter(|e| !signalled(e))
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_record_stored_since_the_plan_is_followed_as_another_tabs() {
    let config = shop_config();
    let (_, effects) = act(&first_visit(), Action::AcceptAll, NOW);
    let accepted = persisted(&effects);
    let (_, effects) = act(&first_visit(), Action::RejectAll, NOW + 1);
    let rejected = persisted(&effects);
    let (consent, _, follow) = Consent::take_over(
        &config,
        vec![Some(accepted.clone()), Some(accepted)],
        vec![Some(rejected.clone()), None],
        &context(NOW + 2),
    );
    assert_eq!(
        consent.grants(&config),
        everything(),
        "the page ran under it"
    );
    assert_eq!(follow, Some(rejected));
}
