//! The consent record: what a visitor decided, and its encoding in one cookie value.
//!
//! Format version 1, `.`-separated, every part restricted to cookie-safe characters:
//!
//! ```text
//! 1.<revision>.<decided-at, Unix seconds>.<granted optional category ids, '+'-separated>
//! 1.3.1763780000.analytics+marketing
//! 1.3.1763780000.                         (refused everything optional)
//! ```
//!
//! Refusals are stored too (CNIL): a visitor who refused is not asked again until the record
//! expires or the site bumps its revision. Required categories are never stored: they are granted
//! by the config, not by the visitor.
//!
//! [`decode`] never panics and accepts only what [`encode`] writes; anything else (truncated,
//! tampered, a future version) is "no decision", and the visitor is asked again.

use crate::core::config::is_valid_id;

/// Leading part of every record this version writes.
pub const FORMAT_VERSION: &str = "1";

/// The longest value [`decode`] reads: a cookie's name and value together stay under 4,096 bytes.
pub const MAX_ENCODED_LEN: usize = 4000;

/// One visitor's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The config revision the visitor saw.
    pub revision: u32,
    /// When the visitor decided, in Unix seconds.
    pub decided_at: u64,
    /// The optional categories the visitor granted; every other optional category was refused.
    pub granted: Vec<String>,
}

/// The record as one cookie-safe string.
pub fn encode(record: &Record) -> String {
    format!(
        "{FORMAT_VERSION}.{}.{}.{}",
        record.revision,
        record.decided_at,
        record.granted.join("+")
    )
}

/// Reads what [`encode`] wrote; `None` for anything else.
pub fn decode(value: &str) -> Option<Record> {
    if value.len() > MAX_ENCODED_LEN {
        return None;
    }
    let mut parts = value.split('.');
    let (Some(version), Some(revision), Some(decided_at), Some(granted), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    if version != FORMAT_VERSION {
        return None;
    }
    let granted: Vec<String> = if granted.is_empty() {
        Vec::new()
    } else {
        granted.split('+').map(str::to_owned).collect()
    };
    if !granted.iter().all(|id| is_valid_id(id)) {
        return None;
    }
    Some(Record {
        revision: parse_decimal(revision)?,
        decided_at: parse_decimal(decided_at)?,
        granted,
    })
}

/// Digits only: `str::parse` would also take a leading `+`, which [`encode`] never writes.
fn parse_decimal<T: std::str::FromStr>(digits: &str) -> Option<T> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The value of cookie `name` in a `document.cookie` / `Cookie:` header string.
///
/// When the same name appears twice (a host-only and a domain cookie), browsers list the one with
/// the longer path first; the first is the one the page sees, so it is the one returned.
pub fn find_cookie<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key.trim() == name).then(|| value.trim())
    })
}

/// The `document.cookie` assignment that stores `value` for `max_age_secs` on a page whose
/// `location.protocol` is `page_protocol`.
///
/// First-party, `Path=/`, `SameSite=Lax`; `Secure` on https so the cookie is never sent in clear.
pub fn cookie_assignment(
    name: &str,
    value: &str,
    max_age_secs: u64,
    page_protocol: &str,
) -> String {
    let secure = if page_protocol == "https:" {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={value}; Max-Age={max_age_secs}; Path=/; SameSite=Lax{secure}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(granted: &[&str]) -> Record {
        Record {
            revision: 3,
            decided_at: 1_763_780_000,
            granted: granted.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn encodes_as_documented() {
        assert_eq!(
            encode(&record(&["analytics", "marketing"])),
            "1.3.1763780000.analytics+marketing"
        );
        assert_eq!(encode(&record(&[])), "1.3.1763780000.");
    }

    #[test]
    fn round_trips() {
        for granted in [
            &[][..],
            &["analytics"],
            &["analytics", "marketing", "ads-2"],
        ] {
            let r = record(granted);
            assert_eq!(decode(&encode(&r)), Some(r));
        }
    }

    #[test]
    fn anything_else_is_no_decision() {
        for value in [
            "",
            "1",
            "1.3.1763780000",
            "1.3.1763780000.analytics.extra",
            "2.3.1763780000.analytics",
            "1.-3.1763780000.",
            "1.+3.1763780000.",
            "1.3.17637800x0.",
            "1..1763780000.",
            "1.3.1763780000.Analytics",
            "1.3.1763780000.analytics+",
            "1.3.1763780000.+",
            "1.99999999999.1763780000.",
            "1.3.99999999999999999999999.",
            "%31.3.1763780000.",
            "<script>.3.1.",
        ] {
            assert_eq!(decode(value), None, "{value:?}");
        }
    }

    #[test]
    fn oversized_values_are_not_read() {
        let long = format!("1.3.1.{}", vec!["a"; 2100].join("+"));
        assert!(long.len() > MAX_ENCODED_LEN);
        assert_eq!(decode(&long), None);
    }

    #[test]
    fn finds_a_cookie_among_others() {
        let header = "_ga=GA1.1.5; consent_gate=1.3.9.analytics;theme=dark";
        assert_eq!(find_cookie(header, "consent_gate"), Some("1.3.9.analytics"));
        assert_eq!(find_cookie(header, "theme"), Some("dark"));
        assert_eq!(find_cookie(header, "consent"), None);
        assert_eq!(find_cookie("", "consent_gate"), None);
        assert_eq!(find_cookie("consent_gate_old=x", "consent_gate"), None);
    }

    #[test]
    fn the_first_of_two_same_name_cookies_wins() {
        assert_eq!(find_cookie("a=1; a=2", "a"), Some("1"));
    }

    #[test]
    fn cookie_is_first_party_lax_and_secure_on_https() {
        assert_eq!(
            cookie_assignment("consent_gate", "1.3.9.", 60, "https:"),
            "consent_gate=1.3.9.; Max-Age=60; Path=/; SameSite=Lax; Secure"
        );
        assert_eq!(
            cookie_assignment("consent_gate", "1.3.9.", 60, "http:"),
            "consent_gate=1.3.9.; Max-Age=60; Path=/; SameSite=Lax"
        );
    }
}
