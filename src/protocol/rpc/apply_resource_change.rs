//! `ApplyResourceChange`: create, update or delete, chosen from null values alone — a null
//! prior state creates, a null planned state deletes, anything else updates.

use super::{unknown_resource_type, unknowns_as_null};
use crate::framework::plan::{null_write_only, unknown_paths};
use crate::framework::resource::{ApplyResponse, CreateRequest, DeleteRequest, UpdateRequest};
use crate::framework::{Diagnostics, Value};
use crate::proto::tfplugin6 as proto;
use crate::protocol::{diagnostics, dynamic_value, ProviderService};

impl ProviderService {
    pub(crate) async fn apply_resource_change_rpc(
        &self,
        request: proto::apply_resource_change::Request,
    ) -> proto::apply_resource_change::Response {
        let mut diags = Diagnostics::new();
        let (new_state, private) = self.apply_resource_change(request, &mut diags).await;
        proto::apply_resource_change::Response {
            new_state,
            private,
            diagnostics: diagnostics::to_proto(&diags),
            ..Default::default()
        }
    }

    async fn apply_resource_change(
        &self,
        request: proto::apply_resource_change::Request,
        diags: &mut Diagnostics,
    ) -> (Option<proto::DynamicValue>, Vec<u8>) {
        let Some(resource) = self.resource(&request.type_name) else {
            tracing::debug!(rpc = "ApplyResourceChange", type_name = %request.type_name, "unknown type");
            diags.push(unknown_resource_type(&request.type_name));
            return (request.prior_state, request.planned_private);
        };
        let schema = resource.schema();
        let ty = schema.value_type();
        let decoded = [
            ("prior state", request.prior_state.as_ref()),
            ("planned state", request.planned_state.as_ref()),
            ("configuration", request.config.as_ref()),
        ]
        .map(|(what, value)| {
            dynamic_value::decode(value, &ty).map_err(|e| dynamic_value::decode_error(what, e))
        });
        let [prior_state, planned_state, config] = match decoded {
            [Ok(prior), Ok(planned), Ok(config)] => [prior, planned, config],
            results => {
                for error in results.into_iter().filter_map(Result::err) {
                    diags.push(error);
                }
                return (request.prior_state, request.planned_private);
            }
        };
        let ctx = self.context();

        if planned_state.is_null() {
            tracing::debug!(rpc = "ApplyResourceChange", type_name = %request.type_name, operation = "delete", "handling");
            let delete_request = DeleteRequest {
                prior_state: prior_state.clone(),
            };
            let mut delete_diags = Diagnostics::new();
            resource
                .delete(&ctx, delete_request, &mut delete_diags)
                .await;
            let failed = delete_diags.has_errors();
            diags.extend(delete_diags);
            // A failed delete leaves the object in place, so its state must stay too.
            let new_state = if failed { prior_state } else { Value::Null };
            return (encode_state(&new_state, &ty, diags), Vec::new());
        }

        let creating = prior_state.is_null();
        let operation = if creating { "create" } else { "update" };
        tracing::debug!(rpc = "ApplyResourceChange", type_name = %request.type_name, operation, "handling");
        let mut response = if creating {
            // Nothing exists yet: a create that fails early leaves nothing to track.
            ApplyResponse::default()
        } else {
            // An update that fails without saying otherwise leaves the object as it was.
            ApplyResponse {
                new_state: prior_state.clone(),
                private: request.planned_private.clone(),
                diagnostics: Diagnostics::new(),
            }
        };
        if creating {
            let create_request = CreateRequest {
                planned_state,
                config,
            };
            resource.create(&ctx, create_request, &mut response).await;
        } else {
            let update_request = UpdateRequest {
                prior_state,
                planned_state,
                config,
            };
            resource.update(&ctx, update_request, &mut response).await;
        }
        diags.extend(response.diagnostics);
        if response.new_state.is_null() && !diags.has_errors() {
            diags.error(
                "Missing Resource State After Apply",
                format!(
                    "The provider's {operation} of this {} returned no state and no error. This \
                     is a bug in the provider; please report it.",
                    request.type_name
                ),
            );
        }
        let mut new_state = null_write_only(schema, &response.new_state);
        let unknowns = unknown_paths(&new_state);
        if !unknowns.is_empty() {
            for path in unknowns {
                diags.attribute_error(
                    path,
                    "Unknown Value After Apply",
                    format!(
                        "The provider's {operation} left this attribute unknown, but state can \
                         only hold known values. This is a bug in the provider; please report it."
                    ),
                );
            }
            // Saved as null so that Terraform can keep track of what exists.
            new_state = unknowns_as_null(&new_state);
        }
        (encode_state(&new_state, &ty, diags), response.private)
    }
}

fn encode_state(
    state: &Value,
    ty: &crate::framework::Type,
    diags: &mut Diagnostics,
) -> Option<proto::DynamicValue> {
    match dynamic_value::encode(state, ty) {
        Ok(encoded) => Some(encoded),
        Err(error) => {
            diags.push(dynamic_value::encode_error("new state", error));
            None
        }
    }
}
