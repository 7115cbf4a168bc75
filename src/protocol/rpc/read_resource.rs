//! `ReadResource`: refresh. A null new state tells Terraform the object is gone.

use super::{unknown_resource_type, unknowns_as_null};
use crate::framework::plan::{null_write_only, unknown_paths};
use crate::framework::resource::{ReadRequest, ReadResponse};
use crate::framework::Diagnostics;
use crate::proto::tfplugin6 as proto;
use crate::protocol::{diagnostics, dynamic_value, ProviderService};

impl ProviderService {
    pub(crate) async fn read_resource_rpc(
        &self,
        request: proto::read_resource::Request,
    ) -> proto::read_resource::Response {
        tracing::debug!(rpc = "ReadResource", type_name = %request.type_name, "handling");
        let mut diags = Diagnostics::new();
        let (new_state, private) = self.read_resource(request, &mut diags).await;
        proto::read_resource::Response {
            new_state,
            private,
            diagnostics: diagnostics::to_proto(&diags),
            ..Default::default()
        }
    }

    async fn read_resource(
        &self,
        request: proto::read_resource::Request,
        diags: &mut Diagnostics,
    ) -> (Option<proto::DynamicValue>, Vec<u8>) {
        let Some(resource) = self.resource(&request.type_name) else {
            diags.push(unknown_resource_type(&request.type_name));
            return (request.current_state, request.private);
        };
        let schema = resource.schema();
        let ty = schema.value_type();
        let current_state = request.current_state.clone();
        let prior_state = match dynamic_value::decode(request.current_state.as_ref(), &ty) {
            Ok(state) => state,
            Err(error) => {
                diags.push(dynamic_value::decode_error("current state", error));
                return (request.current_state, request.private);
            }
        };
        // Like the framework, the response starts as "nothing changed": a resource only has
        // to write what drifted, and sets null when the object is gone.
        let mut response = ReadResponse {
            new_state: prior_state.clone(),
            private: request.private.clone(),
            diagnostics: Diagnostics::new(),
        };
        let read_request = ReadRequest {
            prior_state,
            private: request.private,
        };
        resource
            .read(&self.context(), read_request, &mut response)
            .await;
        diags.extend(response.diagnostics);
        let mut new_state = null_write_only(schema, &response.new_state);
        let unknowns = unknown_paths(&new_state);
        if !unknowns.is_empty() {
            for path in unknowns {
                diags.attribute_error(
                    path,
                    "Unknown Value After Read",
                    "The provider left this attribute unknown after reading the object. This is \
                     a bug in the provider; please report it.",
                );
            }
            new_state = unknowns_as_null(&new_state);
        }
        match dynamic_value::encode(&new_state, &ty) {
            Ok(encoded) => (Some(encoded), response.private),
            Err(error) => {
                // Keeping the current state is safer than answering "gone".
                diags.push(dynamic_value::encode_error("refreshed state", error));
                (current_state, response.private)
            }
        }
    }
}
