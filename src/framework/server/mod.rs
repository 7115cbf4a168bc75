//! The framework server: Terraform's semantics for every operation, free of any wire type.
//!
//! `protocol` decodes a request with the schema it gets from here, calls the matching method
//! and encodes the answer; everything Terraform expects of a provider in between lives here:
//! choosing create, update or delete, the pre-filled responses, the checks on what a resource
//! returns, write-only attributes and the session (configuration, cancellation).

mod data_source;
mod list;
mod resource;
#[cfg(test)]
pub(crate) mod tests;

pub use data_source::ReadDataSourceRequest;
pub use list::ListResourceRequest;
pub use resource::{
    ApplyResourceChangeRequest, ApplyResourceChangeResponse, MoveResourceStateRequest,
    PlanResourceChangeRequest, PlanResourceChangeResponse, ReadResourceRequest,
    ValidateResourceConfigRequest,
};

use super::data_source::DataSource;
use super::diagnostics::{Diagnostic, Diagnostics};
use super::list::ListResource;
use super::provider::{Provider, ProviderData};
use super::resource::{Context, Resource};
use super::schema::Schema;
use super::value::Value;
use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError, RwLock};
use tokio_util::sync::CancellationToken;

/// A registered type with the schemas the server asked it for once.
struct Registered<T: ?Sized> {
    implementation: Arc<T>,
    schema: Schema,
    identity_schema: Option<Schema>,
}

/// Each implementation by its type name, with what `describe` says of it: its type name, its
/// schema and its identity schema.
fn register<T: ?Sized>(
    implementations: Vec<Arc<T>>,
    describe: impl Fn(&T) -> (&'static str, Schema, Option<Schema>),
) -> BTreeMap<&'static str, Registered<T>> {
    implementations
        .into_iter()
        .map(|implementation| {
            let (type_name, schema, identity_schema) = describe(&implementation);
            let registered = Registered {
                implementation,
                schema,
                identity_schema,
            };
            (type_name, registered)
        })
        .collect()
}

/// Serves one [`Provider`].
pub struct Server {
    provider: Arc<dyn Provider>,
    provider_schema: Schema,
    resources: BTreeMap<&'static str, Registered<dyn Resource>>,
    data_sources: BTreeMap<&'static str, Registered<dyn DataSource>>,
    list_resources: BTreeMap<&'static str, Registered<dyn ListResource>>,
    session: RwLock<Session>,
}

