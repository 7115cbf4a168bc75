//! `DynamicValue` ↔ framework values: Terraform sends msgpack (JSON only as a fallback), and
//! this provider always answers in msgpack.

use super::codec::{json, msgpack, CodecError};
use crate::framework::{Diagnostic, Diagnostics, Schema, Type, Value};
use crate::proto::tfplugin6 as proto;

/// Decodes a value Terraform sent. An absent or empty `DynamicValue` is null.
pub(crate) fn decode(value: Option<&proto::DynamicValue>, ty: &Type) -> Result<Value, CodecError> {
    match value {
        Some(value) if !value.msgpack.is_empty() => msgpack::decode(&value.msgpack, ty),
        Some(value) if !value.json.is_empty() => json::decode(&value.json, ty),
        _ => Ok(Value::Null),
    }
}

/// Encodes a value for Terraform as msgpack.
pub(crate) fn encode(value: &Value, ty: &Type) -> Result<proto::DynamicValue, CodecError> {
    Ok(proto::DynamicValue {
        msgpack: msgpack::encode(value, ty)?,
        json: Vec::new(),
    })
}

/// Decodes the values of one request with the schema of its type, each named for the error
/// should it not fit. An unknown type (no schema) or any value that does not fit fails the
/// whole request.
pub(crate) fn decode_all<'s, const N: usize>(
    schema: Result<&'s Schema, Diagnostic>,
    values: [(&str, Option<&proto::DynamicValue>); N],
) -> Result<(&'s Schema, [Value; N]), Diagnostics> {
    let schema = schema?;
    let ty = schema.value_type();
    let mut diagnostics = Diagnostics::new();
    let decoded = values.map(|(what, value)| {
        decode(value, &ty).unwrap_or_else(|error| {
            diagnostics.push(decode_error(what, error));
            Value::Null
        })
    });
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok((schema, decoded))
}

/// Encodes a value the provider produced; a value that does not fit the schema becomes an
/// error in `diagnostics` and no value.
pub(crate) fn encode_or_report(
    value: &Value,
    schema: &Schema,
    what: &str,
    diagnostics: &mut Diagnostics,
) -> Option<proto::DynamicValue> {
    encode(value, &schema.value_type())
        .map_err(|error| diagnostics.push(encode_error(what, error)))
        .ok()
}

/// Decodes an identity Terraform sent, with the type's identity schema. No identity (older
/// Terraform, or state written before the object had one) gives null; an identity for a type
/// without an identity schema is an error.
pub(crate) fn decode_identity(
    schema: Option<&Schema>,
    identity: Option<&proto::ResourceIdentityData>,
) -> Result<Value, Diagnostic> {
    let Some(data) = identity.filter(|data| {
        data.identity_data
            .as_ref()
            .is_some_and(|value| !value.msgpack.is_empty() || !value.json.is_empty())
    }) else {
        return Ok(Value::Null);
    };
    let Some(schema) = schema else {
        return Err(Diagnostic::error(
            "Resource Identity Not Supported",
            "Terraform sent a resource identity for a resource type that has none in this \
             provider. Name the object with an import ID instead of an identity.",
        ));
    };
    decode(data.identity_data.as_ref(), &schema.value_type())
        .map_err(|error| decode_error("resource identity", error))
}

/// Encodes an identity the provider produced; null (or a type without identity) sends none.
pub(crate) fn encode_identity(
    identity: &Value,
    schema: Option<&Schema>,
    diagnostics: &mut Diagnostics,
) -> Option<proto::ResourceIdentityData> {
    let schema = schema?;
    if identity.is_null() {
        return None;
    }
    let identity_data = encode_or_report(identity, schema, "resource identity", diagnostics)?;
    Some(proto::ResourceIdentityData {
        identity_data: Some(identity_data),
    })
}

/// The diagnostic for a value from Terraform that could not be read as `what`.
pub(crate) fn decode_error(what: &str, error: CodecError) -> Diagnostic {
    Diagnostic::error(
        "Invalid Value From Terraform",
        format!(
            "The {what} sent by Terraform does not match this provider's schema: {error}. \
             Check that Terraform and the provider versions match the state."
        ),
    )
    .with_attribute(error.path)
}

/// The diagnostic for a value this provider produced that does not fit its own schema.
pub(crate) fn encode_error(what: &str, error: CodecError) -> Diagnostic {
    Diagnostic::error(
        "Invalid Value From Provider",
        format!(
            "The provider produced a {what} that does not match its schema: {error}. \
             This is a bug in the provider; please report it."
        ),
    )
    .with_attribute(error.path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefers_msgpack_and_falls_back_to_json() {
        let ty = Type::object([("a", Type::String)]);
        let msgpack_value = proto::DynamicValue {
            msgpack: msgpack::encode(&Value::object([("a", Value::from("m"))]), &ty).unwrap(),
            json: br#"{"a":"j"}"#.to_vec(),
        };
        assert_eq!(
            decode(Some(&msgpack_value), &ty).unwrap().attr("a"),
            &Value::from("m")
        );
        let json_value = proto::DynamicValue {
            msgpack: Vec::new(),
            json: br#"{"a":"j"}"#.to_vec(),
        };
        assert_eq!(
            decode(Some(&json_value), &ty).unwrap().attr("a"),
            &Value::from("j")
        );
        assert_eq!(decode(None, &ty), Ok(Value::Null));
        let encoded = encode(&Value::Null, &ty).unwrap();
        assert_eq!(encoded.msgpack, vec![0xc0]);
        assert!(encoded.json.is_empty());
    }
}
