//! The preset catalog (`presets/catalog.json`) and its resolution: a config's
//! `{ "preset": "meta-pixel", … }` becomes the preset's service with the config's own fields over
//! it. Presets are resolved here and in the builder, before the page: the modules never carry the
//! catalog, so a site that names no preset pays nothing for it.

use consent_gate::core::config::ConfigError;
use consent_gate::core::config::decode::suggest;
use serde_json::{Map, Value};

/// The catalog as the repository holds it.
pub const CATALOG: &str = include_str!("../../../presets/catalog.json");

/// One preset: its id, a name for people choosing, and the service it stands for.
pub struct Preset {
    pub id: String,
    pub name: String,
    pub service: Map<String, Value>,
}

/// Every preset, in the catalog's order.
pub fn catalog() -> Vec<Preset> {
    let parsed: Value = serde_json::from_str(CATALOG).unwrap_or(Value::Null);
    let presets = parsed.get("presets").and_then(Value::as_array);
    presets
        .into_iter()
        .flatten()
        .filter_map(|preset| {
            Some(Preset {
                id: preset.get("preset")?.as_str()?.to_owned(),
                name: preset.get("name")?.as_str()?.to_owned(),
                service: preset.get("service")?.as_object()?.clone(),
            })
        })
        .collect()
}

/// The config text with every preset resolved; the text itself when it names none, so that a
/// config without presets is decoded (and its errors placed) exactly as the page would.
pub fn resolve_text(text: &str) -> Result<String, Vec<ConfigError>> {
    let Ok(mut config) = serde_json::from_str::<Value>(text) else {
        return Ok(text.to_owned());
    };
    if !resolve(&mut config)? {
        return Ok(text.to_owned());
    }
    serde_json::to_string_pretty(&config).map_err(|e| vec![error("", "", e.to_string())])
}

/// Replaces each `services[i]` that names a preset by the preset's service, the entry's other
/// fields replacing the preset's; `Ok(false)` when no entry names one.
pub fn resolve(config: &mut Value) -> Result<bool, Vec<ConfigError>> {
    let Some(services) = config.get_mut("services").and_then(Value::as_array_mut) else {
        return Ok(false);
    };
    let catalog = catalog();
    let ids: Vec<&str> = catalog.iter().map(|p| p.id.as_str()).collect();
    let mut errors = Vec::new();
    let mut any = false;
    for (i, entry) in services.iter_mut().enumerate() {
        let Some(fields) = entry.as_object() else {
            continue;
        };
        let Some(named) = fields.get("preset") else {
            continue;
        };
        any = true;
        let path = format!("services[{i}].preset");
        let Some(name) = named.as_str() else {
            errors.push(error(
                &path,
                &named.to_string(),
                "is not text: write a preset's id",
            ));
            continue;
        };
        let Some(preset) = catalog.iter().find(|p| p.id == name) else {
            let fix = match suggest(name, &ids) {
                Some(near) => format!("is not a preset (did you mean \"{near}\"?)"),
                None => format!("is not a preset: the presets are {}", ids.join(", ")),
            };
            errors.push(error(&path, &format!("\"{name}\""), fix));
            continue;
        };
        let mut service = preset.service.clone();
        for (key, value) in fields {
            if key != "preset" {
                service.insert(key.clone(), value.clone());
            }
        }
        *entry = Value::Object(service);
    }
    if errors.is_empty() {
        Ok(any)
    } else {
        Err(errors)
    }
}

