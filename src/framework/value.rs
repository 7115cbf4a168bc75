//! Terraform values: known, null or unknown, of any cty type.

use super::number::Number;
use super::path::{AttributePath, PathStep};
use super::types::Type;
use std::collections::BTreeMap;

/// What Terraform already knows about a value that is not yet known (cty refinements).
/// All `None` means an unrefined unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refinements {
    /// `Some(false)`: the value will definitely not be null.
    pub nullable: Option<bool>,
    /// A prefix every possible string value starts with.
    pub string_prefix: Option<String>,
    /// Lower bound of a number, and whether it is inclusive.
    pub number_lower: Option<(Number, bool)>,
    /// Upper bound of a number, and whether it is inclusive.
    pub number_upper: Option<(Number, bool)>,
    /// Inclusive lower bound of a collection's length.
    pub length_lower: Option<u64>,
    /// Inclusive upper bound of a collection's length.
    pub length_upper: Option<u64>,
}

impl Refinements {
    /// True when nothing is known (a plain unknown).
    pub fn is_empty(&self) -> bool {
        *self == Refinements::default()
    }
}

/// A Terraform value. Its type is given by the schema it was decoded with; the only value that
/// carries its own type is [`Value::Dynamic`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Value {
    /// Null of any type.
    #[default]
    Null,
    /// Not known until apply.
    Unknown(Refinements),
    /// A known bool.
    Bool(bool),
    /// A known number.
    Number(Number),
    /// A known string.
    String(String),
    /// A list; elements in order.
    List(Vec<Value>),
    /// A set; element order carries no meaning.
    Set(Vec<Value>),
    /// A map with string keys.
    Map(BTreeMap<String, Value>),
    /// An object: every attribute of its type is present, nulls included.
    Object(BTreeMap<String, Value>),
    /// A tuple.
    Tuple(Vec<Value>),
    /// A value in a `dynamic` position, with the concrete type it has.
    Dynamic(Box<Type>, Box<Value>),
}

/// The null every absent lookup answers with.
static NULL: Value = Value::Null;

impl Value {
    /// A plain (unrefined) unknown.
    pub fn unknown() -> Self {
        Value::Unknown(Refinements::default())
    }

    /// A known string.
    pub fn string(s: impl Into<String>) -> Self {
        Value::String(s.into())
    }

    /// An object from `(name, value)` pairs.
    pub fn object<I, K>(attributes: I) -> Self
    where
        I: IntoIterator<Item = (K, Value)>,
        K: Into<String>,
    {
        Value::Object(attributes.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A string value, or null for `None`.
    pub fn opt_string(s: Option<impl Into<String>>) -> Self {
        s.map_or(Value::Null, |s| Value::String(s.into()))
    }

    /// A bool value, or null for `None`.
    pub fn opt_bool(b: Option<bool>) -> Self {
        b.map_or(Value::Null, Value::Bool)
    }

    /// True for null.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// True for an unknown at this level (children are not inspected).
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown(_))
    }

