//! The `ListResource` trait: finds existing objects of a managed resource type for
//! `terraform query`, each named by its identity so Terraform can import it.
//!
//! A list resource shares its type name with the managed resource it lists, and that resource
//! must have an identity schema; the framework server enforces both.

use super::diagnostics::Diagnostics;
use super::resource::{Context, ValidateConfigRequest, ValidateConfigResponse};
use super::schema::Schema;
use super::value::Value;

/// Input to [`ListResource::list`].
#[derive(Debug, Clone)]
pub struct ListRequest {
    /// The `list` block's configuration, in the list resource's own schema.
    pub config: Value,
    /// Whether Terraform wants each object's full state as well as its identity.
    pub include_resource: bool,
    /// The most results Terraform wants.
    pub limit: usize,
}

/// One object found.
#[derive(Debug, Clone, Default)]
pub struct ListResult {
    /// The object's identity, in the managed resource's identity schema.
    pub identity: Value,
    /// A short human-readable name for the object.
    pub display_name: String,
    /// The object's state in the managed resource's schema, when asked for.
    pub resource_object: Value,
    /// Problems with this object alone.
    pub diagnostics: Diagnostics,
}

/// Output of [`ListResource::list`].
#[derive(Debug, Clone, Default)]
pub struct ListResponse {
    /// The objects found, in the order they should be shown.
    pub results: Vec<ListResult>,
    /// Problems with the listing as a whole.
    pub diagnostics: Diagnostics,
}

/// Lists objects of one managed resource type.
#[async_trait::async_trait]
pub trait ListResource: Send + Sync + 'static {
    /// The managed resource type this lists.
    fn type_name(&self) -> &'static str;

    /// The schema of the `list` block's configuration. The server asks once and keeps it.
    fn list_schema(&self) -> Schema;

    /// Checks the `list` block's configuration, which may contain unknown values. Runs before
    /// the provider is configured.
    async fn validate_config(
        &self,
        _ctx: &Context,
        _request: ValidateConfigRequest,
        _response: &mut ValidateConfigResponse,
    ) {
    }

    /// Finds the objects.
    async fn list(&self, ctx: &Context, request: ListRequest, response: &mut ListResponse);
}
