//! The provider-facing vocabulary, free of any wire-protocol type: values, types, schemas,
//! diagnostics, attribute paths, planning rules and the `Provider` / `Resource` traits.
//!
//! `protocol` converts tfplugin6 messages to and from these types; resources are written
//! against them only.

pub mod diagnostics;
pub mod number;
pub mod path;
pub mod plan;
pub mod provider;
pub mod resource;
pub mod schema;
pub mod types;
pub mod value;

pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use number::Number;
pub use path::{AttributePath, PathStep};
pub use provider::{Provider, ProviderData};
pub use resource::Resource;
pub use schema::{
    Attribute, AttributeKind, Block, BlockNesting, Mode, NestedBlock, Nesting, Schema,
};
pub use types::Type;
pub use value::{Refinements, Value};
