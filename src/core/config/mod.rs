//! The site owner's config: what it may say, its defaults, and the checks that refuse a config
//! that would mislead visitors or break the gate.
//!
//! [`Config::from_json`] reads the text of the page's config element (or a file on a site's
//! server): it reports every problem at once, each naming the field path, the bad value and the
//! fix, including keys it does not know (with the nearest known key). [`Config::validate`] holds
//! the rules that are not about the JSON's shape, and the dark-pattern lint: a config that pre-ticks
//! a category, has no words for "reject", keeps consent longer than 13 months or leaves a service
//! outside every category is refused, with the rule it broke.

/// Reading a config's JSON; its `suggest` (did you mean) is also the command's for preset names.
pub mod decode;

use crate::core::i18n::Text;
use std::fmt;

/// Days a decision is kept when the config does not say: six months, the CNIL's recommendation.
pub const DEFAULT_EXPIRY_DAYS: u32 = 182;

/// The longest a decision may be kept: 13 months, the CNIL ceiling.
pub const MAX_EXPIRY_DAYS: u32 = 395;

/// Most categories a config may declare (bounds the stored record's size).
pub const MAX_CATEGORIES: usize = 16;

/// Most services a config may declare (bounds the stored record's size).
pub const MAX_SERVICES: usize = 64;

/// Longest category or service id (bounds the stored record's size).
pub const MAX_ID_LEN: usize = 32;

/// The longest config consent-gate reads, in bytes (of UTF-8): a site's config is a few KiB;
/// a larger one is refused before it is parsed.
pub const MAX_CONFIG_BYTES: usize = 1 << 20;

/// The most problems reported for one config: the rest are counted, not listed.
pub const MAX_ERRORS: usize = 50;

/// The consent cookie's name when the config does not set one.
pub const DEFAULT_COOKIE_NAME: &str = crate::core::contract::COOKIE_NAME;

/// What the site owner writes in the `consent-gate-config` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Bump to ask every visitor again (a stored decision for another revision is void).
    pub revision: u32,
    /// How long a decision is kept, in days.
    pub expiry_days: u32,
    /// The language the config's own texts are written in (`en`, `pt-BR`, ...).
    pub language: String,
    /// The purposes a visitor decides on, in the order they are shown.
    pub categories: Vec<Category>,
    /// The processors the site uses, each in one category.
    pub services: Vec<Service>,
    /// The site's own words for the banner and dialog, in [`Config::language`]: `(key, text)` with
    /// the keys of [`Text`]; each overrides consent-gate's built-in text.
    pub texts: Vec<(String, String)>,
    /// The config's texts in other languages.
    pub translations: Vec<Translation>,
    /// Link to the privacy policy, shown in the banner: `http:`, `https:` or relative.
    pub privacy_policy_url: Option<String>,
    /// Where consent receipts are sent (proof of consent), if anywhere.
    pub log_endpoint: Option<String>,
    /// What a Global Privacy Control signal does.
    pub gpc: Gpc,
    /// Where the consent record is stored.
    pub cookie: CookieSettings,
    /// The language to show whatever the page and browser say; `None` picks one (`"auto"`).
    pub display_language: Option<String>,
    /// Where and how the banner sits.
    pub layout: Layout,
    /// Light, dark, or the visitor's `prefers-color-scheme`.
    pub theme: Theme,
    /// A close control on the banner, which refuses (closing is never consent).
    pub close_button: bool,
    /// A floating button that reopens the preferences after a decision.
    pub preferences_button: bool,
    /// Reload the page after a withdrawal that purged something: scripts that already ran keep
    /// running (and re-setting cookies) until the page is left.
    pub reload_on_withdraw: bool,
    /// Google Consent Mode v2, Microsoft UET and Meta pixel consent calls.
    pub integrations: Integrations,
    /// The Content-Security-Policy lockdown ([`crate::core::lockdown`]).
    pub lockdown: Lockdown,
    /// Built-in words beside those compiled into the module, as the interface file carries them
    /// ([`crate::core::i18n::words`]); never read from the config's JSON.
    pub words: String,
}

