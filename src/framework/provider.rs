//! The `Provider` trait: the provider's own schema, its configuration, and the resource, data
//! source and list resource types it offers.

use super::data_source::DataSource;
use super::diagnostics::Diagnostics;
use super::list::ListResource;
use super::resource::{Context, Resource};
use super::schema::Schema;
use super::value::Value;
use std::any::Any;
use std::sync::Arc;

/// What `configure` hands to every resource (for example an API client). Resources downcast it
/// with [`Context::provider_data`].
pub type ProviderData = Arc<dyn Any + Send + Sync>;

/// A Terraform provider.
#[async_trait::async_trait]
pub trait Provider: Send + Sync + 'static {
    /// The provider type name, e.g. `cloudflare`.
    fn type_name(&self) -> &'static str;

    /// The schema of the `provider "..." {}` block. The server asks once and keeps it.
    fn schema(&self) -> Schema;

    /// Checks a configuration that may still contain unknown values.
    fn validate_config(&self, _config: &Value, _diagnostics: &mut Diagnostics) {}

    /// Turns the (wholly known) configuration into the data resources use. Returns `None` when
    /// it added an error diagnostic.
    async fn configure(
        &self,
        ctx: &Context,
        config: &Value,
        diagnostics: &mut Diagnostics,
    ) -> Option<ProviderData>;

    /// The managed resource types this provider offers.
    fn resources(&self) -> Vec<Arc<dyn Resource>>;

    /// The data source types this provider offers.
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }

    /// The list resource types this provider offers (for `terraform query`).
    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        Vec::new()
    }
}
