//! cty's msgpack encoding, the form Terraform uses for almost every `DynamicValue`.
//!
//! The rules follow go-cty's `cty/msgpack` package: null is nil whatever the type; any ext value
//! is an unknown (ext 12 carries refinements); numbers travel as the most compact int, as a
//! float64 when one holds the value exactly, or as decimal text; objects are maps holding every
//! attribute; values in `dynamic` positions are `[bin(type JSON), value]` pairs.
//!
//! Decoding never panics and never trusts lengths in the input: every malformed or mistyped
//! input becomes a [`CodecError`] naming the path where it went wrong.

use super::CodecError;
use crate::framework::{Number, PathStep, Refinements, Type, Value};
use rmp::Marker;

/// The ext type cty writes for an unknown with no refinements.
const EXT_UNKNOWN: i8 = 0;
/// The ext type cty writes for an unknown that carries refinements.
const EXT_REFINED_UNKNOWN: i8 = 12;
/// Refinement map keys (cty `msgpack/unknown.go`).
const REFINE_NULLNESS: i64 = 1;
const REFINE_STRING_PREFIX: i64 = 2;
const REFINE_NUMBER_LOWER: i64 = 3;
const REFINE_NUMBER_UPPER: i64 = 4;
const REFINE_LENGTH_LOWER: i64 = 5;
const REFINE_LENGTH_UPPER: i64 = 6;
/// cty never sends a longer string prefix than this.
const MAX_PREFIX_BYTES: usize = 256;

/// Decodes one value of type `ty`. The input must hold exactly that value and nothing after it.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    let mut decoder = Decoder::new(bytes);
    let value = decoder.value(ty)?;
    if decoder.pos != bytes.len() {
        return Err(decoder.error(format!(
            "{} unexpected bytes after the value",
            bytes.len() - decoder.pos
        )));
    }
    Ok(value)
}

/// Encodes a value of type `ty`. Fails when the value does not conform to the type.
pub fn encode(value: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    let mut encoder = Encoder::default();
    encoder.value(value, ty)?;
    Ok(encoder.out)
}

/// Deeper values than this are refused rather than risking the stack (a debug build spends some
/// KiB of it per level, and tokio workers have 2 MiB). Types nest only as deep
/// as a schema says, but a value in a `dynamic` position brings its own type, which could
/// otherwise nest as deep as the input is long.
const MAX_DEPTH: usize = 64;

struct Decoder<'a> {
    input: &'a [u8],
    pos: usize,
    path: Vec<PathStep>,
    /// Values entered and not yet finished.
    depth: usize,
}

impl<'a> Decoder<'a> {
    fn new(input: &'a [u8]) -> Self {
        Self {
            input,
            pos: 0,
            path: Vec::new(),
            depth: 0,
        }
    }

    fn error(&self, message: impl Into<String>) -> CodecError {
        CodecError::new(&self.path, message)
    }

    fn remaining(&self) -> usize {
        self.input.len() - self.pos
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], CodecError> {
        if n > self.remaining() {
            return Err(self.error("unexpected end of input"));
        }
        let bytes = &self.input[self.pos..self.pos + n];
        self.pos += n;
        Ok(bytes)
    }

    fn take_array<const N: usize>(&mut self) -> Result<[u8; N], CodecError> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn peek_marker(&self) -> Result<Marker, CodecError> {
        match self.input.get(self.pos) {
            Some(byte) => Ok(Marker::from_u8(*byte)),
            None => Err(self.error("unexpected end of input")),
        }
    }

    fn marker(&mut self) -> Result<Marker, CodecError> {
        let marker = self.peek_marker()?;
        self.pos += 1;
        Ok(marker)
    }

    fn u8(&mut self) -> Result<u8, CodecError> {
        Ok(self.take_array::<1>()?[0])
    }

    fn u16(&mut self) -> Result<u16, CodecError> {
        Ok(u16::from_be_bytes(self.take_array()?))
    }

    fn u32(&mut self) -> Result<u32, CodecError> {
        Ok(u32::from_be_bytes(self.take_array()?))
    }

    fn u64(&mut self) -> Result<u64, CodecError> {
        Ok(u64::from_be_bytes(self.take_array()?))
    }

    /// A length read from the input, as usize.
    fn len_from(&mut self, marker: Marker) -> Result<Option<usize>, CodecError> {
        let len = match marker {
            Marker::FixArray(n) | Marker::FixMap(n) | Marker::FixStr(n) => u32::from(n),
            Marker::Array16 | Marker::Map16 => u32::from(self.u16()?),
            Marker::Array32 | Marker::Map32 => self.u32()?,
            Marker::Str8 | Marker::Bin8 => u32::from(self.u8()?),
            Marker::Str16 | Marker::Bin16 => u32::from(self.u16()?),
            Marker::Str32 | Marker::Bin32 => self.u32()?,
            _ => return Ok(None),
        };
        Ok(Some(len as usize))
    }

    fn array_len(&mut self, expected: &str) -> Result<usize, CodecError> {
        self.collection_len("array", expected)
    }

    fn map_len(&mut self, expected: &str) -> Result<usize, CodecError> {
        self.collection_len("map", expected)
    }

    /// The length of the next item, which must be of `kind` as [`describe`] names it.
    fn collection_len(&mut self, kind: &str, expected: &str) -> Result<usize, CodecError> {
        let marker = self.marker()?;
        if describe(marker) == kind {
            Ok(self.len_from(marker)?.unwrap_or_default())
        } else {
            Err(self.mismatch(expected, marker))
        }
    }

    fn mismatch(&self, expected: &str, found: Marker) -> CodecError {
        self.error(format!("expected {expected}, found {}", describe(found)))
    }

