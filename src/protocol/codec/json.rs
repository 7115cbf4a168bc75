//! cty's JSON encoding: how Terraform stores state (`UpgradeResourceState.raw_state.json`) and
//! the fallback form of `DynamicValue`.
//!
//! JSON has no unknowns. Values in `dynamic` positions are `{"value": …, "type": …}`. Numbers can
//! exceed float64 precision, so this module reads JSON with its own small parser that keeps each
//! number's text, instead of letting serde_json round it. Attributes missing from an object are
//! null (Terraform strips attributes a newer schema dropped, and older state may lack new ones);
//! attributes the type does not know are ignored.

use super::msgpack::{type_name, value_kind};
use super::CodecError;
use crate::framework::{Number, PathStep, Type, Value};
use std::collections::BTreeMap;

/// Deeper JSON than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 256;

/// Decodes a JSON document holding one value of type `ty`.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    let json = parse(bytes)?;
    let mut path = Vec::new();
    to_value(&json, ty, &mut path)
}

/// Encodes a wholly known value of type `ty` as cty JSON.
pub fn encode(value: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    let mut out = String::new();
    let mut path = Vec::new();
    write_value(&mut out, value, ty, &mut path)?;
    Ok(out.into_bytes())
}

/// A parsed JSON document; numbers keep their text, objects keep their order.
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "bool",
            Json::Number(_) => "number",
            Json::String(_) => "string",
            Json::Array(_) => "array",
            Json::Object(_) => "object",
        }
    }
}

fn parse(bytes: &[u8]) -> Result<Json, CodecError> {
    let mut parser = Parser {
        input: bytes,
        pos: 0,
    };
    parser.whitespace();
    let json = parser.value(0)?;
    parser.whitespace();
    if parser.pos != bytes.len() {
        return Err(parser.error("unexpected characters after the JSON value"));
    }
    Ok(json)
}

