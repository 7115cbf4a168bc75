//! `ValidateDataResourceConfig` and `ReadDataSource`: decoded with the data source's schema and
//! handed to the framework server.

use crate::framework::data_source::DataSourceReadRequest;
use crate::proto::tfplugin6 as proto;
use crate::protocol::{diagnostics, dynamic_value, ProviderService};

impl ProviderService {
    pub(crate) async fn validate_data_resource_config_rpc(
        &self,
        request: proto::validate_data_resource_config::Request,
    ) -> proto::validate_data_resource_config::Response {
        tracing::debug!(rpc = "ValidateDataResourceConfig", type_name = %request.type_name, "handling");
        let diags = match dynamic_value::decode_all(
            self.server.data_source_schema(&request.type_name),
            [("data source configuration", request.config.as_ref())],
        ) {
            Ok((_, [config])) => {
                let server = &self.server;
                server
                    .validate_data_source_config(&request.type_name, config)
                    .await
            }
            Err(diags) => diags,
        };
        proto::validate_data_resource_config::Response {
            diagnostics: diagnostics::to_proto(&diags),
        }
    }

    pub(crate) async fn read_data_source_rpc(
        &self,
        request: proto::read_data_source::Request,
    ) -> proto::read_data_source::Response {
        tracing::debug!(rpc = "ReadDataSource", type_name = %request.type_name, "handling");
        let (schema, [config]) = match dynamic_value::decode_all(
            self.server.data_source_schema(&request.type_name),
            [("data source configuration", request.config.as_ref())],
        ) {
            Ok(decoded) => decoded,
            Err(diags) => {
                return proto::read_data_source::Response {
                    diagnostics: diagnostics::to_proto(&diags),
                    ..Default::default()
                }
            }
        };
        let read = DataSourceReadRequest { config };
        let mut response = self.server.read_data_source(&request.type_name, read).await;
        let state = dynamic_value::encode_or_report(
            &response.state,
            schema,
            "data source state",
            &mut response.diagnostics,
        );
        proto::read_data_source::Response {
            state,
            diagnostics: diagnostics::to_proto(&response.diagnostics),
            ..Default::default()
        }
    }
}