/// What the lockdown policy allows besides the page's own origin and the consented services.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lockdown {
    /// The gate writes the policy as a `<meta http-equiv>` (for sites that cannot send headers).
    pub meta: bool,
    /// Hosts that are the site's own (a CDN, a payment provider), in the URL-pattern syntax of
    /// `services[].urls`: allowed whatever the visitor decided.
    pub own_hosts: Vec<String>,
}

/// Which tag vendors' consent interfaces consent-gate drives, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integrations {
    /// Call `gtag('consent', 'default'|'update', …)`.
    pub google: bool,
    /// `wait_for_update` of the default, in milliseconds (tags wait this long for an update).
    pub wait_for_update: u32,
    /// ISO 3166-2 regions the default applies to; empty means everywhere.
    pub regions: Vec<String>,
    /// `gtag('set', 'ads_data_redaction', true)` while `ad_storage` is denied.
    pub ads_data_redaction: bool,
    /// `gtag('set', 'url_passthrough', true)`.
    pub url_passthrough: bool,
    /// Push `('consent', 'default'|'update', {ad_storage})` to Microsoft UET's `uetq`.
    pub uet: bool,
    /// Call `fbq('consent', 'revoke'|'grant')` on the Meta pixel.
    pub meta: bool,
}

impl Default for Integrations {
    fn default() -> Self {
        Integrations {
            google: true,
            wait_for_update: 500,
            regions: Vec::new(),
            ads_data_redaction: false,
            url_passthrough: false,
            uet: false,
            meta: false,
        }
    }
}

/// Where and how the banner sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// A box in the bottom corner (the inline end). The default.
    #[default]
    Box,
    /// A full-width bar at the bottom.
    Bar,
    /// A full-width bar at the top.
    BarTop,
    /// A box in the middle, in a modal dialog.
    Modal,
}

impl Layout {
    /// The config value, also the CSS class.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Box => "box",
            Layout::Bar => "bar",
            Layout::BarTop => "bar-top",
            Layout::Modal => "modal",
        }
    }
}

/// The colour scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Follows `prefers-color-scheme`. The default.
    #[default]
    Auto,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// The config value, also the CSS class.
    pub fn name(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// One purpose (analytics, marketing, ...) that a visitor grants or refuses as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Category {
    /// Lowercase letters, digits and `-`; what `data-category` attributes name.
    pub id: String,
    /// Always granted and never toggled: only for what the site cannot work without.
    pub required: bool,
    /// A pre-ticked toggle. Never valid on an optional category (see [`Config::validate`]); read
    /// only so that the lint can name it.
    pub preselected: bool,
    /// The name shown to visitors.
    pub title: Option<String>,
    /// What the category is for.
    pub description: Option<String>,
    /// Consent Mode signals this category grants.
    pub consent_mode: Vec<Signal>,
}

/// One processor (Google Analytics, Meta pixel, YouTube, ...) that a visitor can grant or refuse
/// on its own.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Service {
    /// Lowercase letters, digits and `-`; what `data-service` attributes name.
    pub id: String,
    /// The category it belongs to.
    pub category: String,
    /// The name shown to visitors.
    pub title: Option<String>,
    /// What it does with the visitor's data.
    pub description: Option<String>,
    /// Who runs it (shown to visitors: third parties must be named).
    pub provider: Option<String>,
    /// The provider's privacy policy.
    pub privacy_policy_url: Option<String>,
    /// The cookies it sets: shown to visitors, and purged when it is refused after a grant.
    pub cookies: Vec<Cookie>,
    /// The `localStorage` keys it sets (names or `prefix*` patterns), purged likewise.
    pub storage: Vec<String>,
    /// URL patterns of the scripts and requests it makes, for auto-blocking.
    pub urls: Vec<String>,
    /// Consent Mode signals this service grants.
    pub consent_mode: Vec<Signal>,
}

/// A cookie a service sets.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cookie {
    /// The name, or a `prefix*` pattern (`_ga_*`).
    pub name: String,
    /// The domain it is set on, if not the page's host (`.example.com`).
    pub domain: Option<String>,
    /// The path it is set on, if not `/`.
    pub path: Option<String>,
    /// Who reads it, if not the service's provider.
    pub provider: Option<String>,
    /// How long it lives, as shown to visitors (`2 years`, `session`).
    pub duration: Option<String>,
    /// What it is for.
    pub purpose: Option<String>,
    /// Set by the provider's own domain: shown as third-party, and beyond the page's reach to purge.
    pub third_party: bool,
}

