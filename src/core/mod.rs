//! Every decision consent-gate makes, as pure functions over plain data.
//!
//! Nothing here touches a browser: the web layer hands in strings and numbers (the config
//! element's text, the cookie header, the clock, random bytes) and gets back data to act on
//! ([`consent::Effect`], [`gate::Release`]). The same code runs on a site's server
//! ([`server`]).
//!
//! What the small gate's module runs on every page view ([`plan`], [`gate::release`], the cookie
//! and storage purge, [`autoblock`]'s matching) collects with plain loops rather than iterator
//! chains: each chain that ends in `collect` is its own copy of the collecting code in the module.

pub mod autoblock;
pub mod config;
pub mod consent;
pub mod contract;
pub mod cookie;
pub mod gate;
pub mod i18n;
pub mod integrations;
pub mod json;
pub mod lifecycle;
pub mod lockdown;
pub mod outbox;
pub mod plan;
pub mod record;
pub mod server;
pub mod sha256;
pub mod store;
pub mod style;
pub mod texts;
pub mod view;

/// `items` with `separator` between them. One small loop for every list the messages and the
/// record write: the standard library's `join` is a specialised copy per element type.
pub fn join<S: AsRef<str>>(items: &[S], separator: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(item.as_ref());
    }
    out
}

/// `text` split at each `separator`, an ASCII byte: `str::split` with a `char` pattern, without
/// the standard library's char searcher (memchr, UTF-8 decoding). Every
/// separator consent-gate splits at is ASCII, so each cut is a character boundary.
pub fn split(text: &str, separator: u8) -> Split<'_> {
    debug_assert!(separator.is_ascii());
    Split {
        rest: Some(text),
        separator,
    }
}

/// The pieces of [`split`].
pub struct Split<'a> {
    rest: Option<&'a str>,
    separator: u8,
}

impl<'a> Iterator for Split<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        match find(rest, self.separator) {
            Some(at) => {
                self.rest = Some(&rest[at + 1..]);
                Some(&rest[..at])
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// The position of the first `byte` (ASCII) in `text`.
pub fn find(text: &str, byte: u8) -> Option<usize> {
    text.bytes().position(|b| b == byte)
}

/// `text` before and after its first `byte` (ASCII).
pub fn split_once(text: &str, byte: u8) -> Option<(&str, &str)> {
    let at = find(text, byte)?;
    Some((&text[..at], &text[at + 1..]))
}

/// `digits` in `radix` (10 or 16), nothing else (no sign, no space), if it fits `u64`. By hand:
/// `str::parse` and `from_str_radix` are a copy per integer type.
pub fn parse_digits(digits: &str, radix: u32) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    let mut value: u64 = 0;
    for b in digits.bytes() {
        let digit = char::from(b).to_digit(radix)?;
        value = value
            .checked_mul(u64::from(radix))?
            .checked_add(u64::from(digit))?;
    }
    Some(value)
}

/// Appends `value` in lowercase hexadecimal, zero-padded to at least `digits` digits. By hand:
/// `{:x}` brings the formatter's hex and padding code into the module.
pub fn push_hex(out: &mut String, value: u32, digits: u32) {
    let needed = (32 - value.leading_zeros()).div_ceil(4).max(digits).max(1);
    for i in (0..needed).rev() {
        let nibble = (value >> (i * 4)) & 0xF;
        out.push(char::from(b"0123456789abcdef"[nibble as usize]));
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod testing;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    #[test]
    fn join_puts_the_separator_between_items_only() {
        assert_eq!(super::join::<&str>(&[], ", "), "");
        assert_eq!(super::join(&["a"], ", "), "a");
        assert_eq!(super::join(&["a", "b", "c"], "\", \""), "a\", \"b\", \"c");
        let owned = vec![String::from("x"), String::from("y")];
        assert_eq!(super::join(&owned, "+"), "x+y");
    }

    #[test]
    fn digits_are_read_whole_or_not_at_all() {
        use super::parse_digits;
        assert_eq!(parse_digits("0", 10), Some(0));
        assert_eq!(parse_digits("1732550400", 10), Some(1_732_550_400));
        assert_eq!(parse_digits("18446744073709551615", 10), Some(u64::MAX));
        assert_eq!(parse_digits("18446744073709551616", 10), None);
        assert_eq!(parse_digits("00ff", 16), Some(255));
        assert_eq!(parse_digits("D83D", 16), Some(0xD83D));
        for bad in ["", "+1", "-1", " 1", "1 ", "1.5", "1e3", "x"] {
            assert_eq!(parse_digits(bad, 10), None, "{bad:?}");
        }
        assert_eq!(parse_digits("fg", 16), None);
    }

    #[test]
    fn hex_is_lowercase_and_padded_to_the_digits_asked() {
        let hex = |value, digits| {
            let mut out = String::new();
            super::push_hex(&mut out, value, digits);
            out
        };
        assert_eq!(hex(0, 1), "0");
        assert_eq!(hex(0, 2), "00");
        assert_eq!(hex(0xab, 2), "ab");
        assert_eq!(hex(0x1f, 4), "001f");
        assert_eq!(hex(0x2028, 4), "2028");
        assert_eq!(hex(0x7f, 1), "7f");
        assert_eq!(hex(0x10ffff, 4), "10ffff");
        assert_eq!(hex(u32::MAX, 1), "ffffffff");
    }
}
