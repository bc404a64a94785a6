//! The gate's policy: whether a held element may run, and how to release it.
//!
//! Markup holds an element back in one of two ways (see [`contract`](crate::core::contract)):
//!
//! - `<script type="text/plain" data-category="analytics" src="...">`: a script whose type the
//!   browser does not run (nor fetch). A parsed script never runs a second time, even if its type
//!   changes, so release means a *new* script element with the original attributes.
//! - `<img data-category="marketing" data-src="...">` (also `iframe`, `video`, `audio`, `source`,
//!   `embed`, `link`, with `data-srcset`, `data-href`, `data-poster`): the URL is held in a `data-*`
//!   attribute the browser ignores, and release moves it to the real attribute.
//!
//! An element may name a `data-service` instead of (or beside) its `data-category`: it is then
//! released when that service is granted, whatever its category's decision.
//!
//! An element whose category or service the config does not declare stays held: the gate fails
//! closed.

use crate::core::config::Config;
use crate::core::consent::Consent;
use crate::core::contract::{ATTR_TYPE, HELD_ATTRIBUTES};

/// Whether a held element may run now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Its service or category is granted: release it.
    Release,
    /// Keep it held (not granted, undeclared, or no category at all).
    Hold,
}

/// The verdict for an element carrying `data-category="{category}"` and/or
/// `data-service="{service}"`. The service, when named, decides alone.
pub fn verdict(
    config: &Config,
    consent: &Consent,
    category: Option<&str>,
    service: Option<&str>,
) -> Verdict {
    let granted = match (service, category) {
        (Some(service), _) => consent.is_service_granted(config, service.trim()),
        (None, Some(category)) => consent.is_granted(config, category.trim()),
        (None, None) => false,
    };
    if granted {
        Verdict::Release
    } else {
        Verdict::Hold
    }
}

/// How to release one held element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Release {
    /// Replace the script with a new `<script>` carrying exactly these attributes (`type` restored
    /// from `data-type`, or absent for a classic script), and the original inline text.
    Script {
        /// Attributes of the new script, in their original order.
        attributes: Vec<(String, String)>,
        /// Run it in document order with the other released scripts (as the parser would have),
        /// rather than as soon as it loads: true unless the markup asked for `async`.
        in_order: bool,
    },
    /// Change the element in place.
    InPlace {
        /// Real attributes to set from the held ones, e.g. `("src", url)`.
        set: Vec<(String, String)>,
        /// Held attributes to remove, so the element is not released twice.
        remove: Vec<String>,
    },
}

