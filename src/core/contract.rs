//! The public contract with host pages, in one screen: every element id, `data-*` attribute,
//! cookie and storage key that consent-gate reads or writes.
//!
//! Renaming anything here breaks sites that use it; add, don't change.

/// Id of the `<script type="application/json">` element that holds the site's config.
pub const CONFIG_ELEMENT_ID: &str = "consent-gate-config";
/// Id of the `<script type="application/json">` element that holds the plan a page carries for
/// a first visit (`consent-gate plan`).
pub const PLAN_ELEMENT_ID: &str = "consent-gate-plan";

/// Id of the element consent-gate adds to `<body>` to host its banner (in a shadow root).
pub const ROOT_ELEMENT_ID: &str = "consent-gate";

/// The category an element belongs to: `<script type="text/plain" data-category="analytics">`.
pub const ATTR_CATEGORY: &str = "data-category";

/// The one service an element belongs to, which then decides alone:
/// `<iframe data-category="marketing" data-service="youtube" data-src="...">`.
pub const ATTR_SERVICE: &str = "data-service";

/// The `type` a blocked script carries so that the browser neither fetches nor runs it.
pub const BLOCKED_SCRIPT_TYPE: &str = "text/plain";

/// On a blocked script: the `type` it gets when released (e.g. `module`).
pub const ATTR_TYPE: &str = "data-type";

/// A held `src`: on a script held by auto-blocking, the URL it is released with.
pub const ATTR_HELD_SRC: &str = "data-src";

/// A held `href`: on an SVG `<script href>` held by auto-blocking, the URL it is released with.
pub const ATTR_HELD_HREF: &str = "data-href";

/// The held attribute that stands for `real` (`data-src` for `src`), if the gate holds it.
pub fn held_attribute(real: &str) -> Option<&'static str> {
    HELD_ATTRIBUTES
        .iter()
        .find(|(_, name)| *name == real)
        .map(|(held, _)| *held)
}

/// On a blocked non-script element: attributes held back until release, and the real attribute
/// each one becomes (`imagesrcset` on a preload link, `data` on an `<object>`, `ping` on a link,
/// `background` on a table or the body).
pub const HELD_ATTRIBUTES: [(&str, &str); 8] = [
    (ATTR_HELD_SRC, "src"),
    ("data-srcset", "srcset"),
    (ATTR_HELD_HREF, "href"),
    ("data-poster", "poster"),
    ("data-imagesrcset", "imagesrcset"),
    ("data-data", "data"),
    ("data-ping", "ping"),
    ("data-background", "background"),
];

/// Where elements request URLs: each tag, and the attributes the browser fetches through (lists:
/// `srcset`-like values and `ping`). The interception layer holds these in the page, the
/// `consent-gate hold` command in a page's HTML. An SVG tag keeps its case (`feImage`).
pub const URL_ATTRIBUTES: [(&str, &[&str]); 25] = [
    ("script", &["src", "href"]),
    ("img", &["src", "srcset"]),
    ("image", &["href"]),
    ("iframe", &["src"]),
    ("frame", &["src"]),
    ("embed", &["src"]),
    ("source", &["src", "srcset"]),
    ("link", &["href", "imagesrcset"]),
    ("video", &["src", "poster"]),
    ("audio", &["src"]),
    ("track", &["src"]),
    ("object", &["data"]),
    ("input", &["src"]),
    ("a", &["ping"]),
    ("area", &["ping"]),
    ("feImage", &["href"]),
    ("use", &["href"]),
    ("body", &["background"]),
    ("table", &["background"]),
    ("thead", &["background"]),
    ("tbody", &["background"]),
    ("tfoot", &["background"]),
    ("tr", &["background"]),
    ("td", &["background"]),
    ("th", &["background"]),
];

macro_rules! gated_selector {
    () => {
        "script[type=\"text/plain\"][data-category], \
         script[type=\"text/plain\"][data-service], \
         [data-category][data-src], [data-category][data-srcset], \
         [data-category][data-href], [data-category][data-poster], \
         [data-category][data-imagesrcset], [data-category][data-data], \
         [data-category][data-ping], [data-category][data-background], \
         [data-service][data-src], [data-service][data-srcset], \
         [data-service][data-href], [data-service][data-poster], \
         [data-service][data-imagesrcset], [data-service][data-data], \
         [data-service][data-ping], [data-service][data-background]"
    };
}

/// Every element the gate holds: blocked scripts, and any element with a held attribute.
pub const GATED_SELECTOR: &str = gated_selector!();