/// The config's texts in one more language; what it leaves out falls back to consent-gate's
/// built-in texts for that language, then to [`Config::language`]'s.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Translation {
    /// The language (`de`, `pt-BR`, ...).
    pub language: String,
    /// Banner and dialog words: `(key, text)` with the keys of [`Text`].
    pub texts: Vec<(String, String)>,
    /// Category titles and descriptions by category id.
    pub categories: Vec<(String, ItemTexts)>,
    /// Service titles and descriptions by service id.
    pub services: Vec<(String, ItemTexts)>,
}

/// A category's or service's words in one language.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ItemTexts {
    /// The name shown to visitors.
    pub title: Option<String>,
    /// What it is for.
    pub description: Option<String>,
}

/// What a Global Privacy Control signal (`navigator.globalPrivacyControl`) does.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Gpc {
    /// The regime the site follows.
    pub mode: GpcMode,
    /// The categories that sell or share data; `None` means `marketing`, where declared.
    pub categories: Option<Vec<String>>,
}

/// How a site treats Global Privacy Control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GpcMode {
    /// Opt-in regime: the banner is still shown; the signal is recorded and its categories start
    /// refused. The default.
    #[default]
    Eu,
    /// Opt-out regime: the signal refuses its categories without asking (`method: gpc`).
    Us,
    /// The signal is only recorded.
    Off,
}

/// The consent cookie's attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieSettings {
    /// The cookie's name (also the `localStorage` key of its mirror).
    pub name: String,
    /// `Domain=` to share the decision across subdomains; host-only when `None`.
    pub domain: Option<String>,
    /// `Path=`.
    pub path: String,
    /// `SameSite=`.
    pub same_site: SameSite,
}

impl Default for CookieSettings {
    fn default() -> Self {
        CookieSettings {
            name: DEFAULT_COOKIE_NAME.into(),
            domain: None,
            path: "/".into(),
            same_site: SameSite::Lax,
        }
    }
}

/// A cookie's `SameSite` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SameSite {
    /// Sent on top-level navigations from other sites: the default.
    #[default]
    Lax,
    /// Never sent from other sites.
    Strict,
    /// Sent everywhere; browsers require `Secure` with it, so it needs https.
    None,
}

impl SameSite {
    /// The attribute's value.
    pub fn as_str(self) -> &'static str {
        match self {
            SameSite::Lax => "Lax",
            SameSite::Strict => "Strict",
            SameSite::None => "None",
        }
    }
}

/// A Google Consent Mode v2 signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Signal {
    /// `ad_storage`
    AdStorage,
    /// `ad_user_data`
    AdUserData,
    /// `ad_personalization`
    AdPersonalization,
    /// `analytics_storage`
    AnalyticsStorage,
    /// `functionality_storage`
    FunctionalityStorage,
    /// `personalization_storage`
    PersonalizationStorage,
    /// `security_storage`
    SecurityStorage,
}

impl Signal {
    /// All seven, in the order Google documents them.
    pub const ALL: [Signal; 7] = [
        Signal::AdStorage,
        Signal::AdUserData,
        Signal::AdPersonalization,
        Signal::AnalyticsStorage,
        Signal::FunctionalityStorage,
        Signal::PersonalizationStorage,
        Signal::SecurityStorage,
    ];

    /// The name gtag.js uses.
    pub fn name(self) -> &'static str {
        match self {
            Signal::AdStorage => "ad_storage",
            Signal::AdUserData => "ad_user_data",
            Signal::AdPersonalization => "ad_personalization",
            Signal::AnalyticsStorage => "analytics_storage",
            Signal::FunctionalityStorage => "functionality_storage",
            Signal::PersonalizationStorage => "personalization_storage",
            Signal::SecurityStorage => "security_storage",
        }
    }

    /// The signal gtag.js calls `name`.
    pub fn from_name(name: &str) -> Option<Signal> {
        Signal::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// One thing wrong with a config: where, what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The field's path, e.g. `categories[2].id`; empty for the text as a whole.
    pub path: String,
    /// The offending value as the site owner wrote it (quoted where it is a string); may be empty.
    pub value: String,
    /// What is wrong and what to write instead.
    pub fix: String,
}

