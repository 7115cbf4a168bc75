//! `GetResourceIdentitySchemas` and `UpgradeResourceIdentity` (Terraform 1.12+): the identity
//! schema of every resource type that has one, and stored identities moved to the current
//! identity schema version.

use crate::framework::{Mode, Schema};
use crate::proto::tfplugin6 as proto;
use crate::protocol::codec::json;
use crate::protocol::{diagnostics, dynamic_value, ProviderService};
use proto::resource_identity_schema::IdentityAttribute;

/// An identity schema as Terraform expects it: a flat list of attributes, each either needed
/// by an import block or optional there (Terraform names the rest of it from the provider).
pub(crate) fn identity_schema_to_proto(schema: &Schema) -> proto::ResourceIdentitySchema {
    proto::ResourceIdentitySchema {
        version: schema.version,
        identity_attributes: schema
            .block
            .attributes
            .iter()
            .map(|attribute| {
                let description = if attribute.markdown_description.is_empty() {
                    attribute.description.clone()
                } else {
                    attribute.markdown_description.clone()
                };
                let ty = attribute.value_type().to_json().to_string().into_bytes();
                IdentityAttribute {
                    name: attribute.name.clone(),
                    r#type: ty,
                    required_for_import: attribute.mode == Mode::Required,
                    optional_for_import: attribute.mode != Mode::Required,
                    description,
                }
            })
            .collect(),
    }
}

impl ProviderService {
    pub(crate) fn get_resource_identity_schemas_rpc(
        &self,
    ) -> proto::get_resource_identity_schemas::Response {
        tracing::debug!(rpc = "GetResourceIdentitySchemas", "handling");
        proto::get_resource_identity_schemas::Response {
            identity_schemas: self
                .server
                .identity_schemas()
                .map(|(name, schema)| (name.to_owned(), identity_schema_to_proto(schema)))
                .collect(),
            diagnostics: Vec::new(),
        }
    }

    pub(crate) async fn upgrade_resource_identity_rpc(
        &self,
        request: proto::upgrade_resource_identity::Request,
    ) -> proto::upgrade_resource_identity::Response {
        tracing::debug!(
            rpc = "UpgradeResourceIdentity",
            type_name = %request.type_name,
            version = request.version,
            "handling"
        );
        let raw = request.raw_identity.map(|raw| raw.json).unwrap_or_default();
        let decode_current = |raw: &[u8], schema: &Schema| {
            json::decode(raw, &schema.value_type())
                .map_err(|error| dynamic_value::decode_error("stored identity", error))
        };
        let server = &self.server;
        let mut upgraded = server
            .upgrade_resource_identity(&request.type_name, request.version, &raw, decode_current)
            .await;
        let upgraded_identity = dynamic_value::encode_identity(
            &upgraded.identity,
            server.identity_schema(&request.type_name),
            &mut upgraded.diagnostics,
        );
        proto::upgrade_resource_identity::Response {
            upgraded_identity,
            diagnostics: diagnostics::to_proto(&upgraded.diagnostics),
        }
    }
}