/// What the server learns while Terraform talks to it.
struct Session {
    /// Set by `configure_provider`.
    data: Option<ProviderData>,
    /// Set by `configure_provider`.
    terraform_version: Option<String>,
    /// Cancelled by `stop`, then replaced so later calls can run.
    cancel: CancellationToken,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("provider", &self.provider.type_name())
            .field("resources", &self.resources.keys().collect::<Vec<_>>())
            .field(
                "data_sources",
                &self.data_sources.keys().collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Server {
    /// Wraps a provider, asking it and each of its types for their schemas once.
    pub fn new(provider: Arc<dyn Provider>) -> Self {
        let resources = register(provider.resources(), |resource| {
            (
                resource.type_name(),
                resource.schema(),
                resource.identity_schema(),
            )
        });
        let data_sources = register(provider.data_sources(), |data_source| {
            (data_source.type_name(), data_source.schema(), None)
        });
        let list_resources = register(provider.list_resources(), |list| {
            (list.type_name(), list.list_schema(), None)
        });
        Self {
            provider_schema: provider.schema(),
            provider,
            resources,
            data_sources,
            list_resources,
            session: RwLock::new(Session {
                data: None,
                terraform_version: None,
                cancel: CancellationToken::new(),
            }),
        }
    }

    /// The schema of the provider's own configuration block.
    pub fn provider_schema(&self) -> &Schema {
        &self.provider_schema
    }

    /// Every managed resource type with its schema, by name.
    pub fn resource_schemas(&self) -> impl Iterator<Item = (&'static str, &Schema)> {
        self.resources.iter().map(|(name, r)| (*name, &r.schema))
    }

    /// Every managed resource type that has an identity, with its identity schema, by name.
    pub fn identity_schemas(&self) -> impl Iterator<Item = (&'static str, &Schema)> {
        self.resources
            .iter()
            .filter_map(|(name, r)| Some((*name, r.identity_schema.as_ref()?)))
    }

    /// The identity schema of a managed resource type; `None` when it has none.
    pub fn identity_schema(&self, type_name: &str) -> Option<&Schema> {
        self.resources.get(type_name)?.identity_schema.as_ref()
    }

    /// Every list resource type with the schema of its `config` block, by name.
    pub fn list_resource_schemas(&self) -> impl Iterator<Item = (&'static str, &Schema)> {
        self.list_resources
            .iter()
            .map(|(name, l)| (*name, &l.schema))
    }

    /// The `config` schema of a list resource type, or the error for a type this provider
    /// lacks.
    pub fn list_resource_schema(&self, type_name: &str) -> Result<&Schema, Diagnostic> {
        self.list_resources
            .get(type_name)
            .map(|l| &l.schema)
            .ok_or_else(|| {
                Diagnostic::error(
                    "Unknown list resource type",
                    format!("This provider has no list resource type named {type_name:?}."),
                )
            })
    }

    /// Every data source type with its schema, by name.
    pub fn data_source_schemas(&self) -> impl Iterator<Item = (&'static str, &Schema)> {
        self.data_sources.iter().map(|(name, d)| (*name, &d.schema))
    }

    /// The schema of a managed resource type, or the error for a type this provider lacks.
    pub fn resource_schema(&self, type_name: &str) -> Result<&Schema, Diagnostic> {
        self.resource(type_name).map(|r| &r.schema)
    }

    /// The schema of a data source type, or the error for a type this provider lacks.
    pub fn data_source_schema(&self, type_name: &str) -> Result<&Schema, Diagnostic> {
        self.data_source(type_name).map(|d| &d.schema)
    }

    fn resource(&self, type_name: &str) -> Result<&Registered<dyn Resource>, Diagnostic> {
        self.resources.get(type_name).ok_or_else(|| {
            Diagnostic::error(
                "Unknown resource type",
                format!("This provider has no managed resource type named {type_name:?}."),
            )
        })
    }

    /// The resource type, or `None` after adding the error for a type this provider lacks.
    fn resource_or_report(
        &self,
        type_name: &str,
        diagnostics: &mut Diagnostics,
    ) -> Option<&Registered<dyn Resource>> {
        self.resource(type_name)
            .map_err(|unknown| diagnostics.push(unknown))
            .ok()
    }

    fn data_source(&self, type_name: &str) -> Result<&Registered<dyn DataSource>, Diagnostic> {
        self.data_sources.get(type_name).ok_or_else(|| {
            Diagnostic::error(
                "Unknown data source type",
                format!("This provider has no data source type named {type_name:?}."),
            )
        })
    }

    /// The context handed to provider and resource code for one call.
    pub fn context(&self) -> Context {
        let session = self.session.read().unwrap_or_else(PoisonError::into_inner);
        Context {
            cancel: session.cancel.clone(),
            data: session.data.clone(),
            terraform_version: session.terraform_version.clone(),
        }
    }

    /// Cancels every call in flight; later calls get a fresh token and run normally.
    pub fn stop(&self) {
        let mut session = self.session.write().unwrap_or_else(PoisonError::into_inner);
        session.cancel.cancel();
        session.cancel = CancellationToken::new();
    }

    /// The provider's own checks of its (possibly unknown) configuration.
    pub fn validate_provider_config(&self, config: &Value) -> Diagnostics {
        let mut diagnostics = Diagnostics::new();
        self.provider.validate_config(config, &mut diagnostics);
        diagnostics
    }

    /// Runs the provider's configure and keeps what it returns for every later call's context.
    pub async fn configure_provider(
        &self,
        terraform_version: Option<String>,
        config: &Value,
    ) -> Diagnostics {
        let mut diagnostics = Diagnostics::new();
        let mut ctx = self.context();
        ctx.terraform_version = terraform_version.clone();
        let data = self
            .provider
            .configure(&ctx, config, &mut diagnostics)
            .await;
        let mut session = self.session.write().unwrap_or_else(PoisonError::into_inner);
        session.terraform_version = terraform_version;
        if data.is_some() {
            session.data = data;
        }
        diagnostics
    }
}
