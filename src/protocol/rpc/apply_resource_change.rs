//! `ApplyResourceChange`: the framework server chooses create, update or delete.

use crate::framework::server::ApplyResourceChangeRequest;
use crate::framework::Value;
use crate::proto::tfplugin6 as proto;
use crate::protocol::{diagnostics, dynamic_value, ProviderService};

impl ProviderService {
    pub(crate) async fn apply_resource_change_rpc(
        &self,
        request: proto::apply_resource_change::Request,
    ) -> proto::apply_resource_change::Response {
        tracing::debug!(rpc = "ApplyResourceChange", type_name = %request.type_name, "handling");
        let decoded = dynamic_value::decode_all(
            self.server.resource_schema(&request.type_name),
            [
                ("prior state", request.prior_state.as_ref()),
                ("planned state", request.planned_state.as_ref()),
                ("configuration", request.config.as_ref()),
            ],
        );
        let (schema, [prior_state, planned_state, config]) = match decoded {
            Ok(decoded) => decoded,
            Err(diags) => {
                return proto::apply_resource_change::Response {
                    new_state: request.prior_state,
                    private: request.planned_private,
                    diagnostics: diagnostics::to_proto(&diags),
                    ..Default::default()
                }
            }
        };
        let identity_schema = self.server.identity_schema(&request.type_name);
        // The request carries no prior identity: for an object that exists, the planned one is
        // it (an update keeps its identity); for a create it is only partly known.
        let prior_identity = if prior_state.is_null() {
            Value::Null
        } else {
            match dynamic_value::decode_identity(identity_schema, request.planned_identity.as_ref())
            {
                Ok(identity) if identity.is_wholly_known() => identity,
                Ok(_) => Value::Null,
                Err(error) => {
                    return proto::apply_resource_change::Response {
                        new_state: request.prior_state,
                        private: request.planned_private,
                        diagnostics: diagnostics::to_proto(&error.into()),
                        ..Default::default()
                    }
                }
            }
        };
        let change = ApplyResourceChangeRequest {
            prior_state,
            planned_state,
            config,
            planned_private: request.planned_private,
            prior_identity,
        };
        let mut applied = self
            .server
            .apply_resource_change(&request.type_name, change)
            .await;
        let new_state = dynamic_value::encode_or_report(
            &applied.new_state,
            schema,
            "new state",
            &mut applied.diagnostics,
        );
        let new_identity = dynamic_value::encode_identity(
            &applied.identity,
            identity_schema,
            &mut applied.diagnostics,
        );
        proto::apply_resource_change::Response {
            new_state,
            new_identity,
            private: applied.private,
            diagnostics: diagnostics::to_proto(&applied.diagnostics),
            ..Default::default()
        }
    }
}