struct Parser<'a> {
    input: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, message: &str) -> CodecError {
        CodecError::new(&[], format!("invalid JSON at byte {}: {message}", self.pos))
    }

    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    fn whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), CodecError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected '{}'", byte as char)))
        }
    }

    fn literal(&mut self, word: &str, json: Json) -> Result<Json, CodecError> {
        if self.input[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(json)
        } else {
            Err(self.error("unexpected characters"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, CodecError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        match self.peek() {
            None => Err(self.error("unexpected end of input")),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'"') => self.string().map(Json::String),
            Some(b'[') => {
                let mut items = Vec::new();
                self.sequence(b']', |parser| {
                    items.push(parser.value(depth + 1)?);
                    Ok(())
                })?;
                Ok(Json::Array(items))
            }
            Some(b'{') => {
                let mut entries = Vec::new();
                self.sequence(b'}', |parser| {
                    let key = parser.string()?;
                    parser.whitespace();
                    parser.expect(b':')?;
                    parser.whitespace();
                    entries.push((key, parser.value(depth + 1)?));
                    Ok(())
                })?;
                Ok(Json::Object(entries))
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("unexpected character")),
        }
    }

    /// Reads the comma-separated items of an array or object, from its opening bracket to
    /// `close`, with `item` reading each one.
    fn sequence(
        &mut self,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Result<(), CodecError>,
    ) -> Result<(), CodecError> {
        self.pos += 1;
        self.whitespace();
        if self.peek() == Some(close) {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.whitespace();
            item(self)?;
            self.whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(c) if c == close => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => {
                    let expected = format!("expected ',' or '{}'", char::from(close));
                    return Err(self.error(&expected));
                }
            }
        }
    }

    fn number(&mut self) -> Result<Json, CodecError> {
        let start = self.pos;
        let digits = |parser: &mut Self| {
            let from = parser.pos;
            while matches!(parser.peek(), Some(b'0'..=b'9')) {
                parser.pos += 1;
            }
            parser.pos > from
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        if !digits(self) {
            return Err(self.error("invalid number"));
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !digits(self) {
                return Err(self.error("invalid number"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.error("invalid number"));
            }
        }
        // Only ASCII was consumed, so this cannot fail.
        let text = std::str::from_utf8(&self.input[start..self.pos]).unwrap_or_default();
        Ok(Json::Number(text.to_owned()))
    }

    fn hex4(&mut self) -> Result<u32, CodecError> {
        let digits = self
            .input
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.error("truncated \\u escape"))?;
        // from_str_radix alone would take a leading sign ("\\u+04F"); JSON allows only digits.
        if !digits.iter().all(u8::is_ascii_hexdigit) {
            return Err(self.error("invalid \\u escape"));
        }
        let text = std::str::from_utf8(digits).map_err(|_| self.error("invalid \\u escape"))?;
        let code = u32::from_str_radix(text, 16).map_err(|_| self.error("invalid \\u escape"))?;
        self.pos += 4;
        Ok(code)
    }

    fn string(&mut self) -> Result<String, CodecError> {
        self.expect(b'"')?;
        let mut out = Vec::new();
        loop {
            let Some(byte) = self.peek() else {
                return Err(self.error("unterminated string"));
            };
            self.pos += 1;
            match byte {
                b'"' => break,
                b'\\' => {
                    let Some(escape) = self.peek() else {
                        return Err(self.error("unterminated string"));
                    };
                    self.pos += 1;
                    let ch = match escape {
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
                            let code = if (0xD800..0xDC00).contains(&high) {
                                if !self.input[self.pos..].starts_with(b"\\u") {
                                    return Err(self.error("unpaired surrogate"));
                                }
                                self.pos += 2;
                                let low = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&low) {
                                    return Err(self.error("unpaired surrogate"));
                                }
                                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                high
                            };
                            char::from_u32(code).ok_or_else(|| self.error("invalid \\u escape"))?
                        }
                        _ => return Err(self.error("invalid escape")),
                    };
                    let mut buffer = [0; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buffer).as_bytes());
                }
                0x00..=0x1f => return Err(self.error("control character in string")),
                _ => out.push(byte),
            }
        }
        String::from_utf8(out).map_err(|_| self.error("string is not valid UTF-8"))
    }
}

fn mismatch(path: &[PathStep], ty: &Type, json: &Json) -> CodecError {
    CodecError::new(
        path,
        format!("expected {}, found JSON {}", type_name(ty), json.kind()),
    )
}

fn to_value(json: &Json, ty: &Type, path: &mut Vec<PathStep>) -> Result<Value, CodecError> {
    if *json == Json::Null {
        return Ok(Value::Null);
    }
    match (ty, json) {
        (Type::Bool, Json::Bool(b)) => Ok(Value::Bool(*b)),
        (Type::Number, Json::Number(text)) => Number::parse(text)
            .map(Value::Number)
            .ok_or_else(|| CodecError::new(path, "invalid number")),
        (Type::String, Json::String(s)) => Ok(Value::String(s.clone())),
        (Type::List(element), Json::Array(items)) => {
            elements(items, element, path).map(Value::List)
        }
        (Type::Set(element), Json::Array(items)) => elements(items, element, path).map(Value::Set),
        (Type::Tuple(types), Json::Array(items)) => {
            if types.len() != items.len() {
                return Err(CodecError::new(
                    path,
                    format!(
                        "tuple has {} elements, its type has {}",
                        items.len(),
                        types.len()
                    ),
                ));
            }
            let mut values = Vec::with_capacity(items.len());
            for (i, (item, element)) in items.iter().zip(types).enumerate() {
                path.push(PathStep::ElementKeyInt(i as i64));
                values.push(to_value(item, element, path)?);
                path.pop();
            }
            Ok(Value::Tuple(values))
        }
        (Type::Map(element), Json::Object(entries)) => {
            let mut map = BTreeMap::new();
            for (key, item) in entries {
                path.push(PathStep::ElementKeyString(key.clone()));
                if map
                    .insert(key.clone(), to_value(item, element, path)?)
                    .is_some()
                {
                    return Err(CodecError::new(path, "duplicate map key"));
                }
                path.pop();
            }
            Ok(Value::Map(map))
        }
        (Type::Object { attributes, .. }, Json::Object(entries)) => {
            let mut object = BTreeMap::new();
            for (name, attribute_type) in attributes {
                let item = entries.iter().find(|(k, _)| k == name).map(|(_, v)| v);
                path.push(PathStep::Attribute(name.clone()));
                let value = match item {
                    Some(item) => to_value(item, attribute_type, path)?,
                    None => Value::Null,
                };
                path.pop();
                object.insert(name.clone(), value);
            }
            Ok(Value::Object(object))
        }
        (Type::Dynamic, Json::Object(entries)) => {
            let field = |name: &str| entries.iter().find(|(k, _)| k == name).map(|(_, v)| v);
            let (Some(type_json), Some(value_json)) = (field("type"), field("value")) else {
                return Err(CodecError::new(
                    path,
                    "a dynamic value must be an object with \"value\" and \"type\"",
                ));
            };
            let ty = Type::from_json(&to_serde(type_json))
                .ok_or_else(|| CodecError::new(path, "invalid type in dynamic value"))?;
            if ty == Type::Dynamic {
                return to_value(value_json, &ty, path);
            }
            let inner = to_value(value_json, &ty, path)?;
            Ok(Value::Dynamic(Box::new(ty), Box::new(inner)))
        }
        _ => Err(mismatch(path, ty, json)),
    }
}

