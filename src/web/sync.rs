//! Cross-tab sync: a decision stored in one tab applies to the site's other open tabs without a
//! reload. The deciding tab posts the stored value on a `BroadcastChannel`; where that is missing,
//! the `storage` event of the record's `localStorage` mirror carries it. Core decides what the
//! value means here ([`crate::core::consent::Consent::adopt`]).

use crate::web::ui::Listener;
use wasm_bindgen::JsCast;
use web_sys::{BroadcastChannel, MessageEvent, StorageEvent, Window};

/// The channel and listeners; dropping it stops listening.
pub struct TabSync {
    channel: Option<BroadcastChannel>,
    _listeners: Vec<Listener>,
}

impl TabSync {
    /// Listens for values of the record stored under `key` by other tabs.
    pub fn new(window: &Window, key: &str, on_value: impl Fn(String) + Clone + 'static) -> TabSync {
        let mut listeners = Vec::new();
        let channel = BroadcastChannel::new(&format!("consent-gate:{key}")).ok();
        if let Some(channel) = &channel {
            let on_value = on_value.clone();
            if let Ok(listener) = Listener::new(channel, "message", false, move |event| {
                if let Some(value) = event
                    .dyn_ref::<MessageEvent>()
                    .and_then(|m| m.data().as_string())
                {
                    on_value(value);
                }
            }) {
                listeners.push(listener);
            }
        }
        let key = key.to_owned();
        if let Ok(listener) = Listener::new(window, "storage", false, move |event| {
            let Some(event) = event.dyn_ref::<StorageEvent>() else {
                return;
            };
            if event.key().as_deref() == Some(key.as_str()) {
                if let Some(value) = event.new_value() {
                    on_value(value);
                }
            }
        }) {
            listeners.push(listener);
        }
        TabSync {
            channel,
            _listeners: listeners,
        }
    }

    /// Tells the other tabs about a newly stored value.
    pub fn post(&self, value: &str) {
        if let Some(channel) = &self.channel {
            let _ = channel.post_message(&value.into());
        }
    }
}

impl Drop for TabSync {
    fn drop(&mut self) {
        if let Some(channel) = &self.channel {
            channel.close();
        }
    }
}
