//! The receipt outbox: receipts that could not be delivered to the config's `logEndpoint` wait
//! here (in `localStorage`) and are sent again on the next page view. It is bounded: past
//! [`MAX_RECEIPTS`] the oldest are dropped, so a site whose endpoint is down does not fill the
//! visitor's storage.
//!
//! Stored as one receipt per line (receipts are single-line JSON objects).

/// Most receipts kept waiting.
pub const MAX_RECEIPTS: usize = 20;

/// The receipts waiting in `stored`, oldest first; lines that are not JSON objects are dropped.
pub fn entries(stored: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in crate::core::split(stored, b'\n') {
        if line.starts_with('{') && line.ends_with('}') {
            out.push(line);
        }
    }
    out
}

/// `stored` with `receipt` added at the end (and the oldest dropped past the bound).
pub fn push(stored: &str, receipt: &str) -> String {
    let mut list = entries(stored);
    list.push(receipt);
    let skip = list.len().saturating_sub(MAX_RECEIPTS);
    crate::core::join(&list[skip..], "\n")
}

/// `stored` without (one copy of) `receipt`, once it was delivered.
pub fn remove(stored: &str, receipt: &str) -> String {
    let mut list = entries(stored);
    if let Some(i) = list.iter().position(|r| *r == receipt) {
        list.remove(i);
    }
    crate::core::join(&list, "\n")
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn receipts_wait_in_order_and_leave_when_delivered() {
        let stored = push("", r#"{"a":1}"#);
        let stored = push(&stored, r#"{"b":2}"#);
        assert_eq!(entries(&stored), [r#"{"a":1}"#, r#"{"b":2}"#]);
        assert_eq!(entries(&remove(&stored, r#"{"a":1}"#)), [r#"{"b":2}"#]);
        assert_eq!(remove(&stored, r#"{"c":3}"#), stored);
    }

    #[test]
    fn the_outbox_is_bounded_and_ignores_garbage() {
        let mut stored = String::from("garbage\n{broken");
        for i in 0..30 {
            stored = push(&stored, &format!("{{\"n\":{i}}}"));
        }
        let list = entries(&stored);
        assert_eq!(list.len(), MAX_RECEIPTS);
        assert_eq!(list[0], r#"{"n":10}"#);
        assert_eq!(list[19], r#"{"n":29}"#);
    }
}
