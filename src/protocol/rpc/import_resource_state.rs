//! `ImportResourceState`: the framework server turns a user's import ID into a starting state;
//! Terraform reads it next.

use crate::framework::resource::ImportRequest;
use crate::proto::tfplugin6 as proto;
use crate::protocol::{diagnostics, dynamic_value, ProviderService};

impl ProviderService {
    pub(crate) async fn import_resource_state_rpc(
        &self,
        request: proto::import_resource_state::Request,
    ) -> proto::import_resource_state::Response {
        tracing::debug!(rpc = "ImportResourceState", type_name = %request.type_name, "handling");
        let type_name = request.type_name;
        let identity_schema = self.server.identity_schema(&type_name);
        let identity =
            match dynamic_value::decode_identity(identity_schema, request.identity.as_ref()) {
                Ok(identity) => identity,
                Err(error) => {
                    return proto::import_resource_state::Response {
                        diagnostics: diagnostics::to_proto(&error.into()),
                        ..Default::default()
                    }
                }
            };
        let import = ImportRequest {
            id: request.id,
            identity,
        };
        let mut imported = self.server.import_resource_state(&type_name, import).await;
        let diags = &mut imported.diagnostics;
        let identity = dynamic_value::encode_identity(&imported.identity, identity_schema, diags);
        let state = match self.server.resource_schema(&type_name) {
            Ok(schema) if !imported.state.is_null() => {
                let diags = &mut imported.diagnostics;
                dynamic_value::encode_or_report(&imported.state, schema, "imported state", diags)
            }
            _ => None,
        };
        proto::import_resource_state::Response {
            imported_resources: state
                .map(|state| proto::import_resource_state::ImportedResource {
                    type_name,
                    state: Some(state),
                    private: Vec::new(),
                    identity,
                })
                .into_iter()
                .collect(),
            diagnostics: diagnostics::to_proto(&imported.diagnostics),
            ..Default::default()
        }
    }
}
