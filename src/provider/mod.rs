//! The `cloudflare` provider: the resources and data sources it offers and how it is set up,
//! in three parts: [`settings`] (each setting and its environment variable), [`schema`] (the
//! provider block) and [`configure`] (validation, and resolution of the block and the
//! environment into an API client).

mod configure;
mod schema;
pub mod settings;

pub use configure::{client, resolve, validate};
pub use schema::provider_schema;
pub use settings::{defaults, ResolvedConfig, Setting};

use crate::framework::resource::Context;
use crate::framework::{Diagnostics, Provider, ProviderData, Resource, Schema, Value};
use std::sync::Arc;

/// Looks up an environment variable; `None` when unset.
pub type EnvLookup = fn(&str) -> Option<String>;

/// The `cloudflare` provider.
#[derive(Debug, Clone, Copy)]
pub struct CloudflareProvider {
    env: EnvLookup,
}

impl Default for CloudflareProvider {
    /// Reads the process environment.
    fn default() -> Self {
        Self { env: process_env }
    }
}

impl CloudflareProvider {
    /// A provider reading settings from `env` instead of the process environment (for tests
    /// that must not depend on, or change, the environment they run in).
    pub fn with_env(env: EnvLookup) -> Self {
        Self { env }
    }
}

#[async_trait::async_trait]
impl Provider for CloudflareProvider {
    fn type_name(&self) -> &'static str {
        "cloudflare"
    }

    fn schema(&self) -> Schema {
        provider_schema()
    }

    fn validate_config(&self, config: &Value, diagnostics: &mut Diagnostics) {
        validate(config, &self.env, diagnostics);
    }

    async fn configure(
        &self,
        Context {
            terraform_version, ..
        }: &Context,
        config: &Value,
        diagnostics: &mut Diagnostics,
    ) -> Option<ProviderData> {
        match client(config, &self.env, terraform_version.as_deref()) {
            Ok(client) => Some(Arc::new(client)),
            Err(problems) => {
                diagnostics.extend(problems);
                None
            }
        }
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        crate::resources::all()
    }

    fn data_sources(&self) -> Vec<Arc<dyn crate::framework::DataSource>> {
        crate::data_sources::all()
    }

    fn list_resources(&self) -> Vec<Arc<dyn crate::framework::ListResource>> {
        crate::resources::all_lists()
    }
}

fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

#[cfg(test)]
mod tests {
    use super::configure::tests::{config, TOKEN};
    use super::*;
    use crate::cloudflare;

    #[tokio::test]
    async fn configure_builds_one_client_for_every_resource() {
        fn env(name: &str) -> Option<String> {
            (name == "CLOUDFLARE_API_TOKEN").then(|| TOKEN.to_owned())
        }
        let provider = CloudflareProvider::with_env(env);
        let mut diagnostics = Diagnostics::new();
        let data = provider
            .configure(
                &Context::default(),
                &config(&[("base_url", "http://127.0.0.1:9/client/v4".into())]),
                &mut diagnostics,
            )
            .await
            .expect("configured");
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let client = data.downcast_ref::<cloudflare::Client>().unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:9/client/v4");
        assert_eq!(provider.resources().len(), 1);

        let unconfigured = CloudflareProvider::with_env(|_| None);
        let mut diagnostics = Diagnostics::new();
        let data = unconfigured
            .configure(&Context::default(), &config(&[]), &mut diagnostics)
            .await;
        assert!(data.is_none());
        assert!(diagnostics.has_errors());
    }
}
