//! Where consent records are kept: a trait the browser stores implement (cookie, localStorage),
//! an in-memory store for tests and for browsers that refuse storage, and the rule for writing
//! to several stores at once.
//!
//! The browser can refuse any store at any time (`SecurityError` when site data is blocked,
//! `QuotaExceededError`, cookies disabled). A refusal is a [`StoreError`], never a panic: the
//! decision still holds for the page view, and the visitor is asked again on the next one.

use std::cell::RefCell;
use std::fmt;

/// A store that refused to read or write, with the browser's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    /// Which store: `cookie`, `localStorage`, ...
    pub store: &'static str,
    /// What the browser said.
    pub reason: String,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} refused: {}", self.store, self.reason)
    }
}

/// One place that holds an encoded consent record.
pub trait RecordStore {
    /// The stored value, `None` if there is none.
    ///
    /// # Errors
    /// The browser refused to read.
    fn load(&self) -> Result<Option<String>, StoreError>;

    /// Replaces the stored value; it should expire after `max_age_secs` where the store can.
    ///
    /// # Errors
    /// The browser refused to write, or did not keep what was written.
    fn save(&self, value: &str, max_age_secs: u64) -> Result<(), StoreError>;
}

/// A store that lives as long as the page: for tests, and the last resort when the browser
/// refuses every other.
#[derive(Debug, Default)]
pub struct MemoryStore {
    value: RefCell<Option<String>>,
}

impl RecordStore for MemoryStore {
    fn load(&self) -> Result<Option<String>, StoreError> {
        Ok(self.value.borrow().clone())
    }

    fn save(&self, value: &str, _max_age_secs: u64) -> Result<(), StoreError> {
        *self.value.borrow_mut() = Some(value.to_owned());
        Ok(())
    }
}

/// What each store holds, in order; a store that failed to read counts as empty.
pub fn load_each(stores: &[&dyn RecordStore]) -> (Vec<Option<String>>, Vec<StoreError>) {
    let mut errors = Vec::new();
    let values = stores
        .iter()
        .map(|store| {
            store.load().unwrap_or_else(|e| {
                errors.push(e);
                None
            })
        })
        .collect();
    (values, errors)
}

/// Writes `value` to every store.
///
/// # Errors
/// The refusals, when *every* store refused: the decision then holds for this page view only.
/// Partial refusals are returned beside `Ok` so they can be reported.
pub fn save_each(
    stores: &[&dyn RecordStore],
    value: &str,
    max_age_secs: u64,
) -> Result<Vec<StoreError>, Vec<StoreError>> {
    let errors: Vec<StoreError> = stores
        .iter()
        .filter_map(|store| store.save(value, max_age_secs).err())
        .collect();
    if errors.len() == stores.len() && !stores.is_empty() {
        Err(errors)
    } else {
        Ok(errors)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    struct Refusing;

    impl RecordStore for Refusing {
        fn load(&self) -> Result<Option<String>, StoreError> {
            Err(StoreError {
                store: "refusing",
                reason: "SecurityError".into(),
            })
        }
        fn save(&self, _: &str, _: u64) -> Result<(), StoreError> {
            Err(StoreError {
                store: "refusing",
                reason: "QuotaExceededError".into(),
            })
        }
    }

    #[test]
    fn memory_store_keeps_the_last_value() {
        let store = MemoryStore::default();
        assert_eq!(store.load(), Ok(None));
        store.save("a", 1).expect("memory never refuses");
        store.save("b", 1).expect("memory never refuses");
        assert_eq!(store.load(), Ok(Some("b".into())));
    }

    #[test]
    fn a_refusing_store_reads_as_empty_and_is_reported() {
        let memory = MemoryStore::default();
        memory.save("1.1.1.", 1).expect("memory never refuses");
        let (values, errors) = load_each(&[&Refusing, &memory]);
        assert_eq!(values, [None, Some("1.1.1.".into())]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].to_string(), "refusing refused: SecurityError");
    }

    #[test]
    fn saving_succeeds_while_one_store_keeps_the_value() {
        let memory = MemoryStore::default();
        let partial = save_each(&[&Refusing, &memory], "v", 1).expect("memory kept it");
        assert_eq!(partial.len(), 1);
        assert_eq!(memory.load(), Ok(Some("v".into())));
    }

    #[test]
    fn saving_fails_only_when_every_store_refuses() {
        let errors = save_each(&[&Refusing, &Refusing], "v", 1).expect_err("all refused");
        assert_eq!(errors.len(), 2);
    }
}
