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
use crate::core::contract::{ATTR_HELD_HREF, ATTR_HELD_SRC, ATTR_TYPE, HELD_ATTRIBUTES};

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
    verdict_by(
        category,
        service,
        |id| consent.is_service_granted(config, id),
        |id| consent.is_granted(config, id),
    )
}

/// [`verdict`], asking `service_granted` and `category_granted` (the small gate asks its plan).
pub fn verdict_by(
    category: Option<&str>,
    service: Option<&str>,
    service_granted: impl Fn(&str) -> bool,
    category_granted: impl Fn(&str) -> bool,
) -> Verdict {
    let granted = match (service, category) {
        (Some(service), _) => service_granted(service.trim()),
        (None, Some(category)) => category_granted(category.trim()),
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
        /// It has no `src`: its text runs the moment it is inserted.
        inline: bool,
    },
    /// Change the element in place.
    InPlace {
        /// Real attributes to set from the held ones, e.g. `("src", url)`.
        set: Vec<(String, String)>,
        /// Held attributes to remove, so the element is not released twice: the one each entry
        /// of `set` comes from, in the same order (the small module answers them as triples).
        remove: Vec<String>,
        /// A `<source>`: its `<video>`/`<audio>` must `load()` again to see the new URL.
        reload_media: bool,
    },
}

impl Release {
    /// How the release waits on, or is waited on by, other scripts ([`batches`]).
    pub fn order(&self) -> Order {
        match self {
            Release::Script {
                in_order: true,
                inline: false,
                ..
            } => Order::Loads,
            Release::Script { inline: true, .. } => Order::RunsAtOnce,
            _ => Order::Free,
        }
    }
}

/// A released element's place in the order the parser would have run scripts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// An external script that runs in insertion order with the others, once loaded.
    Loads,
    /// An inline script, which runs the moment it is inserted: it must wait for the external
    /// scripts before it.
    RunsAtOnce,
    /// Anything else (an `async` script, an image): no order to keep.
    Free,
}