fn elements(
    items: &[Json],
    element: &Type,
    path: &mut Vec<PathStep>,
) -> Result<Vec<Value>, CodecError> {
    let mut values = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        path.push(PathStep::ElementKeyInt(i as i64));
        values.push(to_value(item, element, path)?);
        path.pop();
    }
    Ok(values)
}

/// Type syntax never holds numbers that matter, so serde_json's representation is fine there.
fn to_serde(json: &Json) -> serde_json::Value {
    match json {
        Json::Null => serde_json::Value::Null,
        Json::Bool(b) => serde_json::Value::Bool(*b),
        Json::Number(text) => serde_json::from_str(text).unwrap_or(serde_json::Value::Null),
        Json::String(s) => serde_json::Value::String(s.clone()),
        Json::Array(items) => serde_json::Value::Array(items.iter().map(to_serde).collect()),
        Json::Object(entries) => serde_json::Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), to_serde(v)))
                .collect(),
        ),
    }
}

fn write_string(out: &mut String, text: &str) {
    // serde_json escapes exactly as JSON requires; serialising a &str cannot fail.
    out.push_str(&serde_json::to_string(text).unwrap_or_default());
}

fn write_value(
    out: &mut String,
    value: &Value,
    ty: &Type,
    path: &mut Vec<PathStep>,
) -> Result<(), CodecError> {
    match (ty, value) {
        (_, Value::Unknown(_)) => Err(CodecError::new(path, "JSON cannot hold unknown values")),
        (Type::Dynamic, Value::Dynamic(inner_type, inner)) => {
            out.push_str("{\"value\":");
            write_value(out, inner, inner_type, path)?;
            out.push_str(",\"type\":");
            out.push_str(&inner_type.to_json().to_string());
            out.push('}');
            Ok(())
        }
        (_, Value::Null) => {
            out.push_str("null");
            Ok(())
        }
        (Type::Bool, Value::Bool(b)) => {
            out.push_str(if *b { "true" } else { "false" });
            Ok(())
        }
        (Type::Number, Value::Number(n)) => {
            if n.is_infinite() || matches!(n, Number::Float(f) if f.is_nan()) {
                return Err(CodecError::new(path, "JSON cannot hold infinite numbers"));
            }
            out.push_str(&n.decimal_text());
            Ok(())
        }
        (Type::String, Value::String(s)) => {
            write_string(out, s);
            Ok(())
        }
        (Type::List(element), Value::List(items)) | (Type::Set(element), Value::Set(items)) => {
            let element: &Type = element;
            let members = items
                .iter()
                .enumerate()
                .map(|(i, item)| (None, PathStep::ElementKeyInt(i as i64), Some(item), element));
            write_members(out, ['[', ']'], members, path)
        }
        (Type::Tuple(types), Value::Tuple(items)) if types.len() == items.len() => {
            let members =
                items.iter().zip(types).enumerate().map(|(i, (item, ty))| {
                    (None, PathStep::ElementKeyInt(i as i64), Some(item), ty)
                });
            write_members(out, ['[', ']'], members, path)
        }
        (Type::Map(element), Value::Map(entries)) => {
            let element: &Type = element;
            let members = entries.iter().map(|(key, item)| {
                let step = PathStep::ElementKeyString(key.clone());
                (Some(key.as_str()), step, Some(item), element)
            });
            write_members(out, ['{', '}'], members, path)
        }
        (Type::Object { attributes, .. }, Value::Object(entries)) => {
            if let Some(extra) = entries.keys().find(|name| !attributes.contains_key(*name)) {
                path.push(PathStep::Attribute(extra.clone()));
                return Err(CodecError::new(path, "attribute is not part of the type"));
            }
            let members = attributes.iter().map(|(name, ty)| {
                let step = PathStep::Attribute(name.clone());
                (Some(name.as_str()), step, entries.get(name), ty)
            });
            write_members(out, ['{', '}'], members, path)
        }
        _ => Err(CodecError::new(
            path,
            format!("expected {}, found {}", type_name(ty), value_kind(value)),
        )),
    }
}

