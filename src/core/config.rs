//! The site owner's config: what it may say, its defaults, and the checks that refuse a config
//! that would mislead visitors or break the gate.
//!
//! Decoding (JSON to [`Config`]) happens at the edge: the web layer uses the browser's
//! `JSON.parse` and `serde-wasm-bindgen`, so no JSON parser is compiled into the module. Unknown
//! keys are refused there, not ignored. [`Config::validate`] then reports every remaining problem
//! at once, each naming the field, the value and the fix.

use serde::Deserialize;
use std::fmt;

/// Days a decision is kept when the config does not say: six months, the CNIL's recommendation.
pub const DEFAULT_EXPIRY_DAYS: u32 = 182;

/// The longest a decision may be kept: 13 months, the CNIL ceiling.
pub const MAX_EXPIRY_DAYS: u32 = 395;

/// What the site owner writes in the `consent-gate-config` element.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    /// Bump to ask every visitor again (a stored decision for another revision is void).
    #[serde(default = "default_revision")]
    pub revision: u32,
    /// How long a decision is kept, in days.
    #[serde(default = "default_expiry_days")]
    pub expiry_days: u32,
    /// The purposes a visitor decides on, in the order they are shown.
    pub categories: Vec<Category>,
    /// The banner's words.
    #[serde(default)]
    pub texts: Texts,
    /// Link to the privacy policy, shown in the banner: `http:`, `https:` or relative.
    #[serde(default)]
    pub privacy_policy_url: Option<String>,
}

/// One purpose (analytics, marketing, ...) that a visitor grants or refuses as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Category {
    /// Lowercase letters, digits and `-`; what `data-category` attributes name.
    pub id: String,
    /// Always granted and never toggled: only for what the site cannot work without.
    #[serde(default)]
    pub required: bool,
    /// The name shown to visitors.
    #[serde(default)]
    pub title: Option<String>,
}

/// The banner's words. Every one is shown as text, never parsed as HTML.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Texts {
    /// The banner's heading.
    pub title: String,
    /// What the site does with consent, in a sentence or two.
    pub description: String,
    /// The control that grants every category.
    pub accept_all: String,
    /// The control that refuses every optional category: as prominent as accept.
    pub reject_all: String,
    /// The words of the privacy-policy link.
    pub privacy_policy: String,
}

impl Default for Texts {
    fn default() -> Self {
        Texts {
            title: "We value your privacy".into(),
            description: "We use cookies for analytics and marketing only if you agree. \
                          You can change your choice at any time."
                .into(),
            accept_all: "Accept all".into(),
            reject_all: "Reject all".into(),
            privacy_policy: "Privacy policy".into(),
        }
    }
}

fn default_revision() -> u32 {
    1
}

fn default_expiry_days() -> u32 {
    DEFAULT_EXPIRY_DAYS
}

/// One thing wrong with a config: where, what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The field's path, e.g. `categories[2].id`.
    pub path: String,
    /// The offending value as the site owner wrote it (quoted where it is a string).
    pub value: String,
    /// What is wrong and what to write instead.
    pub fix: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} {}", self.path, self.value, self.fix)
    }
}

