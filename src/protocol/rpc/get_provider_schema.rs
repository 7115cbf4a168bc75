//! `GetProviderSchema`: the provider's, every resource's, data source's and list resource's
//! schema (for a list resource, the schema of its `config` block).

use super::server_capabilities;
use crate::proto::tfplugin6 as proto;
use crate::protocol::{schema, ProviderService};

impl ProviderService {
    pub(crate) fn get_provider_schema_rpc(&self) -> proto::get_provider_schema::Response {
        tracing::debug!(rpc = "GetProviderSchema", "handling");
        let to_proto = |(name, s)| (String::from(name), schema::to_proto(s));
        proto::get_provider_schema::Response {
            provider: Some(schema::to_proto(self.server.provider_schema())),
            resource_schemas: self.server.resource_schemas().map(to_proto).collect(),
            data_source_schemas: self.server.data_source_schemas().map(to_proto).collect(),
            list_resource_schemas: self.server.list_resource_schemas().map(to_proto).collect(),
            server_capabilities: Some(server_capabilities(&self.server)),
            ..Default::default()
        }
    }
}
