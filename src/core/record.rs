//! The consent record: what a visitor decided, how and when, and its encoding in one cookie value
//! that the site's server can read too.
//!
//! Format version 2, `.`-separated; every part is made of cookie-safe characters (RFC 6265
//! `cookie-octet`), so the value is written without quoting or escaping:
//!
//! ```text
//! 2.<consent id>.<first decision>.<last change>.<expires>.<revision>.<texts hash>.<language>.<method>.<gpc>.<categories>.<services>
//! 2.q8Xk1v0bS9yVdM3Lw7nJfA.1763780000.1763790000.1779504000.3.5d41402abc4b2a76.en.custom.0.analytics+!marketing.google-analytics+!meta-pixel
//! ```
//!
//! - consent id: 22 characters of base64url (16 random bytes): identifies the record in receipts,
//!   not the visitor.
//! - times: Unix seconds.
//! - texts hash: 16 hex digits ([`texts_hash`]) of the words the visitor was shown.
//! - method: `accept-all`, `reject-all`, `custom`, `api` or `gpc`; gpc: `1` if the browser sent
//!   Global Privacy Control when the decision was made, else `0`.
//! - categories and services: the optional ones the visitor decided on, `+`-separated, each
//!   granted (`id`) or refused (`!id`). Required categories are never stored: the config grants
//!   them, not the visitor. Refusals are stored too (CNIL): a visitor who refused is not asked
//!   again until the record expires or the site bumps its revision.
//!
//! Version 1 (`1.<revision>.<decided at>.<granted categories>`) is still read, and migrated by
//! [`crate::core::consent`] with the config's help.
//!
//! [`decode`] never panics and accepts only what [`encode`] writes; anything else (truncated,
//! tampered, a future version) is "no decision", and the visitor is asked again.
//!
//! [`texts_hash`]: crate::core::texts::texts_hash

use crate::core::config::{is_valid_id, is_valid_language};

/// Leading part of every record this version writes.
pub const FORMAT_VERSION: &str = "2";

/// The longest value [`decode`] reads: a cookie's name and value together stay under 4,096 bytes.
pub const MAX_ENCODED_LEN: usize = 4000;

/// Characters of a consent id.
pub const CONSENT_ID_LEN: usize = 22;

/// How a decision was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum Method {
    /// The visitor's "Accept all".
    AcceptAll,
    /// The visitor's "Reject all" (or "withdraw").
    RejectAll,
    /// The visitor's own choices in the preferences.
    Custom,
    /// The site's code, through the JS API.
    Api,
    /// The browser's Global Privacy Control signal, without asking.
    Gpc,
}

impl Method {
    const NAMES: [(&'static str, Method); 5] = [
        ("accept-all", Method::AcceptAll),
        ("reject-all", Method::RejectAll),
        ("custom", Method::Custom),
        ("api", Method::Api),
        ("gpc", Method::Gpc),
    ];

    /// The name stored and reported.
    pub fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(_, m)| *m == self)
            .map_or("", |(name, _)| name)
    }

    fn from_name(name: &str) -> Option<Method> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, m)| *m)
    }
}

/// One visitor's decision, with what proves it. With the `serde` feature it serializes as the
/// receipt's JSON ([`Record::to_json`]): camelCase fields, decisions as `{ "id": true }` in order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "camelCase")
)]
pub struct Record {
    /// Random, non-identifying id of this consent (kept across changes).
    pub consent_id: String,
    /// When the visitor first decided, in Unix seconds.
    pub first_decided_at: u64,
    /// When the decision last changed, in Unix seconds.
    pub last_changed_at: u64,
    /// When it lapses, in Unix seconds.
    pub expires_at: u64,
    /// The config revision the visitor saw.
    pub revision: u32,
    /// Fingerprint of the texts the visitor saw.
    pub texts_hash: String,
    /// The language the visitor saw them in.
    pub language: String,
    /// How the decision was given.
    pub method: Method,
    /// Whether the browser sent Global Privacy Control at the time.
    pub gpc: bool,
    /// Each optional category decided on: granted (`true`) or refused.
    #[cfg_attr(feature = "serde", serde(with = "decisions"))]
    pub categories: Vec<(String, bool)>,
    /// Each service (in an optional category) decided on: granted (`true`) or refused.
    #[cfg_attr(feature = "serde", serde(with = "decisions"))]
    pub services: Vec<(String, bool)>,
}