    /// Raw bytes of a str or bin (cty reads both where it wants bytes or text).
    fn bytes(&mut self, expected: &str) -> Result<&'a [u8], CodecError> {
        let marker = self.marker()?;
        match marker {
            _ if is_str_or_bin(marker) => {
                let len = self.len_from(marker)?.unwrap_or_default();
                self.take(len)
            }
            other => Err(self.mismatch(expected, other)),
        }
    }

    fn text(&mut self, expected: &str) -> Result<String, CodecError> {
        let bytes = self.bytes(expected)?;
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(text.to_owned()),
            Err(_) => Err(self.error("string is not valid UTF-8")),
        }
    }

    fn value(&mut self, ty: &Type) -> Result<Value, CodecError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.depth += 1;
        let value = self.value_within_depth(ty);
        self.depth -= 1;
        value
    }

    fn value_within_depth(&mut self, ty: &Type) -> Result<Value, CodecError> {
        let marker = self.peek_marker()?;
        if is_ext(marker) {
            return self.unknown(ty);
        }
        if *ty == Type::Dynamic {
            return self.dynamic();
        }
        if marker == Marker::Null {
            self.pos += 1;
            return Ok(Value::Null);
        }
        match ty {
            Type::Bool => match self.marker()? {
                Marker::True => Ok(Value::Bool(true)),
                Marker::False => Ok(Value::Bool(false)),
                other => Err(self.mismatch("bool", other)),
            },
            Type::Number => self.number().map(Value::Number),
            Type::String => self.text("string").map(Value::String),
            Type::List(element) => self.elements(element).map(Value::List),
            Type::Set(element) => self.elements(element).map(Value::Set),
            Type::Tuple(elements) => {
                let len = self.array_len("tuple")?;
                if len != elements.len() {
                    return Err(self.error(format!(
                        "tuple has {len} elements, its type has {}",
                        elements.len()
                    )));
                }
                let mut items = Vec::with_capacity(len);
                for (i, element) in elements.iter().enumerate() {
                    self.path.push(PathStep::ElementKeyInt(i as i64));
                    items.push(self.value(element)?);
                    self.path.pop();
                }
                Ok(Value::Tuple(items))
            }
            Type::Map(element) => {
                let len = self.map_len("map")?;
                let mut entries = std::collections::BTreeMap::new();
                for _ in 0..len {
                    let key = self.text("map key")?;
                    self.path.push(PathStep::ElementKeyString(key.clone()));
                    let item = self.value(element)?;
                    if entries.insert(key, item).is_some() {
                        return Err(self.error("duplicate map key"));
                    }
                    self.path.pop();
                }
                Ok(Value::Map(entries))
            }
            Type::Object { attributes, .. } => {
                let len = self.map_len("object")?;
                let mut entries = std::collections::BTreeMap::new();
                for _ in 0..len {
                    let name = self.text("attribute name")?;
                    self.path.push(PathStep::Attribute(name.clone()));
                    let Some(attribute_type) = attributes.get(&name) else {
                        return Err(self.error("unsupported attribute"));
                    };
                    let item = self.value(attribute_type)?;
                    if entries.insert(name, item).is_some() {
                        return Err(self.error("duplicate attribute"));
                    }
                    self.path.pop();
                }
                if let Some(missing) = attributes.keys().find(|name| !entries.contains_key(*name)) {
                    self.path.push(PathStep::Attribute(missing.clone()));
                    return Err(self.error("missing attribute"));
                }
                Ok(Value::Object(entries))
            }
            Type::Dynamic => unreachable!("handled above"),
        }
    }

    fn elements(&mut self, element: &Type) -> Result<Vec<Value>, CodecError> {
        let len = self.array_len("collection")?;
        // Each element takes at least one byte, which bounds what a lying length can reserve.
        let mut items = Vec::with_capacity(len.min(self.remaining()));
        for i in 0..len {
            self.path.push(PathStep::ElementKeyInt(i as i64));
            items.push(self.value(element)?);
            self.path.pop();
        }
        Ok(items)
    }

    fn number(&mut self) -> Result<Number, CodecError> {
        let marker = self.marker()?;
        let number = match marker {
            Marker::FixPos(n) => Number::Int(i64::from(n)),
            Marker::FixNeg(n) => Number::Int(i64::from(n)),
            Marker::U8 => Number::Int(i64::from(self.u8()?)),
            Marker::U16 => Number::Int(i64::from(self.u16()?)),
            Marker::U32 => Number::Int(i64::from(self.u32()?)),
            Marker::U64 => {
                let n = self.u64()?;
                i64::try_from(n).map_or(Number::UInt(n), Number::Int)
            }
            Marker::I8 => Number::Int(i64::from(self.u8()? as i8)),
            Marker::I16 => Number::Int(i64::from(self.u16()? as i16)),
            Marker::I32 => Number::Int(i64::from(self.u32()? as i32)),
            Marker::I64 => Number::Int(self.u64()? as i64),
            Marker::F32 => {
                let f = f32::from_bits(self.u32()?);
                self.float(f64::from(f))?
            }
            Marker::F64 => {
                let f = f64::from_bits(self.u64()?);
                self.float(f)?
            }
            Marker::FixStr(_) | Marker::Str8 | Marker::Str16 | Marker::Str32 => {
                self.pos -= 1;
                let text = self.text("number")?;
                parse_number_text(&text).ok_or_else(|| self.error("invalid number text"))?
            }
            other => return Err(self.mismatch("number", other)),
        };
        Ok(number)
    }

    fn float(&self, f: f64) -> Result<Number, CodecError> {
        if f.is_nan() {
            return Err(self.error("NaN is not a number Terraform can hold"));
        }
        Ok(Number::Float(f))
    }

    fn dynamic(&mut self) -> Result<Value, CodecError> {
        let marker = self.marker()?;
        if marker == Marker::Null {
            return Ok(Value::Null);
        }
        self.pos -= 1;
        let len = self.array_len("a [type, value] pair for a dynamic value")?;
        if len != 2 {
            return Err(self.error(format!(
                "a dynamic value must be a [type, value] pair, found {len} elements"
            )));
        }
        let type_json = self.bytes("type JSON of a dynamic value")?;
        let ty = serde_json::from_slice(type_json)
            .ok()
            .and_then(|json| Type::from_json(&json))
            .ok_or_else(|| self.error("invalid type in dynamic value"))?;
        if ty == Type::Dynamic {
            // A value whose type is itself still dynamic carries no information to wrap.
            return self.value(&Type::Dynamic);
        }
        let inner = self.value(&ty)?;
        Ok(Value::Dynamic(Box::new(ty), Box::new(inner)))
    }

    fn ext(&mut self) -> Result<(i8, &'a [u8]), CodecError> {
        let marker = self.marker()?;
        let len = match marker {
            Marker::FixExt1 => 1,
            Marker::FixExt2 => 2,
            Marker::FixExt4 => 4,
            Marker::FixExt8 => 8,
            Marker::FixExt16 => 16,
            Marker::Ext8 => usize::from(self.u8()?),
            Marker::Ext16 => usize::from(self.u16()?),
            Marker::Ext32 => self.u32()? as usize,
            other => return Err(self.mismatch("extension", other)),
        };
        let kind = self.u8()? as i8;
        Ok((kind, self.take(len)?))
    }

    fn unknown(&mut self, ty: &Type) -> Result<Value, CodecError> {
        let (kind, payload) = self.ext()?;
        // Every extension is an unknown; only ext 12 says more about it, and a refinement we
        // cannot read leaves an unknown that is merely less precise.
        let refinements = if kind == EXT_REFINED_UNKNOWN {
            read_refinements(payload, ty).unwrap_or_default()
        } else {
            Refinements::default()
        };
        Ok(Value::Unknown(refinements))
    }

    /// Skips one value of any shape, without recursion.
    fn skip(&mut self) -> Result<(), CodecError> {
        let mut pending: u64 = 1;
        while pending > 0 {
            pending -= 1;
            let marker = self.peek_marker()?;
            if is_ext(marker) {
                self.ext()?;
                continue;
            }
            self.pos += 1;
            match marker {
                Marker::FixArray(_) | Marker::Array16 | Marker::Array32 => {
                    pending += self.len_from(marker)?.unwrap_or_default() as u64;
                }
                Marker::FixMap(_) | Marker::Map16 | Marker::Map32 => {
                    pending += 2 * self.len_from(marker)?.unwrap_or_default() as u64;
                }
                _ if is_str_or_bin(marker) => {
                    let len = self.len_from(marker)?.unwrap_or_default();
                    self.take(len)?;
                }
                Marker::U8 | Marker::I8 => {
                    self.take(1)?;
                }
                Marker::U16 | Marker::I16 => {
                    self.take(2)?;
                }
                Marker::U32 | Marker::I32 | Marker::F32 => {
                    self.take(4)?;
                }
                Marker::U64 | Marker::I64 | Marker::F64 => {
                    self.take(8)?;
                }
                Marker::Reserved => return Err(self.mismatch("a value", marker)),
                _ => {}
            }
        }
        Ok(())
    }

    fn int(&mut self) -> Result<i64, CodecError> {
        match self.number()? {
            Number::Int(i) => Ok(i),
            _ => Err(self.error("expected an integer")),
        }
    }
}

