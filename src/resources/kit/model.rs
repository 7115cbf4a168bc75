//! Typed models of Terraform objects: one struct per object in a schema, declared with
//! [`tf_object!`] and decoded from and encoded to framework [`Value`]s. Every field is an
//! [`Attr`], which keeps "null" and "not known yet" apart.

use crate::framework::{AttributePath, Diagnostic, Value};
use std::fmt;

/// A Terraform attribute value: null, unknown (known after apply), or known.
#[derive(Clone, PartialEq, Eq, Default)]
pub enum Attr<T> {
    /// Unset.
    #[default]
    Null,
    /// Not known until apply (also used for a list with unknown elements).
    Unknown,
    /// Known.
    Known(T),
}

impl<T> Attr<T> {
    /// The value, when known.
    pub fn known(&self) -> Option<&T> {
        match self {
            Attr::Known(value) => Some(value),
            Attr::Null | Attr::Unknown => None,
        }
    }

    /// True for null.
    pub fn is_null(&self) -> bool {
        matches!(self, Attr::Null)
    }

    /// True for unknown.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Attr::Unknown)
    }

    /// `Some` is known, `None` is null.
    pub fn from_option(value: Option<T>) -> Self {
        value.map_or(Attr::Null, Attr::Known)
    }
}

impl<T: fmt::Debug> fmt::Debug for Attr<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Attr::Null => f.write_str("null"),
            Attr::Unknown => f.write_str("(known after apply)"),
            Attr::Known(value) => value.fmt(f),
        }
    }
}

/// A string that must never be shown (client secrets, API-issued secrets).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        SecretString(secret.into())
    }

    /// The secret itself, for the request body or the state.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A value that does not have the shape the schema promises; only a bug can cause it, since
/// Terraform checks values against the schema first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Where.
    pub path: AttributePath,
    /// What was expected there.
    pub expected: &'static str,
}

impl DecodeError {
    /// The error for `path`, which should have held `expected`.
    pub fn new(path: &AttributePath, expected: &'static str) -> Self {
        DecodeError {
            path: path.clone(),
            expected,
        }
    }

    /// As a diagnostic.
    pub fn into_diagnostic(self) -> Diagnostic {
        Diagnostic::error(
            "Unexpected Value",
            format!(
                "Expected {} at {}. This is a bug in the provider; please report it.",
                self.expected, self.path
            ),
        )
        .with_attribute(self.path)
    }
}

/// A type that an [`Attr`] can hold.
pub trait ModelValue: Sized {
    /// Decodes a known, non-null value; `None` when part of it is still unknown.
    fn decode_known(value: &Value, path: &AttributePath) -> Result<Option<Self>, DecodeError>;
    /// Encodes a known value.
    fn encode(&self) -> Value;
}

impl<T: ModelValue> Attr<T> {
    /// Decodes a value found at `path`.
    pub fn decode(value: &Value, path: &AttributePath) -> Result<Self, DecodeError> {
        match value {
            Value::Null => Ok(Attr::Null),
            Value::Unknown(_) => Ok(Attr::Unknown),
            known => Ok(T::decode_known(known, path)?.map_or(Attr::Unknown, Attr::Known)),
        }
    }

    /// Encodes it (unknown encodes as a plain unknown).
    pub fn encode(&self) -> Value {
        match self {
            Attr::Null => Value::Null,
            Attr::Unknown => Value::unknown(),
            Attr::Known(value) => value.encode(),
        }
    }
}

impl ModelValue for String {
    fn decode_known(value: &Value, path: &AttributePath) -> Result<Option<Self>, DecodeError> {
        match value {
            Value::String(s) => Ok(Some(s.clone())),
            _ => Err(DecodeError::new(path, "a string")),
        }
    }

    fn encode(&self) -> Value {
        Value::String(self.clone())
    }
}

impl ModelValue for SecretString {
    fn decode_known(value: &Value, path: &AttributePath) -> Result<Option<Self>, DecodeError> {
        Ok(String::decode_known(value, path)?.map(SecretString))
    }

    fn encode(&self) -> Value {
        Value::String(self.0.clone())
    }
}

impl ModelValue for bool {
    fn decode_known(value: &Value, path: &AttributePath) -> Result<Option<Self>, DecodeError> {
        match value {
            Value::Bool(b) => Ok(Some(*b)),
            _ => Err(DecodeError::new(path, "a bool")),
        }
    }

    fn encode(&self) -> Value {
        Value::Bool(*self)
    }
}

impl<T: ModelValue> ModelValue for Vec<T> {
    fn decode_known(value: &Value, path: &AttributePath) -> Result<Option<Self>, DecodeError> {
        let Value::List(items) = value else {
            return Err(DecodeError::new(path, "a list"));
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let item_path = path.clone().index(i as i64);
            match Attr::<T>::decode(item, &item_path)? {
                Attr::Known(v) => out.push(v),
                // Unknown elements make the whole list unknown for our purposes.
                Attr::Unknown => return Ok(None),
                Attr::Null => return Err(DecodeError::new(&item_path, "a non-null element")),
            }
        }
        Ok(Some(out))
    }