/// What the parser adds that calls for work in the next task: `<body>` (the interface can come)
/// and every held element.
pub const BODY_OR_GATED_SELECTOR: &str = concat!("body, ", gated_selector!());

/// The held embeds that show a placeholder until released (frames and `<embed>`s).
pub const EMBED_SELECTOR: &str = "iframe[data-src][data-category], iframe[data-src][data-service], \
     embed[data-src][data-category], embed[data-src][data-service]";

/// On every consent-gate control, and on any host-page element that opens the preferences: what
/// a click means (`accept-all`, `reject-all`, `customize`, `save`, `close`, `show-preferences`;
/// see [`crate::core::view::Control`]).
pub const ATTR_ACTION: &str = "data-consent-action";

/// On the banner's root element (a stable hook for tests and tools).
pub const ATTR_BANNER: &str = "data-consent-banner";

/// On the preferences dialog.
pub const ATTR_DIALOG: &str = "data-consent-dialog";

/// On each switch in the dialog: [`TOGGLE_CATEGORY`] or [`TOGGLE_SERVICE`]; its value is the id.
pub const ATTR_TOGGLE: &str = "data-toggle";

/// [`ATTR_TOGGLE`] of a category's switch.
pub const TOGGLE_CATEGORY: &str = "category";

/// [`ATTR_TOGGLE`] of a service's switch.
pub const TOGGLE_SERVICE: &str = "service";

/// A service's switch.
pub const SERVICE_TOGGLE_SELECTOR: &str = "input[data-toggle=\"service\"]";

/// Any switch.
pub const TOGGLE_SELECTOR: &str = "input[data-toggle]";

/// On a category's block in the dialog, with the category id.
pub const ATTR_CATEGORY_BLOCK: &str = "data-consent-category";

/// On a service's block in the dialog, with the service id.
pub const ATTR_SERVICE_BLOCK: &str = "data-consent-service";

/// On consent-gate's floating button that reopens the preferences.
pub const ATTR_SETTINGS_BUTTON: &str = "data-consent-settings";

/// On an element the interception layer held by its URL (auto-blocking), not by its markup.
pub const ATTR_AUTO: &str = "data-consent-auto";

/// On a held script that page code inserted (the parser did not): it gets no page nonce on
/// release unless it carries one ([`crate::core::gate::may_release_script`]).
pub const ATTR_INJECTED: &str = "data-consent-injected";

/// On a held element waiting for an earlier script to load before it is released.
pub const ATTR_QUEUED: &str = "data-consent-queued";

/// On a held script the gate will not release: page code injected it without the page's nonce.
pub const ATTR_REFUSED: &str = "data-consent-refused";

/// On a placeholder's host element, put before its held embed.
pub const ATTR_PLACEHOLDER: &str = "data-consent-placeholder";

/// First-party cookie that holds the encoded consent record, readable by the site's server
/// (the config's `cookie.name` may rename it).
pub const COOKIE_NAME: &str = "consent_gate";

/// `localStorage` key of the mirror of the consent cookie (follows `cookie.name` too).
pub const STORAGE_KEY: &str = "consent_gate";

/// Dispatched on `document` once consent-gate has started and applied the stored decision.
pub const EVENT_READY: &str = "consentgate:ready";

/// Dispatched on `document` when a visitor decides for the first time (or again, after the record
/// lapsed); `detail` as for [`EVENT_CHANGE`].
pub const EVENT_CONSENT: &str = "consentgate:consent";

/// Dispatched on `document` when the banner appears.
pub const EVENT_SHOW: &str = "consentgate:show";

/// Dispatched on `document` when the banner (or the preferences) goes away.
pub const EVENT_HIDE: &str = "consentgate:hide";

/// The global the API lives on: `window.ConsentGate`.
pub const API_GLOBAL: &str = "ConsentGate";

/// Dispatched on `document` after every decision, with `detail`
/// `{ first, method, granted: { categories, services }, revoked: { categories, services } }`.
pub const EVENT_CHANGE: &str = "consentgate:change";

/// The interface module's file: the full gate with the banner, the dialog and the placeholders'
/// controls, which the small gate loads from beside its own file (`consent-gate.js` in `dist/`,
/// `consent_gate.js` in `pkg/`) when a page view needs more than a plan, unless its `<script>`
/// names another in [`ATTR_INTERFACE`].
pub const INTERFACE_FILE: &str = "consent-gate.ui.js";

/// On the small gate's `<script>`: where to fetch the interface module from (for example the
/// English-only `consent-gate.ui.en.js`).
pub const ATTR_INTERFACE: &str = "data-interface";

