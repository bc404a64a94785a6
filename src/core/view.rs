//! What the banner and the preferences dialog show, in one language: the words
//! ([`crate::core::texts`]) laid out, every toggle's state, every link checked. The web layer renders these views and decides nothing.
//!
//! Toggles start as the decision in force says, and off when there is none: never pre-ticked.

use crate::core::config::{Config, Layout, Theme};
use crate::core::consent::{Action, Choices, Consent};
use crate::core::contract;
use crate::core::i18n::Text;
use crate::core::texts::Words;
use crate::core::texts::{Item, item_texts, safe};

/// `message` with each `{service}` replaced by `name`. By hand: `str::replace` with a string
/// pattern would be the only user of the standard library's substring search in the module.
fn fill_service(message: &str, name: &str) -> String {
    const SLOT: &str = "{service}";
    let mut out = String::new();
    let mut rest = message;
    while let Some(at) = rest
        .as_bytes()
        .windows(SLOT.len())
        .position(|w| w == SLOT.as_bytes())
    {
        out.push_str(&rest[..at]);
        out.push_str(name);
        rest = &rest[at + SLOT.len()..];
    }
    out.push_str(rest);
    out
}

/// The first layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BannerView<'a> {
    /// Its words.
    pub words: Words<'a>,
    /// The privacy-policy link, if the config has one that is safe to render.
    pub privacy_policy_url: Option<&'a str>,
    /// Bar, box or modal.
    pub layout: Layout,
    /// Light, dark or the visitor's preference.
    pub theme: Theme,
    /// Whether to show a close control (which refuses).
    pub close_button: bool,
}

impl<'a> BannerView<'a> {
    /// The banner for `config` in `language`.
    pub fn new(config: &'a Config, language: &'a str) -> BannerView<'a> {
        BannerView {
            words: Words::new(config, language),
            privacy_policy_url: safe(&config.privacy_policy_url),
            layout: config.layout,
            theme: config.theme,
            close_button: config.close_button,
        }
    }
}

/// An element to build: its tag, attributes, text (set as text, never parsed as HTML) and the
/// elements after that text. The banner is described once, here, and built by the interface and
/// by the small gate from an undecided visitor's plan ([`crate::core::plan::banner_drawing`]), so
/// that the two draw the same thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Markup {
    /// The element's tag.
    pub tag: &'static str,
    /// Its attributes, in order.
    pub attributes: Vec<(&'static str, String)>,
    /// Its text, before its children.
    pub text: String,
    /// Its children.
    pub children: Vec<Markup>,
}

impl Markup {
    fn new(tag: &'static str, attributes: &[(&'static str, &str)], text: &str) -> Markup {
        Markup {
            tag,
            attributes: attributes
                .iter()
                .map(|(n, v)| (*n, (*v).to_owned()))
                .collect(),
            text: text.to_owned(),
            children: Vec::new(),
        }
    }

    /// One of consent-gate's own buttons: the banner's, the dialog's and the settings button.
    pub fn button(control: Control, text: &str) -> Markup {
        let action = control.name();
        Markup::new(
            "button",
            &[
                ("type", "button"),
                (contract::ATTR_ACTION, action),
                ("part", "button"),
            ],
            text,
        )
    }

    /// As JSON: `[tag, [[name, value], ...], text, [children...]]`.
    pub fn to_json(&self) -> String {
        use crate::core::record::json_string;
        let attributes: Vec<String> = self
            .attributes
            .iter()
            .map(|(name, value)| format!("[{},{}]", json_string(name), json_string(value)))
            .collect();
        let children: Vec<String> = self.children.iter().map(Markup::to_json).collect();
        format!(
            "[{},[{}],{},[{}]]",
            json_string(self.tag),
            crate::core::join(&attributes, ","),
            json_string(&self.text),
            crate::core::join(&children, ",")
        )
    }
}

