//! `ListResource` and `ValidateListResourceConfig` (Terraform 1.14+, `terraform query`): the
//! objects of a list block's scope, one stream event each, named by their identity.

use crate::framework::list::ListRequest;
use crate::proto::tfplugin6 as proto;
use crate::protocol::{diagnostics, dynamic_value, ProviderService};
use tonic::codegen::BoxStream;
use tonic::Status;

impl ProviderService {
    pub(crate) async fn validate_list_resource_config_rpc(
        &self,
        request: proto::validate_list_resource_config::Request,
    ) -> proto::validate_list_resource_config::Response {
        tracing::debug!(rpc = "ValidateListResourceConfig", type_name = %request.type_name, "handling");
        let diags = match dynamic_value::decode_all(
            self.server.list_resource_schema(&request.type_name),
            [("list block configuration", request.config.as_ref())],
        ) {
            Ok((_, [config])) => {
                self.server
                    .validate_list_resource_config(&request.type_name, config)
                    .await
            }
            Err(diags) => diags,
        };
        proto::validate_list_resource_config::Response {
            diagnostics: diagnostics::to_proto(&diags),
        }
    }

    pub(crate) async fn list_resource_rpc(
        &self,
        request: proto::list_resource::Request,
    ) -> BoxStream<proto::list_resource::Event> {
        tracing::debug!(
            rpc = "ListResource",
            type_name = %request.type_name,
            include_resource_object = request.include_resource_object,
            limit = request.limit,
            "handling"
        );
        let events = match dynamic_value::decode_all(
            self.server.list_resource_schema(&request.type_name),
            [("list block configuration", request.config.as_ref())],
        ) {
            Ok((_, [config])) => {
                let list = ListRequest {
                    config,
                    include_resource: request.include_resource_object,
                    limit: usize::try_from(request.limit.max(0)).unwrap_or(usize::MAX),
                };
                self.list_events(&request.type_name, list).await
            }
            Err(diags) => vec![diagnostic_event(&diags)],
        };
        Box::pin(tokio_stream::iter(events.into_iter().map(Ok::<_, Status>)))
    }

    async fn list_events(
        &self,
        type_name: &str,
        request: ListRequest,
    ) -> Vec<proto::list_resource::Event> {
        let listed = self.server.list_resource(type_name, request).await;
        let identity_schema = self.server.identity_schema(type_name);
        let resource_schema = self.server.resource_schema(type_name).ok();
        let mut events = Vec::with_capacity(listed.results.len() + 1);
        // Problems with the listing as a whole come first: Terraform stops at the first error.
        if !listed.diagnostics.is_empty() {
            events.push(diagnostic_event(&listed.diagnostics));
        }
        if listed.diagnostics.has_errors() {
            return events;
        }
        for mut result in listed.results {
            let diags = &mut result.diagnostics;
            let identity = dynamic_value::encode_identity(&result.identity, identity_schema, diags);
            let resource_object = match resource_schema {
                Some(schema) if !result.resource_object.is_null() => {
                    dynamic_value::encode_or_report(
                        &result.resource_object,
                        schema,
                        "listed object",
                        diags,
                    )
                }
                _ => None,
            };
            events.push(proto::list_resource::Event {
                identity,
                display_name: result.display_name,
                resource_object,
                diagnostic: diagnostics::to_proto(&result.diagnostics),
            });
        }
        events
    }
}

/// An event that carries only diagnostics.
fn diagnostic_event(diags: &crate::framework::Diagnostics) -> proto::list_resource::Event {
    proto::list_resource::Event {
        diagnostic: diagnostics::to_proto(diags),
        ..Default::default()
    }
}