/// How to release an element with this lowercase tag name and these attributes.
pub fn release(tag: &str, attributes: &[(String, String)]) -> Release {
    if tag == "script" {
        let restored_type = attributes
            .iter()
            .find(|(name, _)| name == ATTR_TYPE)
            .map(|(_, value)| ("type".to_owned(), value.clone()));
        let attributes: Vec<(String, String)> = attributes
            .iter()
            .filter(|(name, _)| name != "type" && name != ATTR_TYPE)
            .cloned()
            .chain(restored_type)
            .collect();
        let in_order = !attributes.iter().any(|(name, _)| name == "async");
        return Release::Script {
            attributes,
            in_order,
        };
    }
    let mut set = Vec::new();
    let mut remove = Vec::new();
    for (name, value) in attributes {
        if let Some((held, real)) = HELD_ATTRIBUTES.iter().find(|(held, _)| held == name) {
            set.push(((*real).to_owned(), value.clone()));
            remove.push((*held).to_owned());
        }
    }
    Release::InPlace { set, remove }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::consent::{Action, Choices, Source};
    use crate::core::testing::{NOW, context, shop_config};

    fn attrs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    fn decided(action: Action) -> Consent {
        let (consent, _) = Consent::default()
            .apply(&shop_config(), &action, Source::Visitor, &context(NOW))
            .expect("valid action");
        consent
    }

    fn by_category(consent: &Consent, category: Option<&str>) -> Verdict {
        verdict(&shop_config(), consent, category, None)
    }

    fn by_service(consent: &Consent, service: &str) -> Verdict {
        verdict(&shop_config(), consent, Some("marketing"), Some(service))
    }

    #[test]
    fn nothing_optional_runs_before_a_decision() {
        let consent = Consent::default();
        assert_eq!(by_category(&consent, Some("analytics")), Verdict::Hold);
        assert_eq!(by_category(&consent, Some("marketing")), Verdict::Hold);
        assert_eq!(by_category(&consent, Some("necessary")), Verdict::Release);
        assert_eq!(by_service(&consent, "meta-pixel"), Verdict::Hold);
    }

    #[test]
    fn granted_categories_run_and_refused_ones_stay_held() {
        let accepted = decided(Action::AcceptAll);
        let rejected = decided(Action::RejectAll);
        assert_eq!(by_category(&accepted, Some("analytics")), Verdict::Release);
        assert_eq!(
            by_category(&accepted, Some(" marketing ")),
            Verdict::Release
        );
        assert_eq!(by_category(&rejected, Some("analytics")), Verdict::Hold);
        assert_eq!(by_category(&rejected, Some("marketing")), Verdict::Hold);
    }

    #[test]
    fn a_named_service_decides_alone() {
        let youtube_only = decided(Action::Set(Choices {
            services: vec![("youtube".into(), true)],
            ..Choices::default()
        }));
        assert_eq!(by_service(&youtube_only, "youtube"), Verdict::Release);
        assert_eq!(by_service(&youtube_only, "meta-pixel"), Verdict::Hold);
        assert_eq!(by_category(&youtube_only, Some("marketing")), Verdict::Hold);

        let marketing_but_not_meta = decided(Action::Set(Choices {
            categories: vec![("marketing".into(), true)],
            services: vec![("meta-pixel".into(), false)],
        }));
        assert_eq!(
            by_service(&marketing_but_not_meta, "meta-pixel"),
            Verdict::Hold
        );
        assert_eq!(
            by_service(&marketing_but_not_meta, "youtube"),
            Verdict::Release
        );
        assert_eq!(
            by_category(&marketing_but_not_meta, Some("marketing")),
            Verdict::Release
        );
    }

    #[test]
    fn unknown_missing_or_misspelt_names_stay_held_even_after_accept_all() {
        let accepted = decided(Action::AcceptAll);
        for category in [Some("analytic"), Some("Analytics"), Some(""), None] {
            assert_eq!(
                by_category(&accepted, category),
                Verdict::Hold,
                "{category:?}"
            );
        }
        for service in ["youtub", "", "analytics"] {
            assert_eq!(by_service(&accepted, service), Verdict::Hold, "{service:?}");
        }
    }

    #[test]
    fn a_script_is_recreated_without_its_blocking_type() {
        let held = attrs(&[
            ("type", "text/plain"),
            ("data-category", "analytics"),
            ("src", "https://t.example/a.js"),
            ("async", ""),
        ]);
        assert_eq!(
            release("script", &held),
            Release::Script {
                attributes: attrs(&[
                    ("data-category", "analytics"),
                    ("src", "https://t.example/a.js"),
                    ("async", ""),
                ]),
                in_order: false,
            }
        );
    }

    #[test]
    fn a_script_gets_its_data_type_back() {
        let held = attrs(&[
            ("type", "text/plain"),
            ("data-type", "module"),
            ("data-category", "analytics"),
        ]);
        assert_eq!(
            release("script", &held),
            Release::Script {
                attributes: attrs(&[("data-category", "analytics"), ("type", "module")]),
                in_order: true,
            }
        );
    }

    #[test]
    fn other_elements_get_their_held_urls_in_place() {
        let held = attrs(&[
            ("data-category", "marketing"),
            ("alt", ""),
            ("data-src", "https://t.example/p.gif"),
            ("data-srcset", "https://t.example/p2.gif 2x"),
        ]);
        assert_eq!(
            release("img", &held),
            Release::InPlace {
                set: attrs(&[
                    ("src", "https://t.example/p.gif"),
                    ("srcset", "https://t.example/p2.gif 2x"),
                ]),
                remove: vec!["data-src".into(), "data-srcset".into()],
            }
        );
        let link = attrs(&[("data-category", "marketing"), ("data-href", "/x.css")]);
        assert_eq!(
            release("link", &link),
            Release::InPlace {
                set: attrs(&[("href", "/x.css")]),
                remove: vec!["data-href".into()],
            }
        );
    }
}