/// Reads an ext 12 payload. `None` means malformed; keys this code does not know, and keys that
/// do not apply to the type, are ignored.
fn read_refinements(payload: &[u8], ty: &Type) -> Option<Refinements> {
    let mut decoder = Decoder::new(payload);
    let mut refinements = Refinements::default();
    let len = decoder.map_len("refinements").ok()?;
    for _ in 0..len {
        let key = decoder.int().ok()?;
        match key {
            REFINE_NULLNESS => {
                refinements.nullable = match decoder.marker().ok()? {
                    Marker::True => Some(true),
                    Marker::False => Some(false),
                    _ => return None,
                };
            }
            REFINE_STRING_PREFIX => {
                let prefix = decoder.text("string prefix").ok()?;
                if *ty == Type::String && !prefix.is_empty() {
                    refinements.string_prefix = Some(prefix);
                }
            }
            REFINE_NUMBER_LOWER | REFINE_NUMBER_UPPER => {
                if decoder.array_len("number bound").ok()? != 2 {
                    return None;
                }
                let bound = decoder.number().ok()?;
                let inclusive = match decoder.marker().ok()? {
                    Marker::True => true,
                    Marker::False => false,
                    _ => return None,
                };
                if *ty == Type::Number {
                    if key == REFINE_NUMBER_LOWER {
                        refinements.number_lower = Some((bound, inclusive));
                    } else {
                        refinements.number_upper = Some((bound, inclusive));
                    }
                }
            }
            REFINE_LENGTH_LOWER | REFINE_LENGTH_UPPER => {
                let length = u64::try_from(decoder.int().ok()?).ok()?;
                if matches!(ty, Type::List(_) | Type::Set(_) | Type::Map(_)) {
                    if key == REFINE_LENGTH_LOWER {
                        refinements.length_lower = Some(length);
                    } else {
                        refinements.length_upper = Some(length);
                    }
                }
            }
            _ => decoder.skip().ok()?,
        }
    }
    (decoder.pos == payload.len()).then_some(refinements)
}

/// Decimal text as cty parses it, plus the infinities Go's `big.ParseFloat` accepts.
fn parse_number_text(text: &str) -> Option<Number> {
    let unsigned = text.trim_start_matches(['+', '-']);
    if text.len() - unsigned.len() <= 1
        && (unsigned.eq_ignore_ascii_case("inf") || unsigned.eq_ignore_ascii_case("infinity"))
    {
        let sign = if text.starts_with('-') { -1.0 } else { 1.0 };
        return Some(Number::Float(sign * f64::INFINITY));
    }
    Number::parse(text)
}

