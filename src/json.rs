//! A small, strict JSON reader and writer (RFC 8259) for the crate's inputs: grant-set
//! payloads, JWS headers, JWKs and JWKS, tasks, and the payloads `sign` writes.
//!
//! It replaces a general-purpose JSON library in the WebAssembly build, where that library's
//! generic code was a third of the module. What it accepts is what `serde_json` accepts (a
//! differential test holds the two together): UTF-8 text, no trailing commas, no comments, no
//! lone surrogates, no control characters in strings, nesting at most [`MAX_DEPTH`] deep; and
//! numbers of any size, as `JSON.parse` reads them (`serde_json` refuses what overflows an f64).
//! Numbers keep their text, so nothing is lost on the way through `sign`, and objects keep their
//! members in order, duplicates included: [`Value::get`] answers the last one, as `JSON.parse`
//! does, and [`Fields`] (which reads the crate's own records) refuses a duplicate of a member it
//! reads, as RFC 7515 section 4 allows for a JWS.
//!
//! The lexical layer, [`Lexer`] (strings, escapes, numbers, literals), is shared with the edge
//! path's streaming scanner (`src/search.rs`), which reads search responses without a tree.
//! Errors are plain messages; the caller adds the code and says what was being read.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::error::{err, AuthzError, ErrorCode, Result};

/// How many arrays and objects may nest in one another (`serde_json`'s bound).
pub const MAX_DEPTH: usize = 127;

/// A JSON value. Strings, member names and numbers borrow from the parsed text where they can
/// (a string with an escape is decoded into its own buffer), so reading a record allocates only
/// for what it keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value<'t> {
    Null,
    Bool(bool),
    /// A number, as its (valid) JSON text.
    Number(Cow<'t, str>),
    String(Cow<'t, str>),
    Array(Vec<Value<'t>>),
    /// Members in document order, duplicates included.
    Object(Vec<(Cow<'t, str>, Value<'t>)>),
}

impl<'t> Value<'t> {
    /// The value of member `name` of an object (the last one when it repeats); `None` for a
    /// missing member or a value that is not an object.
    pub fn get(&self, name: &str) -> Option<&Value<'t>> {
        match self {
            Value::Object(members) => members
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The same value, owning its text.
    pub fn into_owned(self) -> Value<'static> {
        let own = |s: Cow<'_, str>| Cow::Owned(s.into_owned());
        match self {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(b),
            Value::Number(text) => Value::Number(own(text)),
            Value::String(s) => Value::String(own(s)),
            Value::Array(items) => Value::Array(items.into_iter().map(Value::into_owned).collect()),
            Value::Object(members) => Value::Object(
                members
                    .into_iter()
                    .map(|(k, v)| (own(k), v.into_owned()))
                    .collect(),
            ),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// An integer number within `i64`; `None` for fractions, exponents and anything else.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(text) if !text.contains(['.', 'e', 'E']) => text.parse().ok(),
            _ => None,
        }
    }

    /// The JSON kind, for messages: `null`, `a string`, `an object`, ...
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    /// Compact JSON text (no spaces), numbers as they were read.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(true) => out.push_str("true"),
            Value::Bool(false) => out.push_str("false"),
            Value::Number(text) => out.push_str(text),
            Value::String(s) => quote(s, out),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Value::Object(members) => {
                out.push('{');
                for (i, (name, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    quote(name, out);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

impl<'t> From<&'t str> for Value<'t> {
    fn from(s: &'t str) -> Self {
        Value::String(Cow::Borrowed(s))
    }
}

impl From<i64> for Value<'_> {
    fn from(n: i64) -> Self {
        Value::Number(Cow::Owned(n.to_string()))
    }
}

/// Writes `s` as a JSON string literal (the escapes `serde_json` writes).
pub fn quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c < ' ' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The largest integer JavaScript numbers hold exactly.
const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

impl Serialize for Value<'_> {
    /// Numbers become integers when they are exact integers JavaScript can hold, else floats
    /// (what `JSON.parse` would make of them).
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Number(text) => match self.as_i64() {
                Some(n) if (-MAX_SAFE_INTEGER..=MAX_SAFE_INTEGER).contains(&n) => {
                    serializer.serialize_i64(n)
                }
                _ => serializer.serialize_f64(text.parse().unwrap_or(f64::NAN)),
            },
            Value::String(s) => serializer.serialize_str(s),
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Object(members) => {
                // Serialized as the object JSON.parse would build: the last duplicate wins.
                let mut map = serializer.serialize_map(None)?;
                for (i, (name, value)) in members.iter().enumerate() {
                    let later = members.get(i + 1..).unwrap_or_default();
                    if !later.iter().any(|(k, _)| k == name) {
                        map.serialize_entry(&**name, value)?;
                    }
                }
                map.end()
            }
        }
    }
}

/// Parses JSON text. The error is a message for people, with the byte offset.
pub fn parse(text: &[u8]) -> std::result::Result<Value<'_>, String> {
    let text = std::str::from_utf8(text).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.valid_up_to()
        )
    })?;
    let mut parser = Parser {
        lex: Lexer::new(text),
    };
    let value = parser.value(0)?;
    parser.lex.ws();
    if parser.lex.at < parser.lex.bytes.len() {
        return Err(parser.error("unexpected text after the value"));
    }
    Ok(value)
}