impl BannerView<'_> {
    /// The banner's elements: a modal one is a `<dialog>` (opened with `showModal()`), any other
    /// a labelled region; its title, its description with the privacy-policy link, the controls
    /// ([`BANNER_CONTROLS`]) and the close control where the config has one.
    pub fn markup(&self) -> Markup {
        let words = &self.words;
        let modal = self.layout == Layout::Modal;
        let class = format!(
            "cg banner {} theme-{}",
            self.layout.name(),
            self.theme.name()
        );
        let mut banner = Markup::new(
            if modal { "dialog" } else { "section" },
            &[
                ("class", &class),
                (contract::ATTR_BANNER, ""),
                ("part", "banner"),
            ],
            "",
        );
        if !modal {
            banner.attributes.push(("role", "region".into()));
        }
        banner.attributes.extend([
            ("lang", words.language.to_owned()),
            ("dir", direction(words).to_owned()),
            ("aria-labelledby", "cg-title".to_owned()),
            ("aria-describedby", "cg-description".to_owned()),
        ]);
        let mut description = Markup::new(
            "p",
            &[("id", "cg-description")],
            words.get(Text::Description),
        );
        if let Some(url) = self.privacy_policy_url {
            description.text.push(' ');
            description.children.push(Markup::new(
                "a",
                &[("href", url)],
                words.get(Text::PrivacyPolicy),
            ));
        }
        let mut actions = Markup::new("div", &[("class", "actions")], "");
        for (control, text) in BANNER_CONTROLS {
            actions
                .children
                .push(Markup::button(control, words.get(text)));
        }
        banner.children = vec![
            Markup::new("h2", &[("id", "cg-title")], words.get(Text::Title)),
            description,
            actions,
        ];
        if self.close_button {
            let mut close = Markup::button(Control::Close, "\u{d7}");
            close.attributes.push(("class", "close".into()));
            close
                .attributes
                .push(("aria-label", words.get(Text::Close).to_owned()));
            banner.children.push(close);
        }
        banner
    }
}

/// The banner's controls, in order: refusing comes first, as one click, and is drawn exactly
/// like accepting (refusing is never harder than accepting).
pub const BANNER_CONTROLS: [(Control, Text); 3] = [
    (Control::RejectAll, Text::RejectAll),
    (Control::AcceptAll, Text::AcceptAll),
    (Control::Customize, Text::Customize),
];

/// The preferences dialog's controls, in order, refusing first as on the banner.
pub const DIALOG_CONTROLS: [(Control, Text); 3] = [
    (Control::RejectAll, Text::RejectAll),
    (Control::AcceptAll, Text::AcceptAll),
    (Control::Save, Text::Save),
];

/// A service's switch after the visitor turns its category's switch to `category_on`: it follows
/// the category (the visitor can then turn the service back alone).
pub fn service_after_category(category_on: bool) -> bool {
    category_on
}

/// The preferences dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreferencesView<'a> {
    /// Its words.
    pub words: Words<'a>,
    /// The privacy-policy link, if safe.
    pub privacy_policy_url: Option<&'a str>,
    /// One block per category, in config order.
    pub categories: Vec<CategoryView<'a>>,
    /// Light, dark or the visitor's preference.
    pub theme: Theme,
    /// Said when the browser sends Global Privacy Control and the site asks anyway (`eu` mode).
    pub gpc_note: Option<&'a str>,
}

/// A category's block in the dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryView<'a> {
    /// Its id (`data-consent-category`).
    pub id: &'a str,
    /// Its name.
    pub title: &'a str,
    /// What it is for (may be empty).
    pub description: &'a str,
    /// On and disabled.
    pub required: bool,
    /// The toggle's state.
    pub on: bool,
    /// Its services.
    pub services: Vec<ServiceView<'a>>,
}

/// A service's row in its category's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceView<'a> {
    /// Its id (`data-consent-service`).
    pub id: &'a str,
    /// Its name.
    pub title: &'a str,
    /// What it does (may be empty).
    pub description: &'a str,
    /// Who runs it (may be empty).
    pub provider: &'a str,
    /// The provider's privacy policy, if safe to render.
    pub privacy_policy_url: Option<&'a str>,
    /// On and disabled (in a required category).
    pub required: bool,
    /// The toggle's state.
    pub on: bool,
    /// Its cookie table.
    pub cookies: Vec<CookieRow<'a>>,
}

/// One row of a cookie table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieRow<'a> {
    /// The name or pattern (`_ga_*`).
    pub name: &'a str,
    /// Who reads it: the cookie's provider, else the service's; third-party ones say so.
    pub provider: &'a str,
    /// What it is for.
    pub purpose: &'a str,
    /// How long it lives.
    pub duration: &'a str,
}

