//! `ImportResourceState`: turns a user's import ID into a starting state; Terraform reads it
//! next.

use super::unknown_resource_type;
use crate::framework::plan::{null_write_only, unknown_paths};
use crate::framework::resource::ImportResponse;
use crate::framework::Diagnostics;
use crate::proto::tfplugin6 as proto;
use crate::protocol::{diagnostics, dynamic_value, ProviderService};

impl ProviderService {
    pub(crate) async fn import_resource_state_rpc(
        &self,
        request: proto::import_resource_state::Request,
    ) -> proto::import_resource_state::Response {
        tracing::debug!(rpc = "ImportResourceState", type_name = %request.type_name, "handling");
        let mut diags = Diagnostics::new();
        let imported = self.import_resource_state(&request, &mut diags).await;
        proto::import_resource_state::Response {
            imported_resources: imported.into_iter().collect(),
            diagnostics: diagnostics::to_proto(&diags),
            ..Default::default()
        }
    }

    async fn import_resource_state(
        &self,
        request: &proto::import_resource_state::Request,
        diags: &mut Diagnostics,
    ) -> Option<proto::import_resource_state::ImportedResource> {
        let Some(resource) = self.resource(&request.type_name) else {
            diags.push(unknown_resource_type(&request.type_name));
            return None;
        };
        let schema = resource.schema();
        let mut response = ImportResponse::default();
        resource
            .import(&self.context(), &request.id, &mut response)
            .await;
        let failed = response.diagnostics.has_errors();
        diags.extend(response.diagnostics);
        if failed {
            return None;
        }
        if response.state.is_null() {
            diags.error(
                "Missing Imported State",
                "The provider returned no state for the import and no error. This is a bug in \
                 the provider; please report it.",
            );
            return None;
        }
        let state = null_write_only(schema, &response.state);
        if let Some(path) = unknown_paths(&state).into_iter().next() {
            diags.attribute_error(
                path,
                "Unknown Value After Import",
                "The imported state holds an unknown value. This is a bug in the provider; \
                 please report it.",
            );
            return None;
        }
        match dynamic_value::encode(&state, &schema.value_type()) {
            Ok(encoded) => Some(proto::import_resource_state::ImportedResource {
                type_name: request.type_name.clone(),
                state: Some(encoded),
                private: Vec::new(),
                identity: None,
            }),
            Err(error) => {
                diags.push(dynamic_value::encode_error("imported state", error));
                None
            }
        }
    }
}
