//! Terraform's type system (cty types), as schemas declare them and as dynamic values carry them.

use std::collections::{BTreeMap, BTreeSet};

/// A cty type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    /// `bool`
    Bool,
    /// `number`: arbitrary-precision decimal.
    Number,
    /// `string`
    String,
    /// `dynamic`: the type is only known from the value, which then carries it.
    Dynamic,
    /// `list(T)`
    List(Box<Type>),
    /// `set(T)`
    Set(Box<Type>),
    /// `map(T)`
    Map(Box<Type>),
    /// `object({...})`, with the names of optional attributes (for type constraints only).
    Object {
        /// Attribute types by name.
        attributes: BTreeMap<String, Type>,
        /// Attributes marked optional in a type constraint.
        optional: BTreeSet<String>,
    },
    /// `tuple([...])`
    Tuple(Vec<Type>),
}

impl Type {
    /// `list(element)`
    pub fn list(element: Type) -> Self {
        Type::List(Box::new(element))
    }

    /// `set(element)`
    pub fn set(element: Type) -> Self {
        Type::Set(Box::new(element))
    }

    /// `map(element)`
    pub fn map(element: Type) -> Self {
        Type::Map(Box::new(element))
    }

    /// `object({...})` with no optional attributes.
    pub fn object<I, K>(attributes: I) -> Self
    where
        I: IntoIterator<Item = (K, Type)>,
        K: Into<String>,
    {
        Type::Object {
            attributes: attributes.into_iter().map(|(k, t)| (k.into(), t)).collect(),
            optional: BTreeSet::new(),
        }
    }

    /// The type in cty's JSON type syntax, as `Schema.Attribute.type` carries it on the wire:
    /// `"string"`, `["list","string"]`, `["object",{"a":"bool"}]`, ...
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::{json, Value as J};
        match self {
            Type::Bool => json!("bool"),
            Type::Number => json!("number"),
            Type::String => json!("string"),
            Type::Dynamic => json!("dynamic"),
            Type::List(e) => json!(["list", e.to_json()]),
            Type::Set(e) => json!(["set", e.to_json()]),
            Type::Map(e) => json!(["map", e.to_json()]),
            Type::Object {
                attributes,
                optional,
            } => {
                let attrs: serde_json::Map<String, J> = attributes
                    .iter()
                    .map(|(k, t)| (k.clone(), t.to_json()))
                    .collect();
                if optional.is_empty() {
                    json!(["object", attrs])
                } else {
                    json!(["object", attrs, optional.iter().collect::<Vec<_>>()])
                }
            }
            Type::Tuple(elems) => {
                json!(["tuple", elems.iter().map(Type::to_json).collect::<Vec<_>>()])
            }
        }
    }

    /// Parses cty's JSON type syntax. Returns `None` for anything that is not a valid type.
    pub fn from_json(json: &serde_json::Value) -> Option<Self> {
        use serde_json::Value as J;
        match json {
            J::String(s) => match s.as_str() {
                "bool" => Some(Type::Bool),
                "number" => Some(Type::Number),
                "string" => Some(Type::String),
                "dynamic" => Some(Type::Dynamic),
                _ => None,
            },
            J::Array(parts) => {
                let kind = parts.first()?.as_str()?;
                match (kind, parts.len()) {
                    ("list", 2) => Some(Type::list(Type::from_json(&parts[1])?)),
                    ("set", 2) => Some(Type::set(Type::from_json(&parts[1])?)),
                    ("map", 2) => Some(Type::map(Type::from_json(&parts[1])?)),
                    ("tuple", 2) => Some(Type::Tuple(
                        parts[1]
                            .as_array()?
                            .iter()
                            .map(Type::from_json)
                            .collect::<Option<_>>()?,
                    )),
                    ("object", 2 | 3) => {
                        let attributes = parts[1]
                            .as_object()?
                            .iter()
                            .map(|(k, v)| Some((k.clone(), Type::from_json(v)?)))
                            .collect::<Option<BTreeMap<_, _>>>()?;
                        let optional = match parts.get(2) {
                            Some(list) => list
                                .as_array()?
                                .iter()
                                .map(|n| n.as_str().map(str::to_owned))
                                .collect::<Option<BTreeSet<_>>>()?,
                            None => BTreeSet::new(),
                        };
                        Some(Type::Object {
                            attributes,
                            optional,
                        })
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_type_syntax_round_trips() {
        let ty = Type::object([
            ("name", Type::String),
            ("claims", Type::list(Type::String)),
            ("tags", Type::map(Type::Bool)),
            ("pair", Type::Tuple(vec![Type::Number, Type::Dynamic])),
        ]);
        let json = ty.to_json();
        assert_eq!(json[0], "object");
        assert_eq!(json[1]["claims"], serde_json::json!(["list", "string"]));
        assert_eq!(Type::from_json(&json), Some(ty));
    }

    #[test]
    fn rejects_unknown_type_names() {
        assert_eq!(Type::from_json(&serde_json::json!("int")), None);
        assert_eq!(Type::from_json(&serde_json::json!(["list"])), None);
    }
}
