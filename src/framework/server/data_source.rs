//! Data sources: validation and read, with the same checks of the result as a resource read.

use super::resource::settle_state;
use super::Server;
use crate::framework::data_source::{DataSourceReadRequest, DataSourceReadResponse};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::resource::{ValidateConfigRequest, ValidateConfigResponse};
use crate::framework::value::Value;

/// Input to [`Server::read_data_source`].
pub type ReadDataSourceRequest = DataSourceReadRequest;

impl Server {
    /// The data source's own checks of a configuration that may contain unknown values.
    pub async fn validate_data_source_config(&self, type_name: &str, config: Value) -> Diagnostics {
        let registered = match self.data_source(type_name) {
            Ok(registered) => registered,
            Err(unknown) => return Diagnostics::from(unknown),
        };
        let mut response = ValidateConfigResponse::default();
        let request = ValidateConfigRequest { config };
        let ctx = self.context();
        let data_source = &registered.implementation;
        data_source
            .validate_config(&ctx, request, &mut response)
            .await;
        response.diagnostics
    }

    /// Reads a data source. The response starts as the configuration, so a data source only
    /// fills in what it computes; its result must be wholly known.
    pub async fn read_data_source(
        &self,
        type_name: &str,
        request: ReadDataSourceRequest,
    ) -> DataSourceReadResponse {
        let mut response = DataSourceReadResponse {
            state: request.config.clone(),
            diagnostics: Diagnostics::new(),
        };
        let registered = match self.data_source(type_name) {
            Ok(registered) => registered,
            Err(unknown) => {
                response.state = Value::Null;
                response.diagnostics.push(unknown);
                return response;
            }
        };
        tracing::debug!(type_name, "reading data source");
        registered
            .implementation
            .read(&self.context(), request, &mut response)
            .await;
        if response.diagnostics.has_errors() {
            return response;
        }
        if response.state.is_null() {
            response.diagnostics.error(
                "Missing Data Source State",
                format!(
                    "The provider's read of this {type_name} returned no result and no error. \
                     This is a bug in the provider; please report it."
                ),
            );
            return response;
        }
        settle_state(
            &registered.schema,
            &mut response.state,
            &mut response.diagnostics,
            "Unknown Value After Read",
            "The provider left this attribute unknown after reading the data source. This is a \
             bug in the provider; please report it.",
        );
        response
    }
}
