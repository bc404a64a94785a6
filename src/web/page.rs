//! What both modules read from the page: the config element and the clock.

use crate::core::config::Config;
use crate::core::contract::CONFIG_ELEMENT_ID;
use web_sys::Document;

/// The site's config from its `<script type="application/json" id="consent-gate-config">`.
///
/// # Errors
/// Each problem, as a line for the console naming the element, the field and the fix.
pub fn read_config(document: &Document) -> Result<Config, Vec<String>> {
    let element = document.get_element_by_id(CONFIG_ELEMENT_ID).ok_or_else(|| {
        vec![format!(
            "no config: add <script type=\"application/json\" id=\"{CONFIG_ELEMENT_ID}\"> before the consent-gate script"
        )]
    })?;
    let text = element.text_content().unwrap_or_default();
    Config::from_json(&text).map_err(|errors| {
        errors
            .iter()
            .map(|e| format!("#{CONFIG_ELEMENT_ID} {e}"))
            .collect()
    })
}

/// Unix seconds by the browser's clock (0 if the clock reads before 1970).
pub fn now() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}