impl<'a> PreferencesView<'a> {
    /// The dialog for `config` in `language`, its toggles as `consent` has them.
    pub fn new(config: &'a Config, consent: &Consent, language: &'a str) -> PreferencesView<'a> {
        PreferencesView::with_gpc(config, consent, language, false)
    }

    /// The dialog when the browser sends Global Privacy Control (`gpc`): in the `eu` mode it says
    /// the signal is honoured (the sale/sharing categories start off, as every optional one does).
    pub fn with_gpc(
        config: &'a Config,
        consent: &Consent,
        language: &'a str,
        gpc: bool,
    ) -> PreferencesView<'a> {
        let item = |kind: Item,
                    id: &'a str,
                    title: &'a Option<String>,
                    description: &'a Option<String>| {
            item_texts(config, language, kind, id, title, description)
        };
        let categories = config
            .categories
            .iter()
            .map(|category| {
                let (title, description) = item(
                    Item::Category,
                    &category.id,
                    &category.title,
                    &category.description,
                );
                let services = config
                    .services
                    .iter()
                    .filter(|s| s.category == category.id)
                    .map(|service| {
                        let (title, description) = item(
                            Item::Service,
                            &service.id,
                            &service.title,
                            &service.description,
                        );
                        let provider = service.provider.as_deref().unwrap_or_default();
                        ServiceView {
                            id: &service.id,
                            title,
                            description,
                            privacy_policy_url: safe(&service.privacy_policy_url),
                            required: category.required,
                            on: consent.is_service_granted(config, &service.id),
                            cookies: service
                                .cookies
                                .iter()
                                .map(|cookie| CookieRow {
                                    name: &cookie.name,
                                    provider: cookie.provider.as_deref().unwrap_or(provider),
                                    purpose: cookie.purpose.as_deref().unwrap_or_default(),
                                    duration: cookie.duration.as_deref().unwrap_or_default(),
                                })
                                .collect(),
                            provider,
                        }
                    })
                    .collect();
                CategoryView {
                    id: &category.id,
                    title,
                    description,
                    required: category.required,
                    on: consent.is_granted(config, &category.id),
                    services,
                }
            })
            .collect();
        let words = Words::new(config, language);
        let gpc_note = (gpc && config.gpc.mode == crate::core::config::GpcMode::Eu)
            .then(|| words.get(Text::GpcHonoured));
        PreferencesView {
            words,
            privacy_policy_url: safe(&config.privacy_policy_url),
            categories,
            theme: config.theme,
            gpc_note,
        }
    }
}

/// A control's meaning: the `data-consent-action` value on a button (or, for `show-preferences`,
/// on any element of the host page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// `accept-all`
    AcceptAll,
    /// `reject-all`
    RejectAll,
    /// `customize`: open the preferences from the banner.
    Customize,
    /// `save`: store the dialog's toggles.
    Save,
    /// `close`
    Close,
    /// `show-preferences`: open the preferences from anywhere.
    ShowPreferences,
    /// `load-once`: load one blocked embed now, without storing consent.
    LoadOnce,
    /// `always-allow`: grant a blocked embed's service (or category), stored.
    AlwaysAllow,
}

impl Control {
    const NAMES: [(&'static str, Control); 8] = [
        ("accept-all", Control::AcceptAll),
        ("reject-all", Control::RejectAll),
        ("customize", Control::Customize),
        ("save", Control::Save),
        ("close", Control::Close),
        ("show-preferences", Control::ShowPreferences),
        ("load-once", Control::LoadOnce),
        ("always-allow", Control::AlwaysAllow),
    ];

    /// The `data-consent-action` value.
    pub fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(_, c)| *c == self)
            .map_or("", |(name, _)| name)
    }

    /// The control a `data-consent-action` value names.
    pub fn from_name(name: &str) -> Option<Control> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| *c)
    }
}

/// Where a control was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// The first layer.
    Banner,
    /// The preferences dialog.
    Dialog,
    /// The host page, or consent-gate's floating button.
    Page,
}

/// What a control does where it was used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Take this action.
    Decide(Action),
    /// Take the dialog's toggles as the visitor's choices.
    SaveToggles,
    /// Open the preferences dialog.
    OpenPreferences,
    /// Close the preferences dialog without deciding.
    ClosePreferences,
    /// Load the placeholder's embed once.
    LoadOnce,
    /// Grant the placeholder's service ([`always_allow`]).
    AllowEmbed,
}

