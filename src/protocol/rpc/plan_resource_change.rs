//! `PlanResourceChange`: the framework server's generic rules, then the resource's
//! `modify_plan`. The provider advertises `plan_destroy`, so destroys arrive here too.

use crate::framework::server::PlanResourceChangeRequest;
use crate::proto::tfplugin6 as proto;
use crate::protocol::{diagnostics, dynamic_value, ProviderService};

impl ProviderService {
    pub(crate) async fn plan_resource_change_rpc(
        &self,
        request: proto::plan_resource_change::Request,
    ) -> proto::plan_resource_change::Response {
        tracing::debug!(rpc = "PlanResourceChange", type_name = %request.type_name, "handling");
        let decoded = dynamic_value::decode_all(
            self.server.resource_schema(&request.type_name),
            [
                ("prior state", request.prior_state.as_ref()),
                ("proposed new state", request.proposed_new_state.as_ref()),
                ("configuration", request.config.as_ref()),
            ],
        );
        let (schema, [prior_state, proposed_new_state, config]) = match decoded {
            Ok(decoded) => decoded,
            Err(diags) => {
                return proto::plan_resource_change::Response {
                    planned_private: request.prior_private,
                    diagnostics: diagnostics::to_proto(&diags),
                    ..Default::default()
                }
            }
        };
        let identity_schema = self.server.identity_schema(&request.type_name);
        let prior_identity = match dynamic_value::decode_identity(
            identity_schema,
            request.prior_identity.as_ref(),
        ) {
            Ok(identity) => identity,
            Err(error) => {
                return proto::plan_resource_change::Response {
                    planned_private: request.prior_private,
                    diagnostics: diagnostics::to_proto(&error.into()),
                    ..Default::default()
                }
            }
        };
        let change = PlanResourceChangeRequest {
            prior_state,
            proposed_new_state,
            config,
            prior_private: request.prior_private,
            prior_identity,
        };
        let mut plan = self
            .server
            .plan_resource_change(&request.type_name, change)
            .await;
        let diags = &mut plan.diagnostics;
        let planned_state =
            dynamic_value::encode_or_report(&plan.planned_state, schema, "planned state", diags);
        let planned_identity =
            dynamic_value::encode_identity(&plan.planned_identity, identity_schema, diags);
        proto::plan_resource_change::Response {
            planned_state,
            requires_replace: plan
                .requires_replace
                .iter()
                .map(diagnostics::path_to_proto)
                .collect(),
            planned_private: plan.planned_private,
            planned_identity,
            diagnostics: diagnostics::to_proto(&plan.diagnostics),
            ..Default::default()
        }
    }
}
