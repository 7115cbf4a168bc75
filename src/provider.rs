//! The `cloudflare` provider: its schema, its configuration, and the resources it offers.

use crate::framework::resource::Context;
use crate::framework::{Diagnostics, Provider, ProviderData, Resource, Schema, Value};
use std::sync::Arc;

/// The `cloudflare` provider.
#[derive(Debug, Default)]
pub struct CloudflareProvider;

#[async_trait::async_trait]
impl Provider for CloudflareProvider {
    fn type_name(&self) -> &'static str {
        "cloudflare"
    }

    fn schema(&self) -> Schema {
        Schema::default()
    }

    async fn configure(
        &self,
        _ctx: &Context,
        _config: &Value,
        diagnostics: &mut Diagnostics,
    ) -> Option<ProviderData> {
        diagnostics.error(
            "Provider Not Ready",
            "The cloudflare provider cannot be configured yet.",
        );
        None
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        Vec::new()
    }
}
