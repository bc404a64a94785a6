//! The calls consent-gate makes to tag vendors' consent interfaces, as data: Google Consent Mode
//! v2 (`gtag`), Microsoft UET (`uetq`) and the Meta pixel (`fbq`). The web layer turns each into a
//! JavaScript call; through `gtag`, so that `dataLayer` receives a real `Arguments` object (gtag.js
//! ignores arrays pushed there).
//!
//! - The default goes out before any tag: every signal as with no decision (required categories'
//!   signals granted, the rest denied), `wait_for_update`, and `region` when the site limits it.
//! - An update goes out on every page view with a decision in force and after every change.

use crate::core::config::{Integrations, Signal};

/// One argument of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// A string.
    Str(String),
    /// A boolean.
    Bool(bool),
    /// A whole number.
    Num(u32),
    /// A list of strings.
    List(Vec<String>),
    /// A plain object.
    Object(Vec<(String, Arg)>),
}

/// Which global function a call goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `window.gtag` (pushing `arguments` to `dataLayer`).
    Gtag,
    /// `window.uetq.push`.
    Uet,
    /// `window.fbq`.
    Fbq,
}

/// One call: target and arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// Where it goes.
    pub target: Target,
    /// What it says.
    pub args: Vec<Arg>,
}

fn str(s: &str) -> Arg {
    Arg::Str(s.to_owned())
}

fn state(granted: bool) -> Arg {
    str(if granted { "granted" } else { "denied" })
}

/// The calls for the signal states `signals`: the defaults if `default`, else an update.
pub fn calls(settings: &Integrations, signals: &[(Signal, bool)], default: bool) -> Vec<Call> {
    let mut calls = Vec::new();
    let kind = if default { "default" } else { "update" };
    let ad_storage = signals
        .iter()
        .any(|(s, granted)| *s == Signal::AdStorage && *granted);
    if settings.google {
        let mut fields: Vec<(String, Arg)> = signals
            .iter()
            .map(|(signal, granted)| (signal.name().to_owned(), state(*granted)))
            .collect();
        if default {
            fields.push(("wait_for_update".into(), Arg::Num(settings.wait_for_update)));
            if !settings.regions.is_empty() {
                fields.push(("region".into(), Arg::List(settings.regions.clone())));
            }
        }
        calls.push(Call {
            target: Target::Gtag,
            args: vec![str("consent"), str(kind), Arg::Object(fields)],
        });
        if default && settings.ads_data_redaction {
            calls.push(Call {
                target: Target::Gtag,
                args: vec![str("set"), str("ads_data_redaction"), Arg::Bool(true)],
            });
        }
        if default && settings.url_passthrough {
            calls.push(Call {
                target: Target::Gtag,
                args: vec![str("set"), str("url_passthrough"), Arg::Bool(true)],
            });
        }
    }
    if settings.uet {
        calls.push(Call {
            target: Target::Uet,
            args: vec![
                str("consent"),
                str(kind),
                Arg::Object(vec![("ad_storage".into(), state(ad_storage))]),
            ],
        });
    }
    if settings.meta {
        calls.push(Call {
            target: Target::Fbq,
            args: vec![
                str("consent"),
                str(if ad_storage { "grant" } else { "revoke" }),
            ],
        });
    }
    calls
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn signals(granted: &[Signal]) -> Vec<(Signal, bool)> {
        Signal::ALL
            .into_iter()
            .map(|s| (s, granted.contains(&s)))
            .collect()
    }

    #[test]
    fn the_default_names_all_seven_signals_and_waits_for_an_update() {
        let calls = calls(
            &Integrations::default(),
            &signals(&[Signal::SecurityStorage]),
            true,
        );
        assert_eq!(calls.len(), 1);
        let Arg::Object(fields) = &calls[0].args[2] else {
            panic!("an object")
        };
        let names: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "ad_storage",
                "ad_user_data",
                "ad_personalization",
                "analytics_storage",
                "functionality_storage",
                "personalization_storage",
                "security_storage",
                "wait_for_update"
            ]
        );
        assert_eq!(fields[0].1, str("denied"));
        assert_eq!(fields[6].1, str("granted"));
        assert_eq!(fields[7].1, Arg::Num(500));
        assert_eq!(calls[0].args[..2], [str("consent"), str("default")]);
    }

    #[test]
    fn updates_carry_only_signals_and_options_follow_the_config() {
        let settings = Integrations {
            regions: vec!["DE".into(), "FR".into()],
            ads_data_redaction: true,
            url_passthrough: true,
            uet: true,
            meta: true,
            ..Integrations::default()
        };
        let default = calls(&settings, &signals(&[]), true);
        let targets: Vec<Target> = default.iter().map(|c| c.target).collect();
        assert_eq!(
            targets,
            [
                Target::Gtag,
                Target::Gtag,
                Target::Gtag,
                Target::Uet,
                Target::Fbq
            ]
        );
        let Arg::Object(fields) = &default[0].args[2] else {
            panic!("an object")
        };
        assert_eq!(
            fields.last(),
            Some(&(
                "region".to_owned(),
                Arg::List(vec!["DE".into(), "FR".into()])
            ))
        );
        assert_eq!(default[4].args, [str("consent"), str("revoke")]);
        let update = calls(&settings, &signals(&[Signal::AdStorage]), false);
        assert_eq!(update.len(), 3, "no set commands in an update");
        let Arg::Object(fields) = &update[0].args[2] else {
            panic!("an object")
        };
        assert_eq!(fields.len(), 7);
        assert_eq!(
            update[1].args,
            [
                str("consent"),
                str("update"),
                Arg::Object(vec![("ad_storage".into(), str("granted"))])
            ]
        );
        assert_eq!(update[2].args, [str("consent"), str("grant")]);
    }

    #[test]
    fn google_can_be_turned_off() {
        let settings = Integrations {
            google: false,
            ..Integrations::default()
        };
        assert!(calls(&settings, &signals(&[]), true).is_empty());
    }
}
