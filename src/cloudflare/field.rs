//! `Field<T>`: a write-body value that can be left out, sent as JSON `null`, or sent with a value.
//!
//! Cloudflare's PUT is a full replace, and clearing an attribute that was set before needs an
//! explicit `null`, whereas POST bodies simply omit anything unset. `Option<T>` cannot express both.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One field of a request body.
///
/// Struct fields of this type must carry
/// `#[serde(default, skip_serializing_if = "Field::is_absent")]` so that `Absent` is omitted.
#[derive(Clone, PartialEq, Eq, Default)]
pub enum Field<T> {
    /// Not sent at all.
    #[default]
    Absent,
    /// Sent as JSON `null` ("unset this").
    Null,
    /// Sent with this value.
    Value(T),
}

impl<T> Field<T> {
    /// `true` for [`Field::Absent`]; used by `skip_serializing_if`.
    pub fn is_absent(&self) -> bool {
        matches!(self, Field::Absent)
    }

    /// `true` for [`Field::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Field::Null)
    }

    /// The value, if there is one.
    pub fn value(&self) -> Option<&T> {
        match self {
            Field::Value(value) => Some(value),
            Field::Absent | Field::Null => None,
        }
    }

    /// Consumes the field and returns the value, if there is one.
    pub fn into_value(self) -> Option<T> {
        match self {
            Field::Value(value) => Some(value),
            Field::Absent | Field::Null => None,
        }
    }

    /// `Some` becomes a value and `None` is left out (POST semantics).
    pub fn from_option(value: Option<T>) -> Self {
        value.map_or(Field::Absent, Field::Value)
    }

    /// `Some` becomes a value and `None` is sent as `null` (PUT semantics for cleared fields).
    pub fn from_option_or_null(value: Option<T>) -> Self {
        value.map_or(Field::Null, Field::Value)
    }

    /// Borrows the value inside.
    pub fn as_ref(&self) -> Field<&T> {
        match self {
            Field::Absent => Field::Absent,
            Field::Null => Field::Null,
            Field::Value(value) => Field::Value(value),
        }
    }

    /// Transforms the value inside, keeping `Absent` and `Null` as they are.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Field<U> {
        match self {
            Field::Absent => Field::Absent,
            Field::Null => Field::Null,
            Field::Value(value) => Field::Value(f(value)),
        }
    }
}

impl<T> From<T> for Field<T> {
    fn from(value: T) -> Self {
        Field::Value(value)
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Field<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Field::Absent => f.write_str("Absent"),
            Field::Null => f.write_str("Null"),
            Field::Value(value) => value.fmt(f),
        }
    }
}

impl<T: Serialize> Serialize for Field<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // Reached only when a containing struct forgot `skip_serializing_if`; `null` is the
            // closest faithful rendering of "no value".
            Field::Absent | Field::Null => serializer.serialize_none(),
            Field::Value(value) => serializer.serialize_some(value),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A missing key never reaches here (`#[serde(default)]` yields `Absent`), so the only
        // cases are an explicit `null` and a value.
        Ok(Field::from_option_or_null(Option::<T>::deserialize(
            deserializer,
        )?))
    }
}
