//! A small JSON reader (RFC 8259) for the site's config, so that the same decoder runs in the
//! browser and on a site's server, and every error can name its line and column.
//!
//! Objects keep their keys in document order and keep duplicates, so the config decoder can report
//! a key written twice instead of silently taking the last one as `JSON.parse` does.
//!
//! [`parse`] never panics: nesting is bounded by [`MAX_DEPTH`], so hostile input cannot exhaust
//! the stack.

use std::fmt;

/// Deepest nesting of arrays and objects read; a config needs five.
pub const MAX_DEPTH: usize = 32;
const _: () = assert!(MAX_DEPTH == 32, "update the \"nested more than\" message");

/// A JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, as written (`30`, `-2.5e2`): kept as text, so that no float parser or printer
    /// is compiled into the module; [`Value::as_u32`] reads the whole numbers a config holds.
    Number(String),
    /// A string, escapes resolved.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object's members in document order, duplicates kept.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The value as a whole number that fits `u32`, written without fraction or exponent.
    pub fn as_u32(&self) -> Option<u32> {
        match self {
            Value::Number(text) => {
                crate::core::parse_digits(text, 10).and_then(|n| u32::try_from(n).ok())
            }
            _ => None,
        }
    }

    /// What a site owner would call this kind of value, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "a list",
            Value::Object(_) => "an object",
        }
    }
}

/// Where and why the text is not JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What was expected.
    pub message: &'static str,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