    fn encode(&self) -> Value {
        Value::List(self.iter().map(ModelValue::encode).collect())
    }
}

/// Declares a model struct for a Terraform object: its fields (each an [`Attr`]) with their
/// attribute names (written `"name" => field: Type`, or just `field: Type` when they are the
/// same), and the decoding and encoding that go with them.
#[macro_export]
macro_rules! tf_object {
    (@emit [$(#[$meta:meta])*] $name:ident
        [$( [$(#[$field_meta:meta])*] ($tf:expr) $field:ident : $ty:ty, )*]
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $name {
            $( $(#[$field_meta])* pub $field: $crate::resources::kit::model::Attr<$ty>, )*
        }

        impl $name {
            /// The attribute names, in declaration order.
            #[allow(dead_code)]
            pub const ATTRIBUTES: &'static [&'static str] = &[$($tf),*];
        }

        impl $crate::resources::kit::model::ModelValue for $name {
            fn decode_known(
                value: &$crate::framework::Value,
                path: &$crate::framework::AttributePath,
            ) -> Result<Option<Self>, $crate::resources::kit::model::DecodeError> {
                use $crate::framework::Value;
                use $crate::resources::kit::model::{Attr, DecodeError};
                let Value::Object(entries) = value else {
                    return Err(DecodeError::new(path, "an object"));
                };
                Ok(Some($name {
                    $( $field: Attr::decode(
                        entries.get($tf).unwrap_or(&Value::Null),
                        &path.clone().attr($tf),
                    )?, )*
                }))
            }

            fn encode(&self) -> $crate::framework::Value {
                $crate::framework::Value::object([ $( ($tf, self.$field.encode()), )* ])
            }
        }
    };
    // Attribute names written out, for fields whose Rust name differs (e.g. `type`).
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$field_meta:meta])* $tf:literal => $field:ident : $ty:ty, )*
        }
    ) => {
        $crate::tf_object! { @emit [$(#[$meta])*] $name
            [$( [$(#[$field_meta])*] ($tf) $field : $ty, )*] }
    };
    // Attribute names the same as the Rust field names.
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$field_meta:meta])* $field:ident : $ty:ty, )*
        }
    ) => {
        $crate::tf_object! { @emit [$(#[$meta])*] $name
            [$( [$(#[$field_meta])*] (stringify!($field)) $field : $ty, )*] }
    };
}

/// Decodes a whole resource or data source value (plan, state or configuration), which must be
/// a known object.
pub fn decode_object<T: ModelValue>(value: &Value) -> Result<T, Diagnostic> {
    match Attr::<T>::decode(value, &AttributePath::root()) {
        Ok(Attr::Known(model)) => Ok(model),
        Ok(_) => Err(Diagnostic::error(
            "Unexpected Value",
            "The resource value is null or unknown where an object was expected. This is a \
             bug in the provider; please report it.",
        )),
        Err(err) => Err(err.into_diagnostic()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::tf_object! {
        /// An object with one of each kind of field.
        pub struct Sample {
            "name" => name: String,
            "secret" => secret: SecretString,
            "enabled" => enabled: bool,
            "tags" => tags: Vec<String>,
        }
    }

    #[test]
    fn a_list_with_an_unknown_element_is_unknown() {
        let value = Value::List(vec!["a".into(), Value::unknown()]);
        let decoded = Attr::<Vec<String>>::decode(&value, &AttributePath::root()).unwrap();
        assert!(decoded.is_unknown());
    }

    #[test]
    fn objects_round_trip_and_keep_null_apart_from_unknown() {
        let sample = Sample {
            name: Attr::Known("n".into()),
            secret: Attr::Known(SecretString::new("hunter2")),
            enabled: Attr::Unknown,
            tags: Attr::Null,
        };
        let value = sample.encode();
        assert!(value.attr("enabled").is_unknown());
        assert!(value.attr("tags").is_null());
        assert_eq!(decode_object::<Sample>(&value).unwrap(), sample);
        assert_eq!(Sample::ATTRIBUTES, ["name", "secret", "enabled", "tags"]);
        assert!(!format!("{sample:?}").contains("hunter2"));
    }

    #[test]
    fn null_and_misshapen_objects_are_errors_with_their_path() {
        assert_eq!(
            decode_object::<Sample>(&Value::Null).unwrap_err().summary,
            "Unexpected Value"
        );
        let value = Value::object([("tags", Value::List(vec![Value::Null]))]);
        let err = decode_object::<Sample>(&value).unwrap_err();
        assert_eq!(
            err.attribute,
            Some(AttributePath::attribute("tags").index(0))
        );
    }
}
