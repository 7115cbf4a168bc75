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
        let import = ImportRequest { id: request.id };
        let type_name = request.type_name;
        let mut imported = self.server.import_resource_state(&type_name, import).await;
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
                    identity: None,
                })
                .into_iter()
                .collect(),
            diagnostics: diagnostics::to_proto(&imported.diagnostics),
            ..Default::default()
        }
    }
}