impl Config {
    /// Checks everything serde cannot: ids, duplicates, limits, links, and the dark patterns the
    /// EDPB and CNIL name (a reject control without words, consent kept over 13 months).
    ///
    /// # Errors
    /// Every problem found, in field order, so a site owner fixes them in one pass.
    pub fn validate(&self) -> Result<(), Vec<ConfigError>> {
        let mut errors = Vec::new();
        let mut err = |path: String, value: String, fix: &str| {
            errors.push(ConfigError {
                path,
                value,
                fix: fix.into(),
            })
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
                "is out of range: use 1 to 395 days (13 months is the CNIL ceiling; 182 is the default)",
            );
        }
        if self.categories.is_empty() {
            err(
                "categories".into(),
                "[]".into(),
                "is empty: declare at least the categories your page's data-category attributes name",
            );
        }
        for (i, category) in self.categories.iter().enumerate() {
            let path = format!("categories[{i}].id");
            if !is_valid_id(&category.id) {
                err(
                    path,
                    quoted(&category.id),
                    "is not a valid id: use lowercase letters, digits and '-'",
                );
            } else if self.categories[..i].iter().any(|c| c.id == category.id) {
                err(
                    path,
                    quoted(&category.id),
                    "is declared twice: give each category its own id",
                );
            }
        }
        let texts = [
            ("texts.title", &self.texts.title),
            ("texts.acceptAll", &self.texts.accept_all),
            ("texts.rejectAll", &self.texts.reject_all),
        ];
        for (path, text) in texts {
            if text.trim().is_empty() {
                err(
                    path.into(),
                    quoted(text),
                    "is empty: refusing must be as easy to find as accepting, so every control needs words (leave the key out for the default)",
                );
            }
        }
        if let Some(url) = &self.privacy_policy_url {
            if !is_safe_link(url) {
                err(
                    "privacyPolicyUrl".into(),
                    quoted(url),
                    "is not a link consent-gate will render: use an http:, https: or relative URL",
                );
            }
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
}

/// Whether `id` may name a category: lowercase ASCII letters, digits and `-`, 1 to 64 of them.
///
/// The record codec relies on this: ids never contain the characters it uses as separators, nor
/// any that a cookie value may not hold.
pub fn is_valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether a config URL may become an `href`: `http:`, `https:`, or relative (no scheme at all).
///
/// Anything else (`javascript:`, `data:`, `vbscript:`, or a scheme hidden behind control
/// characters, which browsers strip before parsing) is refused.
pub fn is_safe_link(url: &str) -> bool {
    // Browsers drop ASCII tab and newline anywhere in a URL and trim C0 controls and spaces at
    // its ends (WHATWG URL parser), so "java\tscript:" is a javascript: URL. Refuse them outright.
    if url.chars().any(|c| c.is_control()) || url.trim() != url || url.is_empty() {
        return false;
    }
    let Some(colon) = url.find(':') else {
        return true;
    };
    // A colon after the first '/', '?' or '#' is part of a relative path, query or fragment.
    if url[..colon].contains(['/', '?', '#']) {
        return true;
    }
    let scheme = url[..colon].to_ascii_lowercase();
    scheme == "http" || scheme == "https"
}

fn quoted(text: &str) -> String {
    const SHOWN: usize = 60;
    match text.char_indices().nth(SHOWN) {
        Some((end, _)) => format!("{:?}...", &text[..end]),
        None => format!("{text:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::core::testing::shop_config as config;

    fn messages(config: &Config) -> Vec<String> {
        match config.validate() {
            Ok(()) => vec![],
            Err(errors) => errors.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn a_plain_config_is_valid() {
        assert_eq!(config().validate(), Ok(()));
    }

    #[test]
    fn defaults_fill_what_the_owner_left_out() {
        let config: Config =
            serde_json::from_str(r#"{"categories":[{"id":"analytics"}]}"#).expect("decodes");
        assert_eq!(config.revision, 1);
        assert_eq!(config.expiry_days, DEFAULT_EXPIRY_DAYS);
        assert_eq!(config.texts, Texts::default());
        assert!(!config.categories[0].required);
    }

    #[test]
    fn unknown_keys_are_refused_not_ignored() {
        let err = serde_json::from_str::<Config>(r#"{"categories":[],"expiry":30}"#)
            .expect_err("unknown key");
        assert!(err.to_string().contains("unknown field `expiry`"), "{err}");
        let err = serde_json::from_str::<Config>(r#"{"categories":[{"id":"a","requried":true}]}"#)
            .expect_err("misspelt key");
        assert!(err.to_string().contains("`requried`"), "{err}");
    }

    #[test]
    fn a_bad_id_names_the_field_the_value_and_the_fix() {
        let mut config = config();
        config.categories[1].id = "Analytics".into();
        assert_eq!(
            messages(&config),
            [
                r#"categories[1].id: "Analytics" is not a valid id: use lowercase letters, digits and '-'"#
            ]
        );
    }

    #[test]
    fn a_duplicate_id_is_refused() {
        let mut config = config();
        config.categories[2].id = "analytics".into();
        assert_eq!(
            messages(&config),
            [r#"categories[2].id: "analytics" is declared twice: give each category its own id"#]
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut config = config();
        config.revision = 0;
        config.expiry_days = 400;
        config.categories[0].id = "".into();
        config.texts.reject_all = "  ".into();
        config.privacy_policy_url = Some("javascript:alert(1)".into());
        let paths: Vec<String> = config
            .validate()
            .expect_err("five problems")
            .into_iter()
            .map(|e| e.path)
            .collect();
        assert_eq!(
            paths,
            [
                "revision",
                "expiryDays",
                "categories[0].id",
                "texts.rejectAll",
                "privacyPolicyUrl"
            ]
        );
    }

    #[test]
    fn expiry_over_13_months_is_refused() {
        let mut config = config();
        config.expiry_days = MAX_EXPIRY_DAYS;
        assert_eq!(config.validate(), Ok(()));
        config.expiry_days = MAX_EXPIRY_DAYS + 1;
        assert_eq!(messages(&config).len(), 1);
        assert!(messages(&config)[0].starts_with("expiryDays: 396 is out of range"));
    }

    #[test]
    fn an_empty_reject_text_is_refused() {
        let mut config = config();
        config.texts.reject_all = String::new();
        assert!(messages(&config)[0].starts_with(r#"texts.rejectAll: "" is empty"#));
    }

    #[test]
    fn no_categories_is_refused() {
        let mut config = config();
        config.categories.clear();
        assert!(messages(&config)[0].starts_with("categories: [] is empty"));
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        let mut config = config();
        config.categories[1].id = "X".repeat(1000);
        let message = &messages(&config)[0];
        assert!(message.len() < 200, "{message}");
        assert!(message.contains("..."));
    }

    #[test]
    fn ids_are_lowercase_letters_digits_and_dashes() {
        for id in ["analytics", "a", "ads-2", "0"] {
            assert!(is_valid_id(id), "{id}");
        }
        for id in ["", "Ads", "a b", "a_b", "a.b", "a+b", "é", &"a".repeat(65)] {
            assert!(!is_valid_id(id), "{id}");
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
}
