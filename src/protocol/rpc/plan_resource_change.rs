//! `PlanResourceChange`: the framework's generic rules, then the resource's `modify_plan`.
//!
//! The provider advertises `plan_destroy`, so destroys arrive here too (null proposed state);
//! they plan null without calling the resource.

use super::unknown_resource_type;
use crate::framework::plan::{null_write_only, plan_resource_change};
use crate::framework::resource::{ModifyPlanRequest, ModifyPlanResponse};
use crate::framework::{AttributePath, Diagnostics, Value};
use crate::proto::tfplugin6 as proto;
use crate::protocol::{diagnostics, dynamic_value, ProviderService};

impl ProviderService {
    pub(crate) async fn plan_resource_change_rpc(
        &self,
        request: proto::plan_resource_change::Request,
    ) -> proto::plan_resource_change::Response {
        let mut diags = Diagnostics::new();
        let (planned_state, requires_replace) =
            self.plan_resource_change(&request, &mut diags).await;
        proto::plan_resource_change::Response {
            planned_state,
            requires_replace: requires_replace
                .iter()
                .map(diagnostics::path_to_proto)
                .collect(),
            // Private data rides along unchanged; nothing here adds to it.
            planned_private: request.prior_private,
            diagnostics: diagnostics::to_proto(&diags),
            ..Default::default()
        }
    }

    async fn plan_resource_change(
        &self,
        request: &proto::plan_resource_change::Request,
        diags: &mut Diagnostics,
    ) -> (Option<proto::DynamicValue>, Vec<AttributePath>) {
        let Some(resource) = self.resource(&request.type_name) else {
            tracing::debug!(rpc = "PlanResourceChange", type_name = %request.type_name, "unknown type");
            diags.push(unknown_resource_type(&request.type_name));
            return (None, Vec::new());
        };
        let schema = resource.schema();
        let ty = schema.value_type();
        let decoded = [
            ("prior state", request.prior_state.as_ref()),
            ("proposed new state", request.proposed_new_state.as_ref()),
            ("configuration", request.config.as_ref()),
        ]
        .map(|(what, value)| {
            dynamic_value::decode(value, &ty).map_err(|e| dynamic_value::decode_error(what, e))
        });
        let [prior_state, proposed, config] = match decoded {
            [Ok(prior), Ok(proposed), Ok(config)] => [prior, proposed, config],
            results => {
                for error in results.into_iter().filter_map(Result::err) {
                    diags.push(error);
                }
                return (None, Vec::new());
            }
        };
        let operation = match (prior_state.is_null(), proposed.is_null()) {
            (_, true) => "destroy",
            (true, false) => "create",
            (false, false) => "update",
        };
        tracing::debug!(rpc = "PlanResourceChange", type_name = %request.type_name, operation, "handling");
        if proposed.is_null() {
            return (encode_planned(&Value::Null, &ty, diags), Vec::new());
        }
        let plan = plan_resource_change(schema, &prior_state, &proposed, &config);
        let mut response = ModifyPlanResponse {
            planned_state: plan.planned_state,
            requires_replace: plan.requires_replace,
            diagnostics: Diagnostics::new(),
        };
        let modify_request = ModifyPlanRequest {
            prior_state,
            config,
        };
        resource
            .modify_plan(&self.context(), &modify_request, &mut response)
            .await;
        diags.extend(response.diagnostics);
        // Whatever modify_plan did, write-only values never enter a plan.
        let planned_state = null_write_only(schema, &response.planned_state);
        let mut requires_replace = response.requires_replace;
        requires_replace.sort();
        requires_replace.dedup();
        (encode_planned(&planned_state, &ty, diags), requires_replace)
    }
}

fn encode_planned(
    planned: &Value,
    ty: &crate::framework::Type,
    diags: &mut Diagnostics,
) -> Option<proto::DynamicValue> {
    match dynamic_value::encode(planned, ty) {
        Ok(encoded) => Some(encoded),
        Err(error) => {
            diags.push(dynamic_value::encode_error("planned state", error));
            None
        }
    }
}