impl ConfigError {
    fn new(path: impl Into<String>, value: impl Into<String>, fix: impl Into<String>) -> Self {
        ConfigError {
            path: path.into(),
            value: value.into(),
            fix: fix.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        if !self.value.is_empty() {
            write!(f, "{} ", self.value)?;
        }
        f.write_str(&self.fix)
    }
}

impl Config {
    /// The languages the site offers: its own first, then each translation's.
    pub fn languages(&self) -> Vec<&str> {
        std::iter::once(self.language.as_str())
            .chain(self.translations.iter().map(|t| t.language.as_str()))
            .collect()
    }

    /// Reads and checks a config written as JSON.
    ///
    /// # Errors
    /// Every problem found (JSON syntax, unknown keys, wrong types, and everything
    /// [`Config::validate`] refuses), in document order.
    pub fn from_json(text: &str) -> Result<Config, Vec<ConfigError>> {
        if text.len() > MAX_CONFIG_BYTES {
            return Err(vec![ConfigError::new(
                "",
                "",
                format!(
                    "the config is {} bytes, more than consent-gate reads ({MAX_CONFIG_BYTES}, 1 MiB): keep long texts on your privacy page and link to it",
                    text.len()
                ),
            )]);
        }
        let (config, mut errors) = decode::decode(text);
        if let Some(config) = config {
            if let Err(more) = config.validate() {
                errors.extend(more);
            }
            if errors.is_empty() {
                return Ok(config);
            }
        }
        if errors.len() > MAX_ERRORS {
            let more = errors.len() - MAX_ERRORS;
            errors.truncate(MAX_ERRORS);
            errors.push(ConfigError::new(
                "",
                "",
                format!("and {more} more problems: fix these first"),
            ));
        }
        Err(errors)
    }