/// One member of a JSON array or object: its key (objects only), its path step, its value
/// (`None` for an attribute the object lacks) and its type.
type Member<'a> = (Option<&'a str>, PathStep, Option<&'a Value>, &'a Type);

/// A JSON array or object of `members` between `brackets`, each written as its type.
fn write_members<'a>(
    out: &mut String,
    brackets: [char; 2],
    members: impl Iterator<Item = Member<'a>>,
    path: &mut Vec<PathStep>,
) -> Result<(), CodecError> {
    out.push(brackets[0]);
    for (i, (key, step, item, ty)) in members.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if let Some(key) = key {
            write_string(out, key);
            out.push(':');
        }
        path.push(step);
        let item = item.ok_or_else(|| CodecError::new(path, "missing attribute"))?;
        write_value(out, item, ty, path)?;
        path.pop();
    }
    out.push(brackets[1]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::AttributePath;

    fn state_type() -> Type {
        Type::object([
            ("id", Type::String),
            ("count", Type::Number),
            ("enabled", Type::Bool),
            ("claims", Type::list(Type::String)),
            ("groups", Type::set(Type::String)),
            ("labels", Type::map(Type::String)),
            (
                "config",
                Type::object([("client_id", Type::String), ("pkce", Type::Bool)]),
            ),
            ("pair", Type::Tuple(vec![Type::String, Type::Number])),
            ("extra", Type::Dynamic),
        ])
    }

    #[test]
    fn decodes_state_json() {
        let json = br#"{
            "id": "abc", "count": 123456789012345678901234567890.5, "enabled": true,
            "claims": ["email", null], "groups": ["a"], "labels": {"env": "prod \u00e9\ud83d\ude00"},
            "config": {"client_id": "x"}, "pair": ["k", -1e2],
            "extra": {"value": [["deep"]], "type": ["list", ["list", "string"]]},
            "removed_attribute": {"anything": [1, 2]}
        }"#;
        let value = decode(json, &state_type()).unwrap();
        assert_eq!(
            value.attr("count"),
            &Value::Number(Number::Decimal("123456789012345678901234567890.5".into()))
        );
        assert_eq!(
            value.attr("labels").as_entries().unwrap()["env"],
            Value::from("prod é😀")
        );
        // An attribute absent from the JSON is null; one absent from the schema is ignored.
        assert!(value.attr("config").attr("pkce").is_null());
        assert!(value.attr("removed_attribute").is_null());
        assert_eq!(
            value.attr("pair").as_elements().unwrap()[1],
            Value::Number(Number::Int(-100))
        );
        assert_eq!(
            value.attr("extra"),
            &Value::Dynamic(
                Box::new(Type::list(Type::list(Type::String))),
                Box::new(Value::List(vec![Value::List(vec!["deep".into()])]))
            )
        );
        // And back again: the JSON form round trips through both codecs.
        let encoded = encode(&value, &state_type()).unwrap();
        assert_eq!(decode(&encoded, &state_type()), Ok(value.clone()));
        let msgpack = super::super::msgpack::encode(&value, &state_type()).unwrap();
        assert_eq!(
            super::super::msgpack::decode(&msgpack, &state_type()),
            Ok(value)
        );
    }

    #[test]
    fn keeps_number_precision() {
        let cases = [
            ("18446744073709551615", Number::UInt(u64::MAX)),
            ("-1", Number::Int(-1)),
            ("0.1", Number::Decimal("0.1".into())),
            ("2.5", Number::Float(2.5)),
            ("1e400", Number::Decimal("1e400".into())),
        ];
        for (text, expected) in cases {
            let value = decode(text.as_bytes(), &Type::Number).unwrap();
            let Value::Number(n) = &value else {
                panic!("{text}: not a number");
            };
            assert_eq!(n, &expected, "{text}");
            assert_eq!(n.decimal_text(), expected.decimal_text(), "{text}");
        }
        let encoded = encode(
            &Value::Number(Number::Decimal("123456789012345678901.25".into())),
            &Type::Number,
        )
        .unwrap();
        assert_eq!(encoded, b"123456789012345678901.25");
    }

    #[test]
    fn rejects_malformed_json() {
        let cases: Vec<(&str, &[u8], Type, &str, AttributePath)> = vec![
            (
                "truncated",
                b"{\"id\": \"a",
                state_type(),
                "unterminated",
                AttributePath::root(),
            ),
            (
                "trailing",
                b"\"a\" x",
                Type::String,
                "after the JSON value",
                AttributePath::root(),
            ),
            (
                "bad literal",
                b"tru",
                Type::Bool,
                "unexpected",
                AttributePath::root(),
            ),
            (
                "leading plus",
                b"+1",
                Type::Number,
                "unexpected character",
                AttributePath::root(),
            ),
            (
                "signed unicode escape",
                b"\"\\u+041\"",
                Type::String,
                "invalid \\u escape",
                AttributePath::root(),
            ),
            (
                "bare dot",
                b"1.",
                Type::Number,
                "invalid number",
                AttributePath::root(),
            ),
            (
                "mismatch",
                b"{\"enabled\": \"yes\"}",
                state_type(),
                "expected bool, found JSON string",
                AttributePath::attribute("enabled"),
            ),
            (
                "dynamic without type",
                b"{\"value\": 1}",
                Type::Dynamic,
                "\"value\" and \"type\"",
                AttributePath::root(),
            ),
            (
                "lone surrogate",
                b"\"\\ud83d\"",
                Type::String,
                "surrogate",
                AttributePath::root(),
            ),
            (
                "control character",
                b"\"a\nb\"",
                Type::String,
                "control",
                AttributePath::root(),
            ),
            (
                "empty",
                b"",
                Type::String,
                "end of input",
                AttributePath::root(),
            ),
        ];
        for (name, bytes, ty, message, path) in cases {
            let error = decode(bytes, &ty).expect_err(name);
            assert!(error.message.contains(message), "{name}: {}", error.message);
            assert_eq!(error.path, path, "{name}");
        }
        let deep = "[".repeat(10_000);
        assert!(decode(deep.as_bytes(), &Type::Dynamic).is_err());
    }

    #[test]
    fn unknowns_cannot_be_json() {
        let error = encode(
            &Value::object([("a", Value::unknown())]),
            &Type::object([("a", Type::String)]),
        )
        .unwrap_err();
        assert_eq!(error.path, AttributePath::attribute("a"));
    }
}