fn is_ext(marker: Marker) -> bool {
    describe(marker) == "extension"
}

fn describe(marker: Marker) -> &'static str {
    match marker {
        Marker::Null => "nil",
        Marker::True | Marker::False => "bool",
        Marker::FixPos(_)
        | Marker::FixNeg(_)
        | Marker::U8
        | Marker::U16
        | Marker::U32
        | Marker::U64
        | Marker::I8
        | Marker::I16
        | Marker::I32
        | Marker::I64 => "integer",
        Marker::F32 | Marker::F64 => "float",
        Marker::FixStr(_) | Marker::Str8 | Marker::Str16 | Marker::Str32 => "string",
        Marker::Bin8 | Marker::Bin16 | Marker::Bin32 => "binary",
        Marker::FixArray(_) | Marker::Array16 | Marker::Array32 => "array",
        Marker::FixMap(_) | Marker::Map16 | Marker::Map32 => "map",
        Marker::FixExt1
        | Marker::FixExt2
        | Marker::FixExt4
        | Marker::FixExt8
        | Marker::FixExt16
        | Marker::Ext8
        | Marker::Ext16
        | Marker::Ext32 => "extension",
        Marker::Reserved => "the reserved byte 0xc1",
    }
}

#[derive(Default)]
struct Encoder {
    out: Vec<u8>,
    path: Vec<PathStep>,
}

/// Writing into a `Vec` cannot fail; this keeps the `Result`s of `rmp` out of the way.
fn infallible<T, E: std::fmt::Debug>(result: Result<T, E>) {
    debug_assert!(
        result.is_ok(),
        "writing to a Vec failed: {:?}",
        result.err()
    );
}

impl Encoder {
    fn error(&self, message: impl Into<String>) -> CodecError {
        CodecError::new(&self.path, message)
    }

    fn len(&self, len: usize) -> Result<u32, CodecError> {
        u32::try_from(len).map_err(|_| self.error("too many elements for msgpack"))
    }

    fn str(&mut self, text: &str) -> Result<(), CodecError> {
        let len = self.len(text.len())?;
        infallible(rmp::encode::write_str_len(&mut self.out, len));
        self.out.extend_from_slice(text.as_bytes());
        Ok(())
    }

    fn value(&mut self, value: &Value, ty: &Type) -> Result<(), CodecError> {
        match (ty, value) {
            (Type::Dynamic, Value::Dynamic(inner_type, inner)) => {
                // cty writes the type as bin, not str.
                let type_json = inner_type.to_json().to_string();
                infallible(rmp::encode::write_array_len(&mut self.out, 2));
                infallible(rmp::encode::write_bin(&mut self.out, type_json.as_bytes()));
                if **inner_type == Type::Dynamic {
                    return Err(self.error("a dynamic value must carry a concrete type"));
                }
                self.value(inner, inner_type)
            }
            (_, Value::Null) => {
                infallible(rmp::encode::write_nil(&mut self.out));
                Ok(())
            }
            (_, Value::Unknown(refinements)) => {
                self.unknown(refinements, ty);
                Ok(())
            }
            (Type::Bool, Value::Bool(b)) => {
                infallible(rmp::encode::write_bool(&mut self.out, *b));
                Ok(())
            }
            (Type::Number, Value::Number(n)) => self.number(n),
            (Type::String, Value::String(s)) => self.str(s),
            (Type::List(element), Value::List(items)) | (Type::Set(element), Value::Set(items)) => {
                let len = self.len(items.len())?;
                infallible(rmp::encode::write_array_len(&mut self.out, len));
                for (i, item) in items.iter().enumerate() {
                    self.path.push(PathStep::ElementKeyInt(i as i64));
                    self.value(item, element)?;
                    self.path.pop();
                }
                Ok(())
            }
            (Type::Tuple(elements), Value::Tuple(items)) => {
                if elements.len() != items.len() {
                    return Err(self.error(format!(
                        "tuple has {} elements, its type has {}",
                        items.len(),
                        elements.len()
                    )));
                }
                let len = self.len(items.len())?;
                infallible(rmp::encode::write_array_len(&mut self.out, len));
                for (i, (item, element)) in items.iter().zip(elements).enumerate() {
                    self.path.push(PathStep::ElementKeyInt(i as i64));
                    self.value(item, element)?;
                    self.path.pop();
                }
                Ok(())
            }
            (Type::Map(element), Value::Map(entries)) => {
                let len = self.len(entries.len())?;
                infallible(rmp::encode::write_map_len(&mut self.out, len));
                for (key, item) in entries {
                    self.str(key)?;
                    self.path.push(PathStep::ElementKeyString(key.clone()));
                    self.value(item, element)?;
                    self.path.pop();
                }
                Ok(())
            }
            (Type::Object { attributes, .. }, Value::Object(entries)) => {
                if let Some(extra) = entries.keys().find(|name| !attributes.contains_key(*name)) {
                    self.path.push(PathStep::Attribute(extra.clone()));
                    return Err(self.error("attribute is not part of the type"));
                }
                let len = self.len(attributes.len())?;
                infallible(rmp::encode::write_map_len(&mut self.out, len));
                // BTreeMap iteration gives the sorted order cty writes.
                for (name, attribute_type) in attributes {
                    self.path.push(PathStep::Attribute(name.clone()));
                    let Some(item) = entries.get(name) else {
                        return Err(self.error("missing attribute"));
                    };
                    self.str(name)?;
                    self.value(item, attribute_type)?;
                    self.path.pop();
                }
                Ok(())
            }
            (Type::Dynamic, _) => Err(self
                .error("a known value in a dynamic position must carry its type (Value::Dynamic)")),
            (_, other) => Err(self.error(format!(
                "expected {}, found {}",
                type_name(ty),
                value_kind(other)
            ))),
        }
    }