/// Reads one JSON value filling the whole of `text` (whitespace around it allowed).
///
/// # Errors
/// The first place where `text` stops being JSON.
pub fn parse(text: &str) -> Result<Value, JsonError> {
    let mut parser = Parser { text, pos: 0 };
    parser.skip_space();
    let value = parser.value(0)?;
    parser.skip_space();
    if parser.pos < text.len() {
        return Err(parser.error("unexpected text after the end of the JSON value"));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, message: &'static str) -> JsonError {
        let before = &self.text[..self.pos.min(self.text.len())];
        // Byte loops: '\n' is ASCII, and each of `str`'s char searchers is code of its own.
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before
            .bytes()
            .rposition(|b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        JsonError {
            line,
            column,
            message,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, literal: &str) -> bool {
        if self.text[self.pos..].starts_with(literal) {
            self.pos += literal.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested more than 32 levels deep (a config needs five)"));
        }
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ if self.eat("true") => Ok(Value::Bool(true)),
            _ if self.eat("false") => Ok(Value::Bool(false)),
            _ if self.eat("null") => Ok(Value::Null),
            None => Err(self.error("the text ends where a value was expected")),
            Some(_) => Err(self.error(
                "expected a value: a string in double quotes, a number, true, false, null, [ or {",
            )),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_space();
        if self.eat("}") {
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_space();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a key in double quotes (no trailing commas)"));
            }
            let key = self.string()?;
            self.skip_space();
            if !self.eat(":") {
                return Err(self.error("expected ':' after the key"));
            }
            self.skip_space();
            let value = self.value(depth + 1)?;
            members.push((key, value));
            self.skip_space();
            if self.eat("}") {
                return Ok(Value::Object(members));
            }
            if !self.eat(",") {
                return Err(self.error("expected ',' or '}'"));
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, JsonError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_space();
        if self.eat("]") {
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_space();
            items.push(self.value(depth + 1)?);
            self.skip_space();
            if self.eat("]") {
                return Ok(Value::Array(items));
            }
            if !self.eat(",") {
                return Err(self.error("expected ',' or ']'"));
            }
        }
    }

    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let digits = |pos: &mut usize| {
            let from = *pos;
            while bytes.get(*pos).is_some_and(u8::is_ascii_digit) {
                *pos += 1;
            }
            *pos - from
        };
        let mut pos = self.pos;
        if bytes.get(pos) == Some(&b'-') {
            pos += 1;
        }
        let int_start = pos;
        let int_digits = digits(&mut pos);
        let leading_zero = int_digits > 1 && bytes.get(int_start) == Some(&b'0');
        let mut valid = int_digits > 0 && !leading_zero;
        if bytes.get(pos) == Some(&b'.') {
            pos += 1;
            valid &= digits(&mut pos) > 0;
        }
        if matches!(bytes.get(pos), Some(b'e' | b'E')) {
            pos += 1;
            if matches!(bytes.get(pos), Some(b'+' | b'-')) {
                pos += 1;
            }
            valid &= digits(&mut pos) > 0;
        }
        if !valid {
            return Err(self.error("not a JSON number"));
        }
        self.pos = pos;
        Ok(Value::Number(self.text[start..pos].to_owned()))
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = &self.text[self.pos..];
            let Some(c) = rest.chars().next() else {
                return Err(self.error("the string is not closed: add '\"'"));
            };
            match c {
                '"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                '\\' => {
                    self.pos += 1;
                    out.push(self.escape()?);
                }
                c if u32::from(c) < 0x20 => {
                    return Err(self
                        .error("control character in a string: write it as \\n, \\t or \\u00XX"));
                }
                c => {
                    self.pos += c.len_utf8();
                    out.push(c);
                }
            }
        }
    }

    fn escape(&mut self) -> Result<char, JsonError> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let high = self.hex4()?;
                if !(0xD800..0xDC00).contains(&high) {
                    return char::from_u32(high)
                        .ok_or_else(|| self.error("lone surrogate in \\u escape"));
                }
                if !self.eat("\\u") {
                    return Err(self.error("lone surrogate in \\u escape"));
                }
                let low = self.hex4()?;
                if !(0xDC00..0xE000).contains(&low) {
                    return Err(self.error("lone surrogate in \\u escape"));
                }
                let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                return char::from_u32(code)
                    .ok_or_else(|| self.error("lone surrogate in \\u escape"));
            }
            _ => {
                return Err(self.error(
                    "unknown escape: use \\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX",
                ));
            }
        };
        self.pos += 1;
        Ok(c)
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("\\u needs four hex digits"))?;
        let code = crate::core::parse_digits(digits, 16)
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| self.error("\\u needs four hex digits"))?;
        self.pos += 4;
        Ok(code)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn object(members: &[(&str, Value)]) -> Value {
        Value::Object(
            members
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn reads_every_kind_of_value() {
        let value =
            parse(r#" {"a": [1, -2.5e2, true, false, null], "b": "x\"\u00e9\ud83d\ude00\n"} "#)
                .expect("valid JSON");
        assert_eq!(
            value,
            object(&[
                (
                    "a",
                    Value::Array(vec![
                        Value::Number("1".into()),
                        Value::Number("-2.5e2".into()),
                        Value::Bool(true),
                        Value::Bool(false),
                        Value::Null
                    ])
                ),
                ("b", Value::String("x\"é😀\n".into()))
            ])
        );
    }

    #[test]
    fn keeps_key_order_and_duplicates() {
        let value = parse(r#"{"b":1,"a":2,"b":3}"#).expect("valid JSON");
        let Value::Object(members) = value else {
            panic!("an object")
        };
        let keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "a", "b"]);
    }

    #[test]
    fn errors_name_line_and_column() {
        let err = parse("{\n  \"a\": 1,\n}").expect_err("trailing comma");
        assert_eq!((err.line, err.column), (3, 1));
        assert!(err.message.contains("trailing commas"), "{err}");
        assert_eq!(
            parse("{'a': 1}").expect_err("single quotes").to_string(),
            "line 1, column 2: expected a key in double quotes (no trailing commas)"
        );
    }

    #[test]
    fn refuses_what_json_does_not_allow() {
        for text in [
            "",
            "{",
            "[1,]",
            "01",
            "1.",
            ".5",
            "-",
            "+1",
            "1e",
            "NaN",
            "Infinity",
            "1e+",
            "\"\\x\"",
            "\"a\nb\"",
            "\"\\ud800\"",
            "\"\\udc00\"",
            "\"abc",
            "tru",
            "[1] 2",
            "{\"a\" 1}",
            "/* comment */ 1",
        ] {
            assert!(parse(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn numbers_are_kept_as_written_and_read_as_whole_numbers() {
        assert_eq!(parse("182").ok().and_then(|v| v.as_u32()), Some(182));
        for text in ["1.5", "-1", "1e2", "4294967296"] {
            let value = parse(text).expect("a number");
            assert_eq!(value.as_u32(), None, "{text}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let deep = "[".repeat(100_000);
        assert_eq!(
            parse(&deep).expect_err("too deep").message,
            "nested more than 32 levels deep (a config needs five)"
        );
        let fine = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&fine).is_ok());
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_text(text in ".{0,200}") {
            let _ = parse(&text);
        }

        #[test]
        fn agrees_with_serde_json(value in json_value()) {
            let text = serde_json::to_string(&value).expect("serialises");
            let parsed = parse(&text).expect("serde_json's output is JSON");
            prop_assert_eq!(numbers_as_f64(parsed), from_serde(&value));
        }
    }

    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            (-1e15f64..1e15).prop_map(|n| serde_json::json!(n)),
            any::<i32>().prop_map(|n| serde_json::json!(n)),
            any::<String>().prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                prop::collection::btree_map(any::<String>(), inner, 0..6)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// `value` with every number rewritten as Rust prints its `f64`, to compare with serde_json's.
    fn numbers_as_f64(value: Value) -> Value {
        match value {
            Value::Number(text) => {
                Value::Number(format!("{}", text.parse::<f64>().unwrap_or(f64::NAN)))
            }
            Value::Array(items) => Value::Array(items.into_iter().map(numbers_as_f64).collect()),
            Value::Object(members) => Value::Object(
                members
                    .into_iter()
                    .map(|(k, v)| (k, numbers_as_f64(v)))
                    .collect(),
            ),
            other => other,
        }
    }

    fn from_serde(value: &serde_json::Value) -> Value {
        match value {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => {
                Value::Number(format!("{}", n.as_f64().unwrap_or(f64::NAN)))
            }
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(items) => Value::Array(items.iter().map(from_serde).collect()),
            serde_json::Value::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.clone(), from_serde(v)))
                    .collect(),
            ),
        }
    }
}
