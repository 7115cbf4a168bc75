//! List resources (`terraform query`): each result is named by the identity of the managed
//! resource it lists, so only resource types with an identity schema can be listed.

use super::Server;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::list::{ListRequest, ListResponse};
use crate::framework::plan::{null_write_only, unknown_paths};
use crate::framework::resource::{ValidateConfigRequest, ValidateConfigResponse};
use crate::framework::value::Value;

/// Input to [`Server::list_resource`].
pub type ListResourceRequest = ListRequest;

impl Server {
    /// The list resource's own checks of a `list` block's configuration.
    pub async fn validate_list_resource_config(
        &self,
        type_name: &str,
        config: Value,
    ) -> Diagnostics {
        let Some(list) = self.list_resources.get(type_name) else {
            return Diagnostics::from(Diagnostic::error(
                "Unknown list resource type",
                format!("This provider has no list resource type named {type_name:?}."),
            ));
        };
        let mut response = ValidateConfigResponse::default();
        list.implementation
            .validate_config(
                &self.context(),
                ValidateConfigRequest { config },
                &mut response,
            )
            .await;
        response.diagnostics
    }

    /// Lists objects of a managed resource type. Results beyond the limit are dropped, full
    /// objects are kept only when asked for (without write-only values), and a result whose
    /// identity is missing or not wholly known carries an error instead of reaching Terraform
    /// as something it cannot import.
    pub async fn list_resource(
        &self,
        type_name: &str,
        request: ListResourceRequest,
    ) -> ListResponse {
        let mut response = ListResponse::default();
        let Some(list) = self.list_resources.get(type_name) else {
            response.diagnostics.error(
                "Unknown list resource type",
                format!("This provider has no list resource type named {type_name:?}."),
            );
            return response;
        };
        let resource = match self.resource(type_name) {
            Ok(resource) if resource.identity_schema.is_some() => resource,
            _ => {
                response.diagnostics.error(
                    "List Resource Without Identity",
                    format!(
                        "The list resource {type_name} needs a managed resource of the same type \
                         with an identity schema. This is a bug in the provider; please report it."
                    ),
                );
                return response;
            }
        };
        let include_resource = request.include_resource;
        let limit = request.limit;
        list.implementation
            .list(&self.context(), request, &mut response)
            .await;
        response.results.truncate(limit);
        for result in &mut response.results {
            if result.identity.is_null() || !unknown_paths(&result.identity).is_empty() {
                result.diagnostics = Diagnostics::new();
                result.diagnostics.error(
                    "Missing Resource Identity",
                    format!(
                        "A listed {type_name} has no wholly known identity, so Terraform could \
                         not import it. This is a bug in the provider; please report it."
                    ),
                );
            }
            result.resource_object = if include_resource {
                null_write_only(&resource.schema, &result.resource_object)
            } else {
                Value::Null
            };
        }
        response
    }
}