    fn number(&mut self, n: &Number) -> Result<(), CodecError> {
        if let Number::Float(f) = n {
            if f.is_nan() {
                return Err(self.error("NaN cannot be sent to Terraform"));
            }
        }
        if n.is_infinite() {
            infallible(rmp::encode::write_f64(&mut self.out, n.as_f64()));
        } else if let Some(i) = n.as_i64() {
            infallible(rmp::encode::write_sint(&mut self.out, i));
        } else if n.is_integer() {
            // Integers beyond int64 travel as text even when a float64 could hold them (cty).
            self.str(&n.decimal_text())?;
        } else if let Some(f) = n.exact_f64() {
            infallible(rmp::encode::write_f64(&mut self.out, f));
        } else {
            self.str(&n.decimal_text())?;
        }
        Ok(())
    }

    fn unknown(&mut self, refinements: &Refinements, ty: &Type) {
        let mut payload = Vec::new();
        let mut entries = 0;
        let mut key = |payload: &mut Vec<u8>, key: i64| {
            entries += 1;
            infallible(rmp::encode::write_sint(payload, key));
        };
        if refinements.nullable == Some(false) {
            key(&mut payload, REFINE_NULLNESS);
            infallible(rmp::encode::write_bool(&mut payload, false));
        }
        if *ty == Type::String {
            if let Some(prefix) = refinements.string_prefix.as_deref() {
                let prefix = truncate_at_char_boundary(prefix, MAX_PREFIX_BYTES);
                if !prefix.is_empty() {
                    key(&mut payload, REFINE_STRING_PREFIX);
                    infallible(rmp::encode::write_str(&mut payload, prefix));
                }
            }
        }
        let mut bound_encoder = Encoder::default();
        if *ty == Type::Number {
            for (k, bound) in [
                (REFINE_NUMBER_LOWER, &refinements.number_lower),
                (REFINE_NUMBER_UPPER, &refinements.number_upper),
            ] {
                let Some((number, inclusive)) = bound else {
                    continue;
                };
                bound_encoder.out.clear();
                if bound_encoder.number(number).is_err() {
                    continue;
                }
                key(&mut payload, k);
                infallible(rmp::encode::write_array_len(&mut payload, 2));
                payload.extend_from_slice(&bound_encoder.out);
                infallible(rmp::encode::write_bool(&mut payload, *inclusive));
            }
        }
        if matches!(ty, Type::List(_) | Type::Set(_) | Type::Map(_)) {
            for (k, length) in [
                (REFINE_LENGTH_LOWER, refinements.length_lower),
                (REFINE_LENGTH_UPPER, refinements.length_upper),
            ] {
                if let Some(length) = length {
                    key(&mut payload, k);
                    infallible(rmp::encode::write_uint(&mut payload, length));
                }
            }
        }
        if entries == 0 {
            // Never an ext 12 with an empty map: the plain form is what cty writes.
            infallible(rmp::encode::write_ext_meta(&mut self.out, 1, EXT_UNKNOWN));
            self.out.push(0);
            return;
        }
        let mut map = Vec::with_capacity(payload.len() + 1);
        infallible(rmp::encode::write_map_len(&mut map, entries));
        map.extend_from_slice(&payload);
        infallible(rmp::encode::write_ext_meta(
            &mut self.out,
            map.len() as u32,
            EXT_REFINED_UNKNOWN,
        ));
        self.out.extend_from_slice(&map);
    }
}

fn truncate_at_char_boundary(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

pub(super) fn type_name(ty: &Type) -> &'static str {
    match ty {
        Type::Bool => "bool",
        Type::Number => "number",
        Type::String => "string",
        Type::Dynamic => "dynamic",
        Type::List(_) => "list",
        Type::Set(_) => "set",
        Type::Map(_) => "map",
        Type::Object { .. } => "object",
        Type::Tuple(_) => "tuple",
    }
}

pub(super) fn value_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Unknown(_) => "unknown",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "list",
        Value::Set(_) => "set",
        Value::Map(_) => "map",
        Value::Object(_) => "object",
        Value::Tuple(_) => "tuple",
        Value::Dynamic(..) => "dynamic value",
    }
}