/// [`parse`] for a reader of the crate's inputs: the error carries `code` and says what was
/// read (`the header is not JSON: ...`).
pub fn parse_as<'t>(text: &'t [u8], code: ErrorCode, what: &str) -> Result<Value<'t>> {
    parse(text).map_err(|e| AuthzError::new(code, format!("{what} is not JSON: {e}")))
}

/// The tree reader over the [`Lexer`].
struct Parser<'t> {
    lex: Lexer<'t>,
}

impl<'t> Parser<'t> {
    fn error(&self, what: &str) -> String {
        format!("{what} at offset {}", self.lex.at)
    }

    fn lexed<T>(&self, result: Lexed<T>) -> std::result::Result<T, String> {
        result.map_err(|what| self.error(what))
    }

    fn value(&mut self, depth: usize) -> std::result::Result<Value<'t>, String> {
        self.lex.ws();
        let start = self.lex.at;
        let value = match self.lex.peek() {
            None => return Err(self.error("unexpected end of text")),
            Some(b'n') => Value::Null,
            Some(b't') => Value::Bool(true),
            Some(b'f') => Value::Bool(false),
            Some(b'"') => {
                self.lex.at += 1;
                let string = self.lex.string();
                return match self.lexed(string)? {
                    Some(s) => Ok(Value::String(s)),
                    None => Err(self.error("lone surrogate in a string")),
                };
            }
            Some(b'-' | b'0'..=b'9') => {
                let number = self.lex.number();
                self.lexed(number)?;
                let text = self.lex.text.get(start..self.lex.at).unwrap_or_default();
                return Ok(Value::Number(Cow::Borrowed(text)));
            }
            Some(open @ (b'[' | b'{')) => {
                if depth >= MAX_DEPTH {
                    return Err(self.error(&format!("nested more than {MAX_DEPTH} deep")));
                }
                self.lex.at += 1;
                return if open == b'[' {
                    self.array(depth + 1)
                } else {
                    self.object(depth + 1)
                };
            }
            Some(_) => return Err(self.error("expected a JSON value")),
        };
        let word: &[u8] = match value {
            Value::Null => b"null",
            Value::Bool(true) => b"true",
            _ => b"false",
        };
        let literal = self.lex.literal(word);
        self.lexed(literal)?;
        Ok(value)
    }

    fn array(&mut self, depth: usize) -> std::result::Result<Value<'t>, String> {
        let mut items = Vec::new();
        if self.lex.eat(b']') {
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            if self.lex.eat(b']') {
                return Ok(Value::Array(items));
            }
            if !self.lex.eat(b',') {
                return Err(self.error("expected `,` or `]`"));
            }
        }
    }

    fn object(&mut self, depth: usize) -> std::result::Result<Value<'t>, String> {
        let mut members = Vec::new();
        if self.lex.eat(b'}') {
            return Ok(Value::Object(members));
        }
        loop {
            if !self.lex.eat(b'"') {
                return Err(self.error("expected a member name"));
            }
            let string = self.lex.string();
            let Some(name) = self.lexed(string)? else {
                return Err(self.error("lone surrogate in a member name"));
            };
            if !self.lex.eat(b':') {
                return Err(self.error("expected `:`"));
            }
            members.push((name, self.value(depth)?));
            if self.lex.eat(b'}') {
                return Ok(Value::Object(members));
            }
            if !self.lex.eat(b',') {
                return Err(self.error("expected `,` or `}`"));
            }
        }
    }
}

