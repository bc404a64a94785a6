//! What a visitor reads, in one language: every word resolved (the site's translation, the site's
//! own text, consent-gate's built-in text), each category's and service's title and description,
//! and the fingerprint of all of it that a consent record keeps ([`texts_hash`]).
//!
//! The views ([`crate::core::view`]) lay these words out; the record proves which were shown
//! without depending on how they are laid out.

use crate::core::config::{Config, is_safe_link};
use crate::core::i18n::{self, Text};
use crate::core::sha256;

/// The words of the interface in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words<'a> {
    /// The language they are in.
    pub language: &'a str,
    /// Whether it is written right to left.
    pub rtl: bool,
    texts: Vec<&'a str>,
}

impl<'a> Words<'a> {
    /// The interface's words in `language`. Each comes from the site's translation for that
    /// language, else (in the config's own language) the site's `texts`, else consent-gate's
    /// built-in text for the language, else the site's own text, else English.
    pub fn new(config: &'a Config, language: &'a str) -> Words<'a> {
        let own = language == config.language;
        let translation = config.translations.iter().find(|t| t.language == language);
        let site = |list: &'a [(String, String)], text: Text| {
            list.iter()
                .find(|(key, _)| key == text.key())
                .map(|(_, value)| value.as_str())
        };
        let built_in = i18n::built_in_line(language, &config.words);
        let english = i18n::built_in_line("en", "");
        let texts = Text::ALL
            .iter()
            .map(|&text| {
                let translated = translation.and_then(|t| site(&t.texts, text));
                let site_own = site(&config.texts, text);
                let built_in = built_in.and_then(|b| b.get(text));
                let english = || english.and_then(|b| b.get(text)).unwrap_or_default();
                if own {
                    translated.or(site_own).or(built_in).unwrap_or_else(english)
                } else {
                    translated.or(built_in).or(site_own).unwrap_or_else(english)
                }
            })
            .collect();
        Words {
            language,
            rtl: i18n::is_rtl(language),
            texts,
        }
    }

    /// One of the words.
    pub fn get(&self, text: Text) -> &'a str {
        self.texts.get(text as usize).copied().unwrap_or_default()
    }
}

/// Whose title and description [`item_texts`] looks up.
#[derive(Clone, Copy)]
pub(crate) enum Item {
    Category,
    Service,
}

/// A category's or service's title and description in `language`: the site's translation, else
/// its own text; the id when it has no title.
pub(crate) fn item_texts<'a>(
    config: &'a Config,
    language: &str,
    kind: Item,
    id: &'a str,
    title: &'a Option<String>,
    description: &'a Option<String>,
) -> (&'a str, &'a str) {
    let translated = config
        .translations
        .iter()
        .find(|t| t.language == language)
        .and_then(|t| {
            let list = match kind {
                Item::Category => &t.categories,
                Item::Service => &t.services,
            };
            list.iter()
                .find(|(key, _)| key == id)
                .map(|(_, texts)| texts)
        });
    let title = translated
        .and_then(|t| t.title.as_deref())
        .or(title.as_deref())
        .unwrap_or(id);
    let description = translated
        .and_then(|t| t.description.as_deref())
        .or(description.as_deref())
        .unwrap_or_default();
    (title, description)
}

/// `url` if it is a link that may be rendered (`http:`, `https:` or relative).
pub(crate) fn safe(url: &Option<String>) -> Option<&str> {
    url.as_deref().filter(|u| is_safe_link(u))
}

/// A fingerprint of everything a visitor is shown in `language` (banner, dialog, every category,
/// service and cookie row, links): stored in the record and its receipt, so the words agreed to
/// can be told apart from later ones. 16 hex digits of SHA-256 over the texts in the dialog's
/// order, each followed by U+001F.
pub fn texts_hash(config: &Config, language: &str) -> String {
    let words = Words::new(config, language);
    let mut shown = String::new();
    let mut add = |text: &str| {
        shown.push_str(text);
        shown.push('\u{1f}');
    };
    add(language);
    for text in Text::ALL {
        add(words.get(text));
    }
    add(safe(&config.privacy_policy_url).unwrap_or(""));
    for category in &config.categories {
        let (title, description) = item_texts(
            config,
            language,
            Item::Category,
            &category.id,
            &category.title,
            &category.description,
        );
        for text in [&category.id, title, description] {
            add(text);
        }
        for service in config.services.iter().filter(|s| s.category == category.id) {
            let (title, description) = item_texts(
                config,
                language,
                Item::Service,
                &service.id,
                &service.title,
                &service.description,
            );
            let provider = service.provider.as_deref().unwrap_or_default();
            for text in [&service.id, title, description, provider] {
                add(text);
            }
            add(safe(&service.privacy_policy_url).unwrap_or(""));
            for cookie in &service.cookies {
                for text in [
                    &cookie.name,
                    cookie.provider.as_deref().unwrap_or(provider),
                    cookie.purpose.as_deref().unwrap_or_default(),
                    cookie.duration.as_deref().unwrap_or_default(),
                ] {
                    add(text);
                }
            }
        }
    }
    sha256::hex(shown.as_bytes())[..16].to_owned()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::testing::{shop_config, translated};

    #[test]
    fn words_come_from_the_translation_then_built_in_then_the_site() {
        let config = translated();
        let english = Words::new(&config, "en");
        assert_eq!(english.get(Text::Title), "Cookies at Northwind");
        assert_eq!(english.get(Text::AcceptAll), "Accept all");
        let german = Words::new(&config, "de");
        assert_eq!(german.get(Text::AcceptAll), "Alles klar");
        assert_eq!(german.get(Text::RejectAll), "Alle ablehnen");
        assert_eq!(german.get(Text::Title), "Ihre Privatsphäre ist uns wichtig");
        let japanese = Words::new(&config, "ja");
        assert_eq!(japanese.get(Text::Title), "Cookies at Northwind");
        assert_eq!(japanese.get(Text::Save), "Save choices");
        assert!(!german.rtl);
        assert!(Words::new(&config, "he").rtl);
    }

    #[test]
    fn the_texts_hash_follows_what_is_shown() {
        let base = texts_hash(&shop_config(), "en");
        assert_eq!(base.len(), 16);
        assert_ne!(texts_hash(&shop_config(), "de"), base, "other words");
        let mut revised = shop_config();
        revised.revision = 2;
        assert_eq!(texts_hash(&revised, "en"), base, "not a text");
        let edits: [fn(&mut Config); 6] = [
            |c| c.texts.push(("description".into(), "Other words.".into())),
            |c| c.categories[1].title = Some("Statistics".into()),
            |c| c.services[2].provider = None,
            |c| c.services[1].cookies[0].duration = Some("13 months".into()),
            |c| c.services[1].privacy_policy_url = Some("https://policies.google.com".into()),
            |c| c.services[1].category = "marketing".into(),
        ];
        for edit in edits {
            let mut config = shop_config();
            edit(&mut config);
            assert_ne!(texts_hash(&config, "en"), base);
        }
    }

    /// Records stored before the hash moved here carry these: the same words must still give the
    /// same fingerprint (values from the hash as the views computed it, at f250092).
    #[test]
    fn the_texts_hash_is_what_earlier_releases_stored() {
        assert_eq!(texts_hash(&shop_config(), "en"), "d1a8279ac6fb29ef");
        assert_eq!(texts_hash(&shop_config(), "de"), "67d5975414077f47");
        assert_eq!(texts_hash(&translated(), "en"), "1c3dbd66c185ceca");
        assert_eq!(texts_hash(&translated(), "de"), "0c354aa4198ed1d0");
    }
}
