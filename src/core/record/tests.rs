use super::*;
use crate::core::config::{MAX_CATEGORIES, MAX_ID_LEN, MAX_SERVICES};
use proptest::prelude::*;

fn record() -> Record {
    Record {
        consent_id: "q8Xk1v0bS9yVdM3Lw7nJfA".into(),
        first_decided_at: 1_763_780_000,
        last_changed_at: 1_763_790_000,
        expires_at: 1_779_504_000,
        revision: 3,
        texts_hash: "5d41402abc4b2a76".into(),
        language: "en".into(),
        method: Method::Custom,
        gpc: false,
        categories: vec![("analytics".into(), true), ("marketing".into(), false)],
        services: vec![
            ("google-analytics".into(), true),
            ("meta-pixel".into(), false),
        ],
    }
}

const DOCUMENTED: &str = "2.q8Xk1v0bS9yVdM3Lw7nJfA.1763780000.1763790000.1779504000.3.5d41402abc4b2a76.en.custom.0.analytics+!marketing.google-analytics+!meta-pixel";

#[test]
fn encodes_as_documented() {
    assert_eq!(encode(&record()), DOCUMENTED);
    let mut refused = record();
    refused.categories.clear();
    refused.services.clear();
    refused.method = Method::RejectAll;
    refused.gpc = true;
    assert!(encode(&refused).ends_with(".en.reject-all.1.."));
}

#[test]
fn round_trips() {
    assert_eq!(decode(DOCUMENTED), Some(Stored::Current(record())));
}

#[test]
fn every_method_has_a_name() {
    for (name, method) in Method::NAMES {
        assert_eq!(method.name(), name);
        assert_eq!(Method::from_name(name), Some(method));
    }
}

#[test]
fn version_1_is_read_for_migration() {
    assert_eq!(
        decode("1.3.1763780000.analytics+marketing"),
        Some(Stored::Legacy(LegacyRecord {
            revision: 3,
            decided_at: 1_763_780_000,
            granted: vec!["analytics".into(), "marketing".into()],
        }))
    );
    assert_eq!(
        decode("1.3.1763780000."),
        Some(Stored::Legacy(LegacyRecord {
            revision: 3,
            decided_at: 1_763_780_000,
            granted: vec![],
        }))
    );
}

#[test]
fn anything_else_is_no_decision() {
    let tampered = |from: &str, to: &str| DOCUMENTED.replacen(from, to, 1);
    for value in [
        String::new(),
        "2".into(),
        "3.".to_owned() + &DOCUMENTED[2..],
        DOCUMENTED[..DOCUMENTED.len() - 3].to_owned() + "+",
        format!("{DOCUMENTED}.extra"),
        tampered("q8Xk1v0bS9yVdM3Lw7nJfA", "short"),
        tampered("q8Xk1v0bS9yVdM3Lw7nJfA", "q8Xk1v0bS9yVdM3Lw7nJf!"),
        tampered(".1763780000.", ".+1763780000."),
        tampered(".1763790000.", ".1763700000."),
        tampered(".1779504000.", ".1763790000."),
        tampered(".3.", ".-3."),
        tampered("5d41402abc4b2a76", "5D41402ABC4B2A76"),
        tampered("5d41402abc4b2a76", "5d41402abc4b2a7"),
        tampered(".en.", ".english."),
        tampered("custom", "Custom"),
        tampered(".0.", ".2."),
        tampered("analytics+", "Analytics+"),
        tampered("analytics+", "analytics+analytics+"),
        tampered("+!marketing", "+!!marketing"),
        tampered("google-analytics+", "+"),
        "1.3.1763780000".into(),
        "1.3.1763780000.!analytics".into(),
        "1.99999999999.1763780000.".into(),
        "%31.3.1763780000.".into(),
        "<script>.3.1.".into(),
    ] {
        assert_eq!(decode(&value), None, "{value:?}");
    }
}

#[test]
fn oversized_values_are_not_read() {
    let long = format!("1.3.1.{}", vec!["a"; 2100].join("+"));
    assert!(long.len() > MAX_ENCODED_LEN);
    assert_eq!(decode(&long), None);
}

#[test]
fn the_largest_record_fits_one_cookie_with_the_longest_name() {
    let id = |prefix: char, i: usize| format!("{prefix}{i:0>width$}", width = MAX_ID_LEN - 1);
    let largest = Record {
        consent_id: "-".repeat(CONSENT_ID_LEN),
        first_decided_at: u64::MAX - 2,
        last_changed_at: u64::MAX - 1,
        expires_at: u64::MAX,
        revision: u32::MAX,
        texts_hash: "f".repeat(16),
        language: format!("abc{}", "-abcdefgh".repeat(3)),
        method: Method::AcceptAll,
        gpc: true,
        categories: (0..MAX_CATEGORIES).map(|i| (id('c', i), false)).collect(),
        services: (0..MAX_SERVICES).map(|i| (id('s', i), false)).collect(),
    };
    let value = encode(&largest);
    let longest_cookie_name = 64;
    assert!(
        longest_cookie_name + 1 + value.len() < 4096,
        "{} bytes",
        value.len()
    );
    assert!(value.len() <= MAX_ENCODED_LEN);
    assert_eq!(decode(&value), Some(Stored::Current(largest)));
}

#[test]
fn consent_ids_are_22_url_safe_characters() {
    assert_eq!(consent_id([0; 16]), "AAAAAAAAAAAAAAAAAAAAAA");
    assert_eq!(consent_id([255; 16]), "_____________________w");
    let id = consent_id(*b"0123456789abcdef");
    assert_eq!(id.len(), CONSENT_ID_LEN);
    assert!(is_consent_id(&id));
}

