//! `MoveResourceState`: a `moved` block across resource types. The source state arrives as
//! stored JSON; the framework server checks the source and asks the target resource to convert
//! it; the result is encoded with the target's schema.

use crate::framework::server::MoveResourceStateRequest;
use crate::proto::tfplugin6 as proto;
use crate::protocol::{diagnostics, dynamic_value, ProviderService};

impl ProviderService {
    pub(crate) async fn move_resource_state_rpc(
        &self,
        request: proto::move_resource_state::Request,
    ) -> proto::move_resource_state::Response {
        tracing::debug!(
            rpc = "MoveResourceState",
            source_type_name = %request.source_type_name,
            source_provider_address = %request.source_provider_address,
            target_type_name = %request.target_type_name,
            "handling"
        );
        let moved = MoveResourceStateRequest {
            source_provider_address: request.source_provider_address,
            source_type_name: request.source_type_name,
            source_schema_version: request.source_schema_version,
            source_state_json: request.source_state.map(|raw| raw.json).unwrap_or_default(),
            source_private: request.source_private,
            target_type_name: request.target_type_name,
        };
        let target_type_name = moved.target_type_name.clone();
        let mut response = self.server.move_resource_state(moved).await;
        let target_state = match self.server.resource_schema(&target_type_name) {
            Ok(schema) if !response.state.is_null() => {
                let diags = &mut response.diagnostics;
                dynamic_value::encode_or_report(&response.state, schema, "moved state", diags)
            }
            _ => None,
        };
        proto::move_resource_state::Response {
            target_state,
            diagnostics: diagnostics::to_proto(&response.diagnostics),
            target_private: response.private,
            target_identity: None,
        }
    }
}
