//! `UpgradeResourceState`: stored JSON state → msgpack of the current schema. The framework
//! server decides what to do with each version; current-version state is read with the JSON
//! codec here.

use crate::proto::tfplugin6 as proto;
use crate::protocol::codec::json;
use crate::protocol::{diagnostics, dynamic_value, ProviderService};

impl ProviderService {
    pub(crate) async fn upgrade_resource_state_rpc(
        &self,
        request: proto::upgrade_resource_state::Request,
    ) -> proto::upgrade_resource_state::Response {
        tracing::debug!(
            rpc = "UpgradeResourceState",
            type_name = %request.type_name,
            version = request.version,
            "handling"
        );
        let raw = request.raw_state.map(|raw| raw.json).unwrap_or_default();
        let decode_current = |raw: &[u8], schema: &crate::framework::Schema| {
            json::decode(raw, &schema.value_type())
                .map_err(|error| dynamic_value::decode_error("stored state", error))
        };
        let server = &self.server;
        let mut upgraded = server
            .upgrade_resource_state(&request.type_name, request.version, &raw, decode_current)
            .await;
        let upgraded_state = match server.resource_schema(&request.type_name) {
            Ok(schema) if !upgraded.state.is_null() => {
                let diags = &mut upgraded.diagnostics;
                dynamic_value::encode_or_report(&upgraded.state, schema, "upgraded state", diags)
            }
            _ => None,
        };
        proto::upgrade_resource_state::Response {
            upgraded_state,
            diagnostics: diagnostics::to_proto(&upgraded.diagnostics),
        }
    }
}