#[test]
fn the_json_form_names_every_field() {
    assert_eq!(
        record().to_json(),
        r#"{"consentId":"q8Xk1v0bS9yVdM3Lw7nJfA","firstDecidedAt":1763780000,"lastChangedAt":1763790000,"expiresAt":1779504000,"revision":3,"textsHash":"5d41402abc4b2a76","language":"en","method":"custom","gpc":false,"categories":{"analytics":true,"marketing":false},"services":{"google-analytics":true,"meta-pixel":false}}"#
    );
    let parsed: serde_json::Value = serde_json::from_str(&record().to_json()).expect("JSON");
    assert_eq!(parsed["services"]["meta-pixel"], false);
}

#[test]
fn json_strings_are_escaped() {
    assert_eq!(
        json_string("a\"b\\c\n\u{1}\u{2028}"),
        r#""a\"b\\c\n\u0001\u2028""#
    );
}

#[test]
fn finds_a_cookie_among_others() {
    let header = "_ga=GA1.1.5; consent_gate=1.3.9.analytics;theme=dark";
    assert_eq!(find_cookie(header, "consent_gate"), Some("1.3.9.analytics"));
    assert_eq!(find_cookie(header, "theme"), Some("dark"));
    assert_eq!(find_cookie(header, "consent"), None);
    assert_eq!(find_cookie("", "consent_gate"), None);
    assert_eq!(find_cookie("consent_gate_old=x", "consent_gate"), None);
    assert_eq!(find_cookie("a=1; a=2", "a"), Some("1"));
}

fn any_record() -> impl Strategy<Value = Record> {
    let decisions =
        prop::collection::vec(("[a-z0-9-]{1,32}", any::<bool>()), 0..12).prop_map(|list| {
            let mut seen = Vec::new();
            list.into_iter()
                .filter(|(id, _)| {
                    let fresh = !seen.contains(id);
                    seen.push(id.clone());
                    fresh
                })
                .collect::<Vec<_>>()
        });
    (
        any::<[u8; 16]>(),
        (0u64..u64::MAX / 2, 0u64..1_000_000, 1u64..1_000_000_000),
        any::<u32>(),
        "[0-9a-f]{16}",
        "[a-z]{2,3}(-[A-Za-z0-9]{1,8}){0,2}",
        prop::sample::select(Method::NAMES.map(|(_, m)| m).to_vec()),
        any::<bool>(),
        decisions.clone(),
        decisions,
    )
        .prop_map(
            |(
                random,
                (first, change, life),
                revision,
                texts_hash,
                language,
                method,
                gpc,
                categories,
                services,
            )| {
                Record {
                    consent_id: consent_id(random),
                    first_decided_at: first,
                    last_changed_at: first + change,
                    expires_at: first + change + life,
                    revision,
                    texts_hash,
                    language,
                    method,
                    gpc,
                    categories,
                    services,
                }
            },
        )
}

#[cfg(feature = "serde")]
proptest! {
    /// serde's JSON of a record is the receipt's, which core writes by hand: read back by an
    /// independent JSON reader, the two are the same value, and serde reads its own back.
    #[test]
    fn serde_writes_the_receipts_json_and_reads_it_back(record in any_record()) {
        let by_serde = serde_json::to_value(&record).expect("serializes");
        let by_core: serde_json::Value = serde_json::from_str(&record.to_json()).expect("core's JSON parses");
        prop_assert_eq!(&by_serde, &by_core);
        let text = serde_json::to_string(&record).expect("serializes");
        let back: Record = serde_json::from_str(&text).expect("deserializes");
        prop_assert_eq!(back, record);
    }
}

proptest! {
    #[test]
    fn decode_of_encode_is_the_record(record in any_record()) {
        prop_assert_eq!(decode(&encode(&record)), Some(Stored::Current(record)));
    }

    #[test]
    fn encodings_are_cookie_safe(record in any_record()) {
        // RFC 6265 cookie-octet: no controls, whitespace, '"', ',', ';' or '\'.
        let value = encode(&record);
        prop_assert!(value.bytes().all(|b| (0x21..0x7f).contains(&b) && !b"\",;\\".contains(&b)));
    }

    #[test]
    fn decode_of_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = decode(&text);
    }

    #[test]
    fn decode_of_a_mangled_record_never_panics(record in any_record(), cut in 0usize..400, byte in any::<u8>()) {
        let mut value = encode(&record).into_bytes();
        if cut < value.len() {
            value[cut] = byte;
        }
        let _ = decode(&String::from_utf8_lossy(&value));
    }
}

#[test]
fn of_several_copies_the_decision_made_last_wins() {
    let older = encode(&Record {
        last_changed_at: 1_763_790_000,
        ..record()
    });
    let newer = encode(&Record {
        last_changed_at: 1_763_790_100,
        ..record()
    });
    let header = format!("consent_gate={older}; theme=dark; consent_gate={newer}");
    assert_eq!(find_cookie(&header, "consent_gate"), Some(newer.as_str()));
    assert_eq!(newest(["garbage", older.as_str()]), Some(older.as_str()));
    assert_eq!(newest(["garbage", "more"]), Some("garbage"));
    assert_eq!(
        newest([newer.as_str(), older.as_str()]),
        Some(newer.as_str())
    );
    assert_eq!(newest(Vec::<&str>::new()), None);
    let equal = encode(&Record {
        last_changed_at: 1_763_790_100,
        language: "de".into(),
        ..record()
    });
    assert_eq!(
        newest([newer.as_str(), equal.as_str()]),
        Some(newer.as_str())
    );
}
