//! Schemas: the attributes and blocks of providers and resources, with their modes, flags,
//! descriptions and the planning behaviour each attribute asks for.

use super::path::AttributePath;
use super::types::Type;
use super::value::Value;
use std::collections::BTreeMap;

/// Who sets an attribute. One enum, so impossible flag combinations cannot be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The user must set it.
    Required,
    /// The user may set it; otherwise it is null.
    Optional,
    /// Only the provider sets it.
    Computed,
    /// The user may set it; otherwise the provider does.
    OptionalComputed,
}

impl Mode {
    /// True when configuration may set the attribute.
    pub fn is_configurable(self) -> bool {
        !matches!(self, Mode::Computed)
    }

    /// True when the provider may set the attribute.
    pub fn is_computed(self) -> bool {
        matches!(self, Mode::Computed | Mode::OptionalComputed)
    }
}

/// How nested attributes or blocks repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    /// One object.
    Single,
    /// A list of objects.
    List,
    /// A set of objects.
    Set,
    /// A map of objects.
    Map,
}

/// How nested blocks repeat (blocks also have the `Group` form).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockNesting {
    /// At most one block; null when absent.
    Single,
    /// At most one block; an all-null object when absent.
    Group,
    /// A list of blocks.
    List,
    /// A set of blocks.
    Set,
    /// Blocks keyed by label.
    Map,
}

/// When a computed attribute that is about to become unknown in a plan keeps its prior value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StateForUnknown {
    /// Never: a change elsewhere plans it as "known after apply".
    #[default]
    Never,
    /// Keep the prior value whenever the resource already exists.
    Always,
    /// Keep the prior value only when it is not null.
    NonNull,
}

/// What an attribute holds: a plain typed value, or nested attributes.
#[derive(Debug, Clone, PartialEq)]
pub enum AttributeKind {
    /// A value of the given type.
    Type(Type),
    /// Nested attributes (`config = { ... }`).
    Nested {
        /// How the nested object repeats.
        nesting: Nesting,
        /// The nested attributes.
        attributes: Vec<Attribute>,
    },
}

/// One attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    /// The attribute name.
    pub name: String,
    /// Its type or nested attributes.
    pub kind: AttributeKind,
    /// Who sets it.
    pub mode: Mode,
    /// Hidden in plan output and logs by Terraform.
    pub sensitive: bool,
    /// Never stored in plan or state (Terraform 1.11+).
    pub write_only: bool,
    /// Plain-text description.
    pub description: String,
    /// Markdown description; docs and language servers prefer it.
    pub markdown_description: String,
    /// A deprecation message; empty when not deprecated.
    pub deprecation_message: String,
    /// A value planned when configuration leaves the attribute null.
    pub default: Option<Value>,
    /// A change of this attribute replaces the resource.
    pub requires_replace: bool,
    /// When the prior value stands in for an unknown planned value.
    pub state_for_unknown: StateForUnknown,
}

impl Attribute {
    fn new(name: impl Into<String>, kind: AttributeKind) -> Self {
        Self {
            name: name.into(),
            kind,
            mode: Mode::Optional,
            sensitive: false,
            write_only: false,
            description: String::new(),
            markdown_description: String::new(),
            deprecation_message: String::new(),
            default: None,
            requires_replace: false,
            state_for_unknown: StateForUnknown::Never,
        }
    }

    /// An optional attribute of the given type.
    pub fn typed(name: impl Into<String>, ty: Type) -> Self {
        Self::new(name, AttributeKind::Type(ty))
    }

    /// An optional string attribute.
    pub fn string(name: impl Into<String>) -> Self {
        Self::typed(name, Type::String)
    }

    /// An optional bool attribute.
    pub fn bool(name: impl Into<String>) -> Self {
        Self::typed(name, Type::Bool)
    }

    /// An optional number attribute.
    pub fn number(name: impl Into<String>) -> Self {
        Self::typed(name, Type::Number)
    }

    /// An optional list-of-strings attribute.
    pub fn string_list(name: impl Into<String>) -> Self {
        Self::typed(name, Type::list(Type::String))
    }

    /// An optional attribute holding nested attributes.
    pub fn nested(name: impl Into<String>, nesting: Nesting, attributes: Vec<Attribute>) -> Self {
        Self::new(
            name,
            AttributeKind::Nested {
                nesting,
                attributes,
            },
        )
    }

    /// Sets the mode.
    #[must_use]
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// Mode `Required`.
    #[must_use]
    pub fn required(self) -> Self {
        self.mode(Mode::Required)
    }

    /// Mode `Optional`.
    #[must_use]
    pub fn optional(self) -> Self {
        self.mode(Mode::Optional)
    }

    /// Mode `Computed`.
    #[must_use]
    pub fn computed(self) -> Self {
        self.mode(Mode::Computed)
    }

    /// Mode `OptionalComputed`.
    #[must_use]
    pub fn optional_computed(self) -> Self {
        self.mode(Mode::OptionalComputed)
    }

    /// Marks the attribute sensitive.
    #[must_use]
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// Marks the attribute write-only.
    #[must_use]
    pub fn write_only(mut self) -> Self {
        self.write_only = true;
        self
    }

    /// Sets the description. Markdown is allowed; the plain form is derived from it by
    /// dropping backticks.
    #[must_use]
    pub fn description(mut self, markdown: impl Into<String>) -> Self {
        let markdown = markdown.into();
        self.description = markdown.replace('`', "");
        self.markdown_description = markdown;
        self
    }