/// Groups releases (in document order) into batches: each batch is inserted at once, and the next
/// only after every [`Order::Loads`] script of the batch has loaded or failed. An inline script
/// that follows an external one therefore runs after it, as in the parsed page: an inline
/// `gtag('config', …)` after `gtag.js` finds its library.
pub fn batches(orders: &[Order]) -> Vec<Vec<usize>> {
    let mut batches: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut waits = false;
    for (i, order) in orders.iter().enumerate() {
        if *order == Order::RunsAtOnce && waits {
            batches.push(std::mem::take(&mut current));
            waits = false;
        }
        waits |= *order == Order::Loads;
        current.push(i);
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

/// Whether a held script that consent allows may be released on a page whose scripts carry a
/// nonce (`page_nonce`). One that page code put in the document (markup injected through
/// `innerHTML` or built with the DOM: `injected`) is released only if it carries the page's nonce
/// itself: otherwise the gate would hand the nonce, and its Trusted Types policy, to whatever
/// markup an attacker managed to inject. Without a page nonce there is nothing to lend.
pub fn may_release_script(page_nonce: bool, injected: bool, own_nonce: bool) -> bool {
    !page_nonce || !injected || own_nonce
}

/// What the console says of a held script [`may_release_script`] keeps held.
pub const INJECTED_SCRIPT_KEPT: &str = "a held script was put in the page by a script, not by its HTML, and has no nonce of its own: it is not released (the page's nonce would let injected markup run). Give it the page's nonce, or hold it in the HTML";

/// How to release an element with this lowercase tag name and these attributes.
pub fn release(tag: &str, attributes: &[(String, String)]) -> Release {
    if tag == "script" {
        let restored_type = attributes
            .iter()
            .find(|(name, _)| name == ATTR_TYPE)
            .map(|(_, value)| ("type".to_owned(), value.clone()));
        let has_src = attributes.iter().any(|(name, _)| name == "src");
        // A script held by auto-blocking keeps its URL in data-src (it never had a src), or in
        // data-href for an SVG <script href>; either is released as a script's src.
        let held_url = |name: &str| !has_src && (name == ATTR_HELD_SRC || name == ATTR_HELD_HREF);
        let held_src = attributes
            .iter()
            .find(|(name, _)| held_url(name))
            .map(|(_, value)| ("src".to_owned(), value.clone()));
        let inline = !has_src && held_src.is_none();
        // A loop, not filter/cloned/chain/collect: that chain would be the largest generic copy in
        // the small module.
        let mut kept = Vec::with_capacity(attributes.len() + 1);
        for (name, value) in attributes {
            if name != "type" && name != ATTR_TYPE && !held_url(name) {
                kept.push((name.clone(), value.clone()));
            }
        }
        kept.extend(held_src);
        kept.extend(restored_type);
        let attributes = kept;
        let in_order = !attributes.iter().any(|(name, _)| name == "async");
        return Release::Script {
            attributes,
            in_order,
            inline,
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
    Release::InPlace {
        set,
        remove,
        reload_media: tag == "source",
    }
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
    fn an_in_place_release_removes_the_held_attribute_of_each_one_it_sets() {
        let mut pairs: Vec<(String, String)> = HELD_ATTRIBUTES
            .iter()
            .rev()
            .map(|(held, _)| ((*held).to_owned(), format!("/{held}")))
            .collect();
        pairs.insert(2, ("alt".into(), String::new()));
        let Release::InPlace { set, remove, .. } = release("img", &pairs) else {
            panic!("an image is released in place");
        };
        assert_eq!(set.len(), HELD_ATTRIBUTES.len());
        assert_eq!(remove.len(), set.len());
        for ((real, value), held) in set.iter().zip(&remove) {
            assert_eq!(value, &format!("/{held}"));
            assert!(
                HELD_ATTRIBUTES.contains(&(held.as_str(), real.as_str())),
                "{held} -> {real}"
            );
        }
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
                inline: false,
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
                inline: true,
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
                reload_media: false,
            }
        );
        let link = attrs(&[("data-category", "marketing"), ("data-href", "/x.css")]);
        assert_eq!(
            release("link", &link),
            Release::InPlace {
                set: attrs(&[("href", "/x.css")]),
                remove: vec!["data-href".into()],
                reload_media: false,
            }
        );
    }

    #[test]
    fn an_auto_held_script_gets_its_url_back_from_data_src() {
        let held = attrs(&[
            ("type", "text/plain"),
            ("data-service", "meta-pixel"),
            ("data-src", "https://connect.facebook.net/fbevents.js"),
        ]);
        let released = release("script", &held);
        assert_eq!(
            released,
            Release::Script {
                attributes: attrs(&[
                    ("data-service", "meta-pixel"),
                    ("src", "https://connect.facebook.net/fbevents.js"),
                ]),
                in_order: true,
                inline: false,
            }
        );
        assert_eq!(released.order(), Order::Loads);
    }

    #[test]
    fn injected_scripts_never_borrow_the_page_nonce() {
        // (page nonce, injected, own nonce) -> released
        for (case, expected) in [
            ((false, false, false), true),
            ((false, true, false), true),
            ((true, false, false), true),
            ((true, true, true), true),
            ((true, true, false), false),
        ] {
            assert_eq!(
                may_release_script(case.0, case.1, case.2),
                expected,
                "{case:?}"
            );
        }
    }

    #[test]
    fn an_svg_script_held_by_its_href_is_released_as_a_script_with_that_src() {
        let held = attrs(&[
            ("type", "text/plain"),
            ("data-service", "tracker"),
            ("data-href", "https://t.example/t.js"),
        ]);
        let Release::Script {
            attributes, inline, ..
        } = release("script", &held)
        else {
            panic!("a script");
        };
        assert_eq!(
            attributes,
            attrs(&[
                ("data-service", "tracker"),
                ("src", "https://t.example/t.js")
            ])
        );
        assert!(!inline);
    }

    #[test]
    fn preload_image_sets_object_data_and_pings_are_released_in_place() {
        for (tag, held, real) in [
            ("link", "data-imagesrcset", "imagesrcset"),
            ("object", "data-data", "data"),
            ("a", "data-ping", "ping"),
        ] {
            let attributes = attrs(&[("data-service", "tracker"), (held, "https://t.example/x")]);
            assert_eq!(
                release(tag, &attributes),
                Release::InPlace {
                    set: attrs(&[(real, "https://t.example/x")]),
                    remove: vec![held.into()],
                    reload_media: false,
                },
                "{tag}"
            );
        }
    }

    #[test]
    fn a_source_reloads_its_media_element() {
        let held = attrs(&[("data-category", "marketing"), ("data-src", "/v.mp4")]);
        let Release::InPlace { reload_media, .. } = release("source", &held) else {
            panic!("in place");
        };
        assert!(reload_media);
    }

    #[test]
    fn inline_scripts_wait_for_the_external_scripts_before_them() {
        use Order::*;
        assert_eq!(batches(&[]), Vec::<Vec<usize>>::new());
        assert_eq!(batches(&[Loads, Loads, Free]), [vec![0, 1, 2]]);
        assert_eq!(
            batches(&[
                RunsAtOnce, Loads, RunsAtOnce, Free, Loads, Loads, RunsAtOnce
            ]),
            [vec![0, 1], vec![2, 3, 4, 5], vec![6]]
        );
        assert_eq!(batches(&[Free, RunsAtOnce, RunsAtOnce]), [vec![0, 1, 2]]);
    }
}