/// Whether `marker` starts a str or a bin, whose payload is raw bytes of a given length.
fn is_str_or_bin(marker: Marker) -> bool {
    matches!(
        marker,
        Marker::FixStr(_)
            | Marker::Str8
            | Marker::Str16
            | Marker::Str32
            | Marker::Bin8
            | Marker::Bin16
            | Marker::Bin32
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::AttributePath;
    use rand::{Rng, SeedableRng};

    fn hex(text: &str) -> Vec<u8> {
        let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        (0..digits.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).unwrap())
            .collect()
    }

    fn str_bytes(text: &str) -> Vec<u8> {
        let mut out = Vec::new();
        rmp::encode::write_str(&mut out, text).unwrap();
        out
    }

    fn refined(nullable: Option<bool>, prefix: Option<&str>) -> Value {
        Value::Unknown(Refinements {
            nullable,
            string_prefix: prefix.map(str::to_owned),
            ..Refinements::default()
        })
    }

    fn object_type() -> Type {
        Type::object([
            ("name", Type::String),
            ("enabled", Type::Bool),
            ("claims", Type::list(Type::String)),
            ("groups", Type::set(Type::String)),
            ("labels", Type::map(Type::Number)),
            (
                "config",
                Type::object([
                    ("client_id", Type::String),
                    ("scopes", Type::list(Type::String)),
                ]),
            ),
            (
                "headers",
                Type::list(Type::object([
                    ("name", Type::String),
                    ("value", Type::String),
                ])),
            ),
            ("pair", Type::Tuple(vec![Type::String, Type::Number])),
            ("extra", Type::Dynamic),
        ])
    }

    fn object_value() -> Value {
        Value::object([
            ("name", Value::from("login")),
            ("enabled", Value::Null),
            ("claims", Value::List(vec!["email".into(), Value::Null])),
            ("groups", Value::Set(vec!["a".into(), "b".into()])),
            (
                "labels",
                Value::Map(
                    [("x".to_owned(), Value::Number(Number::Int(-3)))]
                        .into_iter()
                        .collect(),
                ),
            ),
            (
                "config",
                Value::object([("client_id", Value::unknown()), ("scopes", Value::Null)]),
            ),
            (
                "headers",
                Value::List(vec![Value::object([
                    ("name", Value::from("X-Id")),
                    ("value", Value::Null),
                ])]),
            ),
            (
                "pair",
                Value::Tuple(vec!["k".into(), Value::Number(Number::Float(2.5))]),
            ),
            (
                "extra",
                Value::Dynamic(
                    Box::new(Type::list(Type::list(Type::String))),
                    Box::new(Value::List(vec![Value::List(vec!["deep".into()])])),
                ),
            ),
        ])
    }

    #[test]
    fn decodes_unknowns_as_cty_writes_them() {
        let cases: Vec<(&str, Vec<u8>, Type, Value)> = vec![
            (
                "plain fixext1",
                hex("d4 00 00"),
                Type::String,
                Value::unknown(),
            ),
            (
                "refined not-null with prefix",
                hex("d7 0c 82 01 c2 02 a3 61 62 63"),
                Type::String,
                refined(Some(false), Some("abc")),
            ),
            (
                "other ext codes are plain unknowns",
                hex("d5 05 01 02"),
                Type::Bool,
                Value::unknown(),
            ),
            (
                "ext8 form",
                hex("c7 01 00 00"),
                Type::Number,
                Value::unknown(),
            ),
            (
                "unknown refinement keys are ignored",
                hex("c7 05 0c 82 01 c2 63 c0"),
                Type::String,
                refined(Some(false), None),
            ),
            (
                "malformed refinements give a plain unknown",
                hex("d5 0c 81 01"),
                Type::String,
                Value::unknown(),
            ),
            (
                "refinement payload that is not a map",
                hex("d4 0c 2a"),
                Type::String,
                Value::unknown(),
            ),
            (
                "unknown in a dynamic position",
                hex("d4 00 00"),
                Type::Dynamic,
                Value::unknown(),
            ),
            (
                "collection length bounds",
                hex("c7 05 0c 82 05 01 06 03"),
                Type::list(Type::String),
                Value::Unknown(Refinements {
                    length_lower: Some(1),
                    length_upper: Some(3),
                    ..Refinements::default()
                }),
            ),
            (
                "number bounds",
                hex("c7 09 0c 82 03 92 00 c3 04 92 0a c2"),
                Type::Number,
                Value::Unknown(Refinements {
                    number_lower: Some((Number::Int(0), true)),
                    number_upper: Some((Number::Int(10), false)),
                    ..Refinements::default()
                }),
            ),
        ];
        for (name, bytes, ty, expected) in cases {
            assert_eq!(decode(&bytes, &ty), Ok(expected), "{name}");
        }
    }

    #[test]
    fn encodes_unknowns_as_cty_does() {
        let cases: Vec<(&str, Value, Type, Vec<u8>)> = vec![
            ("plain", Value::unknown(), Type::String, hex("d4 00 00")),
            (
                "refined",
                refined(Some(false), Some("abc")),
                Type::String,
                hex("d7 0c 82 01 c2 02 a3 61 62 63"),
            ),
            (
                "refinements that do not apply to the type are dropped",
                refined(None, Some("abc")),
                Type::Bool,
                hex("d4 00 00"),
            ),
            (
                "a nullable refinement says nothing",
                refined(Some(true), None),
                Type::String,
                hex("d4 00 00"),
            ),
            (
                "length bounds",
                Value::Unknown(Refinements {
                    length_lower: Some(1),
                    ..Refinements::default()
                }),
                Type::set(Type::String),
                hex("c7 03 0c 81 05 01"),
            ),
        ];
        for (name, value, ty, expected) in cases {
            assert_eq!(encode(&value, &ty), Ok(expected), "{name}");
        }
    }

    #[test]
    fn long_string_prefixes_are_capped_at_a_char_boundary() {
        let prefix = format!("{}é", "a".repeat(255));
        let bytes = encode(&refined(None, Some(&prefix)), &Type::String).unwrap();
        let Value::Unknown(refinements) = decode(&bytes, &Type::String).unwrap() else {
            panic!("expected an unknown");
        };
        assert_eq!(refinements.string_prefix, Some("a".repeat(255)));
    }

    #[test]
    fn decodes_every_number_form() {
        let mut u64_max = hex("cf");
        u64_max.extend_from_slice(&u64::MAX.to_be_bytes());
        let mut f64_bytes = hex("cb");
        f64_bytes.extend_from_slice(&0.1f64.to_bits().to_be_bytes());
        let mut f32_bytes = hex("ca");
        f32_bytes.extend_from_slice(&1.5f32.to_bits().to_be_bytes());
        let big = "123456789012345678901234567890.123456789";
        let cases: Vec<(&str, Vec<u8>, Number)> = vec![
            ("positive fixint", hex("2a"), Number::Int(42)),
            ("negative fixint -1", hex("ff"), Number::Int(-1)),
            ("int8", hex("d0 80"), Number::Int(-128)),
            ("uint16", hex("cd 01 2c"), Number::Int(300)),
            (
                "int64 min",
                hex("d3 80 00 00 00 00 00 00 00"),
                Number::Int(i64::MIN),
            ),
            ("uint64 max", u64_max, Number::UInt(u64::MAX)),
            ("float64", f64_bytes, Number::Float(0.1)),
            ("float32", f32_bytes, Number::Float(1.5)),
            (
                "decimal text",
                str_bytes(big),
                Number::Decimal(big.to_owned()),
            ),
            ("integer text", str_bytes("-7"), Number::Int(-7)),
            (
                "short decimal text",
                str_bytes("0.1"),
                Number::Decimal("0.1".into()),
            ),
            (
                "huge integer text",
                str_bytes("18446744073709551616"),
                Number::Decimal("18446744073709551616".into()),
            ),
            (
                "infinity text",
                str_bytes("-Inf"),
                Number::Float(f64::NEG_INFINITY),
            ),
        ];
        for (name, bytes, expected) in cases {
            let decoded = decode(&bytes, &Type::Number);
            assert_eq!(decoded, Ok(Value::Number(expected.clone())), "{name}");
            // Exactly equal values must also keep their precision through a round trip.
            let Ok(Value::Number(n)) = decoded else {
                unreachable!()
            };
            assert_eq!(n.decimal_text(), expected.decimal_text(), "{name}");
        }
    }

    #[test]
    fn encodes_numbers_like_cty() {
        let mut f64_half = hex("cb");
        f64_half.extend_from_slice(&0.5f64.to_bits().to_be_bytes());
        let mut f64_tenth = hex("cb");
        f64_tenth.extend_from_slice(&0.1f64.to_bits().to_be_bytes());
        let mut inf = hex("cb");
        inf.extend_from_slice(&f64::INFINITY.to_bits().to_be_bytes());
        let cases: Vec<(&str, Number, Vec<u8>)> = vec![
            ("small int", Number::Int(5), hex("05")),
            ("minus one", Number::Int(-1), hex("ff")),
            ("int16 range", Number::Int(300), hex("cd 01 2c")),
            ("integral float", Number::Float(7.0), hex("07")),
            (
                "integral decimal",
                Number::Decimal("7.000".into()),
                hex("07"),
            ),
            ("exact float", Number::Float(0.5), f64_half.clone()),
            ("exact decimal", Number::Decimal("0.5".into()), f64_half),
            ("binary float", Number::Float(0.1), f64_tenth),
            (
                "inexact decimal",
                Number::Decimal("0.1".into()),
                str_bytes("0.1"),
            ),
            (
                "u64 max",
                Number::UInt(u64::MAX),
                str_bytes("18446744073709551615"),
            ),
            (
                "big float integer",
                Number::Float(1e20),
                str_bytes("100000000000000000000"),
            ),
            (
                "big decimal",
                Number::Decimal("123456789012345678901234567890.5".into()),
                str_bytes("123456789012345678901234567890.5"),
            ),
            (
                "exponent decimal",
                Number::Decimal("1.5e3".into()),
                hex("cd 05 dc"),
            ),
            ("infinity", Number::Float(f64::INFINITY), inf),
        ];
        for (name, number, expected) in cases {
            assert_eq!(
                encode(&Value::Number(number), &Type::Number),
                Ok(expected),
                "{name}"
            );
        }
        assert!(encode(&Value::Number(Number::Float(f64::NAN)), &Type::Number).is_err());
    }

    #[test]
    fn dynamic_values_carry_their_type() {
        let mut bin_form = hex("92 c4 08");
        bin_form.extend_from_slice(b"\"string\"");
        bin_form.extend_from_slice(&str_bytes("hi"));
        let expected = Value::Dynamic(Box::new(Type::String), Box::new("hi".into()));
        assert_eq!(decode(&bin_form, &Type::Dynamic), Ok(expected.clone()));
        assert_eq!(encode(&expected, &Type::Dynamic), Ok(bin_form));

        // Older writers used str for the type; it must be accepted too.
        let mut str_form = hex("92");
        str_form.extend_from_slice(&str_bytes("[\"list\",[\"list\",\"string\"]]"));
        str_form.extend_from_slice(&hex("91 91 a1 78"));
        assert_eq!(
            decode(&str_form, &Type::Dynamic),
            Ok(Value::Dynamic(
                Box::new(Type::list(Type::list(Type::String))),
                Box::new(Value::List(vec![Value::List(vec!["x".into()])]))
            ))
        );

        assert_eq!(decode(&hex("c0"), &Type::Dynamic), Ok(Value::Null));
        assert_eq!(encode(&Value::Null, &Type::Dynamic), Ok(hex("c0")));
        assert_eq!(
            encode(&Value::unknown(), &Type::Dynamic),
            Ok(hex("d4 00 00"))
        );
        // A null whose type is known is still wrapped.
        let typed_null = Value::Dynamic(Box::new(Type::Bool), Box::new(Value::Null));
        let bytes = encode(&typed_null, &Type::Dynamic).unwrap();
        assert_eq!(*bytes.last().unwrap(), 0xc0);
        assert_eq!(decode(&bytes, &Type::Dynamic), Ok(typed_null));
        assert!(encode(&Value::from("untyped"), &Type::Dynamic).is_err());
    }

    #[test]
    fn nested_values_round_trip() {
        let ty = object_type();
        let value = object_value();
        let bytes = encode(&value, &ty).unwrap();
        assert_eq!(decode(&bytes, &ty), Ok(value));
        assert_eq!(decode(&hex("c0"), &ty), Ok(Value::Null));
        // Attribute names are written in sorted order.
        let names = ["claims", "config", "enabled", "extra", "groups"];
        let positions: Vec<usize> = names
            .iter()
            .map(|n| {
                bytes
                    .windows(n.len())
                    .position(|w| w == n.as_bytes())
                    .unwrap()
            })
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn malformed_input_is_an_error_with_a_path() {
        let ty = Type::object([("a", Type::String), ("b", Type::Bool)]);
        let cases: Vec<(&str, Vec<u8>, Type, &str, AttributePath)> = vec![
            (
                "empty",
                vec![],
                Type::String,
                "end of input",
                AttributePath::root(),
            ),
            (
                "truncated map",
                hex("82 a1 61 a1 78"),
                ty.clone(),
                "end of input",
                AttributePath::root(),
            ),
            (
                "truncated string",
                hex("a5 61 62"),
                Type::String,
                "end of input",
                AttributePath::root(),
            ),
            (
                "truncated ext",
                hex("d4 00"),
                Type::String,
                "end of input",
                AttributePath::root(),
            ),
            (
                "trailing garbage",
                hex("a1 61 ff"),
                Type::String,
                "unexpected bytes",
                AttributePath::root(),
            ),
            (
                "missing attribute",
                hex("81 a1 61 a1 78"),
                ty.clone(),
                "missing attribute",
                AttributePath::attribute("b"),
            ),
            (
                "extra attribute",
                hex("83 a1 61 a1 78 a1 62 c3 a1 63 c0"),
                ty.clone(),
                "unsupported attribute",
                AttributePath::attribute("c"),
            ),
            (
                "type mismatch",
                hex("82 a1 61 a1 78 a1 62 a1 79"),
                ty.clone(),
                "expected bool, found string",
                AttributePath::attribute("b"),
            ),
            (
                "invalid utf-8",
                hex("a2 c3 28"),
                Type::String,
                "UTF-8",
                AttributePath::root(),
            ),
            (
                "reserved marker",
                hex("c1"),
                Type::Number,
                "reserved",
                AttributePath::root(),
            ),
            (
                "bad number text",
                str_bytes("12abc"),
                Type::Number,
                "invalid number",
                AttributePath::root(),
            ),
            (
                "list element mismatch",
                hex("92 a1 61 2a"),
                Type::list(Type::String),
                "expected string",
                AttributePath::root().index(1),
            ),
            (
                "dynamic with three elements",
                hex("93 c0 c0 c0"),
                Type::Dynamic,
                "[type, value] pair",
                AttributePath::root(),
            ),
            (
                "dynamic with a bad type",
                hex("92 c4 03 69 6e 74 01"),
                Type::Dynamic,
                "invalid type",
                AttributePath::root(),
            ),
            (
                "tuple length",
                hex("91 01"),
                Type::Tuple(vec![Type::Number, Type::Number]),
                "tuple has 1 elements",
                AttributePath::root(),
            ),
            (
                "duplicate map key",
                hex("82 a1 6b 01 a1 6b 02"),
                Type::map(Type::Number),
                "duplicate",
                AttributePath::root().key("k"),
            ),
            (
                "huge claimed length",
                hex("dd ff ff ff ff"),
                Type::list(Type::String),
                "end of input",
                AttributePath::root().index(0),
            ),
        ];
        for (name, bytes, ty, message, path) in cases {
            let error = decode(&bytes, &ty).expect_err(name);
            assert!(
                error.message.contains(message),
                "{name}: {:?} should mention {message:?}",
                error.message
            );
            assert_eq!(error.path, path, "{name}");
        }
    }

    #[test]
    fn encoding_checks_type_conformance() {
        let ty = Type::object([("a", Type::String), ("b", Type::set(Type::String))]);
        let missing = Value::object([("a", Value::from("x"))]);
        let error = encode(&missing, &ty).unwrap_err();
        assert_eq!(error.path, AttributePath::attribute("b"));
        let extra = Value::object([("a", Value::Null), ("b", Value::Null), ("c", Value::Null)]);
        assert_eq!(
            encode(&extra, &ty).unwrap_err().path,
            AttributePath::attribute("c")
        );
        let list_for_set = Value::object([("a", Value::Null), ("b", Value::List(vec![]))]);
        let error = encode(&list_for_set, &ty).unwrap_err();
        assert_eq!(error.message, "expected set, found list");
        assert_eq!(error.to_string(), "b: expected set, found list");
    }

    #[test]
    fn deeply_nested_dynamic_values_are_refused_not_a_stack_overflow() {
        let mut deep = Vec::new();
        for _ in 0..100_000 {
            deep.push(0x92);
            rmp::encode::write_bin(&mut deep, br#""dynamic""#).unwrap();
        }
        deep.push(0xc0);
        let error = decode(&deep, &Type::Dynamic).unwrap_err();
        assert_eq!(error.message, "nested too deeply");
        // Real values stay well inside the limit.
        let mut nested = Type::String;
        let mut value = Value::String("x".into());
        for _ in 0..MAX_DEPTH - 1 {
            nested = Type::list(nested);
            value = Value::List(vec![value]);
        }
        let encoded = encode(&value, &nested).unwrap();
        assert_eq!(decode(&encoded, &nested), Ok(value));
    }

    #[test]
    fn random_bytes_never_panic() {
        let types = [
            object_type(),
            Type::Dynamic,
            Type::list(Type::Number),
            Type::String,
        ];
        let valid = encode(&object_value(), &object_type()).unwrap();
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x7f_0c_71_6e);
        for round in 0..20_000 {
            let bytes: Vec<u8> = if round % 2 == 0 {
                let len = rng.random_range(0..48);
                (0..len).map(|_| rng.random()).collect()
            } else {
                // Mutations of a real encoding reach much deeper than random noise.
                let mut bytes = valid.clone();
                for _ in 0..rng.random_range(1..4) {
                    let at = rng.random_range(0..bytes.len());
                    bytes[at] = rng.random();
                }
                bytes.truncate(rng.random_range(1..=bytes.len()));
                bytes
            };
            for ty in &types {
                if let Ok(value) = decode(&bytes, ty) {
                    // Whatever decodes must encode again.
                    assert!(encode(&value, ty).is_ok(), "round {round}");
                }
            }
        }
    }
}
