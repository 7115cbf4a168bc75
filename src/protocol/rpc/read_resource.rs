//! `ReadResource`: refresh. A null new state tells Terraform the object is gone.

use crate::framework::resource::ReadRequest;
use crate::proto::tfplugin6 as proto;
use crate::protocol::{diagnostics, dynamic_value, ProviderService};

impl ProviderService {
    pub(crate) async fn read_resource_rpc(
        &self,
        request: proto::read_resource::Request,
    ) -> proto::read_resource::Response {
        tracing::debug!(rpc = "ReadResource", type_name = %request.type_name, "handling");
        let (schema, [prior_state]) = match dynamic_value::decode_all(
            self.server.resource_schema(&request.type_name),
            [("current state", request.current_state.as_ref())],
        ) {
            Ok(decoded) => decoded,
            Err(diags) => {
                return proto::read_resource::Response {
                    new_state: request.current_state,
                    private: request.private,
                    diagnostics: diagnostics::to_proto(&diags),
                    ..Default::default()
                }
            }
        };
        let identity_schema = self.server.identity_schema(&request.type_name);
        let identity = match dynamic_value::decode_identity(
            identity_schema,
            request.current_identity.as_ref(),
        ) {
            Ok(identity) => identity,
            Err(error) => {
                return proto::read_resource::Response {
                    new_state: request.current_state,
                    private: request.private,
                    new_identity: request.current_identity,
                    diagnostics: diagnostics::to_proto(&error.into()),
                    ..Default::default()
                }
            }
        };
        let read = ReadRequest {
            prior_state,
            private: request.private,
            identity,
        };
        let mut response = self.server.read_resource(&request.type_name, read).await;
        let diags = &mut response.diagnostics;
        // Keeping the current state is safer than answering "gone" when encoding fails.
        let new_state =
            dynamic_value::encode_or_report(&response.new_state, schema, "refreshed state", diags)
                .or(request.current_state);
        let new_identity = if response.new_state.is_null() {
            None
        } else {
            dynamic_value::encode_identity(&response.identity, identity_schema, diags)
        };
        proto::read_resource::Response {
            new_state,
            new_identity,
            private: response.private,
            diagnostics: diagnostics::to_proto(&response.diagnostics),
            ..Default::default()
        }
    }
}