/// What the lexer says went wrong: a short phrase; the reader adds where and what it read.
pub(crate) type Lexed<T> = std::result::Result<T, &'static str>;

/// The lexical layer both JSON readers share: the tree [`parse`] above and the streaming scanner
/// of the edge path (`src/search.rs`), so that they accept the same strings, escapes, numbers
/// and literals. `at` is a byte offset into `text`; every method leaves it after what it read.
pub(crate) struct Lexer<'t> {
    pub text: &'t str,
    pub bytes: &'t [u8],
    pub at: usize,
}

// The per-byte helpers are inlined by hand: at opt-level "z" a call per byte was most of the
// parse time.
impl<'t> Lexer<'t> {
    pub fn new(text: &'t str) -> Self {
        Lexer {
            text,
            bytes: text.as_bytes(),
            at: 0,
        }
    }

    #[inline(always)]
    pub fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    #[inline(always)]
    pub fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    /// Skips whitespace, then consumes `byte` if it is next.
    #[inline(always)]
    pub fn eat(&mut self, byte: u8) -> bool {
        self.ws();
        let found = self.peek() == Some(byte);
        if found {
            self.at += 1;
        }
        found
    }

    /// `true`, `false` or `null`, its first byte next.
    #[inline(always)]
    pub fn literal(&mut self, word: &[u8]) -> Lexed<()> {
        if self.bytes.get(self.at..self.at + word.len()) == Some(word) {
            self.at += word.len();
            Ok(())
        } else {
            Err("invalid literal")
        }
    }

    #[inline(always)]
    fn digits(&mut self) -> usize {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        self.at - start
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, any size (as `JSON.parse`).
    pub fn number(&mut self) -> Lexed<()> {
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err("invalid number"),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return Err("invalid number");
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err("invalid number");
            }
        }
        Ok(())
    }

    /// A string without escapes, after its `"`: the end of its content, `at` after the closing
    /// quote. `None` (and `at` unspecified) when it has an escape or is malformed: the caller
    /// goes back and reads it with [`Lexer::string`].
    #[inline(always)]
    pub fn plain_string(&mut self) -> Option<usize> {
        let rest = self.bytes.get(self.at..)?;
        let n = special(rest)?;
        if rest.get(n) == Some(&b'"') {
            let end = self.at + n;
            self.at = end + 1;
            Some(end)
        } else {
            None
        }
    }

    /// A string after its `"`, escapes decoded: borrowed from the text unless it has escapes.
    /// `Ok(None)` when it holds a lone surrogate, which `JSON.parse` accepts but no Rust string
    /// can hold: each reader decides what that means.
    pub fn string(&mut self) -> Lexed<Option<Cow<'t, str>>> {
        let start = self.at;
        if let Some(end) = self.plain_string() {
            return Ok(Some(Cow::Borrowed(
                self.text.get(start..end).unwrap_or_default(),
            )));
        }
        self.at = start;
        let mut decoded = String::new();
        let mut lone = false;
        loop {
            let run = self.at;
            let rest = self.bytes.get(run..).unwrap_or_default();
            let Some(n) = special(rest) else {
                self.at = self.bytes.len();
                return Err("unterminated string");
            };
            decoded.push_str(self.text.get(run..run + n).unwrap_or_default());
            self.at = run + n;
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok((!lone).then_some(Cow::Owned(decoded)));
                }
                Some(b'\\') => {
                    self.at += 1;
                    match self.escape()? {
                        Some(c) => decoded.push(c),
                        None => lone = true,
                    }
                }
                _ => return Err("control character in a string"),
            }
        }
    }

    /// Validates a string after its `"` without decoding it (for the edge scanner).
    #[cfg(feature = "edge")]
    pub fn skip_string(&mut self) -> Lexed<()> {
        loop {
            let rest = self.bytes.get(self.at..).unwrap_or_default();
            let Some(n) = special(rest) else {
                self.at = self.bytes.len();
                return Err("unterminated string");
            };
            self.at += n;
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.at += 1;
                    match self.peek() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.at += 1
                        }
                        Some(b'u') => {
                            self.at += 1;
                            self.hex4()?;
                        }
                        _ => return Err("invalid escape"),
                    }
                }
                _ => return Err("control character in a string"),
            }
        }
    }

    /// One escape after its `\`; `None` for a lone surrogate. A high surrogate not followed by
    /// a low one stands alone, and the escape after it is read on its own (as `JSON.parse`).
    fn escape(&mut self) -> Lexed<Option<char>> {
        let Some(b) = self.peek() else {
            return Err("unterminated string");
        };
        self.at += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = self.hex4()?;
                if !(0xd800..0xdc00).contains(&high) {
                    // A BMP character, or a lone low surrogate.
                    return Ok(char::from_u32(high));
                }
                if self.bytes.get(self.at..self.at + 2) != Some(b"\\u") {
                    return Ok(None);
                }
                let save = self.at;
                self.at += 2;
                let low = self.hex4()?;
                if !(0xdc00..0xe000).contains(&low) {
                    self.at = save;
                    return Ok(None);
                }
                return Ok(char::from_u32(
                    0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00),
                ));
            }
            _ => return Err("invalid escape"),
        };
        Ok(Some(c))
    }

    fn hex4(&mut self) -> Lexed<u32> {
        let mut value = 0u32;
        for _ in 0..4 {
            let digit = self
                .peek()
                .and_then(|b| char::from(b).to_digit(16))
                .ok_or("invalid `\\u` escape")?;
            value = value * 16 + digit;
            self.at += 1;
        }
        Ok(value)
    }
}

