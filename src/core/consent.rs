//! The consent state machine: from a stored record (or none) and a visitor's decisions to the
//! current consent, and the effects the web layer must perform at each step.
//!
//! Rules:
//! - With no valid decision, only required categories are granted and the banner is shown.
//! - A record is valid only for the config revision it was given under, until it expires, and
//!   not if it claims to come from the future (a clock set back, or a forged value): each of
//!   those means "ask again", never "grant".
//! - Accept all grants every category the config declares; reject all grants only the required
//!   ones. Both are stored, so neither visitor is asked again on the next page.
//! - A category that the stored record does not name is refused, so a category added after an
//!   "accept all" is not granted by it.

use crate::core::config::Config;
use crate::core::record::{self, Record};

/// Seconds in a day.
const DAY: u64 = 24 * 60 * 60;

/// How far in the future a record's timestamp may be before it is void: clocks drift, and a
/// visitor who decided on another device's time should not be asked again for a few minutes'
/// difference, but a record dated next year is not a decision this browser made.
const CLOCK_SKEW: u64 = DAY;

/// What a visitor can decide from the banner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Grant every category.
    AcceptAll,
    /// Refuse every optional category.
    RejectAll,
}

impl Decision {
    /// The decision a control's `data-consent-action` value stands for.
    pub fn from_action(action: &str) -> Option<Decision> {
        match action {
            "accept-all" => Some(Decision::AcceptAll),
            "reject-all" => Some(Decision::RejectAll),
            _ => None,
        }
    }

    /// The `data-consent-action` value of the control that makes this decision.
    pub fn action(self) -> &'static str {
        match self {
            Decision::AcceptAll => "accept-all",
            Decision::RejectAll => "reject-all",
        }
    }
}

/// What the web layer must do after a step of the state machine, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Show the banner: there is no valid decision.
    ShowBanner,
    /// Remove the banner: the visitor decided.
    HideBanner,
    /// Store this encoded record (cookie and its mirror) for this many seconds.
    Persist {
        /// The encoded record ([`record::encode`]).
        value: String,
        /// Cookie lifetime: the config's expiry.
        max_age_secs: u64,
    },
    /// Release every held element whose category is now granted ([`crate::core::gate`]).
    EvaluateGate,
}

/// The consent in force on this page view.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Consent {
    record: Option<Record>,
}

impl Consent {
    /// The consent at page load: the first stored value that decodes, if it is still valid for
    /// this config at `now` (Unix seconds); otherwise none.
    ///
    /// `stored` lists what each store holds, most authoritative first (the cookie, then its
    /// mirror); a store that failed to read gives `None`.
    pub fn restore<I, S>(config: &Config, stored: I, now: u64) -> Consent
    where
        I: IntoIterator<Item = Option<S>>,
        S: AsRef<str>,
    {
        let record = stored
            .into_iter()
            .flatten()
            .find_map(|value| record::decode(value.as_ref()))
            .filter(|record| is_valid(config, record, now));
        Consent { record }
    }

    /// The effects of loading a page with this consent.
    pub fn start(&self) -> Vec<Effect> {
        if self.record.is_some() {
            vec![Effect::EvaluateGate]
        } else {
            vec![Effect::ShowBanner, Effect::EvaluateGate]
        }
    }

    /// The consent after the visitor's `decision` at `now`, and what to do about it.
    pub fn decide(config: &Config, decision: Decision, now: u64) -> (Consent, Vec<Effect>) {
        let granted = match decision {
            Decision::AcceptAll => config
                .categories
                .iter()
                .filter(|c| !c.required)
                .map(|c| c.id.clone())
                .collect(),
            Decision::RejectAll => Vec::new(),
        };
        let record = Record {
            revision: config.revision,
            decided_at: now,
            granted,
        };
        let effects = vec![
            Effect::Persist {
                value: record::encode(&record),
                max_age_secs: u64::from(config.expiry_days) * DAY,
            },
            Effect::HideBanner,
            Effect::EvaluateGate,
        ];
        (
            Consent {
                record: Some(record),
            },
            effects,
        )
    }

    /// Whether the visitor has a valid decision on record.
    pub fn is_decided(&self) -> bool {
        self.record.is_some()
    }

    /// The valid record in force, if any.
    pub fn record(&self) -> Option<&Record> {
        self.record.as_ref()
    }

    /// Whether `category` may run: required by the config, or granted by a valid decision.
    /// A category the config does not declare is never granted.
    pub fn is_granted(&self, config: &Config, category: &str) -> bool {
        match config.category(category) {
            None => false,
            Some(c) if c.required => true,
            Some(_) => self
                .record
                .as_ref()
                .is_some_and(|r| r.granted.iter().any(|g| g == category)),
        }
    }
}

