//! The provider-facing vocabulary and Terraform's semantics, free of any wire-protocol type:
//! values, types, schemas, diagnostics, attribute paths, planning rules, the `Provider`,
//! `Resource`, `DataSource` and `ListResource` traits, and the server that applies
//! Terraform's rules around them.
//!
//! `protocol` converts tfplugin6 messages to and from these types and calls `server`;
//! resources and data sources are written against the traits only.

pub mod data_source;
pub mod diagnostics;
pub mod list;
pub mod number;
pub mod path;
pub mod plan;
pub mod provider;
pub mod resource;
pub mod schema;
pub mod server;
pub mod types;
pub mod value;

pub use data_source::DataSource;
pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use list::ListResource;
pub use number::Number;
pub use path::{AttributePath, PathStep};
pub use provider::{Provider, ProviderData};
pub use resource::Resource;
pub use schema::{
    Attribute, AttributeKind, Block, BlockNesting, Mode, NestedBlock, Nesting, Schema,
};
pub use types::Type;
pub use value::{Refinements, Value};