fn error(path: &str, value: &str, fix: impl Into<String>) -> ConfigError {
    ConfigError {
        path: path.into(),
        value: value.into(),
        fix: fix.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use consent_gate::core::config::Config;

    /// The four categories the builder starts from, which the presets' defaults name.
    const CATEGORIES: &str = r#"[
        { "id": "necessary", "required": true },
        { "id": "functional" },
        { "id": "analytics", "consentMode": ["analytics_storage"] },
        { "id": "marketing", "consentMode": ["ad_storage", "ad_user_data", "ad_personalization"] }
    ]"#;

    fn config_with(services: &str) -> String {
        format!(r#"{{ "categories": {CATEGORIES}, "services": {services} }}"#)
    }

    #[test]
    fn the_catalog_has_what_the_issue_names_each_with_its_sources() {
        let parsed: Value = serde_json::from_str(CATALOG).expect("the catalog is JSON");
        let presets = parsed["presets"].as_array().expect("a list");
        assert_eq!(
            presets.len(),
            catalog().len(),
            "every entry has an id, name, service"
        );
        for wanted in [
            "ga4",
            "google-ads",
            "gtm",
            "google-maps",
            "recaptcha",
            "youtube",
            "meta-pixel",
            "instagram",
            "microsoft-uet",
            "microsoft-clarity",
            "linkedin-insight",
            "tiktok-pixel",
            "pinterest-tag",
            "hotjar",
            "matomo",
            "brevo",
            "zapier",
            "freshdesk",
            "intercom",
            "hubspot",
            "vimeo",
            "stripe",
        ] {
            assert!(catalog().iter().any(|p| p.id == wanted), "{wanted} missing");
        }
        for preset in presets {
            let id = preset["preset"].as_str().unwrap_or_default();
            assert_eq!(preset["service"]["id"], preset["preset"], "{id}");
            // Every fact the service states names the page it comes from.
            for fact in [
                "provider",
                "privacyPolicyUrl",
                "cookies",
                "urls",
                "consentMode",
            ] {
                let stated = &preset["service"][fact];
                let stated = !stated.is_null() && stated.as_array().is_none_or(|a| !a.is_empty());
                let source = preset["sources"][fact].as_str().unwrap_or_default();
                if stated {
                    assert!(source.starts_with("https://"), "{id}: {fact} has no source");
                }
            }
            assert!(
                preset["sources"]["cookies"]
                    .as_str()
                    .is_some_and(|s| s.starts_with("https://")),
                "{id}: where its cookies (or their absence) are documented"
            );
            for cookie in preset["service"]["cookies"]
                .as_array()
                .into_iter()
                .flatten()
            {
                assert!(cookie["duration"].is_string(), "{id}: {cookie}");
                assert!(cookie["purpose"].is_string(), "{id}: {cookie}");
            }
        }
    }

    #[test]
    fn readme_lists_every_preset() {
        let readme = include_str!("../../../README.md");
        for preset in catalog() {
            let category = preset.service["category"].as_str().unwrap_or_default();
            let row = format!("| `{}` | {} |", preset.id, preset.name);
            assert!(readme.contains(&row), "README's presets table: {row}");
            assert!(
                readme
                    .lines()
                    .any(|l| l.starts_with(&row) && l.ends_with(&format!("| `{category}` |"))),
                "{} in README with its category",
                preset.id
            );
        }
    }

    #[test]
    fn every_preset_is_a_valid_service_alone_and_all_together() {
        for preset in catalog() {
            let text = config_with(&format!(r#"[{{ "preset": "{}" }}]"#, preset.id));
            let resolved = resolve_text(&text).expect("resolves");
            let config = Config::from_json(&resolved);
            assert!(config.is_ok(), "{}: {:?}", preset.id, config.err());
        }
        let all: Vec<String> = catalog()
            .iter()
            .map(|p| format!(r#"{{ "preset": "{}" }}"#, p.id))
            .collect();
        let text = config_with(&format!("[{}]", all.join(",")));
        let config = Config::from_json(&resolve_text(&text).expect("resolves"));
        assert!(config.is_ok(), "{:?}", config.err());
    }

    #[test]
    fn the_config_s_fields_replace_the_preset_s() {
        let text = config_with(
            r#"[{ "preset": "matomo", "category": "necessary", "urls": ["stats.shop.example"] }]"#,
        );
        let config = Config::from_json(&resolve_text(&text).expect("resolves")).expect("valid");
        let service = &config.services[0];
        assert_eq!(service.id, "matomo");
        assert_eq!(service.category, "necessary");
        assert_eq!(service.urls, ["stats.shop.example"]);
        assert!(service.cookies.iter().any(|c| c.name == "_pk_id.*"));
    }

    #[test]
    fn a_config_without_presets_is_left_as_written() {
        let text = config_with(r#"[{ "id": "x", "category": "analytics" }]"#);
        assert_eq!(resolve_text(&text).expect("nothing to do"), text);
        assert_eq!(resolve_text("{ not json").expect("left"), "{ not json");
    }

    #[test]
    fn an_unknown_preset_is_named_with_the_nearest() {
        let text = config_with(r#"[{ "preset": "meta-pixle" }, { "preset": 3 }]"#);
        let errors = resolve_text(&text).expect_err("refused");
        assert_eq!(errors[0].path, "services[0].preset");
        assert!(
            errors[0].fix.contains("did you mean \"meta-pixel\""),
            "{}",
            errors[0].fix
        );
        assert_eq!(errors[1].path, "services[1].preset");
    }
}