/// The events `ConsentGate.on(name, ...)` takes, by their short names.
pub const API_EVENTS: [(&str, &str); 5] = [
    ("ready", EVENT_READY),
    ("consent", EVENT_CONSENT),
    ("change", EVENT_CHANGE),
    ("show", EVENT_SHOW),
    ("hide", EVENT_HIDE),
];

/// The `document` event that `ConsentGate.on(short, ...)` listens to, if `short` names one.
pub fn api_event(short: &str) -> Option<&'static str> {
    API_EVENTS
        .iter()
        .find(|(name, _)| *name == short)
        .map(|(_, event)| *event)
}

/// The JavaScript API's functions (README, "JavaScript API"), reading half first: the full
/// gate's `window.ConsentGate`, the small gate's and the ES module's exports and its declarations
/// (`src/web/consent_gate.d.ts`) have exactly these; tests hold each list to this one.
pub const API_FUNCTIONS: [&str; 15] = [
    "ready",
    "get",
    "accepted",
    "acceptedService",
    "exportRecord",
    "on",
    "acceptAll",
    "rejectAll",
    "set",
    "show",
    "showPreferences",
    "hide",
    "withdraw",
    "setLanguage",
    "forget",
];

/// What `on()` answers for a name that is not one of its events.
pub fn unknown_event(short: &str) -> String {
    let names: Vec<&str> = API_EVENTS.iter().map(|(short, _)| *short).collect();
    let mut out = crate::core::config::quoted(short);
    out.push_str(" is not an event: use ");
    out.push_str(&crate::core::join(&names, ", "));
    out
}