/// The command for `control` used on `surface`. Closing the banner refuses: closing (like
/// scrolling) is never consent, and a banner that merely goes away would leave the visitor
/// undecided with trackers still asking.
pub fn command(control: Control, surface: Surface) -> Command {
    match (control, surface) {
        (Control::AcceptAll, _) => Command::Decide(Action::AcceptAll),
        (Control::RejectAll, _) => Command::Decide(Action::RejectAll),
        (Control::Close, Surface::Banner) => Command::Decide(Action::RejectAll),
        (Control::Close, _) => Command::ClosePreferences,
        (Control::Save, _) => Command::SaveToggles,
        (Control::Customize | Control::ShowPreferences, _) => Command::OpenPreferences,
        (Control::LoadOnce, _) => Command::LoadOnce,
        (Control::AlwaysAllow, _) => Command::AllowEmbed,
    }
}

/// The click-to-load placeholder of a blocked embed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceholderView {
    /// "This content from YouTube is blocked until you allow it."
    pub message: String,
    /// The "Load once" control's words.
    pub load_once: String,
    /// The "Always allow" control's words.
    pub always_allow: String,
    /// The language, for `lang`.
    pub language: String,
    /// Right to left.
    pub rtl: bool,
}

impl PlaceholderView {
    /// The placeholder for an embed held for `service` (or, without one, `category`).
    pub fn new(
        config: &Config,
        language: &str,
        category: Option<&str>,
        service: Option<&str>,
    ) -> PlaceholderView {
        let words = Words::new(config, language);
        let name = match (
            service.and_then(|id| config.service(id)),
            category.and_then(|id| config.category(id)),
        ) {
            (Some(s), _) => item_texts(config, language, Item::Service, &s.id, &s.title, &None).0,
            (None, Some(c)) => {
                item_texts(config, language, Item::Category, &c.id, &c.title, &None).0
            }
            (None, None) => service.or(category).unwrap_or_default(),
        };
        PlaceholderView {
            message: fill_service(words.get(Text::PlaceholderMessage), name),
            load_once: words.get(Text::LoadOnce).to_owned(),
            always_allow: words.get(Text::AlwaysAllow).to_owned(),
            language: words.language.to_owned(),
            rtl: words.rtl,
        }
    }
}

/// The decision "Always allow" on a placeholder stands for: grant its service, or its category
/// when the markup names no service. `None` when it names neither, or nothing declared.
pub fn always_allow(
    config: &Config,
    category: Option<&str>,
    service: Option<&str>,
) -> Option<Action> {
    let choices = match (
        service.and_then(|id| config.service(id)),
        category.and_then(|id| config.category(id)),
    ) {
        (Some(s), _) => Choices {
            services: vec![(s.id.clone(), true)],
            ..Choices::default()
        },
        (None, Some(c)) => Choices {
            categories: vec![(c.id.clone(), true)],
            ..Choices::default()
        },
        (None, None) => return None,
    };
    Some(Action::Set(choices))
}

/// The visitor's choices from the dialog's toggles, `(id, on)` for each category and service
/// toggle; required ones (which cannot be refused) are left out.
pub fn choices_from_toggles(
    config: &Config,
    categories: Vec<(String, bool)>,
    services: Vec<(String, bool)>,
) -> Choices {
    Choices {
        categories: categories
            .into_iter()
            .filter(|(id, _)| config.category(id).is_some_and(|c| !c.required))
            .collect(),
        services: services
            .into_iter()
            .filter(|(id, _)| config.optional_services().any(|s| s.id == *id))
            .collect(),
    }
}

/// Whether the floating "Cookie settings" button is shown: the config asks for it and the
/// banner is not (the visitor has decided).
pub fn settings_button_visible(config: &Config, consent: &Consent) -> bool {
    config.preferences_button && consent.is_decided() && consent.prompt().is_none()
}

/// The selector of the page's own openers of the preferences (`data-consent-action=
/// "show-preferences"`): the full gate's click listener and the small gate's, through the plan.
pub fn opener_selector() -> String {
    String::from("[") + contract::ATTR_ACTION + "=\"" + Control::ShowPreferences.name() + "\"]"
}