    /// Checks everything the JSON's shape cannot: ids, references, duplicates, limits, links, and
    /// the dark patterns the EDPB and CNIL name.
    ///
    /// # Errors
    /// Every problem found, in field order, so a site owner fixes them in one pass.
    pub fn validate(&self) -> Result<(), Vec<ConfigError>> {
        let mut errors = Vec::new();
        let mut err = |path: String, value: String, fix: &str| {
            errors.push(ConfigError::new(path, value, fix));
        };

        if self.revision == 0 {
            err(
                "revision".into(),
                "0".into(),
                "is not a revision: start at 1",
            );
        }
        if self.expiry_days == 0 || self.expiry_days > MAX_EXPIRY_DAYS {
            err(
                "expiryDays".into(),
                self.expiry_days.to_string(),
                "breaks the rule \"consent expires within 13 months\" (CNIL): use 1 to 395 days; 182 is the default",
            );
        }
        if !is_valid_language(&self.language) {
            err(
                "language".into(),
                quoted(&self.language),
                "is not a language tag: write one like \"en\" or \"pt-BR\"",
            );
        }
        if self.categories.is_empty() {
            err(
                "categories".into(),
                "[]".into(),
                "is empty: declare at least the categories your page's data-category attributes name",
            );
        }
        if self.categories.len() > MAX_CATEGORIES {
            err(
                "categories".into(),
                format!("({} of them)", self.categories.len()),
                "are too many: declare at most 16 (one cookie holds the decision)",
            );
        }
        let category_ids: Vec<&str> = self.categories.iter().map(|c| c.id.as_str()).collect();
        for (i, category) in self.categories.iter().enumerate() {
            check_id(
                &mut err,
                format!("categories[{i}].id"),
                &category_ids,
                i,
                "category",
            );
            if category.preselected && !category.required {
                err(
                    format!("categories[{i}].preselected"),
                    "true".into(),
                    "breaks the rule \"no pre-ticked boxes\" (CJEU Planet49, C-673/17): remove it; a category the site cannot work without is \"required\"",
                );
            }
        }
        if self.services.len() > MAX_SERVICES {
            err(
                "services".into(),
                format!("({} of them)", self.services.len()),
                "are too many: declare at most 64 (one cookie holds the decision)",
            );
        }
        let service_ids: Vec<&str> = self.services.iter().map(|s| s.id.as_str()).collect();
        for (i, service) in self.services.iter().enumerate() {
            let path = format!("services[{i}]");
            check_id(&mut err, format!("{path}.id"), &service_ids, i, "service");
            if service.category.is_empty() {
                err(
                    format!("{path}.category"),
                    String::new(),
                    "is missing: breaks the rule \"every service is in a category\", so a visitor could not refuse it; name one of the declared categories",
                );
            } else if !category_ids.contains(&service.category.as_str()) {
                err(
                    format!("{path}.category"),
                    quoted(&service.category),
                    &format!(
                        "is not a declared category{}",
                        hint(&service.category, &category_ids)
                    ),
                );
            }
            check_link(
                &mut err,
                format!("{path}.privacyPolicyUrl"),
                &service.privacy_policy_url,
            );
            for (j, cookie) in service.cookies.iter().enumerate() {
                let path = format!("{path}.cookies[{j}]");
                if !is_valid_name_pattern(&cookie.name) {
                    err(
                        format!("{path}.name"),
                        quoted(&cookie.name),
                        "is not a cookie name: use the name, or a prefix followed by one '*' (\"_ga_*\")",
                    );
                }
                if let Some(domain) = &cookie.domain {
                    if !is_valid_domain(domain) {
                        err(
                            format!("{path}.domain"),
                            quoted(domain),
                            "is not a domain: write a host name such as \".example.com\"",
                        );
                    }
                }
                if let Some(cookie_path) = &cookie.path {
                    if !is_valid_path(cookie_path) {
                        err(
                            format!("{path}.path"),
                            quoted(cookie_path),
                            "is not a cookie path: start it with '/', without ';' or spaces",
                        );
                    }
                }
            }
            for (j, key) in service.storage.iter().enumerate() {
                // A '*' anywhere but last. By byte position: a slice up to the last byte could
                // cut a last character of several bytes, and that panics.
                if key.is_empty()
                    || crate::core::find(key, b'*').is_some_and(|at| at + 1 < key.len())
                {
                    err(
                        format!("{path}.storage[{j}]"),
                        quoted(key),
                        "is not a storage key: use the key, or a prefix followed by one '*'",
                    );
                }
            }
            for (j, url) in service.urls.iter().enumerate() {
                if !is_url_pattern(url) {
                    err(
                        format!("{path}.urls[{j}]"),
                        quoted(url),
                        "is not a URL pattern: write a host and optional path, such as \"connect.facebook.net\" or \"www.googletagmanager.com/gtag/js\"",
                    );
                }
            }
        }
        for (j, host) in self.lockdown.own_hosts.iter().enumerate() {
            if !is_url_pattern(host) || host.contains(['\'', ';', ',']) {
                err(
                    format!("lockdown.ownHosts[{j}]"),
                    quoted(host),
                    "is not a host: write one such as \"cdn.shop.example\" or \"*.stripe.com\"",
                );
            }
        }
        let mut check_texts = |path: &str, texts: &[(String, String)]| {
            for (key, text) in texts {
                if Text::from_key(key).is_some_and(Text::is_required) && text.trim().is_empty() {
                    err(
                        format!("{path}.{key}"),
                        quoted(text),
                        "is empty: breaks the rule \"refusing is as easy as accepting\", so every control needs words (leave the key out for the built-in text)",
                    );
                }
            }
        };
        check_texts("texts", &self.texts);
        for translation in &self.translations {
            check_texts(
                &format!("translations.{}", translation.language),
                &translation.texts,
            );
        }
        for (i, translation) in self.translations.iter().enumerate() {
            let language = &translation.language;
            let path = format!("translations.{language}");
            if !is_valid_language(language) {
                err(
                    path.clone(),
                    String::new(),
                    "is not a language tag: write one like \"de\" or \"pt-BR\"",
                );
            } else if language == &self.language
                || self.translations[..i]
                    .iter()
                    .any(|t| &t.language == language)
            {
                err(
                    path.clone(),
                    String::new(),
                    "is the config's own language or written twice: give each language one block",
                );
            }
            for (key, text) in &translation.texts {
                if matches!(key.as_str(), "title" | "acceptAll" | "rejectAll")
                    && text.trim().is_empty()
                {
                    err(
                        format!("{path}.{key}"),
                        quoted(text),
                        "is empty: breaks the rule \"refusing is as easy as accepting\"; leave the key out to use the config's own language",
                    );
                }
            }
            for (id, _) in &translation.categories {
                if !category_ids.contains(&id.as_str()) {
                    err(
                        format!("{path}.categories.{id}"),
                        String::new(),
                        &format!("is not a declared category{}", hint(id, &category_ids)),
                    );
                }
            }
            for (id, _) in &translation.services {
                if !service_ids.contains(&id.as_str()) {
                    err(
                        format!("{path}.services.{id}"),
                        String::new(),
                        &format!("is not a declared service{}", hint(id, &service_ids)),
                    );
                }
            }
        }
        check_link(
            &mut err,
            "privacyPolicyUrl".into(),
            &self.privacy_policy_url,
        );
        check_link(&mut err, "logEndpoint".into(), &self.log_endpoint);
        if let Some(language) = &self.display_language {
            let offered = self.languages();
            if !offered.contains(&language.as_str()) {
                err(
                    "displayLanguage".into(),
                    quoted(language),
                    &format!(
                        "is not a language this config offers: use \"auto\", {}, or add translations.{language}",
                        crate::core::join(&offered, ", ")
                    ),
                );
            }
        }
        for (i, region) in self.integrations.regions.iter().enumerate() {
            let valid = (2..=6).contains(&region.len())
                && region
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
            if !valid {
                err(
                    format!("consentMode.regions[{i}]"),
                    quoted(region),
                    "is not an ISO 3166-2 region: write a country or subdivision code such as \"DE\" or \"US-CA\"",
                );
            }
        }
        if self.integrations.wait_for_update > 10_000 {
            err(
                "consentMode.waitForUpdate".into(),
                self.integrations.wait_for_update.to_string(),
                "is too long: tags wait this many milliseconds for an update; use 0 to 10000 (500 is the default)",
            );
        }
        if let Some(categories) = &self.gpc.categories {
            for (i, id) in categories.iter().enumerate() {
                match self.category(id) {
                    None => err(
                        format!("gpc.categories[{i}]"),
                        quoted(id),
                        &format!("is not a declared category{}", hint(id, &category_ids)),
                    ),
                    Some(c) if c.required => err(
                        format!("gpc.categories[{i}]"),
                        quoted(id),
                        "is required, so a privacy signal cannot refuse it: list only optional categories",
                    ),
                    Some(_) => {}
                }
            }
        }
        let cookie = &self.cookie;
        if cookie.name.is_empty()
            || cookie.name.len() > 64
            || !cookie.name.bytes().all(is_token_byte)
        {
            err(
                "cookie.name".into(),
                quoted(&cookie.name),
                "is not a cookie name: use up to 64 letters, digits, '_' or '-'",
            );
        }
        if let Some(domain) = &cookie.domain {
            if !is_valid_domain(domain) {
                err(
                    "cookie.domain".into(),
                    quoted(domain),
                    "is not a domain: write the site's registrable domain, such as \"example.com\", to share the decision across subdomains",
                );
            }
        }
        if !is_valid_path(&cookie.path) {
            err(
                "cookie.path".into(),
                quoted(&cookie.path),
                "is not a cookie path: start it with '/', without ';' or spaces",
            );
        }

        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The category with this id, if the config declares it.
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// The service with this id, if the config declares it.
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }

