//! The browser's record stores: the first-party cookie (which the site's server can read) and its
//! `localStorage` mirror. Both implement core's [`RecordStore`]; either may be refused by the
//! browser, and then reads as empty and writes as an error.

use crate::core::config::CookieSettings;
use crate::core::cookie;
use crate::core::record::find_cookie;
use crate::core::store::{RecordStore, StoreError};
use crate::web::report::describe;
use wasm_bindgen::JsCast;
use web_sys::{Document, HtmlDocument, Storage, Window};

/// The consent cookie, read and written through `document.cookie`.
pub struct CookieStore {
    document: Option<HtmlDocument>,
    protocol: String,
    settings: CookieSettings,
    /// The page's host and path: where older copies of the cookie may sit.
    host: String,
    path: String,
}

impl CookieStore {
    /// The cookie store of `document`, whose page was loaded over `protocol` (`https:`, ...),
    /// for the cookie the config describes.
    pub fn new(document: &Document, protocol: String, settings: CookieSettings) -> CookieStore {
        let location = document.location();
        let read = |part: fn(&web_sys::Location) -> Result<String, wasm_bindgen::JsValue>| {
            location
                .as_ref()
                .and_then(|l| part(l).ok())
                .unwrap_or_default()
        };
        CookieStore {
            document: document.dyn_ref::<HtmlDocument>().cloned(),
            protocol,
            settings,
            host: read(web_sys::Location::hostname),
            path: read(web_sys::Location::pathname),
        }
    }

    /// Deletes every other copy of the consent cookie this page can see ([`cookie::shadows`]).
    fn delete_shadows(&self) -> Result<(), StoreError> {
        for line in cookie::shadows(&self.settings, &self.host, &self.path, &self.protocol) {
            self.assign(&line)?;
        }
        Ok(())
    }

    /// Every cookie the page can see, as `document.cookie` gives them.
    ///
    /// # Errors
    /// The browser refused to read cookies.
    pub fn header(&self) -> Result<String, StoreError> {
        let document = self
            .document
            .as_ref()
            .ok_or_else(|| Self::refused("this document has no cookies".into()))?;
        document.cookie().map_err(|e| Self::refused(describe(&e)))
    }

    /// Deletes the consent cookie (an erasure).
    ///
    /// # Errors
    /// The browser refused to write cookies.
    pub fn erase(&self) -> Result<(), StoreError> {
        self.delete_shadows()?;
        self.assign(&cookie::assignment(&self.settings, "", 0, &self.protocol))
    }

    /// Writes one `document.cookie` assignment (a deletion, when purging).
    ///
    /// # Errors
    /// The browser refused to write cookies.
    pub fn assign(&self, assignment: &str) -> Result<(), StoreError> {
        let document = self
            .document
            .as_ref()
            .ok_or_else(|| Self::refused("this document has no cookies".into()))?;
        document
            .set_cookie(assignment)
            .map_err(|e| Self::refused(describe(&e)))
    }

    fn refused(reason: String) -> StoreError {
        StoreError {
            store: "cookie",
            reason,
        }
    }
}

impl RecordStore for CookieStore {
    fn load(&self) -> Result<Option<String>, StoreError> {
        Ok(find_cookie(&self.header()?, &self.settings.name).map(str::to_owned))
    }

    fn save(&self, value: &str, max_age_secs: u64) -> Result<(), StoreError> {
        self.delete_shadows()?;
        self.assign(&cookie::assignment(
            &self.settings,
            value,
            max_age_secs,
            &self.protocol,
        ))?;
        // With cookies disabled the assignment is dropped without an error: read it back.
        if self.load()?.as_deref() == Some(value) {
            Ok(())
        } else {
            Err(Self::refused(
                "the browser did not keep the cookie (cookies disabled?)".into(),
            ))
        }
    }
}

/// The `localStorage` mirror of the consent cookie.
pub struct LocalStore {
    storage: Result<Storage, String>,
    key: String,
}

impl LocalStore {
    /// The window's `localStorage`. Merely reading `window.localStorage` throws `SecurityError`
    /// when the visitor blocks site data, so it is probed once here and the refusal kept.
    /// The record is kept under `key`.
    pub fn new(window: &Window, key: String) -> LocalStore {
        let storage = match window.local_storage() {
            Ok(Some(storage)) => Ok(storage),
            Ok(None) => Err("this browser has no localStorage".into()),
            Err(e) => Err(describe(&e)),
        };
        LocalStore { storage, key }
    }

    fn storage(&self) -> Result<&Storage, StoreError> {
        self.storage.as_ref().map_err(|reason| StoreError {
            store: "localStorage",
            reason: reason.clone(),
        })
    }

    /// The item `key` (for other keys than the record's, such as the receipt outbox).
    ///
    /// # Errors
    /// The browser refused to read storage.
    pub fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.storage()?.get_item(key).map_err(refused)
    }

    /// Writes the item `key`.
    ///
    /// # Errors
    /// The browser refused to write storage (blocked, or quota).
    pub fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.storage()?.set_item(key, value).map_err(refused)
    }

    /// Removes the stored record (an erasure).
    ///
    /// # Errors
    /// The browser refused to write storage.
    pub fn erase(&self) -> Result<(), StoreError> {
        self.storage()?.remove_item(&self.key).map_err(refused)
    }

    /// Every key in `localStorage` now.
    ///
    /// # Errors
    /// The browser refused to read storage.
    pub fn keys(&self) -> Result<Vec<String>, StoreError> {
        let storage = self.storage()?;
        let length = storage.length().map_err(refused)?;
        Ok((0..length)
            .filter_map(|i| storage.key(i).ok().flatten())
            .collect())
    }

    /// Removes `key`.
    ///
    /// # Errors
    /// The browser refused to write storage.
    pub fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.storage()?.remove_item(key).map_err(refused)
    }
}

fn refused(e: wasm_bindgen::JsValue) -> StoreError {
    StoreError {
        store: "localStorage",
        reason: describe(&e),
    }
}

impl RecordStore for LocalStore {
    fn load(&self) -> Result<Option<String>, StoreError> {
        self.storage()?.get_item(&self.key).map_err(refused)
    }

    fn save(&self, value: &str, _max_age_secs: u64) -> Result<(), StoreError> {
        // No expiry here: the record carries its own timestamp, and core voids it when old.
        self.storage()?.set_item(&self.key, value).map_err(refused)
    }
}
