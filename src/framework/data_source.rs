//! The `DataSource` trait: a read-only look-up whose result lives in state only for one run.
//!
//! Same calling convention as [`Resource`](super::Resource): `(ctx, request, &mut response)`,
//! with the framework server checking what comes back.

use super::diagnostics::Diagnostics;
use super::resource::{Context, ValidateConfigRequest, ValidateConfigResponse};
use super::schema::Schema;
use super::value::Value;

/// Input to [`DataSource::read`].
#[derive(Debug, Clone)]
pub struct DataSourceReadRequest {
    /// The wholly known configuration.
    pub config: Value,
}

/// Output of [`DataSource::read`]. It arrives holding the configuration, so a data source
/// only sets its computed attributes.
#[derive(Debug, Clone, Default)]
pub struct DataSourceReadResponse {
    /// The result: the configuration with every computed attribute filled in.
    pub state: Value,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// A data source type.
#[async_trait::async_trait]
pub trait DataSource: Send + Sync + 'static {
    /// The data source type name, e.g. `cloudflare_zero_trust_access_identity_provider`.
    fn type_name(&self) -> &'static str;

    /// The schema. The server asks once and keeps it.
    fn schema(&self) -> Schema;

    /// Checks a configuration that may contain unknown values, before the provider is
    /// configured.
    async fn validate_config(
        &self,
        _ctx: &Context,
        _request: ValidateConfigRequest,
        _response: &mut ValidateConfigResponse,
    ) {
    }

    /// Reads the data.
    async fn read(
        &self,
        ctx: &Context,
        request: DataSourceReadRequest,
        response: &mut DataSourceReadResponse,
    );
}