/// The index of the first `"`, `\\` or control character (below 0x20) in `bytes`: where a
/// string's plain run ends. Eight bytes at a time (SWAR: each test flags a byte by its high
/// bit); the last few bytes one by one.
#[inline(always)]
pub(crate) fn special(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut offset = 0;
    for chunk in bytes.chunks_exact(8) {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let x = u64::from_le_bytes(word);
        let quote = x ^ (ONES * u64::from(b'"'));
        let backslash = x ^ (ONES * u64::from(b'\\'));
        // Bytes equal to zero (after the xor), or below 0x20; never misses one.
        let hits = (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (x.wrapping_sub(ONES * 0x20) & !x);
        let hits = hits & HIGH;
        if hits != 0 {
            // Below the first true hit no borrow has crossed a byte, so the lowest flag is exact.
            return Some(offset + (hits.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    let tail = bytes.get(offset..)?;
    tail.iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map(|n| offset + n)
}

/// Reads the members of one of the crate's records (a header, a JWK, a payload, ...): every
/// member is taken by name (moved out, not copied), other members are ignored, and a member
/// this reader takes may appear once. Errors carry `code` and are worded about `what` (`the
/// payload`, `key 2 of the JWKS`).
pub struct Fields<'t, 'w> {
    members: Vec<(Cow<'t, str>, Value<'t>)>,
    code: ErrorCode,
    what: &'w str,
}

impl<'t, 'w> Fields<'t, 'w> {
    pub fn new(value: Value<'t>, code: ErrorCode, what: &'w str) -> Result<Self> {
        match value {
            Value::Object(members) => Ok(Fields {
                members,
                code,
                what,
            }),
            other => err(
                code,
                format!("{what} must be an object, not {}", other.kind()),
            ),
        }
    }

    fn fail<T>(&self, message: String) -> Result<T> {
        err(self.code, format!("{}: {message}", self.what))
    }

    /// Takes the member, if present (even as `null`). Take each name once.
    pub fn take(&mut self, name: &str) -> Result<Option<Value<'t>>> {
        let mut found = self.members.iter_mut().filter(|(k, _)| k == name);
        let first = found.next().map(|(_, v)| std::mem::replace(v, Value::Null));
        if found.next().is_some() {
            return self.fail(format!("member `{name}` appears more than once"));
        }
        Ok(first)
    }

    /// Takes the member unless it is missing or `null`.
    pub fn optional(&mut self, name: &str) -> Result<Option<Value<'t>>> {
        Ok(self.take(name)?.filter(|v| *v != Value::Null))
    }

    fn wrong<T>(&self, name: &str, expected: &str, found: &Value<'_>) -> Result<T> {
        self.fail(format!("`{name}` must be {expected}, not {}", found.kind()))
    }

    fn required(&mut self, name: &str, expected: &str) -> Result<Value<'t>> {
        match self.take(name)? {
            Some(value) => Ok(value),
            None => self.fail(format!("`{name}` ({expected}) is missing")),
        }
    }

    fn string_of(&self, name: &str, value: Value<'t>) -> Result<String> {
        match value {
            Value::String(s) => Ok(s.into_owned()),
            other => self.wrong(name, "a string", &other),
        }
    }

    /// A string member that must be present.
    pub fn string(&mut self, name: &str) -> Result<String> {
        let value = self.required(name, "a string")?;
        self.string_of(name, value)
    }

    /// A string member that may be missing or `null`.
    pub fn opt_string(&mut self, name: &str) -> Result<Option<String>> {
        match self.optional(name)? {
            Some(value) => self.string_of(name, value).map(Some),
            None => Ok(None),
        }
    }

    /// An array of strings.
    pub fn strings_of(&self, name: &str, value: Value<'t>) -> Result<Vec<String>> {
        let Value::Array(items) = value else {
            return self.wrong(name, "an array of strings", &value);
        };
        items
            .into_iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.into_owned()),
                other => self.fail(format!(
                    "`{name}` must hold only strings, not {}",
                    other.kind()
                )),
            })
            .collect()
    }

    /// An array of strings that must be present.
    pub fn strings(&mut self, name: &str) -> Result<Vec<String>> {
        let value = self.required(name, "an array of strings")?;
        self.strings_of(name, value)
    }

    /// An array of strings that may be missing (empty then); `null` is refused.
    pub fn strings_or_empty(&mut self, name: &str) -> Result<Vec<String>> {
        match self.take(name)? {
            Some(value) => self.strings_of(name, value),
            None => Ok(Vec::new()),
        }
    }

    fn integer_of(&self, name: &str, value: &Value<'_>) -> Result<i64> {
        match value.as_i64() {
            Some(n) => Ok(n),
            None => self.wrong(name, "an integer", value),
        }
    }

    /// An integer member (within `i64`) that must be present.
    pub fn integer(&mut self, name: &str) -> Result<i64> {
        let value = self.required(name, "an integer")?;
        self.integer_of(name, &value)
    }

    /// An integer member that may be missing or `null`.
    pub fn opt_integer(&mut self, name: &str) -> Result<Option<i64>> {
        match self.optional(name)? {
            Some(value) => self.integer_of(name, &value).map(Some),
            None => Ok(None),
        }
    }

    /// A boolean member; `default` when missing, `null` refused.
    pub fn boolean(&mut self, name: &str, default: Option<bool>) -> Result<bool> {
        match (self.take(name)?, default) {
            (Some(Value::Bool(b)), _) => Ok(b),
            (Some(other), _) => self.wrong(name, "a boolean", &other),
            (None, Some(default)) => Ok(default),
            (None, None) => self.fail(format!("`{name}` (a boolean) is missing")),
        }
    }

    /// An array member of records, each read by `read` with its index; empty when missing,
    /// `null` refused.
    pub fn records<T>(
        &mut self,
        name: &str,
        mut read: impl FnMut(Value<'t>, usize) -> Result<T>,
    ) -> Result<Vec<T>> {
        match self.take(name)? {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| read(item, i))
                .collect(),
            Some(other) => self.wrong(name, "an array", &other),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

    use super::*;

    /// A seeded generator (xorshift), so every run checks the same texts.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    /// Our value as serde_json's (numbers compared as f64, objects by their last duplicate).
    fn same(ours: &Value<'_>, theirs: &serde_json::Value) -> bool {
        use serde_json::Value as J;
        match (ours, theirs) {
            (Value::Null, J::Null) => true,
            (Value::Bool(a), J::Bool(b)) => a == b,
            // serde_json's default float parsing may be off by an ulp; the text is what counts.
            (Value::Number(a), J::Number(b)) => match (a.parse::<f64>(), b.as_f64()) {
                (Ok(a), Some(b)) => a == b || (a - b).abs() <= a.abs() * 1e-15,
                _ => false,
            },
            (Value::String(a), J::String(b)) => a == b,
            (Value::Array(a), J::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
            }
            (Value::Object(a), J::Object(b)) => {
                b.iter()
                    .all(|(k, v)| ours.get(k).is_some_and(|o| same(o, v)))
                    && a.iter().all(|(k, _)| b.contains_key(&**k))
            }
            _ => false,
        }
    }

    /// Pieces JSON text is made of, valid and not, for the generator below.
    const PIECES: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        " ",
        "\n",
        "\"",
        "\"a\"",
        "\"\\u00e9\"",
        "\"\\ud83d\\ude00\"",
        "\"\\ud83d\"",
        "\"\\x\"",
        "\"\\/\"",
        "\"\t\"",
        "\"é\"",
        "0",
        "-0",
        "01",
        "1.5",
        "1.",
        ".5",
        "1e5",
        "1E+5",
        "1e-5",
        "1e",
        "-",
        "+1",
        "123456789012345678901234567890",
        "true",
        "false",
        "null",
        "nul",
        "tru",
        "\u{0}",
        "\u{feff}",
        "{\"k\":1}",
        "[1,2]",
        "{\"k\":1,}",
        "[1,]",
        "\"a\":",
        "//",
        "NaN",
    ];

    #[test]
    fn accepts_and_reads_what_serde_json_does() {
        let mut rng = Rng(0x5eed_1502);
        let mut checked = [0usize; 2];
        for round in 0..200_000 {
            let n = 1 + rng.below(12);
            let text: String = (0..n).map(|_| PIECES[rng.below(PIECES.len())]).collect();
            let ours = parse(text.as_bytes());
            let theirs = serde_json::from_str::<serde_json::Value>(&text);
            match (&ours, &theirs) {
                (Ok(o), Ok(t)) => {
                    assert!(
                        same(o, t),
                        "round {round}: {text:?} read as {o:?}, serde_json {t}"
                    );
                    // What we write reads back as the same value.
                    assert_eq!(parse(o.to_json().as_bytes()).as_ref(), Ok(o), "{text:?}");
                    checked[0] += 1;
                }
                (Err(_), Err(_)) => checked[1] += 1,
                // The one difference, on purpose: numbers an f64 cannot hold are read (as
                // JSON.parse reads them, as Infinity), where serde_json refuses them.
                (Ok(_), Err(e)) if e.to_string().starts_with("number out of range") => {}
                _ => panic!("round {round}: {text:?}: ours {ours:?}, serde_json {theirs:?}"),
            }
        }
        // The generator must exercise both sides.
        assert!(checked[0] > 5_000 && checked[1] > 5_000, "{checked:?}");
    }

    #[test]
    fn writes_strings_as_serde_json_does() {
        let mut rng = Rng(7);
        for _ in 0..20_000 {
            let s: String = (0..rng.below(8))
                .map(|_| char::from_u32(rng.below(0x130) as u32).unwrap_or('x'))
                .collect();
            let mut out = String::new();
            quote(&s, &mut out);
            assert_eq!(out, serde_json::to_string(&s).unwrap());
        }
    }

    #[test]
    fn nests_as_deep_as_serde_json() {
        for depth in [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1] {
            let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            assert_eq!(
                parse(text.as_bytes()).is_ok(),
                serde_json::from_str::<serde_json::Value>(&text).is_ok(),
                "depth {depth}"
            );
        }
    }

    #[test]
    fn reads_and_writes_values_keeping_number_text_and_member_order() {
        let text = r#" {"b":[1,-0.5e+3,2E-2,true,false,null],"a":"x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00","b":{}} "#;
        let value = parse(text.as_bytes()).unwrap();
        assert_eq!(
            value.to_json(),
            "{\"b\":[1,-0.5e+3,2E-2,true,false,null],\"a\":\"x\\\"\\\\/\\b\\f\\n\\r\\té😀\",\"b\":{}}"
        );
        assert_eq!(value.get("b"), Some(&Value::Object(Vec::new())));
        assert_eq!(
            value.get("a").and_then(Value::as_str),
            Some("x\"\\/\u{8}\u{c}\n\r\té😀")
        );
    }

    #[test]
    fn borrows_text_without_escapes() {
        let value = parse(br#"{"plain":"abc","escaped":"a\u0062c","n":-1.5}"#).unwrap();
        let Value::Object(members) = &value else {
            panic!("not an object")
        };
        assert!(members.iter().all(|(k, _)| matches!(k, Cow::Borrowed(_))));
        assert!(matches!(
            value.get("plain"),
            Some(Value::String(Cow::Borrowed("abc")))
        ));
        assert!(matches!(value.get("escaped"), Some(Value::String(Cow::Owned(s))) if s == "abc"));
        assert!(matches!(
            value.get("n"),
            Some(Value::Number(Cow::Borrowed("-1.5")))
        ));
        assert_eq!(value.clone().into_owned(), value);
    }

    #[test]
    fn refuses_what_rfc_8259_refuses() {
        for bad in [
            "",
            " ",
            "[1,]",
            "{\"a\":1,}",
            "[01]",
            "[1.]",
            "[.5]",
            "[1e]",
            "[-]",
            "[+1]",
            "'a'",
            "{a:1}",
            "[\"\\x\"]",
            "[\"\\ud800\"]",
            "[\"\\udc00\"]",
            "[\"\\ud800\\u0041\"]",
            "[\"a\nb\"]",
            "nul",
            "[1] 2",
            "\u{feff}[]",
            "{\"a\" 1}",
            "[\"\\u12\"]",
            "[NaN]",
            "[Infinity]",
            "[1 2]",
            "/* */ 1",
        ] {
            assert!(parse(bad.as_bytes()).is_err(), "{bad:?} was accepted");
        }
        assert!(parse(b"[\"\xff\"]").is_err());
    }

    #[test]
    fn bounds_nesting_without_deep_recursion() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(ok.as_bytes()).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(parse(deep.as_bytes()).unwrap_err().contains("nested"));
        let very_deep = "[{\"a\":".repeat(100_000);
        assert!(parse(very_deep.as_bytes()).is_err());
    }

    #[test]
    fn integers_are_integers_only() {
        let read = |t: &str| parse(t.as_bytes()).unwrap().as_i64();
        assert_eq!(read("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(read("9223372036854775808"), None);
        assert_eq!(read("1.0"), None);
        assert_eq!(read("1e3"), None);
        assert_eq!(read("\"1\""), None);
    }

    #[test]
    fn fields_refuse_duplicates_and_wrong_types_with_the_code() {
        let value = parse(br#"{"a":"x","a":"y","n":null,"i":1.5,"s":["a",1],"b":null}"#).unwrap();
        let mut fields = Fields::new(value, ErrorCode::JwksInvalid, "the key").unwrap();
        let e = fields.string("a").unwrap_err();
        assert_eq!(e.code, ErrorCode::JwksInvalid);
        assert_eq!(e.message, "the key: member `a` appears more than once");
        assert_eq!(
            fields.string("n").unwrap_err().message,
            "the key: `n` must be a string, not null"
        );
        assert_eq!(
            fields.string("m").unwrap_err().message,
            "the key: `m` (a string) is missing"
        );
        assert!(fields.integer("i").is_err());
        assert!(fields.strings("s").is_err());
        assert_eq!(fields.strings_or_empty("m").unwrap(), Vec::<String>::new());
        assert!(fields.boolean("b", Some(false)).is_err());
        let value = parse(br#"{"n":null,"l":null}"#).unwrap();
        let mut fields = Fields::new(value, ErrorCode::JwksInvalid, "the key").unwrap();
        assert_eq!(fields.opt_string("n").unwrap(), None);
        assert!(fields.strings_or_empty("l").is_err());
        assert!(Fields::new(Value::Array(Vec::new()), ErrorCode::JwksInvalid, "the key").is_err());
    }
}