/// The floating settings button in the config's `theme`, labelled with `words`: the interface's
/// button and the one the small gate draws from a plan are the same element.
pub fn settings_button(words: &Words, theme: Theme) -> Markup {
    let mut button = Markup::button(Control::ShowPreferences, words.get(Text::Settings));
    let class = format!("cg settings theme-{}", theme.name());
    button.attributes.extend([
        ("class", class),
        (contract::ATTR_SETTINGS_BUTTON, String::new()),
        ("lang", words.language.to_owned()),
        ("dir", direction(words).to_owned()),
    ]);
    button
}

/// `dir` for the words' language.
fn direction(words: &Words) -> &'static str {
    if words.rtl { "rtl" } else { "ltr" }
}

/// The offered language `code` names (exactly, or by primary subtag).
///
/// # Errors
/// The site does not offer it; the message lists the languages it does.
pub fn offered_language<'c>(config: &'c Config, code: &str) -> Result<&'c str, String> {
    let offered = config.languages();
    let picked = crate::core::i18n::pick_language(&offered, Some(code), None, &[]);
    let matches = picked.eq_ignore_ascii_case(code)
        || crate::core::i18n::primary(picked) == crate::core::i18n::primary(code);
    if matches {
        Ok(picked)
    } else {
        Err(format!(
            "{} is not a language this site offers: use one of {}",
            crate::core::config::quoted(code),
            crate::core::join(&offered, ", ")
        ))
    }
}

/// Checks that `id` is a declared category (for `accepted(id)` and the like).
///
/// # Errors
/// It is not; the message lists the declared ones.
pub fn known_category(config: &Config, id: &str) -> Result<(), String> {
    let ids = config.categories.iter().map(|c| c.id.as_str());
    known(
        config.category(id).is_some(),
        id,
        "category",
        "categories",
        ids,
    )
}

/// Checks that `id` is a declared service.
///
/// # Errors
/// It is not; the message lists the declared ones.
pub fn known_service(config: &Config, id: &str) -> Result<(), String> {
    let ids = config.services.iter().map(|s| s.id.as_str());
    known(config.service(id).is_some(), id, "service", "services", ids)
}

fn known<'a>(
    found: bool,
    id: &str,
    what: &str,
    plural: &str,
    ids: impl Iterator<Item = &'a str>,
) -> Result<(), String> {
    if found {
        return Ok(());
    }
    Err(unknown(id, what, plural, &ids.collect::<Vec<_>>()))
}