    /// The optional categories, in config order.
    pub fn optional_categories(&self) -> impl Iterator<Item = &Category> {
        self.categories.iter().filter(|c| !c.required)
    }

    /// The services a visitor decides on (those in optional categories), in config order.
    pub fn optional_services(&self) -> impl Iterator<Item = &Service> {
        self.services
            .iter()
            .filter(|s| self.category(&s.category).is_some_and(|c| !c.required))
    }

    /// The categories a Global Privacy Control signal refuses.
    pub fn gpc_categories(&self) -> Vec<&str> {
        match &self.gpc.categories {
            Some(ids) => ids.iter().map(String::as_str).collect(),
            None => self
                .optional_categories()
                .filter(|c| c.id == "marketing")
                .map(|c| c.id.as_str())
                .collect(),
        }
    }
}

fn check_id(
    err: &mut impl FnMut(String, String, &str),
    path: String,
    ids: &[&str],
    i: usize,
    kind: &str,
) {
    let id = ids[i];
    if !is_valid_id(id) {
        err(
            path,
            quoted(id),
            "is not a valid id: use 1 to 32 lowercase letters, digits and '-'",
        );
    } else if ids[..i].contains(&id) {
        err(
            path,
            quoted(id),
            &format!("is declared twice: give each {kind} its own id"),
        );
    }
}

fn check_link(err: &mut impl FnMut(String, String, &str), path: String, url: &Option<String>) {
    if let Some(url) = url {
        if !is_safe_link(url) {
            err(
                path,
                quoted(url),
                "is not a link consent-gate will use: write an http:, https: or relative URL",
            );
        }
    }
}

/// ` (did you mean "x"?)` when one of `known` is close to `word`, else the list of known ones.
fn hint(word: &str, known: &[&str]) -> String {
    match decode::suggest(word, known) {
        Some(near) => format!(" (did you mean \"{near}\"?)"),
        None if known.is_empty() => String::new(),
        None => format!(": use one of {}", crate::core::join(known, ", ")),
    }
}

/// Whether `id` may name a category or service: lowercase ASCII letters, digits and `-`, 1 to 32
/// of them.
///
/// The record codec relies on this: ids never contain the characters it uses as separators, nor
/// any that a cookie value may not hold.
/// Whether `pattern` can be a host with an optional path (`services[].urls`, `lockdown.ownHosts`).
fn is_url_pattern(pattern: &str) -> bool {
    pattern.trim().len() >= 4 && !pattern.chars().any(|c| c.is_whitespace() || c.is_control())
}

pub fn is_valid_id(id: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether `tag` looks like a BCP 47 language tag: `en`, `pt-BR`, `zh-Hant-TW` (letters, digits
/// and `-`, starting with 2 or 3 letters).
pub fn is_valid_language(tag: &str) -> bool {
    let primary = crate::core::i18n::primary(tag);
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && tag.len() <= 35
        && crate::core::split(tag, b'-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Whether a config URL may become an `href` or a request: `http:`, `https:`, or relative (no
/// scheme at all).
///
/// Anything else (`javascript:`, `data:`, `vbscript:`, or a scheme hidden behind control
/// characters, which browsers strip before parsing) is refused.
pub fn is_safe_link(url: &str) -> bool {
    // Browsers drop ASCII tab and newline anywhere in a URL and trim C0 controls and spaces at
    // its ends (WHATWG URL parser), so "java\tscript:" is a javascript: URL. Refuse them outright.
    if url.chars().any(|c| c.is_control()) || url.trim() != url || url.is_empty() {
        return false;
    }
    let Some(colon) = crate::core::find(url, b':') else {
        return true;
    };
    // A colon after the first '/', '?' or '#' is part of a relative path, query or fragment.
    if url[..colon]
        .bytes()
        .any(|b| matches!(b, b'/' | b'?' | b'#'))
    {
        return true;
    }
    let scheme = url[..colon].to_ascii_lowercase();
    scheme == "http" || scheme == "https"
}

/// A cookie-name character (RFC 6265 `token`, without the separators some servers mishandle).
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'+-.^_`|~".contains(&b)
}

/// A cookie name, or a prefix of one followed by a single trailing `*`.
pub fn is_valid_name_pattern(pattern: &str) -> bool {
    let name = pattern.strip_suffix('*').unwrap_or(pattern);
    !name.is_empty() && name.bytes().all(is_token_byte)
}

fn is_valid_domain(domain: &str) -> bool {
    let host = domain.strip_prefix('.').unwrap_or(domain);
    !host.is_empty()
        && host.len() <= 253
        && crate::core::split(host, b'.').all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

fn is_valid_path(path: &str) -> bool {
    path.starts_with('/')
        && !path
            .chars()
            .any(|c| c == ';' || c.is_whitespace() || c.is_control())
}

/// `text` in double quotes for a message, cut after 60 characters. Hand-written rather than
/// `{:?}`, which would compile Unicode printability tables into the module.
pub fn quoted(text: &str) -> String {
    const SHOWN: usize = 60;
    let mut out = String::with_capacity(text.len().min(4 * SHOWN) + 5);
    out.push('"');
    for (n, c) in text.chars().enumerate() {
        if n == SHOWN {
            out.push_str("\"...");
            return out;
        }
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {
                out.push_str("\\u{");
                crate::core::push_hex(&mut out, u32::from(c), 1);
                out.push('}');
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod schema_tests;