    /// True when this value and everything inside it is known.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown(_) => false,
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                items.iter().all(Value::is_wholly_known)
            }
            Value::Map(items) | Value::Object(items) => items.values().all(Value::is_wholly_known),
            Value::Dynamic(_, inner) => inner.is_wholly_known(),
            _ => true,
        }
    }

    /// The string, when this is a known string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The bool, when this is a known bool.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The elements, when this is a known list, set or tuple.
    pub fn as_elements(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => Some(items),
            _ => None,
        }
    }

    /// The entries, when this is a known object or map.
    pub fn as_entries(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Object(items) | Value::Map(items) => Some(items),
            _ => None,
        }
    }

    /// Mutable entries, when this is a known object or map.
    pub fn as_entries_mut(&mut self) -> Option<&mut BTreeMap<String, Value>> {
        match self {
            Value::Object(items) | Value::Map(items) => Some(items),
            _ => None,
        }
    }

    /// An attribute of an object. Anything else, or an absent name, answers null.
    pub fn attr(&self, name: &str) -> &Value {
        match self {
            Value::Object(items) => items.get(name).unwrap_or(&NULL),
            _ => &NULL,
        }
    }

    /// The value at `path`; null where the path leads through a null, unknown or absent part.
    pub fn at(&self, path: &AttributePath) -> &Value {
        let mut current = self;
        for step in path.steps() {
            current = match (step, current) {
                (PathStep::Attribute(name), Value::Object(items))
                | (PathStep::ElementKeyString(name), Value::Map(items)) => {
                    items.get(name).unwrap_or(&NULL)
                }
                (PathStep::ElementKeyInt(i), Value::List(items) | Value::Tuple(items)) => {
                    usize::try_from(*i)
                        .ok()
                        .and_then(|i| items.get(i))
                        .unwrap_or(&NULL)
                }
                _ => &NULL,
            };
        }
        current
    }

    /// Replaces the value at `path`. Returns false (and changes nothing) when the path does
    /// not lead to an existing slot inside known objects, maps and lists.
    pub fn set_at(&mut self, path: &AttributePath, value: Value) -> bool {
        let Some((last, parents)) = path.steps().split_last() else {
            *self = value;
            return true;
        };
        let mut current = self;
        for step in parents {
            let next = match (step, current) {
                (PathStep::Attribute(name), Value::Object(items))
                | (PathStep::ElementKeyString(name), Value::Map(items)) => items.get_mut(name),
                (PathStep::ElementKeyInt(i), Value::List(items) | Value::Tuple(items)) => {
                    usize::try_from(*i).ok().and_then(|i| items.get_mut(i))
                }
                _ => None,
            };
            match next {
                Some(next) => current = next,
                None => return false,
            }
        }
        match (last, current) {
            (PathStep::Attribute(name), Value::Object(items)) => {
                if let Some(slot) = items.get_mut(name) {
                    *slot = value;
                    return true;
                }
                false
            }
            (PathStep::ElementKeyString(key), Value::Map(items)) => {
                items.insert(key.clone(), value);
                true
            }
            (PathStep::ElementKeyInt(i), Value::List(items) | Value::Tuple(items)) => {
                match usize::try_from(*i).ok().and_then(|i| items.get_mut(i)) {
                    Some(slot) => {
                        *slot = value;
                        true
                    }
                    None => false,
                }
            }
            _ => false,
        }
    }

    /// Compares two values the way Terraform compares set elements: sets ignore order.
    pub fn semantically_equal(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Set(a), Value::Set(b)) => {
                a.len() == b.len()
                    && a.iter().all(|x| b.iter().any(|y| x.semantically_equal(y)))
                    && b.iter().all(|y| a.iter().any(|x| x.semantically_equal(y)))
            }
            (Value::List(a), Value::List(b)) | (Value::Tuple(a), Value::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.semantically_equal(y))
            }
            (Value::Map(a), Value::Map(b)) | (Value::Object(a), Value::Object(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, x)| b.get(k).is_some_and(|y| x.semantically_equal(y)))
            }
            (Value::Dynamic(ta, a), Value::Dynamic(tb, b)) => ta == tb && a.semantically_equal(b),
            _ => self == other,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Self {
        Value::Number(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Value {
        Value::object([
            ("name", Value::from("login")),
            (
                "config",
                Value::object([
                    ("claims", Value::List(vec!["email".into(), "groups".into()])),
                    ("client_secret", Value::Null),
                ]),
            ),
        ])
    }

    #[test]
    fn navigates_and_updates_paths() {
        let mut value = sample();
        let claim = AttributePath::attribute("config").attr("claims").index(1);
        assert_eq!(value.at(&claim), &Value::from("groups"));
        assert!(value.at(&AttributePath::attribute("missing")).is_null());
        assert!(value.set_at(&claim, "profile".into()));
        assert_eq!(value.at(&claim).as_str(), Some("profile"));
        assert!(!value.set_at(&AttributePath::attribute("nope").attr("x"), Value::Null));
    }

    #[test]
    fn wholly_known_looks_inside() {
        let mut value = sample();
        assert!(value.is_wholly_known());
        value.set_at(
            &AttributePath::attribute("config").attr("client_secret"),
            Value::unknown(),
        );
        assert!(!value.is_wholly_known());
    }

    #[test]
    fn sets_compare_without_order() {
        let a = Value::Set(vec!["x".into(), "y".into()]);
        let b = Value::Set(vec!["y".into(), "x".into()]);
        assert!(a.semantically_equal(&b));
        assert!(!Value::List(vec!["x".into(), "y".into()])
            .semantically_equal(&Value::List(vec!["y".into(), "x".into()])));
    }
}