/// What the API answers for `id`, which is not one of the site's `ids` (a `what`, of `plural`).
pub fn unknown(id: &str, what: &str, plural: &str, ids: &[&str]) -> String {
    let mut out = crate::core::config::quoted(id);
    let list = crate::core::join(ids, ", ");
    for part in [
        " is not a ",
        what,
        " of this site: the ",
        plural,
        " are ",
        &list,
    ] {
        out.push_str(part);
    }
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::consent::{Action, Choices, Source};
    use crate::core::testing::{NOW, context, shop_config, translated};

    #[test]
    fn the_banner_s_markup_follows_the_layout_and_keeps_every_text_as_text() {
        let mut config = shop_config();
        config.layout = Layout::Modal;
        config.close_button = true;
        config.privacy_policy_url = Some("javascript:alert(1)".into());
        config.texts = vec![("title".into(), "<img src=x onerror=alert(1)>".into())];
        let markup = BannerView::new(&config, "en").markup();
        assert_eq!(markup.tag, "dialog", "a modal banner is a dialog");
        assert!(markup.attributes.iter().all(|(name, _)| *name != "role"));
        assert!(
            markup
                .attributes
                .contains(&("class", "cg banner modal theme-auto".into()))
        );
        let title = &markup.children[0];
        assert_eq!(
            (title.tag, title.text.as_str()),
            ("h2", "<img src=x onerror=alert(1)>")
        );
        assert!(
            markup.children[1].children.is_empty(),
            "no link where the URL is not http(s) or relative"
        );
        let close = &markup.children[3];
        assert_eq!(close.tag, "button");
        assert!(
            close
                .attributes
                .contains(&(contract::ATTR_ACTION, "close".into()))
        );
        assert!(close.attributes.contains(&("aria-label", "Close".into())));
        let json = markup.to_json();
        assert!(json.starts_with("[\"dialog\",[[\"class\""), "{json}");
        assert!(!json.contains('\n'));
    }

    #[test]
    fn nothing_is_pre_ticked_before_a_decision() {
        let config = shop_config();
        let view = PreferencesView::new(&config, &Consent::default(), "en");
        let states: Vec<(&str, bool, bool)> = view
            .categories
            .iter()
            .map(|c| (c.id, c.on, c.required))
            .collect();
        assert_eq!(
            states,
            [
                ("necessary", true, true),
                ("analytics", false, false),
                ("marketing", false, false)
            ]
        );
        assert!(
            view.categories[1..]
                .iter()
                .flat_map(|c| &c.services)
                .all(|s| !s.on && !s.required)
        );
        assert!(
            view.categories[0]
                .services
                .iter()
                .all(|s| s.on && s.required)
        );
    }

    #[test]
    fn toggles_show_the_decision_in_force() {
        let config = shop_config();
        let (consent, _) = Consent::default()
            .apply(
                &config,
                &Action::Set(Choices {
                    categories: vec![("marketing".into(), true)],
                    services: vec![("meta-pixel".into(), false)],
                }),
                Source::Visitor,
                &context(NOW),
            )
            .expect("valid");
        let view = PreferencesView::new(&config, &consent, "en");
        let marketing = &view.categories[2];
        assert!(marketing.on);
        let services: Vec<(&str, bool)> = marketing.services.iter().map(|s| (s.id, s.on)).collect();
        assert_eq!(services, [("meta-pixel", false), ("youtube", true)]);
    }

    #[test]
    fn items_fall_back_to_the_site_text_then_the_id() {
        let config = translated();
        let view = PreferencesView::new(&config, &Consent::default(), "de");
        assert_eq!(view.categories[1].title, "Statistik");
        assert_eq!(view.categories[2].title, "Marketing");
        let mut untitled = shop_config();
        untitled.categories[1].title = None;
        let view = PreferencesView::new(&untitled, &Consent::default(), "en");
        assert_eq!(view.categories[1].title, "analytics");
    }

    #[test]
    fn the_dialog_says_gpc_is_honoured_in_the_eu_mode_only() {
        let config = shop_config();
        let note = PreferencesView::with_gpc(&config, &Consent::default(), "en", true).gpc_note;
        assert_eq!(
            note,
            Some("Global Privacy Control: your browser's signal is honoured.")
        );
        assert_eq!(
            PreferencesView::new(&config, &Consent::default(), "en").gpc_note,
            None
        );
        let mut us = shop_config();
        us.gpc.mode = crate::core::config::GpcMode::Us;
        assert_eq!(
            PreferencesView::with_gpc(&us, &Consent::default(), "en", true).gpc_note,
            None
        );
    }

    #[test]
    fn cookie_rows_name_the_provider() {
        let config = shop_config();
        let view = PreferencesView::new(&config, &Consent::default(), "en");
        let ga = &view.categories[1].services[0];
        assert_eq!(ga.cookies[0].name, "_ga");
        assert_eq!(ga.cookies[0].provider, "Google Ireland Ltd");
        assert_eq!(ga.cookies[0].duration, "2 years");
    }

    #[test]
    fn unsafe_links_are_left_out() {
        let mut config = shop_config();
        config.privacy_policy_url = Some("javascript:alert(1)".into());
        config.services[1].privacy_policy_url = Some("data:text/html,x".into());
        assert_eq!(BannerView::new(&config, "en").privacy_policy_url, None);
        let view = PreferencesView::new(&config, &Consent::default(), "en");
        assert_eq!(view.privacy_policy_url, None);
        assert_eq!(view.categories[1].services[0].privacy_policy_url, None);
    }

    #[test]
    fn closing_the_banner_refuses_and_closing_the_dialog_does_not_decide() {
        assert_eq!(
            command(Control::Close, Surface::Banner),
            Command::Decide(Action::RejectAll)
        );
        assert_eq!(
            command(Control::Close, Surface::Dialog),
            Command::ClosePreferences
        );
        assert_eq!(
            command(Control::ShowPreferences, Surface::Page),
            Command::OpenPreferences
        );
        assert_eq!(
            command(Control::Customize, Surface::Banner),
            Command::OpenPreferences
        );
        assert_eq!(
            command(Control::Save, Surface::Dialog),
            Command::SaveToggles
        );
        for (name, control) in Control::NAMES {
            assert_eq!(Control::from_name(name), Some(control));
            assert_eq!(control.name(), name);
        }
    }

    #[test]
    fn every_service_slot_is_filled_and_other_braces_stay() {
        assert_eq!(fill_service("{service} and {service}", "X"), "X and X");
        assert_eq!(fill_service("no slot {other}", "X"), "no slot {other}");
        assert_eq!(fill_service("{servic}{service}", "Ö"), "{servic}Ö");
        assert_eq!(fill_service("", "X"), "");
    }

    #[test]
    fn a_placeholder_names_its_service_and_always_allow_grants_only_it() {
        let config = shop_config();
        let view = PlaceholderView::new(&config, "en", Some("marketing"), Some("youtube"));
        assert_eq!(
            view.message,
            "This content from YouTube is blocked until you allow it."
        );
        assert_eq!(
            (view.load_once.as_str(), view.always_allow.as_str()),
            ("Load once", "Always allow")
        );
        let by_category = PlaceholderView::new(&config, "de", Some("marketing"), None);
        assert_eq!(
            by_category.message,
            "Dieser Inhalt von Marketing ist blockiert, bis Sie ihn erlauben."
        );
        assert_eq!(
            always_allow(&config, Some("marketing"), Some("youtube")),
            Some(Action::Set(Choices {
                services: vec![("youtube".into(), true)],
                ..Choices::default()
            }))
        );
        assert_eq!(
            always_allow(&config, Some("marketing"), None),
            Some(Action::Set(Choices {
                categories: vec![("marketing".into(), true)],
                ..Choices::default()
            }))
        );
        assert_eq!(always_allow(&config, Some("nope"), Some("nope")), None);
        assert_eq!(command(Control::LoadOnce, Surface::Page), Command::LoadOnce);
        assert_eq!(
            command(Control::AlwaysAllow, Surface::Page),
            Command::AllowEmbed
        );
    }

    #[test]
    fn toggles_become_choices_without_required_ones() {
        let config = shop_config();
        let choices = choices_from_toggles(
            &config,
            vec![("necessary".into(), true), ("analytics".into(), true)],
            vec![("shop-session".into(), true), ("youtube".into(), false)],
        );
        assert_eq!(choices.categories, [("analytics".to_owned(), true)]);
        assert_eq!(choices.services, [("youtube".to_owned(), false)]);
    }

    #[test]
    fn refusing_comes_first_on_the_banner_and_in_the_dialog_and_is_one_control() {
        for controls in [BANNER_CONTROLS, DIALOG_CONTROLS] {
            assert_eq!(controls[0], (Control::RejectAll, Text::RejectAll));
            assert_eq!(controls[1], (Control::AcceptAll, Text::AcceptAll));
        }
        assert_eq!(BANNER_CONTROLS[2].0, Control::Customize);
        assert_eq!(DIALOG_CONTROLS[2].0, Control::Save);
    }

    #[test]
    fn a_categorys_services_follow_its_switch() {
        assert!(service_after_category(true));
        assert!(!service_after_category(false));
    }

    #[test]
    fn the_settings_button_shows_after_a_decision_when_asked_for() {
        let mut config = shop_config();
        let (decided, _) = Consent::default()
            .apply(&config, &Action::RejectAll, Source::Visitor, &context(NOW))
            .expect("valid");
        assert!(!settings_button_visible(&config, &decided));
        config.preferences_button = true;
        assert!(settings_button_visible(&config, &decided));
        assert!(!settings_button_visible(&config, &Consent::default()));
    }

    #[test]
    fn api_names_are_checked_against_the_config() {
        let config = translated();
        assert_eq!(offered_language(&config, "de"), Ok("de"));
        assert_eq!(offered_language(&config, "de-AT"), Ok("de"));
        assert_eq!(
            offered_language(&config, "fr"),
            Err(r#""fr" is not a language this site offers: use one of en, de"#.into())
        );
        assert_eq!(known_category(&config, "analytics"), Ok(()));
        assert_eq!(
            known_category(&config, "analytic"),
            Err(r#""analytic" is not a category of this site: the categories are necessary, analytics, marketing"#.into())
        );
        assert!(known_service(&config, "youtube").is_ok());
        assert!(known_service(&config, "yt").is_err());
    }

    #[test]
    fn the_site_offers_its_own_language_and_its_translations() {
        assert_eq!(translated().languages(), ["en", "de"]);
    }
}
