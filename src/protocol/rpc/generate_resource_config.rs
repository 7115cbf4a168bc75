//! `GenerateResourceConfig` (Terraform 1.14+): the configuration value Terraform turns into HCL
//! for `-generate-config-out`, from an imported or listed object's state.

use crate::proto::tfplugin6 as proto;
use crate::protocol::{diagnostics, dynamic_value, ProviderService};

impl ProviderService {
    pub(crate) async fn generate_resource_config_rpc(
        &self,
        request: proto::generate_resource_config::Request,
    ) -> proto::generate_resource_config::Response {
        tracing::debug!(rpc = "GenerateResourceConfig", type_name = %request.type_name, "handling");
        let (schema, [state]) = match dynamic_value::decode_all(
            self.server.resource_schema(&request.type_name),
            [("state", request.state.as_ref())],
        ) {
            Ok(decoded) => decoded,
            Err(diags) => {
                return proto::generate_resource_config::Response {
                    config: None,
                    diagnostics: diagnostics::to_proto(&diags),
                }
            }
        };
        let mut generated = self
            .server
            .generate_resource_config(&request.type_name, state)
            .await;
        let config = if generated.diagnostics.has_errors() {
            None
        } else {
            let diags = &mut generated.diagnostics;
            dynamic_value::encode_or_report(&generated.config, schema, "configuration", diags)
        };
        proto::generate_resource_config::Response {
            config,
            diagnostics: diagnostics::to_proto(&generated.diagnostics),
        }
    }
}
