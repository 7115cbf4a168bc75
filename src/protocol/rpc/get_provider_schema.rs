//! `GetProviderSchema`: the provider's and every resource's schema.

use super::server_capabilities;
use crate::proto::tfplugin6 as proto;
use crate::protocol::{schema, ProviderService};

impl ProviderService {
    pub(crate) fn get_provider_schema_rpc(&self) -> proto::get_provider_schema::Response {
        tracing::debug!(rpc = "GetProviderSchema", "handling");
        proto::get_provider_schema::Response {
            provider: Some(schema::to_proto(&self.provider_schema)),
            resource_schemas: self
                .resources
                .iter()
                .map(|(name, resource)| ((*name).to_owned(), schema::to_proto(resource.schema())))
                .collect(),
            server_capabilities: Some(server_capabilities()),
            ..Default::default()
        }
    }
}