/// Decisions as a JSON object `{ "id": true|false }`, in the record's order.
#[cfg(feature = "serde")]
mod decisions {
    use serde::de::{MapAccess, Visitor};
    use serde::{Deserializer, Serializer};
    use std::fmt;

    pub fn serialize<S: Serializer>(list: &[(String, bool)], s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(list.iter().map(|(id, granted)| (id, granted)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, bool)>, D::Error> {
        struct Decisions;
        impl<'de> Visitor<'de> for Decisions {
            type Value = Vec<(String, bool)>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of id: true|false")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, bool>()? {
                    out.push(entry);
                }
                Ok(out)
            }
        }
        d.deserialize_map(Decisions)
    }
}

impl Record {
    /// The decision on category `id`, if the record has one.
    pub fn category(&self, id: &str) -> Option<bool> {
        find(&self.categories, id)
    }

    /// The decision on service `id`, if the record has one.
    pub fn service(&self, id: &str) -> Option<bool> {
        find(&self.services, id)
    }

    /// The record as a JSON object: the body of a consent receipt and of a data export.
    pub fn to_json(&self) -> String {
        let decisions = |list: &[(String, bool)]| {
            let members: Vec<String> = list
                .iter()
                .map(|(id, granted)| format!("{}:{granted}", json_string(id)))
                .collect();
            format!("{{{}}}", crate::core::join(&members, ","))
        };
        format!(
            "{{\"consentId\":{},\"firstDecidedAt\":{},\"lastChangedAt\":{},\"expiresAt\":{},\"revision\":{},\"textsHash\":{},\"language\":{},\"method\":{},\"gpc\":{},\"categories\":{},\"services\":{}}}",
            json_string(&self.consent_id),
            self.first_decided_at,
            self.last_changed_at,
            self.expires_at,
            self.revision,
            json_string(&self.texts_hash),
            json_string(&self.language),
            json_string(self.method.name()),
            self.gpc,
            decisions(&self.categories),
            decisions(&self.services),
        )
    }
}

fn find(list: &[(String, bool)], id: &str) -> Option<bool> {
    list.iter()
        .find(|(k, _)| k == id)
        .map(|(_, granted)| *granted)
}

/// `text` as a JSON string literal.
pub fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if u32::from(c) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str("\\u");
                crate::core::push_hex(&mut out, u32::from(c), 4);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A record written by version 1: optional categories granted; every other optional category of
/// that revision was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyRecord {
    /// The config revision the visitor saw.
    pub revision: u32,
    /// When the visitor decided, in Unix seconds.
    pub decided_at: u64,
    /// The optional categories granted.
    pub granted: Vec<String>,
}

/// What a stored value holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// A record of the current version.
    Current(Record),
    /// A version 1 record, to migrate.
    Legacy(LegacyRecord),
}

/// The record as one cookie-safe string.
pub fn encode(record: &Record) -> String {
    let decisions = |list: &[(String, bool)]| {
        let items = list
            .iter()
            .map(|(id, granted)| {
                if *granted {
                    id.clone()
                } else {
                    format!("!{id}")
                }
            })
            .collect::<Vec<_>>();
        crate::core::join(&items, "+")
    };
    format!(
        "{FORMAT_VERSION}.{}.{}.{}.{}.{}.{}.{}.{}.{}.{}.{}",
        record.consent_id,
        record.first_decided_at,
        record.last_changed_at,
        record.expires_at,
        record.revision,
        record.texts_hash,
        record.language,
        record.method.name(),
        u8::from(record.gpc),
        decisions(&record.categories),
        decisions(&record.services),
    )
}

