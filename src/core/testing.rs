//! Fixtures shared by core's tests.

use crate::core::config::{Category, Config, DEFAULT_EXPIRY_DAYS, Texts};

/// The demo shop's config: a required category and two optional ones.
pub fn shop_config() -> Config {
    let category = |id: &str, required| Category {
        id: id.into(),
        required,
        title: None,
    };
    Config {
        revision: 1,
        expiry_days: DEFAULT_EXPIRY_DAYS,
        categories: vec![
            category("necessary", true),
            category("analytics", false),
            category("marketing", false),
        ],
        texts: Texts::default(),
        privacy_policy_url: Some("/privacy.html".into()),
    }
}
