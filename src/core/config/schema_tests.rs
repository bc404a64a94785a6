//! consent-gate.schema.json is the one description of the config's keys: the decoder, the
//! TypeScript type and README's table are held to it here, so that none of them can drift.

use super::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;

const SCHEMA: &str = include_str!("../../../consent-gate.schema.json");
const DECODER: &str = include_str!("decode.rs");
const TYPESCRIPT: &str = include_str!("../../web/consent_gate.d.ts");
const README: &str = include_str!("../../../README.md");

fn schema() -> Value {
    serde_json::from_str(SCHEMA).expect("the schema is JSON")
}

/// Every property name in the schema, nested ones included, except the text keys of `texts` and
/// `translations` (those are i18n's, checked apart).
fn schema_keys(node: &Value, out: &mut BTreeSet<String>) {
    if let Some(properties) = node.get("properties").and_then(Value::as_object) {
        for (key, child) in properties {
            let texts = node
                .get("properties")
                .and_then(|p| p.get("acceptAll"))
                .is_some();
            if !texts || matches!(key.as_str(), "categories" | "services") {
                out.insert(key.clone());
            }
            schema_keys(child, out);
        }
    }
    for nested in ["items", "additionalProperties"] {
        if let Some(child) = node.get(nested).filter(|c| c.is_object()) {
            schema_keys(child, out);
        }
    }
    for list in ["oneOf", "anyOf"] {
        for child in node
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            schema_keys(child, out);
        }
    }
}

/// The keys the decoder asks for, read from its source: `field("…")`.
fn decoder_keys() -> BTreeSet<String> {
    DECODER
        .split("field(\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

fn minimal() -> Value {
    json!({ "categories": [{ "id": "necessary", "required": true }, { "id": "analytics" }] })
}

fn decodes(config: &Value) -> Result<Config, Vec<ConfigError>> {
    Config::from_json(&config.to_string())
}

#[test]
fn the_decoder_reads_exactly_the_keys_the_schema_describes() {
    let mut keys = BTreeSet::new();
    schema_keys(&schema(), &mut keys);
    assert_eq!(keys, decoder_keys());
    let texts: BTreeSet<String> = schema()["properties"]["texts"]["properties"]
        .as_object()
        .expect("texts has properties")
        .keys()
        .cloned()
        .collect();
    let known: BTreeSet<String> = crate::core::i18n::KEYS
        .iter()
        .map(|k| (*k).to_owned())
        .collect();
    assert_eq!(texts, known);
}

#[test]
fn every_default_the_schema_states_decodes_and_is_the_decoders() {
    let schema = schema();
    let top = schema["properties"].as_object().expect("properties");
    let decoded_default = decodes(&minimal()).expect("the minimal config is valid");
    for (key, property) in top {
        let Some(default) = property.get("default") else {
            continue;
        };
        let mut config = minimal();
        config[key] = default.clone();
        let with_default = decodes(&config).unwrap_or_else(|e| panic!("{key}: {e:?}"));
        assert_eq!(
            with_default, decoded_default,
            "{key}'s default is not the decoder's"
        );
    }
}

#[test]
fn every_enum_value_decodes_and_nothing_else_does() {
    let schema = schema();
    let signals =
        &schema["properties"]["categories"]["items"]["properties"]["consentMode"]["items"]["enum"];
    type Placed = Box<dyn Fn(&Value) -> Value>;
    let cases: Vec<(&Value, Placed)> = vec![
        (
            &schema["properties"]["layout"]["enum"],
            Box::new(|v| json!({ "layout": v })),
        ),
        (
            &schema["properties"]["theme"]["enum"],
            Box::new(|v| json!({ "theme": v })),
        ),
        (
            &schema["properties"]["gpc"]["properties"]["mode"]["enum"],
            Box::new(|v| json!({ "gpc": { "mode": v } })),
        ),
        (
            &schema["properties"]["cookie"]["properties"]["sameSite"]["enum"],
            Box::new(|v| json!({ "cookie": { "sameSite": v, "name": "c" } })),
        ),
    ];
    let with = |extra: Value| {
        let mut config = minimal();
        for (k, v) in extra.as_object().expect("an object") {
            config[k] = v.clone();
        }
        config
    };
    for (values, build) in &cases {
        let values = values.as_array().expect("an enum");
        assert!(!values.is_empty());
        for value in values {
            let config = with(build(value));
            // sameSite none needs a Secure cookie, which the page's protocol decides: decoding is what is checked.
            assert!(decodes(&config).is_ok() || value == "none", "{config}");
        }
        assert!(decodes(&with(build(&json!("not-one-of-them")))).is_err());
    }
    for signal in signals.as_array().expect("signals") {
        let mut config = minimal();
        config["categories"][1]["consentMode"] = json!([signal]);
        assert!(decodes(&config).is_ok(), "{signal}");
    }
    let mut config = minimal();
    config["categories"][1]["consentMode"] = json!(["analytics"]);
    assert!(decodes(&config).is_err());
}

#[test]
fn the_schemas_limits_are_cores() {
    let schema = schema();
    let p = &schema["properties"];
    assert_eq!(p["categories"]["maxItems"], json!(MAX_CATEGORIES));
    assert_eq!(p["services"]["maxItems"], json!(MAX_SERVICES));
    assert_eq!(
        p["categories"]["items"]["properties"]["id"]["maxLength"],
        json!(MAX_ID_LEN)
    );
    assert_eq!(p["expiryDays"]["maximum"], json!(MAX_EXPIRY_DAYS));
    assert_eq!(p["expiryDays"]["default"], json!(DEFAULT_EXPIRY_DAYS));
    let mut config = minimal();
    config["expiryDays"] = json!(MAX_EXPIRY_DAYS);
    assert!(decodes(&config).is_ok());
    config["expiryDays"] = json!(MAX_EXPIRY_DAYS + 1);
    assert!(decodes(&config).is_err());
    let too_many: Vec<Value> = (0..=MAX_CATEGORIES)
        .map(|i| json!({ "id": format!("c{i}") }))
        .collect();
    let mut config = minimal();
    config["categories"] = Value::Array(too_many);
    assert!(decodes(&config).is_err());
}

#[test]
fn the_typescript_type_and_the_readme_table_name_every_top_level_key() {
    let schema = schema();
    let keys: BTreeSet<String> = schema["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .cloned()
        .collect();
    let start = TYPESCRIPT
        .find("export interface ConsentGateConfig {")
        .expect("the config type");
    let body = &TYPESCRIPT[start..];
    let body = &body[..body.find("\n}\n").expect("its end")];
    let typed: BTreeSet<String> = body
        .lines()
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .filter_map(|line| line.trim().split(['?', ':']).next())
        .filter(|key| !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '$'))
        .map(str::to_owned)
        .collect();
    assert_eq!(
        typed, keys,
        "ConsentGateConfig in src/web/consent_gate.d.ts"
    );
    let section = &README[README.find("### Config keys").expect("the section")..];
    let table = &section[..section
        .find("The config is JSON")
        .expect("the text after the table")];
    for key in keys.iter().filter(|k| *k != "$schema") {
        assert!(
            table.contains(&format!("| `{key}`")) || table.contains(&format!("| `{key}.")),
            "README's config table has no row for {key}"
        );
    }
}
