//! `GetMetadata`: capabilities and type names without full schemas.

use super::server_capabilities;
use crate::proto::tfplugin6 as proto;
use crate::protocol::ProviderService;

impl ProviderService {
    pub(crate) fn get_metadata_rpc(&self) -> proto::get_metadata::Response {
        tracing::debug!(rpc = "GetMetadata", "handling");
        proto::get_metadata::Response {
            server_capabilities: Some(server_capabilities(&self.server)),
            resources: self
                .server
                .resource_schemas()
                .map(|(name, _)| proto::get_metadata::ResourceMetadata {
                    type_name: name.to_owned(),
                })
                .collect(),
            data_sources: self
                .server
                .data_source_schemas()
                .map(|(name, _)| proto::get_metadata::DataSourceMetadata {
                    type_name: name.to_owned(),
                })
                .collect(),
            list_resources: self
                .server
                .list_resource_schemas()
                .map(|(name, _)| proto::get_metadata::ListResourceMetadata {
                    type_name: name.to_owned(),
                })
                .collect(),
            ..Default::default()
        }
    }
}
