//! `ValidateResourceConfig`: write-only support of the client, then the resource's own checks.

use super::unknown_resource_type;
use crate::framework::plan::configured_write_only_paths;
use crate::framework::Diagnostics;
use crate::proto::tfplugin6 as proto;
use crate::protocol::{diagnostics, dynamic_value, ProviderService};

impl ProviderService {
    pub(crate) fn validate_resource_config_rpc(
        &self,
        request: proto::validate_resource_config::Request,
    ) -> proto::validate_resource_config::Response {
        tracing::debug!(rpc = "ValidateResourceConfig", type_name = %request.type_name, "handling");
        let mut diags = Diagnostics::new();
        self.validate_resource_config(&request, &mut diags);
        proto::validate_resource_config::Response {
            diagnostics: diagnostics::to_proto(&diags),
        }
    }

    fn validate_resource_config(
        &self,
        request: &proto::validate_resource_config::Request,
        diags: &mut Diagnostics,
    ) {
        let Some(resource) = self.resource(&request.type_name) else {
            diags.push(unknown_resource_type(&request.type_name));
            return;
        };
        let schema = resource.schema();
        let config = match dynamic_value::decode(request.config.as_ref(), &schema.value_type()) {
            Ok(config) => config,
            Err(error) => {
                diags.push(dynamic_value::decode_error("resource configuration", error));
                return;
            }
        };
        let write_only_allowed = request
            .client_capabilities
            .as_ref()
            .is_some_and(|capabilities| capabilities.write_only_attributes_allowed);
        if !write_only_allowed {
            // Older Terraform would store these values in plan and state; refuse instead.
            for path in configured_write_only_paths(schema, &config) {
                diags.attribute_error(
                    path,
                    "Write-Only Attribute Not Allowed",
                    "This attribute is write-only, which needs Terraform 1.11 or later. Upgrade \
                     Terraform or remove the attribute from the configuration.",
                );
            }
        }
        resource.validate_config(&config, diags);
    }
}