    /// Marks the attribute deprecated.
    #[must_use]
    pub fn deprecated(mut self, message: impl Into<String>) -> Self {
        self.deprecation_message = message.into();
        self
    }

    /// Sets a default (the attribute should be `OptionalComputed`).
    #[must_use]
    pub fn default_value(mut self, value: impl Into<Value>) -> Self {
        self.default = Some(value.into());
        self
    }

    /// A change replaces the resource.
    #[must_use]
    pub fn requires_replace(mut self) -> Self {
        self.requires_replace = true;
        self
    }

    /// Keeps the prior value instead of planning an unknown.
    #[must_use]
    pub fn state_for_unknown(mut self, rule: StateForUnknown) -> Self {
        self.state_for_unknown = rule;
        self
    }

    /// The attribute's cty type (for nested attributes, the implied object/collection type).
    pub fn value_type(&self) -> Type {
        match &self.kind {
            AttributeKind::Type(ty) => ty.clone(),
            AttributeKind::Nested {
                nesting,
                attributes,
            } => {
                let object =
                    Type::object(attributes.iter().map(|a| (a.name.clone(), a.value_type())));
                match nesting {
                    Nesting::Single => object,
                    Nesting::List => Type::list(object),
                    Nesting::Set => Type::set(object),
                    Nesting::Map => Type::map(object),
                }
            }
        }
    }

    /// The nested attributes, if any.
    pub fn nested_attributes(&self) -> &[Attribute] {
        match &self.kind {
            AttributeKind::Nested { attributes, .. } => attributes,
            AttributeKind::Type(_) => &[],
        }
    }
}

/// A nested block (`name { ... }`), for schemas that need them.
#[derive(Debug, Clone, PartialEq)]
pub struct NestedBlock {
    /// The block type name.
    pub type_name: String,
    /// How it repeats.
    pub nesting: BlockNesting,
    /// Its contents.
    pub block: Block,
    /// Minimum number of blocks.
    pub min_items: i64,
    /// Maximum number of blocks (0 = no limit).
    pub max_items: i64,
}

/// A block: attributes plus nested blocks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Block {
    /// The attributes, in the order docs list them.
    pub attributes: Vec<Attribute>,
    /// Nested blocks.
    pub blocks: Vec<NestedBlock>,
    /// Plain-text description.
    pub description: String,
    /// Markdown description.
    pub markdown_description: String,
    /// A deprecation message; empty when not deprecated.
    pub deprecation_message: String,
}

impl Block {
    /// The object type this block's values have.
    pub fn value_type(&self) -> Type {
        let mut attributes: BTreeMap<String, Type> = self
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.value_type()))
            .collect();
        for nested in &self.blocks {
            let object = nested.block.value_type();
            let ty = match nested.nesting {
                BlockNesting::Single | BlockNesting::Group => object,
                BlockNesting::List => Type::list(object),
                BlockNesting::Set => Type::set(object),
                BlockNesting::Map => Type::map(object),
            };
            attributes.insert(nested.type_name.clone(), ty);
        }
        Type::Object {
            attributes,
            optional: Default::default(),
        }
    }

    /// The attribute with this name.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// The attribute at `path`, following nested attributes (list indexes and map keys are
    /// skipped over, since every element shares one schema).
    pub fn attribute_at(&self, path: &AttributePath) -> Option<&Attribute> {
        use super::path::PathStep;
        let mut attributes = &self.attributes;
        let mut found: Option<&Attribute> = None;
        for step in path.steps() {
            if let PathStep::Attribute(name) = step {
                let attribute = attributes.iter().find(|a| &a.name == name)?;
                attributes = match &attribute.kind {
                    AttributeKind::Nested { attributes, .. } => attributes,
                    AttributeKind::Type(_) => &EMPTY,
                };
                found = Some(attribute);
            }
        }
        found
    }
}

static EMPTY: Vec<Attribute> = Vec::new();

/// A versioned schema for a provider or resource.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    /// The state version; `UpgradeResourceState` moves older state to it.
    pub version: i64,
    /// The root block.
    pub block: Block,
}

impl Schema {
    /// The object type of this schema's values.
    pub fn value_type(&self) -> Type {
        self.block.value_type()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implied_type_follows_nesting() {
        let block = Block {
            attributes: vec![
                Attribute::string("name").required(),
                Attribute::nested(
                    "config",
                    Nesting::Single,
                    vec![Attribute::string_list("claims"), Attribute::bool("flag")],
                ),
            ],
            ..Block::default()
        };
        let ty = block.value_type();
        assert_eq!(
            ty,
            Type::object([
                ("name", Type::String),
                (
                    "config",
                    Type::object([("claims", Type::list(Type::String)), ("flag", Type::Bool)])
                ),
            ])
        );
        let path = AttributePath::attribute("config").attr("flag");
        assert_eq!(
            block.attribute_at(&path).map(|a| a.name.as_str()),
            Some("flag")
        );
        assert!(block
            .attribute_at(&AttributePath::attribute("nope"))
            .is_none());
    }

    #[test]
    fn description_derives_plain_text() {
        let a = Attribute::string("x").description("Use `true` here.");
        assert_eq!(a.description, "Use true here.");
        assert_eq!(a.markdown_description, "Use `true` here.");
    }
}
