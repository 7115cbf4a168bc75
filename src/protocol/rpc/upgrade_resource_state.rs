//! `UpgradeResourceState`: stored JSON state → msgpack of the current schema.
//!
//! Terraform calls this every time it loads state, even at the current version, so that path
//! must be cheap and exact; older versions go through the resource's own upgrade.

use super::unknown_resource_type;
use crate::framework::plan::{null_write_only, unknown_paths};
use crate::framework::{Diagnostics, Resource, Value};
use crate::proto::tfplugin6 as proto;
use crate::protocol::codec::json;
use crate::protocol::{diagnostics, dynamic_value, ProviderService};

impl ProviderService {
    pub(crate) fn upgrade_resource_state_rpc(
        &self,
        request: proto::upgrade_resource_state::Request,
    ) -> proto::upgrade_resource_state::Response {
        tracing::debug!(
            rpc = "UpgradeResourceState",
            type_name = %request.type_name,
            version = request.version,
            "handling"
        );
        let mut diags = Diagnostics::new();
        let upgraded_state = self.upgrade_resource_state(&request, &mut diags);
        proto::upgrade_resource_state::Response {
            upgraded_state,
            diagnostics: diagnostics::to_proto(&diags),
        }
    }

    fn upgrade_resource_state(
        &self,
        request: &proto::upgrade_resource_state::Request,
        diags: &mut Diagnostics,
    ) -> Option<proto::DynamicValue> {
        let Some(resource) = self.resource(&request.type_name) else {
            diags.push(unknown_resource_type(&request.type_name));
            return None;
        };
        let schema = resource.schema();
        let raw = request
            .raw_state
            .as_ref()
            .map(|raw| raw.json.as_slice())
            .unwrap_or_default();
        if raw.is_empty() {
            diags.error(
                "Unsupported State Format",
                format!(
                    "The stored state of this {} has no JSON form (it predates Terraform 0.12). \
                     Remove it with `terraform state rm` and import it again.",
                    request.type_name
                ),
            );
            return None;
        }
        let state = if request.version == schema.version {
            match json::decode(raw, &schema.value_type()) {
                Ok(state) => state,
                Err(error) => {
                    diags.push(dynamic_value::decode_error("stored state", error));
                    return None;
                }
            }
        } else if request.version > schema.version {
            diags.error(
                "Resource Managed By Newer Provider Version",
                format!(
                    "The state of this {} was written with schema version {}, but this provider \
                     only knows versions up to {}. Use the newer provider version again.",
                    request.type_name, request.version, schema.version
                ),
            );
            return None;
        } else {
            self.upgrade_older_state(resource.as_ref(), request.version, raw, diags)?
        };
        let state = null_write_only(schema, &state);
        if let Some(path) = unknown_paths(&state).into_iter().next() {
            diags.attribute_error(
                path,
                "Invalid Upgraded State",
                "The upgraded state holds an unknown value, which state cannot store. This is a \
                 bug in the provider; please report it.",
            );
            return None;
        }
        match dynamic_value::encode(&state, &schema.value_type()) {
            Ok(encoded) => Some(encoded),
            Err(error) => {
                diags.push(dynamic_value::encode_error("upgraded state", error));
                None
            }
        }
    }

    fn upgrade_older_state(
        &self,
        resource: &dyn Resource,
        version: i64,
        raw: &[u8],
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let raw_state: serde_json::Value = match serde_json::from_slice(raw) {
            Ok(raw_state) => raw_state,
            Err(error) => {
                // serde_json's message names positions and expectations, never the content.
                diags.error(
                    "Invalid Stored State",
                    format!("The stored state is not valid JSON: {error}."),
                );
                return None;
            }
        };
        let upgraded = resource.upgrade_state(version, &raw_state, diags);
        if upgraded.is_none() && !diags.has_errors() {
            diags.error(
                "Missing Upgraded State",
                "The provider returned no upgraded state and no error. This is a bug in the \
                 provider; please report it.",
            );
        }
        upgraded
    }
}
