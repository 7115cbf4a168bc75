//! Attribute paths: where in a value a diagnostic or a plan rule applies.

use std::fmt;

/// One step into a value: an attribute of an object, or an element of a collection.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathStep {
    /// An object attribute or nested-block name.
    Attribute(String),
    /// A map key.
    ElementKeyString(String),
    /// A list or tuple index.
    ElementKeyInt(i64),
}

/// A path from the root of a resource's value to one of its parts. The empty path is the root.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttributePath {
    steps: Vec<PathStep>,
}

impl AttributePath {
    /// The root of the value.
    pub fn root() -> Self {
        Self::default()
    }

    /// A top-level attribute.
    pub fn attribute(name: impl Into<String>) -> Self {
        Self::root().attr(name)
    }

    /// Builds a path from its steps.
    pub fn from_steps(steps: Vec<PathStep>) -> Self {
        Self { steps }
    }

    /// This path extended by an attribute step.
    #[must_use]
    pub fn attr(mut self, name: impl Into<String>) -> Self {
        self.steps.push(PathStep::Attribute(name.into()));
        self
    }

    /// This path extended by a map-key step.
    #[must_use]
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.steps.push(PathStep::ElementKeyString(key.into()));
        self
    }

    /// This path extended by a list-index step.
    #[must_use]
    pub fn index(mut self, index: i64) -> Self {
        self.steps.push(PathStep::ElementKeyInt(index));
        self
    }

    /// The steps, outermost first.
    pub fn steps(&self) -> &[PathStep] {
        &self.steps
    }

    /// True for the root path.
    pub fn is_root(&self) -> bool {
        self.steps.is_empty()
    }
}

/// Renders the path the way Terraform users write it: `config.claims[0]`, `tags["env"]`.
impl fmt::Display for AttributePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.steps.iter().enumerate() {
            match step {
                PathStep::Attribute(name) if i == 0 => write!(f, "{name}")?,
                PathStep::Attribute(name) => write!(f, ".{name}")?,
                PathStep::ElementKeyString(key) => write!(f, "[{key:?}]")?,
                PathStep::ElementKeyInt(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_hcl_references() {
        let path = AttributePath::attribute("config").attr("claims").index(2);
        assert_eq!(path.to_string(), "config.claims[2]");
        assert_eq!(
            AttributePath::attribute("tags").key("env").to_string(),
            "tags[\"env\"]"
        );
        assert_eq!(AttributePath::root().to_string(), "");
    }
}
