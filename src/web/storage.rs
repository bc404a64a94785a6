//! The browser's record stores: the first-party cookie (which the site's server can read) and its
//! `localStorage` mirror. Both implement core's [`RecordStore`]; either may be refused by the
//! browser, and then reads as empty and writes as an error.

use crate::core::contract::{COOKIE_NAME, STORAGE_KEY};
use crate::core::record::{cookie_assignment, find_cookie};
use crate::core::store::{RecordStore, StoreError};
use crate::web::report::describe;
use wasm_bindgen::JsCast;
use web_sys::{Document, HtmlDocument, Storage, Window};

/// The consent cookie, read and written through `document.cookie`.
pub struct CookieStore {
    document: Option<HtmlDocument>,
    protocol: String,
}

impl CookieStore {
    /// The cookie store of `document`, whose page was loaded over `protocol` (`https:`, ...).
    pub fn new(document: &Document, protocol: String) -> CookieStore {
        CookieStore {
            document: document.dyn_ref::<HtmlDocument>().cloned(),
            protocol,
        }
    }

    fn refused(reason: String) -> StoreError {
        StoreError {
            store: "cookie",
            reason,
        }
    }

    fn header(&self) -> Result<String, StoreError> {
        let document = self
            .document
            .as_ref()
            .ok_or_else(|| Self::refused("this document has no cookies".into()))?;
        document.cookie().map_err(|e| Self::refused(describe(&e)))
    }
}

impl RecordStore for CookieStore {
    fn load(&self) -> Result<Option<String>, StoreError> {
        Ok(find_cookie(&self.header()?, COOKIE_NAME).map(str::to_owned))
    }

    fn save(&self, value: &str, max_age_secs: u64) -> Result<(), StoreError> {
        let document = self
            .document
            .as_ref()
            .ok_or_else(|| Self::refused("this document has no cookies".into()))?;
        let assignment = cookie_assignment(COOKIE_NAME, value, max_age_secs, &self.protocol);
        document
            .set_cookie(&assignment)
            .map_err(|e| Self::refused(describe(&e)))?;
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
}

impl LocalStore {
    /// The window's `localStorage`. Merely reading `window.localStorage` throws `SecurityError`
    /// when the visitor blocks site data, so it is probed once here and the refusal kept.
    pub fn new(window: &Window) -> LocalStore {
        let storage = match window.local_storage() {
            Ok(Some(storage)) => Ok(storage),
            Ok(None) => Err("this browser has no localStorage".into()),
            Err(e) => Err(describe(&e)),
        };
        LocalStore { storage }
    }

    fn storage(&self) -> Result<&Storage, StoreError> {
        self.storage.as_ref().map_err(|reason| StoreError {
            store: "localStorage",
            reason: reason.clone(),
        })
    }
}

impl RecordStore for LocalStore {
    fn load(&self) -> Result<Option<String>, StoreError> {
        self.storage()?
            .get_item(STORAGE_KEY)
            .map_err(|e| StoreError {
                store: "localStorage",
                reason: describe(&e),
            })
    }

    fn save(&self, value: &str, _max_age_secs: u64) -> Result<(), StoreError> {
        // No expiry here: the record carries its own timestamp, and core voids it when old.
        self.storage()?
            .set_item(STORAGE_KEY, value)
            .map_err(|e| StoreError {
                store: "localStorage",
                reason: describe(&e),
            })
    }
}