fn is_valid(config: &Config, record: &Record, now: u64) -> bool {
    let expires_at = record
        .decided_at
        .saturating_add(u64::from(config.expiry_days) * DAY);
    record.revision == config.revision
        && now < expires_at
        && record.decided_at <= now.saturating_add(CLOCK_SKEW)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::testing::shop_config;

    const NOW: u64 = 1_763_780_000;

    fn stored(value: &str) -> [Option<&str>; 1] {
        [Some(value)]
    }

    fn granted(consent: &Consent) -> Vec<&'static str> {
        ["necessary", "analytics", "marketing", "undeclared"]
            .into_iter()
            .filter(|c| consent.is_granted(&shop_config(), c))
            .collect()
    }

    #[test]
    fn a_first_visit_shows_the_banner_and_grants_only_required() {
        let consent = Consent::restore(&shop_config(), [None::<&str>, None], NOW);
        assert!(!consent.is_decided());
        assert_eq!(consent.start(), [Effect::ShowBanner, Effect::EvaluateGate]);
        assert_eq!(granted(&consent), ["necessary"]);
    }

    #[test]
    fn accept_all_grants_every_declared_category_and_stores_it() {
        let (consent, effects) = Consent::decide(&shop_config(), Decision::AcceptAll, NOW);
        assert_eq!(granted(&consent), ["necessary", "analytics", "marketing"]);
        assert_eq!(
            effects,
            [
                Effect::Persist {
                    value: "1.1.1763780000.analytics+marketing".into(),
                    max_age_secs: 182 * DAY
                },
                Effect::HideBanner,
                Effect::EvaluateGate
            ]
        );
    }

    #[test]
    fn reject_all_grants_exactly_the_required_and_is_stored_too() {
        let (consent, effects) = Consent::decide(&shop_config(), Decision::RejectAll, NOW);
        assert_eq!(granted(&consent), ["necessary"]);
        assert!(consent.is_decided());
        assert_eq!(
            effects[0],
            Effect::Persist {
                value: "1.1.1763780000.".into(),
                max_age_secs: 182 * DAY
            }
        );
    }

    #[test]
    fn a_stored_decision_is_restored_without_the_banner() {
        for decision in [Decision::AcceptAll, Decision::RejectAll] {
            let (decided, effects) = Consent::decide(&shop_config(), decision, NOW);
            let Effect::Persist { value, .. } = &effects[0] else {
                panic!("persists first: {effects:?}");
            };
            let restored = Consent::restore(&shop_config(), stored(value), NOW + DAY);
            assert_eq!(restored, decided);
            assert_eq!(restored.start(), [Effect::EvaluateGate]);
        }
    }

    #[test]
    fn the_cookie_wins_over_its_mirror_and_a_corrupt_one_falls_through() {
        let config = shop_config();
        let both = [Some("1.1.1763780000."), Some("1.1.1763780000.analytics")];
        assert_eq!(
            granted(&Consent::restore(&config, both, NOW)),
            ["necessary"]
        );
        let corrupt_cookie = [Some("garbage"), Some("1.1.1763780000.analytics")];
        assert_eq!(
            granted(&Consent::restore(&config, corrupt_cookie, NOW)),
            ["necessary", "analytics"]
        );
    }

    #[test]
    fn a_corrupt_record_means_ask_again() {
        let consent = Consent::restore(&shop_config(), stored("1.1.17637x0000.analytics"), NOW);
        assert!(!consent.is_decided());
        assert_eq!(consent.start()[0], Effect::ShowBanner);
    }

    #[test]
    fn another_revision_means_ask_again() {
        let mut config = shop_config();
        config.revision = 2;
        let consent = Consent::restore(&config, stored("1.1.1763780000.analytics"), NOW);
        assert!(!consent.is_decided());
        assert!(!consent.is_granted(&config, "analytics"));
    }

    #[test]
    fn an_expired_record_means_ask_again() {
        let value = "1.1.1763780000.analytics";
        let config = shop_config();
        let last_second = NOW + 182 * DAY - 1;
        assert!(Consent::restore(&config, stored(value), last_second).is_decided());
        assert!(!Consent::restore(&config, stored(value), last_second + 1).is_decided());
    }

    #[test]
    fn a_record_from_the_future_means_ask_again() {
        let config = shop_config();
        let from_tomorrow = format!("1.1.{}.analytics", NOW + DAY);
        assert!(Consent::restore(&config, stored(&from_tomorrow), NOW).is_decided());
        let from_next_year = format!("1.1.{}.analytics", NOW + 365 * DAY);
        assert!(!Consent::restore(&config, stored(&from_next_year), NOW).is_decided());
        let at_the_end_of_time = format!("1.1.{}.analytics", u64::MAX);
        assert!(!Consent::restore(&config, stored(&at_the_end_of_time), NOW).is_decided());
    }

    #[test]
    fn a_category_added_after_accept_all_is_not_granted_by_it() {
        let consent = Consent::restore(&shop_config(), stored("1.1.1763780000.analytics"), NOW);
        assert_eq!(granted(&consent), ["necessary", "analytics"]);
    }

    #[test]
    fn a_stored_grant_for_an_undeclared_category_grants_nothing() {
        let consent = Consent::restore(&shop_config(), stored("1.1.1763780000.undeclared"), NOW);
        assert!(consent.is_decided());
        assert_eq!(granted(&consent), ["necessary"]);
    }

    #[test]
    fn actions_name_decisions_both_ways() {
        for decision in [Decision::AcceptAll, Decision::RejectAll] {
            assert_eq!(Decision::from_action(decision.action()), Some(decision));
        }
        assert_eq!(Decision::from_action("accept"), None);
    }
}
