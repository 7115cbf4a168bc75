//! `ValidateResourceConfig`: the framework server checks write-only support of the client, then
//! the resource checks its configuration.

use crate::framework::server::ValidateResourceConfigRequest;
use crate::proto::tfplugin6 as proto;
use crate::protocol::{diagnostics, dynamic_value, ProviderService};

impl ProviderService {
    pub(crate) async fn validate_resource_config_rpc(
        &self,
        request: proto::validate_resource_config::Request,
    ) -> proto::validate_resource_config::Response {
        tracing::debug!(rpc = "ValidateResourceConfig", type_name = %request.type_name, "handling");
        let diags = match dynamic_value::decode_all(
            self.server.resource_schema(&request.type_name),
            [("resource configuration", request.config.as_ref())],
        ) {
            Ok((_, [config])) => {
                let write_only_allowed = request
                    .client_capabilities
                    .is_some_and(|capabilities| capabilities.write_only_attributes_allowed);
                let validate = ValidateResourceConfigRequest {
                    config,
                    write_only_allowed,
                };
                let server = &self.server;
                server
                    .validate_resource_config(&request.type_name, validate)
                    .await
            }
            Err(diags) => diags,
        };
        proto::validate_resource_config::Response {
            diagnostics: diagnostics::to_proto(&diags),
        }
    }
}