/// The storage key of a plan ([`crate::core::plan`]): in `localStorage` for a decision's, in
/// `sessionStorage` for an undecided visitor's ([`crate::core::plan::Keep`]).
pub const PLAN_KEY: &str = "consent-gate:plan";

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn each_url_attribute_the_gate_holds_has_one_data_attribute() {
        assert_eq!(held_attribute("src"), Some("data-src"));
        assert_eq!(held_attribute("href"), Some("data-href"));
        assert_eq!(held_attribute("imagesrcset"), Some("data-imagesrcset"));
        assert_eq!(held_attribute("style"), None);
        for (held, real) in HELD_ATTRIBUTES {
            assert_eq!(held.strip_prefix("data-"), Some(real));
        }
    }

    #[test]
    fn every_mark_and_url_attribute_of_the_js_layer_is_in_the_contract() {
        // The interception layer is JS (it also runs where WebAssembly cannot): its marks are
        // literals, held to these names.
        let layer = include_str!("../web/intercept.js");
        let named = [ATTR_AUTO, ATTR_INJECTED];
        for name in named {
            assert!(
                layer.contains(&format!("\"{name}\"")),
                "{name} in intercept.js"
            );
        }
        for (at, _) in layer.match_indices("data-consent-") {
            let mark = mark_at(&layer[at..]);
            assert!(named.contains(&mark), "{mark} is not in contract.rs");
        }
        // The markup it writes when it holds an element: the category and service marks, and
        // the held attribute as `data-` and the real one's name (HELD_ATTRIBUTES' rule).
        let markup = [ATTR_CATEGORY, ATTR_SERVICE, ATTR_AUTO, ATTR_INJECTED];
        for (at, _) in layer.match_indices("\"data-") {
            let mark = mark_at(&layer[at + 1..]);
            assert!(
                markup.contains(&mark) || mark == "data-",
                "{mark} in intercept.js is not in contract.rs"
            );
        }
        // The layer's URL attributes are URL_ATTRIBUTES, tag for tag, and each becomes a held
        // attribute core releases.
        let start = layer
            .find("var URLS = {")
            .expect("intercept.js lists URL attributes");
        let urls = &layer[start + "var URLS = {".len()
            ..start + layer[start..].find("};").expect("the list ends")];
        let listed: Vec<(&str, Vec<&str>)> = urls
            .split(']')
            .filter_map(|entry| entry.split_once(": ["))
            .map(|(tag, names)| {
                let tag = tag.trim_matches(|c: char| c == ',' || c.is_whitespace());
                let names = names.split(',').map(|n| n.trim().trim_matches('"'));
                (tag, names.collect())
            })
            .collect();
        let expected: Vec<(&str, Vec<&str>)> = URL_ATTRIBUTES
            .iter()
            .map(|(tag, names)| (*tag, names.to_vec()))
            .collect();
        assert_eq!(listed, expected, "intercept.js's URLS and URL_ATTRIBUTES");
        let real: Vec<&str> = HELD_ATTRIBUTES.iter().map(|(_, real)| *real).collect();
        for (_, names) in URL_ATTRIBUTES {
            for name in names {
                assert!(real.contains(name), "{name} has no held attribute");
            }
        }
    }

    #[test]
    fn every_name_the_small_gate_writes_is_named_here() {
        // The small gate's performer is JS too: its attribute names, file, storage key, config
        // element and global are literals, held to these names.
        let small = include_str!("../web/small.js");
        for name in [
            ATTR_INTERFACE,
            INTERFACE_FILE,
            PLAN_KEY,
            CONFIG_ELEMENT_ID,
            API_GLOBAL,
        ] {
            assert!(
                small.contains(&format!("\"{name}\"")) || small.contains(&format!("win.{name}")),
                "{name} in small.js"
            );
        }
        for (at, _) in small.match_indices("\"data-") {
            let mark = mark_at(&small[at + 1..]);
            assert_eq!(mark, ATTR_INTERFACE, "{mark} is not in contract.rs");
        }
    }

    #[test]
    fn the_small_gates_parse_selector_matches_all_that_cores_does() {
        // small.js watches the parser before its module compiles, so it writes a broader
        // selector: each of core's compound selectors must contain one of its parts whole
        // (a compound that contains another matches a subset of it).
        let small = include_str!("../web/small.js");
        let start = small.find("\"body, ").expect("small.js's parse selector") + 1;
        let end = start + small[start..].find("\",\n").expect("the selector ends");
        let broad = small[start..end].replace("\\\"", "\"");
        let parts: Vec<&str> = broad.split(", ").collect();
        assert!(parts.len() > 1);
        for compound in BODY_OR_GATED_SELECTOR.split(',').map(str::trim) {
            assert!(
                parts.iter().any(|part| compound.contains(part)),
                "{compound} is not under small.js's {broad}"
            );
        }
    }

    /// The attribute name `text` starts with: lowercase letters and dashes.
    fn mark_at(text: &str) -> &str {
        let end = text
            .find(|c: char| !(c.is_ascii_lowercase() || c == '-'))
            .unwrap_or(text.len());
        &text[..end]
    }

    /// The names after each `marker` in `text`, up to the first character that cannot be in one.
    fn names_after<'a>(text: &'a str, marker: &str) -> Vec<&'a str> {
        text.match_indices(marker)
            .map(|(at, _)| {
                let rest = &text[at + marker.len()..];
                let end = rest
                    .find(|c: char| !c.is_ascii_alphanumeric())
                    .unwrap_or(rest.len());
                &rest[..end]
            })
            .collect()
    }

    fn sorted(mut names: Vec<&str>) -> Vec<&str> {
        names.sort_unstable();
        names
    }

    #[test]
    fn the_declarations_and_the_small_gate_have_the_api_functions_and_no_others() {
        let all = sorted(API_FUNCTIONS.to_vec());
        let declared = include_str!("../web/consent_gate.d.ts");
        assert_eq!(sorted(names_after(declared, "\nexport function ")), all);
        // The small gate answers the reading half itself and queues the deciding half.
        let small = include_str!("../web/small.js");
        let reading = names_after(small, "reading(\"");
        let start = small
            .find("].forEach(function (name) {\n      small[name] = later(name);")
            .expect("small.js queues the deciding half");
        let list_start = small[..start].rfind('[').expect("a list") + 1;
        let deciding: Vec<&str> = small[list_start..start]
            .split(',')
            .map(|name| name.trim().trim_matches('"'))
            .collect();
        assert_eq!(sorted([reading.clone(), deciding].concat()), all);
        assert_eq!(
            sorted(reading),
            sorted(API_FUNCTIONS[..6].to_vec()),
            "the reading half"
        );
    }

    #[test]
    fn the_switch_selectors_name_the_switch_attribute() {
        assert_eq!(
            SERVICE_TOGGLE_SELECTOR,
            format!("input[{ATTR_TOGGLE}=\"{TOGGLE_SERVICE}\"]")
        );
        assert_eq!(TOGGLE_SELECTOR, format!("input[{ATTR_TOGGLE}]"));
    }

    #[test]
    fn the_api_names_each_event_by_its_short_name() {
        assert_eq!(api_event("change"), Some(EVENT_CHANGE));
        assert_eq!(api_event("ready"), Some(EVENT_READY));
        assert_eq!(api_event("consentgate:change"), None);
        assert_eq!(api_event("Change"), None);
        for (short, event) in API_EVENTS {
            assert_eq!(event.strip_prefix("consentgate:"), Some(short));
        }
    }
}