/// Reads what [`encode`] (or version 1) wrote; `None` for anything else.
pub fn decode(value: &str) -> Option<Stored> {
    if value.len() > MAX_ENCODED_LEN {
        return None;
    }
    let parts: Vec<&str> = crate::core::split(value, b'.').collect();
    match parts.as_slice() {
        [
            "2",
            id,
            first,
            last,
            expires,
            revision,
            hash,
            language,
            method,
            gpc,
            categories,
            services,
        ] => {
            let record = Record {
                consent_id: is_consent_id(id).then(|| (*id).to_owned())?,
                first_decided_at: parse_decimal(first)?,
                last_changed_at: parse_decimal(last)?,
                expires_at: parse_decimal(expires)?,
                revision: parse_decimal(revision)?,
                texts_hash: (hash.len() == 16
                    && hash
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
                .then(|| (*hash).to_owned())?,
                language: is_valid_language(language).then(|| (*language).to_owned())?,
                method: Method::from_name(method)?,
                gpc: match *gpc {
                    "0" => false,
                    "1" => true,
                    _ => return None,
                },
                categories: decode_decisions(categories)?,
                services: decode_decisions(services)?,
            };
            let ordered = record.first_decided_at <= record.last_changed_at
                && record.last_changed_at < record.expires_at;
            ordered.then_some(Stored::Current(record))
        }
        ["1", revision, decided_at, granted] => {
            let granted = decode_decisions(granted)?;
            if granted.iter().any(|(_, g)| !g) {
                return None;
            }
            Some(Stored::Legacy(LegacyRecord {
                revision: parse_decimal(revision)?,
                decided_at: parse_decimal(decided_at)?,
                granted: granted.into_iter().map(|(id, _)| id).collect(),
            }))
        }
        _ => None,
    }
}

fn decode_decisions(list: &str) -> Option<Vec<(String, bool)>> {
    if list.is_empty() {
        return Some(Vec::new());
    }
    let mut decisions: Vec<(String, bool)> = Vec::new();
    for item in crate::core::split(list, b'+') {
        let (id, granted) = match item.strip_prefix('!') {
            Some(id) => (id, false),
            None => (item, true),
        };
        if !is_valid_id(id) || decisions.iter().any(|(seen, _)| seen == id) {
            return None;
        }
        decisions.push((id.to_owned(), granted));
    }
    Some(decisions)
}

/// Whether `id` is what [`consent_id`] makes.
fn is_consent_id(id: &str) -> bool {
    id.len() == CONSENT_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A consent id from 16 random bytes (the web layer draws them from `crypto.getRandomValues`).
pub fn consent_id(random: [u8; 16]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut out = String::with_capacity(CONSENT_ID_LEN);
    for byte in random {
        bits = (bits << 8) | u32::from(byte);
        count += 8;
        while count >= 6 {
            count -= 6;
            out.push(char::from(ALPHABET[((bits >> count) & 63) as usize]));
        }
    }
    if count > 0 {
        out.push(char::from(ALPHABET[((bits << (6 - count)) & 63) as usize]));
    }
    out
}

/// Digits only (no `+`, which [`encode`] never writes), fitting `T`.
fn parse_decimal<T: TryFrom<u64>>(digits: &str) -> Option<T> {
    crate::core::parse_digits(digits, 10).and_then(|value| T::try_from(value).ok())
}

/// Every value of the cookie `name` in `header`: a page sees one copy per `Path` and `Domain` it
/// was set with (the deepest path first), and an older copy may come first.
pub fn cookie_values<'a>(header: &'a str, name: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    for pair in crate::core::split(header, b';') {
        if let Some((key, value)) = crate::core::split_once(pair, b'=') {
            if key.trim() == name {
                out.push(value.trim());
            }
        }
    }
    out
}

/// When the decision in a stored value last changed; `None` if it does not decode.
fn changed_at(value: &str) -> Option<u64> {
    match decode(value)? {
        Stored::Current(record) => Some(record.last_changed_at),
        Stored::Legacy(legacy) => Some(legacy.decided_at),
    }
}

/// Of several copies of the record, the one whose decision changed last (the first of equals);
/// copies that do not decode lose to any that does, and the first value stands if none decodes.
/// A stale "accept" on a deeper path or a parent domain must not outvote a later "reject".
pub fn newest<'a>(values: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(&str, Option<u64>)> = None;
    for value in values {
        let at = changed_at(value);
        let better = match best {
            None => true,
            Some((_, held)) => at > held,
        };
        if better {
            best = Some((value, at));
        }
    }
    best.map(|(value, _)| value)
}

/// The record in cookie `name` of a `document.cookie` / `Cookie:` header string: of several
/// copies (another `Path` or `Domain`), the [`newest`].
pub fn find_cookie<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    newest(cookie_values(header, name))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
